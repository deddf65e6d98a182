package dev.panavisor.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FwCfgBuilderTest {
    @TempDir
    Path dir;

    @Test
    void qemusCommonDefaultsArePresentAndReplaceableOnce() {
        var g = new FwCfgTestGuest(FwCfgDevice.builder().noGraphic(false));
        assertArrayEquals(new byte[] {0, 0}, g.readItem(FwCfgKeys.NOGRAPHIC, 2));
        assertArrayEquals(new byte[] {0, 0}, g.readItem(FwCfgKeys.BOOT_MENU, 2));
        assertArrayEquals(new byte[16], g.readItem(FwCfgKeys.UUID, 16));
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, g.readItem(g.device.keyOf("etc/boot-fail-wait"), 4));
        assertThrows(IllegalArgumentException.class, () -> FwCfgDevice.builder().noGraphic(true).noGraphic(false));
    }

    @Test
    void keysAndNamesGivenTwiceAreWiringBugs() {
        assertThrows(IllegalArgumentException.class, () -> FwCfgDevice.builder().ramSize(1).ramSize(2));
        assertThrows(IllegalArgumentException.class, () -> FwCfgDevice.builder().file("a", new byte[1]).file("a", new byte[1]));
    }

    @Test
    void deviceOwnedAndFileRangeKeysAreRefused() {
        for (int key : new int[] {FwCfgKeys.SIGNATURE, FwCfgKeys.ID, FwCfgKeys.FILE_DIR, FwCfgKeys.FILE_FIRST, 0x3fff,
                FwCfgKeys.WRITE_CHANNEL | 3, 0x10000}) {
            assertThrows(IllegalArgumentException.class, () -> FwCfgDevice.builder().bytes(key, new byte[1]), Integer.toHexString(key));
        }
    }

    // fw_cfg.rst "File Directory": name[56] including the NUL, so 55 characters at most.
    @Test
    void fileNamesMustFitTheDirectoryEntry() {
        FwCfgDevice.builder().file("x".repeat(55), new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> FwCfgDevice.builder().file("x".repeat(56), new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> FwCfgDevice.builder().file("", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> FwCfgDevice.builder().file("caf\u00e9", new byte[1]));
    }

    @Test
    void e820EntriesArePackedLittleEndianTwentyBytes() {
        var table = new E820Table().ram(0, 0x9fc00).reserved(0xfeffc000L, 0x4000).ram(0x1_0000_0000L, 0x4000_0000L);
        var g = new FwCfgTestGuest(FwCfgDevice.builder().e820(table));
        byte[] b = g.readItem(g.device.keyOf("etc/e820"), 60);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, bb.getLong()); assertEquals(0x9fc00, bb.getLong()); assertEquals(E820Table.RAM, bb.getInt());
        assertEquals(0xfeffc000L, bb.getLong()); assertEquals(0x4000, bb.getLong()); assertEquals(E820Table.RESERVED, bb.getInt());
        assertEquals(0x1_0000_0000L, bb.getLong()); assertEquals(0x4000_0000L, bb.getLong()); assertEquals(E820Table.RAM, bb.getInt());
        assertEquals(60, g.device.file("etc/e820").size());
    }

    @Test
    void bootOrderIsNewlineSeparatedAndNulTerminated() {
        var g = new FwCfgTestGuest(FwCfgDevice.builder().bootOrder(List.of("/pci@i0cf8/ide@1,1/drive@0/disk@0", "HALT")));
        byte[] expected = "/pci@i0cf8/ide@1,1/drive@0/disk@0\nHALT\0".getBytes(StandardCharsets.US_ASCII);
        assertEquals(expected.length, g.device.file("bootorder").size());
        assertArrayEquals(expected, g.readItem(g.device.keyOf("bootorder"), expected.length));
    }

    @Test
    void bootMenuSetsTheNumberedItemAndTheWaitFile() {
        var g = new FwCfgTestGuest(FwCfgDevice.builder().bootMenu(true, 2500));
        assertArrayEquals(new byte[] {1, 0}, g.readItem(FwCfgKeys.BOOT_MENU, 2));
        assertArrayEquals(new byte[] {(byte) 0xc4, 0x09}, g.readItem(g.device.keyOf("etc/boot-menu-wait"), 2));
    }

    @Test
    void x86PlatformItemsAreWhatSeaBiosReads() {
        var g = new FwCfgTestGuest(FwCfgDevice.builder().x86Platform(2, 4, 512L << 20, new E820Table().ram(0, 512L << 20)));
        assertArrayEquals(new byte[] {2, 0}, g.readItem(FwCfgKeys.NB_CPUS, 2));
        assertArrayEquals(new byte[] {4, 0}, g.readItem(FwCfgKeys.MAX_CPUS, 2));
        assertArrayEquals(FwCfgItem.littleEndian(512L << 20, 8), g.readItem(FwCfgKeys.RAM_SIZE, 8));
        assertArrayEquals(new byte[] {1, 0, 0, 0}, g.readItem(FwCfgKeys.X86_IRQ0_OVERRIDE, 4));
        assertEquals(8 * 5, g.device.item(FwCfgKeys.NUMA).size(), "node count, then one word per APIC ID");
        assertArrayEquals(new byte[8], g.readItem(FwCfgKeys.NUMA, 8));
    }

    @Test
    void hostFilesAreSizedNowAndReadOnFirstSelect() throws IOException {
        Path f = dir.resolve("blob");
        Files.write(f, new byte[] {1, 2, 3});
        var b = FwCfgDevice.builder().hostFile("opt/test/blob", f);
        Files.write(f, new byte[] {4, 5, 6});
        var g = new FwCfgTestGuest(b);
        assertEquals(3, g.device.file("opt/test/blob").size());
        assertArrayEquals(new byte[] {4, 5, 6}, g.readItem(g.device.keyOf("opt/test/blob"), 3), "read at select, not at build");
    }

    @Test
    void aHostFileThatChangedSizeReadsAsZeros() throws IOException {
        Path f = dir.resolve("blob");
        Files.write(f, new byte[] {1, 2, 3});
        var b = FwCfgDevice.builder().hostFile("opt/test/blob", f);
        Files.write(f, new byte[] {1, 2, 3, 4});
        var g = new FwCfgTestGuest(b);
        assertArrayEquals(new byte[3], g.readItem(g.device.keyOf("opt/test/blob"), 3));
    }

    @Test
    void aMissingHostFileFailsTheBuild() {
        assertThrows(IOException.class, () -> FwCfgDevice.builder().hostFile("opt/x", dir.resolve("none")));
    }

    @Test
    void lazyItemsAreProducedOnceAtFirstSelect() {
        int[] calls = {0};
        var g = new FwCfgTestGuest(FwCfgDevice.builder().file("etc/lazy", FwCfgItem.lazy(2, () -> {
            calls[0]++;
            return new byte[] {5, 6};
        })));
        assertEquals(0, calls[0]);
        assertArrayEquals(new byte[] {5, 6}, g.readItem(g.device.keyOf("etc/lazy"), 2));
        assertArrayEquals(new byte[] {5, 6}, g.readItem(g.device.keyOf("etc/lazy"), 2));
        assertEquals(1, calls[0]);
    }

    @Test
    void aFailingProducerReadsAsZerosInsteadOfThrowing() {
        var g = new FwCfgTestGuest(FwCfgDevice.builder().file("etc/lazy", FwCfgItem.lazy(2, () -> {
            throw new IllegalStateException("no");
        })));
        assertArrayEquals(new byte[2], g.readItem(g.device.keyOf("etc/lazy"), 2));
    }

    @Test
    void userFilesComeFromTheOption() throws IOException {
        Path f = dir.resolve("stage2");
        Files.write(f, new byte[] {9, 8});
        var g = new FwCfgTestGuest(FwCfgDevice.builder()
                .userFile(FwCfgFileOption.parse("name=opt/org.example/stage2,file=" + f))
                .userFile(FwCfgFileOption.parse("opt/org.example/msg,string=hi")));
        assertArrayEquals(new byte[] {9, 8}, g.readItem(g.device.keyOf("opt/org.example/stage2"), 2));
        assertEquals(2, g.device.file("opt/org.example/msg").size(), "string= is stored without a NUL, as QEMU does");
        assertTrue(g.device.keyOf("opt/org.example/msg") < g.device.keyOf("opt/org.example/stage2"), "keys follow name order");
    }
}
