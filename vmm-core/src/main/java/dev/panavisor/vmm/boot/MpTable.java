package dev.panavisor.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An Intel MultiProcessor Specification 1.4 table: the MP floating pointer structure (4.1)
 * followed by the MP configuration table (4.2) with one processor entry per vCPU, an ISA bus,
 * the I/O APIC, the sixteen ISA interrupts routed to I/O APIC pins of the same number (KVM's
 * default GSI routing), and the local interrupts of virtual-wire mode (LINT0 ExtINT, LINT1 NMI).
 * This is how the guest finds its CPUs and I/O APIC without ACPI.
 */
public final class MpTable {
    public static final long LOCAL_APIC_ADDRESS = 0xFEE00000L;
    public static final long IO_APIC_ADDRESS = 0xFEC00000L;
    static final int SPEC_REVISION = 4;            // 1.4
    static final int LOCAL_APIC_VERSION = 0x14;    // KVM's LAPIC version register
    static final int IO_APIC_VERSION = 0x11;       // KVM's IOAPIC version register
    static final int ISA_IRQS = 16;

    static final int FLOATING_POINTER_SIZE = 16;
    static final int HEADER_SIZE = 44;
    static final int PROCESSOR_ENTRY = 0, BUS_ENTRY = 1, IO_APIC_ENTRY = 2, IO_INTERRUPT_ENTRY = 3, LOCAL_INTERRUPT_ENTRY = 4;
    static final int INT_TYPE_INT = 0, INT_TYPE_NMI = 1, INT_TYPE_EXTINT = 3;
    static final int CPU_ENABLED = 1, CPU_BOOTSTRAP = 2;

    private MpTable() {}

    /** Bytes the table takes for {@code cpus} processors. */
    public static int size(int cpus) {
        return FLOATING_POINTER_SIZE + HEADER_SIZE + 20 * cpus + 8 + 8 + 8 * ISA_IRQS + 8 * 2;
    }

    /** The I/O APIC ID: the first ID after the CPUs' APIC IDs 0..cpus-1. */
    public static int ioApicId(int cpus) { return cpus; }

    /**
     * @param base         guest-physical address the table will occupy (floating pointer first)
     * @param cpus         processors, APIC IDs 0..cpus-1, CPU 0 the bootstrap processor
     * @param cpuSignature CPUID.1:EAX, reported per processor
     * @param cpuFeatures  CPUID.1:EDX, reported per processor
     */
    public static byte[] build(long base, int cpus, int cpuSignature, int cpuFeatures) {
        if (cpus < 1 || cpus > 254) throw new IllegalArgumentException("an MP table describes 1..254 CPUs here, not " + cpus);
        ByteBuffer b = ByteBuffer.allocate(size(cpus)).order(ByteOrder.LITTLE_ENDIAN);
        long config = base + FLOATING_POINTER_SIZE;

        // 4.1 floating pointer
        b.put("_MP_".getBytes(StandardCharsets.US_ASCII));
        b.putInt((int) config);
        b.put((byte) 1);                   // length in 16-byte units
        b.put((byte) SPEC_REVISION);
        b.put((byte) 0);                   // checksum, below
        b.put((byte) 0);                   // feature 1: 0 = a configuration table is present
        b.put((byte) 0);                   // feature 2 bit 7 clear: virtual-wire mode, no IMCR
        b.put(new byte[3]);
        b.put(10, checksum(b.array(), 0, FLOATING_POINTER_SIZE));

        // 4.2 configuration table header
        int header = b.position();
        int entries = cpus + 1 + 1 + ISA_IRQS + 2;
        b.put("PCMP".getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) (size(cpus) - FLOATING_POINTER_SIZE)); // base table length
        b.put((byte) SPEC_REVISION);
        b.put((byte) 0);                   // checksum, below
        b.put(padded("PANAVSR", 8));       // OEM ID
        b.put(padded("MICROVM", 12));      // product ID
        b.putInt(0);                       // OEM table pointer
        b.putShort((short) 0);             // OEM table size
        b.putShort((short) entries);
        b.putInt((int) LOCAL_APIC_ADDRESS);
        b.putShort((short) 0);             // extended table length
        b.put((byte) 0);                   // extended table checksum
        b.put((byte) 0);

        for (int cpu = 0; cpu < cpus; cpu++) {
            b.put((byte) PROCESSOR_ENTRY);
            b.put((byte) cpu);             // local APIC ID
            b.put((byte) LOCAL_APIC_VERSION);
            b.put((byte) (CPU_ENABLED | (cpu == 0 ? CPU_BOOTSTRAP : 0)));
            b.putInt(cpuSignature);
            b.putInt(cpuFeatures);
            b.put(new byte[8]);
        }
        b.put((byte) BUS_ENTRY).put((byte) 0).put(padded("ISA", 6));
        int ioApic = ioApicId(cpus);
        b.put((byte) IO_APIC_ENTRY).put((byte) ioApic).put((byte) IO_APIC_VERSION).put((byte) 1).putInt((int) IO_APIC_ADDRESS);
        for (int irq = 0; irq < ISA_IRQS; irq++) {
            // Flags 0: polarity and trigger conform to the ISA bus (active high, edge).
            b.put((byte) IO_INTERRUPT_ENTRY).put((byte) INT_TYPE_INT).putShort((short) 0)
                    .put((byte) 0).put((byte) irq).put((byte) ioApic).put((byte) irq);
        }
        b.put((byte) LOCAL_INTERRUPT_ENTRY).put((byte) INT_TYPE_EXTINT).putShort((short) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0xFF).put((byte) 0);   // all CPUs, LINT0
        b.put((byte) LOCAL_INTERRUPT_ENTRY).put((byte) INT_TYPE_NMI).putShort((short) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0xFF).put((byte) 1);   // all CPUs, LINT1
        if (b.position() != b.capacity()) throw new AssertionError("MP table size mismatch");
        b.put(header + 7, checksum(b.array(), header, size(cpus) - FLOATING_POINTER_SIZE));
        return b.array();
    }

    /** The byte that makes the structure's bytes sum to zero (mod 256). */
    static byte checksum(byte[] data, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) sum += data[i];
        return (byte) -sum;
    }

    private static byte[] padded(String s, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) ' ');
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, b, 0, Math.min(src.length, length));
        return b;
    }
}
