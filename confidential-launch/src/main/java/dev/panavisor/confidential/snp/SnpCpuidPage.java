package dev.panavisor.confidential.snp;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The SEV-SNP CPUID page: the CPUID values an SNP guest will trust, which the PSP checks against
 * the processor's policy when the page goes in with SNP_LAUNCH_UPDATE (page type CPUID). Built
 * from the CPUID table the vCPUs get (a {@code kvm_cpuid2}, i.e. KVM_GET_SUPPORTED_CPUID as the
 * VMM shaped it), so the guest's view inside and outside the CPUID page is the same.
 *
 * <p>Layout (SEV-SNP ABI "CPUID page"; Linux's {@code struct snp_cpuid_table}): COUNT u32 @0,
 * reserved to 16, then up to 64 functions of 48 bytes: EAX_IN u32, ECX_IN u32, XCR0_IN u64,
 * XSS_IN u64, EAX, EBX, ECX, EDX u32, reserved u64. ECX_IN is the subleaf for leaves KVM marks
 * index-significant and 0 otherwise.
 *
 * <p>Leaf 0xD subleaves 0 and 1 report XSAVE area sizes that depend on XCR0 and XSS, and the
 * PSP checks EBX against XCR0_IN/XSS_IN. KVM reports the size for every feature it supports, which
 * is not what the guest has enabled at its first instruction; those two entries therefore carry
 * the reset state (XCR0 = x87 only, XSS = 0) and its size, 0x240 (512-byte legacy area + 64-byte
 * XSAVE header). Guests recompute EBX from the per-component subleaves once they enable more.
 *
 * <p>The page's contents are not part of the launch digest (the CPUID page type is).
 */
public final class SnpCpuidPage {
    private static final Logger log = LoggerFactory.getLogger(SnpCpuidPage.class);

    public static final int PAGE_SIZE = 4096;
    public static final int MAX_FUNCTIONS = 64;
    static final int HEADER = 16;
    static final int FUNCTION = 48;
    /** XCR0 at reset: x87 state only. */
    public static final long RESET_XCR0 = 0x1;
    /** IA32_XSS at reset. */
    public static final long RESET_XSS = 0;
    /** XSAVE area size for XCR0 = x87 and XSS = 0: legacy region (512) + XSAVE header (64). */
    public static final int RESET_XSAVE_SIZE = 0x240;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One CPUID function of the page: its inputs and the outputs the guest will see. */
    public record Function(int eaxIn, int ecxIn, long xcr0In, long xssIn, int eax, int ebx, int ecx, int edx) {
        boolean outputsZero() {
            return eax == 0 && ebx == 0 && ecx == 0 && edx == 0;
        }

        /** "0xd/0x1" style: leaf and subleaf. */
        public String leaf() {
            return "0x" + Integer.toHexString(eaxIn) + "/0x" + Integer.toHexString(ecxIn);
        }
    }

    private SnpCpuidPage() {}

    /**
     * The page for {@code cpuid}, a {@code kvm_cpuid2} with its entries. Over 64 functions, the
     * ones whose outputs are all zero are left out (guests treat a leaf missing from a range the
     * page declares as all zeros); if more than 64 remain, the table is refused with its count
     * rather than silently cut.
     */
    public static MemorySegment from(MemorySegment cpuid) {
        List<Function> functions = functions(cpuid);
        if (functions.size() > MAX_FUNCTIONS) {
            List<Function> nonZero = functions.stream().filter(f -> !f.outputsZero()).toList();
            if (nonZero.size() > MAX_FUNCTIONS) {
                throw new IllegalArgumentException("the CPUID table has " + functions.size() + " entries (" + nonZero.size()
                        + " not all zero); an SEV-SNP CPUID page holds at most " + MAX_FUNCTIONS
                        + " (trim the table, e.g. with a CPU template)");
            }
            log.info("SEV-SNP CPUID page: {} of the CPUID table's {} entries are all zero and left out to fit the page's {}",
                    functions.size() - nonZero.size(), functions.size(), MAX_FUNCTIONS);
            functions = nonZero;
        }
        return encode(functions);
    }

    /** The functions {@code cpuid} (a {@code kvm_cpuid2} with its entries) gives the page, in table order. */
    public static List<Function> functions(MemorySegment cpuid) {
        int n = kvm_cpuid2.nent(cpuid);
        if (n < 0 || n > 0x10000) throw new IllegalArgumentException("implausible CPUID table entry count " + Integer.toUnsignedString(n));
        long entrySize = kvm_cpuid_entry2.layout().byteSize();
        long first = kvm_cpuid2.layout().byteSize();
        MemorySegment entries = cpuid.reinterpret(first + n * entrySize).asSlice(first, n * entrySize);
        List<Function> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MemorySegment e = entries.asSlice(i * entrySize, entrySize);
            int function = kvm_cpuid_entry2.function(e);
            boolean indexed = (kvm_cpuid_entry2.flags(e) & KvmUapi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX()) != 0;
            int index = indexed ? kvm_cpuid_entry2.index(e) : 0;
            int ebx = kvm_cpuid_entry2.ebx(e);
            boolean xsaveSize = function == 0xD && (index == 0 || index == 1);
            out.add(new Function(function, index, xsaveSize ? RESET_XCR0 : 0, xsaveSize ? RESET_XSS : 0,
                    kvm_cpuid_entry2.eax(e), xsaveSize ? RESET_XSAVE_SIZE : ebx, kvm_cpuid_entry2.ecx(e), kvm_cpuid_entry2.edx(e)));
        }
        return out;
    }

    /** The 4 KiB page holding {@code functions} (at most 64). */
    public static MemorySegment encode(List<Function> functions) {
        if (functions.size() > MAX_FUNCTIONS) {
            throw new IllegalArgumentException(functions.size() + " CPUID functions; an SEV-SNP CPUID page holds at most " + MAX_FUNCTIONS);
        }
        MemorySegment page = MemorySegment.ofArray(new byte[PAGE_SIZE]);
        page.set(U32, 0, functions.size());
        for (int i = 0; i < functions.size(); i++) {
            Function f = functions.get(i);
            long at = HEADER + (long) i * FUNCTION;
            page.set(U32, at, f.eaxIn());
            page.set(U32, at + 4, f.ecxIn());
            page.set(U64, at + 8, f.xcr0In());
            page.set(U64, at + 16, f.xssIn());
            page.set(U32, at + 24, f.eax());
            page.set(U32, at + 28, f.ebx());
            page.set(U32, at + 32, f.ecx());
            page.set(U32, at + 36, f.edx());
        }
        return page;
    }

    /**
     * The functions of a CPUID page, e.g. one the PSP wrote back. A COUNT above 64 is reported as
     * such; the entries are read up to 64 whatever COUNT says, so nothing outside the page is read.
     */
    public static List<Function> decode(MemorySegment page) {
        if (page.byteSize() < PAGE_SIZE) throw new IllegalArgumentException("a CPUID page is 4096 bytes, got " + page.byteSize());
        int count = page.get(U32, 0);
        int n = Integer.compareUnsigned(count, MAX_FUNCTIONS) > 0 ? MAX_FUNCTIONS : count;
        List<Function> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long at = HEADER + (long) i * FUNCTION;
            out.add(new Function(page.get(U32, at), page.get(U32, at + 4), page.get(U64, at + 8), page.get(U64, at + 16),
                    page.get(U32, at + 24), page.get(U32, at + 28), page.get(U32, at + 32), page.get(U32, at + 36)));
        }
        return out;
    }

    /** COUNT as the page states it (may exceed 64 in a malformed page). */
    public static long count(MemorySegment page) {
        return Integer.toUnsignedLong(page.get(U32, 0));
    }
}
