package dev.panavisor.firmware.ovmf;

/**
 * A firmware image's OVMF metadata is absent where it was required, or malformed. The message
 * names the image, the structure and, where there is one, the image offset, so that a user can
 * tell a wrong file from a corrupt one.
 */
public class OvmfFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OvmfFormatException(String message) {
        super(message);
    }
}
