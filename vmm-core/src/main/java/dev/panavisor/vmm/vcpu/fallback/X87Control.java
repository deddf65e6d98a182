package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static dev.panavisor.vmm.memory.GuestMemory.U16_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;

/**
 * FNINIT and FWAIT against the x87 fields of the XSAVE image's legacy region
 * (SDM vol. 1, 13.4.1: FCW at 0, FSW at 2, abridged FTW at 4, FOP at 6, FIP at 8, FDP at 16).
 */
final class X87Control implements Executor {
    static final int FCW = 0, FSW = 2, FTW = 4, FOP = 6, FIP = 8, FDP = 16;
    /** FNINIT's control word: all exceptions masked, 64-bit precision, round to nearest (SDM vol. 1, 8.1.5). */
    static final short FCW_INIT = 0x037F;
    static final long XSTATE_BV = 512;

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault {
        if (insn.kind() == InstructionKind.FNINIT) fninit(cpu);
        else fwait(cpu);
    }

    /** SDM vol. 2, FINIT/FNINIT: #NM if CR0.EM or CR0.TS; registers' contents stay, tags become empty. */
    private static void fninit(CpuState cpu) throws GuestFault {
        if ((cpu.cr0() & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) {
            throw GuestFault.deviceNotAvailable("FNINIT with CR0.EM or CR0.TS set");
        }
        MemorySegment image = cpu.xsaveImage();
        image.set(U16_LE, FCW, FCW_INIT);
        image.set(U16_LE, FSW, (short) 0);
        image.set(JAVA_BYTE, FTW, (byte) 0); // abridged tag word: 0 = every register empty (FTW 0xFFFF)
        image.set(U16_LE, FOP, (short) 0);
        image.set(U64_LE, FIP, 0L);
        image.set(U64_LE, FDP, 0L);
        image.set(U64_LE, XSTATE_BV, image.get(U64_LE, XSTATE_BV) | 1L);
        cpu.xsaveImageChanged();
    }

    /**
     * SDM vol. 2, WAIT/FWAIT: #NM if CR0.MP and CR0.TS are both set; then any unmasked
     * pending x87 exception is reported: #MF with CR0.NE set (SDM vol. 3, 6.15 interrupt 16).
     * With CR0.NE clear the PC reports it through FERR#/IRQ 13, which this VMM does not model:
     * the instruction then completes without reporting it (docs/instruction-fallback.md).
     */
    private static void fwait(CpuState cpu) throws GuestFault {
        long cr0 = cpu.cr0();
        if ((cr0 & CpuState.CR0_MP) != 0 && (cr0 & CpuState.CR0_TS) != 0) {
            throw GuestFault.deviceNotAvailable("FWAIT with CR0.MP and CR0.TS set");
        }
        MemorySegment image = cpu.xsaveImage();
        int fsw = image.get(U16_LE, FSW) & 0xFFFF;
        int fcw = image.get(U16_LE, FCW) & 0xFFFF;
        boolean pending = (fsw & ~fcw & 0x3F) != 0;
        if (pending && (cr0 & CpuState.CR0_NE) != 0) {
            throw GuestFault.x87FloatingPoint(String.format("unmasked x87 exception pending (FSW 0x%04x, FCW 0x%04x)", fsw, fcw));
        }
    }
}
