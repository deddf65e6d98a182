package dev.panavisor.launcher;

/**
 * What the test guests expect from the VMM and how they answer, as numbers for the code
 * that runs them; {@code launcher/src/main/guest/README.md} explains each.
 */
public final class GuestBootContract {
    private GuestBootContract() { }

    /** Guest-physical address of the image's first byte, which is also the entry point. */
    public static final long LOAD_ADDRESS = 0x10000;
    /** Every vCPU starts in real mode at CS = this selector (base {@link #LOAD_ADDRESS}), IP 0. */
    public static final int ENTRY_CS_SELECTOR = 0x1000;
    /** Guest RAM from GPA 0 the guests may use (image, stacks); the VMM must map at least this. */
    public static final long MIN_RAM_BYTES = 2L << 20;

    /** COM1 base port; the demo guest prints through a 16550 there, polling, no IRQ. */
    public static final int SERIAL_PORT = 0x3F8;
    /** isa-debug-exit port; the demo guest writes one byte, 0, there when done. */
    public static final int DEBUG_EXIT_PORT = 0x501;

    /** vCPU {@code i} of the smp guest writes dwords to port {@code SMP_PORT_BASE + i}. */
    public static final int SMP_PORT_BASE = 0x600;
    /** It writes 1, 2, ..., this many, */
    public static final int SMP_SEQUENCE_LENGTH = 1000;
    /** then this marker, then executes HLT. */
    public static final int SMP_DONE_MARKER = 0xFFFF_FFFF;
    /** vCPUs with an APIC ID at or above this have no stack and halt without output. */
    public static final int SMP_MAX_VCPUS = 64;
}
