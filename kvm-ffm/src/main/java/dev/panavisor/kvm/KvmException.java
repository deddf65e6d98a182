package dev.panavisor.kvm;

/**
 * A failed system call on the KVM or libc surface. The message always names the call
 * (for ioctls, the request's name) and the errno, because "Invalid argument" alone
 * never tells anyone which of a VM's hundred ioctls went wrong.
 */
public final class KvmException extends RuntimeException {
    private final String call;
    private final int errno;

    public KvmException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public KvmException(String call, String detail) {
        super(call + ": " + detail);
        this.call = call;
        this.errno = 0;
    }

    /** The call that failed, e.g. {@code "ioctl(KVM_CREATE_VM)"}. */
    public String call() { return call; }

    /** The errno the call left, or 0 when the failure was not an errno. */
    public int errno() { return errno; }
}
