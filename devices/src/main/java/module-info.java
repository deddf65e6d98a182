module dev.panavisor.devices {
    requires transitive dev.panavisor.vmm;
    requires org.slf4j;
}
