package dev.panavisor.launcher;

import dev.panavisor.devices.fwcfg.FwCfgBuilder;
import dev.panavisor.devices.fwcfg.X86LinuxBoot;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Linux kernel handed to the firmware through fw-cfg, as QEMU's {@code -kernel} does on the pc
 * machine: the kernel, initrd and command line items OVMF's kernel loader reads, plus, for
 * SeaBIOS, QEMU's {@code linuxboot_dma.bin} option ROM, which loads them and jumps to the kernel.
 * That ROM is QEMU's (Debian package qemu-system-data), not ours; without it SeaBIOS ignores the
 * kernel, and we say so.
 */
public record FirmwareLinuxBoot(Path kernel, Path initrd, String cmdline) {
    /** Where Debian installs QEMU's option ROM that boots a fw-cfg kernel from SeaBIOS. */
    public static final Path LINUXBOOT_ROM = Path.of("/usr/share/qemu/linuxboot_dma.bin");

    public FirmwareLinuxBoot {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(cmdline, "cmdline");
    }

    /** Adds the items to {@code fw}; {@code ramBelow4g} bounds where the initrd may go. */
    void addTo(FwCfgBuilder fw, long ramBelow4g) throws IOException {
        MemorySegment kernelBytes = MemorySegment.ofArray(Files.readAllBytes(kernel));
        MemorySegment initrdBytes = initrd == null ? null : MemorySegment.ofArray(Files.readAllBytes(initrd));
        try {
            fw.linuxBoot(X86LinuxBoot.prepare(kernelBytes, initrdBytes, cmdline, X86LinuxBoot.Options.pc(ramBelow4g)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(kernel + ": " + e.getMessage(), e);
        }
        if (Files.isReadable(LINUXBOOT_ROM)) {
            fw.file("genroms/linuxboot_dma.bin", Files.readAllBytes(LINUXBOOT_ROM));
        } else {
            org.slf4j.LoggerFactory.getLogger(FirmwareLinuxBoot.class).warn(
                    "{} is missing (Debian package qemu-system-data): SeaBIOS will not boot the kernel; OVMF does not need it", LINUXBOOT_ROM);
        }
    }
}
