package dev.panavisor.confidential.snp;

import dev.panavisor.confidential.launch.SnpLaunchIdentity;
import dev.panavisor.firmware.igvm.ByteBlock;
import dev.panavisor.firmware.igvm.SnpIdBlock;
import dev.panavisor.firmware.igvm.SnpPublicKey;
import dev.panavisor.firmware.igvm.SnpSignature;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** IGVM_VHT_SNP_ID_BLOCK -> the SEV-SNP ABI's ID_BLOCK and ID_AUTH_INFO (SNP_LAUNCH_FINISH). */
class SnpIdBlockEncodingTest {
    static ByteBlock filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return ByteBlock.of(b);
    }

    static SnpIdBlock block(int authorKeyEnabled) {
        return new SnpIdBlock(1, authorKeyEnabled, filled(3, 0), filled(48, 0x1D), filled(16, 0xFA), filled(16, 0x1A), 1, 7, 1, 1,
                new SnpSignature(filled(72, 0x51), filled(72, 0x52)), new SnpPublicKey(2, 0xEEEE, filled(72, 0x61), filled(72, 0x62)),
                new SnpSignature(filled(72, 0x71), filled(72, 0x72)), new SnpPublicKey(2, 0xEEEE, filled(72, 0x81), filled(72, 0x82)));
    }

    static void assertFilled(byte[] b, int from, int n, int value) {
        for (int i = from; i < from + n; i++) assertEquals((byte) value, b[i], "byte 0x" + Integer.toHexString(i));
    }

    @Test
    void idBlockFieldsSitAtTheAbiOffsetsWithTheLaunchPolicy() {
        SnpLaunchIdentity id = SnpIdBlockEncoding.encode(block(0), 0x30000L);
        byte[] b = id.idBlock();
        assertEquals(96, b.length);
        assertFilled(b, 0x00, 48, 0x1D);   // LD
        assertFilled(b, 0x30, 16, 0xFA);   // FAMILY_ID
        assertFilled(b, 0x40, 16, 0x1A);   // IMAGE_ID
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, le.getInt(0x50));  // VERSION
        assertEquals(7, le.getInt(0x54));  // GUEST_SVN
        assertEquals(0x30000L, le.getLong(0x58)); // POLICY
        assertArrayEquals(Arrays.copyOf(b, 48), id.expectedDigest());
    }

    @Test
    void idAuthCarriesTheIdKeyAndSignatureAndDropsIgvmsReservedKeyWord() {
        byte[] a = SnpIdBlockEncoding.encode(block(0), 0).idAuth();
        assertEquals(4096, a.length);
        ByteBuffer le = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, le.getInt(0x000));  // ID_KEY_ALGO: ECDSA P-384 with SHA-384
        assertEquals(1, le.getInt(0x004));  // AUTH_KEY_ALGO
        assertFilled(a, 0x040, 72, 0x51);   // ID_BLOCK_SIG.R
        assertFilled(a, 0x088, 72, 0x52);   // ID_BLOCK_SIG.S
        assertEquals(2, le.getInt(0x240));  // ID_KEY.CURVE: P-384
        assertFilled(a, 0x244, 72, 0x61);   // ID_KEY.QX right after the curve
        assertFilled(a, 0x28C, 72, 0x62);   // ID_KEY.QY
        assertFilled(a, 0x680, 0x1000 - 0x680, 0); // no author key: ID_KEY_SIG and AUTHOR_KEY stay zero
        assertFalse(SnpIdBlockEncoding.encode(block(0), 0).authorKeyEnabled());
    }

    @Test
    void anAuthorKeyAddsItsSignatureOverTheIdKeyAndTheKeyItself() {
        SnpLaunchIdentity id = SnpIdBlockEncoding.encode(block(1), 0);
        byte[] a = id.idAuth();
        assertTrue(id.authorKeyEnabled());
        assertFilled(a, 0x680, 72, 0x71);   // ID_KEY_SIG.R
        assertFilled(a, 0x6C8, 72, 0x72);   // ID_KEY_SIG.S
        assertEquals(2, ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getInt(0x880));
        assertFilled(a, 0x884, 72, 0x81);   // AUTHOR_KEY.QX
        assertFilled(a, 0x8CC, 72, 0x82);   // AUTHOR_KEY.QY
    }

    /** SNP ABI SNP_LAUNCH_FINISH: AUTH_KEY_EN is a single bit; igvm_defs: author_key_enabled is 0x1 when an author key is used. */
    @Test
    void anAuthorKeyFlagOtherThanZeroOrOneIsRefused() {
        var e = assertThrows(dev.panavisor.confidential.LaunchMeasurementException.class, () -> SnpIdBlockEncoding.encode(block(2), 0));
        assertTrue(e.getMessage().contains("author_key_enabled is 2"), e.getMessage());
    }

    /** The signed VERSION is passed on unchanged (rewriting it would void ID_BLOCK_SIG); the PSP judges it. */
    @Test
    void theVersionIsPassedOnAsSigned() {
        SnpIdBlock b = block(0);
        SnpIdBlock v2 = new SnpIdBlock(b.compatibilityMask(), 0, b.reserved(), b.ld(), b.familyId(), b.imageId(), 2, b.guestSvn(),
                b.idKeyAlgorithm(), b.authorKeyAlgorithm(), b.idKeySignature(), b.idPublicKey(), b.authorKeySignature(), b.authorPublicKey());
        assertEquals(2, ByteBuffer.wrap(SnpIdBlockEncoding.encode(v2, 0).idBlock()).order(ByteOrder.LITTLE_ENDIAN).getInt(0x50));
    }
}
