package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.bus.IoBus;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Emulated memory operands outside guest RAM go to the MMIO bus, as the guest's own access
 * would (KVM exits with it as MMIO): how an emulated FLDCW reads a flash window and how a
 * write to a ROM window reaches the flash device as a command.
 */
class LinearMemoryMmioTest {
    static final long FLASH = 0xFFC0_0000L, FLASH_SIZE = 0x40_0000L;

    /** A ROM window: answers reads from its contents, records writes (as a flash device in read-array mode). */
    static final class RecordingRom implements BusDevice {
        final byte[] contents = new byte[(int) FLASH_SIZE];
        final List<String> accesses = new ArrayList<>();

        @Override
        public long read(long offset, int size) {
            accesses.add("r" + size + "@" + Long.toHexString(offset));
            long v = 0;
            for (int i = size - 1; i >= 0; i--) v = (v << 8) | (contents[(int) offset + i] & 0xFF);
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            accesses.add("w" + size + "@" + Long.toHexString(offset) + "=" + Long.toHexString(value));
        }
    }

    final FakeCpu cpu = new FakeCpu();
    final RecordingRom rom = new RecordingRom();
    final IoBus mmio = new IoBus("mmio");

    LinearMemoryMmioTest() {
        mmio.register(FLASH, FLASH_SIZE, rom, "flash");
    }

    DecodedInstruction run(LinearMemory memory, int... bytes) throws EmulationRefused {
        byte[] b = InstructionDecoderTest.b(bytes);
        return new InstructionEmulator().emulate(b, b.length, cpu, memory);
    }

    @Test
    void fldcwFromAFlashWindowReadsThroughTheMmioBus() throws Exception {
        // OVMF SEC: fldcw [0xfffced74] (d9 2d 74 ed fc ff) in 32-bit code, the operand in flash.
        cpu.codeSize = 32;
        cpu.efer = 0;
        int at = (int) (0xFFFC_ED74L - FLASH);
        rom.contents[at] = 0x7F;
        rom.contents[at + 1] = 0x02;
        run(new LinearMemory(cpu.memory, mmio, cpu), 0xD9, 0x2D, 0x74, 0xED, 0xFC, 0xFF);
        assertEquals(0x027F, cpu.image.get(GuestMemory.U16_LE, X87Control.FCW));
        assertEquals(List.of("r2@" + Integer.toHexString(at)), rom.accesses);
        assertEquals(0x1006, cpu.rip);
    }

    @Test
    void writesOutsideRamReachTheDeviceInNaturallyAlignedPieces() throws Exception {
        LinearMemory memory = new LinearMemory(cpu.memory, mmio, cpu);
        MemorySegment src = MemorySegment.ofArray(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
        memory.write(FLASH + 3, src, 0, 13);
        assertEquals(List.of("w1@3=1", "w4@4=5040302", "w8@8=d0c0b0a09080706"), rom.accesses);
    }

    @Test
    void readsOfUnclaimedAddressesSeeAllOnesAsOnTheBus() throws Exception {
        LinearMemory memory = new LinearMemory(cpu.memory, mmio, cpu);
        assertEquals(0xFFFF_FFFFL, memory.readLong(0xE000_0000L, 4));
        assertEquals(1, mmio.unclaimedAccesses());
    }

    @Test
    void aWriteToAReadOnlyRamRegionGoesToTheBusAndLeavesTheBytes() throws Exception {
        Arena arena = Arena.ofAuto();
        MemorySegment romBytes = arena.allocate(0x1000, 4096);
        romBytes.set(GuestMemory.U32_LE, 0, 0xCAFE);
        GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, cpu.ram, false, -1),
                new GuestRegion("bios", 0x20_0000, romBytes, true, -1)));
        List<String> seen = new ArrayList<>();
        IoBus bus = new IoBus("mmio");
        bus.register(0x20_0000, 0x1000, new BusDevice() {
            @Override public long read(long offset, int size) { return 0; }
            @Override public void write(long offset, int size, long value) { seen.add(size + "@" + offset + "=" + value); }
        }, "bios-writes");
        LinearMemory linear = new LinearMemory(memory, bus, cpu);
        assertEquals(0xCAFE, linear.readLong(0x20_0000, 4), "reads of read-only RAM come from its bytes");
        MemorySegment src = MemorySegment.ofArray(new byte[]{0x11, 0, 0, 0});
        linear.write(0x20_0000, src, 0, 4);
        assertEquals(List.of("4@0=17"), seen);
        assertEquals(0xCAFE, romBytes.get(GuestMemory.U32_LE, 0));
    }

    @Test
    void withoutAnMmioBusOperandsOutsideRamStopTheVm() {
        LinearMemory ramOnly = new LinearMemory(cpu.memory, cpu);
        EmulationRefused e = assertThrows(EmulationRefused.class, () -> ramOnly.readLong(FLASH, 2));
        assertTrue(e.getMessage().contains("not guest RAM"), e.getMessage());
    }

    @Test
    void lockedAccessToMmioIsRefusedNotTornAcrossDeviceAccesses() {
        LinearMemory memory = new LinearMemory(cpu.memory, mmio, cpu);
        assertThrows(EmulationRefused.class, () -> memory.alignedQuadword(FLASH + 8));
    }

    @Test
    void aPageFaultStillComesBeforeAnyDeviceAccess() {
        cpu.unmappedPages.add(FLASH + 0x1000);
        LinearMemory memory = new LinearMemory(cpu.memory, mmio, cpu);
        MemorySegment src = MemorySegment.ofArray(new byte[16]);
        GuestFault f = assertThrows(GuestFault.class, () -> memory.write(FLASH + 0xFF8, src, 0, 16));
        assertEquals(GuestFault.PF, f.vector());
        assertEquals(List.of(), rom.accesses, "no device saw the first half of a faulting write");
    }

    @Test
    void pieceIsTheLargestNaturallyAlignedAccessThatFits() {
        assertEquals(8, LinearMemory.piece(0x1000, 16));
        assertEquals(4, LinearMemory.piece(0x1004, 16));
        assertEquals(2, LinearMemory.piece(0x1002, 3));
        assertEquals(1, LinearMemory.piece(0x1001, 8));
        assertEquals(1, LinearMemory.piece(0x1000, 1));
    }
}
