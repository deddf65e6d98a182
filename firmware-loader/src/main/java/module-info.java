module dev.panavisor.firmware {
    requires org.slf4j;
    exports dev.panavisor.firmware.igvm;
    exports dev.panavisor.firmware.ovmf;
    exports dev.panavisor.firmware.wrap;
    exports dev.panavisor.firmware.linux;
    exports dev.panavisor.firmware.cpio;
    exports dev.panavisor.firmware.varstore;
}
