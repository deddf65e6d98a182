package dev.panavisor.firmware.linux;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.panavisor.firmware.linux.SetupHeaderTest.assertRejected;
import static dev.panavisor.firmware.linux.TestKernels.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ELF64 (System V gABI) program headers and notes; the PVH note per Xen's docs/misc/pvh.pandoc. */
class PvhElfKernelTest {
    @Test
    void findsThePvhEntryAmongOtherNotes() {
        PvhElfKernel k = PvhElfKernel.parse(pvhElf(0x1000850));
        assertEquals(0x1000850, k.pvhEntry());
        assertEquals(1, k.segments().size());
        LoadSegment s = k.segments().getFirst();
        assertEquals(new LoadSegment(0x800, 0x1000000, 0x400, 0x1000), s);
        assertEquals(0x1000000, k.lowestAddress());
        assertEquals(0x1001000, k.highestAddress());
        assertEquals(0x400, k.contents(s).length);
    }

    @Test
    void aFourBytePvhDescriptorIsAccepted() {
        // Linux emits the note as ".long pvh_start_xen - __START_KERNEL_map".
        byte[] elf = pvhElf(0x1000850);
        // Rewrite the last note's descsz to 4 and keep the address in the low dword.
        int noteAt = 0x200 + 12 + 4 + 20 + 12 + 4 + 8;
        elf = withU32(elf, noteAt + 4, 4);
        assertEquals(0x1000850, PvhElfKernel.parse(elf).pvhEntry());
    }

    @Test
    void aKernelWithoutPvhIsRefusedWithTheReason() {
        assertRejected(() -> PvhElfKernel.parse(elf(0, false)), "CONFIG_PVH");
    }

    @Test
    void anEntryOutsideEveryLoadSegmentIsRefused() {
        assertRejected(() -> PvhElfKernel.parse(pvhElf(0x2000000)), "lies in no PT_LOAD");
    }

    @Test
    void anEntryAbove4GiBIsRefused() {
        assertRejected(() -> PvhElfKernel.parse(pvhElf(0x1_0000_0000L)), "not a 32-bit physical address");
    }

    @Test
    void only64BitLittleEndianX86IsAccepted() {
        assertRejected(() -> PvhElfKernel.parse(withU8(pvhElf(0x1000850), 4, 1)), "EI_CLASS", "offset 0x4");
        assertRejected(() -> PvhElfKernel.parse(withU8(pvhElf(0x1000850), 5, 2)), "EI_DATA");
        assertRejected(() -> PvhElfKernel.parse(withU16(pvhElf(0x1000850), 0x12, 3)), "e_machine at offset 0x12");
    }

    @Test
    void segmentsPastTheEndOfTheFileAreRefused() {
        assertRejected(() -> PvhElfKernel.parse(withU64(pvhElf(0x1000850), 64 + 32, 0x10000)), "program header 0", "runs past the end");
    }

    @Test
    void memszSmallerThanFileszIsRefused() {
        assertRejected(() -> PvhElfKernel.parse(withU64(pvhElf(0x1000850), 64 + 40, 0x10)), "p_memsz of program header 0");
    }

    @Test
    void aNoteRunningPastItsSegmentIsRefused() {
        assertRejected(() -> PvhElfKernel.parse(withU32(pvhElf(0x1000850), 0x200 + 4, 0x1000)), "ELF note at offset 0x200");
    }

    @Test
    void truncatedProgramHeadersAreNamed() {
        assertRejected(() -> PvhElfKernel.parse(Arrays.copyOf(pvhElf(0x1000850), 100)), "program header table at offset 0x40", "truncated");
    }
}
