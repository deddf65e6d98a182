package dev.panavisor.vmm.vm;

/**
 * Why a VM stopped, with the process exit status the launcher reports for it.
 *
 * @param reason what happened
 * @param status guest-supplied status where there is one (debug-exit port), else 0
 * @param detail register dump or error report for failures; empty otherwise
 */
public record VmExit(Reason reason, int status, String detail) {
    public enum Reason {
        /** The guest powered off (ACPI, i8042-less poweroff path, debug-exit port). */
        POWER_OFF,
        /** The guest asked for a reset and the machine has no reset handler. */
        RESET,
        /** Every vCPU halted with no interrupt controller that could wake it. */
        ALL_VCPUS_HALTED,
        /** A vCPU triple-faulted and the machine treats that as fatal. */
        TRIPLE_FAULT,
        /** KVM could not continue (internal error, failed entry, unknown exit, emulation failure). */
        INTERNAL_ERROR,
        /** The host stopped the VM (Ctrl-C, close()). */
        HOST_STOP
    }

    public static VmExit of(Reason reason) { return new VmExit(reason, 0, ""); }
}
