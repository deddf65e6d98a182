package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.Libc;
import dev.panavisor.kvm.sys.timespec;
import dev.panavisor.kvm.sys.__sigset_t;

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
 */
public final class ThreadSignals {
    /** SIGRTMIN+6: no JVM or glibc use; real-time, so kicks queue instead of merging silently. */
    public static final int KICK_SIGNAL = sigrtmin() + 6;
    private static final long KERNEL_SIGSET_BYTES = 8;

    static {
        // Process-wide SIG_IGN: a kick that reaches a thread not blocking it (a stale
        // pthread_t reused by a new thread) is dropped instead of killing the JVM. A
        // blocked signal is never ignored by the kernel, so vCPU kicks still queue.
        Posix.ignoreSignal(KICK_SIGNAL);
    }

    private ThreadSignals() {}

    private static int sigrtmin() {
        try {
            return (int) Libc.__libc_current_sigrtmin$handle().invokeExact();
        } catch (Throwable t) {
            throw Posix.rethrow(t);
        }
    }

    /** The calling thread's pthread_t, to aim kicks at. */
    public static long currentPthread() {
        try {
            return (long) Posix.PthreadSelf.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw Posix.rethrow(t);
        }
    }

    /**
     * Blocks the kick signal in the calling thread and returns the kvm_signal_mask to
     * install on its vCPU: the thread's mask with the kick signal unblocked.
     */
    public static MemorySegment blockKickSignalForVcpu(Arena arena) {
        MemorySegment set = arena.allocate(__sigset_t.layout());
        MemorySegment old = arena.allocate(__sigset_t.layout());
        sigset(set);
        try {
            int r = (int) Posix.PthreadSigmask.HANDLE.invokeExact(Libc.SIG_BLOCK(), set, old);
            if (r != 0) throw new KvmException("pthread_sigmask(SIG_BLOCK)", r);
        } catch (Throwable t) {
            throw Posix.rethrow(t);
        }
        // kvm_signal_mask { __u32 len; __u8 sigset[8]; }: the kernel's sigset is the first 64 bits of glibc's.
        MemorySegment mask = arena.allocate(4 + KERNEL_SIGSET_BYTES, 8);
        mask.set(JAVA_INT, 0, (int) KERNEL_SIGSET_BYTES);
        long bits = old.get(JAVA_LONG, 0) & ~(1L << (KICK_SIGNAL - 1));
        mask.set(JAVA_LONG.withByteAlignment(4), 4, bits);
        return mask;
    }

    private static void sigset(MemorySegment set) {
        // What sigemptyset + sigaddset do for glibc's sigset_t (a bit array, signal n at bit
        // n - 1), written out: two fewer downcalls to link at start-up.
        set.fill((byte) 0);
        set.set(JAVA_LONG, 0, 1L << (KICK_SIGNAL - 1));
    }

    /** Sends the kick signal to {@code pthread}. ESRCH (thread already gone) is not an error. */
    public static void kick(long pthread) {
        try {
            int r = (int) Posix.PthreadKill.HANDLE.invokeExact(pthread, KICK_SIGNAL);
            if (r != 0 && r != 3 /* ESRCH */) throw new KvmException("pthread_kill", r);
        } catch (Throwable t) {
            throw Posix.rethrow(t);
        }
    }

    /** Consumes every pending kick of the calling thread; returns how many there were. */
    public static int drainKicks() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(__sigset_t.layout());
            sigset(set);
            MemorySegment zero = timespec.allocate(a);
            MemorySegment c = Posix.capture();
            int n = 0;
            while (true) {
                int sig = (int) Posix.Sigtimedwait.HANDLE.invokeExact(c, set, MemorySegment.NULL, zero);
                if (sig == KICK_SIGNAL) { n++; continue; }
                int e = Posix.errno(c);
                if (sig < 0 && (e == Errno.EAGAIN)) return n;
                if (sig < 0 && e == Errno.EINTR) continue;
                throw new KvmException("sigtimedwait", e);
            }
        } catch (Throwable t) {
            throw Posix.rethrow(t);
        }
    }

    static long kvmSignalMaskRequest() { return KvmUapi.KVM_SET_SIGNAL_MASK(); }
}
