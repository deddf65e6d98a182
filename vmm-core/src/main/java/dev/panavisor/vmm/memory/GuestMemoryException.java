package dev.panavisor.vmm.memory;

/**
 * A guest-physical range that is not entirely inside one region of guest memory.
 * Thrown to device code, which turns it into a guest-visible error (an error bit, a
 * dropped write); it never means the VMM touched memory outside the guest.
 */
public final class GuestMemoryException extends RuntimeException {
    private final long gpa;
    private final long length;

    public GuestMemoryException(long gpa, long length, String why) {
        super(String.format("guest range [0x%x, +0x%x) %s", gpa, length, why));
        this.gpa = gpa;
        this.length = length;
    }

    public long gpa() { return gpa; }

    public long length() { return length; }
}
