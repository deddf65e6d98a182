module dev.panavisor.confidential {
    requires transitive dev.panavisor.firmware;
    requires transitive dev.panavisor.vmm;
    requires org.slf4j;
    exports dev.panavisor.confidential;
    exports dev.panavisor.confidential.hashes;
    exports dev.panavisor.confidential.igvm;
    exports dev.panavisor.confidential.kvm;
    exports dev.panavisor.confidential.launch;
    exports dev.panavisor.confidential.sev;
    exports dev.panavisor.confidential.snp;
    exports dev.panavisor.confidential.tdx;
}
