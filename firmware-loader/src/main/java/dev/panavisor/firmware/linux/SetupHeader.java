package dev.panavisor.firmware.linux;

import static dev.panavisor.firmware.linux.SetupHeaderField.*;

/**
 * The setup header of a bzImage, validated for the 64-bit boot protocol.
 *
 * @param setupSects      512-byte sectors of real-mode setup code after the boot sector (0 means 4)
 * @param syssize         protected-mode code size in 16-byte paragraphs
 * @param version         boot protocol version, e.g. 0x020F for 2.15
 * @param loadflags       LOADED_HIGH (bit 0) and friends
 * @param initrdAddrMax   highest address the initrd's last byte may have
 * @param kernelAlignment alignment a relocatable kernel needs
 * @param relocatable     whether the kernel may run at an address other than {@link #prefAddress}
 * @param xloadflags      XLF_* bits
 * @param cmdlineSize     longest command line, without the terminating NUL
 * @param payloadOffset   compressed payload, from the start of the protected-mode code
 * @param payloadLength   compressed payload length
 * @param prefAddress     preferred load address
 * @param initSize        bytes from the load address the kernel needs before it can relocate itself
 * @param headerEnd       file offset just past the setup header (0x202 + the byte at 0x201)
 */
public record SetupHeader(int setupSects, long syssize, int version, int loadflags, long initrdAddrMax,
                          long kernelAlignment, boolean relocatable, int xloadflags, long cmdlineSize,
                          long payloadOffset, long payloadLength, long prefAddress, long initSize, int headerEnd) {
    /** "HdrS", little-endian. */
    public static final long HEADER_MAGIC = 0x53726448L;
    public static final int BOOT_FLAG_MAGIC = 0xAA55;
    /** 2.12: the first protocol with xloadflags, hence with XLF_KERNEL_64 to tell us a 64-bit entry exists. */
    public static final int MIN_VERSION = 0x020C;
    public static final int XLF_KERNEL_64 = 1;
    public static final int XLF_CAN_BE_LOADED_ABOVE_4G = 1 << 1;
    public static final int LOADED_HIGH = 1;
    /** The struct setup_header of protocol 2.15 ends here; a longer one is cut to what boot_params holds. */
    public static final int MAX_HEADER_END = 0x290;

    /** Parses and validates the header of {@code file}; see boot.rst "The real-mode kernel header". */
    public static SetupHeader parse(byte[] file) {
        return parse(java.lang.foreign.MemorySegment.ofArray(file));
    }

    /** As {@link #parse(byte[])}, reading only the header bytes of {@code file}. */
    public static SetupHeader parse(java.lang.foreign.MemorySegment file) {
        ImageBytes b = new ImageBytes(file, "bzImage");
        int bootFlag = b.u16(BOOT_FLAG.specName(), BOOT_FLAG.offset);
        if (bootFlag != BOOT_FLAG_MAGIC) {
            throw LinuxImageFormatException.at("boot_flag", BOOT_FLAG.offset,
                    String.format("is 0x%04x, not 0xAA55: not a Linux bzImage", bootFlag));
        }
        long magic = b.u32(HEADER.specName(), HEADER.offset);
        if (magic != HEADER_MAGIC) {
            throw LinuxImageFormatException.at("header", HEADER.offset,
                    String.format("is 0x%08x, not \"HdrS\": the kernel predates boot protocol 2.00 or this is not a bzImage", magic));
        }
        int version = b.u16(VERSION.specName(), VERSION.offset);
        if (version < MIN_VERSION) {
            throw LinuxImageFormatException.at("version", VERSION.offset,
                    String.format("is %d.%02d; the 64-bit entry needs boot protocol 2.12 or later", version >> 8, version & 0xFF));
        }
        int headerEnd = 0x202 + b.u8("jump (header length)", JUMP.offset + 1);
        if (headerEnd < PREF_ADDRESS.offset + 8 + 4 + 4) {
            throw LinuxImageFormatException.at("jump (header length)", JUMP.offset + 1,
                    String.format("says the header ends at 0x%x, before init_size, which protocol 2.12 has", headerEnd));
        }
        b.require("setup header", SetupHeaderField.HEADER_START, Math.min(headerEnd, MAX_HEADER_END) - SetupHeaderField.HEADER_START);

        int setupSects = b.u8(SETUP_SECTS.specName(), SETUP_SECTS.offset);
        if (setupSects == 0) setupSects = 4; // boot.rst: "If this field is 0, the real value is 4."
        long protectedModeStart = (setupSects + 1L) * 512;
        if (protectedModeStart >= b.length()) {
            throw LinuxImageFormatException.at("setup_sects", SETUP_SECTS.offset,
                    String.format("puts the protected-mode kernel at 0x%x, at or past the end of the %d-byte file", protectedModeStart, b.length()));
        }
        long protectedModeSize = b.length() - protectedModeStart;
        long syssize = b.u32(SYSSIZE.specName(), SYSSIZE.offset);
        if (syssize * 16 > protectedModeSize + 15) {
            throw LinuxImageFormatException.at("syssize", SYSSIZE.offset,
                    String.format("says the protected-mode kernel has %d bytes but the file holds %d after the setup code (truncated?)",
                            syssize * 16, protectedModeSize));
        }
        int xloadflags = b.u16(XLOADFLAGS.specName(), XLOADFLAGS.offset);
        if ((xloadflags & XLF_KERNEL_64) == 0) {
            throw LinuxImageFormatException.at("xloadflags", XLOADFLAGS.offset,
                    String.format("is 0x%04x, without XLF_KERNEL_64: the kernel has no 64-bit entry point (a 32-bit kernel?)", xloadflags));
        }
        int loadflags = b.u8(LOADFLAGS.specName(), LOADFLAGS.offset);
        if ((loadflags & LOADED_HIGH) == 0) {
            throw LinuxImageFormatException.at("loadflags", LOADFLAGS.offset,
                    "lacks LOADED_HIGH: a zImage that must load at 0x10000 is not supported");
        }
        boolean relocatable = b.u8(RELOCATABLE_KERNEL.specName(), RELOCATABLE_KERNEL.offset) != 0;
        long alignment = b.u32(KERNEL_ALIGNMENT.specName(), KERNEL_ALIGNMENT.offset);
        if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
            throw LinuxImageFormatException.at("kernel_alignment", KERNEL_ALIGNMENT.offset,
                    String.format("is 0x%x, not a power of two", alignment));
        }
        long prefAddress = b.u64(PREF_ADDRESS.specName(), PREF_ADDRESS.offset);
        if (prefAddress < 0x100000 || prefAddress >= (1L << 46)) {
            throw LinuxImageFormatException.at("pref_address", PREF_ADDRESS.offset,
                    String.format("is 0x%x, outside [1 MiB, 64 TiB)", prefAddress));
        }
        if (relocatable && (prefAddress & (alignment - 1)) != 0) {
            throw LinuxImageFormatException.at("pref_address", PREF_ADDRESS.offset,
                    String.format("0x%x is not aligned to kernel_alignment 0x%x", prefAddress, alignment));
        }
        long initSize = b.u32(INIT_SIZE.specName(), INIT_SIZE.offset);
        if (initSize < protectedModeSize) {
            throw LinuxImageFormatException.at("init_size", INIT_SIZE.offset,
                    String.format("0x%x is smaller than the 0x%x-byte protected-mode kernel it must hold", initSize, protectedModeSize));
        }
        long cmdlineSize = b.u32(CMDLINE_SIZE.specName(), CMDLINE_SIZE.offset);
        if (cmdlineSize == 0) {
            throw LinuxImageFormatException.at("cmdline_size", CMDLINE_SIZE.offset, "is 0: the kernel would take no command line");
        }
        long initrdAddrMax = b.u32(INITRD_ADDR_MAX.specName(), INITRD_ADDR_MAX.offset);
        if (initrdAddrMax < 0xFFFFF) {
            throw LinuxImageFormatException.at("initrd_addr_max", INITRD_ADDR_MAX.offset,
                    String.format("is 0x%x, below 1 MiB: no room for an initrd", initrdAddrMax));
        }
        long payloadOffset = b.u32(PAYLOAD_OFFSET.specName(), PAYLOAD_OFFSET.offset);
        long payloadLength = b.u32(PAYLOAD_LENGTH.specName(), PAYLOAD_LENGTH.offset);
        if (payloadOffset + payloadLength > protectedModeSize) {
            throw LinuxImageFormatException.at("payload_offset", PAYLOAD_OFFSET.offset,
                    String.format("0x%x plus payload_length 0x%x runs past the 0x%x-byte protected-mode kernel",
                            payloadOffset, payloadLength, protectedModeSize));
        }
        return new SetupHeader(setupSects, syssize, version, loadflags, initrdAddrMax, alignment, relocatable,
                xloadflags, cmdlineSize, payloadOffset, payloadLength, prefAddress, initSize, Math.min(headerEnd, MAX_HEADER_END));
    }

    /** File offset of the protected-mode kernel: after the boot sector and the setup sectors. */
    public long protectedModeOffset() {
        return (setupSects + 1L) * 512;
    }

    public boolean canLoadAbove4G() {
        return (xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) != 0;
    }

    public String versionString() {
        return (version >> 8) + "." + String.format("%02d", version & 0xFF);
    }
}
