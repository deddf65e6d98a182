package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.MeasuredNativeLaunch;
import dev.panavisor.confidential.launch.NativeLaunch;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.launch.TdxMeasuredLaunch;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses how a launch for a platform is built on this host. A hardware backend is chosen only
 * when the host's KVM offers the platform's VM type (KVM_CAP_VM_TYPES); otherwise the request is
 * refused with what is missing, unless the caller accepts the measured-native simulation: an
 * ordinary VM with the platform's measurement computed in software beside it.
 */
public final class LaunchBackendSelector {
    /** How a launch will be built. */
    public enum Backend {
        /** An ordinary VM, nothing measured. */
        NATIVE("ordinary VM, unmeasured"),
        /** KVM SEV-SNP: {@link SnpKvmLaunch} on a KVM_X86_SNP_VM. */
        KVM_SEV_SNP("KVM SEV-SNP hardware launch"),
        /** KVM TDX: {@link TdxKvmLaunch} on a KVM_X86_TDX_VM. */
        KVM_TDX("KVM TDX hardware launch"),
        /** An ordinary VM plus the platform's measurement computed in software: a simulation. */
        MEASURED_NATIVE("measured native: ordinary VM, measurement simulated in software, not hardware attestation");

        private final String description;

        Backend(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private LaunchBackendSelector() {}

    /** The KVM VM type a platform's hardware backend needs, or -1 for none (native). */
    public static int vmType(LaunchPlatform platform) {
        return switch (platform) {
            case NATIVE -> -1;
            case SEV_SNP -> KvmUapi.PV_KVM_X86_SNP_VM();
            case TDX -> KvmUapi.PV_KVM_X86_TDX_VM();
            case SEV -> KvmUapi.PV_KVM_X86_SEV_VM();
            case SEV_ES -> KvmUapi.PV_KVM_X86_SEV_ES_VM();
        };
    }

    /**
     * The backend for {@code platform} on a host whose KVM offers {@code hostVmTypes} (bit n for
     * VM type n, as {@link Kvm#supportedVmTypes()} reports). Without the VM type, the result is
     * {@link Backend#MEASURED_NATIVE} if {@code allowSimulation}, else a refusal naming what is missing.
     */
    public static Backend select(LaunchPlatform platform, int hostVmTypes, boolean allowSimulation) {
        if (platform == LaunchPlatform.NATIVE) return Backend.NATIVE;
        int type = vmType(platform);
        boolean hardware = platform == LaunchPlatform.SEV_SNP || platform == LaunchPlatform.TDX;
        if (hardware && (hostVmTypes & (1 << type)) != 0) {
            return platform == LaunchPlatform.SEV_SNP ? Backend.KVM_SEV_SNP : Backend.KVM_TDX;
        }
        if (allowSimulation) return Backend.MEASURED_NATIVE;
        String missing = hardware
                ? "this host's KVM does not offer VM type " + vmTypeName(type) + " (it offers " + describeVmTypes(hostVmTypes)
                        + "), so it has no " + platform + " hardware or KVM support for it"
                : "Panavisor has no KVM backend for " + platform + " launches, only for SEV-SNP and TDX";
        throw new LaunchMeasurementException("cannot launch a " + platform + " guest on this host: " + missing
                + ". The measured-native option runs the guest in an ordinary VM and computes the " + platform
                + " measurement in software: a simulation, not hardware attestation.");
    }

    /**
     * A new VM of the platform's type for a hardware backend ({@link SnpKvmLaunch},
     * {@link TdxKvmLaunch}); refused, as by {@link #select}, when the host's KVM lacks the type.
     */
    public static HostKvmLaunchTarget createVm(Kvm kvm, LaunchPlatform platform) {
        Backend backend = select(platform, kvm.supportedVmTypes(), false);
        if (backend != Backend.KVM_SEV_SNP && backend != Backend.KVM_TDX) {
            throw new IllegalArgumentException(platform + " launches need no special VM type");
        }
        VmFd vm = kvm.createVm(vmType(platform));
        return new HostKvmLaunchTarget(vm);
    }

    /**
     * The measured-native launch for {@code platform}: pages go into {@code memory} of an ordinary
     * VM, and the SEV-SNP or TDX measurement is computed alongside, labelled a simulation.
     */
    public static MeasuredNativeLaunch measuredNative(GuestMemory memory, LaunchPlatform platform) {
        LaunchContext measuring = switch (platform) {
            case SEV_SNP -> new SnpMeasuredLaunch();
            case TDX -> new TdxMeasuredLaunch();
            default -> throw new IllegalArgumentException("measured native simulates SEV-SNP or TDX launches, not " + platform);
        };
        return new MeasuredNativeLaunch(new NativeLaunch(memory), measuring);
    }

    /** {@code "0 (default), 1 (sw-protected)"}. */
    public static String describeVmTypes(int types) {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < 32; t++) if ((types & (1 << t)) != 0) names.add(vmTypeName(t));
        return names.isEmpty() ? "no VM types" : String.join(", ", names);
    }

    static String vmTypeName(int type) {
        return switch (type) {
            case 0 -> "KVM_X86_DEFAULT_VM (0)";
            case 1 -> "KVM_X86_SW_PROTECTED_VM (1)";
            case 2 -> "KVM_X86_SEV_VM (2)";
            case 3 -> "KVM_X86_SEV_ES_VM (3)";
            case 4 -> "KVM_X86_SNP_VM (4)";
            case 5 -> "KVM_X86_TDX_VM (5)";
            default -> "VM type " + type;
        };
    }
}
