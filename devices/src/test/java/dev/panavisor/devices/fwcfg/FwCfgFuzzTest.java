package dev.panavisor.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.panavisor.devices.fwcfg.GuestWriteHandler.WriteOutcome;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A hostile guest: random port accesses and random DMA descriptors (aimed at region edges, the
 * ROM, wrap-around and huge lengths). Whatever it does, the device must not throw, and must not
 * write outside guest RAM: the pages around RAM (host memory the guest does not own) and the
 * read-only region keep their bytes.
 */
class FwCfgFuzzTest {
    private static final long RAM = 0x10000;
    private static final long RAM_SIZE = 0x10000;
    private static final long ROM = 0xFFFF_0000L;
    private static final long ROM_SIZE = 0x1000;
    private static final int GUARD = 0x2000;

    /** One guest action; {@code kind} picks what the other fields mean. */
    record Action(int kind, int port, int size, long value, int control, long length, long address) {}

    @Property(tries = 400)
    void aHostileGuestNeverBreaksOutOfItsMemory(@ForAll("actions") List<Action> actions) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ramBacking = arena.allocate(RAM_SIZE + 2 * GUARD, 4096);
            MemorySegment romBacking = arena.allocate(ROM_SIZE + 2 * GUARD, 4096);
            ramBacking.fill((byte) 0xC3);
            romBacking.fill((byte) 0x3C);
            MemorySegment ram = ramBacking.asSlice(GUARD, RAM_SIZE);
            MemorySegment rom = romBacking.asSlice(GUARD, ROM_SIZE);
            GuestMemory memory = new GuestMemory(List.of(
                    new GuestRegion("ram", RAM, ram, false, -1),
                    new GuestRegion("rom", ROM, rom, true, -1)));
            byte[] ramGuardsBefore = guards(ramBacking, RAM_SIZE);
            byte[] romBefore = romBacking.toArray(ValueLayout.JAVA_BYTE);

            int[] round = {0};
            FwCfgBuilder b = FwCfgDevice.builder()
                    .bytes(FwCfgKeys.KERNEL_DATA, new byte[0x3000])
                    .string(FwCfgKeys.CMDLINE_DATA, "console=ttyS0")
                    .file("etc/e820", new E820Table().ram(RAM, RAM_SIZE).toBytes())
                    .file("etc/lazy", FwCfgItem.lazy(100, () -> new byte[100]));
            b.mutableFile("etc/writable", new byte[64], w -> switch (round[0]++ % 4) {
                case 0 -> WriteOutcome.COMMIT;
                case 1 -> WriteOutcome.IGNORE;
                case 2 -> WriteOutcome.REJECT;
                default -> throw new IllegalStateException("handler failure");
            });
            FwCfgDevice device = b.build(memory);

            for (Action a : actions) apply(device, memory, a);

            assertArrayEquals(ramGuardsBefore, guards(ramBacking, RAM_SIZE), "host memory around RAM changed");
            assertArrayEquals(romBefore, romBacking.toArray(ValueLayout.JAVA_BYTE), "ROM or the memory around it changed");
        }
    }

    private static void apply(FwCfgDevice device, GuestMemory memory, Action a) {
        switch (a.kind()) {
            case 0 -> device.controlPorts().write(a.port() & 1, a.size(), a.value());
            case 1 -> device.controlPorts().read(a.port() & 1, a.size());
            case 2 -> device.dmaPorts().write(a.port() & 7, a.size(), a.value());
            case 3 -> device.dmaPorts().read(a.port() & 7, a.size());
            default -> {
                // Place a descriptor (when it fits in RAM; the guest cannot write its ROM) and trigger it.
                long descriptor = a.value();
                GuestRegion r = memory.regionFor(descriptor, 16);
                if (r != null && !r.readOnly()) {
                    MemorySegment d = memory.slice(descriptor, 16);
                    d.set(GuestMemory.U32_BE, 0, a.control());
                    d.set(GuestMemory.U32_BE, 4, (int) a.length());
                    d.set(GuestMemory.U64_BE, 8, a.address());
                }
                device.dmaPorts().write(0, 4, Integer.reverseBytes((int) (descriptor >>> 32)));
                device.dmaPorts().write(4, 4, Integer.reverseBytes((int) descriptor));
            }
        }
    }

    private static byte[] guards(MemorySegment backing, long size) {
        byte[] out = new byte[2 * GUARD];
        MemorySegment.copy(backing, ValueLayout.JAVA_BYTE, 0, out, 0, GUARD);
        MemorySegment.copy(backing, ValueLayout.JAVA_BYTE, GUARD + size, out, GUARD, GUARD);
        return out;
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> kind = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(0)), net.jqwik.api.Tuple.of(2, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(2)), net.jqwik.api.Tuple.of(1, Arbitraries.just(3)),
                net.jqwik.api.Tuple.of(5, Arbitraries.just(4)));
        Arbitrary<Integer> port = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> size = Arbitraries.of(1, 2, 4, 8);
        Arbitrary<Integer> keys = Arbitraries.oneOf(
                Arbitraries.of(FwCfgKeys.SIGNATURE, FwCfgKeys.ID, FwCfgKeys.FILE_DIR, FwCfgKeys.KERNEL_DATA,
                        FwCfgKeys.CMDLINE_DATA, 0x20, 0x21, 0x22, 0x23, 0x24, 0x4023, 0x8003),
                Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Integer> control = Combinators.combine(keys, Arbitraries.integers().between(0, 0x1f),
                Arbitraries.integers().between(0, 0xffff)).as((k, bits, junk) -> k << 16 | (bits | junk << 5) & 0xffff);
        Arbitrary<Long> address = Arbitraries.oneOf(
                Arbitraries.longs().between(RAM - 64, RAM + RAM_SIZE + 64),
                Arbitraries.longs().between(RAM + RAM_SIZE - 0x400, RAM + RAM_SIZE),
                Arbitraries.longs().between(ROM - 64, ROM + ROM_SIZE + 64),
                Arbitraries.of(0L, -1L, -16L, -0x1000L, 0x8000_0000_0000_0000L, 0xFFFF_FFFFL),
                Arbitraries.longs());
        Arbitrary<Long> length = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 0x200),
                Arbitraries.longs().between(RAM_SIZE - 0x100, RAM_SIZE + 0x100),
                Arbitraries.of(0xFFFF_FFFFL, 0x8000_0000L, 0x3000L, 64L, 65L),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL));
        Arbitrary<Long> value = Arbitraries.oneOf(address, Arbitraries.longs());
        Arbitrary<Action> action = Combinators.combine(kind, port, size, value, control, length, address).as(Action::new);
        return action.list().ofMinSize(1).ofMaxSize(40);
    }
}
