package dev.panavisor.devices.fwcfg;

import static dev.panavisor.devices.fwcfg.FwCfgTestGuest.u16be;
import static dev.panavisor.devices.fwcfg.FwCfgTestGuest.u32be;
import static dev.panavisor.devices.fwcfg.FwCfgTestGuest.u32le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The selector, data and DMA-address registers and the numbered items, checked against QEMU's
 * docs/specs/fw_cfg.rst; each test names the section whose rule it checks.
 */
class FwCfgDeviceTest {
    private static final byte[] ABC = "abcdefgh".getBytes(StandardCharsets.US_ASCII);

    private final FwCfgTestGuest guest = new FwCfgTestGuest(FwCfgDevice.builder()
            .bytes(FwCfgKeys.KERNEL_CMDLINE, ABC)
            .u32(FwCfgKeys.X86_IRQ0_OVERRIDE, 1)
            .file("etc/zeta", new byte[] {1, 2, 3})
            .file("bootorder", new byte[] {9}));

    @Nested
    class SelectorAndDataRegisters {
        // "Signature": select key 0 and read four bytes: "QEMU".
        @Test
        void signatureReadsQemu() {
            assertArrayEquals("QEMU".getBytes(StandardCharsets.US_ASCII), guest.readItem(FwCfgKeys.SIGNATURE, 4));
        }

        // "Revision / feature bitmap": u32 LE, bit 0 always, bit 1 with DMA.
        @Test
        void idHasTheTraditionalAndDmaBits() {
            assertEquals(0x3, u32le(guest.readItem(FwCfgKeys.ID, 4), 0));
            var noDma = new FwCfgTestGuest(FwCfgDevice.builder().dma(false));
            assertEquals(0x1, u32le(noDma.readItem(FwCfgKeys.ID, 4), 0));
        }

        // "Selector Register": writing it sets the data offset back to zero.
        @Test
        void selectingAgainRestartsAtOffsetZero() {
            assertArrayEquals(Arrays.copyOf(ABC, 3), guest.readItem(FwCfgKeys.KERNEL_CMDLINE, 3));
            assertArrayEquals(Arrays.copyOf(ABC, 5), guest.readItem(FwCfgKeys.KERNEL_CMDLINE, 5));
        }

        // "Data Register": each access advances the offset; past the end reads return 0x00.
        @Test
        void readsPastTheEndReturnZero() {
            byte[] got = guest.readItem(FwCfgKeys.KERNEL_CMDLINE, 12);
            assertArrayEquals(Arrays.copyOf(ABC, 12), got);
        }

        @Test
        void keysWithNothingBehindThemReadZeros() {
            assertArrayEquals(new byte[4], guest.readItem(FwCfgKeys.KERNEL_ENTRY, 4));
            assertArrayEquals(new byte[4], guest.readItem(0x3fff, 4));
        }

        // "Selector Register": bit 14 only marks the (obsolete) write channel; the item is the same.
        @Test
        void theWriteChannelBitSelectsTheSameItem() {
            assertArrayEquals(Arrays.copyOf(ABC, 4), guest.readItem(FwCfgKeys.KERNEL_CMDLINE | FwCfgKeys.WRITE_CHANNEL, 4));
        }

        // "Selector Register": bit 15 selects the architecture table, a separate key space.
        @Test
        void archKeysAreSeparateFromGenericKeys() {
            assertEquals(1, u32le(guest.readItem(FwCfgKeys.X86_IRQ0_OVERRIDE, 4), 0));
            assertArrayEquals(new byte[16], guest.readItem(FwCfgKeys.UUID, 16), "key 2 is the UUID, not the arch item 0x8002");
        }

        // "Data Register": writes ignored since QEMU v2.4.
        @Test
        void dataPortWritesAreIgnored() {
            guest.select(FwCfgKeys.KERNEL_CMDLINE);
            guest.device.controlPorts().write(1, 1, 'X');
            assertArrayEquals(Arrays.copyOf(ABC, 2), guest.readItem(FwCfgKeys.KERNEL_CMDLINE, 2));
        }

        // "Data Register": 8-bit wide on I/O ports; QEMU refuses wider accesses, and so do we.
        @Test
        void widerDataReadsReturnZeroAndDoNotAdvance() {
            guest.select(FwCfgKeys.KERNEL_CMDLINE);
            assertEquals(0, guest.device.controlPorts().read(1, 2));
            assertEquals(0, guest.device.controlPorts().read(1, 4));
            assertEquals('a', guest.inb());
        }

        // "Register Locations": the data port overlaps the selector's high byte; QEMU decodes a byte
        // read at either port as a data read.
        @Test
        void aByteReadAtTheSelectorPortAlsoReadsData() {
            guest.select(FwCfgKeys.KERNEL_CMDLINE);
            assertEquals('a', guest.device.controlPorts().read(0, 1));
            assertEquals('b', guest.device.controlPorts().read(1, 1));
        }

