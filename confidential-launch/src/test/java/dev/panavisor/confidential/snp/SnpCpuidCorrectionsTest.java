package dev.panavisor.confidential.snp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the PSP changed in a refused CPUID page (amd-memory-encryption.rst, KVM_SEV_SNP_LAUNCH_UPDATE, page type CPUID). */
class SnpCpuidCorrectionsTest {
    private static final SnpCpuidPage.Function LEAF_7 = new SnpCpuidPage.Function(0x7, 0, 0, 0, 1, 0x219C07AB, 0x4, 0x10);
    private static final SnpCpuidPage.Function LEAF_D1 = new SnpCpuidPage.Function(0xD, 1, 1, 0, 0xF, 0x240, 0, 0);

    @Test
    void namesEachChangedRegisterWithTheBitsSetAndCleared() {
        MemorySegment ours = SnpCpuidPage.encode(List.of(LEAF_7, LEAF_D1));
        MemorySegment psp = SnpCpuidPage.encode(List.of(
                new SnpCpuidPage.Function(0x7, 0, 0, 0, 1, 0x219C03AB, 0x4, 0x10),
                new SnpCpuidPage.Function(0xD, 1, 3, 0, 0xB, 0x240, 0, 0)));
        assertEquals(List.of(
                "CPUID 0x7/0x0 EBX 0x219c07ab -> 0x219c03ab (cleared 0x400)",
                "CPUID 0xd/0x1 XCR0_IN 0x1 -> 0x3",
                "CPUID 0xd/0x1 EAX 0x0000000f -> 0x0000000b (cleared 0x4)"), SnpCpuidCorrections.between(ours, psp));
    }

    @Test
    void bitsSetAndClearedInOneRegisterAreBothNamed() {
        MemorySegment ours = SnpCpuidPage.encode(List.of(LEAF_7));
        MemorySegment psp = SnpCpuidPage.encode(List.of(new SnpCpuidPage.Function(0x7, 0, 0, 0, 1, 0x219C07AB, 0x3, 0x10)));
        assertEquals(List.of("CPUID 0x7/0x0 ECX 0x00000004 -> 0x00000003 (set 0x3, cleared 0x4)"), SnpCpuidCorrections.between(ours, psp));
    }

    @Test
    void aChangedCountAndMissingFunctionsAreReported() {
        MemorySegment ours = SnpCpuidPage.encode(List.of(LEAF_7, LEAF_D1));
        MemorySegment psp = SnpCpuidPage.encode(List.of(LEAF_7));
        assertEquals(List.of("COUNT 2 -> 1", "function 1 (0xd/0x1): dropped by the PSP"), SnpCpuidCorrections.between(ours, psp));
    }

    @Test
    void anUnchangedPageHasNoCorrections() {
        MemorySegment ours = SnpCpuidPage.encode(List.of(LEAF_7, LEAF_D1));
        assertEquals(List.of(), SnpCpuidCorrections.between(ours, SnpCpuidPage.encode(List.of(LEAF_7, LEAF_D1))));
    }
}
