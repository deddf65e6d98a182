package dev.panavisor.confidential.hashes;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a direct kernel boot passes to the guest: a kernel image, optionally an initrd and a
 * command line (the {@code -kernel/-initrd/-append} trio).
 *
 * @param kernel  the kernel image file; required
 * @param initrd  the initrd file, or null for none (hashed as empty)
 * @param cmdline the command line, or null for none (hashed as a lone NUL)
 */
public record KernelHashInputs(Path kernel, Path initrd, String cmdline) {
    public KernelHashInputs {
        Objects.requireNonNull(kernel, "kernel");
    }

    public static KernelHashInputs kernelOnly(Path kernel) {
        return new KernelHashInputs(kernel, null, null);
    }
}
