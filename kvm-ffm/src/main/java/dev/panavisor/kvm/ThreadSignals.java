package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.Libc;
import dev.panavisor.kvm.sys.timespec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Kicking a vCPU thread out of KVM_RUN without a signal handler.
 *
 * <p>A Java signal handler would have to be an upcall, which the JVM cannot run on a
 * signal frame. Instead the vCPU thread keeps {@link #KICK_SIGNAL} blocked at all
 * times except inside KVM_RUN (via KVM_SET_SIGNAL_MASK). A kick sent while the thread
 * is in the guest makes KVM_RUN return EINTR; the signal then stays pending (blocked
 * again in user space) until {@link #drainKicks()} consumes it with sigtimedwait.
 * A kick that lands just before KVM_RUN is covered by kvm_run.immediate_exit.
 *
 * <p>Threads are named by their kernel thread id and signalled with tgkill(2), so that all of
 * this is system calls through {@link Posix}'s one downcall (see there why that matters).
 */
public final class ThreadSignals {
    /**
     * Real-time signal 40: glibc's SIGRTMIN+6 (glibc keeps 32 and 33 for itself, musl 32 to 34),
     * used by neither libc nor the JVM. Real-time, so kicks queue instead of merging silently.
     */
    public static final int KICK_SIGNAL = 40;

    static {
        // Process-wide SIG_IGN: a kick that reaches a thread not blocking it (a stale thread id
        // reused by a new thread of this process) is dropped instead of killing the JVM. A
        // blocked signal is never ignored by the kernel, so vCPU kicks still queue.
        Posix.ignoreSignal(KICK_SIGNAL);
    }

    private ThreadSignals() {}

    /** The calling thread's kernel thread id, to aim kicks at. */
    public static int currentThreadId() {
        return Posix.gettid();
    }

    /**
     * Blocks the kick signal in the calling thread and returns the kvm_signal_mask to
     * install on its vCPU: the thread's mask with the kick signal unblocked.
     */
    public static MemorySegment blockKickSignalForVcpu(Arena arena) {
        MemorySegment set = arena.allocate(Posix.KERNEL_SIGSET_BYTES, 8);
        MemorySegment old = arena.allocate(Posix.KERNEL_SIGSET_BYTES, 8);
        kickSet(set);
        Posix.sigprocmask(Libc.SIG_BLOCK(), set, old);
        // kvm_signal_mask { __u32 len; __u8 sigset[8]; }: a kernel sigset, as rt_sigprocmask returned it.
        MemorySegment mask = arena.allocate(4 + Posix.KERNEL_SIGSET_BYTES, 8);
        mask.set(JAVA_INT, 0, (int) Posix.KERNEL_SIGSET_BYTES);
        long bits = old.get(JAVA_LONG, 0) & ~(1L << (KICK_SIGNAL - 1));
        mask.set(JAVA_LONG.withByteAlignment(4), 4, bits);
        return mask;
    }

    /** A kernel sigset (signal n at bit n - 1) holding only the kick signal. */
    private static void kickSet(MemorySegment set) {
        set.set(JAVA_LONG, 0, 1L << (KICK_SIGNAL - 1));
    }

    /** Sends the kick signal to thread {@code tid} of this process. ESRCH (thread already gone) is not an error. */
    public static void kick(int tid) {
        int r = Posix.tgkill(tid, KICK_SIGNAL);
        if (r < 0 && r != -Errno.ESRCH) throw new KvmException("tgkill", -r);
    }

    /** Consumes every pending kick of the calling thread; returns how many there were. */
    public static int drainKicks() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(Posix.KERNEL_SIGSET_BYTES, 8);
            kickSet(set);
            MemorySegment zero = timespec.allocate(a);
            MemorySegment c = Posix.capture();
            int n = 0;
            while (true) {
                int sig = Posix.sigtimedwait(c, set, zero);
                if (sig == KICK_SIGNAL) { n++; continue; }
                int e = Posix.errno(c);
                if (sig < 0 && (e == Errno.EAGAIN)) return n;
                if (sig < 0 && e == Errno.EINTR) continue;
                throw new KvmException("sigtimedwait", e);
            }
        }
    }

    static long kvmSignalMaskRequest() { return KvmUapi.KVM_SET_SIGNAL_MASK(); }
}
