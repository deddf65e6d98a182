package dev.panavisor.vmm.vcpu;

import dev.panavisor.kvm.Errno;
import dev.panavisor.kvm.KvmException;
import dev.panavisor.kvm.KvmRun;
import dev.panavisor.kvm.ThreadSignals;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.vmm.bus.IoBus;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * One vCPU and the platform thread that runs it.
 *
 * <p>The loop is KVM_RUN, then dispatch on the exit reason. Port and MMIO exits go
 * straight to the buses; nothing on that path locks or allocates. Control requests
 * (pause, resume, stop, tasks) arrive through a JCTools MPSC queue; whoever posts one
 * sets kvm_run.immediate_exit and sends the kick signal, so a vCPU inside the guest
 * leaves within one exit and a vCPU about to enter does not enter at all.
 */
public final class Vcpu implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Vcpu.class);

    public enum State { NEW, RUNNING, PARKED, STOPPED }

    private final VcpuFd fd;
    private final KvmRun run;
    private final MemorySegment page;
    private final IoBus pio;
    private final IoBus mmio;
    private final VcpuSupervisor supervisor;
    private volatile EmulationFallback fallback = EmulationFallback.NONE;
    private final MpscArrayQueue<Object> inbox = new MpscArrayQueue<>(64);

    private volatile State state = State.NEW;
    private volatile Thread thread;
    private volatile int tid;
    private volatile long exits;
    private long exitCount;

    public Vcpu(VcpuFd fd, IoBus pio, IoBus mmio, VcpuSupervisor supervisor) {
        this.fd = fd;
        this.run = fd.runPage();
        this.page = run.segment();
        this.pio = pio;
        this.mmio = mmio;
        this.supervisor = supervisor;
    }

    public int id() { return fd.id(); }

    public VcpuFd fd() { return fd; }

    public State state() { return state; }

    /** Exits handled so far (published at each park; exact once the vCPU is parked or stopped). */
    public long exits() { return exits; }

    public void setEmulationFallback(EmulationFallback f) { this.fallback = f; }

    public EmulationFallback emulationFallback() { return fallback; }

    /** Starts the vCPU's platform thread; it enters the guest at once. */
    public Thread start(String name) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
        thread = t;
        t.start();
        return t;
    }

    /** Queues a command and makes sure the thread notices it promptly. */
    public void post(VcpuCommand command) {
        enqueue(command);
    }

    /** Runs {@code task} on the vCPU thread while it is out of the guest (e.g. loading reset state). */
    public void runOnThread(Runnable task) {
        enqueue(task);
    }

    private void enqueue(Object o) {
        while (!inbox.offer(o)) Thread.onSpinWait();
        kick();
    }

    private void kick() {
        run.requestImmediateExit();
        int target = tid;
        if (target != 0 && state == State.RUNNING) ThreadSignals.kick(target);
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /** Waits until the thread is out of the guest and parked (or stopped). */
    public boolean awaitParked(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (state == State.RUNNING || state == State.NEW) {
            if (System.nanoTime() > deadline) return false;
            Thread.onSpinWait();
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    public void join() throws InterruptedException {
        Thread t = thread;
        if (t != null) t.join();
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            fd.setSignalMask(ThreadSignals.blockKickSignalForVcpu(arena));
            tid = ThreadSignals.currentThreadId();
            state = State.RUNNING;
            loop();
        } catch (Throwable t) {
            LOG.error("vCPU {} thread died", id(), t);
            supervisor.failed(this, "vCPU thread died: " + t);
        } finally {
            exits = exitCount;
            tid = 0;
            state = State.STOPPED;
        }
    }

    private void loop() {
        while (true) {
            int r = fd.run();
            if (r < 0) {
                if (r == -Errno.EINTR || r == -Errno.EAGAIN) {
                    run.clearImmediateExit();
                    ThreadSignals.drainKicks();
                    if (!drainInbox()) return;
                    continue;
                }
                throw new KvmException("ioctl(KVM_RUN) on vCPU " + id(), -r);
            }
            exitCount++;
            if (!dispatch(run.exitReason())) {
                if (!parkUntilResumed()) return;
            }
        }
    }

    /** Handles one exit; false when the vCPU must stop entering the guest until told otherwise. */
    private boolean dispatch(int reason) {
        switch (reason) {
            case KvmRun.EXIT_IO -> { portIo(); return true; }
            case KvmRun.EXIT_MMIO -> { mmio(); return true; }
            case KvmRun.EXIT_INTR, KvmRun.EXIT_IRQ_WINDOW_OPEN -> { return true; }
            case KvmRun.EXIT_HLT -> { supervisor.halted(this); return false; }
            case KvmRun.EXIT_SHUTDOWN -> { supervisor.shutdown(this, VcpuState.dump(fd)); return false; }
            case KvmRun.EXIT_SYSTEM_EVENT -> { supervisor.systemEvent(this, run.systemEventType()); return false; }
            case KvmRun.EXIT_INTERNAL_ERROR -> { return internalError(); }
            case KvmRun.EXIT_X86_WRMSR -> {
                run.setMsrError(fallback.msrWrite(fd, run.msrIndex(), run.msrData()) ? 0 : 1);
                return true;
            }
            case KvmRun.EXIT_DEBUG -> {
                if (fallback.debugExit(fd, run.debugPc(), run.debugDr6())) return true;
                supervisor.failed(this, String.format("KVM_EXIT_DEBUG nobody asked for: pc 0x%x, DR6 0x%x, exception %d%n%s",
                        run.debugPc(), run.debugDr6(), run.debugException(), VcpuState.dump(fd)));
                return false;
            }
            case KvmRun.EXIT_FAIL_ENTRY -> {
                supervisor.failed(this, String.format("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%x%n%s",
                        run.failEntryReason(), VcpuState.dump(fd)));
                return false;
            }
            default -> {
                supervisor.failed(this, "unexpected exit " + KvmRun.exitName(reason) + " (hardware reason 0x"
                        + Long.toHexString(run.hardwareExitReason()) + ")\n" + VcpuState.dump(fd));
                return false;
            }
        }
    }

    private void portIo() {
        int size = run.ioSize();
        int port = run.ioPort();
        int count = run.ioCount();
        long at = run.ioDataOffset();
        if (run.ioDirection() == KvmRun.IO_OUT) {
            for (int i = 0; i < count; i++, at += size) pio.write(port, size, load(at, size));
        } else {
            for (int i = 0; i < count; i++, at += size) store(at, size, pio.read(port, size));
        }
    }

    private void mmio() {
        long addr = run.mmioPhysAddr();
        int len = run.mmioLength();
        long at = run.mmioDataOffset();
        if (len < 1 || len > 8) return;
        if (run.mmioIsWrite()) {
            mmio.write(addr, len, loadBytes(at, len));
        } else {
            storeBytes(at, len, mmio.read(addr, len));
        }
    }

    private long load(long at, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(page.get(JAVA_BYTE, at));
            case 2 -> Short.toUnsignedLong(page.get(JAVA_SHORT_UNALIGNED, at));
            case 4 -> Integer.toUnsignedLong(page.get(JAVA_INT_UNALIGNED, at));
            default -> page.get(JAVA_LONG_UNALIGNED, at);
        };
    }

    private void store(long at, int size, long v) {
        switch (size) {
            case 1 -> page.set(JAVA_BYTE, at, (byte) v);
            case 2 -> page.set(JAVA_SHORT_UNALIGNED, at, (short) v);
            case 4 -> page.set(JAVA_INT_UNALIGNED, at, (int) v);
            default -> page.set(JAVA_LONG_UNALIGNED, at, v);
        }
    }

    private long loadBytes(long at, int len) {
        if (len == 1 || len == 2 || len == 4 || len == 8) return load(at, len);
        long v = 0;
        for (int i = len - 1; i >= 0; i--) v = (v << 8) | Byte.toUnsignedLong(page.get(JAVA_BYTE, at + i));
        return v;
    }

    private void storeBytes(long at, int len, long v) {
        if (len == 1 || len == 2 || len == 4 || len == 8) { store(at, len, v); return; }
        for (int i = 0; i < len; i++, v >>>= 8) page.set(JAVA_BYTE, at + i, (byte) v);
    }

    private boolean internalError() {
        byte[] insn = run.emulationFailureInstruction();
        if (insn.length > 0 && fallback.tryEmulate(fd, insn)) return true;
        StringBuilder sb = new StringBuilder("KVM_EXIT_INTERNAL_ERROR suberror ").append(run.internalSuberror());
        if (insn.length > 0) sb.append(", instruction bytes ").append(HexFormat.ofDelimiter(" ").formatHex(insn));
        String refusal = insn.length > 0 ? fallback.lastRefusal() : null;
        if (refusal != null) sb.append(String.format("%n  instruction fallback: %s", refusal));
        int n = Math.min(run.internalDataCount(), 16);
        for (int i = 0; i < n; i++) sb.append(String.format("%n  data[%d] = 0x%x", i, run.internalData(i)));
        sb.append('\n').append(VcpuState.dump(fd));
        supervisor.failed(this, sb.toString());
        return false;
    }

    /** Processes queued commands; false means STOP. Leaves the vCPU parked if PAUSE was last. */
    private boolean drainInbox() {
        boolean park = false;
        Object o;
        while ((o = inbox.poll()) != null) {
            if (o == VcpuCommand.STOP) return false;
            if (o == VcpuCommand.PAUSE) park = true;
            else if (o == VcpuCommand.RESUME) park = false;
            else if (o instanceof Runnable task) task.run();
        }
        return !park || parkUntilResumed();
    }

    /** Parks until RESUME (true) or STOP (false); runs queued tasks meanwhile. */
    private boolean parkUntilResumed() {
        exits = exitCount;
        state = State.PARKED;
        try {
            while (true) {
                Object o = inbox.poll();
                if (o == null) { LockSupport.park(this); continue; }
                if (o == VcpuCommand.STOP) return false;
                if (o == VcpuCommand.RESUME) return true;
                if (o instanceof Runnable task) task.run();
            }
        } finally {
            if (state == State.PARKED) state = State.RUNNING;
            // A kick sent while parked set immediate_exit; entering now would bounce once for nothing.
            run.clearImmediateExit();
            ThreadSignals.drainKicks();
            if (!inbox.isEmpty()) run.requestImmediateExit();
        }
    }
}
