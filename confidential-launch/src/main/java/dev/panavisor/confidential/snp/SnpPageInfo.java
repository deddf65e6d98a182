package dev.panavisor.confidential.snp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The PAGE_INFO record hashed at each step of the SNP launch digest (SNP ABI §8.17.2, "Layout
 * of the PAGE_INFO structure"):
 * <pre>
 * 0x00  DIGEST_CUR   48  the launch digest before this page
 * 0x30  CONTENTS     48  SHA-384 of the page for NORMAL and VMSA pages, else zero
 * 0x60  LENGTH        2  0x70, the size of this record
 * 0x62  PAGE_TYPE     1
 * 0x63  IMI_PAGE      1  bit 0: page of an incoming migration image
 * 0x64  VMPL3_PERMS   1
 * 0x65  VMPL2_PERMS   1
 * 0x66  VMPL1_PERMS   1
 * 0x67  reserved      1
 * 0x68  GPA           8
 * </pre>
 * KVM's SNP_LAUNCH_UPDATE passes neither IMI nor VMPL permissions, so launches under KVM
 * always have zeros there; the encoder still takes them so its layout can be tested.
 */
public final class SnpPageInfo {
    public static final int LENGTH = 0x70;
    public static final int DIGEST_SIZE = 48;
    static final int DIGEST_CUR = 0x00;
    static final int CONTENTS = 0x30;
    static final int LENGTH_FIELD = 0x60;
    static final int PAGE_TYPE = 0x62;
    static final int IMI_PAGE = 0x63;
    static final int VMPL3_PERMS = 0x64;
    static final int VMPL2_PERMS = 0x65;
    static final int VMPL1_PERMS = 0x66;
    static final int GPA = 0x68;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SnpPageInfo() {}

    /**
     * Writes a PAGE_INFO into {@code out} (at least {@link #LENGTH} bytes).
     *
     * @param contents the page's SHA-384, or null for the zero CONTENTS of content-less types
     */
    public static void encode(MemorySegment out, byte[] digestCur, byte[] contents, SnpPageType type,
                              boolean imi, int vmpl3Perms, int vmpl2Perms, int vmpl1Perms, long gpa) {
        if (digestCur.length != DIGEST_SIZE) throw new IllegalArgumentException("DIGEST_CUR must be 48 bytes");
        if (contents != null && contents.length != DIGEST_SIZE) throw new IllegalArgumentException("CONTENTS must be 48 bytes");
        MemorySegment r = out.asSlice(0, LENGTH);
        r.fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(digestCur), 0, r, DIGEST_CUR, DIGEST_SIZE);
        if (contents != null) MemorySegment.copy(MemorySegment.ofArray(contents), 0, r, CONTENTS, DIGEST_SIZE);
        r.set(U16, LENGTH_FIELD, (short) LENGTH);
        r.set(ValueLayout.JAVA_BYTE, PAGE_TYPE, (byte) type.code());
        r.set(ValueLayout.JAVA_BYTE, IMI_PAGE, (byte) (imi ? 1 : 0));
        r.set(ValueLayout.JAVA_BYTE, VMPL3_PERMS, (byte) vmpl3Perms);
        r.set(ValueLayout.JAVA_BYTE, VMPL2_PERMS, (byte) vmpl2Perms);
        r.set(ValueLayout.JAVA_BYTE, VMPL1_PERMS, (byte) vmpl1Perms);
        r.set(U64, GPA, gpa);
    }
}
