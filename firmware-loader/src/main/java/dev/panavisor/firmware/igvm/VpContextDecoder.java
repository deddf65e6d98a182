package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Interprets a VP context's file data according to the platform its mask names. The header alone
 * cannot say what the data is: a VMSA for SEV-ES/SNP, a register list for VBS, a fixed structure
 * in a zero-padded page for native x64 (and SEV) and CCA. TDX has an architectural reset state, so
 * a VP context for it is an error.
 */
final class VpContextDecoder {
    private VpContextDecoder() {}

    /**
     * The data plus the VTL it initializes, which relocation headers are matched against. Only VBS
     * data names its VTL; every other shape (a VMSA, say) sets up the platform's highest VTL.
     */
    record Decoded(VpContextData data, int vtl) {}

    static Decoded decode(VpContext h, SupportedPlatform platform, IgvmArchitecture architecture,
                          MemorySegment image, FileDataBounds bounds, Site site) throws IgvmFormatException {
        return switch (platform.platformType()) {
            case TDX -> throw site.violation(IgvmRule.VP_CONTEXT_PLATFORM, "TDX VPs start in their architectural reset state");
            case SEV_SNP, SEV_ES -> {
                GpaRanges.pageAligned(h.gpa(), "VMSA GPA", site);
                yield new Decoded(new VmsaVpContext(page(h, image, bounds, site)), platform.highestVtl());
            }
            case NATIVE, SEV -> {
                if (architecture != IgvmArchitecture.X64) {
                    throw site.violation(IgvmRule.ARCHITECTURE_MISMATCH, "x64 VP context in an %s file", architecture);
                }
                requireZeroGpa(h, platform, site);
                MemorySegment page = page(h, image, bounds, site);
                requireZeroTail(page, NativeX64VpContext.SIZE, site);
                yield new Decoded(NativeX64VpContext.readFrom(page), platform.highestVtl());
            }
            case CCA -> {
                requireZeroGpa(h, platform, site);
                MemorySegment page = page(h, image, bounds, site);
                requireZeroTail(page, CcaVpContext.SIZE, site);
                yield new Decoded(CcaVpContext.readFrom(page), platform.highestVtl());
            }
            case VSM_ISOLATION -> {
                requireZeroGpa(h, platform, site);
                VbsVpContext vbs = vbs(h, image, bounds, site);
                yield new Decoded(vbs, vbs.vtl());
            }
        };
    }

    private static VbsVpContext vbs(VpContext h, MemorySegment image, FileDataBounds bounds, Site site)
            throws IgvmFormatException {
        // The reference loader only knows VBS contexts for the boot processor.
        if (h.vpIndex() != 0) {
            throw site.violation(IgvmRule.VP_CONTEXT_DATA, "VBS context for VP %d; only VP 0 is defined", h.vpIndex());
        }
        bounds.check(h.fileOffset(), VbsVpContext.COUNT_SIZE, "VBS register count", site);
        long count = LittleEndian.u32(image, h.fileOffset());
        if (count == 0) {
            throw site.violation(IgvmRule.VP_CONTEXT_DATA, "VBS context with no registers");
        }
        // Checked against the file before the register list is allocated.
        bounds.check(h.fileOffset(), VbsVpContext.COUNT_SIZE + count * VbsRegister.SIZE, "VBS registers", site);
        List<VbsRegister> registers = new ArrayList<>((int) count);
        int vtl = -1;
        for (long i = 0; i < count; i++) {
            MemorySegment r = image.asSlice(h.fileOffset() + VbsVpContext.COUNT_SIZE + i * VbsRegister.SIZE, VbsRegister.SIZE);
            int regVtl = FieldChecks.vtl(LittleEndian.u8(r, 0), "VBS register VTL", site);
            if (vtl >= 0 && regVtl != vtl) {
                throw site.violation(IgvmRule.VP_CONTEXT_DATA, "register %d is for VTL %d, earlier ones for VTL %d", i, regVtl, vtl);
            }
            vtl = regVtl;
            FieldChecks.reservedZero(r, VbsRegister.MBZ_OFFSET, VbsRegister.MBZ_SIZE, "VBS register padding", site);
            registers.add(new VbsRegister(LittleEndian.u32(r, 1),
                    ByteBlock.copyOf(r.asSlice(VbsRegister.VALUE_OFFSET, VbsRegister.VALUE_SIZE))));
        }
        return new VbsVpContext(vtl, registers);
    }

    private static MemorySegment page(VpContext h, MemorySegment image, FileDataBounds bounds, Site site)
            throws IgvmFormatException {
        bounds.check(h.fileOffset(), IgvmFormat.PAGE_SIZE_4K, "VP context page", site);
        return image.asSlice(h.fileOffset(), IgvmFormat.PAGE_SIZE_4K);
    }

    private static void requireZeroGpa(VpContext h, SupportedPlatform platform, Site site) throws IgvmFormatException {
        if (h.gpa() != 0) {
            throw site.violation(IgvmRule.VP_CONTEXT_GPA, "%s VP context has GPA 0x%x; only SEV-ES/SNP place context in memory",
                    platform.platformType(), h.gpa());
        }
    }

    private static void requireZeroTail(MemorySegment page, int used, Site site) throws IgvmFormatException {
        for (long i = used; i < page.byteSize(); i++) {
            if (LittleEndian.u8(page, i) != 0) {
                throw site.violation(IgvmRule.VP_CONTEXT_DATA, "byte 0x%x after the %d-byte context is not zero", i, used);
            }
        }
    }
}
