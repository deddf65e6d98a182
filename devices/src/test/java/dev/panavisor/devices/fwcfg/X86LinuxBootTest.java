package dev.panavisor.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Firmware-loaded Linux as QEMU's x86_load_linux lays it out, against the setup header fields of
 * the Linux x86 boot protocol (Documentation/arch/x86/boot.rst). Kernels are synthetic bzImages:
 * a setup header and a recognisable byte pattern.
 */
class X86LinuxBootTest {
    private static final long RAM = 128L << 20;
    private static final X86LinuxBoot.Options PC = X86LinuxBoot.Options.pc(RAM);

    /** A bzImage with {@code setupSects} setup sectors, protocol {@code version}, and the given loadflags. */
    static byte[] bzImage(int setupSects, int version, int loadflags, int xloadflags, int size) {
        byte[] k = new byte[size];
        for (int i = 0; i < size; i++) k[i] = (byte) (i * 7 + 3);
        ByteBuffer b = ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) setupSects);
        b.putShort(0x1fa, (short) 0xffff);
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) version);
        b.put(0x210, (byte) 0);
        b.put(0x211, (byte) loadflags);
        b.putInt(0x218, 0);
        b.putInt(0x21c, 0);
        b.putShort(0x224, (short) 0);
        b.putInt(0x228, 0);
        b.putInt(0x22c, 0x7fffffff);
        b.putShort(0x236, (short) xloadflags);
        return k;
    }

    private static ByteBuffer le(MemorySegment s) {
        return ByteBuffer.wrap(s.toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void modernKernelGoesWhereQemuPutsIt() {
        byte[] kernel = bzImage(3, 0x20f, 0x01, 0, 12000);
        byte[] initrd = new byte[5000];
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(kernel), MemorySegment.ofArray(initrd), "console=ttyS0", PC);
        assertEquals(0x10000, img.setupAddress());
        assertEquals(0x20000, img.cmdlineAddress());
        assertEquals(0x100000, img.kernelAddress());
        assertEquals(4 * 512, img.setup().byteSize(), "(setup_sects + 1) * 512");
        assertArrayEquals(Arrays.copyOfRange(kernel, 2048, kernel.length), img.kernel().toArray(ValueLayout.JAVA_BYTE));
        long initrdMax = RAM - X86LinuxBoot.Options.PC_ACPI_DATA_SIZE - 1;
        assertEquals((initrdMax - 5000) & ~4095L, img.initrdAddress());
        assertArrayEquals("console=ttyS0\0".getBytes(), img.cmdline(), "CMDLINE_SIZE counts the NUL");
    }

    // boot.rst: type_of_loader, loadflags.CAN_USE_HEAP + heap_end_ptr, cmd_line_ptr, ramdisk_image/size.
    @Test
    void theSetupHeaderIsPatchedAndNothingElse() {
        byte[] kernel = bzImage(3, 0x20f, 0x01, 0, 12000);
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(kernel), MemorySegment.ofArray(new byte[5000]), "quiet", PC);
        ByteBuffer s = le(img.setup());
        assertEquals((byte) 0xB0, s.get(0x210));
        assertEquals((byte) 0x81, s.get(0x211));
        assertEquals(0x20000 - 0x10000 - 0x200, Short.toUnsignedInt(s.getShort(0x224)));
        assertEquals(0x20000, s.getInt(0x228));
        assertEquals(img.initrdAddress(), Integer.toUnsignedLong(s.getInt(0x218)));
        assertEquals(5000, s.getInt(0x21c));
        byte[] setup = img.setup().toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < setup.length; i++) {
            boolean patched = i == 0x210 || i == 0x211 || (i >= 0x218 && i < 0x220) || (i >= 0x224 && i < 0x22c);
            if (!patched) assertEquals(kernel[i], setup[i], "byte 0x" + Integer.toHexString(i));
        }
    }

    @Test
    void confidentialGuestsGetTheSetupUnchanged() {
        byte[] kernel = bzImage(3, 0x20f, 0x01, 0, 12000);
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(kernel), null, "quiet",
                new X86LinuxBoot.Options(RAM, X86LinuxBoot.Options.PC_ACPI_DATA_SIZE, false));
        assertArrayEquals(Arrays.copyOf(kernel, 2048), img.setup().toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void setupSectsZeroMeansFour() {
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(bzImage(0, 0x20f, 0x01, 0, 4000)), null, "", PC);
        assertEquals(5 * 512, img.setup().byteSize());
    }

    // boot.rst: XLF_CAN_BE_LOADED_ABOVE_4G (protocol 2.12+) lifts initrd_addr_max; RAM still bounds it.
    @Test
    void initrdLimitComesFromTheHeaderOrTheRam() {
        byte[] lowLimit = bzImage(3, 0x20f, 0x01, 0, 12000);
        ByteBuffer.wrap(lowLimit).order(ByteOrder.LITTLE_ENDIAN).putInt(0x22c, 0x00ff_ffff);
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(lowLimit), MemorySegment.ofArray(new byte[4096]), "", PC);
        assertEquals((0x00ff_ffffL - 4096) & ~4095L, img.initrdAddress());

        var above = X86LinuxBoot.prepare(MemorySegment.ofArray(bzImage(3, 0x20c, 0x01, 0x02, 12000)),
                MemorySegment.ofArray(new byte[4096]), "", X86LinuxBoot.Options.pc(3L << 30));
        assertEquals((3L << 30) - X86LinuxBoot.Options.PC_ACPI_DATA_SIZE - 1 - 4096 & ~4095L, above.initrdAddress());
    }

    @Test
    void oldProtocolsUseTheLowSetupAddressAndTheCommandLineMagic() {
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(bzImage(3, 0x201, 0x01, 0, 12000)), null, "root=/dev/sda", PC);
        long cmdlineSpace = ("root=/dev/sda".length() + 16) & ~15;
        assertEquals(0x90000, img.setupAddress());
        assertEquals(0x9a000 - cmdlineSpace, img.cmdlineAddress());
        assertEquals(0x100000, img.kernelAddress());
        ByteBuffer s = le(img.setup());
        assertEquals(0xA33F, Short.toUnsignedInt(s.getShort(0x20)));
        assertEquals(img.cmdlineAddress() - 0x90000, Short.toUnsignedInt(s.getShort(0x22)));
        assertEquals(0, s.getInt(0x228), "cmd_line_ptr only exists from protocol 2.02");
    }

    @Test
    void kernelsNotLoadedHighGoBelow1MiB() {
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(bzImage(3, 0x20f, 0x00, 0, 12000)), null, "", PC);
        assertEquals(0x90000, img.setupAddress());
        assertEquals(0x10000, img.kernelAddress());
    }

    @Test
    void vgaArgumentsSetVidMode() {
        assertEquals(0xfffd, X86LinuxBoot.videoMode("quiet vga=ask"));
        assertEquals(0xffff, X86LinuxBoot.videoMode("vga=normal"));
        assertEquals(0xfffe, X86LinuxBoot.videoMode("vga=ext"));
        assertEquals(0x317, X86LinuxBoot.videoMode("vga=0x317 quiet"));
        assertEquals(791, X86LinuxBoot.videoMode("vga=791"));
        assertEquals(null, X86LinuxBoot.videoMode("quiet"));
        assertThrows(IllegalArgumentException.class, () -> X86LinuxBoot.videoMode("vga=big"));
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(bzImage(3, 0x20f, 0x01, 0, 12000)), null, "vga=0x317", PC);
        assertEquals(0x317, Short.toUnsignedInt(le(img.setup()).getShort(0x1fa)));
    }

    @Test
    void badInputsAreRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> X86LinuxBoot.prepare(MemorySegment.ofArray(new byte[8192]), null, "", PC));
        byte[] truncated = Arrays.copyOf(bzImage(30, 0x20f, 0x01, 0, 12000), 12000);
        var e = assertThrows(IllegalArgumentException.class, () -> X86LinuxBoot.prepare(MemorySegment.ofArray(truncated), null, "", PC));
        assertTrue(e.getMessage().contains("setup"), e.getMessage());
        byte[] k = bzImage(3, 0x20f, 0x01, 0, 12000);
        assertThrows(IllegalArgumentException.class, () -> X86LinuxBoot.prepare(MemorySegment.ofArray(k),
                MemorySegment.ofArray(new byte[1 << 20]), "", X86LinuxBoot.Options.pc(0x100000 + X86LinuxBoot.Options.PC_ACPI_DATA_SIZE)));
        assertThrows(IllegalArgumentException.class, () -> X86LinuxBoot.prepare(MemorySegment.ofArray(k), null, "a\0b", PC));
    }

    // The items OVMF's QemuKernelLoaderFsDxe and SeaBIOS's linuxboot read, end to end through the device.
    @Test
    void firmwareReadsTheItemsBack() {
        byte[] kernel = bzImage(3, 0x20f, 0x01, 0, 12000);
        byte[] initrd = new byte[3000];
        Arrays.fill(initrd, (byte) 0x5a);
        var img = X86LinuxBoot.prepare(MemorySegment.ofArray(kernel), MemorySegment.ofArray(initrd), "console=ttyS0", PC);
        var g = new FwCfgTestGuest(FwCfgDevice.builder().linuxBoot(img));
        assertEquals(kernel.length - 2048, FwCfgTestGuest.u32le(g.readItem(FwCfgKeys.KERNEL_SIZE, 4), 0));
        assertEquals(2048, FwCfgTestGuest.u32le(g.readItem(FwCfgKeys.SETUP_SIZE, 4), 0));
        assertEquals(14, FwCfgTestGuest.u32le(g.readItem(FwCfgKeys.CMDLINE_SIZE, 4), 0));
        assertEquals(3000, FwCfgTestGuest.u32le(g.readItem(FwCfgKeys.INITRD_SIZE, 4), 0));
        assertEquals(0x100000, FwCfgTestGuest.u32le(g.readItem(FwCfgKeys.KERNEL_ADDR, 4), 0));
        assertEquals(0, g.dma(0x1000, FwCfgKeys.KERNEL_DATA << 16 | FwCfgDma.CTL_SELECT | FwCfgDma.CTL_READ, kernel.length - 2048, 0x10000));
        assertArrayEquals(Arrays.copyOfRange(kernel, 2048, kernel.length), g.ramBytes(0x10000, kernel.length - 2048));
        assertArrayEquals(initrd, g.readItem(FwCfgKeys.INITRD_DATA, 3000));
        assertArrayEquals("console=ttyS0\0".getBytes(), g.readItem(FwCfgKeys.CMDLINE_DATA, 14));
        assertArrayEquals(kernel, g.readItem(g.device.keyOf("etc/boot/kernel"), kernel.length), "the whole file, unpatched");
    }
}
