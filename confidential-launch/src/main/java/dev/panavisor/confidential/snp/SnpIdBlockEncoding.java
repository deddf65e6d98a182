package dev.panavisor.confidential.snp;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.SnpLaunchIdentity;
import dev.panavisor.firmware.igvm.SnpIdBlock;
import dev.panavisor.firmware.igvm.SnpPublicKey;
import dev.panavisor.firmware.igvm.SnpSignature;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns an IGVM SNP ID block directive (IGVM_VHT_SNP_ID_BLOCK) into the SNP firmware's
 * SNP_LAUNCH_FINISH structures. Offsets are the SEV-SNP ABI's:
 * <pre>
 * ID_BLOCK (96 bytes):      LD[48] @0x00, FAMILY_ID[16] @0x30, IMAGE_ID[16] @0x40,
 *                           VERSION u32 @0x50, GUEST_SVN u32 @0x54, POLICY u64 @0x58
 * ID_AUTH_INFO (4096 bytes): ID_KEY_ALGO u32 @0x000, AUTH_KEY_ALGO u32 @0x004,
 *                           ID_BLOCK_SIG @0x040 (0x200), ID_KEY @0x240 (0x404),
 *                           ID_KEY_SIG @0x680 (0x200), AUTHOR_KEY @0x880 (0x404)
 * signature (0x200):        R[72] @0x00, S[72] @0x48
 * public key (0x404):       CURVE u32 @0x00, QX[72] @0x04, QY[72] @0x4C
 * </pre>
 * IGVM carries a reserved word between the key's curve and QX; the firmware's layout has none, so
 * it is dropped. The ID block's POLICY is the launch's guest policy (the PSP checks they match).
 */
public final class SnpIdBlockEncoding {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SnpIdBlockEncoding.class);
    static final int ID_BLOCK_SIG = 0x040, ID_KEY = 0x240, ID_KEY_SIG = 0x680, AUTHOR_KEY = 0x880;

    private SnpIdBlockEncoding() {}

    /** ID_BLOCK.VERSION: the only ID block format the SNP ABI defines. */
    public static final int ID_BLOCK_VERSION = 1;

    /**
     * The firmware structures for {@code b}. AUTHOR_KEY_EN is one bit in SNP_LAUNCH_FINISH, so an
     * IGVM author_key_enabled other than 0 or 1 is refused; a VERSION other than 1 is passed on as
     * the owner signed it (the PSP will refuse it) with a warning, since rewriting it would break
     * the signature.
     */
    public static SnpLaunchIdentity encode(SnpIdBlock b, long policy) {
        if (b.authorKeyEnabled() > 1) {
            throw new LaunchMeasurementException("IGVM SNP ID block: author_key_enabled is " + b.authorKeyEnabled()
                    + "; it must be 0 (no author key) or 1 (author key present)");
        }
        if (b.version() != ID_BLOCK_VERSION) {
            LOG.warn("IGVM SNP ID block: VERSION is {}, the SEV-SNP ABI defines only ID block version {}; SNP_LAUNCH_FINISH will refuse it",
                    b.version(), ID_BLOCK_VERSION);
        }
        ByteBuffer block = ByteBuffer.allocate(SnpLaunchIdentity.ID_BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        block.put(0x00, b.ld().toArray()).put(0x30, b.familyId().toArray()).put(0x40, b.imageId().toArray());
        block.putInt(0x50, (int) b.version()).putInt(0x54, (int) b.guestSvn()).putLong(0x58, policy);

        ByteBuffer auth = ByteBuffer.allocate(SnpLaunchIdentity.ID_AUTH_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        auth.putInt(0x000, (int) b.idKeyAlgorithm()).putInt(0x004, (int) b.authorKeyAlgorithm());
        signature(auth, ID_BLOCK_SIG, b.idKeySignature());
        publicKey(auth, ID_KEY, b.idPublicKey());
        if (b.authorKeyEnabled() != 0) {
            signature(auth, ID_KEY_SIG, b.authorKeySignature());
            publicKey(auth, AUTHOR_KEY, b.authorPublicKey());
        }
        return new SnpLaunchIdentity(block.array(), auth.array(), b.authorKeyEnabled() != 0);
    }

    private static void signature(ByteBuffer out, int at, SnpSignature s) {
        out.put(at, s.rComponent().toArray()).put(at + 0x48, s.sComponent().toArray());
    }

    private static void publicKey(ByteBuffer out, int at, SnpPublicKey k) {
        out.putInt(at, (int) k.curve()).put(at + 0x04, k.qx().toArray()).put(at + 0x4C, k.qy().toArray());
    }
}
