package dev.panavisor.firmware.wrap;

/** Firmware cannot be wrapped for the platform asked: it lacks what the platform needs, or the inputs clash. */
public class WrapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WrapException(String message) {
        super(message);
    }
}
