package dev.panavisor.vmm.boot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A kernel command line as the kernel reads it: ASCII, NUL-terminated, within the kernel's cmdline_size. */
public final class CommandLine {
    private CommandLine() {}

    /**
     * The bytes to place in guest memory. boot.rst, cmdline_size: "the maximum size of the command
     * line without the terminating zero", so {@code maxLength} excludes the NUL.
     */
    public static byte[] encode(String line, long maxLength) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == 0 || c > 0x7E) throw new IllegalArgumentException("kernel command line may only hold printable ASCII; found U+" + String.format("%04X", (int) c));
        }
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        if (b.length > maxLength) {
            throw new IllegalArgumentException("kernel command line is " + b.length + " bytes; this kernel takes at most " + maxLength);
        }
        return Arrays.copyOf(b, b.length + 1);
    }
}
