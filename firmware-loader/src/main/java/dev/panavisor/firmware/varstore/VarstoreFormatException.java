package dev.panavisor.firmware.varstore;

/** The image holds no variable store where one must be, or a record in it is malformed; the message names the offset. */
public class VarstoreFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VarstoreFormatException(String message) {
        super(message);
    }
}
