package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.LittleEndian.*;

import java.lang.foreign.MemorySegment;

/** Byte layouts of the two large launch-identity structures: the SNP ID block and the VBS measurement. */
final class MeasurementBlockCodec {
    private static final long SNP_LD = 8;
    private static final long SNP_FAMILY_ID = 56;
    private static final long SNP_IMAGE_ID = 72;
    private static final long SNP_ID_KEY_SIGNATURE = 104;
    private static final long SNP_ID_PUBLIC_KEY = SNP_ID_KEY_SIGNATURE + SnpSignature.SIZE;
    private static final long SNP_AUTHOR_KEY_SIGNATURE = SNP_ID_PUBLIC_KEY + SnpPublicKey.SIZE;
    private static final long SNP_AUTHOR_PUBLIC_KEY = SNP_AUTHOR_KEY_SIGNATURE + SnpSignature.SIZE;
    private static final long VBS_DIGEST = 32;
    private static final long VBS_SIGNATURE = VBS_DIGEST + VbsMeasurement.DIGEST_SIZE;
    private static final long VBS_PUBLIC_KEY = VBS_SIGNATURE + VbsMeasurement.SIGNATURE_SIZE;

    private MeasurementBlockCodec() {}

    static SnpIdBlock decodeSnpIdBlock(MemorySegment p) {
        return new SnpIdBlock(bits32(p, 0), u8(p, 4), bytes(p, 5, SnpIdBlock.RESERVED_SIZE),
                bytes(p, SNP_LD, SnpIdBlock.LD_SIZE), bytes(p, SNP_FAMILY_ID, SnpIdBlock.ID_SIZE),
                bytes(p, SNP_IMAGE_ID, SnpIdBlock.ID_SIZE), u32(p, 88), u32(p, 92), u32(p, 96), u32(p, 100),
                signature(p, SNP_ID_KEY_SIGNATURE), publicKey(p, SNP_ID_PUBLIC_KEY),
                signature(p, SNP_AUTHOR_KEY_SIGNATURE), publicKey(p, SNP_AUTHOR_PUBLIC_KEY));
    }

    static VbsMeasurement decodeVbsMeasurement(MemorySegment p) {
        return new VbsMeasurement(bits32(p, 0), u32(p, 4), u32(p, 8), u32(p, 12), u32(p, 16), u32(p, 20),
                u32(p, 24), u32(p, 28), bytes(p, VBS_DIGEST, VbsMeasurement.DIGEST_SIZE),
                bytes(p, VBS_SIGNATURE, VbsMeasurement.SIGNATURE_SIZE),
                bytes(p, VBS_PUBLIC_KEY, VbsMeasurement.PUBLIC_KEY_SIZE));
    }

    static void encode(SnpIdBlock h, MemorySegment p) {
        putU32(p, 0, Integer.toUnsignedLong(h.compatibilityMask()));
        putU8(p, 4, h.authorKeyEnabled());
        put(p, 5, h.reserved());
        put(p, SNP_LD, h.ld());
        put(p, SNP_FAMILY_ID, h.familyId());
        put(p, SNP_IMAGE_ID, h.imageId());
        putU32(p, 88, h.version());
        putU32(p, 92, h.guestSvn());
        putU32(p, 96, h.idKeyAlgorithm());
        putU32(p, 100, h.authorKeyAlgorithm());
        put(p, SNP_ID_KEY_SIGNATURE, h.idKeySignature());
        put(p, SNP_ID_PUBLIC_KEY, h.idPublicKey());
        put(p, SNP_AUTHOR_KEY_SIGNATURE, h.authorKeySignature());
        put(p, SNP_AUTHOR_PUBLIC_KEY, h.authorPublicKey());
    }

    static void encode(VbsMeasurement h, MemorySegment p) {
        long[] words = {Integer.toUnsignedLong(h.compatibilityMask()), h.version(), h.productId(), h.moduleId(),
                h.securityVersion(), h.policyFlags(), h.bootDigestAlgorithm(), h.signingAlgorithm()};
        for (int i = 0; i < words.length; i++) {
            putU32(p, i * 4L, words[i]);
        }
        put(p, VBS_DIGEST, h.bootMeasurementDigest());
        put(p, VBS_SIGNATURE, h.signature());
        put(p, VBS_PUBLIC_KEY, h.publicKey());
    }

    private static SnpSignature signature(MemorySegment p, long at) {
        return new SnpSignature(bytes(p, at, SnpSignature.COMPONENT),
                bytes(p, at + SnpSignature.COMPONENT, SnpSignature.COMPONENT));
    }

    private static SnpPublicKey publicKey(MemorySegment p, long at) {
        return new SnpPublicKey(u32(p, at), u32(p, at + 4), bytes(p, at + 8, SnpPublicKey.COORDINATE),
                bytes(p, at + 8 + SnpPublicKey.COORDINATE, SnpPublicKey.COORDINATE));
    }

    private static void put(MemorySegment p, long at, SnpSignature s) {
        put(p, at, s.rComponent());
        put(p, at + SnpSignature.COMPONENT, s.sComponent());
    }

    private static void put(MemorySegment p, long at, SnpPublicKey k) {
        putU32(p, at, k.curve());
        putU32(p, at + 4, k.reserved());
        put(p, at + 8, k.qx());
        put(p, at + 8 + SnpPublicKey.COORDINATE, k.qy());
    }

    private static ByteBlock bytes(MemorySegment p, long at, int length) {
        return ByteBlock.copyOf(p.asSlice(at, length));
    }

    private static void put(MemorySegment p, long at, ByteBlock b) {
        MemorySegment.copy(b.asSegment(), 0, p, at, b.length());
    }
}
