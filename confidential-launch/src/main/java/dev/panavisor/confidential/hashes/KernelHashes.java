package dev.panavisor.confidential.hashes;

import dev.panavisor.confidential.internal.Digests;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * The SHA-256 digests that go into the SEV hash table. What is hashed follows QEMU: the kernel
 * and initrd files exactly as given (an absent initrd hashes as zero bytes), and the command
 * line as UTF-8 with its terminating NUL (an absent one as the lone NUL), because that is the
 * string the guest's loader receives.
 */
public final class KernelHashes {
    public static final int HASH_SIZE = 32;

    private final byte[] kernel;
    private final byte[] initrd;
    private final byte[] cmdline;

    private KernelHashes(byte[] kernel, byte[] initrd, byte[] cmdline) {
        this.kernel = kernel;
        this.initrd = initrd;
        this.cmdline = cmdline;
    }

    /** Hashes the files, mapped rather than read into the heap. */
    public static KernelHashes compute(KernelHashInputs inputs) throws IOException {
        MessageDigest sha256 = Digests.sha256();
        try (Arena arena = Arena.ofConfined()) {
            byte[] kernel = Digests.of(sha256, map(inputs.kernel(), arena));
            byte[] initrd = Digests.of(sha256, inputs.initrd() == null ? MemorySegment.NULL : map(inputs.initrd(), arena));
            return new KernelHashes(kernel, initrd, hashCmdline(sha256, inputs.cmdline()));
        }
    }

    /** Hashes contents already in memory; {@code initrd} and {@code cmdline} may be null. */
    public static KernelHashes of(MemorySegment kernel, MemorySegment initrd, String cmdline) {
        MessageDigest sha256 = Digests.sha256();
        return new KernelHashes(Digests.of(sha256, kernel),
                Digests.of(sha256, initrd == null ? MemorySegment.NULL : initrd),
                hashCmdline(sha256, cmdline));
    }

    /** Takes digests computed elsewhere (e.g. recorded in a manifest). */
    public static KernelHashes ofDigests(byte[] kernel, byte[] initrd, byte[] cmdline) {
        return new KernelHashes(check(kernel, "kernel"), check(initrd, "initrd"), check(cmdline, "cmdline"));
    }

    public byte[] kernel() {
        return kernel.clone();
    }

    public byte[] initrd() {
        return initrd.clone();
    }

    public byte[] cmdline() {
        return cmdline.clone();
    }

    private static byte[] hashCmdline(MessageDigest sha256, String cmdline) {
        byte[] text = cmdline == null ? new byte[0] : cmdline.getBytes(StandardCharsets.UTF_8);
        sha256.reset();
        sha256.update(text);
        sha256.update((byte) 0);
        return sha256.digest();
    }

    private static MemorySegment map(Path path, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        }
    }

    private static byte[] check(byte[] digest, String what) {
        if (digest == null || digest.length != HASH_SIZE) {
            throw new IllegalArgumentException(what + " digest must be " + HASH_SIZE + " bytes of SHA-256");
        }
        return digest.clone();
    }
}
