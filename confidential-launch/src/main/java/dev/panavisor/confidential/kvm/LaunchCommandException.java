package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.kvm.Errno;

/**
 * A KVM launch command failed. The message names the command, what it was doing, the errno and,
 * when the platform's firmware refused it, the firmware's own code ({@code kvm_sev_cmd.error}
 * for SEV, {@code kvm_tdx_cmd.hw_error} for TDX), because EIO alone never says why.
 */
public class LaunchCommandException extends LaunchMeasurementException {
    private static final long serialVersionUID = 1L;

    private final String command;
    private final int errno;
    private final long firmwareError;

    LaunchCommandException(String command, String detail, int errno, long firmwareError, String firmwareText) {
        this(command + (detail.isEmpty() ? "" : " (" + detail + ")") + " failed: " + Errno.describe(errno)
                + (firmwareText.isEmpty() ? "" : ", " + firmwareText), command, errno, firmwareError);
    }

    /** A failure of {@code command} described by {@code message} (for failures that say more than the codes). */
    LaunchCommandException(String message, String command, int errno, long firmwareError) {
        super(message);
        this.command = command;
        this.errno = errno;
        this.firmwareError = firmwareError;
    }

    /** The command's name, e.g. {@code KVM_SEV_SNP_LAUNCH_UPDATE}. */
    public String command() { return command; }

    public int errno() { return errno; }

    /** The firmware's status for the failure, 0 when the firmware reported none. */
    public long firmwareError() { return firmwareError; }
}
