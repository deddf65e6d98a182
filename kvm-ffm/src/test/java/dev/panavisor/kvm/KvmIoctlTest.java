package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_run;
import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wrappers against the real /dev/kvm. */
@RequiresKvm
class KvmIoctlTest {
    @Test
    void opensKvmAndReadsCapabilities() {
        try (Kvm kvm = Kvm.open()) {
            assertTrue(kvm.checkExtension((int) KvmUapi.KVM_CAP_USER_MEMORY()) > 0, "KVM_CAP_USER_MEMORY");
            assertTrue(kvm.vcpuMmapSize() >= kvm_run.sizeof(), "kvm_run fits in the vCPU mapping");
            assertTrue((kvm.supportedVmTypes() & 1) != 0, "default VM type supported");
            assertTrue(kvm.msrIndexList().length > 0);
        }
    }

    @Test
    void supportedCpuidHasTheVendorLeaf() {
        try (Kvm kvm = Kvm.open(); Arena a = Arena.ofConfined()) {
            MemorySegment c = kvm.supportedCpuid(a);
            int n = kvm_cpuid2.nent(c);
            assertTrue(n > 1);
            boolean leaf0 = false;
            for (int i = 0; i < n; i++) {
                MemorySegment e = c.asSlice(kvm_cpuid2.sizeof() + i * kvm_cpuid_entry2.sizeof(), kvm_cpuid_entry2.sizeof());
                if (kvm_cpuid_entry2.function(e) == 0) leaf0 = kvm_cpuid_entry2.eax(e) >= 1;
            }
            assertTrue(leaf0, "CPUID leaf 0 reports at least leaf 1");
        }
    }

    @Test
    void registersRoundTripThroughKvm() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); VcpuFd vcpu = vm.createVcpu(0); Arena a = Arena.ofConfined()) {
            MemorySegment regs = kvm_regs.allocate(a);
            vcpu.getRegs(regs);
            kvm_regs.rip(regs, 0x1234);
            kvm_regs.rax(regs, 0xdeadbeefL);
            vcpu.setRegs(regs);
            MemorySegment back = kvm_regs.allocate(a);
            vcpu.getRegs(back);
            assertEquals(0x1234, kvm_regs.rip(back));
            assertEquals(0xdeadbeefL, kvm_regs.rax(back));
        }
    }

    @Test
    void failuresNameTheIoctlAndErrno() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); VcpuFd first = vm.createVcpu(0)) {
            KvmException e = assertThrows(KvmException.class, () -> vm.createVcpu(0));
            assertEquals(Errno.EEXIST, e.errno());
            assertTrue(e.getMessage().contains("KVM_CREATE_VCPU") && e.getMessage().contains("EEXIST"), e.getMessage());
        }
    }

    @Test
    void closingTwiceClosesOnce() {
        Kvm kvm = Kvm.open();
        kvm.close();
        kvm.close();
        assertTrue(kvm.isClosed());
    }

    @Test
    void memslotAcceptsAnonymousMapping() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); Mapping m = Mapping.anonymous(2 << 20)) {
            vm.setUserMemoryRegion(0, 0, 0, m.length(), m.address());
            vm.setUserMemoryRegion(0, 0, 0, 0, m.address());
        }
    }

    @Test
    void guestMemfdCanBeCreatedAndMappedWhereSupported() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm()) {
            long flags = vm.checkExtension(KvmUapi.PV_KVM_CAP_GUEST_MEMFD_FLAGS());
            org.junit.jupiter.api.Assumptions.assumeTrue((flags & KvmUapi.PV_GUEST_MEMFD_FLAG_MMAP()) != 0,
                    "this KVM cannot mmap guest_memfd");
            try (OwnedFd g = vm.createGuestMemfd(1 << 20, KvmUapi.PV_GUEST_MEMFD_FLAG_MMAP() | (flags & KvmUapi.PV_GUEST_MEMFD_FLAG_INIT_SHARED()));
                 Mapping m = Mapping.shared(g.fd(), 0, 1 << 20, "guest_memfd")) {
                m.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 4096, 42);
                assertEquals(42, m.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 4096));
                vm.setUserMemoryRegion2(0, (int) KvmUapi.PV_KVM_MEM_GUEST_MEMFD(), 0, 1 << 20, m.address(), g.fd(), 0);
            }
        }
    }
    /**
     * KVM_CREATE_VM gives up with EINTR when a signal is pending (the kernel's
     * mm_take_all_locks), which a profiler's or the JVM's own signals cause; createVm retries.
     * The signal is HotSpot's suspend/resume signal, SIGUSR2 on Linux: the JVM handles it, and a
     * running thread that gets one without a suspend request just returns from the handler.
     */
    @Test
    void createVmSurvivesSignalsArrivingDuringCreation() throws InterruptedException {
        final int sigusr2 = 12;
        int target = Posix.gettid();
        AtomicBoolean stop = new AtomicBoolean();
        Thread flood = Thread.ofPlatform().start(() -> {
            while (!stop.get()) Posix.tgkill(target, sigusr2);
        });
        int interrupted = 0;
        try (Kvm kvm = Kvm.open()) {
            for (int i = 0; i < 50; i++) {
                // The raw ioctl first, to show that the flood does interrupt creation on this kernel.
                int raw = Posix.ioctlNoThrow(Posix.capture(), kvm.fd(), KvmUapi.KVM_CREATE_VM(), KvmUapi.PV_KVM_X86_DEFAULT_VM());
                if (raw == -Errno.EINTR) interrupted++;
                else if (raw >= 0) Posix.close(raw);
                kvm.createVm().close();
            }
        } finally {
            stop.set(true);
            flood.join();
        }
        LoggerFactory.getLogger(KvmIoctlTest.class).info("raw KVM_CREATE_VM interrupted {} of 50 times", interrupted);
    }
}
