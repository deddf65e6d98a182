module dev.panavisor.confidential {
    requires transitive dev.panavisor.firmware;
    requires transitive dev.panavisor.vmm;
    requires org.slf4j;
}
