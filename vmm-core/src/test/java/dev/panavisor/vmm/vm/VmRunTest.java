package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.vcpu.Vcpu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@RequiresKvm
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VmRunTest {
    private Kvm kvm;

    @BeforeEach void open() { kvm = Kvm.open(); }
    @AfterEach void close() { kvm.close(); }

    static final class Recorder implements BusDevice {
        final List<Long> writes = new CopyOnWriteArrayList<>();
        final AtomicLong count = new AtomicLong();
        @Override public long read(long offset, int size) { return 0; }
        @Override public void write(long offset, int size, long value) { writes.add(value); count.incrementAndGet(); }
    }

    @Test
    void portWritesReachTheDeviceAndHaltEndsTheRun() {
        try (Vm vm = TinyGuests.boot(kvm, TinyGuests.COUNT_TO_TEN_THEN_HALT, 1)) {
            Recorder r = new Recorder();
            vm.pio().register(0x600, 1, r, "recorder");
            vm.start();
            VmExit exit = vm.runUntilExit();
            assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, exit.reason());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), r.writes);
            assertEquals(VmState.STOPPED, vm.state());
            assertEquals(11, vm.vcpus().getFirst().exits(), "10 port writes and one HLT");
        }
    }

    @Test
    void aVcpuSpinningInTheGuestIsKickedOutWhenTheHostStopsTheVm() throws Exception {
        try (Vm vm = TinyGuests.boot(kvm, TinyGuests.SPIN_WITHOUT_EXITS, 2)) {
            vm.start();
            var pool = Executors.newSingleThreadExecutor();
            Future<VmExit> exit = pool.submit(vm::runUntilExit);
            Thread.sleep(200);
            vm.requestExit(VmExit.of(VmExit.Reason.HOST_STOP));
            assertEquals(VmExit.Reason.HOST_STOP, exit.get(10, TimeUnit.SECONDS).reason());
            for (Vcpu v : vm.vcpus()) assertEquals(Vcpu.State.STOPPED, v.state());
            pool.shutdown();
        }
    }

    @Test
    void pauseStopsGuestProgressAndResumeRestartsIt() throws Exception {
        try (Vm vm = TinyGuests.boot(kvm, TinyGuests.OUT_FOREVER, 1)) {
            Recorder r = new Recorder();
            vm.pio().register(0x600, 1, r, "recorder");
            vm.start();
            var pool = Executors.newSingleThreadExecutor();
            Future<VmExit> exit = pool.submit(vm::runUntilExit);
            waitFor(() -> r.count.get() > 100);
            vm.pause();
            assertEquals(VmState.PAUSED, vm.state());
            long frozen = r.count.get();
            Thread.sleep(100);
            assertEquals(frozen, r.count.get(), "no guest progress while paused");
            vm.resume();
            waitFor(() -> r.count.get() > frozen + 100);
            vm.requestExit(VmExit.of(VmExit.Reason.HOST_STOP));
            exit.get(10, TimeUnit.SECONDS);
            pool.shutdown();
        }
    }

    @Test
    void aResetRequestRunsTheHandlerWithVcpusParkedAndTheGuestRunsAgain() throws Exception {
        Recorder r = new Recorder();
        AtomicLong resets = new AtomicLong();
        var holder = new Vm[1];
        Vm vm = Vm.builder(kvm).vcpus(1).memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)))
                .resetHandler(v -> {
                    for (Vcpu c : v.vcpus()) {
                        assertEquals(Vcpu.State.PARKED, c.state());
                        dev.panavisor.vmm.boot.RealModeEntry.apply(c.fd(), 0x1000, 0);
                    }
                    resets.incrementAndGet();
                }).build();
        holder[0] = vm;
        try (vm) {
            vm.memory().write(TinyGuests.LOAD, TinyGuests.COUNT_TO_TEN_THEN_HALT);
            dev.panavisor.vmm.boot.RealModeEntry.apply(vm.vcpus().getFirst().fd(), 0x1000, 0);
            // The 10th write asks for a reset once; the second boot then halts.
            vm.pio().register(0x600, 1, new BusDevice() {
                @Override public long read(long o, int s) { return 0; }
                @Override public void write(long o, int s, long v) {
                    r.write(o, s, v);
                    if (v == 10 && resets.get() == 0 && r.count.get() == 10) holder[0].requestReset("test");
                }
            }, "recorder");
            vm.start();
            VmExit exit = vm.runUntilExit();
            assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, exit.reason());
            assertEquals(1, resets.get());
            assertEquals(1, vm.resets());
            assertEquals(20, r.writes.size(), "the guest ran from its reset state twice");
        }
    }

    @Test
    void anExitRequestedJustBeforeAResetIsNotLostByTheReset() throws Exception {
        AtomicLong resets = new AtomicLong();
        var holder = new Vm[1];
        Vm vm = Vm.builder(kvm).vcpus(1).memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)))
                .resetHandler(v -> {
                    for (Vcpu c : v.vcpus()) dev.panavisor.vmm.boot.RealModeEntry.apply(c.fd(), 0x1000, 0);
                    resets.incrementAndGet();
                }).build();
        holder[0] = vm;
        try (vm) {
            vm.memory().write(TinyGuests.LOAD, TinyGuests.OUT_FOREVER);
            dev.panavisor.vmm.boot.RealModeEntry.apply(vm.vcpus().getFirst().fd(), 0x1000, 0);
            // The guest's first write asks for a reset and, before the controller acts, for a power-off.
            vm.pio().register(0x600, 1, new BusDevice() {
                @Override public long read(long o, int s) { return 0; }
                @Override public void write(long o, int s, long v) {
                    if (resets.get() == 0) {
                        holder[0].requestReset("test");
                        holder[0].requestExit(new VmExit(VmExit.Reason.POWER_OFF, 7, "test"));
                    }
                }
            }, "reset-then-exit");
            vm.start();
            VmExit exit = vm.runUntilExit();
            assertEquals(VmExit.Reason.POWER_OFF, exit.reason());
            assertEquals(7, exit.status());
        }
    }

    @Test
    void anExitHandledBeforeTheVcpuThreadsGetGoingStillStopsThem() {
        // The exit is queued before start, so the controller acts on it while the vCPU
        // threads are (almost always) still starting: they must get their STOP all the same.
        for (int round = 0; round < 20; round++) {
            try (Vm vm = TinyGuests.boot(kvm, TinyGuests.SPIN_WITHOUT_EXITS, 2)) {
                vm.requestExit(new VmExit(VmExit.Reason.POWER_OFF, 0, "before start"));
                vm.start();
                assertEquals(VmExit.Reason.POWER_OFF, vm.runUntilExit().reason());
            }
        }
    }

    @Test
    void illegalLifecycleTransitionsAreRefused() {
        try (Vm vm = TinyGuests.boot(kvm, TinyGuests.HALT, 1)) {
            assertThrows(IllegalStateException.class, vm::resume);
            vm.start();
            assertThrows(IllegalStateException.class, vm::start);
            vm.runUntilExit();
            assertThrows(IllegalStateException.class, vm::pause);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not reached");
            Thread.sleep(5);
        }
    }
}
