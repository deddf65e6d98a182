module dev.panavisor.devices {
    requires transitive dev.panavisor.vmm;
    requires org.slf4j;
    exports dev.panavisor.devices.console;
    exports dev.panavisor.devices.serial;
    exports dev.panavisor.devices.debug;
    exports dev.panavisor.devices.pflash;
    exports dev.panavisor.devices.rtc;
    exports dev.panavisor.devices.pci;
    exports dev.panavisor.devices.acpi;
    exports dev.panavisor.devices.platform;
    exports dev.panavisor.devices.fwcfg;
    exports dev.panavisor.devices.vmfwupdate;
}
