package dev.panavisor.bench;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.vmm.boot.RealModeEntry;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vm.GuestRam;
import dev.panavisor.vmm.vm.Vm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Cost of one port-I/O exit through Panavisor's real run loop: KVM_RUN, exit decode,
 * IoBus lookup, device write, re-entry.
 *
 * <p>The guest writes port 0x600 forever, so the vCPU thread is always in the loop and
 * the benchmark thread only watches the device's counter: one invocation is the wall time
 * for {@value #EXITS} more exits, and JMH divides by that, so the score is ns per exit.
 * The watcher sleeps between polls instead of spinning because the host has two cores and
 * a spinning watcher would steal time from the vCPU it is timing. Its wake-up lag (tens of
 * µs) lands once per invocation, i.e. well under 1% of {@value #EXITS} exits of ~3 µs each,
 * and it biases the score up, never down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PioExitBenchmark {
    static final int EXITS = 10_000;
    private static final int PORT = 0x600;
    /** mov dx,0x600; mov al,1; L: out dx,al; jmp L — the same bytes the C baseline loads. */
    private static final byte[] OUT_FOREVER = {(byte) 0xba, 0x00, 0x06, (byte) 0xb0, 0x01, (byte) 0xee, (byte) 0xeb, (byte) 0xfd};
    private static final long LOAD = 0x10000;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private Kvm kvm;
    private Vm vm;
    private PortWriteCounter counter;

    @Setup(Level.Trial)
    public void boot() {
        kvm = Kvm.open();
        vm = Vm.builder(kvm).vcpus(1)
                .memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)))
                .build();
        vm.memory().write(LOAD, OUT_FOREVER);
        RealModeEntry.apply(vm.vcpus().getFirst().fd(), (int) (LOAD >> 4), 0);
        counter = new PortWriteCounter();
        vm.pio().register(PORT, 1, counter, "exit-counter");
        // No controller thread: nothing in this guest halts or resets, and close() stops the vCPU.
        vm.start();
    }

    @TearDown(Level.Trial)
    public void shutDown() {
        vm.close();
        kvm.close();
    }

    @Benchmark
    @OperationsPerInvocation(EXITS)
    public long portExitRoundTrip() {
        long target = counter.writes() + EXITS;
        long lastProgress = System.nanoTime();
        long seen;
        while ((seen = counter.writes()) < target) {
            LockSupport.parkNanos(20_000);
            // A vCPU that died or parked would otherwise hang the run silently.
            if (System.nanoTime() - lastProgress > STALL_NANOS) {
                Vcpu v = vm.vcpus().getFirst();
                throw new IllegalStateException("guest made no port writes for 5 s; vCPU is " + v.state());
            }
            if (counter.writes() != seen) lastProgress = System.nanoTime();
        }
        return seen;
    }
}
