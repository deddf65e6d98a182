package dev.panavisor.launcher;

import dev.panavisor.vmm.vm.VmExit;

/** Process exit statuses of {@code panavisor run/run-firmware/demo}; documented in README.md. */
public final class ExitCodes {
    /** The guest powered off; a debug-exit write of v > 0 yields v instead. */
    public static final int POWER_OFF = 0;
    /** Bad command line, missing file, no KVM: nothing ran. */
    public static final int USAGE = 2;
    /** The guest reset and the machine has no reset handler. */
    public static final int GUEST_RESET = 3;
    /** Every vCPU halted with nothing to wake it. */
    public static final int ALL_HALTED = 4;
    /** Triple fault. */
    public static final int TRIPLE_FAULT = 5;
    /** KVM internal error, failed entry, unhandled exit. */
    public static final int INTERNAL_ERROR = 6;
    /** {@code run-firmware --timeout} elapsed with the guest still running (as coreutils' timeout). */
    public static final int TIMEOUT = 124;
    /** Stopped by the host (Ctrl-C). */
    public static final int HOST_STOP = 130;

    private ExitCodes() {}

    public static int of(VmExit exit) {
        return switch (exit.reason()) {
            // The debug-exit port reports (v << 1) | 1; the guest's v is what a script wants.
            case POWER_OFF -> exit.status() == 0 ? POWER_OFF : Math.min(exit.status() >>> 1, 125);
            case RESET -> GUEST_RESET;
            case ALL_VCPUS_HALTED -> ALL_HALTED;
            case TRIPLE_FAULT -> TRIPLE_FAULT;
            case INTERNAL_ERROR -> INTERNAL_ERROR;
            case HOST_STOP -> HOST_STOP;
        };
    }
}
