package dev.panavisor.devices.acpi;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The ACPI power-management timer: a free-running 24-bit counter at 3.579545 MHz (ACPI
 * 6.5, 4.8.3.3 "Power Management Timer"), derived from a monotonic nanosecond clock so it
 * never goes backwards and costs nothing while nobody reads it.
 */
public final class AcpiPmTimer {
    public static final long FREQUENCY_HZ = 3_579_545L;
    public static final int MASK = 0xFFFFFF;

    private final LongSupplier nanos;
    private final long origin;

    public AcpiPmTimer(LongSupplier nanos) {
        this.nanos = Objects.requireNonNull(nanos);
        this.origin = nanos.getAsLong();
    }

    public AcpiPmTimer() { this(System::nanoTime); }

    /** Ticks since power-on, not yet truncated to 24 bits. */
    public long ticks() {
        long elapsed = nanos.getAsLong() - origin;
        // Split to avoid overflowing elapsed * FREQUENCY_HZ after ~43 minutes.
        return elapsed / 1_000_000_000L * FREQUENCY_HZ + elapsed % 1_000_000_000L * FREQUENCY_HZ / 1_000_000_000L;
    }

    /** PM_TMR as the guest reads it. */
    public int value() { return (int) (ticks() & MASK); }
}
