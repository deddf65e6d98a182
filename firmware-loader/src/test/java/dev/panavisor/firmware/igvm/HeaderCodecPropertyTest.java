package dev.panavisor.firmware.igvm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any structurally valid record encodes to its exact on-disk size and decodes back to itself. */
class HeaderCodecPropertyTest {
    @Property(tries = 1000)
    void encodeThenDecodeIsIdentity(@ForAll("headers") IgvmHeader header) throws IgvmFormatException {
        long size = HeaderCodec.encodedSize(header);
        MemorySegment s = MemorySegment.ofArray(new byte[(int) size + 8]);
        s.fill((byte) 0x5A);
        assertEquals(size, HeaderCodec.encode(header, s, 0));
        assertEquals(0, size % 8, "IGVM_VHS_VARIABLE_HEADER records stay 8-byte aligned");
        long length = LittleEndian.u32(s, 4);
        assertEquals(header.typeCode(), LittleEndian.bits32(s, 0));
        for (long i = 8 + length; i < size; i++) {
            assertEquals(0, LittleEndian.u8(s, i), "padding is zero");
        }
        assertEquals(0x5A, LittleEndian.u8(s, size), "nothing written past the record");
        MemorySegment payload = s.asSlice(8, length);
        IgvmHeader decoded = switch (header) {
            case KnownHeader k -> {
                assertEquals(k.headerType().payloadLength(), length);
                yield HeaderCodec.decode(k.headerType(), payload, new Site(0, 0));
            }
            case IgnorableHeader i -> new IgnorableHeader(i.typeCode(), ByteBlock.copyOf(payload));
        };
        assertEquals(header, decoded);
    }

    @Provide
    Arbitrary<IgvmHeader> headers() {
        Arbitrary<Integer> mask = Arbitraries.integers();
        Arbitrary<Long> u64 = Arbitraries.longs();
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<Integer> u8 = Arbitraries.integers().between(0, 0xFF);
        Arbitrary<Integer> vtl = Arbitraries.integers().between(0, 2);
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<PageDataFlags> flags = Combinators.combine(bool, bool, bool).as(PageDataFlags::new);
        return Arbitraries.oneOf(
                Combinators.combine(mask, u8, Arbitraries.of(PlatformType.class), u16, u64).as(SupportedPlatform::new),
                Combinators.combine(u64, mask).as(GuestPolicy::new),
                Combinators.combine(mask, u16, vtl, bool, bool, bool, u64, u64)
                        .as((m, vp, v, a, b, c, al, g) -> new RelocatableRegion(m, vp, v, a, b, c, al, g, ~g, g ^ al, al * 3)),
                Combinators.combine(mask, u16, vtl, u64, u64, u64).as(PageTableRelocation::new),
                Combinators.combine(mask, u32, u32).as(CorimDocument::new),
                Combinators.combine(mask, u32, u32).as(CorimSignature::new),
                Combinators.combine(mask, u64, u64, Arbitraries.of(CcaHashAlgorithm.class), Arbitraries.of(CcaLfaPolicy.class))
                        .as(CcaPolicy::new),
                Combinators.combine(u64, u32, u32).as(ParameterArea::new),
                Combinators.combine(u64, mask, u32, flags, Arbitraries.of(PageDataType.class)).as(PageData::new),
                Combinators.combine(u64, mask, u32).as(ParameterInsert::new),
                Combinators.combine(Arbitraries.of(ParameterKind.class), u32, u32).as(ParameterUsage::new),
                Combinators.combine(u64, mask, u32, u16).as(VpContext::new),
                Combinators.combine(u64, mask, u32, bool).as(RequiredMemory::new),
                Combinators.combine(u64, mask, u32).as(ErrorRange::new),
                Arbitraries.bytes().array(byte[].class).ofSize(696).map(this::snpIdBlock),
                Arbitraries.bytes().array(byte[].class).ofSize(864).map(HandAssembled::expectedVbsMeasurement),
                Combinators.combine(Arbitraries.integers().map(t -> t | IgvmFormat.OPTIONAL_TYPE_BIT),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(40)).as((t, p) -> new IgnorableHeader(t, ByteBlock.of(p))));
    }

    private IgvmHeader snpIdBlock(byte[] bytes) {
        return HandAssembled.expectedSnpIdBlock(bytes);
    }
}
