package dev.panavisor.firmware.linux;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.panavisor.firmware.linux.TestKernels.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules from Documentation/arch/x86/boot.rst, "The real-mode kernel header" and "Details of header fields". */
class SetupHeaderTest {
    static void assertRejected(Runnable parse, String... fragments) {
        LinuxImageFormatException e = assertThrows(LinuxImageFormatException.class, parse::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' lacks '" + f + "'");
    }

    @Test
    void parsesEveryFieldALoaderNeeds() {
        BzImage image = BzImage.parse(bzImage());
        SetupHeader h = image.header();
        assertEquals(1, h.setupSects());
        assertEquals(0x020F, h.version());
        assertEquals("2.15", h.versionString());
        assertTrue(h.relocatable());
        assertEquals(0x200000, h.kernelAlignment());
        assertEquals(0x7FFFFFFF, h.initrdAddrMax());
        assertEquals(2047, h.cmdlineSize());
        assertEquals(0x1000000, h.prefAddress());
        assertEquals(0x10000, h.initSize());
        assertTrue(h.canLoadAbove4G());
        assertEquals(0x26C, h.headerEnd());
        assertEquals(1024, image.protectedModeOffset());
        assertEquals(0x3000, image.protectedModeLength());
        assertEquals(0x26C - 0x1F1, image.headerBytes().length);
        assertEquals(PayloadCompression.LZ4, image.payloadCompression());
        assertEquals(0x800, image.payload().length);
    }

    @Test
    void setupSectsZeroMeansFour() {
        // boot.rst, setup_sects: "If this field is 0, the real value is 4."
        byte[] big = Arrays.copyOf(bzImage(), 5 * 512 + 0x3000);
        System.arraycopy(bzImage(), 1024, big, 5 * 512, 0x3000);
        assertEquals(5 * 512, BzImage.parse(withU8(big, 0x1F1, 0)).protectedModeOffset());
    }

    @Test
    void bootFlagMustBeAa55() {
        assertRejected(() -> BzImage.parse(withU16(bzImage(), 0x1FE, 0x1234)), "boot_flag at offset 0x1fe");
    }

    @Test
    void headerMagicMustBeHdrS() {
        assertRejected(() -> BzImage.parse(withU32(bzImage(), 0x202, 0x12345678)), "header at offset 0x202", "HdrS");
    }

    @Test
    void protocolBelow212IsRefusedForTheMissingXloadflags() {
        assertRejected(() -> BzImage.parse(withU16(bzImage(), 0x206, 0x020B)), "version at offset 0x206", "2.11");
    }

    @Test
    void xloadflagsMustAnnounceThe64BitEntry() {
        // boot.rst, xloadflags bit 0 XLF_KERNEL_64: the kernel has the legacy 64-bit entry point at 0x200.
        assertRejected(() -> BzImage.parse(withU16(bzImage(), 0x236, 0x7E)), "xloadflags at offset 0x236", "XLF_KERNEL_64");
        assertFalse(BzImage.parse(withU16(bzImage(), 0x236, 0x1)).header().canLoadAbove4G());
    }

    @Test
    void loadedHighIsRequired() {
        assertRejected(() -> BzImage.parse(withU8(bzImage(), 0x211, 0)), "loadflags at offset 0x211");
    }

    @Test
    void kernelAlignmentMustBeAPowerOfTwo() {
        assertRejected(() -> BzImage.parse(withU32(bzImage(), 0x230, 0x300000)), "kernel_alignment at offset 0x230");
    }

    @Test
    void relocatablePrefAddressMustBeAligned() {
        assertRejected(() -> BzImage.parse(withU64(bzImage(), 0x258, 0x1100000)), "pref_address at offset 0x258", "not aligned");
        // A kernel that is not relocatable runs at pref_address whatever its alignment.
        assertEquals(0x1100000, BzImage.parse(withU64(withU8(bzImage(), 0x234, 0), 0x258, 0x1100000)).header().prefAddress());
    }

    @Test
    void initSizeMustCoverTheProtectedModeKernel() {
        // boot.rst, init_size: linear memory needed from the load address before the kernel can examine its memory map.
        assertRejected(() -> BzImage.parse(withU32(bzImage(), 0x260, 0x1000)), "init_size at offset 0x260");
    }

    @Test
    void cmdlineSizeZeroIsRefused() {
        assertRejected(() -> BzImage.parse(withU32(bzImage(), 0x238, 0)), "cmdline_size at offset 0x238");
    }

    @Test
    void initrdAddrMaxBelowOneMegabyteIsRefused() {
        assertRejected(() -> BzImage.parse(withU32(bzImage(), 0x22C, 0x8000)), "initrd_addr_max at offset 0x22c");
    }

    @Test
    void payloadMustLieInsideTheProtectedModeKernel() {
        assertRejected(() -> BzImage.parse(withU32(bzImage(), 0x24C, 0x3000)), "payload_offset at offset 0x248");
    }

    @Test
    void syssizeLargerThanTheFileMeansTruncation() {
        assertRejected(() -> BzImage.parse(Arrays.copyOf(bzImage(), 1024 + 0x1000)), "syssize at offset 0x1f4", "truncated");
    }

    @Test
    void truncatedHeaderNamesTheFirstMissingField() {
        assertRejected(() -> BzImage.parse(Arrays.copyOf(bzImage(), 0x204)), "header at offset 0x202", "truncated");
        assertRejected(() -> BzImage.parse(new byte[0]), "boot_flag at offset 0x1fe");
    }

    @Test
    void headerLengthMustReachInitSize() {
        // The byte at 0x201 is the jump displacement; the header ends at 0x202 plus it.
        assertRejected(() -> BzImage.parse(withU8(bzImage(), 0x201, 0x40)), "offset 0x201");
    }

    @Test
    void setupSectorsPastTheEndOfTheFileAreRefused() {
        assertRejected(() -> BzImage.parse(withU8(bzImage(), 0x1F1, 200)), "setup_sects at offset 0x1f1");
    }

    @Test
    void unknownPayloadMagicNamesTheBytes() {
        byte[] img = withU32(bzImage(), 1024 + 0x100, 0x11223344);
        assertRejected(() -> BzImage.parse(img).payloadCompression(), "44 33 22 11");
    }

    @Test
    void kernelImageRecognisesBothForms() {
        assertInstanceOf(BzImage.class, KernelImage.parse(bzImage()));
        assertInstanceOf(PvhElfKernel.class, KernelImage.parse(pvhElf(0x1000040)));
    }
}
