package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;

/**
 * A VMSA asks for state KVM cannot put into the VMSA it builds at SNP_LAUNCH_FINISH: KVM derives
 * every VMSA from vCPU register state, so a field it has no ioctl for, or a value it would alter,
 * cannot be launched as given (and the launch would measure differently than the file says).
 */
public final class UnrepresentableVmsaException extends LaunchMeasurementException {
    private static final long serialVersionUID = 1L;

    UnrepresentableVmsaException(String message) {
        super(message);
    }
}
