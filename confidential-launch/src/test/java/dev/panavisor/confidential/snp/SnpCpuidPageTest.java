package dev.panavisor.confidential.snp;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

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

    /**
     * SEV-SNP ABI, CPUID page (Linux struct snp_cpuid_table): the exact 4 KiB for a fixed table,
     * built here field by field at the ABI offsets (COUNT @0; function i at 16 + 48 i: EAX_IN,
     * ECX_IN, XCR0_IN, XSS_IN, EAX, EBX, ECX, EDX, reserved).
     */
    @Test
    void aFixedTableGivesExactlyThesePageBytes() {
        int idx = KvmUapi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment page = SnpCpuidPage.from(table(a,
                    new int[]{0x0, 0, 0, 0x10, 0x68747541, 0x444D4163, 0x69746E65},
                    new int[]{0x1, 5, 0, 0xA20F12, 0x800, 0x7EF8320B, 0x178BFBFF},     // index not significant: ECX_IN 0
                    new int[]{0x7, 0, idx, 1, 0x219C07AB, 0x4, 0x10},
                    new int[]{0xD, 0, idx, 0x2E7, 0x988, 0x988, 0},                    // KVM's max-size EBX
                    new int[]{0xD, 1, idx, 0xF, 0x988, 0, 0},
                    new int[]{0xD, 2, idx, 0x100, 0x240, 0, 0},                        // AVX state: untouched
                    new int[]{0x8000001D, 3, idx, 0x163, 0x3C0003F, 0x3FFF, 0x1}));
            ByteBuffer want = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            want.putInt(0, 7);
            long[][] f = {
                    {0x0, 0, 0, 0, 0x10, 0x68747541, 0x444D4163, 0x69746E65},
                    {0x1, 0, 0, 0, 0xA20F12, 0x800, 0x7EF8320B, 0x178BFBFF},
                    {0x7, 0, 0, 0, 1, 0x219C07AB, 0x4, 0x10},
                    {0xD, 0, 1, 0, 0x2E7, 0x240, 0x988, 0},    // XCR0_IN = x87, EBX = 0x240 for it
                    {0xD, 1, 1, 0, 0xF, 0x240, 0, 0},
                    {0xD, 2, 0, 0, 0x100, 0x240, 0, 0},
                    {0x8000001DL, 3, 0, 0, 0x163, 0x3C0003F, 0x3FFF, 0x1}};
            for (int i = 0; i < f.length; i++) {
                int at = 16 + 48 * i;
                want.putInt(at, (int) f[i][0]).putInt(at + 4, (int) f[i][1]).putLong(at + 8, f[i][2]).putLong(at + 16, f[i][3]);
                want.putInt(at + 24, (int) f[i][4]).putInt(at + 28, (int) f[i][5]).putInt(at + 32, (int) f[i][6]).putInt(at + 36, (int) f[i][7]);
            }
            assertArrayEquals(want.array(), page.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void leafDXsaveSizesAreThoseOfTheResetStateNotKvmsMaximum() {
        int idx = KvmUapi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX();
        try (Arena a = Arena.ofConfined()) {
            List<SnpCpuidPage.Function> fs = SnpCpuidPage.functions(table(a, new int[]{0xD, 0, idx, 0x7, 0x340, 0x340, 0},
                    new int[]{0xD, 1, idx, 0xF, 0x340, 0, 0}, new int[]{0xD, 3, idx, 0x40, 0x3C0, 0, 0}));
            assertEquals(new SnpCpuidPage.Function(0xD, 0, 1, 0, 0x7, 0x240, 0x340, 0), fs.get(0), "ECX (max size) stays KVM's");
            assertEquals(new SnpCpuidPage.Function(0xD, 1, 1, 0, 0xF, 0x240, 0, 0), fs.get(1));
            assertEquals(new SnpCpuidPage.Function(0xD, 3, 0, 0, 0x40, 0x3C0, 0, 0), fs.get(2));
        }
    }

    @Test
    void moreThan64FunctionsLeaveOutAllZeroOnesInOrder() {
        try (Arena a = Arena.ofConfined()) {
            int[][] many = new int[70][];
            for (int i = 0; i < many.length; i++) many[i] = new int[]{0x80000000 + i, 0, 0, i % 10 == 3 ? 0 : i + 1, 0, 0, 0};
            MemorySegment page = SnpCpuidPage.from(table(a, many));
            List<SnpCpuidPage.Function> kept = SnpCpuidPage.decode(page);
            assertEquals(63, kept.size());
            assertEquals(63, SnpCpuidPage.count(page));
            for (SnpCpuidPage.Function f : kept) assertNotEquals(0, f.eax());
            assertEquals(0x80000000, kept.get(0).eaxIn());
            assertEquals(0x80000000 + 4, kept.get(3).eaxIn(), "function 3 (all zero) left out");
        }
    }

    @Test
    void up64FunctionsKeepAllZeroOnes() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment page = SnpCpuidPage.from(table(a, new int[]{0x6, 0, 0, 0, 0, 0, 0}, new int[]{0x0, 0, 0, 0x6, 0, 0, 0}));
            assertEquals(2, SnpCpuidPage.count(page));
        }
    }

    @Test
    void moreThan64FunctionsThatAreNotZeroAreRefusedNotCut() {
        try (Arena a = Arena.ofConfined()) {
            int[][] many = new int[65][];
            for (int i = 0; i < many.length; i++) many[i] = new int[]{i, 0, 0, 1, 0, 0, 0};
            var e = assertThrows(IllegalArgumentException.class, () -> SnpCpuidPage.from(table(a, many)));
            assertTrue(e.getMessage().contains("65 entries"), e.getMessage());
        }
    }

    @Test
    void decodingReadsNoMoreThan64FunctionsWhateverCountSays() {
        MemorySegment page = MemorySegment.ofArray(new byte[4096]);
        page.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, -1);
        assertEquals(64, SnpCpuidPage.decode(page).size());
        assertEquals(0xFFFF_FFFFL, SnpCpuidPage.count(page));
    }

    @Property(tries = 200)
    void decodeInvertsEncode(@ForAll @Size(max = 64) List<SnpCpuidPage.@From("functions") Function> functions) {
        assertEquals(functions, SnpCpuidPage.decode(SnpCpuidPage.encode(functions)));
    }

    @Provide
    Arbitrary<SnpCpuidPage.Function> functions() {
        Arbitrary<Integer> i = Arbitraries.integers();
        Arbitrary<Long> l = Arbitraries.longs();
        return Combinators.combine(i, i, l, l, i, i, i, i).as(SnpCpuidPage.Function::new);
    }
}
