package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Builds IGVM files from content rather than offsets: callers say what to load where, the builder
 * puts headers in section order (keeping call order within a section), places file data after the
 * variable header (sharing identical blobs), fills in offsets, sizes and the checksum, and finally
 * reads the result back through the strict reader so that what it returns is known to be valid.
 *
 * <p>The whole image is assembled in a Java array, which caps built files at about 2 GiB.
 */
public final class IgvmBuilder {
    private static final long MAX_IMAGE = Integer.MAX_VALUE - 8;

    private final int formatVersion;
    private final IgvmArchitecture architecture;
    private final Map<Section, List<Entry>> sections = new EnumMap<>(Section.class);
    private int usedMaskBits;

    /** A header as it will finally be written, once its file data (if any) has an offset. */
    private interface Entry {
        IgvmHeader place(FileDataPool pool);

        /** A header of the final size, for laying out the variable header before data is placed. */
        IgvmHeader shape();
    }

    private record Plain(IgvmHeader header) implements Entry {
        public IgvmHeader place(FileDataPool pool) { return header; }
        public IgvmHeader shape() { return header; }
    }

    private record WithData(ByteBlock data, LongFunction<IgvmHeader> atOffset) implements Entry {
        public IgvmHeader place(FileDataPool pool) { return atOffset.apply(pool.place(data)); }
        public IgvmHeader shape() { return atOffset.apply(0); }
    }

    private IgvmBuilder(int formatVersion, IgvmArchitecture architecture) {
        this.formatVersion = formatVersion;
        this.architecture = architecture;
        for (Section s : Section.values()) {
            sections.put(s, new ArrayList<>());
        }
    }

    /** A version 1 file, which is always x64 with 4K pages. */
    public static IgvmBuilder v1() {
        return new IgvmBuilder(IgvmFormat.VERSION_1, IgvmArchitecture.X64);
    }

    /** A version 2 file for {@code architecture}, with 4K pages. */
    public static IgvmBuilder v2(IgvmArchitecture architecture) {
        return new IgvmBuilder(IgvmFormat.VERSION_2, architecture);
    }

    /** Declares a platform on the lowest free mask bit, VTL 0, no shared boundary; returns its mask. */
    public int addPlatform(PlatformType type) {
        return addPlatform(type, 0, 0);
    }

    public int addPlatform(PlatformType type, int highestVtl, long sharedGpaBoundary) {
        int mask = Integer.lowestOneBit(~usedMaskBits);
        if (mask == 0) {
            throw new IllegalStateException("all 32 compatibility mask bits are in use");
        }
        add(new SupportedPlatform(mask, highestVtl, type, PlatformType.DEFINED_VERSION, sharedGpaBoundary));
        return mask;
    }

    /**
     * Adds a header that needs no file data, in its section. Headers that can point at file data
     * may come through here only without it: a zero page, a zeroed parameter area, an empty CoRIM.
     */
    public IgvmBuilder add(IgvmHeader header) {
        switch (header) {
            case VpContext c -> throw new IllegalArgumentException("VP contexts carry data; use a VP context method");
            case PageData d when d.fileOffset() != 0 -> throw dataViaBuilder(header);
            case ParameterArea a when a.fileOffset() != 0 -> throw dataViaBuilder(header);
            case CorimData c when c.fileOffset() != 0 -> throw dataViaBuilder(header);
            case SupportedPlatform p -> usedMaskBits |= p.compatibilityMask();
            default -> { }
        }
        return append(new Plain(header));
    }

    /** Imports one 4K page of {@code contents} (zero-padded); empty contents import a zero page. */
    public IgvmBuilder addPageData(long gpa, int mask, byte[] contents) {
        return addPageData(gpa, mask, PageDataType.NORMAL, PageDataFlags.NONE, contents);
    }

    public IgvmBuilder addPageData(long gpa, int mask, PageDataType type, PageDataFlags flags, byte[] contents) {
        long pageSize = flags.pageSize();
        if (contents.length > pageSize) {
            throw new IllegalArgumentException(contents.length + " bytes do not fit a 0x" + Long.toHexString(pageSize) + " page");
        }
        if (contents.length == 0) {
            return add(new PageData(gpa, mask, 0, flags, type));
        }
        ByteBlock page = padded(contents, pageSize);
        return append(new WithData(page, off -> new PageData(gpa, mask, off, flags, type)));
    }

    /** Imports {@code contents} as consecutive pages from {@code gpa}, the last one zero-padded. */
    public IgvmBuilder addPages(long gpa, int mask, PageDataType type, PageDataFlags flags, MemorySegment contents) {
        long pageSize = flags.pageSize();
        for (long done = 0; done < contents.byteSize(); done += pageSize) {
            long n = Math.min(pageSize, contents.byteSize() - done);
            addPageData(gpa + done, mask, type, flags, contents.asSlice(done, n).toArray(ValueLayout.JAVA_BYTE));
        }
        return this;
    }

    /** Declares a parameter area; {@code initialData} (zero-padded) may be empty for a zeroed area. */
    public IgvmBuilder addParameterArea(long index, long numberOfBytes, byte[] initialData) {
        if (initialData.length == 0) {
            return add(new ParameterArea(numberOfBytes, index, 0));
        }
        if (Long.compareUnsigned(initialData.length, numberOfBytes) > 0 || numberOfBytes > MAX_IMAGE) {
            throw new IllegalArgumentException("initial data of " + initialData.length + " bytes for an area of 0x"
                    + Long.toUnsignedString(numberOfBytes, 16));
        }
        ByteBlock data = padded(initialData, numberOfBytes);
        return append(new WithData(data, off -> new ParameterArea(numberOfBytes, index, off)));
    }

