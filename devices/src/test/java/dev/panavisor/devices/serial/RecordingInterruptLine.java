package dev.panavisor.devices.serial;

import dev.panavisor.vmm.bus.InterruptLine;

/** Test double: the current level of the line and how many times it was driven. */
final class RecordingInterruptLine implements InterruptLine {
    private volatile boolean asserted;
    private volatile int calls;

    @Override
    public synchronized void set(boolean level) {
        asserted = level;
        calls++;
    }

    boolean asserted() { return asserted; }

    int calls() { return calls; }
}
