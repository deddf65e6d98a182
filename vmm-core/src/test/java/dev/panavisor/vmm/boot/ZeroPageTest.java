package dev.panavisor.vmm.boot;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** struct boot_params per Documentation/arch/x86/zero-page.rst and boot.rst. */
class ZeroPageTest {
    private static byte[] header() {
        byte[] h = new byte[0x26C - 0x1F1];
        h[0x1FE - 0x1F1] = 0x55;
        h[0x1FF - 0x1F1] = (byte) 0xAA;
        h[0x211 - 0x1F1] = 0x01;            // loadflags LOADED_HIGH
        h[0x236 - 0x1F1] = 0x7F;            // xloadflags
        return h;
    }

    private static ByteBuffer page(ZeroPage z) {
        return ByteBuffer.wrap(z.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void theSetupHeaderIsCopiedAtItsOwnOffset() {
        // boot.rst "64-bit Boot Protocol": the loader fills the setup header into boot_params at 0x1F1.
        ByteBuffer p = page(new ZeroPage(header()));
        assertEquals((short) 0xAA55, p.getShort(0x1FE));
        assertEquals(0x7F, p.get(0x236));
        assertEquals(ZeroPage.SIZE, p.capacity());
    }

    @Test
    void typeOfLoaderIsUndefinedAndVidModeNormal() {
        // boot.rst, type_of_loader: "0xFF" for a loader with no assigned ID; vid_mode 0xFFFF "normal".
        ByteBuffer p = page(new ZeroPage(header()));
        assertEquals((byte) 0xFF, p.get(0x210));
        assertEquals((short) 0xFFFF, p.getShort(0x1FA));
    }

    @Test
    void commandLinePointerSplitsAt4GiB() {
        // boot.rst, cmd_line_ptr (0x228) and zero-page.rst ext_cmd_line_ptr (0x0C8) for the high 32 bits.
        ByteBuffer p = page(new ZeroPage(header()).commandLine(0x1_2002_0000L));
        assertEquals(0x20020000, p.getInt(0x228));
        assertEquals(1, p.getInt(0x0C8));
    }

    @Test
    void ramdiskFieldsAndTheirExtHalves() {
        ByteBuffer p = page(new ZeroPage(header()).ramdisk(0x2_1FF0_0000L, 0x1_0000_1000L));
        assertEquals(0x1FF00000, p.getInt(0x218));
        assertEquals(0x00001000, p.getInt(0x21C));
        assertEquals(2, p.getInt(0x0C0));
        assertEquals(1, p.getInt(0x0C4));
    }

    @Test
    void e820TableAt0x2d0WithCountAt0x1e8() {
        List<E820Entry> map = new PcMemoryMap(8L << 30).e820();
        ByteBuffer p = page(new ZeroPage(header()).e820(map));
        assertEquals(map.size(), p.get(0x1E8));
        for (int i = 0; i < map.size(); i++) {
            int at = 0x2D0 + 20 * i;
            assertEquals(map.get(i).address(), p.getLong(at));
            assertEquals(map.get(i).size(), p.getLong(at + 8));
            assertEquals(map.get(i).type().code, p.getInt(at + 16));
        }
    }

    @Test
    void acpiRsdpAddressAt0x70() {
        assertEquals(0xE0000L, page(new ZeroPage(header()).acpiRsdp(0xE0000)).getLong(0x70));
    }

    @Test
    void moreThan128E820EntriesAreRefused() {
        List<E820Entry> many = java.util.stream.IntStream.range(0, 129).mapToObj(i -> new E820Entry(i * 4096L, 4096, E820Type.RAM)).toList();
        assertThrows(IllegalArgumentException.class, () -> new ZeroPage(header()).e820(many));
    }

    @Test
    void anOversizedSetupHeaderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ZeroPage(new byte[0x290 - 0x1F1 + 1]));
    }
}
