module dev.panavisor.kvm {
    requires org.slf4j;
    exports dev.panavisor.kvm;
    exports dev.panavisor.kvm.sys;
}
