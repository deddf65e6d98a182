package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.Raw.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IGVM_VHT_SNP_ID_BLOCK (0x30B) read from a file, field by field. Offsets are igvm_defs'
 * IGVM_VHS_SNP_ID_BLOCK (696 bytes): compatibility_mask u32 @0, author_key_enabled u8 @4,
 * reserved[3] @5, ld[48] @8, family_id[16] @56, image_id[16] @72, version u32 @88,
 * guest_svn u32 @92, id_key_algorithm u32 @96, author_key_algorithm u32 @100,
 * id_key_signature @104 (IGVM_VHS_SNP_ID_BLOCK_SIGNATURE: r_comp[72], s_comp[72]),
 * id_public_key @248 (IGVM_VHS_SNP_ID_BLOCK_PUBLIC_KEY: curve u32, reserved u32, qx[72], qy[72]),
 * author_key_signature @400, author_public_key @544.
 */
class SnpIdBlockDirectiveTest {
    private static byte[] counting(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (first + i);
        return b;
    }

    private static byte[] payload() {
        byte[] p = new byte[696];
        putU32(p, 0, 1);
        putU8(p, 4, 1);
        System.arraycopy(counting(3, 0xF0), 0, p, 5, 3);
        System.arraycopy(counting(48, 0x10), 0, p, 8, 48);
        System.arraycopy(counting(16, 0x50), 0, p, 56, 16);
        System.arraycopy(counting(16, 0x70), 0, p, 72, 16);
        putU32(p, 88, 0x01020304L);
        putU32(p, 92, 0xFFFFFFFEL);
        putU32(p, 96, 1);
        putU32(p, 100, 2);
        int[] at = {104, 248, 400, 544};
        for (int k = 0; k < 4; k++) {
            boolean key = k % 2 == 1;
            int base = at[k] + (key ? 8 : 0);
            if (key) {
                putU32(p, at[k], 2 + k);
                putU32(p, at[k] + 4, 0xAB00 + k);
            }
            System.arraycopy(counting(72, 0x20 * k + 1), 0, p, base, 72);
            System.arraycopy(counting(72, 0x20 * k + 0x81), 0, p, base + 72, 72);
        }
        return p;
    }

    private static SnpIdBlock read(byte[] payload) throws IgvmFormatException {
        IgvmFile f = accepts(file(tlv(0x1, snpPlatform(1)), tlv(0x30B, payload)));
        List<IgvmHeader> headers = f.headersFor(1);
        return headers.stream().filter(SnpIdBlock.class::isInstance).map(SnpIdBlock.class::cast).findFirst().orElseThrow();
    }

    private static byte[] bytes(ByteBlock b) {
        return b.toArray();
    }

    private static byte[] file(byte[]... tlvs) {
        return v1(List.of(tlvs), new byte[0]);
    }

    @Test
    void everyFieldIsReadFromItsOffset() throws IgvmFormatException {
        SnpIdBlock b = read(payload());
        assertEquals(1, b.compatibilityMask());
        assertEquals(1, b.authorKeyEnabled());
        assertArrayEquals(counting(3, 0xF0), bytes(b.reserved()));
        assertArrayEquals(counting(48, 0x10), bytes(b.ld()));
        assertArrayEquals(counting(16, 0x50), bytes(b.familyId()));
        assertArrayEquals(counting(16, 0x70), bytes(b.imageId()));
        assertEquals(0x01020304L, b.version());
        assertEquals(0xFFFFFFFEL, b.guestSvn(), "u32 read unsigned");
        assertEquals(1, b.idKeyAlgorithm());
        assertEquals(2, b.authorKeyAlgorithm());
        assertArrayEquals(counting(72, 0x01), bytes(b.idKeySignature().rComponent()));
        assertArrayEquals(counting(72, 0x81), bytes(b.idKeySignature().sComponent()));
        assertEquals(3, b.idPublicKey().curve());
        assertEquals(0xAB01, b.idPublicKey().reserved());
        assertArrayEquals(counting(72, 0x21), bytes(b.idPublicKey().qx()));
        assertArrayEquals(counting(72, 0xA1), bytes(b.idPublicKey().qy()));
        assertArrayEquals(counting(72, 0x41), bytes(b.authorKeySignature().rComponent()));
        assertArrayEquals(counting(72, 0xC1), bytes(b.authorKeySignature().sComponent()));
        assertEquals(5, b.authorPublicKey().curve());
        assertEquals(0xAB03, b.authorPublicKey().reserved());
        assertArrayEquals(counting(72, 0x61), bytes(b.authorPublicKey().qx()));
        assertArrayEquals(counting(72, 0xE1), bytes(b.authorPublicKey().qy()));
    }

    @Test
    void writingTheReadBlockGivesBackThePayload() throws IgvmFormatException {
        SnpIdBlock b = read(payload());
        IgvmBuilder builder = IgvmBuilder.v1();
        int snp = builder.addPlatform(PlatformType.SEV_SNP);
        assertEquals(1, snp);
        builder.add(b);
        byte[] written = builder.toBytes();
        byte[] p = payload();
        int at = indexOf(written, p);
        assertTrue(at > 0, "the 696-byte payload appears verbatim in the written file");
        assertEquals(0x30B, u32(written, at - 8), "after its type");
        assertEquals(696, u32(written, at - 4), "and length");
    }

    /** The header's length is the structure's; a short one is a malformed file, not a partial ID block. */
    @Test
    void aTruncatedIdBlockIsRefused() {
        byte[] shortPayload = Arrays.copyOf(payload(), 688);
        rejects(file(tlv(0x1, snpPlatform(1)), tlv(0x30B, shortPayload)), IgvmRule.LENGTH_MISMATCH);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
