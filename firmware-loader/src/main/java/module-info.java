module dev.panavisor.firmware {
    requires org.slf4j;
}
