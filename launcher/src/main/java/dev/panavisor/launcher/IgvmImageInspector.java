package dev.panavisor.launcher;

import dev.panavisor.confidential.igvm.IgvmLaunchPlan;
import dev.panavisor.devices.vmfwupdate.GpaRange;
import dev.panavisor.devices.vmfwupdate.ImageFormat;
import dev.panavisor.devices.vmfwupdate.StagedImageInspector;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.IgvmHeader;
import dev.panavisor.firmware.igvm.PageData;
import dev.panavisor.firmware.igvm.ParameterInsert;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the vmfwupdate engine whether a staged IGVM image can launch on this machine, and which
 * guest ranges launching it writes: it must parse strictly, support the machine's platform, and
 * put every page in guest RAM or the firmware region. Runs on a vCPU thread when the guest writes
 * {@code etc/vmlaunchupdate}, and again at reset; keeps nothing of the image.
 */
final class IgvmImageInspector implements StagedImageInspector {
    private final PlatformType platform;
    private final GuestMemory ram;
    private final long firmwareBase;
    private final long firmwareSize;

    IgvmImageInspector(PlatformType platform, GuestMemory ram, long firmwareBase, long firmwareSize) {
        this.platform = platform;
        this.ram = ram;
        this.firmwareBase = firmwareBase;
        this.firmwareSize = firmwareSize;
    }

    @Override
    public Inspection inspect(ImageFormat format, long gpa, MemorySegment image) {
        if (format != ImageFormat.IGVM) return StagedImageInspector.refused("not an IGVM image: " + format);
        IgvmFile file;
        IgvmLaunchPlan plan;
        try {
            file = FirmwareInstaller.parse(image);
            plan = IgvmLaunchPlan.forPlatform(file, platform);
        } catch (RuntimeException e) {
            return StagedImageInspector.refused(e.getMessage());
        }
        List<GpaRange> ranges = new ArrayList<>();
        for (IgvmHeader h : file.headersFor(plan.compatibilityMask())) {
            long at;
            long size;
            switch (h) {
                case PageData p -> { at = p.gpa(); size = p.flags().pageSize(); }
                case ParameterInsert i -> { at = i.gpa(); size = 4096; }
                default -> { continue; }
            }
            if (!ram.isValid(at, size) && !inFirmwareRegion(at, size)) {
                return StagedImageInspector.refused(String.format("page 0x%x (+0x%x) is neither in guest RAM nor in the 0x%x-byte firmware region",
                        at, size, firmwareSize));
            }
            add(ranges, at, size);
        }
        return StagedImageInspector.deploys(ranges);
    }

    private boolean inFirmwareRegion(long at, long size) {
        return at >= firmwareBase && size <= firmwareSize && at - firmwareBase <= firmwareSize - size;
    }

    /** Coalesces with the last range when contiguous: IGVM files list pages in ascending runs. */
    private static void add(List<GpaRange> ranges, long at, long size) {
        if (!ranges.isEmpty()) {
            GpaRange last = ranges.getLast();
            if (last.end() == at) {
                ranges.set(ranges.size() - 1, new GpaRange(last.start(), last.size() + size));
                return;
            }
        }
        ranges.add(new GpaRange(at, size));
    }
}
