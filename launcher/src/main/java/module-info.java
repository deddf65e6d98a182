module dev.panavisor.launcher {
    requires dev.panavisor.vmm;
    requires dev.panavisor.devices;
    requires dev.panavisor.firmware;
    requires dev.panavisor.confidential;
    requires info.picocli;
    requires org.slf4j;
    exports dev.panavisor.launcher;
    opens dev.panavisor.launcher to info.picocli;
}
