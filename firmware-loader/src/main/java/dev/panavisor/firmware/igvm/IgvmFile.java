package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * A validated IGVM image: its fixed header, its variable headers in file order, and the bytes they
 * point into. Contents are handed out as read-only slices of the image, never copied, so they live
 * as long as the image does (for a mapped file, as long as the arena it was mapped in).
 */
public final class IgvmFile {
    private final IgvmFixedHeader fixedHeader;
    private final List<IgvmHeader> headers;
    private final List<Long> headerOffsets;
    private final MemorySegment image;
    private final ChecksumStatus checksum;

    IgvmFile(IgvmFixedHeader fixedHeader, List<IgvmHeader> headers, List<Long> headerOffsets,
             MemorySegment image, ChecksumStatus checksum) {
        this.fixedHeader = fixedHeader;
        this.headers = List.copyOf(headers);
        this.headerOffsets = List.copyOf(headerOffsets);
        this.image = image.asReadOnly();
        this.checksum = checksum;
    }

    public IgvmFixedHeader fixedHeader() {
        return fixedHeader;
    }

    public int formatVersion() {
        return fixedHeader.formatVersion();
    }

    public IgvmArchitecture architecture() {
        return fixedHeader.architecture();
    }

    public ChecksumStatus checksum() {
        return checksum;
    }

    /** All variable headers in file order, which is also the order a loader must apply them in. */
    public List<IgvmHeader> headers() {
        return headers;
    }

    /** File offset of the type/length prefix of header {@code index}. */
    public long headerFileOffset(int index) {
        return headerOffsets.get(index);
    }

    public <T extends IgvmHeader> List<T> headers(Class<T> type) {
        return headers.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * The headers a loader for the platform owning {@code platformMask} acts on, in order: those
     * carrying its mask bit plus those that carry no mask at all (parameter areas and parameters).
     */
    public List<IgvmHeader> headersFor(int platformMask) {
        return headers.stream()
                .filter(h -> !(h instanceof CompatibilityMasked m) || m.appliesTo(platformMask))
                .toList();
    }

    public List<SupportedPlatform> platforms() {
        return headers(SupportedPlatform.class);
    }

    public Optional<SupportedPlatform> platform(PlatformType type) {
        return platforms().stream().filter(p -> p.platformType() == type).findFirst();
    }

    /** The whole image, read-only. */
    public MemorySegment image() {
        return image;
    }

    /** Everything after the variable header. */
    public MemorySegment fileData() {
        return image.asSlice(fixedHeader.fileDataOffset());
    }

    /** The page's bytes, or empty for a page of zeroes (file offset 0). */
    public Optional<MemorySegment> pageContents(PageData page) {
        return slice(page.fileOffset(), page.flags().pageSize());
    }

    /** The area's initial bytes, or empty when it starts zeroed. */
    public Optional<MemorySegment> parameterAreaContents(ParameterArea area) {
        return slice(area.fileOffset(), area.numberOfBytes());
    }

    public Optional<MemorySegment> corimPayload(CorimData corim) {
        return slice(corim.fileOffset(), corim.sizeBytes());
    }

    /** Decodes a VP context of this file according to the platform its mask names. */
    public VpContextData vpContextData(VpContext context) {
        int index = headers.indexOf(context);
        if (index < 0) {
            throw new IllegalArgumentException("not a VP context of this file: " + context);
        }
        SupportedPlatform platform = platforms().stream()
                .filter(p -> p.compatibilityMask() == context.compatibilityMask())
                .findFirst().orElseThrow();
        try {
            return VpContextDecoder.decode(context, platform, architecture(), image, FileDataBounds.of(fixedHeader),
                    new Site(index, headerOffsets.get(index))).data();
        } catch (IgvmFormatException e) {
            throw new IllegalStateException("VP context passed validation but no longer decodes", e);
        }
    }

    private Optional<MemorySegment> slice(long fileOffset, long length) {
        return fileOffset == 0 ? Optional.empty() : Optional.of(image.asSlice(fileOffset, length));
    }

    @Override
    public String toString() {
        return "IgvmFile[v%d %s, %d headers, %d bytes]".formatted(
                formatVersion(), architecture(), headers.size(), fixedHeader.totalFileSize());
    }
}
