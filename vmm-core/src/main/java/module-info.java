module dev.panavisor.vmm {
    requires transitive dev.panavisor.kvm;
    requires org.slf4j;
    requires org.jctools.core;
    exports dev.panavisor.vmm.bus;
    exports dev.panavisor.vmm.memory;
    exports dev.panavisor.vmm.vcpu;
    exports dev.panavisor.vmm.vm;
    exports dev.panavisor.vmm.boot;
}
