package dev.panavisor.launcher;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_fpu;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_sregs;
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
 * throwaway VM never runs and is closed at once; failures here are ignored, because the real
 * start-up reports them properly.
 */
final class KvmPrelink {
    private KvmPrelink() {}

    static void start() {
        Thread.ofPlatform().daemon().name("kvm-prelink").start(KvmPrelink::run);
    }

    private static void run() {
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
