package dev.panavisor.firmware.linux;

/**
 * A kernel image is not one Panavisor can boot, or is corrupt. The message names the field
 * and its file offset where there is one, so a user can tell a wrong file from a damaged one.
 */
public class LinuxImageFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LinuxImageFormatException(String message) {
        super(message);
    }

    static LinuxImageFormatException at(String field, long offset, String problem) {
        return new LinuxImageFormatException(String.format("%s at offset 0x%x %s", field, offset, problem));
    }
}
