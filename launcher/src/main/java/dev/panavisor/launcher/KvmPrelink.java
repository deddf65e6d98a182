package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_fpu;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.vmm.vm.Vm;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Start-up work moved off the critical path. The first call of each FFM downcall and the first
 * use of each struct layout link method handles and spin classes (about a third of the time
 * from {@code main} to the first {@code KVM_RUN}), and none of it depends on the command line.
 * So while picocli parses the options and the kernel file is mapped and parsed on the main
 * thread, this thread runs the same ioctl sequence once against a throwaway VM with no memory
 * and one vCPU, on the host's other core. The main thread then finds everything linked. The
 * throwaway VM never runs and is closed at once. Then it rehearses the rest of the path to a
 * guest's first console byte on a second throwaway VM, a {@link TestGuestMachine} with a
 * nine-instruction guest that writes one byte to COM1, reads the line status and leaves through
 * the debug-exit port: building the VM and its memory, starting a vCPU thread, KVM_RUN and its
 * exits, the port bus and the UART's transmit path. That is where the real run's vCPU thread
 * otherwise linked ~60 more method handles of its own before its first KVM_RUN, and where the
 * first console line's exits ran in the interpreter. Failures here are ignored, because the
 * real start-up reports them properly.
 */
final class KvmPrelink {
    private KvmPrelink() {}

    static void start() {
        Thread.ofPlatform().daemon().name("kvm-prelink").start(KvmPrelink::run);
    }

    /**
     * Real-mode code at {@link GuestBootContract#LOAD_ADDRESS}: {@code mov dx,0x3f8; mov al,'.';
     * out dx,al; add dx,5; in al,dx; mov dx,0x501; xor al,al; out dx,al; hlt}.
     */
    private static final byte[] REHEARSAL_GUEST = {
            (byte) 0xBA, (byte) 0xF8, 0x03, (byte) 0xB0, '.', (byte) 0xEE, (byte) 0x83, (byte) 0xC2, 0x05, (byte) 0xEC,
            (byte) 0xBA, 0x01, 0x05, 0x30, (byte) 0xC0, (byte) 0xEE, (byte) 0xF4};

    private static void run() {
        linkIoctls();
        rehearseFirstConsoleByte();
    }

    private static void rehearseFirstConsoleByte() {
        try (Kvm kvm = Kvm.open();
             Vm vm = TestGuestMachine.build(kvm, REHEARSAL_GUEST, 1, GuestBootContract.MIN_RAM_BYTES, ConsoleSink.NONE)) {
            vm.start();
            vm.runUntilExit();
        } catch (RuntimeException | LinkageError e) {
            LoggerFactory.getLogger(KvmPrelink.class).debug("KVM start-up rehearsal skipped: {}", e.toString());
        }
    }

    private static void linkIoctls() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); Arena arena = Arena.ofConfined()) {
            vm.createIrqchip();
            vm.createPit2(KvmUapi.KVM_PIT_SPEAKER_DUMMY());
            MemorySegment cpuid = kvm.supportedCpuid(arena);
            try (VcpuFd vcpu = vm.createVcpu(0)) {
                vcpu.setCpuid2(cpuid);
                MemorySegment regs = arena.allocate(kvm_regs.layout());
                MemorySegment sregs = arena.allocate(kvm_sregs.layout());
                MemorySegment fpu = arena.allocate(kvm_fpu.layout());
                vcpu.getRegs(regs);
                vcpu.setRegs(regs);
                vcpu.getSregs(sregs);
                vcpu.setSregs(sregs);
                vcpu.getFpu(fpu);
                vcpu.setFpu(fpu);
            }
        } catch (RuntimeException | LinkageError e) {
            // Looked up here, not in a static field: slf4j's start-up (~20 ms) must not delay main.
            LoggerFactory.getLogger(KvmPrelink.class).debug("KVM prelink skipped: {}", e.toString());
        }
    }
}
