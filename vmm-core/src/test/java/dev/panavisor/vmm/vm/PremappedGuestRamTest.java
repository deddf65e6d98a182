package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.memory.MemoryBacking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Memory mapped and filled before the KVM VM exists (the launcher copies a kernel in while the
 * KVM downcalls are still being linked) must reach the guest byte for byte once a Vm takes it
 * over, and the Vm owns it from build() on, also when build() fails.
 */
class PremappedGuestRamTest {
    private static final List<GuestRam.Layout> TWO_MIB = List.of(new GuestRam.Layout("ram", 0, 2 << 20, false));

    @Test
    @RequiresKvm
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void codeWrittenBeforeTheVmExistedRunsInIt() {
        GuestRam ram = GuestRam.unregistered(TWO_MIB);
        ram.memory().write(TinyGuests.LOAD, TinyGuests.COUNT_TO_TEN_THEN_HALT);
        try (Kvm kvm = Kvm.open(); Vm vm = Vm.builder(kvm).vcpus(1).memory(ram).build()) {
            assertSame(ram.memory(), vm.memory());
            TinyGuests.CountRun run = TinyGuests.runCountToTen(vm);
            assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, run.reason());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), run.writes());
        }
        // The Vm unmapped it on close: a late access fails instead of touching freed memory.
        assertThrows(IllegalStateException.class, () -> ram.memory().readU8(TinyGuests.LOAD));
    }

    @Test
    @RequiresKvm
    void aFailedBuildStillUnmapsTheMemoryItWasGiven() {
        GuestRam ram = GuestRam.unregistered(TWO_MIB);
        try (Kvm kvm = Kvm.open()) {
            Vm.Builder b = Vm.builder(kvm).vcpus(1).memory(ram).backing(MemoryBacking.GUEST_MEMFD);
            assertThrows(IllegalStateException.class, b::build);
        }
        assertThrows(IllegalStateException.class, () -> ram.memory().readU8(0));
    }
}
