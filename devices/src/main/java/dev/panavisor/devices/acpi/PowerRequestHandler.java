package dev.panavisor.devices.acpi;

/**
 * Told when the guest asks to power off or reset through ACPI. Called on the vCPU thread inside
 * the register write, so it must only record the request (and kick the run loop).
 */
public interface PowerRequestHandler {
    void requestPowerOff();

    void requestReset();
}