        @Test
        void resetSelectsTheSignature() {
            guest.readItem(FwCfgKeys.KERNEL_CMDLINE, 2);
            guest.device.reset();
            assertArrayEquals("QEMU".getBytes(StandardCharsets.US_ASCII), guest.readData(4));
        }
    }

    @Nested
    class DmaAddressRegister {
        // "Signature": with DMA, reading the DMA address register returns "QEMU CFG" big-endian.
        @Test
        void readsAsQemuCfgInMemoryOrder() {
            long high = guest.device.dmaPorts().read(0, 4);
            long low = guest.device.dmaPorts().read(4, 4);
            byte[] seen = new byte[8];
            for (int i = 0; i < 4; i++) {
                seen[i] = (byte) (high >>> (8 * i));
                seen[4 + i] = (byte) (low >>> (8 * i));
            }
            assertEquals("QEMU CFG", new String(seen, StandardCharsets.US_ASCII));
            assertEquals('Q', guest.device.dmaPorts().read(0, 1));
            assertEquals('G', guest.device.dmaPorts().read(7, 1));
        }

        // "Guest-side DMA Interface": a 64-bit write at offset 0 triggers too.
        @Test
        void oneSixtyFourBitWriteTriggers() {
            guest.writeDescriptor(0x1000, FwCfgKeys.SIGNATURE << 16 | FwCfgDma.CTL_SELECT | FwCfgDma.CTL_READ, 4, 0x2000);
            guest.device.dmaPorts().write(0, 8, Long.reverseBytes(0x1000));
            assertEquals("QEMU", new String(guest.ramBytes(0x2000, 4), StandardCharsets.US_ASCII));
            assertEquals(0, guest.memory.slice(0x1000, 4).get(dev.panavisor.vmm.memory.GuestMemory.U32_BE, 0));
        }

        // "Guest-side DMA Interface": two 32-bit writes, most significant half first, for a descriptor above 4 GiB.
        @Test
        void twoHalvesReachADescriptorAbove4GiB() {
            long descriptor = FwCfgTestGuest.HIGH_RAM + 0x100;
            int control = guest.dma(descriptor, FwCfgKeys.SIGNATURE << 16 | FwCfgDma.CTL_SELECT | FwCfgDma.CTL_READ, 4, FwCfgTestGuest.HIGH_RAM + 0x200);
            assertEquals(0, control);
            assertEquals("QEMU", new String(guest.ramBytes(FwCfgTestGuest.HIGH_RAM + 0x200, 4), StandardCharsets.US_ASCII));
        }

        // "Guest-side DMA Interface": the register is 0 after an operation, so a later low-only
        // write means a descriptor below 4 GiB.
        @Test
        void theHighHalfIsClearedAfterATransfer() {
            guest.dma(FwCfgTestGuest.HIGH_RAM, FwCfgDma.CTL_SELECT, 0, 0);
            int control = guest.dma(0x3000, FwCfgKeys.SIGNATURE << 16 | FwCfgDma.CTL_SELECT | FwCfgDma.CTL_READ, 4, 0x3100);
            assertEquals(0, control);
            assertEquals("QEMU", new String(guest.ramBytes(0x3100, 4), StandardCharsets.US_ASCII));
        }
    }

    @Nested
    class FileDirectory {
        // "File Directory": u32 BE count, then 64-byte entries {u32 size BE, u16 select BE, u16 reserved, char name[56]}.
        @Test
        void entriesAreBigEndianAndSortedByName() {
            guest.select(FwCfgKeys.FILE_DIR);
            byte[] count = guest.readData(4);
            assertEquals(3, u32be(count, 0), "bootorder, etc/boot-fail-wait, etc/zeta");
            String[] names = new String[3];
            int[] keys = new int[3];
            int[] sizes = new int[3];
            for (int i = 0; i < 3; i++) {
                byte[] e = guest.readData(64);
                sizes[i] = u32be(e, 0);
                keys[i] = u16be(e, 4);
                assertEquals(0, u16be(e, 6), "reserved");
                int nul = 8;
                while (e[nul] != 0) nul++;
                names[i] = new String(e, 8, nul - 8, StandardCharsets.US_ASCII);
                for (int j = nul; j < 64; j++) assertEquals(0, e[j], "name is NUL-padded");
            }
            assertArrayEquals(new String[] {"bootorder", "etc/boot-fail-wait", "etc/zeta"}, names);
            assertArrayEquals(new int[] {0x20, 0x21, 0x22}, keys);
            assertArrayEquals(new int[] {1, 4, 3}, sizes);
            assertArrayEquals(new byte[] {1, 2, 3}, guest.readItem(0x22, 3));
            assertEquals(0x22, guest.device.keyOf("etc/zeta"));
            assertEquals(-1, guest.device.keyOf("etc/none"));
            assertNull(guest.device.file("etc/none"));
        }
    }
}
