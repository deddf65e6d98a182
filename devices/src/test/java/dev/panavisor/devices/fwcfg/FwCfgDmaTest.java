package dev.panavisor.devices.fwcfg;

import static dev.panavisor.devices.fwcfg.FwCfgDma.CTL_ERROR;
import static dev.panavisor.devices.fwcfg.FwCfgDma.CTL_READ;
import static dev.panavisor.devices.fwcfg.FwCfgDma.CTL_SELECT;
import static dev.panavisor.devices.fwcfg.FwCfgDma.CTL_SKIP;
import static dev.panavisor.devices.fwcfg.FwCfgDma.CTL_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panavisor.devices.fwcfg.GuestWriteHandler.WriteOutcome;
import dev.panavisor.vmm.memory.GuestMemory;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The DMA interface, rule by rule from fw_cfg.rst, "Guest-side DMA Interface", plus the bounds
 * checks this VMM adds (every guest range inside guest memory, or the error bit and nothing touched).
 */
class FwCfgDmaTest {
    private static final long DESC = 0x1000;
    private static final long BUF = 0x2000;
    private static final byte[] DATA = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final List<GuestWrite> seen = new ArrayList<>();
    private WriteOutcome verdict = WriteOutcome.COMMIT;
    private final FwCfgBuilder builder = FwCfgDevice.builder().bytes(FwCfgKeys.KERNEL_CMDLINE, DATA);
    private final MutableFwCfgFile writable = builder.mutableFile("etc/writable", new byte[8], w -> {
        seen.add(new GuestWrite(w.offset(), w.length(), null, null));
        return verdict;
    });
    private final MutableFwCfgFile hostOnly = builder.mutableFile("etc/host-only", new byte[] {7, 7}, null);
    private final FwCfgTestGuest guest = new FwCfgTestGuest(builder);
    private final int writableKey = guest.device.keyOf("etc/writable");

    private static int select(int key) { return key << 16 | CTL_SELECT; }

    @Nested
    class Read {
        // Bit 3 (select) then bit 1 (read): length bytes of the item go to address; control becomes 0.
        @Test
        void selectAndReadCopiesTheItemAndClearsControl() {
            assertEquals(0, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ, 16, BUF));
            assertArrayEquals(DATA, guest.ramBytes(BUF, 16));
        }

        // "length bytes for the current selector and offset": without bit 3 the read continues.
        @Test
        void readWithoutSelectContinuesAtTheCurrentOffset() {
            guest.select(FwCfgKeys.KERNEL_CMDLINE);
            guest.readData(3);
            assertEquals(0, guest.dma(DESC, CTL_READ, 4, BUF));
            assertArrayEquals("3456".getBytes(StandardCharsets.US_ASCII), guest.ramBytes(BUF, 4));
            assertEquals('7', guest.inb(), "DMA advanced the same offset the data port uses");
        }

