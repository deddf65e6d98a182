package dev.panavisor.confidential;

/**
 * A launch cannot be measured as asked: the firmware lacks what the technology needs (SEV
 * metadata for SEV-SNP, TDVF metadata for TDX, a kernel-hashes area for measured direct boot),
 * or the inputs contradict each other. Malformed firmware raises
 * {@link dev.panavisor.firmware.ovmf.OvmfFormatException} instead.
 */
public class LaunchMeasurementException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LaunchMeasurementException(String message) {
        super(message);
    }
}
