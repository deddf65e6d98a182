package dev.panavisor.launcher;

import dev.panavisor.firmware.linux.BzImage;
import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.firmware.linux.LoadSegment;
import dev.panavisor.firmware.linux.PvhElfKernel;
import dev.panavisor.firmware.linux.SetupHeader;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.vmm.boot.BootGdt;
import dev.panavisor.vmm.boot.BootLayout;
import dev.panavisor.vmm.boot.CommandLine;
import dev.panavisor.vmm.boot.DirectBootEntry;
import dev.panavisor.vmm.boot.IdentityPageTables;
import dev.panavisor.vmm.boot.InitrdPlacement;
import dev.panavisor.vmm.boot.PcMemoryMap;
import dev.panavisor.vmm.boot.PvhStartInfo;
import dev.panavisor.vmm.boot.ZeroPage;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestMemoryException;
import dev.panavisor.vmm.vm.GuestRam;


/**
 * Puts a Linux kernel, its command line and initrd into guest memory and the boot vCPU at
 * its entry: a bzImage through the 64-bit boot protocol, an ELF vmlinux through PVH.
 */
final class LinuxLoader {
    private LinuxLoader() {}

    /** x86 COMMAND_LINE_SIZE is 2048 with the NUL; PVH carries no cmdline_size, so this is the limit. */
    static final long PVH_COMMAND_LINE_MAX = 2047;
    /** boot.rst, "64-bit Boot Protocol": the 64-bit entry is 0x200 past the protected-mode kernel's load address. */
    static final long ENTRY_64_OFFSET = 0x200;

    /** What was loaded, for the timeline and for tests. */
    record Loaded(String protocol, long entry, long kernelStart, long kernelEnd, long initrdAddress, long initrdSize) { }

    /**
     * A kernel (and initrd) copied into guest memory, its boot parameters not yet written: what
     * {@link #place} leaves for {@link #boot}. Placing needs only memory, so it can run before the
     * KVM VM exists; booting needs the ACPI tables' address and the boot vCPU.
     */
    record Placed(KernelImage kernel, long kernelStart, long kernelEnd, long initrdAddress, long initrdSize) { }

    /**
     * Puts {@code kernel} (parsed from {@code kernelFile}) and the initrd into guest RAM straight
     * from the files, never through the heap, mapped copy-on-write where the alignment allows
     * ({@link BootFile#placeInto}). Writes nothing below 1 MiB, where the ACPI and MP tables and
     * the boot structures go.
     */
    static Placed place(GuestRam ram, PcMemoryMap map, KernelImage kernel, BootFile kernelFile, BootFile initrd) {
        try {
            return switch (kernel) {
                case BzImage bz -> placeBzImage(ram, map, bz, kernelFile, initrd);
                case PvhElfKernel elf -> placePvh(ram, map, elf, kernelFile, initrd);
            };
        } catch (GuestMemoryException e) {
            throw new IllegalArgumentException("the kernel does not fit the guest's memory: " + e.getMessage(), e);
        }
    }

    /** Writes the command line and boot parameters for a placed kernel and puts the boot vCPU at its entry. */
    static Loaded boot(GuestMemory memory, PcMemoryMap map, Placed placed, String cmdline, long acpiRsdp, VcpuFd bootVcpu) {
        try {
            BootGdt.write(memory, BootLayout.GDT);
            memory.fill(BootLayout.IDT, 8, (byte) 0);
            return switch (placed.kernel()) {
                case BzImage bz -> bootBzImage(memory, map, bz, placed, cmdline, acpiRsdp, bootVcpu);
                case PvhElfKernel elf -> bootPvh(memory, map, elf, placed, cmdline, acpiRsdp, bootVcpu);
            };
        } catch (GuestMemoryException e) {
            throw new IllegalArgumentException("the kernel does not fit the guest's memory: " + e.getMessage(), e);
        }
    }

