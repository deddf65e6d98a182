package dev.panavisor.confidential.snp;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The SEV-SNP CPUID page: the CPUID values an SNP guest will trust, which the PSP checks against
 * the processor's policy when the page goes in with SNP_LAUNCH_UPDATE (page type CPUID). Built
 * from the CPUID table the vCPUs get (a {@code kvm_cpuid2}, i.e. KVM_GET_SUPPORTED_CPUID as the
 * VMM shaped it), so the guest's view inside and outside the CPUID page is the same.
 *
 * <p>Layout (SEV-SNP ABI "CPUID page"; Linux's {@code struct snp_cpuid_table}): COUNT u32 @0,
 * reserved to 16, then up to 64 functions of 48 bytes: EAX_IN u32, ECX_IN u32, XCR0_IN u64,
 * XSS_IN u64, EAX, EBX, ECX, EDX u32, reserved u64. ECX_IN is the subleaf for leaves KVM marks
 * index-significant and 0 otherwise; leaf 0xD subleaves 0 and 1 depend on XCR0/XSS, for which the
 * values at the guest's first instruction are given (XCR0 = x87 only, XSS = 0), as QEMU does.
 * The page's contents are not part of the launch digest (the CPUID page type is).
 */
public final class SnpCpuidPage {
    public static final int PAGE_SIZE = 4096;
    public static final int MAX_FUNCTIONS = 64;
    static final int HEADER = 16;
    static final int FUNCTION = 48;
    /** XCR0 at reset: x87 state only. */
    public static final long RESET_XCR0 = 0x1;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SnpCpuidPage() {}

    /**
     * The page for {@code cpuid}, a {@code kvm_cpuid2} with its entries. More than 64 functions is
     * more than the PSP accepts: refused with the count, rather than silently cut.
     */
    public static MemorySegment from(MemorySegment cpuid) {
        int n = kvm_cpuid2.nent(cpuid);
        if (n < 0 || n > MAX_FUNCTIONS) {
            throw new IllegalArgumentException("the CPUID table has " + Integer.toUnsignedString(n) + " entries; an SEV-SNP CPUID page holds at most "
                    + MAX_FUNCTIONS + " (trim the table, e.g. with a CPU template)");
        }
        long entrySize = kvm_cpuid_entry2.layout().byteSize();
        long first = kvm_cpuid2.layout().byteSize();
        MemorySegment entries = cpuid.reinterpret(first + n * entrySize).asSlice(first, n * entrySize);
        MemorySegment page = MemorySegment.ofArray(new byte[PAGE_SIZE]);
        page.set(U32, 0, n);
        for (int i = 0; i < n; i++) {
            MemorySegment e = entries.asSlice(i * entrySize, entrySize);
            int function = kvm_cpuid_entry2.function(e);
            boolean indexed = (kvm_cpuid_entry2.flags(e) & KvmUapi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX()) != 0;
            int index = indexed ? kvm_cpuid_entry2.index(e) : 0;
            long at = HEADER + (long) i * FUNCTION;
            page.set(U32, at, function);
            page.set(U32, at + 4, index);
            if (function == 0xD && (index == 0 || index == 1)) page.set(U64, at + 8, RESET_XCR0);
            page.set(U32, at + 24, kvm_cpuid_entry2.eax(e));
            page.set(U32, at + 28, kvm_cpuid_entry2.ebx(e));
            page.set(U32, at + 32, kvm_cpuid_entry2.ecx(e));
            page.set(U32, at + 36, kvm_cpuid_entry2.edx(e));
        }
        return page;
    }
}
