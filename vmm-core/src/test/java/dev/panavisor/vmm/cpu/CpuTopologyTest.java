package dev.panavisor.vmm.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Intel SDM vol. 2A, CPUID leaves 01H, 04H, 0BH/1FH; AMD APM vol. 3, Fn8000_0008. */
class CpuTopologyTest {
    /** A host-like table: vendor, leaf 1 claiming APIC ID 7 of 16, two cache levels plus L3, a 0xB leaf. */
    static Cpuid hostLike(String vendor) {
        List<CpuidEntry> e = new ArrayList<>();
        int[] v = new int[3];
        byte[] name = vendor.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int r = 0; r < 3; r++) v[r] = (name[r * 4] & 0xFF) | (name[r * 4 + 1] & 0xFF) << 8 | (name[r * 4 + 2] & 0xFF) << 16 | (name[r * 4 + 3] & 0xFF) << 24;
        e.add(new CpuidEntry(0, 0, 0, 0x1F, v[0], v[2], v[1]));   // EBX, EDX, ECX spell the vendor
        e.add(new CpuidEntry(1, 0, 0, 0x50654, (7 << 24) | (16 << 16) | 0x0800, 0xFEDA3203, 0x0F8BFBFF));
        int sig = CpuidEntry.FLAG_SIGNIFICANT_INDEX;
        e.add(new CpuidEntry(4, 0, sig, (15 << 26) | (1 << 14) | (1 << 5) | 1, 0, 0, 0)); // L1d
        e.add(new CpuidEntry(4, 1, sig, (15 << 26) | (1 << 14) | (2 << 5) | 3, 0, 0, 0)); // L2
        e.add(new CpuidEntry(4, 2, sig, (15 << 26) | (31 << 14) | (3 << 5) | 3, 0, 0, 0)); // L3
        e.add(new CpuidEntry(4, 3, sig, 0, 0, 0, 0));
        e.add(new CpuidEntry(0xB, 0, sig, 1, 2, 0x100, 7));
        e.add(new CpuidEntry(0xB, 1, sig, 5, 16, 0x201, 7));
        e.add(new CpuidEntry(0x80000008, 0, 0, 0x3027, 0, 0x700F, 0));
        return new Cpuid(e);
    }

    @Test
    void leaf1CarriesTheApicIdAndTheLogicalCount() {
        Cpuid c = hostLike("GenuineIntel");
        CpuTopology.apply(c, 2, 4);
        CpuidEntry l1 = c.find(1).orElseThrow();
        assertEquals(2, l1.ebx() >>> 24);
        assertEquals(4, (l1.ebx() >>> 16) & 0xFF);
        assertEquals(0x0800, l1.ebx() & 0xFFFF, "CLFLUSH size and brand index stay");
        assertTrue((l1.edx() & (1 << 28)) != 0, "HTT: the logical count is valid");
    }

    @Test
    void aSingleVcpuClearsHtt() {
        Cpuid c = hostLike("GenuineIntel");
        CpuTopology.apply(c, 0, 1);
        assertEquals(0, c.find(1).orElseThrow().edx() & (1 << 28));
    }

    @Test
    void leaf4ReportsCoresPerPackageAndCacheSharing() {
        Cpuid c = hostLike("GenuineIntel");
        CpuTopology.apply(c, 0, 4);
        for (int i = 0; i < 3; i++) {
            CpuidEntry e = c.find(4, i).orElseThrow();
            assertEquals(3, e.eax() >>> 26, "cores per package - 1");
            int sharing = (e.eax() >>> 14) & 0xFFF;
            assertEquals(i == 2 ? 3 : 0, sharing, "L1/L2 private, L3 shared by the package");
            assertEquals(i == 0 ? 0x21 : 0x43 + (i == 2 ? 0x20 : 0), e.eax() & 0x3FFF, "cache type and level untouched");
        }
        assertEquals(0, c.find(4, 3).orElseThrow().eax(), "the terminating null subleaf stays null");
    }

    @Test
    void leaf0bDescribesSmtAndCoreLevels() {
        Cpuid c = hostLike("GenuineIntel");
        CpuTopology.apply(c, 5, 6);
        CpuidEntry smt = c.find(0xB, 0).orElseThrow();
        assertEquals(0, smt.eax() & 0x1F, "one thread per core: no SMT bits");
        assertEquals(1, smt.ebx() & 0xFFFF);
        assertEquals(1, (smt.ecx() >>> 8) & 0xFF, "level type SMT");
        assertEquals(5, smt.edx(), "x2APIC ID");
        CpuidEntry core = c.find(0xB, 1).orElseThrow();
        assertEquals(3, core.eax() & 0x1F, "6 cores need 3 APIC ID bits");
        assertEquals(6, core.ebx() & 0xFFFF);
        assertEquals(2, (core.ecx() >>> 8) & 0xFF, "level type core");
        assertEquals(1, core.ecx() & 0xFF, "level number echoes ECX input");
        CpuidEntry end = c.find(0xB, 2).orElseThrow();
        assertEquals(0, (end.ecx() >>> 8) & 0xFF, "invalid level ends the enumeration");
        assertEquals(0, end.ebx());
        assertEquals(3, c.entries().stream().filter(e -> e.function() == 0xB).count());
        assertEquals(3, c.entries().stream().filter(e -> e.function() == 0x1F).count(), "leaf 1FH too, since the max basic leaf reaches it");
    }

    @Test
    void amdLeaf80000008ReportsTheCoreCount() {
        Cpuid amd = hostLike("AuthenticAMD");
        CpuTopology.apply(amd, 0, 3);
        CpuidEntry e = amd.find(0x80000008).orElseThrow();
        assertEquals(2, e.ecx() & 0xFF);
        assertEquals(2, (e.ecx() >>> 12) & 0xF);
        Cpuid intel = hostLike("GenuineIntel");
        CpuTopology.apply(intel, 0, 3);
        assertEquals(0x700F, intel.find(0x80000008).orElseThrow().ecx(), "reserved on Intel: left alone");
    }

    @Test
    void coreIdBits() {
        assertEquals(0, CpuTopology.coreIdBits(1));
        assertEquals(1, CpuTopology.coreIdBits(2));
        assertEquals(2, CpuTopology.coreIdBits(3));
        assertEquals(2, CpuTopology.coreIdBits(4));
        assertEquals(8, CpuTopology.coreIdBits(254));
    }

    @Test
    void anApicIdOutsideTheCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuTopology.apply(hostLike("GenuineIntel"), 4, 4));
    }
}
