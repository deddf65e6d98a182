package dev.panavisor.confidential.snp;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/** The SNP CPUID page (SEV-SNP ABI "CPUID page"; Linux struct snp_cpuid_table) from a kvm_cpuid2. */
public class SnpCpuidPageTest {
    /** {function, index, flags, eax, ebx, ecx, edx} per entry. */
    public static MemorySegment table(Arena a, int[]... entries) {
        long entry = kvm_cpuid_entry2.layout().byteSize();
        long header = kvm_cpuid2.layout().byteSize();
        MemorySegment t = a.allocate(header + entries.length * entry, 8);
        kvm_cpuid2.nent(t, entries.length);
        for (int i = 0; i < entries.length; i++) {
            MemorySegment e = t.asSlice(header + i * entry, entry);
            int[] v = entries[i];
            kvm_cpuid_entry2.function(e, v[0]);
            kvm_cpuid_entry2.index(e, v[1]);
            kvm_cpuid_entry2.flags(e, v[2]);
            kvm_cpuid_entry2.eax(e, v[3]);
            kvm_cpuid_entry2.ebx(e, v[4]);
            kvm_cpuid_entry2.ecx(e, v[5]);
            kvm_cpuid_entry2.edx(e, v[6]);
        }
        return t;
    }

    @Test
    void entriesGoInAsFunctionsWithTheirSubleafAndXcr0ForLeafD() {
        int idx = KvmUapi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment page = SnpCpuidPage.from(table(a,
                    new int[]{0x0, 0, 0, 0xD, 0x68747541, 0x444D4163, 0x69746E65},
                    new int[]{0x7, 0, idx, 0, 0x219C07AB, 0x4, 0x10},
                    new int[]{0x1, 5, 0, 0xA20F12, 0x800, 0x7EF8320B, 0x178BFBFF},   // index not significant: ECX_IN 0
                    new int[]{0xD, 1, idx, 0xF, 0x340, 0, 0}));
            ByteBuffer b = ByteBuffer.wrap(page.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(4096, b.capacity());
            assertEquals(4, b.getInt(0), "COUNT");
            assertEquals(0, b.getInt(4));
            assertEquals(0L, b.getLong(8));
            int f0 = 16, f1 = 16 + 48, f2 = 16 + 96, f3 = 16 + 144;
            assertEquals(0x0, b.getInt(f0));
            assertEquals(0x68747541, b.getInt(f0 + 28), "EBX");
            assertEquals(0x7, b.getInt(f1));
            assertEquals(0x219C07AB, b.getInt(f1 + 28));
            assertEquals(0x10, b.getInt(f1 + 36), "EDX");
            assertEquals(0, b.getInt(f2 + 4), "ECX_IN of a leaf without a significant index");
            assertEquals(0xD, b.getInt(f3));
            assertEquals(1, b.getInt(f3 + 4), "ECX_IN");
            assertEquals(SnpCpuidPage.RESET_XCR0, b.getLong(f3 + 8), "XCR0_IN for leaf 0xD subleaf 1");
            assertEquals(0L, b.getLong(f0 + 8), "XCR0_IN elsewhere");
            assertEquals(0x340, b.getInt(f3 + 28));
            for (int i = 16 + 4 * 48; i < 4096; i++) assertEquals(0, page.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i));
        }
    }

    @Test
    void moreThan64FunctionsAreRefusedNotCut() {
        try (Arena a = Arena.ofConfined()) {
            int[][] many = new int[65][];
            for (int i = 0; i < many.length; i++) many[i] = new int[]{i, 0, 0, 0, 0, 0, 0};
            var e = assertThrows(IllegalArgumentException.class, () -> SnpCpuidPage.from(table(a, many)));
            assertTrue(e.getMessage().contains("65 entries"), e.getMessage());
        }
    }
}