        // QEMU zero-fills the part of a read that lies past the item's end.
        @Test
        void readingPastTheEndZeroFills() {
            guest.fillRam(BUF, 32, 0xAA);
            assertEquals(0, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ, 24, BUF));
            assertArrayEquals(Arrays.copyOf(DATA, 24), guest.ramBytes(BUF, 24));
            assertEquals((byte) 0xAA, guest.ramBytes(BUF + 24, 1)[0], "nothing beyond length is written");
        }

        @Test
        void readingAnAbsentKeyZeroFills() {
            guest.fillRam(BUF, 8, 0xAA);
            assertEquals(0, guest.dma(DESC, select(FwCfgKeys.KERNEL_ENTRY) | CTL_READ, 8, BUF));
            assertArrayEquals(new byte[8], guest.ramBytes(BUF, 8));
        }

        // Bit 1 wins over bit 4 and bit 2.
        @Test
        void readTakesPrecedenceOverWriteAndSkip() {
            guest.fillRam(BUF, 8, 0x55);
            assertEquals(0, guest.dma(DESC, select(writableKey) | CTL_READ | CTL_WRITE | CTL_SKIP, 8, BUF));
            assertArrayEquals(new byte[8], guest.ramBytes(BUF, 8), "the file was read into the buffer");
            assertArrayEquals(new byte[8], writable.read(), "and not written");
            assertTrue(seen.isEmpty());
        }
    }

    @Nested
    class Skip {
        // Bit 2 (without 1 and 4): the offset advances by length; nothing is copied.
        @Test
        void skipAdvancesTheOffset() {
            guest.fillRam(BUF, 4, 0xAA);
            assertEquals(0, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_SKIP, 10, BUF));
            assertArrayEquals(new byte[] {(byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA}, guest.ramBytes(BUF, 4));
            assertEquals('a', guest.inb());
        }

        // SeaBIOS skips with address 0: skip touches no guest memory, so the address does not matter.
        @Test
        void skipIgnoresTheAddress() {
            guest.select(FwCfgKeys.KERNEL_CMDLINE);
            assertEquals(0, guest.dma(DESC, CTL_SKIP, 2, 0xdead_beef_0000L));
            assertEquals('2', guest.inb());
        }

        @Test
        void skipStopsAtTheEnd() {
            assertEquals(0, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_SKIP, 1000, 0));
            assertEquals(DATA.length, guest.device.offset());
        }
    }

    @Nested
    class SelectOnly {
        // Bit 3 alone: "the same effect as writing the selector register"; no transfer, whatever length says.
        @Test
        void selectAloneSelectsAndTransfersNothing() {
            guest.fillRam(BUF, 4, 0xAA);
            assertEquals(0, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE), 4, BUF));
            assertEquals((byte) 0xAA, guest.ramBytes(BUF, 1)[0]);
            assertEquals('0', guest.inb());
        }
    }

    @Nested
    class Write {
        // Bit 4: length bytes from address go into the item at the current offset; the host handler sees them.
        @Test
        void writeReachesTheHandlerAndCommits() {
            guest.memory.write(BUF, new byte[] {1, 2, 3});
            guest.select(writableKey);
            guest.dma(DESC, CTL_SKIP, 2, 0);
            assertEquals(0, guest.dma(DESC, CTL_WRITE, 3, BUF));
            assertEquals(1, seen.size());
            assertEquals(2, seen.getFirst().offset());
            assertEquals(3, seen.getFirst().length());
            assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 0, 0, 0}, writable.read());
            assertEquals(0, guest.dma(DESC, select(writableKey) | CTL_READ, 8, BUF + 0x100));
            assertArrayEquals(writable.read(), guest.ramBytes(BUF + 0x100, 8), "the guest reads back what was committed");
        }

        // "Writes to read-only items are also rejected" with bit 0.
        @Test
        void writingAReadOnlyItemSetsTheErrorBit() {
            guest.memory.write(BUF, new byte[] {'X'});
            assertEquals(CTL_ERROR, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_WRITE, 1, BUF));
            assertArrayEquals(Arrays.copyOf(DATA, 2), guest.readItem(FwCfgKeys.KERNEL_CMDLINE, 2));
            assertEquals(CTL_ERROR, guest.dma(DESC, select(guest.device.keyOf("etc/host-only")) | CTL_WRITE, 1, BUF));
            assertArrayEquals(new byte[] {7, 7}, hostOnly.read(), "a mutable file without a handler is read-only to the guest");
        }

        // "QEMU prevents starting or finishing the write beyond the end ... Truncated writes are dropped entirely."
        @Test
        void aWriteRunningPastTheEndIsDroppedEntirely() {
            guest.fillRam(BUF, 16, 0x11);
            assertEquals(CTL_ERROR, guest.dma(DESC, select(writableKey) | CTL_WRITE, 9, BUF));
            assertArrayEquals(new byte[8], writable.read());
            assertTrue(seen.isEmpty());
        }

        @Test
        void aWriteStartingPastTheEndFails() {
            guest.select(writableKey);
            guest.dma(DESC, CTL_SKIP, 8, 0);
            assertEquals(CTL_ERROR, guest.dma(DESC, CTL_WRITE, 1, BUF));
        }

        @Test
        void aRejectingHandlerLeavesTheFileAndSetsTheErrorBit() {
            verdict = WriteOutcome.REJECT;
            guest.fillRam(BUF, 8, 0x22);
            assertEquals(CTL_ERROR, guest.dma(DESC, select(writableKey) | CTL_WRITE, 8, BUF));
            assertArrayEquals(new byte[8], writable.read());
        }

        @Test
        void anIgnoringHandlerLeavesTheFileWithoutAnError() {
            verdict = WriteOutcome.IGNORE;
            guest.fillRam(BUF, 8, 0x22);
            assertEquals(0, guest.dma(DESC, select(writableKey) | CTL_WRITE, 8, BUF));
            assertArrayEquals(new byte[8], writable.read());
        }

        @Test
        void aThrowingHandlerCountsAsRejectedAndDoesNotEscape() {
            var b = FwCfgDevice.builder();
            MutableFwCfgFile f = b.mutableFile("etc/bad", new byte[4], w -> { throw new IllegalStateException("boom"); });
            var g = new FwCfgTestGuest(b);
            g.fillRam(BUF, 4, 0x33);
            assertEquals(CTL_ERROR, g.dma(DESC, select(g.device.keyOf("etc/bad")) | CTL_WRITE, 4, BUF));
            assertArrayEquals(new byte[4], f.read());
        }

        // Host-side validation: the handler may rewrite what the guest wrote; the guest reads that back.
        @Test
        void theHandlerCanWriteBackWhatItAccepted() {
            var b = FwCfgDevice.builder();
            MutableFwCfgFile f = b.mutableFile("etc/status", new byte[8], w -> {
                long requested = w.proposed().get(GuestMemory.U64_LE, 0);
                w.proposed().set(GuestMemory.U64_LE, 0, requested & ~0xFFFL); // accept page-aligned only
                return WriteOutcome.COMMIT;
            });
            var g = new FwCfgTestGuest(b);
            g.memory.writeU64(BUF, 0x12345L);
            assertEquals(0, g.dma(DESC, select(g.device.keyOf("etc/status")) | CTL_WRITE, 8, BUF));
            assertEquals(0x12000L, ByteBuffer.wrap(f.read()).order(ByteOrder.LITTLE_ENDIAN).getLong());
            g.dma(DESC, select(g.device.keyOf("etc/status")) | CTL_READ, 8, BUF + 0x40);
            assertEquals(0x12000L, g.memory.readU64(BUF + 0x40));
        }

        @Test
        void hostUpdatesAreWhatTheGuestReadsNext() {
            writable.set(new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
            assertArrayEquals(new byte[] {8, 7, 6}, guest.readItem(writableKey, 3));
            writable.update(s -> s.set(ValueLayout.JAVA_BYTE, 0, (byte) 42));
            assertEquals(42, guest.readItem(writableKey, 1)[0]);
        }
    }

    @Nested
    class BadGuestRanges {
        private final byte[] before = guest.ramBytes(0, (int) FwCfgTestGuest.RAM_SIZE);

        private void assertRamUnchangedExceptControlAt(long descriptor) {
            byte[] after = guest.ramBytes(0, (int) FwCfgTestGuest.RAM_SIZE);
            for (int i = 0; i < after.length; i++) {
                if (i >= descriptor && i < descriptor + 16) continue;
                if (after[i] != before[i]) throw new AssertionError("RAM changed at 0x" + Integer.toHexString(i));
            }
        }

        @Test
        void aDescriptorOutsideGuestMemoryIsCountedAndIgnored() {
            long errors = guest.device.guestErrors();
            guest.trigger(0x8000_0000L);
            assertEquals(errors + 1, guest.device.guestErrors());
            assertRamUnchangedExceptControlAt(-1);
        }

        @Test
        void aDescriptorStraddlingTheEndOfRamGetsTheErrorBitWhereItCan() {
            long descriptor = FwCfgTestGuest.RAM_SIZE - 8;
            guest.memory.slice(descriptor, 8).fill((byte) 0);
            guest.trigger(descriptor);
            assertEquals(CTL_ERROR, guest.memory.slice(descriptor, 4).get(GuestMemory.U32_BE, 0));
            assertEquals(0, guest.device.offset());
        }

        @Test
        void aBufferOutsideGuestMemoryFails() {
            assertEquals(CTL_ERROR, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ, 16, 0x4000_0000L));
        }

        @Test
        void aBufferCrossingTheEndOfARegionFailsAndWritesNothingPastIt() {
            long at = FwCfgTestGuest.RAM_SIZE - 4;
            guest.fillRam(at, 4, 0xAA);
            assertEquals(CTL_ERROR, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ, 8, at));
            assertArrayEquals(new byte[] {(byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA}, guest.ramBytes(at, 4));
        }

        @Test
        void aBufferThatWrapsAround2To64Fails() {
            assertEquals(CTL_ERROR, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ, 16, -8L));
            assertEquals(CTL_ERROR, guest.dma(DESC, select(writableKey) | CTL_WRITE, 8, -4L));
            assertArrayEquals(new byte[8], writable.read());
        }

        // A 4 GiB - 1 read past an item's end would zero-fill that much: refused up front as not inside RAM.
        @Test
        void aMaximalLengthFailsWithoutTouchingRam() {
            assertEquals(CTL_ERROR, guest.dma(DESC, select(FwCfgKeys.KERNEL_ENTRY) | CTL_READ, 0xFFFF_FFFFL, BUF));
            assertRamUnchangedExceptControlAt(DESC);
        }

        @Test
        void readsIntoReadOnlyMemoryFail() {
            assertEquals(CTL_ERROR, guest.dma(DESC, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ, 16, FwCfgTestGuest.ROM));
            assertArrayEquals(new byte[16], guest.memory.readBytes(FwCfgTestGuest.ROM, 16));
        }

        @Test
        void aDescriptorInRomIsReadButItsControlWordIsNotWritten() {
            guest.rom.set(GuestMemory.U32_BE, 0, select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ);
            guest.rom.set(GuestMemory.U32_BE, 4, 4);
            guest.rom.set(GuestMemory.U64_BE, 8, BUF);
            guest.trigger(FwCfgTestGuest.ROM);
            assertArrayEquals("0123".getBytes(StandardCharsets.US_ASCII), guest.ramBytes(BUF, 4));
            assertEquals(select(FwCfgKeys.KERNEL_CMDLINE) | CTL_READ, guest.rom.get(GuestMemory.U32_BE, 0));
        }
    }
}
