package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.bus.IoBus;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Guest memory as the emulated instruction sees it: linear addresses, translated page by
 * page through the vCPU's paging ({@link CpuState#translate}), then read or written through
 * the bounds-checked {@link GuestMemory}. Every page of an access is translated before any
 * byte is written, so an access that faults has no effect (SDM vol. 3, 6.5: faults are
 * reported before the instruction changes state).
 *
 * <p>A guest-physical address outside guest RAM, or a write to a read-only RAM region, goes
 * where the guest's own access would go: KVM would exit with it as MMIO, so the emulated
 * access is handed to the VM's MMIO bus, split into naturally aligned pieces of at most 8
 * bytes. That is how an emulated instruction reads a ROM device window (parallel flash in
 * read-array mode answers with its contents, in a command mode with status or query data)
 * and how its writes reach the device as commands, exactly as the guest's direct accesses
 * would; an address no device claims reads as all ones and drops writes (the bus's rule).
 */
public final class LinearMemory {
    private static final long PAGE = 4096;
    /** Aligned 8-byte access to native memory: the CPU's LOCK CMPXCHG underneath. */
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final GuestMemory memory;
    private final IoBus mmio;
    private final CpuState cpu;

    /** Guest RAM only: accesses outside it stop the VM (tools and tests without an MMIO bus). */
    public LinearMemory(GuestMemory memory, CpuState cpu) {
        this(memory, null, cpu);
    }

    /** Guest RAM, and {@code mmio} for every other guest-physical address. */
    public LinearMemory(GuestMemory memory, IoBus mmio, CpuState cpu) {
        this.memory = memory;
        this.mmio = mmio;
        this.cpu = cpu;
    }

    /** Copies [linear, linear+length) into {@code dst} at {@code dstOffset}. */
    public void read(long linear, MemorySegment dst, long dstOffset, long length) throws GuestFault, EmulationRefused {
        check(linear, length, false);
        long done = 0;
        while (done < length) {
            long at = linear + done;
            long chunk = Math.min(length - done, PAGE - (at & (PAGE - 1)));
            long gpa = cpu.translate(at, false);
            MemorySegment ram = ram(at, gpa, chunk, false);
            if (ram != null) MemorySegment.copy(ram, 0, dst, dstOffset + done, chunk);
            else mmioRead(gpa, dst, dstOffset + done, chunk);
            done += chunk;
        }
    }

    /** Copies {@code src[srcOffset, srcOffset+length)} to [linear, linear+length). */
    public void write(long linear, MemorySegment src, long srcOffset, long length) throws GuestFault, EmulationRefused {
        check(linear, length, true);
        long done = 0;
        while (done < length) {
            long at = linear + done;
            long chunk = Math.min(length - done, PAGE - (at & (PAGE - 1)));
            long gpa = cpu.translate(at, true);
            MemorySegment ram = ram(at, gpa, chunk, true);
            if (ram != null) MemorySegment.copy(src, srcOffset + done, ram, 0, chunk);
            else mmioWrite(gpa, src, srcOffset + done, chunk);
            done += chunk;
        }
    }

    public long readLong(long linear, int size) throws GuestFault, EmulationRefused {
        MemorySegment buf = MemorySegment.ofArray(new byte[8]);
        read(linear, buf, 0, size);
        return buf.get(GuestMemory.U64_LE, 0);
    }

    /**
     * The host view of an 8-byte aligned quadword for atomic access; null when it is not
     * aligned. Faults as a write would, since a locked access is a write even when the
     * comparison fails (SDM vol. 2, CMPXCHG8B/16B).
     */
    public MemorySegment alignedQuadword(long linear) throws GuestFault, EmulationRefused {
        if ((linear & 7) != 0) return null;
        check(linear, 8, true);
        long gpa = cpu.translate(linear, true);
        MemorySegment ram = ram(linear, gpa, 8, true);
        if (ram == null) {
            throw new EmulationRefused(String.format("locked access at guest-physical 0x%x is not to guest RAM (no atomic MMIO)", gpa));
        }
        return ram;
    }

    /** LOCK CMPXCHG on an aligned quadword: returns the value found (the witness). */
    public static long compareAndExchange(MemorySegment quadword, long expected, long replacement) {
        return (long) LONG.compareAndExchange(quadword, 0L, expected, replacement);
    }

    public static long loadVolatile(MemorySegment quadword) {
        return (long) LONG.getVolatile(quadword, 0L);
    }

    /** Translates and bounds-checks every page of the access. */
    public void check(long linear, long length, boolean write) throws GuestFault, EmulationRefused {
        long done = 0;
        while (done < length) {
            long at = linear + done;
            long chunk = Math.min(length - done, PAGE - (at & (PAGE - 1)));
            ram(at, cpu.translate(at, write), chunk, write);
            done += chunk;
        }
    }

    /**
     * The host view of [gpa, gpa+length) (within one page) when the access goes to guest RAM;
     * null when it goes to the MMIO bus (outside RAM, or a write to a read-only region).
     */
    private MemorySegment ram(long linear, long gpa, long length, boolean write) throws EmulationRefused {
        GuestRegion r = memory.regionFor(gpa, length);
        if (r != null && !(write && r.readOnly())) return memory.slice(gpa, length);
        if (mmio == null) {
            throw new EmulationRefused(r == null
                    ? String.format("memory operand at linear 0x%x (guest-physical 0x%x, %d bytes) is not guest RAM", linear, gpa, length)
                    : String.format("memory operand at guest-physical 0x%x is in read-only region %s", gpa, r.name()));
        }
        if (r == null && (memory.regionFor(gpa, 1) != null || memory.regionFor(gpa + length - 1, 1) != null)) {
            throw new EmulationRefused(String.format("memory operand at guest-physical 0x%x (%d bytes) straddles guest RAM and MMIO", gpa, length));
        }
        return null;
    }

    private void mmioRead(long gpa, MemorySegment dst, long dstOffset, long length) {
        long done = 0;
        while (done < length) {
            int size = piece(gpa + done, length - done);
            long v = mmio.read(gpa + done, size);
            for (int i = 0; i < size; i++) dst.set(ValueLayout.JAVA_BYTE, dstOffset + done + i, (byte) (v >>> (8 * i)));
            done += size;
        }
    }

    private void mmioWrite(long gpa, MemorySegment src, long srcOffset, long length) {
        long done = 0;
        while (done < length) {
            int size = piece(gpa + done, length - done);
            long v = 0;
            for (int i = size - 1; i >= 0; i--) v = (v << 8) | Byte.toUnsignedLong(src.get(ValueLayout.JAVA_BYTE, srcOffset + done + i));
            mmio.write(gpa + done, size, v);
            done += size;
        }
    }

    /** The largest naturally aligned access (8, 4, 2 or 1 bytes) at {@code gpa} that fits in {@code left}. */
    static int piece(long gpa, long left) {
        for (int size = 8; size > 1; size >>= 1) {
            if ((gpa & (size - 1)) == 0 && left >= size) return size;
        }
        return 1;
    }
}
