package dev.panavisor.vmm.boot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Intel MultiProcessor Specification 1.4, chapter 4. */
class MpTableTest {
    private static final long BASE = 0xF0000;

    private static int sum(byte[] b, int from, int len) {
        int s = 0;
        for (int i = from; i < from + len; i++) s += b[i] & 0xFF;
        return s & 0xFF;
    }

    @ParameterizedTest(name = "{0} CPUs")
    @ValueSource(ints = {1, 2, 4, 64, 254})
    void floatingPointerAndConfigurationTableChecksumToZero(int cpus) {
        byte[] t = MpTable.build(BASE, cpus, 0x50654, 0x178bfbff);
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        // 4.1: "_MP_", physical address of the configuration table, length 1 (16 bytes), revision 4.
        assertEquals("_MP_", new String(t, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(BASE + 16, b.getInt(4));
        assertEquals(1, t[8]);
        assertEquals(4, t[9]);
        assertEquals(0, sum(t, 0, 16));
        assertEquals(0, t[11], "feature byte 1 zero: a configuration table is present");
        // 4.2: "PCMP", base table length, checksum over it.
        assertEquals("PCMP", new String(t, 16, 4, StandardCharsets.US_ASCII));
        int length = b.getShort(16 + 4) & 0xFFFF;
        assertEquals(t.length - 16, length);
        assertEquals(0, sum(t, 16, length));
        assertEquals(cpus + 1 + 1 + 16 + 2, b.getShort(16 + 34));
        assertEquals((int) MpTable.LOCAL_APIC_ADDRESS, b.getInt(16 + 36));
    }

    @Test
    void processorEntriesNumberTheCpusAndMarkTheBootstrapProcessor() {
        byte[] t = MpTable.build(BASE, 3, 0x50654, 0x178bfbff);
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        int at = 16 + 44;
        for (int cpu = 0; cpu < 3; cpu++, at += 20) {
            assertEquals(0, t[at], "entry type 0: processor");
            assertEquals(cpu, t[at + 1], "local APIC ID");
            assertEquals(cpu == 0 ? 3 : 1, t[at + 3], "EN, and BP for CPU 0");
            assertEquals(0x50654, b.getInt(at + 4));
            assertEquals(0x178bfbff, b.getInt(at + 8));
        }
        // bus ISA
        assertEquals(1, t[at]);
        assertEquals("ISA   ", new String(t, at + 2, 6, StandardCharsets.US_ASCII));
        at += 8;
        // I/O APIC: ID after the CPUs, enabled, at 0xFEC00000.
        assertEquals(2, t[at]);
        assertEquals(3, t[at + 1]);
        assertEquals(1, t[at + 3]);
        assertEquals((int) MpTable.IO_APIC_ADDRESS, b.getInt(at + 4));
        at += 8;
        for (int irq = 0; irq < 16; irq++, at += 8) {
            assertEquals(3, t[at], "I/O interrupt assignment");
            assertEquals(0, t[at + 1], "INT");
            assertEquals(irq, t[at + 5], "source bus IRQ");
            assertEquals(3, t[at + 6], "destination I/O APIC");
            assertEquals(irq, t[at + 7], "I/O APIC pin = GSI, as KVM routes ISA IRQs by default");
        }
        // Local interrupts: LINT0 ExtINT and LINT1 NMI on every CPU (destination 0xFF).
        assertEquals(4, t[at]);
        assertEquals(3, t[at + 1]);
        assertEquals((byte) 0xFF, t[at + 6]);
        assertEquals(0, t[at + 7]);
        assertEquals(4, t[at + 8]);
        assertEquals(1, t[at + 9]);
        assertEquals(1, t[at + 15]);
        assertEquals(t.length, at + 16);
    }

    @Test
    void cpuCountOutsideWhatAnApicIdCanNumberIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MpTable.build(BASE, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> MpTable.build(BASE, 255, 0, 0));
    }
}
