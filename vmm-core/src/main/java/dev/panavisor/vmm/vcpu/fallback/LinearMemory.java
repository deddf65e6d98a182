package dev.panavisor.vmm.vcpu.fallback;

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
 */
public final class LinearMemory {
    private static final long PAGE = 4096;
    /** Aligned 8-byte access to native memory: the CPU's LOCK CMPXCHG underneath. */
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final GuestMemory memory;
    private final CpuState cpu;

    public LinearMemory(GuestMemory memory, CpuState cpu) {
        this.memory = memory;
        this.cpu = cpu;
    }

    /** Copies [linear, linear+length) into {@code dst} at {@code dstOffset}. */
    public void read(long linear, MemorySegment dst, long dstOffset, long length) throws GuestFault, EmulationRefused {
        check(linear, length, false);
        long done = 0;
        while (done < length) {
            long at = linear + done;
            long chunk = Math.min(length - done, PAGE - (at & (PAGE - 1)));
            MemorySegment.copy(host(at, chunk, false), 0, dst, dstOffset + done, chunk);
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
            MemorySegment.copy(src, srcOffset + done, host(at, chunk, true), 0, chunk);
            done += chunk;
        }
    }

    public long readLong(long linear, int size) throws GuestFault, EmulationRefused {
        check(linear, size, false);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = (v << 8) | Byte.toUnsignedLong(host(linear + i, 1, false).get(ValueLayout.JAVA_BYTE, 0));
        return v;
    }

    /**
     * The host view of an 8-byte aligned quadword for atomic access; null when it is not
     * aligned. Faults as a write would, since a locked access is a write even when the
     * comparison fails (SDM vol. 2, CMPXCHG8B/16B).
     */
    public MemorySegment alignedQuadword(long linear) throws GuestFault, EmulationRefused {
        if ((linear & 7) != 0) return null;
        check(linear, 8, true);
        return host(linear, 8, true);
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
            host(at, chunk, write);
            done += chunk;
        }
    }

    private MemorySegment host(long linear, long length, boolean write) throws GuestFault, EmulationRefused {
        long gpa = cpu.translate(linear);
        if (gpa == -1) {
            // SDM vol. 3, 4.7: P=0 (not present), W/R, U/S from the access and CPL.
            int code = (write ? 2 : 0) | (cpu.cpl() == 3 ? 4 : 0);
            throw GuestFault.pageFault(linear, code);
        }
        GuestRegion r = memory.regionFor(gpa, length);
        if (r == null) {
            throw new EmulationRefused(String.format("memory operand at linear 0x%x (guest-physical 0x%x, %d bytes) is not guest RAM",
                    linear, gpa, length));
        }
        if (write && r.readOnly()) {
            throw new EmulationRefused(String.format("memory operand at guest-physical 0x%x is in read-only region %s", gpa, r.name()));
        }
        return memory.slice(gpa, length);
    }
}
