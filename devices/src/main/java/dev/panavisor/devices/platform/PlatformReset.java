package dev.panavisor.devices.platform;

/** What a reset source calls to reset the whole machine; the machine decides how. */
@FunctionalInterface
public interface PlatformReset {
    void request(String why);
}
