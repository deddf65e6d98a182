package dev.panavisor.vmm.boot.acpi;

import java.util.List;

/**
 * ACPI §5.2.12 Multiple APIC Description Table (signature "APIC"): the local APIC address, the
 * PC-AT-compatibility flag, then one interrupt controller structure per entry.
 */
public final class Madt {
    public static final String SIGNATURE = "APIC";
    /** Revision 5: the ACPI 6.3 layout, which later versions keep for every structure used here. */
    public static final int REVISION = 5;
    public static final long DEFAULT_LOCAL_APIC_ADDRESS = 0xFEE0_0000L;

    static final int LOCAL_APIC_ADDRESS_OFFSET = 36;
    static final int FLAGS_OFFSET = 40;
    static final int ENTRIES_OFFSET = 44;
    /** §5.2.12, Table 5.20: the system also has dual 8259s. */
    static final int FLAG_PCAT_COMPAT = 1;

    private Madt() { }

    /** One interrupt controller structure (§5.2.12.1). */
    public sealed interface Entry {
        int type();
        int length();
        /** The structure's bytes, type and length first. */
        byte[] encode();
    }

    /** §5.2.12.2 Processor Local APIC (type 0, 8 bytes). */
    public record LocalApic(int processorUid, int apicId, boolean enabled) implements Entry {
        public LocalApic {
            if (processorUid < 0 || processorUid > 0xFF || apicId < 0 || apicId > 0xFF) {
                throw new IllegalArgumentException("processor UID and APIC ID are one byte each (use x2APIC entries above 255)");
            }
        }
        public int type() { return 0; }
        public int length() { return 8; }
        public byte[] encode() {
            return new TableBuffer(length()).u8(0, type())
                    .u8(1, length()).u8(2, processorUid).u8(3, apicId).u32(4, enabled ? 1 : 0).array();
        }
    }

    /** §5.2.12.3 I/O APIC (type 1, 12 bytes). */
    public record IoApic(int ioApicId, long address, int gsiBase) implements Entry {
        public int type() { return 1; }
        public int length() { return 12; }
        public byte[] encode() {
            return new TableBuffer(length()).u8(0, type())
                    .u8(1, length()).u8(2, ioApicId).u8(3, 0).u32(4, address).u32(8, gsiBase).array();
        }
    }

    /**
     * §5.2.12.5 Interrupt Source Override (type 2, 10 bytes): ISA IRQ {@code source} arrives on
     * {@code gsi}; {@code mpsIntiFlags} as in Table 5.26 (0 = conforms to the bus).
     */
    public record InterruptSourceOverride(int source, int gsi, int mpsIntiFlags) implements Entry {
        public int type() { return 2; }
        public int length() { return 10; }
        public byte[] encode() {
            return new TableBuffer(length()).u8(0, type())
                    .u8(1, length()).u8(2, 0 /* ISA */).u8(3, source).u32(4, gsi).u16(8, mpsIntiFlags).array();
        }
    }

    /** §5.2.12.7 Local APIC NMI (type 4, 6 bytes): which LINT pin carries NMI; UID 0xFF means every processor. */
    public record LocalApicNmi(int processorUid, int mpsIntiFlags, int lint) implements Entry {
        public static final int ALL_PROCESSORS = 0xFF;
        public int type() { return 4; }
        public int length() { return 6; }
        public byte[] encode() {
            return new TableBuffer(length()).u8(0, type())
                    .u8(1, length()).u8(2, processorUid).u16(3, mpsIntiFlags).u8(5, lint).array();
        }
    }

    public static int size(List<? extends Entry> entries) {
        return ENTRIES_OFFSET + entries.stream().mapToInt(Entry::length).sum();
    }

    public static byte[] encode(OemIdentity oem, long localApicAddress, boolean pcAtCompatible, List<? extends Entry> entries) {
        TableBuffer t = SystemDescriptionTable.start(SIGNATURE, size(entries), REVISION, oem)
                .u32(LOCAL_APIC_ADDRESS_OFFSET, localApicAddress)
                .u32(FLAGS_OFFSET, pcAtCompatible ? FLAG_PCAT_COMPAT : 0);
        int o = ENTRIES_OFFSET;
        for (Entry e : entries) {
            t.bytes(o, e.encode());
            o += e.length();
        }
        return SystemDescriptionTable.finish(t);
    }
}
