package dev.panavisor.firmware.igvm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random damage to valid files must end in either a valid file or an IgvmFormatException; any other
 * throwable (index errors, arithmetic, OutOfMemoryError) fails the property. Half the cases repair
 * total size and checksum afterwards so the damage reaches the deeper rules.
 */
class IgvmFuzzPropertyTest {
    private static final long[] INTERESTING = {0, 1, 7, 8, 0x18, 0x20, 0x1000, 0x1FFFFF, 0x200000, 0x7FFF_FFFFL,
            0x8000_0000L, 0xFFFF_FFF8L, 0xFFFF_FFFFL, 0x1, 0x101, 0x106, 0x302, 0x304, 0x306, 0x8000_0302L};

    enum Kind { FLIP_BIT, SET_BYTE, SET_U32, SET_INTERESTING_U32, TRUNCATE, APPEND, COPY_BLOCK }

    record Mutation(Kind kind, boolean inHeaders, int position, int other, long value) {}

    private static final List<byte[]> SEEDS = seeds();

    // Edge cases would pin most positions to 0 and spend the run on the magic number.
    @Property(tries = 3000, edgeCases = EdgeCasesMode.NONE)
    void damagedFilesParseOrFailWithAFormatError(@ForAll("seedIndex") int seed,
                                                 @ForAll("mutations") List<Mutation> mutations,
                                                 @ForAll boolean repair) {
        byte[] image = SEEDS.get(seed).clone();
        int headerEnd = (int) (24 + Raw.u32(image, 12));
        for (Mutation m : mutations) {
            image = apply(image, m, headerEnd);
        }
        if (repair) {
            repair(image);
        }
        for (IgvmReader reader : List.of(IgvmReader.strict(), IgvmReader.with(IgvmReader.ChecksumPolicy.REPORT))) {
            try {
                IgvmFile file = reader.read(image);
                byte[] written = IgvmWriter.toBytes(file);
                if (file.checksum().valid()) {
                    assertArrayEquals(image, written, "accepted files write back unchanged");
                }
                assertEquals(file.headers(), IgvmReader.strict().read(written).headers());
                assertNotNull(IgvmDescriber.describe(file));
                file.headers(VpContext.class).forEach(file::vpContextData);
            } catch (IgvmFormatException e) {
                assertNotNull(e.rule());
            }
        }
    }

    @Provide
    Arbitrary<Integer> seedIndex() {
        return Arbitraries.integers().between(0, SEEDS.size() - 1);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.of(true, true, false),
                        Arbitraries.integers().greaterOrEqual(0), Arbitraries.integers().between(0, 64),
                        Arbitraries.oneOf(Arbitraries.of(toBoxed(INTERESTING)), Arbitraries.longs()))
                .as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    private static Long[] toBoxed(long[] values) {
        return Arrays.stream(values).boxed().toArray(Long[]::new);
    }

    private static byte[] apply(byte[] image, Mutation m, int headerEnd) {
        if (image.length == 0) {
            return m.kind() == Kind.APPEND ? new byte[m.other()] : image;
        }
        int span = m.inHeaders() ? Math.max(1, Math.min(image.length, headerEnd)) : image.length;
        int at = m.position() % span;
        switch (m.kind()) {
            case FLIP_BIT -> image[at] ^= (byte) (1 << (m.other() & 7));
            case SET_BYTE -> image[at] = (byte) m.value();
            case SET_U32, SET_INTERESTING_U32 -> {
                int aligned = Math.min(at & ~3, image.length - 4);
                if (aligned >= 0) {
                    Raw.putU32(image, aligned, m.value());
                }
            }
            case TRUNCATE -> {
                return Arrays.copyOf(image, at);
            }
            case APPEND -> {
                return Arrays.copyOf(image, image.length + m.other());
            }
            case COPY_BLOCK -> {
                int from = (int) Long.remainderUnsigned(m.value(), image.length);
                int n = Math.min(m.other(), Math.min(image.length - from, image.length - at));
                System.arraycopy(image, from, image, at, n);
            }
        }
        return image;
    }

    /** Makes total size and checksum agree with the damaged bytes, where the header allows computing them. */
    private static void repair(byte[] image) {
        if (image.length < 32) {
            return;
        }
        Raw.putU32(image, 16, image.length);
        int fixedSize = Raw.u32(image, 4) == 2 ? 32 : 24;
        long vhOffset = Raw.u32(image, 8);
        long vhSize = Raw.u32(image, 12);
        if (vhOffset + vhSize > image.length) {
            return;
        }
        CRC32 crc = new CRC32();
        byte[] fixed = Arrays.copyOf(image, fixedSize);
        Raw.putU32(fixed, 20, 0);
        crc.update(fixed);
        crc.update(image, (int) vhOffset, (int) vhSize);
        Raw.putU32(image, 20, crc.getValue());
    }

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(new HandAssembled().image);
        try {
            IgvmBuilder cca = IgvmBuilder.v2(IgvmArchitecture.AARCH64);
            int mask = cca.addPlatform(PlatformType.CCA);
            cca.add(new CcaPolicy(mask, 1, 2, CcaHashAlgorithm.SHA512, CcaLfaPolicy.LFA_ALLOW));
            cca.addCcaVpContext(mask, 0, new CcaVpContext(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
            cca.addPageData(0, mask, new byte[] {1});
            seeds.add(cca.toBytes());

            IgvmBuilder small = IgvmBuilder.v2(IgvmArchitecture.X64);
            int snp = small.addPlatform(PlatformType.SEV_SNP);
            int tdx = small.addPlatform(PlatformType.TDX);
            small.addParameterArea(0, 0x1000, new byte[] {1, 2}).addParameter(ParameterKind.VP_COUNT, 0, 0)
                    .insertParameterArea(0x2000, snp | tdx, 0);
            small.addPageData(0x200000, snp | tdx, PageDataType.NORMAL, new PageDataFlags(true, false, false), new byte[] {3});
            small.addVmsaVpContext(snp, 0, 0x1000, new byte[] {4});
            small.add(new IgnorableHeader(0x8000_0310, ByteBlock.of(new byte[] {5, 6, 7})));
            seeds.add(small.toBytes());
        } catch (IgvmFormatException e) {
            throw new AssertionError(e);
        }
        return seeds;
    }
}
