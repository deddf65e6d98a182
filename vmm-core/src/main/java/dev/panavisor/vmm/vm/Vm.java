package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.KvmRun;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.vmm.bus.IoBus;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.MemoryBacking;
import dev.panavisor.vmm.memory.RomDeviceMapping;
import dev.panavisor.vmm.vcpu.EmulationFallback;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vcpu.VcpuCommand;
import dev.panavisor.vmm.vcpu.VcpuSupervisor;
import dev.panavisor.vmm.vcpu.fallback.EmulationStats;
import dev.panavisor.vmm.vcpu.fallback.InstructionEmulator;
import dev.panavisor.vmm.vcpu.fallback.KvmInstructionFallback;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A VM: its KVM fd, guest RAM, the two buses, its vCPUs and its lifecycle.
 *
 * <p>vCPU threads and devices report to the VM through an event queue; the thread that
 * calls {@link #runUntilExit()} is the VM's controller and acts on those events
 * (stop, reset, power off) while the vCPUs are parked. Nothing here knows which devices
 * exist: machines register them on {@link #pio()} and {@link #mmio()}.
 */
public final class Vm implements AutoCloseable, VcpuSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Vm.class);

    /** Called on the controller thread with every vCPU parked; puts the machine back in its power-on state. */
    @FunctionalInterface
    public interface ResetHandler {
        void reset(Vm vm);
    }

    private sealed interface Event {}
    private record Halted(int vcpu) implements Event {}
    private record ExitRequest(VmExit exit) implements Event {}
    private record ResetRequest(String why) implements Event {}

    private final Kvm kvm;
    private final int vmType;
    private final Consumer<VmFd> beforeVcpus;
    private final int vcpuCount;
    private final GuestRam ram;
    private final IoBus pio = new IoBus("pio");
    private final IoBus mmio = new IoBus("mmio");
    private final List<RomSlot> romSlots = new ArrayList<>();
    /** Replaced only by {@link #rebuildKvmContext()}, with every vCPU thread stopped. */
    private volatile KvmContext context;
    private long rebuilds;
    /** The context a rebuild replaced, closed by the controller right after the vCPUs restart. */
    private KvmContext retired;
    /** Made ahead for the next rebuild ({@link Builder#spareKvmContext}); taken by a rebuild or by close. */
    private final AtomicReference<KvmContext> spare = new AtomicReference<>();
    private final boolean keepSpare;
    private final AtomicReference<VmState> state = new AtomicReference<>(VmState.CREATED);
    private final MpscUnboundedArrayQueue<Event> events = new MpscUnboundedArrayQueue<>(16);
    private final ResetHandler resetHandler;
    private final boolean tripleFaultResets;
    private final InstructionEmulator emulator;
    private final boolean syscallRepair;
    private static final long PROBE_DELAY_MS = 300;
    private volatile Thread controller;
    private boolean[] halted;
    /** Completed resets, written by the controller only after the replaced KVM context is closed. */
    private volatile long resets;
    private int nextSlot;

    private Vm(Builder b) {
        this.kvm = b.kvm;
        this.vmType = b.vmType;
        this.emulator = b.instructionFallback ? new InstructionEmulator() : null;
        this.syscallRepair = emulator != null && b.syscallRepair && b.vmType == 0;
        // The fallback wants instruction bytes in emulation-failure exits, on every KVM VM this Vm makes.
        this.beforeVcpus = emulator == null ? b.beforeVcpus : b.beforeVcpus.andThen(EmulationFailureExits::enable);
        this.vcpuCount = b.vcpus;
        this.resetHandler = b.resetHandler;
        this.tripleFaultResets = b.tripleFaultResets;
        this.keepSpare = b.spareKvmContext;
        GuestRam[] made = new GuestRam[1];
        try {
            this.context = KvmContext.create(kvm, vmType, beforeVcpus,
                    fd -> {
                        if (b.premapped != null) b.premapped.registerIn(fd);
                        made[0] = b.premapped != null ? b.premapped : new GuestRam(fd, b.layout, b.backing);
                    },
                    vcpuCount, pio, mmio, this, v -> fallbackFor(v, made[0]));
        } catch (RuntimeException e) {
            GuestRam owned = made[0] != null ? made[0] : b.premapped;
            if (owned != null) owned.close();
            throw e;
        }
        this.ram = made[0];
        this.nextSlot = ram.slotCount();
        this.halted = new boolean[b.vcpus];
    }

    public static Builder builder(Kvm kvm) { return new Builder(kvm); }

    /** The current KVM VM; a {@linkplain #rebuildKvmContext() rebuild} replaces it, so do not keep it. */
    public VmFd fd() { return context.fd(); }

    /**
     * Sets an interrupt line of the in-kernel irqchip, from any thread, safely across a
     * {@linkplain #rebuildKvmContext() rebuild}: the call pins the current KVM VM, and a rebuild
     * closes the old one only after pinned calls return. A line set while the old VM is being
     * replaced goes to the old VM and is dropped with it, as a reset drops pending interrupts.
     */
    public void irqLine(int gsi, boolean level) {
        while (true) {
            KvmContext c = context;
            if (c.enter()) {
                try {
                    c.fd().irqLine(gsi, level);
                } finally {
                    c.exit();
                }
                return;
            }
            // A rebuild publishes the new context before it closes the old one; if this one is
            // still current, the VM itself is closing and the interrupt has nowhere to go.
            if (context == c) return;
            Thread.onSpinWait();
        }
    }
    public GuestMemory memory() { return ram.memory(); }
    public IoBus pio() { return pio; }
    public IoBus mmio() { return mmio; }
    /** The current vCPUs; a {@linkplain #rebuildKvmContext() rebuild} replaces them, so do not keep them. */
    public List<Vcpu> vcpus() { return context.vcpus(); }
    public VmState state() { return state.get(); }

    /**
     * Maps {@code host} (page-aligned memory the caller owns and keeps alive until the VM is
     * closed) at {@code gpa} as a ROM device window, initially in direct read-only mode. The
     * caller registers the device for the same range on {@link #mmio()}: it sees the writes,
     * and every access while trapped.
     */
    public synchronized RomDeviceMapping mapRomDevice(String name, long gpa, java.lang.foreign.MemorySegment host) {
        RomSlot s = new RomSlot(context.fd(), nextSlot++, name, gpa, host);
        s.mapReadOnly();
        romSlots.add(s);
        return s;
    }

    private EmulationFallback fallbackFor(VcpuFd vcpu, GuestRam guestRam) {
        return emulator == null ? EmulationFallback.NONE : new KvmInstructionFallback(emulator, vcpu, guestRam.memory(), mmio);
    }

    /** What the instruction fallback carried out so far (all zero when it is disabled). */
    public EmulationStats.Snapshot emulationStats() {
        return emulator != null ? emulator.stats().snapshot() : new EmulationStats().snapshot();
    }

    /**
     * How many resets the VM went through, counted once each is complete: the new vCPUs run and the
     * KVM context a rebuild replaced is closed (so a guest may already run after a reset it does
     * not count yet).
     */
    public long resets() { return resets; }

    /** How many times the KVM context was rebuilt. */
    public long kvmContextRebuilds() { return rebuilds; }

    /**
     * Replaces the KVM VM and every vCPU with fresh ones, keeping guest RAM, ROM windows, the
     * buses and the devices on them: what a confidential VM needs to go through a new launch
     * (a firmware update rebuilds its launch context). The old vCPU threads are stopped and
     * their fds closed, the old VM fd is closed, the same host memory is registered in the new
     * VM's memslots (not copied), and the VM-wide set-up ({@link Builder#beforeVcpus}) runs
     * again, so in-kernel irqchip and PIT start from their power-on state.
     *
     * <p>Only from a {@link ResetHandler}: the vCPUs are parked there and nothing else uses the
     * KVM fds. The new vCPUs start in KVM's initial state; the handler loads CPUID and registers,
     * and the VM starts their threads when the handler returns. If the new VM cannot be made the
     * old one is kept and the exception propagates.
     *
     * <p>With {@link Builder#spareKvmContext} the new VM was made ahead of time (after the
     * previous launch), and only the ROM windows move here.
     */
    public void rebuildKvmContext() {
        if (state.get() != VmState.RESETTING || Thread.currentThread() != controller) {
            throw new IllegalStateException("the KVM context can only be rebuilt by the reset handler, not in state " + state.get());
        }
        KvmContext old = context;
        KvmContext ready = spare.getAndSet(null);
        KvmContext fresh = ready != null ? ready : newContext();
        try {
            // ROM windows change mode while the guest runs, so they move now, not when the spare was made.
            for (RomSlot r : romSlots) r.moveTo(fresh.fd());
        } catch (RuntimeException e) {
            for (RomSlot r : romSlots) r.moveTo(old.fd());
            try { fresh.close(); } catch (RuntimeException s) { e.addSuppressed(s); }
            throw e;
        }
        stopThreads(old.vcpus());
        context = fresh;
        rebuilds++;
        // Destroying a KVM VM takes the kernel from under a millisecond to ~20 ms here; the old
        // context is closed once the new vCPUs run (see reset), off the path to the new firmware.
        retired = old;
        LOG.info("KVM VM context rebuilt ({} vCPUs); guest RAM kept in place", vcpuCount);
    }

    /** A fresh KVM VM with the VM-wide set-up, guest RAM registered (not copied) and new vCPUs; no ROM windows. */
    private KvmContext newContext() {
        return KvmContext.create(kvm, vmType, beforeVcpus, ram::registerIn, vcpuCount, pio, mmio, this, v -> fallbackFor(v, ram));
    }

    /**
     * Makes the next rebuild's KVM VM now, while the guest runs (at the first run on the
     * controller, after each reset on a helper thread beside the old VM's close): creating
     * a VM with its irqchip, PIT, memslots and vCPUs is most of a relaunch's time here (6-12 ms).
     * A failure only costs that time later: the rebuild then makes the VM itself.
     */
    private void prepareSpare() {
        if (!keepSpare || spare.get() != null || state.get() == VmState.STOPPED) return;
        try {
            spare.set(newContext());
            // A close that ran meanwhile may have missed it.
            if (state.get() == VmState.STOPPED) closeSpare();
        } catch (RuntimeException e) {
            LOG.warn("could not make the next KVM VM ahead of time ({}); the next reset will make it", e.getMessage());
        }
    }

    private void transition(VmState to) {
        VmState from = state.get();
        while (true) {
            if (!from.canBecome(to)) throw new IllegalStateException("VM cannot go from " + from + " to " + to);
            if (state.compareAndSet(from, to)) { LOG.debug("VM {} -> {}", from, to); return; }
            from = state.get();
        }
    }

    /** Starts every vCPU thread. */
    public void start() {
        transition(VmState.RUNNING);
        repairSyscallsIfNeeded(context);
        for (Vcpu v : vcpus()) v.start("vcpu" + v.id());
    }

    /**
     * On a host whose emulator leaves SYSCALL at CPL 3 ({@link SyscallDefectProbe}), has the
     * guest's LSTAR writes exit to the VMM and starts each vCPU's repair
     * ({@link dev.panavisor.vmm.vcpu.fallback.SyscallEntryRepair}). The probe runs on a helper
     * thread while the guest boots: a kernel writes LSTAR long after its first instruction, and a
     * repair started later still finds the value written.
     */
    private void repairSyscallsIfNeeded(KvmContext ctx) {
        if (!syscallRepair) return;
        SyscallDefectProbe.Result known = SyscallDefectProbe.cached();
        if (known != null) {
            // Probed before in this process: set up before the vCPUs first enter the guest.
            if (known == SyscallDefectProbe.Result.DEFECTIVE) installSyscallRepair(ctx);
            return;
        }
        Thread.ofPlatform().daemon().name("syscall-probe").start(() -> {
            // Not during the first entry: the probe's KVM_CREATE_VM takes every lock of this
            // process's address space, which the vCPU's first KVM_RUN faulting in guest memory
            // then waits for. A kernel on an emulating host writes LSTAR seconds later, and a
            // repair started after that write still finds it.
            try {
                Thread.sleep(PROBE_DELAY_MS);
            } catch (InterruptedException e) {
                return;
            }
            // A VM that ended meanwhile (a launcher's start-up rehearsal runs for milliseconds) needs no answer.
            if (state.get() == VmState.STOPPED) return;
            try {
                if (SyscallDefectProbe.result() == SyscallDefectProbe.Result.DEFECTIVE) installSyscallRepair(ctx);
            } catch (RuntimeException | Error e) {
                LOG.warn("the SYSCALL probe failed ({}): a guest's system calls may fault", e.toString());
            }
        });
    }

    private void installSyscallRepair(KvmContext ctx) {
        if (!ctx.enter()) {
            LOG.debug("SYSCALL repair not set up: the VM closed first");
            return;
        }
        try {
            int r = ctx.fd().enableCap(KvmUapi.KVM_CAP_X86_USER_SPACE_MSR(), KvmUapi.KVM_MSR_EXIT_REASON_FILTER());
            if (r < 0) {
                LOG.warn("this host's KVM executes SYSCALL without entering CPL 0, and cannot hand LSTAR writes to the VMM"
                        + " (KVM_CAP_X86_USER_SPACE_MSR: errno {}): a guest's system calls will fault", -r);
                return;
            }
            LstarWriteFilter.install(ctx.fd());
            for (Vcpu v : ctx.vcpus()) v.runOnThread(v.emulationFallback()::activateSyscallRepair);
            LOG.info("this host's KVM executes SYSCALL without entering CPL 0; the VMM completes system calls");
        } catch (RuntimeException e) {
            LOG.warn("could not set up the SYSCALL repair ({}): a guest's system calls will fault", e.getMessage());
        } finally {
            ctx.exit();
        }
    }

    /**
     * Runs the controller on the calling thread until the VM exits, then stops every
     * vCPU thread. Resets are handled here and do not end the run.
     */
    public VmExit runUntilExit() {
        controller = Thread.currentThread();
        try {
            prepareSpare();
            while (true) {
                Event e = events.poll();
                if (e == null) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) return finish(VmExit.of(VmExit.Reason.HOST_STOP));
                    continue;
                }
                VmExit exit = handle(e);
                if (exit != null) return finish(exit);
            }
        } finally {
            controller = null;
        }
    }

    private VmExit handle(Event e) {
        return switch (e) {
            case ExitRequest x -> x.exit();
            case Halted h -> {
                halted[h.vcpu()] = true;
                for (boolean b : halted) if (!b) yield null;
                yield VmExit.of(VmExit.Reason.ALL_VCPUS_HALTED);
            }
            case ResetRequest r -> {
                if (resetHandler == null) yield new VmExit(VmExit.Reason.RESET, 0, r.why());
                reset(r.why());
                yield null;
            }
        };
    }

    private void reset(String why) {
        LOG.info("VM reset: {}", why);
        transition(VmState.RESETTING);
        pauseVcpus();
        dropStaleRequests();
        java.util.Arrays.fill(halted, false);
        resetHandler.reset(this);
        transition(VmState.RUNNING);
        boolean rebuilt = false;
        for (Vcpu v : vcpus()) {
            // A rebuilt context brings vCPUs whose threads have not started yet.
            if (v.state() == Vcpu.State.NEW) { v.start("vcpu" + v.id()); rebuilt = true; }
            else v.post(VcpuCommand.RESUME);
        }
        if (rebuilt) repairSyscallsIfNeeded(context);
        // The next KVM VM is made while the replaced one is destroyed (both take milliseconds in
        // the kernel); the reset counts as done once both are.
        Thread maker = keepSpare ? Thread.ofPlatform().daemon().name("kvm-spare-vm").start(this::prepareSpare) : null;
        try {
            closeRetiredContext();
        } finally {
            if (maker != null) joinUninterruptibly(maker);
        }
        resets++;
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void closeSpare() {
        KvmContext unused = spare.getAndSet(null);
        if (unused != null) unused.close();
    }

    private void closeRetiredContext() {
        KvmContext old = retired;
        retired = null;
        if (old != null) old.close();
    }

    /**
     * Requests from before the reset (a second reset write, a halt) must not act on the new
     * boot, but an exit request (power-off, Ctrl-C) still must: it is kept and handled next.
     */
    private void dropStaleRequests() {
        java.util.ArrayList<ExitRequest> exits = new java.util.ArrayList<>(1);
        for (Event e; (e = events.poll()) != null; ) {
            if (e instanceof ExitRequest x) exits.add(x);
        }
        for (ExitRequest x : exits) events.offer(x);
    }

    private void pauseVcpus() {
        List<Vcpu> vcpus = vcpus();
        for (Vcpu v : vcpus) v.post(VcpuCommand.PAUSE);
        for (Vcpu v : vcpus) {
            if (!v.awaitParked(10, TimeUnit.SECONDS)) throw new IllegalStateException("vCPU " + v.id() + " did not leave the guest");
        }
    }

    /** Pauses a running VM (all vCPUs out of the guest on return). */
    public void pause() {
        transition(VmState.PAUSED);
        pauseVcpus();
    }

    public void resume() {
        if (state.get() != VmState.PAUSED) throw new IllegalStateException("VM cannot resume from " + state.get());
        transition(VmState.RUNNING);
        for (Vcpu v : vcpus()) v.post(VcpuCommand.RESUME);
    }

    private VmExit finish(VmExit exit) {
        stopVcpus();
        if (state.get() != VmState.STOPPED) state.set(VmState.STOPPED);
        return exit;
    }

    private void stopVcpus() {
        stopThreads(vcpus());
    }

    private static void stopThreads(List<Vcpu> vcpus) {
        // Every vCPU, NEW ones too: a thread started just now (after a rebuild) may not have left
        // NEW yet, and skipping it left join() waiting forever for a thread nobody told to stop.
        // A never-started vCPU just keeps the command queued.
        for (Vcpu v : vcpus) v.post(VcpuCommand.STOP);
        for (Vcpu v : vcpus) {
            try {
                v.join();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- requests from devices and the host: any thread ----

    /** Ends the run with {@code exit} (power-off from a device, Ctrl-C from the host). */
    public void requestExit(VmExit exit) {
        post(new ExitRequest(Objects.requireNonNull(exit)));
    }

    /** A guest-initiated platform reset (0xCF9, i8042, triple fault). */
    public void requestReset(String why) {
        // On hardware the reset takes the CPUs at once; here the vCPU that wrote the reset
        // register would otherwise run on into whatever follows until the controller pauses it.
        for (Vcpu v : vcpus()) {
            if (v.state() == Vcpu.State.RUNNING) v.post(VcpuCommand.PAUSE);
        }
        post(new ResetRequest(why));
    }

    private void post(Event e) {
        events.offer(e);
        Thread c = controller;
        if (c != null) LockSupport.unpark(c);
    }

    // ---- VcpuSupervisor: vCPU threads ----

    @Override
    public void halted(Vcpu vcpu) { post(new Halted(vcpu.id())); }

    @Override
    public void shutdown(Vcpu vcpu, String registers) {
        if (tripleFaultResets) requestReset("triple fault on vCPU " + vcpu.id());
        else requestExit(new VmExit(VmExit.Reason.TRIPLE_FAULT, 0, "triple fault on vCPU " + vcpu.id() + "\n" + registers));
    }

    @Override
    public void systemEvent(Vcpu vcpu, int type) {
        switch (type) {
            case KvmRun.SYSTEM_EVENT_RESET -> requestReset("system event RESET from vCPU " + vcpu.id());
            case KvmRun.SYSTEM_EVENT_SHUTDOWN -> requestExit(VmExit.of(VmExit.Reason.POWER_OFF));
            default -> requestExit(new VmExit(VmExit.Reason.INTERNAL_ERROR, 0, "system event " + type + " from vCPU " + vcpu.id()));
        }
    }

    @Override
    public void failed(Vcpu vcpu, String report) {
        requestExit(new VmExit(VmExit.Reason.INTERNAL_ERROR, 0, report));
    }

    /** Stops vCPUs if still running, then closes every vCPU fd, the VM fd and all guest memory. */
    @Override
    public void close() {
        if (state.get() != VmState.STOPPED) {
            stopVcpus();
            state.set(VmState.STOPPED);
        }
        RuntimeException first = null;
        try { closeRetiredContext(); } catch (RuntimeException e) { first = e; }
        try { closeSpare(); } catch (RuntimeException e) { if (first == null) first = e; }
        try { context.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        try { ram.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        if (first != null) throw first;
    }

    public static final class Builder {
        private final Kvm kvm;
        private int vmType;
        private int vcpus = 1;
        private List<GuestRam.Layout> layout = List.of();
        private GuestRam premapped;
        private MemoryBacking backing = MemoryBacking.ANONYMOUS;
        private Consumer<VmFd> beforeVcpus = vm -> { };
        private ResetHandler resetHandler;
        private boolean tripleFaultResets;
        private boolean instructionFallback = true;
        private boolean syscallRepair = true;
        private boolean spareKvmContext;

        private Builder(Kvm kvm) { this.kvm = Objects.requireNonNull(kvm); }

        public Builder vmType(int type) { this.vmType = type; return this; }
        public Builder vcpus(int n) {
            if (n < 1 || n > 255) throw new IllegalArgumentException("vCPU count must be 1..255, not " + n);
            this.vcpus = n; return this;
        }
        public Builder memory(List<GuestRam.Layout> layout) { this.layout = List.copyOf(layout); this.premapped = null; return this; }
        /** Memory already mapped (and perhaps filled) by {@link GuestRam#unregistered}; the Vm owns it from {@link #build()} on, also when that fails. */
        public Builder memory(GuestRam premapped) { this.premapped = premapped; this.layout = List.of(); return this; }
        public Builder backing(MemoryBacking backing) { this.backing = backing; return this; }
        /** VM-wide set-up KVM requires before any vCPU exists (irqchip, PIT, TSS address). */
        public Builder beforeVcpus(Consumer<VmFd> c) { this.beforeVcpus = c; return this; }
        public Builder resetHandler(ResetHandler h) { this.resetHandler = h; return this; }
        /** PC semantics: a triple fault resets the machine instead of ending the run. */
        public Builder tripleFaultResets(boolean on) { this.tripleFaultResets = on; return this; }
        /**
         * Whether vCPUs carry out instructions KVM's emulator cannot (on by default; see
         * docs/instruction-fallback.md). Off, such an instruction stops the VM with a report.
         */
        public Builder instructionFallback(boolean on) { this.instructionFallback = on; return this; }
        /**
         * Whether, with the instruction fallback, the VMM completes SYSCALLs a host's emulator leaves
         * at CPL 3 (on by default; only where the probe finds that defect, and only for the default
         * VM type; see docs/instruction-fallback.md).
         */
        public Builder syscallRepair(boolean on) { this.syscallRepair = on; return this; }
        /**
         * For machines that {@linkplain Vm#rebuildKvmContext() rebuild} the KVM VM at every reset (a
         * confidential launch is never reset in place): keep the next KVM VM made ahead of time, so a
         * reset does not wait for it. Costs one idle KVM VM (its fds; guest RAM is shared, not copied).
         */
        public Builder spareKvmContext(boolean on) { this.spareKvmContext = on; return this; }
        public Vm build() {
            if (premapped != null && backing != MemoryBacking.ANONYMOUS) {
                premapped.close();
                throw new IllegalStateException("memory mapped ahead of the VM is anonymous; " + backing + " memory is made by the VM");
            }
            return new Vm(this);
        }
    }
}
