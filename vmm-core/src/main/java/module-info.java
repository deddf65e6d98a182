module dev.panavisor.vmm {
    requires transitive dev.panavisor.kvm;
    requires org.slf4j;
    requires org.jctools.core;
    // JCTools reaches sun.misc.Unsafe; without this the module graph would not resolve it.
    requires jdk.unsupported;
    exports dev.panavisor.vmm.bus;
    exports dev.panavisor.vmm.memory;
    exports dev.panavisor.vmm.vcpu;
    exports dev.panavisor.vmm.vcpu.fallback;
    exports dev.panavisor.vmm.vm;
    exports dev.panavisor.vmm.boot;
    exports dev.panavisor.vmm.cpu;
    exports dev.panavisor.vmm.boot.acpi;
}
