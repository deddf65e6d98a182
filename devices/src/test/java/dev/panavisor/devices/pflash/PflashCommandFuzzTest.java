package dev.panavisor.devices.pflash;

import dev.panavisor.vmm.memory.RomDeviceMapping;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a guest writes, the flash never throws, a read-only unit never changes, and
 * repeated 0xFF writes end in read-array mode (a single one may be taken as data, as on real parts).
 */
class PflashCommandFuzzTest {
    static final int SIZE = 4 * 4096;

    record Access(boolean write, long offset, int size, long value) { }

    @Provide
    Arbitrary<List<Access>> accesses() {
        Arbitrary<Long> offsets = Arbitraries.oneOf(Arbitraries.longs().between(0, SIZE + 16),
                Arbitraries.of(0L, 0x10L, 0x55L, 4096L, (long) SIZE - 1));
        Arbitrary<Long> values = Arbitraries.oneOf(Arbitraries.of(0x00L, 0x10L, 0x20L, 0x28L, 0x40L, 0x50L, 0x60L, 0x70L,
                0x90L, 0x98L, 0xD0L, 0xE8L, 0xF0L, 0xFFL, 0x01L), Arbitraries.longs());
        Arbitrary<Access> a = net.jqwik.api.Combinators.combine(Arbitraries.of(true, false), offsets, Arbitraries.of(1, 2, 4, 8), values)
                .as(Access::new);
        return a.list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void readOnlyUnitNeverChangesAndNothingThrows(@ForAll("accesses") List<Access> script) {
        MemorySegment s = Arena.ofAuto().allocate(SIZE);
        for (int i = 0; i < SIZE; i++) s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 13));
        byte[] before = s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        RomDeviceMapping mapping = RomDeviceMapping.detached();
        RecordingBacking backing = new RecordingBacking();
        PflashCfi01 f = new PflashCfi01("ro", s, 4096, true, mapping, backing, FlashIdentity.QEMU_PC);
        run(f, script);
        backToReadArray(f);
        assertTrue(java.util.Arrays.equals(before, s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        assertTrue(backing.writes.isEmpty());
        assertTrue(f.inReadArrayMode());
        assertTrue(mapping.isMappedReadOnly());
    }

    @Property(tries = 300)
    void writableUnitPersistsWholeBlocksAndEndsMappedAfterReadArray(@ForAll("accesses") List<Access> script) {
        MemorySegment s = Arena.ofAuto().allocate(SIZE);
        RomDeviceMapping mapping = RomDeviceMapping.detached();
        RecordingBacking backing = new RecordingBacking();
        PflashCfi01 f = new PflashCfi01("rw", s, 4096, false, mapping, backing, FlashIdentity.QEMU_PC);
        run(f, script);
        backToReadArray(f);
        assertTrue(f.inReadArrayMode());
        assertTrue(mapping.isMappedReadOnly());
        for (RecordingBacking.Write w : backing.writes) {
            assertEquals(0, w.offset() % 4096);
            assertEquals(4096, w.content().length);
        }
        // Whatever was persisted last for a block equals the block now: nothing changed unsaved.
        java.util.Map<Long, byte[]> last = new java.util.HashMap<>();
        for (RecordingBacking.Write w : backing.writes) last.put(w.offset(), w.content());
        last.forEach((off, content) -> assertTrue(java.util.Arrays.equals(content,
                s.asSlice(off, 4096).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)), "block 0x" + Long.toHexString(off)));
    }

    /** A buffered write can take up to 256 data bytes and a confirm before 0xFF is a command again. */
    private static void backToReadArray(PflashCfi01 f) {
        for (int i = 0; i < 300 && !f.inReadArrayMode(); i++) f.write(0, 1, 0xFF);
    }

    private static void run(PflashCfi01 f, List<Access> script) {
        for (Access a : script) {
            if (a.write()) f.write(a.offset(), a.size(), a.value());
            else f.read(a.offset(), a.size());
        }
    }
}
