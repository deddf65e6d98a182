package dev.panavisor.devices.vmfwupdate;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The inspector for {@link ImageFormat#PLATFORM_ROM}: a raw firmware image that replaces the
 * contents of the x86 firmware region, which ends at 4 GiB, with its last 128 KiB (or all of it
 * when smaller) also appearing just below 1 MiB, where the legacy BIOS alias lives.
 *
 * <p>Rules, from the v6 vmfwupdate proposal and QEMU's pc reset code that installs such an image:
 * the size is a non-zero multiple of 64 KiB and at most the firmware region's size (the guest may
 * not grow the region; {@code etc/vmfwupdate/bios-size} tells it the limit).
 */
public final class PlatformRomInspector implements StagedImageInspector {
    /** ROM images come in whole 64 KiB blocks. */
    public static final long ROM_GRANULE = 64 * 1024;
    /** Where the firmware region ends: the reset vector sits just below. */
    public static final long FIRMWARE_REGION_END = 1L << 32;
    /** The legacy alias of the firmware's tail, [1 MiB - 128 KiB, 1 MiB). */
    public static final long LEGACY_ALIAS_END = 1L << 20;
    public static final long LEGACY_ALIAS_MAX = 128 * 1024;

    private final long regionSize;

    /** @param regionSize the firmware region's size: the largest ROM the guest may install */
    public PlatformRomInspector(long regionSize) {
        if (regionSize < ROM_GRANULE || regionSize % ROM_GRANULE != 0 || regionSize > FIRMWARE_REGION_END - LEGACY_ALIAS_END) {
            throw new IllegalArgumentException("firmware region size 0x" + Long.toHexString(regionSize)
                    + " is not a multiple of 64 KiB between 64 KiB and 4 GiB - 1 MiB");
        }
        this.regionSize = regionSize;
    }

    public long regionSize() { return regionSize; }

    /** Why a ROM of {@code size} bytes cannot be installed, or null when its size is fine. */
    public String sizeProblem(long size) {
        if (size == 0) return "a platform ROM cannot be empty";
        if (Long.compareUnsigned(size, regionSize) > 0) {
            return String.format("a platform ROM of 0x%x bytes does not fit the 0x%x-byte firmware region", size, regionSize);
        }
        if (size % ROM_GRANULE != 0) return String.format("a platform ROM of 0x%x bytes is not a multiple of 64 KiB", size);
        return null;
    }

    /** The ranges a ROM of {@code size} bytes (already checked) is written to. */
    public static List<GpaRange> deployedRanges(long size) {
        long alias = Math.min(size, LEGACY_ALIAS_MAX);
        return List.of(new GpaRange(FIRMWARE_REGION_END - size, size), new GpaRange(LEGACY_ALIAS_END - alias, alias));
    }

    @Override
    public Inspection inspect(ImageFormat format, long gpa, MemorySegment image) {
        if (format != ImageFormat.PLATFORM_ROM) return StagedImageInspector.refused("not a platform ROM: " + format);
        String problem = sizeProblem(image.byteSize());
        return problem != null ? StagedImageInspector.refused(problem) : StagedImageInspector.deploys(deployedRanges(image.byteSize()));
    }
}
