package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.boot.CpuidTable;
import dev.panavisor.vmm.boot.RealModeEntry;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vcpu.fallback.InstructionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Boots src/test/guest/syscall_user.S, a small kernel whose user code takes an ordinary page
 * fault, a TF single-step trap and two system calls. On a host whose emulator leaves SYSCALL at
 * CPL 3 ({@link SyscallDefectProbe}), the VMM's repair must make the system calls enter the
 * kernel at CPL 0 while the page fault and the trap still reach the guest's own handlers; on a
 * host that executes SYSCALL correctly the guest sees the same without any repair.
 */
@RequiresKvm
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyscallRepairKvmTest {
    private static final long LOAD = 0x10000;
    private Kvm kvm;

    @BeforeEach void open() { kvm = Kvm.open(); }
    @AfterEach void close() { kvm.close(); }

    private record Run(VmExit exit, List<String> log, Long syscalls) {}

    private Run boot(boolean repair) throws IOException {
        byte[] image;
        try (InputStream in = getClass().getResourceAsStream("/guests/syscall_user.bin")) {
            assertNotNull(in, "guest image syscall_user (built by scripts/build-guests.sh in generate-test-resources)");
            image = in.readAllBytes();
        }
        // Probed once per process; known before start, the repair is in place before the first
        // instruction (this kernel makes its first system call microseconds after writing LSTAR).
        SyscallDefectProbe.result();
        try (Arena arena = Arena.ofConfined();
             Vm vm = Vm.builder(kvm).syscallRepair(repair)
                     .memory(List.of(new GuestRam.Layout("ram", 0, 8 << 20, false))).build()) {
            vm.memory().write(LOAD, image);
            CpuidTable cpuid = new CpuidTable(kvm, arena);
            for (Vcpu v : vm.vcpus()) {
                cpuid.applyTo(v.fd(), v.id());
                RealModeEntry.apply(v.fd(), (int) (LOAD >> 4), 0);
            }
            InstructionFallbackKvmTest.Ports ports = new InstructionFallbackKvmTest.Ports();
            vm.pio().register(0x610, 4, ports, "results");
            vm.start();
            VmExit exit = vm.runUntilExit();
            return new Run(exit, List.copyOf(ports.log), vm.emulationStats().completed().get(InstructionKind.SYSCALL));
        }
    }

    /** The user part of the log up to the first system call: page fault (CR2), then the #DB trap. */
    private static void assertUserFaultsReachedTheGuest(List<String> log) {
        assertEquals("R:400000", log.get(1), "the kernel's #PF handler mapped the lazy page: " + log);
        assertEquals("R:d0b01", log.get(2), "the TF single-step trap reached the kernel's #DB handler: " + log);
    }

    @Test
    void systemCallsEnterTheKernelAtCpl0AndReturnBySysret_sdmVol2Syscall() throws Exception {
        Run run = boot(true);
        assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, run.exit().reason(), run.exit().detail() + "\n" + run.log());
        List<String> log = run.log();
        assertUserFaultsReachedTheGuest(log);
        // SYSCALL: CS = STAR[47:32] = 0x10, SS = 0x18, RFLAGS & ~FMASK (IF, TF... off), RCX = the
        // instruction after it in the user page (0x200000 + its offset).
        assertEquals(List.of("R:10", "R:18"), log.subList(3, 5), "entered at CPL 0 with STAR's selectors: " + log);
        assertEquals(0, Long.parseLong(log.get(5).substring(2), 16) & 0x47700, "FMASK's flags cleared: " + log);
        long rcx = Long.parseLong(log.get(6).substring(2), 16);
        assertTrue(rcx > 0x200000 && rcx < 0x200040, "RCX = the user return address: " + log);
        // CR2: SYSCALL does not write it, so it still holds step 1's page-fault address (a repair
        // that discarded a fault at LSTAR must put it back).
        assertEquals("R:400000", log.get(7), "CR2 after SYSCALL: " + log);
        // SYSRETQ went back to user mode, which set RBX, and the second system call reported it.
        assertEquals("R:5a", log.get(8), log.toString());
        assertEquals(9, log.size(), log.toString());
    }

    @Test
    void onAHostWithTheDefectTheVmmCompletedBothSystemCallsAndWithoutTheRepairTheFirstFaults() throws Exception {
        assumeTrue(SyscallDefectProbe.result() == SyscallDefectProbe.Result.DEFECTIVE,
                "this host's KVM executes SYSCALL correctly (probe: " + SyscallDefectProbe.result() + "); nothing to repair");
        Run repaired = boot(true);
        assertEquals(2L, repaired.syscalls(), repaired.log().toString());
        Run plain = boot(false);
        List<String> log = plain.log();
        assertUserFaultsReachedTheGuest(log);
        String entry = log.get(0).substring(2);
        // The defect itself: #PF (vector 14) on fetching LSTAR in user mode (error code: user, present).
        assertEquals(List.of("V:e", "I:" + entry), log.subList(3, 5), log.toString());
        assertEquals(4, Integer.parseInt(log.get(5).substring(2), 16) & 4, "a user-mode access: " + log);
    }

    @Test
    void theProbeAgreesWithWhatTheGuestSeesWithoutTheRepair() throws Exception {
        SyscallDefectProbe.Result probe = SyscallDefectProbe.result();
        assumeTrue(probe != SyscallDefectProbe.Result.UNKNOWN, "the probe could not tell");
        Run plain = boot(false);
        boolean faulted = plain.log().contains("V:e");
        assertEquals(probe == SyscallDefectProbe.Result.DEFECTIVE, faulted, "probe " + probe + ", guest " + plain.log());
    }
}
