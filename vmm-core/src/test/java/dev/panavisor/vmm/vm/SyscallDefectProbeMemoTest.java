package dev.panavisor.vmm.vm;

import dev.panavisor.vmm.vm.SyscallDefectProbe.Answer;
import dev.panavisor.vmm.vm.SyscallDefectProbe.Memo;
import dev.panavisor.vmm.vm.SyscallDefectProbe.Result;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * How the process keeps the SYSCALL probe's answer. A launcher's start-up rehearsal VM once
 * probed through a KVM fd it had already closed: its UNKNOWN was kept, and the real guest, whose
 * own probe had found the defect, booted without the repair (its /init died on the first system call).
 */
class SyscallDefectProbeMemoTest {
    private static Supplier<Answer> answers(Result... results) {
        ArrayDeque<Result> queue = new ArrayDeque<>(List.of(results));
        return () -> new Answer(queue.remove(), "scripted");
    }

    @Test
    void anUnknownRunIsTriedAgainAndADefiniteAnswerKept() {
        Memo memo = new Memo();
        assertEquals(Result.DEFECTIVE, memo.get(answers(Result.UNKNOWN, Result.DEFECTIVE)));
        assertEquals(Result.DEFECTIVE, memo.known());
        // Kept: no further run (the supplier would throw if asked).
        assertEquals(Result.DEFECTIVE, memo.get(answers()));
    }

    @Test
    void unknownAfterEveryAttemptIsReportedButNotKept() {
        Memo memo = new Memo();
        assertEquals(Result.UNKNOWN, memo.get(answers(Result.UNKNOWN, Result.UNKNOWN, Result.UNKNOWN)));
        assertNull(memo.known());
        assertEquals(Result.CORRECT, memo.get(answers(Result.CORRECT)));
        assertEquals(Result.CORRECT, memo.known());
    }

    @Test
    void concurrentCallersShareOneRun() throws InterruptedException {
        Memo memo = new Memo();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1), release = new CountDownLatch(1);
        Supplier<Answer> slow = () -> {
            runs.incrementAndGet();
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new Answer(Result.DEFECTIVE, "scripted");
        };
        Result[] second = new Result[1];
        Thread first = Thread.ofPlatform().start(() -> memo.get(slow));
        inside.await();
        Thread other = Thread.ofPlatform().start(() -> second[0] = memo.get(slow));
        release.countDown();
        first.join();
        other.join();
        assertEquals(Result.DEFECTIVE, second[0]);
        assertEquals(1, runs.get());
    }
}
