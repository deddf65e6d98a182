package dev.panavisor.confidential.launch;

import java.util.Arrays;

/**
 * The guest owner's identity for an SEV-SNP launch, in the SNP firmware's own layouts, handed to
 * SNP_LAUNCH_FINISH: the 96-byte ID_BLOCK (whose LD is the launch digest the owner expects; the
 * PSP refuses to finish a launch whose digest differs) and the 4096-byte ID_AUTH_INFO with the
 * signatures and keys (SEV-SNP ABI, SNP_LAUNCH_FINISH, "ID_BLOCK" and "ID_AUTH_INFO" tables).
 */
public record SnpLaunchIdentity(byte[] idBlock, byte[] idAuth, boolean authorKeyEnabled) {
    public static final int ID_BLOCK_SIZE = 96;
    public static final int ID_AUTH_SIZE = 4096;
    /** ID_BLOCK.LD: the expected launch digest, the first 48 bytes. */
    public static final int LD_SIZE = 48;

    public SnpLaunchIdentity {
        if (idBlock.length != ID_BLOCK_SIZE) throw new IllegalArgumentException("an SNP ID block is 96 bytes, got " + idBlock.length);
        if (idAuth.length != ID_AUTH_SIZE) throw new IllegalArgumentException("SNP ID authentication is 4096 bytes, got " + idAuth.length);
        idBlock = idBlock.clone();
        idAuth = idAuth.clone();
    }

    @Override public byte[] idBlock() { return idBlock.clone(); }
    @Override public byte[] idAuth() { return idAuth.clone(); }

    /** The launch digest the guest owner signed (ID_BLOCK.LD). */
    public byte[] expectedDigest() { return Arrays.copyOf(idBlock, LD_SIZE); }
}
