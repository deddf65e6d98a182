package dev.panavisor.vmm.vcpu.fallback;

/**
 * The bytes are not an instruction the fallback carries out: unknown opcode, truncated,
 * or longer than the architectural 15 bytes. {@link #instructionName()} names the
 * instruction when the decoder recognised it without supporting it, for the stop report.
 */
public final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String instructionName;

    public DecodeException(String message, String instructionName) {
        super(message);
        this.instructionName = instructionName;
    }

    public DecodeException(String message) {
        this(message, null);
    }

    /** The instruction's mnemonic if the decoder knows it, else null. */
    public String instructionName() { return instructionName; }
}
