module dev.panavisor.devices {
    requires transitive dev.panavisor.vmm;
    requires org.slf4j;
    exports dev.panavisor.devices.console;
    exports dev.panavisor.devices.serial;
    exports dev.panavisor.devices.debug;
    exports dev.panavisor.devices.acpi;
}
