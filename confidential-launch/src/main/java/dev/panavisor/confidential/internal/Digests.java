package dev.panavisor.confidential.internal;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashing straight from memory segments (mapped firmware files, guest pages) without first
 * copying them into byte arrays: {@link MessageDigest#update(java.nio.ByteBuffer)} reads the
 * segment through a ByteBuffer view. Not exported from the module.
 */
public final class Digests {
    /** ByteBuffer views are int-indexed; larger segments are fed in pieces of this size. */
    private static final long MAX_VIEW = 1L << 30;

    private Digests() {}

    public static MessageDigest sha256() {
        return named("SHA-256");
    }

    public static MessageDigest sha384() {
        return named("SHA-384");
    }

    /** Feeds the whole of {@code data} to {@code digest}. */
    public static void update(MessageDigest digest, MemorySegment data) {
        long size = data.byteSize();
        for (long at = 0; at < size; at += MAX_VIEW) {
            digest.update(data.asSlice(at, Math.min(MAX_VIEW, size - at)).asByteBuffer());
        }
    }

    /** The digest of {@code data} alone; resets {@code digest} first and leaves it reset. */
    public static byte[] of(MessageDigest digest, MemorySegment data) {
        digest.reset();
        update(digest, data);
        return digest.digest();
    }

    /** The current value of a running digest, leaving it running. */
    public static byte[] peek(MessageDigest running) {
        try {
            return ((MessageDigest) running.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(running.getAlgorithm() + " from " + running.getProvider()
                    + " cannot be cloned", e);
        }
    }

    private static MessageDigest named(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is a required JDK algorithm", e);
        }
    }
}
