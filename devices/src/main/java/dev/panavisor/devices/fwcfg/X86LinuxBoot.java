package dev.panavisor.devices.fwcfg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Firmware-loaded Linux: the fw-cfg items QEMU's x86 machines expose for {@code -kernel},
 * {@code -initrd} and {@code -append}, which SeaBIOS's linuxboot option ROM and OVMF's
 * QemuKernelLoaderFsDxe read back. A pure function of the kernel bytes, the initrd and the
 * command line; the layout rules are those of QEMU's x86_load_linux for bzImage kernels
 * (Linux boot protocol, Documentation/arch/x86/boot.rst):
 * <ul>
 *   <li>Where things go: for protocol 2.02+ with LOADED_HIGH, setup at 0x10000, command line at
 *       0x20000, kernel at 0x100000; older kernels put setup at 0x90000 and the command line just
 *       below 0x9a000 (and non-LOADED_HIGH kernels at 0x10000).</li>
 *   <li>Setup = the first (setup_sects + 1) * 512 bytes (setup_sects 0 means 4); the rest is the
 *       protected-mode kernel. The initrd goes at the highest 4 KiB boundary below the lower of
 *       its limit (initrd_addr_max, or 4 GiB - 1 with XLF_CAN_BE_LOADED_ABOVE_4G) and the end of
 *       RAM below 4 GiB minus the ACPI area.</li>
 *   <li>Header fields patched in the setup copy (unless {@link Options#patchSetupHeader()} is off,
 *       as QEMU does for confidential guests so the kernel hashes match the file): type_of_loader
 *       0xB0, loadflags |= CAN_USE_HEAP with heap_end_ptr, cmd_line_ptr (or the old 0xA33F magic),
 *       ramdisk_image/ramdisk_size, and vid_mode from a {@code vga=} argument.</li>
 *   <li>Items: KERNEL_ADDR/SIZE/DATA, SETUP_ADDR/SIZE/DATA, CMDLINE_ADDR/SIZE/DATA (size counts the
 *       NUL), INITRD_ADDR/SIZE/DATA when there is an initrd, and the file {@code etc/boot/kernel}
 *       with the whole kernel file, unpatched, as recent QEMU adds.</li>
 * </ul>
 * ELF (PVH) and multiboot kernels are not handled here.
 */
public final class X86LinuxBoot {
    private X86LinuxBoot() {}

    private static final int HEADER_MAGIC = 0x53726448; // "HdrS"
    private static final int PATCHED_HEADER_BYTES = 8192;
    private static final int LOADED_HIGH = 0x01;
    private static final int CAN_USE_HEAP = 0x80;
    private static final int XLF_CAN_BE_LOADED_ABOVE_4G = 0x02;
    private static final int LOADER_TYPE_QEMU = 0xB0;

    // Setup header offsets (boot.rst).
    private static final int SETUP_SECTS = 0x1f1;
    private static final int VID_MODE = 0x1fa;
    private static final int OLD_CMD_LINE_MAGIC = 0x20;
    private static final int OLD_CMD_LINE_OFFSET = 0x22;
    private static final int HEADER = 0x202;
    private static final int VERSION = 0x206;
    private static final int TYPE_OF_LOADER = 0x210;
    private static final int LOADFLAGS = 0x211;
    private static final int RAMDISK_IMAGE = 0x218;
    private static final int RAMDISK_SIZE = 0x21c;
    private static final int HEAP_END_PTR = 0x224;
    private static final int CMD_LINE_PTR = 0x228;
    private static final int INITRD_ADDR_MAX = 0x22c;
    private static final int XLOADFLAGS = 0x236;

    /**
     * @param ramBelow4g       bytes of RAM below 4 GiB
     * @param acpiDataSize     room kept free at the top of that RAM for ACPI tables (QEMU's pc: 0x28000)
     * @param patchSetupHeader false to hand the setup bytes over unchanged (confidential guests)
     */
    public record Options(long ramBelow4g, long acpiDataSize, boolean patchSetupHeader) {
        public static final long PC_ACPI_DATA_SIZE = 0x20000 + 0x8000;

        public static Options pc(long ramBelow4g) { return new Options(ramBelow4g, PC_ACPI_DATA_SIZE, true); }
    }

    /** Everything {@link FwCfgBuilder#linuxBoot} adds; segments are views, not copies, except {@code setup}. */
    public record Images(int protocol, long setupAddress, MemorySegment setup, long kernelAddress,
                         MemorySegment kernel, long cmdlineAddress, byte[] cmdline, long initrdAddress,
                         MemorySegment initrd, MemorySegment kernelFile) {
        void addTo(FwCfgBuilder b) {
            b.u32(FwCfgKeys.KERNEL_ADDR, kernelAddress);
            b.u32(FwCfgKeys.KERNEL_SIZE, kernel.byteSize());
            b.item(FwCfgKeys.KERNEL_DATA, FwCfgItem.of(kernel));
            b.u32(FwCfgKeys.SETUP_ADDR, setupAddress);
            b.u32(FwCfgKeys.SETUP_SIZE, setup.byteSize());
            b.item(FwCfgKeys.SETUP_DATA, FwCfgItem.of(setup));
            b.u32(FwCfgKeys.CMDLINE_ADDR, cmdlineAddress);
            b.u32(FwCfgKeys.CMDLINE_SIZE, cmdline.length);
            b.bytes(FwCfgKeys.CMDLINE_DATA, cmdline);
            if (initrd != null) {
                b.u32(FwCfgKeys.INITRD_ADDR, initrdAddress);
                b.u32(FwCfgKeys.INITRD_SIZE, initrd.byteSize());
                b.item(FwCfgKeys.INITRD_DATA, FwCfgItem.of(initrd));
            }
            b.file("etc/boot/kernel", FwCfgItem.of(kernelFile));
        }
    }

    /**
     * Lays out a bzImage for firmware to load. {@code initrd} may be null. Throws
     * IllegalArgumentException, with a message for people, for a file that is not a bzImage, a
     * truncated one, an initrd that does not fit, or a malformed {@code vga=}.
     */
    public static Images prepare(MemorySegment kernelFile, MemorySegment initrd, String cmdline, Options options) {
        Objects.requireNonNull(kernelFile, "kernel");
        Objects.requireNonNull(cmdline, "cmdline");
        long kernelSize = kernelFile.byteSize();
        if (kernelSize < VERSION + 2 || kernelFile.get(U32, HEADER) != HEADER_MAGIC) {
            throw new IllegalArgumentException("the kernel is not a Linux bzImage (no 'HdrS' setup header at 0x202);"
                    + " ELF/PVH and multiboot kernels cannot be loaded through fw-cfg here");
        }
        if (cmdline.indexOf('\0') >= 0) throw new IllegalArgumentException("the kernel command line contains a NUL");
        byte[] cmdlineText = cmdline.getBytes(StandardCharsets.UTF_8);
        int protocol = Short.toUnsignedInt(kernelFile.get(U16, VERSION));

        ByteBuffer header = ByteBuffer.wrap(kernelFile.asSlice(0, Math.min(kernelSize, PATCHED_HEADER_BYTES))
                .toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
        if (header.capacity() < XLOADFLAGS + 2) header = grow(header, XLOADFLAGS + 2);
        int loadflags = header.get(LOADFLAGS) & 0xff;

        long cmdlineSpace = (cmdlineText.length + 16) & ~15L;
        long realAddress, cmdlineAddress, protAddress;
        if (protocol < 0x200 || (loadflags & LOADED_HIGH) == 0) {
            realAddress = 0x90000; cmdlineAddress = 0x9a000 - cmdlineSpace; protAddress = 0x10000;
        } else if (protocol < 0x202) {
            realAddress = 0x90000; cmdlineAddress = 0x9a000 - cmdlineSpace; protAddress = 0x100000;
        } else {
            realAddress = 0x10000; cmdlineAddress = 0x20000; protAddress = 0x100000;
        }

        long initrdMax;
        if (protocol >= 0x20c && (header.getShort(XLOADFLAGS) & XLF_CAN_BE_LOADED_ABOVE_4G) != 0) {
            initrdMax = 0xFFFF_FFFFL;
        } else if (protocol >= 0x203) {
            initrdMax = Integer.toUnsignedLong(header.getInt(INITRD_ADDR_MAX));
        } else {
            initrdMax = 0x37ff_ffffL;
        }
        long ramLimit = options.ramBelow4g() - options.acpiDataSize();
        if (ramLimit <= 0) throw new IllegalArgumentException("no RAM below 4 GiB left for the initrd");
        if (initrdMax >= ramLimit) initrdMax = ramLimit - 1;

        if (protocol >= 0x202) {
            header.putInt(CMD_LINE_PTR, (int) cmdlineAddress);
        } else {
            header.putShort(OLD_CMD_LINE_MAGIC, (short) 0xA33F);
            header.putShort(OLD_CMD_LINE_OFFSET, (short) (cmdlineAddress - realAddress));
        }
        Integer videoMode = videoMode(cmdline);
        if (videoMode != null) header.putShort(VID_MODE, (short) (int) videoMode);
        if (protocol >= 0x200) header.put(TYPE_OF_LOADER, (byte) LOADER_TYPE_QEMU);
        if (protocol >= 0x201) {
            header.put(LOADFLAGS, (byte) (loadflags | CAN_USE_HEAP));
            header.putShort(HEAP_END_PTR, (short) (cmdlineAddress - realAddress - 0x200));
        }

        long initrdAddress = 0;
        if (initrd != null) {
            if (protocol < 0x200) throw new IllegalArgumentException("the kernel is too old to load an initrd");
            if (initrd.byteSize() >= initrdMax) {
                throw new IllegalArgumentException(String.format("the initrd is too large: %d bytes, the kernel and RAM allow below %d",
                        initrd.byteSize(), initrdMax));
            }
            initrdAddress = (initrdMax - initrd.byteSize()) & ~4095L;
            header.putInt(RAMDISK_IMAGE, (int) initrdAddress);
            header.putInt(RAMDISK_SIZE, (int) initrd.byteSize());
        }

        int setupSects = kernelFile.get(ValueLayout.JAVA_BYTE, SETUP_SECTS) & 0xff;
        long setupSize = ((setupSects == 0 ? 4 : setupSects) + 1) * 512L;
        if (setupSize > kernelSize) {
            throw new IllegalArgumentException("invalid kernel header: " + setupSize + " setup bytes in a " + kernelSize + "-byte file");
        }
        byte[] setup = kernelFile.asSlice(0, setupSize).toArray(ValueLayout.JAVA_BYTE);
        if (options.patchSetupHeader()) {
            System.arraycopy(header.array(), 0, setup, 0, (int) Math.min(setupSize, Math.min(header.capacity(), kernelSize)));
        }

        byte[] cmdlineData = new byte[cmdlineText.length + 1];
        System.arraycopy(cmdlineText, 0, cmdlineData, 0, cmdlineText.length);
        return new Images(protocol, realAddress, MemorySegment.ofArray(setup), protAddress,
                kernelFile.asSlice(setupSize), cmdlineAddress, cmdlineData, initrdAddress, initrd, kernelFile);
    }

    /** The vid_mode a {@code vga=} argument asks for, or null; QEMU looks at the first "vga=" anywhere. */
    static Integer videoMode(String cmdline) {
        int at = cmdline.indexOf("vga=");
        if (at < 0) return null;
        String rest = cmdline.substring(at + 4);
        if (rest.startsWith("normal")) return 0xffff;
        if (rest.startsWith("ext")) return 0xfffe;
        if (rest.startsWith("ask")) return 0xfffd;
        int end = rest.indexOf(' ');
        String number = end < 0 ? rest : rest.substring(0, end);
        try {
            long value;
            if (number.startsWith("0x") || number.startsWith("0X")) value = Long.parseLong(number.substring(2), 16);
            else if (number.length() > 1 && number.startsWith("0")) value = Long.parseLong(number.substring(1), 8);
            else value = Long.parseLong(number);
            if (value < 0 || value > 0xFFFF_FFFFL || number.startsWith("+") || number.contains("-")) throw new NumberFormatException();
            return (int) (value & 0xffff);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid 'vga=' kernel parameter: '" + number + "'");
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int size) {
        byte[] bigger = new byte[size];
        System.arraycopy(b.array(), 0, bigger, 0, b.capacity());
        return ByteBuffer.wrap(bigger).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
}
