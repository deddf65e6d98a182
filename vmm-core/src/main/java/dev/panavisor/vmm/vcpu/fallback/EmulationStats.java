package dev.panavisor.vmm.vcpu.fallback;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the fallback did, per instruction kind: completed, or completed by raising an
 * exception in the guest (#UD, #GP, #PF...), plus how many instructions stopped the VM.
 * Counting allocates nothing; {@link #snapshot()} copies the counters for display.
 */
public final class EmulationStats {
    private static final InstructionKind[] KINDS = InstructionKind.values();

    private final AtomicLongArray completed = new AtomicLongArray(KINDS.length);
    private final AtomicLongArray faulted = new AtomicLongArray(KINDS.length);
    private final AtomicLongArray refused = new AtomicLongArray(1);

    void completed(InstructionKind kind) { completed.incrementAndGet(kind.ordinal()); }
    void faulted(InstructionKind kind) { faulted.incrementAndGet(kind.ordinal()); }
    void refused() { refused.incrementAndGet(0); }

    public Snapshot snapshot() {
        EnumMap<InstructionKind, Long> done = new EnumMap<>(InstructionKind.class);
        EnumMap<InstructionKind, Long> raised = new EnumMap<>(InstructionKind.class);
        for (InstructionKind k : KINDS) {
            long c = completed.get(k.ordinal()), f = faulted.get(k.ordinal());
            if (c != 0) done.put(k, c);
            if (f != 0) raised.put(k, f);
        }
        return new Snapshot(Collections.unmodifiableMap(done), Collections.unmodifiableMap(raised), refused.get(0));
    }

    /**
     * @param completed kinds carried out to completion (INT3 counts here: #BP is its effect)
     * @param faulted   kinds that raised a fault in the guest instead (#UD, #GP, #NM, #MF, #PF...)
     * @param refused   instructions that stopped the VM (unknown, or a case not carried out)
     */
    public record Snapshot(Map<InstructionKind, Long> completed, Map<InstructionKind, Long> faulted, long refused) {
        public long total() {
            long t = refused;
            for (long v : completed.values()) t += v;
            for (long v : faulted.values()) t += v;
            return t;
        }

        /** One line for the timeline, e.g. {@code "POPCNT 812, CMPXCHG16B 40, XRSTOR 3 (#UD 1)"}; empty when nothing ran. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            for (InstructionKind k : InstructionKind.values()) {
                long c = completed.getOrDefault(k, 0L), f = faulted.getOrDefault(k, 0L);
                if (c == 0 && f == 0) continue;
                if (!b.isEmpty()) b.append(", ");
                b.append(k.mnemonic()).append(' ').append(c);
                if (f != 0) b.append(" (+").append(f).append(" faulted)");
            }
            if (refused != 0) b.append(b.isEmpty() ? "" : ", ").append("refused ").append(refused);
            return b.toString();
        }
    }
}
