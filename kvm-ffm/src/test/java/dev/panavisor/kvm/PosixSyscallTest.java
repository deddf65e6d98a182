package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.Libc;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Posix and ThreadSignals make every call through one syscall(2) downcall, with the numbers
 * from the bindings and the arguments as longs: each call against the real kernel, with the
 * result and errno it must give (no KVM needed).
 */
class PosixSyscallTest {
    @Test
    void systemCallNumbersAreThoseOfX8664() {
        // arch/x86/entry/syscalls/syscall_64.tbl
        assertEquals(16, Libc.SYS_ioctl());
        assertEquals(9, Libc.SYS_mmap());
        assertEquals(257, Libc.SYS_openat());
        assertEquals(234, Libc.SYS_tgkill());
        assertEquals(14, Libc.SYS_rt_sigprocmask());
    }

    @Test
    void openReportsErrnoOfTheKernelAndClosesWhatItOpened() {
        KvmException missing = assertThrows(KvmException.class, () -> Posix.open("/nonexistent/panavisor", Libc.O_RDONLY()));
        assertEquals(Errno.ENOENT, missing.errno());
        int fd = Posix.open("/dev/null", Libc.O_RDWR() | Libc.O_CLOEXEC());
        assertTrue(fd >= 0);
        Posix.close(fd);
        KvmException twice = assertThrows(KvmException.class, () -> Posix.close(fd));
        assertEquals(Errno.EBADF, twice.errno());
    }

    @Test
    void anonymousMappingIsZeroWritableAndDontneedZeroesItAgain() {
        try (Mapping m = Mapping.anonymous(2 * 4096)) {
            MemorySegment s = m.segment();
            assertEquals(0, s.get(JAVA_LONG, 4096));
            s.set(JAVA_LONG, 4096, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, s.get(JAVA_LONG, 4096));
            Posix.madvise(s, Libc.MADV_DONTNEED());
            assertEquals(0, s.get(JAVA_LONG, 4096));
        }
    }

    @Test
    void mmapFailureCarriesErrno() {
        // length 0 is EINVAL for mmap(2).
        KvmException e = assertThrows(KvmException.class, () -> Posix.mmap(0, Libc.PROT_READ(),
                Libc.MAP_PRIVATE() | Libc.MAP_ANONYMOUS(), -1, 0, "empty"));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void eventfdCountsWritesAndABadFdIsMinusEbadf() {
        int fd = Posix.eventfd(0, Libc.EFD_CLOEXEC() | Libc.EFD_NONBLOCK());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1);
            assertEquals(8, Posix.writeNoThrow(fd, one));
            assertEquals(8, Posix.writeNoThrow(fd, one));
            Posix.close(fd);
            assertEquals(-Errno.EBADF, Posix.writeNoThrow(fd, one));
        }
    }

    @Test
    void ioctlArgumentsMustBeNativeMemory() {
        MemorySegment heap = MemorySegment.ofArray(new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> Posix.ioctlNoThrow(0, 0, heap));
    }

    @Test
    void ioctlOnAFileThatHasNoneIsEnotty() {
        int fd = Posix.open("/dev/null", Libc.O_RDONLY() | Libc.O_CLOEXEC());
        try (Arena a = Arena.ofConfined()) {
            assertEquals(-Errno.ENOTTY, Posix.ioctlNoThrow(fd, 0x5401 /* TCGETS */, a.allocate(64)));
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void gettidNamesTheCallingThread() throws Exception {
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        assertEquals(self.substring(self.lastIndexOf('/') + 1), Integer.toString(Posix.gettid()));
        AtomicInteger other = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> other.set(Posix.gettid()));
        t.join();
        assertNotEquals(Posix.gettid(), other.get());
    }

    @Test
    void kicksQueueOnABlockingThreadUntilDrainedAndTheVcpuMaskLetsThemIn() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch kicked = new CountDownLatch(1);
        AtomicInteger tid = new AtomicInteger();
        AtomicInteger drained = new AtomicInteger(-1);
        AtomicInteger drainedAgain = new AtomicInteger(-1);
        byte[] mask = new byte[12];
        Thread t = Thread.ofPlatform().start(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment m = ThreadSignals.blockKickSignalForVcpu(a);
                MemorySegment.copy(m, JAVA_BYTE, 0, mask, 0, 12);
                tid.set(ThreadSignals.currentThreadId());
                blocked.countDown();
                kicked.await(10, TimeUnit.SECONDS);
                drained.set(ThreadSignals.drainKicks());
                drainedAgain.set(ThreadSignals.drainKicks());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        // Real-time signals queue: two kicks, two deliveries; a blocked signal outlives SIG_IGN.
        ThreadSignals.kick(tid.get());
        ThreadSignals.kick(tid.get());
        kicked.countDown();
        t.join();
        assertEquals(2, drained.get());
        assertEquals(0, drainedAgain.get());
        // kvm_signal_mask: len 8, then the thread's mask without the kick signal.
        MemorySegment m = MemorySegment.ofArray(mask);
        assertEquals(8, m.get(JAVA_INT.withByteAlignment(1), 0));
        long bits = m.get(JAVA_LONG.withByteAlignment(1), 4);
        assertEquals(0, bits & (1L << (ThreadSignals.KICK_SIGNAL - 1)));
        // A kick at a thread that has ended is not an error (ESRCH, or a reused id that drops it).
        ThreadSignals.kick(tid.get());
    }

    @Test
    void theKickSignalIsARealTimeSignalNoLibcReserves() throws Throwable {
        int rtmin = (int) Libc.__libc_current_sigrtmin$handle().invokeExact();
        int rtmax = 64; // the kernel's _NSIG
        assertTrue(ThreadSignals.KICK_SIGNAL >= rtmin && ThreadSignals.KICK_SIGNAL <= rtmax,
                "kick signal " + ThreadSignals.KICK_SIGNAL + " outside SIGRTMIN..SIGRTMAX " + rtmin + ".." + rtmax);
    }

    @Test
    void ignoringASignalKeepsItFromKillingTheProcess() {
        // rt_sigaction(SIG_IGN) on a second real-time signal, then one sent to this thread while
        // it is not blocked: with the disposition still default the JVM would die here.
        int signo = ThreadSignals.KICK_SIGNAL + 1;
        Posix.ignoreSignal(signo);
        assertEquals(0, Posix.tgkill(Posix.gettid(), signo));
    }
}
