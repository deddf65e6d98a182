package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.vmm.bus.IoBus;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.vcpu.EmulationFallback;

/**
 * The instruction fallback of one vCPU: reads its state from KVM, lets the VM's shared
 * {@link InstructionEmulator} carry the instruction out, writes the changes back.
 */
public final class KvmInstructionFallback implements EmulationFallback {
    private final InstructionEmulator emulator;
    private final KvmCpuState state;
    private final LinearMemory memory;
    private final VcpuFd vcpu;
    private final GuestMemory guestMemory;
    /** Made on first use: only a VM on a host with the SYSCALL defect ever needs it. */
    private SyscallEntryRepair syscallRepair;
    private String lastRefusal;

    public KvmInstructionFallback(InstructionEmulator emulator, VcpuFd vcpu, GuestMemory guestMemory) {
        this(emulator, vcpu, guestMemory, null);
    }

    /** Memory operands outside guest RAM go to {@code mmio}, as the guest's own accesses would. */
    public KvmInstructionFallback(InstructionEmulator emulator, VcpuFd vcpu, GuestMemory guestMemory, IoBus mmio) {
        this.emulator = emulator;
        this.state = new KvmCpuState(vcpu, guestMemory);
        this.memory = new LinearMemory(guestMemory, mmio, state);
        this.vcpu = vcpu;
        this.guestMemory = guestMemory;
    }

    @Override
    public boolean tryEmulate(VcpuFd vcpu, byte[] instruction) {
        lastRefusal = null;
        try {
            state.begin();
            emulator.emulate(instruction, instruction.length, state, memory);
            state.commit();
            return true;
        } catch (EmulationRefused e) {
            lastRefusal = e.getMessage();
            return false;
        } catch (RuntimeException e) {
            // A failed ioctl or a guest-memory surprise: stop this VM with the reason, never crash the VMM.
            lastRefusal = "instruction fallback failed: " + e;
            return false;
        }
    }

    @Override
    public String lastRefusal() { return lastRefusal; }

    @Override
    public boolean msrWrite(VcpuFd vcpu, int index, long value) { return syscallRepair().msrWrite(index, value); }

    @Override
    public boolean debugExit(VcpuFd vcpu, long pc, long dr6) { return syscallRepair().debugExit(pc, dr6); }

    @Override
    public void activateSyscallRepair() { syscallRepair().activate(); }

    private SyscallEntryRepair syscallRepair() {
        if (syscallRepair == null) syscallRepair = new SyscallEntryRepair(vcpu, guestMemory, emulator.stats());
        return syscallRepair;
    }

    /** Forgets the cached CPUID (call after setting new CPUID on this vCPU). */
    public void invalidateCpuid() { state.invalidateCpuid(); }
}