    private static Placed placeBzImage(GuestRam ram, PcMemoryMap map, BzImage bz, BootFile file, BootFile initrd) {
        SetupHeader h = bz.header();
        long load = h.prefAddress();
        long end = load + h.initSize();
        if (end > map.lowRamEnd()) {
            throw new IllegalArgumentException(String.format("the kernel needs RAM up to 0x%x (pref_address 0x%x + init_size 0x%x); "
                    + "give the guest more memory", end, load, h.initSize()));
        }
        file.placeInto(ram, load, bz.protectedModeOffset(), bz.protectedModeLength());
        long initrdAddress = 0;
        if (initrd != null) {
            initrdAddress = InitrdPlacement.place(initrd.size(), map.lowRamEnd(), h.initrdAddrMax(), end);
            initrd.placeInto(ram, initrdAddress, 0, initrd.size());
        }
        return new Placed(bz, load, end, initrdAddress, initrd == null ? 0 : initrd.size());
    }

    private static Loaded bootBzImage(GuestMemory memory, PcMemoryMap map, BzImage bz, Placed placed, String cmdline,
                                      long acpiRsdp, VcpuFd bootVcpu) {
        SetupHeader h = bz.header();
        byte[] line = CommandLine.encode(cmdline, Math.min(h.cmdlineSize(), BootLayout.COMMAND_LINE_MAX - 1));
        memory.write(BootLayout.COMMAND_LINE, line);

        ZeroPage zero = new ZeroPage(bz.headerBytes()).commandLine(BootLayout.COMMAND_LINE).e820(map.e820()).acpiRsdp(acpiRsdp);
        if (placed.initrdSize() > 0) zero.ramdisk(placed.initrdAddress(), placed.initrdSize());
        memory.write(BootLayout.ZERO_PAGE, zero.toBytes());
        long cr3 = IdentityPageTables.write(memory, BootLayout.PAGE_TABLES);
        long entry = placed.kernelStart() + ENTRY_64_OFFSET;
        DirectBootEntry.longMode(bootVcpu, entry, BootLayout.ZERO_PAGE, cr3);
        return new Loaded("bzImage, 64-bit boot protocol " + h.versionString(), entry, placed.kernelStart(), placed.kernelEnd(),
                placed.initrdAddress(), placed.initrdSize());
    }

    private static Placed placePvh(GuestRam ram, PcMemoryMap map, PvhElfKernel elf, BootFile kernelFile, BootFile initrd) {
        GuestMemory memory = ram.memory();
        if (elf.highestAddress() > map.lowRamEnd()) {
            throw new IllegalArgumentException(String.format("the kernel occupies memory up to 0x%x; give the guest more memory", elf.highestAddress()));
        }
        for (LoadSegment s : elf.segments()) {
            kernelFile.placeInto(ram, s.physicalAddress(), s.fileOffset(), s.fileSize());
            memory.fill(s.physicalAddress() + s.fileSize(), s.memorySize() - s.fileSize(), (byte) 0);
        }
        long initrdAddress = 0;
        if (initrd != null) {
            initrdAddress = InitrdPlacement.place(initrd.size(), map.lowRamEnd(), 0xFFFFFFFFL, elf.highestAddress());
            initrd.placeInto(ram, initrdAddress, 0, initrd.size());
        }
        return new Placed(elf, elf.lowestAddress(), elf.highestAddress(), initrdAddress, initrd == null ? 0 : initrd.size());
    }

    private static Loaded bootPvh(GuestMemory memory, PcMemoryMap map, PvhElfKernel elf, Placed placed, String cmdline,
                                  long acpiRsdp, VcpuFd bootVcpu) {
        memory.write(BootLayout.COMMAND_LINE, CommandLine.encode(cmdline, PVH_COMMAND_LINE_MAX));
        PvhStartInfo info = new PvhStartInfo(map.e820()).commandLine(BootLayout.COMMAND_LINE).rsdp(acpiRsdp);
        if (placed.initrdSize() > 0) info.ramdisk(placed.initrdAddress(), placed.initrdSize());
        byte[] startInfo = info.toBytes(BootLayout.PVH_START_INFO);
        if (BootLayout.PVH_START_INFO + startInfo.length > BootLayout.ZERO_PAGE) {
            throw new IllegalStateException("hvm_start_info outgrew its slot");
        }
        memory.write(BootLayout.PVH_START_INFO, startInfo);
        DirectBootEntry.pvh(bootVcpu, elf.pvhEntry(), BootLayout.PVH_START_INFO);
        return new Loaded("ELF vmlinux, PVH entry", elf.pvhEntry(), placed.kernelStart(), placed.kernelEnd(), placed.initrdAddress(),
                placed.initrdSize());
    }
}
