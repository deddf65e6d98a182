package dev.panavisor.firmware.wrap;

import dev.panavisor.firmware.ovmf.FirmwareImage;
import dev.panavisor.firmware.ovmf.OvmfImage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a PC's firmware sits in guest-physical memory, laid out as QEMU maps it:
 * <ul>
 *   <li>a unified image (OVMF.fd, SeaBIOS bios.bin) ends at 4 GiB, so its last 16 bytes hold the
 *       reset vector at 0xfffffff0;</li>
 *   <li>OVMF_CODE + OVMF_VARS as two flash devices: CODE ends at 4 GiB and VARS sits directly
 *       below it;</li>
 *   <li>an image that is not OVMF (SeaBIOS) is also aliased below 1 MiB: its last
 *       min(size, 128 KiB) bytes appear at 1 MiB minus that size, the "isa-bios" region real-mode
 *       BIOS code runs from. OVMF never executes there, so it gets no alias.</li>
 * </ul>
 * The OVMF metadata, if any, comes from the image that ends at 4 GiB, as its footer table must.
 */
public final class FirmwareRom {
    public static final long FOUR_GIB = 1L << 32;
    public static final long ONE_MIB = 1L << 20;
    /** The legacy BIOS window below 1 MiB. */
    public static final long ISA_BIOS_MAX = 128 * 1024;
    /** Flash is at most 16 MiB below 4 GiB (the range the chipset decodes as BIOS). */
    public static final long MAX_FLASH = 16L << 20;

    private final List<RomRegion> regions;
    private final OvmfImage top;
    private final boolean hasVars;

    private FirmwareRom(List<RomRegion> regions, OvmfImage top, boolean hasVars) {
        this.regions = List.copyOf(regions);
        this.top = top;
        this.hasVars = hasVars;
    }

    /** Maps {@code firmware} (and {@code varsOrNull}) read-only into {@code arena} and lays them out. */
    public static FirmwareRom load(Path firmware, Path varsOrNull, Arena arena) throws IOException {
        FirmwareImage code = FirmwareImage.map(firmware, arena);
        FirmwareImage vars = varsOrNull == null ? null : FirmwareImage.map(varsOrNull, arena);
        return of(code, vars);
    }

    public static FirmwareRom of(FirmwareImage code, FirmwareImage varsOrNull) {
        check(code, "firmware");
        long codeBase = FOUR_GIB - code.size();
        List<RomRegion> regions = new ArrayList<>();
        if (varsOrNull != null) {
            check(varsOrNull, "variable store");
            if (code.size() + varsOrNull.size() > MAX_FLASH) {
                throw new WrapException(String.format("%s and %s together are 0x%x bytes; flash below 4 GiB holds at most 0x%x",
                        code.name(), varsOrNull.name(), code.size() + varsOrNull.size(), MAX_FLASH));
            }
            regions.add(new RomRegion("vars " + varsOrNull.name(), codeBase - varsOrNull.size(), varsOrNull.segment()));
        }
        regions.add(new RomRegion("flash " + code.name(), codeBase, code.segment()));
        OvmfImage ovmf = OvmfImage.of(code);
        if (ovmf.footerTable().isEmpty()) {
            long alias = Math.min(code.size(), ISA_BIOS_MAX);
            regions.addFirst(new RomRegion("isa-bios alias of " + code.name(), ONE_MIB - alias,
                    code.segment().asSlice(code.size() - alias, alias)));
        }
        return new FirmwareRom(regions, ovmf, varsOrNull != null);
    }

    /** Every region, lowest GPA first. */
    public List<RomRegion> regions() {
        return regions;
    }

    /** The image that ends at 4 GiB, read for OVMF metadata. */
    public OvmfImage topImage() {
        return top;
    }

    /** The OVMF image, if the top image carries OVMF's footer table. */
    public Optional<OvmfImage> ovmf() {
        return top.footerTable().isPresent() ? Optional.of(top) : Optional.empty();
    }

    public boolean hasSeparateVars() {
        return hasVars;
    }

    private static void check(FirmwareImage image, String what) {
        if (image.size() == 0 || image.size() % 4096 != 0) {
            throw new WrapException(String.format("%s %s is 0x%x bytes, not a whole number of 4 KiB pages",
                    what, image.name(), image.size()));
        }
        if (image.size() > MAX_FLASH) {
            throw new WrapException(String.format("%s %s is 0x%x bytes; flash below 4 GiB holds at most 0x%x",
                    what, image.name(), image.size(), MAX_FLASH));
        }
    }
}
