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
 * The libc calls Panavisor makes, with errno captured at the call (the JVM may
 * clobber errno before Java code could read it otherwise). Function addresses and
 * descriptors come from the jextract bindings; only the errno-capturing linkage is
 * built here. Failures throw {@link KvmException}; nothing here retries or hides EINTR
 * except where noted, because callers decide what an interruption means.
 */
public final class Posix {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    // Each handle sits in its own holder class, linked on first use: linking a downcall costs
    // several milliseconds at start-up (its classes are spun at run time, not in the AOT cache),
    // and a VM's start-up needs only a few of them. The descriptors are written here rather than
    // taken from the jextract holders, whose initialisers would also link an unused plain handle.
    static final class Open { static final MethodHandle HANDLE = variadic("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2); private Open() {} }
    static final class Close { static final MethodHandle HANDLE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT)); private Close() {} }
    /** ioctl(fd, request, long): the form used for scalar arguments and for KVM_RUN. */
    static final class IoctlLong { static final MethodHandle HANDLE = variadic("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2); private IoctlLong() {} }
    static final class IoctlPtr { static final MethodHandle HANDLE = variadic("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2); private IoctlPtr() {} }
    static final class Mmap { static final MethodHandle HANDLE = capturing("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG)); private Mmap() {} }
    static final class Munmap { static final MethodHandle HANDLE = capturing("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG)); private Munmap() {} }
    static final class Madvise { static final MethodHandle HANDLE = capturing("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); private Madvise() {} }
    static final class Eventfd { static final MethodHandle HANDLE = capturing("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)); private Eventfd() {} }
    static final class Write { static final MethodHandle HANDLE = capturing("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)); private Write() {} }
    static final class Ftruncate { static final MethodHandle HANDLE = capturing("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG)); private Ftruncate() {} }
    static final class PthreadSigmask { static final MethodHandle HANDLE = plain("pthread_sigmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); private PthreadSigmask() {} }
    static final class PthreadKill { static final MethodHandle HANDLE = plain("pthread_kill", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT)); private PthreadKill() {} }
    static final class PthreadSelf { static final MethodHandle HANDLE = plain("pthread_self", FunctionDescriptor.of(JAVA_LONG)); private PthreadSelf() {} }
    static final class Sigtimedwait { static final MethodHandle HANDLE = capturing("sigtimedwait", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS)); private Sigtimedwait() {} }
    static final class Syscall0 { static final MethodHandle HANDLE = variadic("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), 1); private Syscall0() {} }
    /** signal(2) is not among the generated Libc symbols (libc-symbols.txt); all are linked by name here. */
    static final class Signal { static final MethodHandle HANDLE = capturing("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS)); private Signal() {} }
    static final class Strerror { static final MethodHandle HANDLE = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT)); private Strerror() {} }

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

    private static MethodHandle capturing(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, CAPTURE);
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd);
    }

    private static MethodHandle variadic(String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment address = LINKER.defaultLookup().findOrThrow(name);
        return LINKER.downcallHandle(address, fd, CAPTURE, Linker.Option.firstVariadicArg(firstVariadic));
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
        try {
            MemorySegment c = capture();
            MemorySegment previous = (MemorySegment) Signal.HANDLE.invokeExact(c, signo, MemorySegment.ofAddress(1) /* SIG_IGN */);
            if (previous.address() == -1L /* SIG_ERR */) throw new KvmException("signal(" + signo + ", SIG_IGN)", errno(c));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = capture();
            int fd = (int) Open.HANDLE.invokeExact(c, a.allocateFrom(path), flags, 0);
            if (fd < 0) throw new KvmException("open(" + path + ")", errno(c));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        try {
            MemorySegment c = capture();
            int r = (int) Close.HANDLE.invokeExact(c, fd);
            // EINTR on close still releases the fd on Linux; retrying could close someone else's.
            if (r < 0 && errno(c) != Errno.EINTR) throw new KvmException("close(" + fd + ")", errno(c));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with a scalar argument; returns the non-negative result or throws naming {@code name}. */
    public static int ioctl(int fd, long request, long arg, String name) {
        try {
            MemorySegment c = capture();
            int r = (int) IoctlLong.HANDLE.invokeExact(c, fd, request, arg);
            if (r < 0) throw new KvmException("ioctl(" + name + ")", errno(c));
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with a pointer argument; returns the non-negative result or throws naming {@code name}. */
    public static int ioctl(int fd, long request, MemorySegment arg, String name) {
        int r = ioctlNoThrow(fd, request, arg);
        if (r < 0) throw new KvmException("ioctl(" + name + ")", -r);
        return r;
    }

    /** ioctl with a pointer argument returning {@code -errno} instead of throwing, for callers that branch on errno. */
    public static int ioctlNoThrow(int fd, long request, MemorySegment arg) {
        try {
            MemorySegment c = capture();
            int r = (int) IoctlPtr.HANDLE.invokeExact(c, fd, request, arg);
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long mmap(long length, int prot, int flags, int fd, long offset, String what) {
        try {
            MemorySegment c = capture();
            MemorySegment p = (MemorySegment) Mmap.HANDLE.invokeExact(c, MemorySegment.NULL, length, prot, flags, fd, offset);
            if (p.address() == -1L) throw new KvmException("mmap(" + what + ", " + length + " bytes)", errno(c));
            return p.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void munmap(long address, long length) {
        try {
            MemorySegment c = capture();
            int r = (int) Munmap.HANDLE.invokeExact(c, MemorySegment.ofAddress(address), length);
            if (r < 0) throw new KvmException("munmap", errno(c));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void madvise(MemorySegment range, int advice) {
        try {
            MemorySegment c = capture();
            int r = (int) Madvise.HANDLE.invokeExact(c, range, range.byteSize(), advice);
            if (r < 0) throw new KvmException("madvise(" + advice + ")", errno(c));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(int initial, int flags) {
        try {
            MemorySegment c = capture();
            int fd = (int) Eventfd.HANDLE.invokeExact(c, initial, flags);
            if (fd < 0) throw new KvmException("eventfd", errno(c));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2) of all of {@code buffer}; returns the byte count or {@code -errno}. Allocates nothing. */
    public static long writeNoThrow(int fd, MemorySegment buffer) {
        try {
            MemorySegment c = capture();
            long r = (long) Write.HANDLE.invokeExact(c, fd, buffer, buffer.byteSize());
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void ftruncate(int fd, long length) {
        try {
            MemorySegment c = capture();
            int r = (int) Ftruncate.HANDLE.invokeExact(c, fd, length);
            if (r < 0) throw new KvmException("ftruncate", errno(c));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The kernel thread id of the calling thread. */
    public static int gettid() {
        try {
            long r = (long) Syscall0.HANDLE.invokeExact(capture(), (long) Libc.SYS_gettid());
            return (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long pageSize() {
        try {
            return (long) Libc.sysconf$handle().invokeExact(Libc._SC_PAGESIZE());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static final ValueLayout.OfLong U64 = JAVA_LONG;
}