    public IgvmBuilder addParameter(ParameterKind kind, long areaIndex, long byteOffset) {
        return add(new ParameterUsage(kind, areaIndex, byteOffset));
    }

    public IgvmBuilder insertParameterArea(long gpa, int mask, long areaIndex) {
        return add(new ParameterInsert(gpa, mask, areaIndex));
    }

    /** An SEV-SNP or SEV-ES VMSA (at most 4K, zero-padded) to be placed at {@code gpa}. */
    public IgvmBuilder addVmsaVpContext(int mask, int vpIndex, long gpa, byte[] vmsa) {
        if (vmsa.length > IgvmFormat.PAGE_SIZE_4K) {
            throw new IllegalArgumentException("a VMSA is one page, not " + vmsa.length + " bytes");
        }
        return vpContext(padded(vmsa, IgvmFormat.PAGE_SIZE_4K), off -> new VpContext(gpa, mask, off, vpIndex));
    }

    public IgvmBuilder addNativeVpContext(int mask, int vpIndex, NativeX64VpContext context) {
        byte[] page = new byte[(int) IgvmFormat.PAGE_SIZE_4K];
        context.writeTo(MemorySegment.ofArray(page));
        return vpContext(ByteBlock.wrap(page), off -> new VpContext(0, mask, off, vpIndex));
    }

    public IgvmBuilder addCcaVpContext(int mask, int vpIndex, CcaVpContext context) {
        byte[] page = new byte[(int) IgvmFormat.PAGE_SIZE_4K];
        context.writeTo(MemorySegment.ofArray(page));
        return vpContext(ByteBlock.wrap(page), off -> new VpContext(0, mask, off, vpIndex));
    }

    /** A VBS context; VBS defines contexts for VP 0 only. */
    public IgvmBuilder addVbsVpContext(int mask, VbsVpContext context) {
        MemorySegment data = MemorySegment.ofArray(new byte[(int) context.encodedSize()]);
        LittleEndian.putU32(data, 0, context.registers().size());
        long at = VbsVpContext.COUNT_SIZE;
        for (VbsRegister r : context.registers()) {
            LittleEndian.putU8(data, at, context.vtl());
            LittleEndian.putU32(data, at + 1, r.registerName());
            MemorySegment.copy(r.value().asSegment(), 0, data, at + VbsRegister.VALUE_OFFSET, VbsRegister.VALUE_SIZE);
            at += VbsRegister.SIZE;
        }
        return vpContext(ByteBlock.wrap(data.toArray(ValueLayout.JAVA_BYTE)), off -> new VpContext(0, mask, off, 0));
    }

    public IgvmBuilder addCorimDocument(int mask, byte[] document) {
        long size = document.length;
        return append(new WithData(ByteBlock.of(document), off -> new CorimDocument(mask, off, size)));
    }

    public IgvmBuilder addCorimSignature(int mask, byte[] signature) {
        long size = signature.length;
        return append(new WithData(ByteBlock.of(signature), off -> new CorimSignature(mask, off, size)));
    }

    /** Lays out, checksums and validates the file. */
    public IgvmFile build() throws IgvmFormatException {
        return IgvmReader.strict().read(assemble());
    }

    public byte[] toBytes() throws IgvmFormatException {
        return IgvmWriter.toBytes(build());
    }

    /** The laid-out image without validation; lets tests produce files that break rules on purpose. */
    byte[] assemble() {
        List<Entry> entries = new ArrayList<>();
        sections.values().forEach(entries::addAll);
        int fixedSize = formatVersion == IgvmFormat.VERSION_1
                ? IgvmFormat.FIXED_HEADER_V1_SIZE : IgvmFormat.FIXED_HEADER_V2_SIZE;
        long variableSize = 0;
        for (Entry e : entries) {
            variableSize += HeaderCodec.encodedSize(e.shape());
        }
        long dataStart = fixedSize + variableSize;
        FileDataPool pool = new FileDataPool(dataStart);
        List<IgvmHeader> headers = entries.stream().map(e -> e.place(pool)).toList();
        long total = dataStart + pool.size();
        if (total > MAX_IMAGE) {
            throw new IllegalStateException("image of " + total + " bytes is too large to build");
        }
        IgvmFixedHeader fixed = new IgvmFixedHeader(formatVersion, architecture, IgvmFormat.PAGE_SIZE_4K,
                fixedSize, variableSize, total, 0);
        byte[] bytes = new byte[(int) total];
        MemorySegment image = MemorySegment.ofArray(bytes);
        FixedHeaderCodec.encode(fixed, image, 0);
        long pos = fixedSize;
        for (IgvmHeader h : headers) {
            pos += HeaderCodec.encode(h, image, pos);
        }
        pool.writeTo(image, dataStart);
        LittleEndian.putU32(image, IgvmFixedHeader.CHECKSUM_OFFSET,
                Integer.toUnsignedLong(HeaderChecksum.compute(image, fixed)));
        return bytes;
    }

    private IgvmBuilder vpContext(ByteBlock data, LongFunction<IgvmHeader> atOffset) {
        return append(new WithData(data, atOffset));
    }

    private IgvmBuilder append(Entry entry) {
        // Optional headers outside every section range have no ordering constraint; keep them last.
        Section section = Section.of(entry.shape().typeCode()).orElse(Section.DIRECTIVE);
        sections.get(section).add(entry);
        return this;
    }

    private static ByteBlock padded(byte[] contents, long size) {
        return ByteBlock.wrap(Arrays.copyOf(contents, (int) size));
    }

    private static IllegalArgumentException dataViaBuilder(IgvmHeader header) {
        return new IllegalArgumentException("file offsets are assigned by the builder; pass contents instead: " + header);
    }
}
