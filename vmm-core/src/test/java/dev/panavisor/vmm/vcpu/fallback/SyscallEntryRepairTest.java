package dev.panavisor.vmm.vcpu.fallback;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SyscallEntryRepairTest {
    @Test
    void gateHandlerJoinsTheThreeOffsetFieldsOfA64BitGate_sdmVol3Figure6_8() {
        // Linux 6.1's gate 14 as read from a running minimal kernel: asm_exc_page_fault in the
        // kernel's negative half, selector 0x10, present DPL 0 interrupt gate.
        assertEquals(0xFFFF_FFFF_8120_0AF0L, SyscallEntryRepair.gateHandler(0x8120_8E00_0010_0AF0L, 0xFFFF_FFFFL));
        assertEquals(0x0000_0000_0001_2345L, SyscallEntryRepair.gateHandler(0x0001_8F00_0010_2345L, 0), "a trap gate");
        assertEquals(0x1234_5678_9ABC_DEF0L, SyscallEntryRepair.gateHandler(0x9ABC_8E00_0010_DEF0L, 0xFFFF_FFFF_1234_5678L),
                "the second quadword's upper half is reserved");
    }

    @Test
    void gateHandlerRefusesWhatIsNotAPresentInterruptOrTrapGate() {
        assertEquals(0, SyscallEntryRepair.gateHandler(0x8120_0E00_0010_0AF0L, 0xFFFF_FFFFL), "not present");
        assertEquals(0, SyscallEntryRepair.gateHandler(0x8120_8C00_0010_0AF0L, 0xFFFF_FFFFL), "a call gate");
        assertEquals(0, SyscallEntryRepair.gateHandler(0, 0));
    }
}
