package dev.panavisor.confidential.snp;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.SnpLaunchIdentity;
import dev.panavisor.firmware.igvm.ByteBlock;
import dev.panavisor.firmware.igvm.SnpIdBlock;
import dev.panavisor.firmware.igvm.SnpPublicKey;
import dev.panavisor.firmware.igvm.SnpSignature;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any ID block an IGVM file can hold either encodes to the SNP ABI structures with every field
 * where the ABI puts it, or (author_key_enabled other than 0/1) is refused with a launch error:
 * never another exception, never a field elsewhere.
 */
class SnpIdBlockEncodingPropertyTest {
    @Property(tries = 300)
    void everyFileIdBlockEncodesFieldForFieldOrIsRefused(@ForAll("idBlocks") SnpIdBlock b, @ForAll long policy) {
        if (b.authorKeyEnabled() > 1) {
            assertThrows(LaunchMeasurementException.class, () -> SnpIdBlockEncoding.encode(b, policy));
            return;
        }
        SnpLaunchIdentity id = SnpIdBlockEncoding.encode(b, policy);
        ByteBuffer block = ByteBuffer.wrap(id.idBlock()).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(b.ld().toArray(), slice(id.idBlock(), 0x00, 48));
        assertArrayEquals(b.familyId().toArray(), slice(id.idBlock(), 0x30, 16));
        assertArrayEquals(b.imageId().toArray(), slice(id.idBlock(), 0x40, 16));
        assertEquals((int) b.version(), block.getInt(0x50));
        assertEquals((int) b.guestSvn(), block.getInt(0x54));
        assertEquals(policy, block.getLong(0x58));
        byte[] auth = id.idAuth();
        ByteBuffer a = ByteBuffer.wrap(auth).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((int) b.idKeyAlgorithm(), a.getInt(0));
        assertEquals((int) b.authorKeyAlgorithm(), a.getInt(4));
        assertArrayEquals(b.idKeySignature().rComponent().toArray(), slice(auth, 0x040, 72));
        assertArrayEquals(b.idKeySignature().sComponent().toArray(), slice(auth, 0x088, 72));
        assertEquals((int) b.idPublicKey().curve(), a.getInt(0x240));
        assertArrayEquals(b.idPublicKey().qx().toArray(), slice(auth, 0x244, 72));
        assertArrayEquals(b.idPublicKey().qy().toArray(), slice(auth, 0x28C, 72));
        boolean author = b.authorKeyEnabled() == 1;
        assertEquals(author, id.authorKeyEnabled());
        assertArrayEquals(author ? b.authorKeySignature().rComponent().toArray() : new byte[72], slice(auth, 0x680, 72));
        assertArrayEquals(author ? b.authorPublicKey().qy().toArray() : new byte[72], slice(auth, 0x8CC, 72));
        // Reserved areas of ID_AUTH_INFO stay zero.
        for (int[] r : new int[][] {{0x008, 0x040}, {0x0D0, 0x240}, {0x2D4, 0x680}, {0x6C8 + 72, 0x880}, {0x8CC + 72, 0x1000}}) {
            for (int i = r[0]; i < r[1]; i++) assertEquals(0, auth[i], "reserved byte 0x" + Integer.toHexString(i));
        }
        assertTrue(Arrays.equals(id.expectedDigest(), b.ld().toArray()));
    }

    private static byte[] slice(byte[] b, int from, int n) {
        return Arrays.copyOfRange(b, from, from + n);
    }

    @Provide
    Arbitrary<SnpIdBlock> idBlocks() {
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<Integer> flag = Arbitraries.frequency(net.jqwik.api.Tuple.of(5, 0), net.jqwik.api.Tuple.of(5, 1), net.jqwik.api.Tuple.of(1, 2),
                net.jqwik.api.Tuple.of(1, 255));
        Arbitrary<SnpSignature> sig = Combinators.combine(bytes(72), bytes(72)).as(SnpSignature::new);
        Arbitrary<SnpPublicKey> key = Combinators.combine(u32, u32, bytes(72), bytes(72)).as(SnpPublicKey::new);
        Arbitrary<long[]> words = u32.array(long[].class).ofSize(4);
        return Combinators.combine(Arbitraries.integers(), flag, bytes(48), bytes(16), bytes(16), words,
                Combinators.combine(sig, key).as((s, k) -> new Object[] {s, k}),
                Combinators.combine(sig, key).as((s, k) -> new Object[] {s, k}))
                .as((mask, f, ld, family, image, w, id, author) -> new SnpIdBlock(mask, f, ByteBlock.zeros(3), ld, family, image,
                        w[0], w[1], w[2], w[3], (SnpSignature) id[0], (SnpPublicKey) id[1], (SnpSignature) author[0], (SnpPublicKey) author[1]));
    }

    private static Arbitrary<ByteBlock> bytes(int n) {
        return Arbitraries.bytes().array(byte[].class).ofSize(n).map(ByteBlock::of);
    }
}
