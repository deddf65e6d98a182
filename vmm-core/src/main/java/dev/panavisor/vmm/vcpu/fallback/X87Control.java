package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static dev.panavisor.vmm.memory.GuestMemory.U16_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;

/**
 * FNINIT, FWAIT and the x87 control-word/status-word instructions against the x87 fields of the XSAVE image's legacy region
 * (SDM vol. 1, 13.4.1: FCW at 0, FSW at 2, abridged FTW at 4, FOP at 6, FIP at 8, FDP at 16).
 */
final class X87Control implements Executor {
    static final int FCW = 0, FSW = 2, FTW = 4, FOP = 6, FIP = 8, FDP = 16;
    /** FNINIT's control word: all exceptions masked, 64-bit precision, round to nearest (SDM vol. 1, 8.1.5). */
    static final short FCW_INIT = 0x037F;
    static final long XSTATE_BV = 512;

    /** FSW bits FNCLEX clears: the six exception flags, SF, ES and B (SDM vol. 1, 8.1.3). */
    private static final int FSW_EXCEPTION_BITS = 0x80FF;
    private static final int FSW_ES = 0x80, FSW_B = 0x8000;

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        switch (insn.kind()) {
            case FNINIT -> fninit(cpu);
            case FWAIT -> fwait(cpu);
            default -> control(insn, cpu, memory);
        }
    }

    /**
     * FNCLEX, FLDCW m16, FNSTCW m16, FNSTSW m16/AX (SDM vol. 2): #NM if CR0.EM or CR0.TS.
     * FLDCW recomputes FSW.ES and FSW.B, so a newly unmasked pending exception is reported
     * by the next waiting x87 instruction (SDM vol. 1, 8.5).
     */
    private static void control(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        if (insn.lock()) throw GuestFault.undefinedOpcode(insn.kind().mnemonic() + " with LOCK");
        if ((cpu.cr0() & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) {
            throw GuestFault.deviceNotAvailable(insn.kind().mnemonic() + " with CR0.EM or CR0.TS set");
        }
        MemorySegment image = cpu.xsaveImage();
        int fsw = image.get(U16_LE, FSW) & 0xFFFF;
        switch (insn.kind()) {
            case FNCLEX -> store(cpu, image, FSW, fsw & ~FSW_EXCEPTION_BITS);
            case FLDCW -> {
                int fcw = (int) memory.readLong(EffectiveAddress.linear(insn, cpu), 2);
                boolean pending = (fsw & ~fcw & 0x3F) != 0;
                store(cpu, image, FCW, fcw);
                store(cpu, image, FSW, pending ? fsw | FSW_ES | FSW_B : fsw & ~(FSW_ES | FSW_B));
            }
            case FNSTCW -> store16(memory, EffectiveAddress.linear(insn, cpu), image.get(U16_LE, FCW));
            case FNSTSW -> {
                if (insn.hasMemoryOperand()) store16(memory, EffectiveAddress.linear(insn, cpu), (short) fsw);
                else cpu.setGpr(Registers.RAX, (cpu.gpr(Registers.RAX) & ~0xFFFFL) | fsw);
            }
            default -> throw new IllegalStateException(insn.kind().name());
        }
    }

    private static void store(CpuState cpu, MemorySegment image, int offset, int value) {
        image.set(U16_LE, offset, (short) value);
        image.set(U64_LE, XSTATE_BV, image.get(U64_LE, XSTATE_BV) | 1L);
        cpu.xsaveImageChanged();
    }

    private static void store16(LinearMemory memory, long linear, short value) throws GuestFault, EmulationRefused {
        MemorySegment buf = MemorySegment.ofArray(new byte[2]);
        buf.set(U16_LE, 0, value);
        memory.write(linear, buf, 0, 2);
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
