package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_fpu;
import dev.panavisor.kvm.sys.kvm_irq_level;
import dev.panavisor.kvm.sys.kvm_pit_config;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_run;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.kvm.sys.kvm_translation;
import dev.panavisor.kvm.sys.kvm_userspace_memory_region;
import dev.panavisor.kvm.sys.kvm_vcpu_events;
import dev.panavisor.kvm.sys.kvm_xcrs;
import dev.panavisor.kvm.sys.pv_kvm_create_guest_memfd;
import dev.panavisor.kvm.sys.pv_kvm_memory_attributes;
import dev.panavisor.kvm.sys.pv_kvm_sev_init;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_finish;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_start;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_update;
import dev.panavisor.kvm.sys.pv_kvm_tdx_capabilities;
import dev.panavisor.kvm.sys.pv_kvm_tdx_cmd;
import dev.panavisor.kvm.sys.pv_kvm_tdx_init_mem_region;
import dev.panavisor.kvm.sys.pv_kvm_tdx_init_vm;
import dev.panavisor.kvm.sys.pv_kvm_userspace_memory_region2;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The generated layouts against the kernel's own record of them: every _IOW/_IOR/_IOWR
 * request number carries sizeof(argument) in bits 16..29 (include/uapi/asm-generic/ioctl.h).
 * A layout that disagrees would make KVM read or write the wrong bytes.
 */
class KvmLayoutTest {
    private static long encodedSize(long request) {
        return (request >>> 16) & 0x3FFF;
    }

    @Test
    void vcpuStateStructsMatchTheirIoctlNumbers() {
        assertEquals(encodedSize(KvmUapi.KVM_GET_REGS()), kvm_regs.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_SET_SREGS()), kvm_sregs.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_GET_FPU()), kvm_fpu.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_GET_VCPU_EVENTS()), kvm_vcpu_events.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_GET_XCRS()), kvm_xcrs.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_TRANSLATE()), kvm_translation.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_SET_CPUID2()), kvm_cpuid2.sizeof());
    }

    @Test
    void vmStructsMatchTheirIoctlNumbers() {
        assertEquals(encodedSize(KvmUapi.KVM_SET_USER_MEMORY_REGION()), kvm_userspace_memory_region.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_IRQ_LINE()), kvm_irq_level.sizeof());
        assertEquals(encodedSize(KvmUapi.KVM_CREATE_PIT2()), kvm_pit_config.sizeof());
    }

    /** Our own header (kvm-ffm/jextract/panavisor_uapi.h), checked the same way and against api.rst sizes. */
    @Test
    void newerUapiFromOurHeaderMatchesTheKernelAbi() {
        assertEquals(160, pv_kvm_userspace_memory_region2.sizeof());
        assertEquals(encodedSize(KvmUapi.PV_KVM_SET_USER_MEMORY_REGION2()), pv_kvm_userspace_memory_region2.sizeof());
        assertEquals(64, pv_kvm_create_guest_memfd.sizeof());
        assertEquals(encodedSize(KvmUapi.PV_KVM_CREATE_GUEST_MEMFD()), pv_kvm_create_guest_memfd.sizeof());
        assertEquals(32, pv_kvm_memory_attributes.sizeof());
        assertEquals(encodedSize(KvmUapi.PV_KVM_SET_MEMORY_ATTRIBUTES()), pv_kvm_memory_attributes.sizeof());
        // The ioctl number of KVM_SET_USER_MEMORY_REGION2 is 0x40a0ae49 in the kernel's uapi.
        assertEquals(0x40a0ae49L, KvmUapi.PV_KVM_SET_USER_MEMORY_REGION2());
        assertEquals(0xc040aed4L, KvmUapi.PV_KVM_CREATE_GUEST_MEMFD());
    }

    /** Sizes from Documentation/virt/kvm/x86/amd-memory-encryption.rst and intel-tdx.rst. */
    @Test
    void confidentialLaunchStructs() {
        assertEquals(48, pv_kvm_sev_init.sizeof());
        assertEquals(64, pv_kvm_sev_snp_launch_start.sizeof());
        assertEquals(64, pv_kvm_sev_snp_launch_update.sizeof());
        assertEquals(32, pv_kvm_sev_snp_launch_update.pad2$offset());
        assertEquals(88, pv_kvm_sev_snp_launch_finish.sizeof());
        assertEquals(51, pv_kvm_sev_snp_launch_finish.pad0$offset());
        assertEquals(24, pv_kvm_tdx_cmd.sizeof());
        assertEquals(256, pv_kvm_tdx_init_vm.sizeof());
        assertEquals(2048, pv_kvm_tdx_capabilities.sizeof());
        assertEquals(24, pv_kvm_tdx_init_mem_region.sizeof());
    }

    /** struct kvm_run offsets the exit path reads (include/uapi/linux/kvm.h). */
    @Test
    void kvmRunExitFields() {
        assertEquals(8, KvmRun.EXIT_REASON);
        assertEquals(1, KvmRun.IMMEDIATE_EXIT);
        assertEquals(32, KvmRun.IO_DIRECTION);
        assertEquals(34, KvmRun.IO_PORT);
        assertEquals(40, KvmRun.IO_DATA_OFFSET);
        assertEquals(40, KvmRun.MMIO_DATA);
        assertEquals(48, KvmRun.MMIO_LEN);
        assertEquals(52, KvmRun.MMIO_IS_WRITE);
        assertEquals(2352, kvm_run.sizeof());
    }
}
