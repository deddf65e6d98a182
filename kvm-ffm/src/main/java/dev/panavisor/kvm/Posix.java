package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system calls Panavisor makes, with errno captured at the call (the JVM may clobber errno
 * before Java code could read it otherwise). Failures throw {@link KvmException}; nothing here
 * retries or hides EINTR except where noted, because callers decide what an interruption means.
 *
 * <p>Every call goes through one downcall, libc's {@code syscall(2)}, with the system call
 * numbers from the jextract bindings ({@code <sys/syscall.h>}). The reason is start-up time:
 * the FFM linker spins classes and method handles for each distinct function type at run time
 * (none of it is held by the JDK's AOT cache), about 4-5 ms per type on this project's test host,
 * on the path to every VM's first instruction. With one type, a VM's start-up links one downcall
 * instead of a dozen. Arguments are passed as {@code long}s, pointers as their native address:
 * {@link #address} refuses heap segments, which have none.
 */
public final class Posix {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    /** {@code long syscall(long number, ...)} with six variadic {@code long}s; -1 and errno on failure. */
    static final MethodHandle SYSCALL = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            CAPTURE, Linker.Option.firstVariadicArg(1));

    // Error paths only; linked on first use.
    static final class Strerror { static final MethodHandle HANDLE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT)); private Strerror() {} }

    private static final long SYS_OPENAT = Libc.SYS_openat(), SYS_CLOSE = Libc.SYS_close(), SYS_IOCTL = Libc.SYS_ioctl(),
            SYS_MMAP = Libc.SYS_mmap(), SYS_MUNMAP = Libc.SYS_munmap(), SYS_MADVISE = Libc.SYS_madvise(),
            SYS_EVENTFD2 = Libc.SYS_eventfd2(), SYS_WRITE = Libc.SYS_write(), SYS_FTRUNCATE = Libc.SYS_ftruncate(),
            SYS_GETTID = Libc.SYS_gettid(), SYS_TGKILL = Libc.SYS_tgkill(),
            SYS_RT_SIGACTION = Libc.SYS_rt_sigaction(), SYS_RT_SIGPROCMASK = Libc.SYS_rt_sigprocmask(),
            SYS_RT_SIGTIMEDWAIT = Libc.SYS_rt_sigtimedwait();
    /** This process, for tgkill: a kick names its target thread by process and thread id. */
    private static final long PID = ProcessHandle.current().pid();
    /** The kernel's sigset_t: 64 signals (glibc's is 1024 bits, of which the kernel reads the first 64). */
    static final long KERNEL_SIGSET_BYTES = 8;

    /** One capture buffer per thread; never touched by two threads at once. */
    private static final ThreadLocal<MemorySegment> THREAD_CAPTURE =
            ThreadLocal.withInitial(Posix::newCaptureState);

    private Posix() {}

    /** A fresh errno capture buffer for a caller that wants its own (e.g. a vCPU's hot path). */
    public static MemorySegment newCaptureState() {
        return Arena.ofAuto().allocate(CAPTURE_LAYOUT);
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static MemorySegment capture() {
        return THREAD_CAPTURE.get();
    }

    /** syscall(2) with the calling thread's errno buffer; returns the raw result (-1 on failure, errno in {@link #capture()}). */
    static long syscall(MemorySegment capture, long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) SYSCALL.invokeExact(capture, number, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A native segment's address, for a pointer argument. */
    static long address(MemorySegment segment) {
        if (!segment.isNative()) throw new IllegalArgumentException("a system call needs native memory, not a heap segment");
        return segment.address();
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
            return s.reinterpret(256).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets {@code signo}'s disposition to SIG_IGN process-wide. */
    public static void ignoreSignal(int signo) {
        try (Arena a = Arena.ofConfined()) {
            // The kernel's struct sigaction (x86-64): handler, flags, restorer, 64-bit mask. SIG_IGN
            // is handler 1; without a handler to return from, no SA_RESTORER is needed.
            MemorySegment act = a.allocate(32, 8);
            act.set(JAVA_LONG, 0, 1L);
            MemorySegment c = capture();
            if (syscall(c, SYS_RT_SIGACTION, signo, act.address(), 0, KERNEL_SIGSET_BYTES, 0, 0) < 0) {
                throw new KvmException("rt_sigaction(" + signo + ", SIG_IGN)", errno(c));
            }
        }
    }

    public static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = capture();
            long fd = syscall(c, SYS_OPENAT, Libc.AT_FDCWD(), a.allocateFrom(path).address(), flags, 0, 0, 0);
            if (fd < 0) throw new KvmException("open(" + path + ")", errno(c));
            return (int) fd;
        }
    }

    public static void close(int fd) {
        MemorySegment c = capture();
        long r = syscall(c, SYS_CLOSE, fd, 0, 0, 0, 0, 0);
        // EINTR on close still releases the fd on Linux; retrying could close someone else's.
        if (r < 0 && errno(c) != Errno.EINTR) throw new KvmException("close(" + fd + ")", errno(c));
    }

    /** ioctl with a scalar argument; returns the non-negative result or throws naming {@code name}. */
    public static int ioctl(int fd, long request, long arg, String name) {
        int r = ioctlNoThrow(capture(), fd, request, arg);
        if (r < 0) throw new KvmException("ioctl(" + name + ")", -r);
        return r;
    }

    /** ioctl with a pointer argument; returns the non-negative result or throws naming {@code name}. */
    public static int ioctl(int fd, long request, MemorySegment arg, String name) {
        int r = ioctlNoThrow(fd, request, arg);
        if (r < 0) throw new KvmException("ioctl(" + name + ")", -r);
        return r;
    }

    /** ioctl with a pointer argument returning {@code -errno} instead of throwing, for callers that branch on errno. */
    public static int ioctlNoThrow(int fd, long request, MemorySegment arg) {
        MemorySegment c = capture();
        long r = syscall(c, SYS_IOCTL, fd, request, address(arg), 0, 0, 0);
        return r < 0 ? -errno(c) : (int) r;
    }

    /** KVM_RUN-style ioctl for a hot path: scalar argument, the caller's own errno buffer, {@code -errno} on failure, no allocation. */
    static int ioctlNoThrow(MemorySegment capture, int fd, long request, long arg) {
        long r = syscall(capture, SYS_IOCTL, fd, request, arg, 0, 0, 0);
        return r < 0 ? -errno(capture) : (int) r;
    }

    public static long mmap(long length, int prot, int flags, int fd, long offset, String what) {
        MemorySegment c = capture();
        long p = syscall(c, SYS_MMAP, 0, length, prot, flags, fd, offset);
        if (p == -1L) throw new KvmException("mmap(" + what + ", " + length + " bytes)", errno(c));
        return p;
    }

    /**
     * mmap with MAP_FIXED at {@code address}: replaces whatever [address, address+length) held.
     * The caller owns that range (part of a {@link Mapping}); the kernel rejects unaligned input.
     */
    public static void mmapFixed(long address, long length, int prot, int flags, int fd, long offset, String what) {
        MemorySegment c = capture();
        long p = syscall(c, SYS_MMAP, address, length, prot, flags | Libc.MAP_FIXED(), fd, offset);
        if (p == -1L) throw new KvmException("mmap(" + what + ", " + length + " bytes at 0x" + Long.toHexString(address) + ")", errno(c));
        if (p != address) throw new IllegalStateException("mmap(MAP_FIXED) returned 0x" + Long.toHexString(p) + ", not 0x" + Long.toHexString(address));
    }

    public static void munmap(long address, long length) {
        MemorySegment c = capture();
        if (syscall(c, SYS_MUNMAP, address, length, 0, 0, 0, 0) < 0) throw new KvmException("munmap", errno(c));
    }

    public static void madvise(MemorySegment range, int advice) {
        MemorySegment c = capture();
        if (syscall(c, SYS_MADVISE, address(range), range.byteSize(), advice, 0, 0, 0) < 0) {
            throw new KvmException("madvise(" + advice + ")", errno(c));
        }
    }

    public static int eventfd(int initial, int flags) {
        MemorySegment c = capture();
        long fd = syscall(c, SYS_EVENTFD2, Integer.toUnsignedLong(initial), flags, 0, 0, 0, 0);
        if (fd < 0) throw new KvmException("eventfd", errno(c));
        return (int) fd;
    }

    /** write(2) of all of {@code buffer}; returns the byte count or {@code -errno}. Allocates nothing. */
    public static long writeNoThrow(int fd, MemorySegment buffer) {
        MemorySegment c = capture();
        long r = syscall(c, SYS_WRITE, fd, address(buffer), buffer.byteSize(), 0, 0, 0);
        return r < 0 ? -errno(c) : r;
    }

    public static void ftruncate(int fd, long length) {
        MemorySegment c = capture();
        if (syscall(c, SYS_FTRUNCATE, fd, length, 0, 0, 0, 0) < 0) throw new KvmException("ftruncate", errno(c));
    }

    /** The kernel thread id of the calling thread. */
    public static int gettid() {
        return (int) syscall(capture(), SYS_GETTID, 0, 0, 0, 0, 0, 0);
    }

    /** tgkill(2): {@code signo} to thread {@code tid} of this process; 0 or {@code -errno}. */
    static int tgkill(int tid, int signo) {
        MemorySegment c = capture();
        return syscall(c, SYS_TGKILL, PID, tid, signo, 0, 0, 0) < 0 ? -errno(c) : 0;
    }

    /** rt_sigprocmask(2) for the calling thread, on kernel sigsets (8 bytes each). */
    static void sigprocmask(int how, MemorySegment set, MemorySegment old) {
        MemorySegment c = capture();
        if (syscall(c, SYS_RT_SIGPROCMASK, how, address(set), address(old), KERNEL_SIGSET_BYTES, 0, 0) < 0) {
            throw new KvmException("rt_sigprocmask", errno(c));
        }
    }

    /** rt_sigtimedwait(2) with no siginfo; the signal number, or -1 with errno in {@code capture}. */
    static int sigtimedwait(MemorySegment capture, MemorySegment set, MemorySegment timeout) {
        return (int) syscall(capture, SYS_RT_SIGTIMEDWAIT, address(set), 0, address(timeout), KERNEL_SIGSET_BYTES, 0, 0);
    }

    static final ValueLayout.OfLong U64 = JAVA_LONG;
}
