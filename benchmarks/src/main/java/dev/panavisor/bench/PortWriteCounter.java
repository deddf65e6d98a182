package dev.panavisor.bench;

import dev.panavisor.vmm.bus.BusDevice;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The cheapest possible port device: it counts writes so a benchmark thread can see
 * how many exits the vCPU has been through. Only the vCPU thread writes the count, so a
 * release store is enough to publish it; a full volatile write would add a fence per exit
 * that the C baseline does not pay.
 */
final class PortWriteCounter implements BusDevice {
    private static final VarHandle WRITES;
    static {
        try {
            WRITES = MethodHandles.lookup().findVarHandle(PortWriteCounter.class, "writes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through WRITES
    private long writes;
    private long lastValue;

    @Override
    public long read(long offset, int size) { return 0; }

    @Override
    public void write(long offset, int size, long value) {
        lastValue = value; // uses the byte the run loop loaded, as the C baseline does
        WRITES.setRelease(this, (long) WRITES.getOpaque(this) + 1);
    }

    /** Writes seen so far, as of a recent moment. */
    long writes() { return (long) WRITES.getAcquire(this); }

    long lastValue() { return lastValue; }
}
