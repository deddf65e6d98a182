module dev.panavisor.vmm {
    requires transitive dev.panavisor.kvm;
    requires org.slf4j;
    requires org.jctools.core;
    exports dev.panavisor.vmm.bus;
}
