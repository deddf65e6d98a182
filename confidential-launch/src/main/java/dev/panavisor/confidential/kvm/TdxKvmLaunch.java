package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.TdxMeasuredLaunch;
import dev.panavisor.confidential.tdx.TdxPageOrder;
import dev.panavisor.kvm.Errno;
import dev.panavisor.kvm.IoctlTarget;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import dev.panavisor.kvm.sys.pv_kvm_tdx_capabilities;
import dev.panavisor.kvm.sys.pv_kvm_tdx_init_mem_region;
import dev.panavisor.kvm.sys.pv_kvm_tdx_init_vm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A TDX launch through KVM (Documentation/virt/kvm/x86/intel-tdx.rst, "KVM TDX creation flow"),
 * on a VM created with type KVM_X86_TDX_VM:
 * <ol>
 * <li>{@link #start}: KVM_TDX_CAPABILITIES (the TD attributes and XFAM asked for must be among the
 *     supported ones), KVM_TDX_INIT_VM (attributes = the policy, XFAM, MRCONFIGID/MROWNER/
 *     MROWNERCONFIG, CPUID entries), guest RAM (guest_memfd + KVM_SET_USER_MEMORY_REGION2), then each
 *     vCPU: KVM_CREATE_VCPU and KVM_TDX_INIT_VCPU with RCX = the TD HOB's GPA.</li>
 * <li>{@link #addPages}: KVM_SET_MEMORY_ATTRIBUTES(PRIVATE), then KVM_TDX_INIT_MEM_REGION on vCPU 0
 *     with KVM_TDX_MEASURE_MEMORY_REGION for measured pages; KVM may stop early with the region
 *     advanced and -EINTR/-EAGAIN, and is called again for the rest.</li>
 * <li>{@link #finish}: KVM_TDX_FINALIZE_VM.</li>
 * </ol>
 * KVM does not return MRTD; {@link #finish} reports the value computed from the same steps by a
 * {@link TdxMeasuredLaunch} (current KVM's page-by-page order), labelled
 * {@link LaunchMeasurement.Provenance#EXPECTED}. KVM_SET_CPUID2/KVM_SET_MSRS on the vCPUs stay
 * the VMM's vCPU setup, as for any VM. Not thread-safe.
 */
public final class TdxKvmLaunch implements LaunchContext {
    private static final Logger log = LoggerFactory.getLogger(TdxKvmLaunch.class);
    /** kvm_cpuid2 entries room for KVM_TDX_CAPABILITIES' configurable CPUID list. */
    static final int CAPABILITY_CPUID_ENTRIES = 256;

    private final KvmLaunchTarget target;
    private final TdxKvmOptions options;
    private final TdxMeasuredLaunch expected = new TdxMeasuredLaunch(TdxPageOrder.PAGE_BY_PAGE);
    private final PrivateGuestMemory memory;
    private final List<IoctlTarget> vcpus = new ArrayList<>();

    public TdxKvmLaunch(KvmLaunchTarget target, TdxKvmOptions options) {
        if (target == null || options == null) throw new NullPointerException();
        this.target = target;
        this.options = options;
        this.memory = new PrivateGuestMemory(target, options.ram(), "TDX KVM launch");
    }

    @Override
    public void start(LaunchPlatform platform, long attributes) {
        expected.start(platform, attributes);
        IoctlTarget vm = target.vm();
        try (Arena a = Arena.ofConfined()) {
            long capSize = pv_kvm_tdx_capabilities.sizeof() + kvm_cpuid2.sizeof() + CAPABILITY_CPUID_ENTRIES * kvm_cpuid_entry2.sizeof();
            MemorySegment caps = a.allocate(capSize, 8);
            caps.fill((byte) 0);
            kvm_cpuid2.nent(caps.asSlice(pv_kvm_tdx_capabilities.sizeof()), CAPABILITY_CPUID_ENTRIES);
            TdxCommands.issue(vm, KvmUapi.PV_KVM_TDX_CAPABILITIES(), 0, caps.address(), "KVM_TDX_CAPABILITIES", "");
            requireSupported("TD attributes", attributes, pv_kvm_tdx_capabilities.supported_attrs(caps));
            requireSupported("XFAM", options.xfam(), pv_kvm_tdx_capabilities.supported_xfam(caps));

            List<TdxKvmOptions.CpuidEntry> entries = options.cpuid();
            MemorySegment init = a.allocate(pv_kvm_tdx_init_vm.sizeof() + kvm_cpuid2.sizeof() + entries.size() * kvm_cpuid_entry2.sizeof(), 8);
            init.fill((byte) 0);
            pv_kvm_tdx_init_vm.attributes(init, attributes);
            pv_kvm_tdx_init_vm.xfam(init, options.xfam());
            MemorySegment.copy(MemorySegment.ofArray(options.mrConfigId()), 0, pv_kvm_tdx_init_vm.mrconfigid(init), 0, 48);
            MemorySegment.copy(MemorySegment.ofArray(options.mrOwner()), 0, pv_kvm_tdx_init_vm.mrowner(init), 0, 48);
            MemorySegment.copy(MemorySegment.ofArray(options.mrOwnerConfig()), 0, pv_kvm_tdx_init_vm.mrownerconfig(init), 0, 48);
            MemorySegment cpuid = init.asSlice(pv_kvm_tdx_init_vm.sizeof());
            kvm_cpuid2.nent(cpuid, entries.size());
            for (int i = 0; i < entries.size(); i++) {
                TdxKvmOptions.CpuidEntry e = entries.get(i);
                MemorySegment k = cpuid.asSlice(kvm_cpuid2.sizeof() + i * kvm_cpuid_entry2.sizeof(), kvm_cpuid_entry2.sizeof());
                kvm_cpuid_entry2.function(k, e.function());
                kvm_cpuid_entry2.index(k, e.index());
                kvm_cpuid_entry2.flags(k, e.flags());
                kvm_cpuid_entry2.eax(k, e.eax());
                kvm_cpuid_entry2.ebx(k, e.ebx());
                kvm_cpuid_entry2.ecx(k, e.ecx());
                kvm_cpuid_entry2.edx(k, e.edx());
            }
            TdxCommands.issue(vm, KvmUapi.PV_KVM_TDX_INIT_VM(), 0, init.address(), "KVM_TDX_INIT_VM",
                    String.format("attributes 0x%x, XFAM 0x%x, %d CPUID entries", attributes, options.xfam(), entries.size()));
        }
        memory.register();
        for (int i = 0; i < options.vcpus(); i++) {
            IoctlTarget vcpu = target.createVcpu(i);
            TdxCommands.issue(vcpu, KvmUapi.PV_KVM_TDX_INIT_VCPU(), 0, options.hobGpa(), "KVM_TDX_INIT_VCPU",
                    String.format("vCPU %d, RCX 0x%x", i, options.hobGpa()));
            vcpus.add(vcpu);
        }
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        expected.addPages(gpa, length, type, contents);
        switch (type) {
            case SHARED -> memory.writeShared(gpa, length, contents);
            case REQUIRED -> memory.makePrivate(gpa, length, type);
            case NORMAL, ZERO, UNMEASURED -> {
                memory.makePrivate(gpa, length, type);
                initMemRegion(gpa, length, type, contents);
            }
            // TdxMeasuredLaunch has already refused SEV-SNP-only page types.
            case SECRETS, CPUID -> throw new IllegalStateException(type.toString());
        }
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment context) {
        expected.addVpContext(vpIndex, gpa, context);
    }

    @Override
    public LaunchMeasurement finish() {
        LaunchMeasurement mrtd = expected.finish();
        TdxCommands.issue(target.vm(), KvmUapi.PV_KVM_TDX_FINALIZE_VM(), 0, 0, "KVM_TDX_FINALIZE_VM", "");
        log.info("TDX launch finalized through KVM: {} pages, {} vCPUs; expected MRTD {} ({})",
                mrtd.pages(), vcpus.size(), mrtd.hex(), LaunchMeasurement.Provenance.EXPECTED.label());
        return mrtd.withProvenance(LaunchMeasurement.Provenance.EXPECTED);
    }

    /** KVM_TDX_INIT_MEM_REGION over the whole range, resuming where KVM stopped. */
    private void initMemRegion(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        boolean measured = type != LaunchPageType.UNMEASURED;
        int flags = measured ? (int) KvmUapi.PV_KVM_TDX_MEASURE_MEMORY_REGION() : 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment source = PrivateGuestMemory.stage(a, length, type == LaunchPageType.ZERO ? null : contents);
            MemorySegment region = pv_kvm_tdx_init_mem_region.allocate(a);
            pv_kvm_tdx_init_mem_region.source_addr(region, source.address());
            pv_kvm_tdx_init_mem_region.gpa(region, gpa);
            pv_kvm_tdx_init_mem_region.nr_pages(region, length / PAGE_SIZE);
            long[] hw = new long[1];
            int stalled = 0;
            while (pv_kvm_tdx_init_mem_region.nr_pages(region) != 0) {
                long before = pv_kvm_tdx_init_mem_region.nr_pages(region);
                int r = TdxCommands.tryIssue(vcpus.getFirst(), KvmUapi.PV_KVM_TDX_INIT_MEM_REGION(), flags, region.address(), hw);
                String detail = String.format("%s pages at 0x%x, %d pages, %d left%s", type, gpa, length / PAGE_SIZE, before,
                        measured ? ", measured" : "");
                if (r < 0 && r != -Errno.EAGAIN && r != -Errno.EINTR) throw TdxCommands.failure("KVM_TDX_INIT_MEM_REGION", detail, -r, hw[0]);
                long after = pv_kvm_tdx_init_mem_region.nr_pages(region);
                stalled = after < before ? 0 : stalled + 1;
                if (stalled > SnpKvmLaunch.MAX_STALLED_ROUNDS || after > before) {
                    throw new LaunchMeasurementException("KVM_TDX_INIT_MEM_REGION (" + detail + ") made no progress in "
                            + SnpKvmLaunch.MAX_STALLED_ROUNDS + " attempts");
                }
            }
        }
    }

    private static void requireSupported(String what, long asked, long supported) {
        long missing = asked & ~supported;
        if (missing != 0) {
            throw new LaunchMeasurementException(String.format(
                    "TDX KVM launch: %s 0x%x ask for bits 0x%x that this TDX module does not support (KVM_TDX_CAPABILITIES reports 0x%x)",
                    what, asked, missing, supported));
        }
    }
}
