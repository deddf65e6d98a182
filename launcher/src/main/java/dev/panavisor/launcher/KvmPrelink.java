package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.devices.serial.Uart16550;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.ThreadSignals;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import dev.panavisor.kvm.sys.kvm_enable_cap;
import dev.panavisor.kvm.sys.kvm_fpu;
import dev.panavisor.kvm.sys.kvm_irqfd;
import dev.panavisor.kvm.sys.kvm_lapic_state;
import dev.panavisor.kvm.sys.kvm_pit_config;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_run;
import dev.panavisor.kvm.sys.kvm_translation;
import dev.panavisor.kvm.sys.kvm_vcpu_events;
import dev.panavisor.kvm.sys.kvm_xcrs;
import dev.panavisor.kvm.sys.kvm_xsave;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.vmm.cpu.CpuTemplates;
import dev.panavisor.vmm.cpu.VcpuSetup;
import dev.panavisor.vmm.memory.MemoryBacking;
import dev.panavisor.vmm.vm.GuestRam;
import dev.panavisor.vmm.vm.Vm;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Start-up work moved off the critical path. The first call of each FFM downcall and the first
 * use of each struct layout link method handles and spin classes (about a third of the time
 * from {@code main} to the first {@code KVM_RUN}), and none of it depends on the command line.
 * So while picocli parses the options and the kernel is copied into guest RAM on the main
 * thread, this thread runs, on the host's other core, the calls a VM's start-up makes, once,
 * against a throwaway VM with one page of memory and one vCPU: the VM and vCPU ioctls, and what a vCPU
 * thread does before its first entry (signal mask, KVM_RUN with {@code immediate_exit}, draining
 * kicks). The main and vCPU threads then find them linked. The throwaway VM never runs.
 *
 * <p>Then, once the real guest is running ({@link #guestStarted()}), it rehearses the rest of the
 * path to a guest's first console byte on a second throwaway VM, a {@link TestGuestMachine} with
 * a nine-instruction guest that writes one byte to COM1, reads the line status and leaves through
 * the debug-exit port: KVM_RUN and its exits, the port bus and the UART's transmit path, which
 * otherwise run in the interpreter for the first console line. Not before: until the first
 * entry both host cores are busy (main thread, this one, the JIT), and the rehearsal's work
 * would delay the real guest's start instead of shortening its first exits. Failures here are
 * ignored, because the real start-up reports them properly.
 */
final class KvmPrelink {
    private static final CountDownLatch GUEST_STARTED = new CountDownLatch(1);
    private static final GuestRam.Layout PRELINK_RAM = new GuestRam.Layout("prelink", 0, 4096, false);

    private KvmPrelink() {}

    static void start() {
        Thread.ofPlatform().daemon().name("kvm-prelink").start(KvmPrelink::run);
    }

    /** The real guest is about to enter; the rehearsal may use the other core now. Idempotent. */
    static void guestStarted() {
        GUEST_STARTED.countDown();
    }

    /**
     * Real-mode code at {@link GuestBootContract#LOAD_ADDRESS}: {@code mov dx,0x3f8; mov al,'.';
     * out dx,al; add dx,5; in al,dx; mov dx,0x501; xor al,al; out dx,al; hlt}.
     */
    private static final byte[] REHEARSAL_GUEST = {
            (byte) 0xBA, (byte) 0xF8, 0x03, (byte) 0xB0, '.', (byte) 0xEE, (byte) 0x83, (byte) 0xC2, 0x05, (byte) 0xEC,
            (byte) 0xBA, 0x01, 0x05, 0x30, (byte) 0xC0, (byte) 0xEE, (byte) 0xF4};

    private static void run() {
        linkStartupCalls();
        try {
            GUEST_STARTED.await();
        } catch (InterruptedException e) {
            return;
        }
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

    /** Roughly in the order the main thread reaches them, so that it finds each one done rather than waits on it. */
    private static void linkStartupCalls() {
        try {
            // First the struct bindings with array fields, which need no system call: jextract gives
            // each array field a layout-path var handle built in the class initialiser, and the
            // first of those spins the JDK's layout-path method handles (~7 ms here). Done now, it
            // overlaps the main thread's option parsing and its own first downcall link. Done after
            // that link, it still ran when the main thread reached KVM_CREATE_PIT2, which waited:
            // the first vCPU entry came 7-11 ms later (medians, three rounds of 11-12 alternating runs).
            kvm_pit_config.layout();
            kvm_enable_cap.layout();
            kvm_run.layout();
            kvm_sregs.layout();
            kvm_vcpu_events.layout();
            kvm_irqfd.layout();
            kvm_cpuid_entry2.layout();
            kvm_xsave.layout();
            kvm_xcrs.layout();
            kvm_fpu.layout();
            kvm_translation.layout();
            kvm_lapic_state.layout();
            // slf4j's start-up (~10 ms): the console and machine classes look up their loggers
            // as their first step.
            LoggerFactory.getILoggerFactory();
            // Then guest RAM's calls (mmap); by now the main thread has usually linked the
            // downcall itself, reading the kernel.
            GuestRam.unregistered(List.of(PRELINK_RAM)).close();
            try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); Arena arena = Arena.ofConfined()) {
                vm.createIrqchip();
                vm.createPit2(KvmUapi.KVM_PIT_SPEAKER_DUMMY());
                new GuestRam(vm, List.of(PRELINK_RAM), MemoryBacking.ANONYMOUS).close();
                try (VcpuFd vcpu = vm.createVcpu(0)) {
                    vm.createIrqfd(Uart16550.COM1_IRQ).close();
                    new VcpuSetup(kvm, CpuTemplates.DEFAULT, 1).apply(vcpu);
                    MemorySegment regs = arena.allocate(kvm_regs.layout());
                    MemorySegment sregs = arena.allocate(kvm_sregs.layout());
                    vcpu.getRegs(regs);
                    vcpu.setRegs(regs);
                    vcpu.getSregs(sregs);
                    vcpu.setSregs(sregs);
                    // What Vcpu.run does on its thread before the guest's first instruction. The kick
                    // signal stays blocked in this thread; nothing ever aims a kick at it.
                    vcpu.setSignalMask(ThreadSignals.blockKickSignalForVcpu(arena));
                    ThreadSignals.currentThreadId();
                    vcpu.runPage().requestImmediateExit();
                    vcpu.run(); // -EINTR at once: immediate_exit, the guest is never entered
                    ThreadSignals.drainKicks();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LoggerFactory.getLogger(KvmPrelink.class).debug("KVM prelink skipped: {}", e.toString());
        }
    }
}
