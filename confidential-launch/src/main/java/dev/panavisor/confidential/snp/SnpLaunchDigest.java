package dev.panavisor.confidential.snp;

import dev.panavisor.confidential.internal.Digests;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The SEV-SNP launch digest, one page at a time, in the order pages are added to the guest
 * (SNP ABI §8.17, SNP_LAUNCH_UPDATE). Each page sets
 * {@code digest = SHA-384(PAGE_INFO(digest, SHA-384(page) or 0, type, gpa))}; the value after
 * the last page is what SNP_LAUNCH_FINISH seals and the attestation report's MEASUREMENT shows.
 *
 * <p>Contents are hashed straight from the given segments (mapped firmware, guest memory).
 * Not thread-safe.
 */
public final class SnpLaunchDigest {
    public static final int PAGE_SIZE = 4096;
    public static final int DIGEST_SIZE = SnpPageInfo.DIGEST_SIZE;
    /**
     * The GPA a VMSA page is measured at under KVM: the RMP records a VMSA with GPA (u64)-1,
     * which the PSP reduces to a page-aligned 52-bit address.
     */
    public static final long KVM_VMSA_GPA = 0xFFFF_FFFF_F000L;

    private final MessageDigest pageHash = Digests.sha384();
    private final MessageDigest chainHash = Digests.sha384();
    private final MemorySegment pageInfo = MemorySegment.ofArray(new byte[SnpPageInfo.LENGTH]);
    private byte[] current;
    private long pages;

    /** A fresh launch: the digest starts as 48 zero bytes. */
    public SnpLaunchDigest() {
        this(new byte[DIGEST_SIZE]);
    }

    private SnpLaunchDigest(byte[] start) {
        this.current = start;
    }

    /**
     * Continues from a digest computed elsewhere, e.g. a published digest of the firmware pages
     * alone (sev-snp-measure's {@code --snp-ovmf-hash}), so the firmware need not be at hand.
     */
    public static SnpLaunchDigest continuingFrom(byte[] digest) {
        if (digest.length != DIGEST_SIZE) throw new IllegalArgumentException("an SNP launch digest is 48 bytes");
        return new SnpLaunchDigest(digest.clone());
    }

    /**
     * One 4 KiB page at {@code gpa}. {@code contents} is required (4096 bytes) for
     * {@link SnpPageType#NORMAL} and {@link SnpPageType#VMSA}, and must be null for the other
     * types, whose contents the measurement does not cover.
     */
    public SnpLaunchDigest addPage(long gpa, SnpPageType type, MemorySegment contents) {
        checkAligned(gpa, "GPA");
        byte[] contentsHash = null;
        if (type.hasContents()) {
            if (contents == null || contents.byteSize() != PAGE_SIZE) {
                throw new IllegalArgumentException(type + " page at 0x" + Long.toHexString(gpa)
                        + " needs exactly " + PAGE_SIZE + " bytes of contents, got "
                        + (contents == null ? "none" : contents.byteSize()));
            }
            contentsHash = Digests.of(pageHash, contents);
        } else if (contents != null) {
            throw new IllegalArgumentException(type + " pages are measured without contents; pass null");
        }
        extend(contentsHash, type, gpa);
        return this;
    }

    /** Consecutive pages with contents (normally {@link SnpPageType#NORMAL}) from {@code gpa}, covering {@code contents}. */
    public SnpLaunchDigest addPages(long gpa, SnpPageType type, MemorySegment contents) {
        long size = contents.byteSize();
        checkAligned(size, "length of " + type + " contents");
        for (long off = 0; off < size; off += PAGE_SIZE) {
            addPage(gpa + off, type, contents.asSlice(off, PAGE_SIZE));
        }
        return this;
    }

    /** Consecutive content-less pages (zero, unmeasured, secrets, CPUID) covering {@code length} bytes. */
    public SnpLaunchDigest addPages(long gpa, SnpPageType type, long length) {
        checkAligned(length, "length of " + type + " range");
        for (long off = 0; off < length; off += PAGE_SIZE) addPage(gpa + off, type, null);
        return this;
    }

    /** A vCPU's VMSA page, measured at the GPA KVM's launch gives it. */
    public SnpLaunchDigest addVmsa(MemorySegment vmsa) {
        return addPage(KVM_VMSA_GPA, SnpPageType.VMSA, vmsa);
    }

    /**
     * The raw PAGE_INFO step for callers that hold a page hash rather than the page (or need
     * the IMI/VMPL fields): {@code contentsHash} is null for content-less types.
     */
    public SnpLaunchDigest extend(byte[] contentsHash, SnpPageType type, long gpa, boolean imi,
                                  int vmpl3Perms, int vmpl2Perms, int vmpl1Perms) {
        if (type.hasContents() != (contentsHash != null)) {
            throw new IllegalArgumentException(type + (type.hasContents() ? " needs" : " takes no") + " contents hash");
        }
        SnpPageInfo.encode(pageInfo, current, contentsHash, type, imi, vmpl3Perms, vmpl2Perms, vmpl1Perms, gpa);
        current = Digests.of(chainHash, pageInfo);
        pages++;
        return this;
    }

    private void extend(byte[] contentsHash, SnpPageType type, long gpa) {
        extend(contentsHash, type, gpa, false, 0, 0, 0);
    }

    /** The launch digest after the pages added so far. */
    public byte[] digest() {
        return current.clone();
    }

    /** How many PAGE_INFO steps have been taken. */
    public long pageCount() {
        return pages;
    }

    private static void checkAligned(long value, String what) {
        if ((value & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(what + " 0x" + Long.toHexString(value) + " is not a multiple of 4 KiB");
        }
    }

    @Override
    public String toString() {
        return "SnpLaunchDigest[" + pages + " pages, " + HexFormat.of().formatHex(current) + "]";
    }

}
