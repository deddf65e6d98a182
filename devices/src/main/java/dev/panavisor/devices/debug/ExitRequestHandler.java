package dev.panavisor.devices.debug;

/**
 * Told when a guest asks to stop the VM. Called on the vCPU thread that made the request,
 * inside the device access, so it must only record the request (and kick the run loop),
 * not tear anything down.
 */
@FunctionalInterface
public interface ExitRequestHandler {
    void requestExit(int status);
}
