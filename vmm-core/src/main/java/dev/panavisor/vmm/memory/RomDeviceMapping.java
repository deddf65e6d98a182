package dev.panavisor.vmm.memory;

/**
 * How a ROM device (parallel flash, a ROM that can be switched into a command mode)
 * asks the VMM to change how the guest reaches its window, without knowing how the VMM
 * does it.
 *
 * <p>In {@link #mapReadOnly() direct} mode the guest reads the device's host memory at
 * full speed (instruction fetch included) and only writes reach the device; in
 * {@link #trapAll() trapped} mode every access reaches the device, so it can answer
 * reads with status or identification data. Either call may come from a vCPU thread in
 * the middle of a device access, while other vCPUs run; both are idempotent.
 */
public interface RomDeviceMapping {
    /** Reads are served from host memory; writes still reach the device. */
    void mapReadOnly();

    /** Every read and write reaches the device. */
    void trapAll();

    /** True while reads are served directly. */
    boolean isMappedReadOnly();

    /** For devices used without a VMM (tests, tools): remembers the mode and does nothing else. */
    static RomDeviceMapping detached() {
        return new RomDeviceMapping() {
            private volatile boolean mapped = true;
            @Override public void mapReadOnly() { mapped = true; }
            @Override public void trapAll() { mapped = false; }
            @Override public boolean isMappedReadOnly() { return mapped; }
        };
    }
}
