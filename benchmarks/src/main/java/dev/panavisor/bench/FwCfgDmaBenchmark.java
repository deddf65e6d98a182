package dev.panavisor.bench;

import dev.panavisor.devices.fwcfg.FwCfgDevice;
import dev.panavisor.devices.fwcfg.FwCfgItem;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How close a fw-cfg DMA read of a 16 MiB file (a kernel or initrd, held in a heap array as the
 * launcher reads it) gets to a bare MemorySegment.copy of the same bytes into the same guest RAM.
 * The DMA side pays for the port write, the descriptor parse, the bounds checks and the lock; the
 * copy itself is the same. Guest RAM is a plain page-aligned native segment, pre-faulted, so no
 * KVM is needed and the destination is identical for both methods.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FwCfgDmaBenchmark {
    private static final int FILE_SIZE = 16 << 20;
    private static final long RAM_SIZE = 32 << 20;
    private static final long DESCRIPTOR = 0x1000;
    private static final long TARGET = 0x100000;
    private static final int READ_SELECT = 0x02 | 0x08;

    private Arena arena;
    private MemorySegment ram;
    private MemorySegment source;
    private GuestMemory memory;
    private FwCfgDevice device;
    private int control;
    private int triggerValue;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        ram = arena.allocate(RAM_SIZE, 4096);
        ram.fill((byte) 1);
        byte[] file = new byte[FILE_SIZE];
        for (int i = 0; i < file.length; i++) file[i] = (byte) (i * 31);
        source = MemorySegment.ofArray(file);
        memory = new GuestMemory(List.of(new GuestRegion("ram", 0, ram, false, -1)));
        device = FwCfgDevice.builder().file("opt/bench/blob", FwCfgItem.of(file)).build(memory);
        control = device.keyOf("opt/bench/blob") << 16 | READ_SELECT;
        triggerValue = Integer.reverseBytes((int) DESCRIPTOR);
        fwCfgDmaRead();
        if (memory.slice(DESCRIPTOR, 4).get(GuestMemory.U32_BE, 0) != 0
                || memory.readU8(TARGET + 12345) != file[12345]) {
            throw new IllegalStateException("the fw-cfg DMA read did not complete");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void fwCfgDmaRead() {
        // What firmware does per transfer: write the descriptor, then one outl to 0x518.
        MemorySegment d = memory.slice(DESCRIPTOR, 16);
        d.set(GuestMemory.U32_BE, 0, control);
        d.set(GuestMemory.U32_BE, 4, FILE_SIZE);
        d.set(GuestMemory.U64_BE, 8, TARGET);
        device.dmaPorts().write(4, 4, Integer.toUnsignedLong(triggerValue));
    }

    @Benchmark
    public void baselineSegmentCopy() {
        MemorySegment.copy(source, 0, ram, TARGET, FILE_SIZE);
    }
}
