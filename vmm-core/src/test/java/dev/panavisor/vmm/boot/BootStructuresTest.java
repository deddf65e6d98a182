package dev.panavisor.vmm.boot;

import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Page tables, GDT and entry state for the 64-bit protocol (boot.rst) and PVH (Xen docs/misc/pvh.pandoc). */
class BootStructuresTest {
    private static GuestMemory memory(Arena a, long size) {
        return new GuestMemory(List.of(new GuestRegion("ram", 0, a.allocate(size, 4096), false, -1)));
    }

    /** Walks the tables as the MMU would, for a 2 MiB page. */
    private static long translate(GuestMemory m, long cr3, long linear) {
        long pml4e = m.readU64(cr3 + 8 * ((linear >>> 39) & 511));
        assertTrue((pml4e & 1) != 0);
        long pdpte = m.readU64((pml4e & ~0xFFFL) + 8 * ((linear >>> 30) & 511));
        assertTrue((pdpte & 1) != 0);
        long pde = m.readU64((pdpte & ~0xFFFL) + 8 * ((linear >>> 21) & 511));
        assertTrue((pde & 1) != 0 && (pde & 0x80) != 0, "2 MiB page");
        return (pde & ~0x1FFFFFL & 0x000FFFFFFFFFFFFFL) | (linear & 0x1FFFFF);
    }

    @Test
    void pageTablesIdentityMapTheFirstFourGib() {
        try (Arena a = Arena.ofConfined()) {
            GuestMemory m = memory(a, 1 << 20);
            long cr3 = IdentityPageTables.write(m, BootLayout.PAGE_TABLES);
            assertEquals(BootLayout.PAGE_TABLES, cr3);
            for (long addr : new long[] {0, 0x1000000 + 0x200, 0xBFFFFFFFL, 0xFEC00000L, 0xFFFFFFFFL}) {
                assertEquals(addr, translate(m, cr3, addr));
            }
            assertEquals(4L << 30, IdentityPageTables.MAPPED);
            // Nothing past 4 GiB: PDPT entry 4 is empty.
            assertEquals(0, m.readU64(cr3 + 4096 + 8 * 4));
        }
    }

    @Test
    void gdtHasTheBootSelectorsLinuxNames() {
        // boot.rst "64-bit Boot Protocol": __BOOT_CS (0x10) execute/read, __BOOT_DS (0x18) read/write, 4 GiB flat.
        long cs = BootGdt.descriptor(BootGdt.CODE64);
        assertTrue(SegmentDescriptor.longMode(cs));
        assertFalse(SegmentDescriptor.defaultBig(cs), "L=1 requires D=0");
        assertEquals(0xB, SegmentDescriptor.type(cs));
        long ds = BootGdt.descriptor(BootGdt.DATA);
        assertEquals(0x3, SegmentDescriptor.type(ds));
        assertEquals(0xFFFFFFFFL, SegmentDescriptor.limit(ds));
        assertEquals(0, SegmentDescriptor.base(ds));
        // PVH: a 32-bit flat code segment.
        long cs32 = BootGdt.descriptor(BootGdt.CODE32);
        assertTrue(SegmentDescriptor.defaultBig(cs32));
        assertFalse(SegmentDescriptor.longMode(cs32));
        assertEquals(0xFFFFFFFFL, SegmentDescriptor.limit(cs32));
        long tss = BootGdt.descriptor(BootGdt.TSS);
        assertTrue(SegmentDescriptor.system(tss));
        assertEquals(0xB, SegmentDescriptor.type(tss));
        assertEquals(0x67, SegmentDescriptor.limit(tss));
    }

    @Test
    void gdtIsWrittenInOrder() {
        try (Arena a = Arena.ofConfined()) {
            GuestMemory m = memory(a, 1 << 16);
            BootGdt.write(m, BootLayout.GDT);
            assertEquals(0, m.readU64(BootLayout.GDT));
            assertEquals(BootGdt.CODE64_DESCRIPTOR, m.readU64(BootLayout.GDT + BootGdt.CODE64));
            assertEquals(BootGdt.DATA_DESCRIPTOR, m.readU64(BootLayout.GDT + BootGdt.DATA));
            assertTrue(BootLayout.GDT + BootGdt.LIMIT < BootLayout.IDT);
        }
    }

    @Test
    void longModeEntryStateHasPagingPaeAndLma() {
        DirectBootEntry.State s = DirectBootEntry.LONG_MODE;
        assertEquals(0x80000011L, s.cr0());     // PG | ET | PE
        assertEquals(0x20, s.cr4());            // PAE
        assertEquals(0x500, s.efer());          // LMA | LME
        assertEquals(0x10, s.codeSelector());
        assertEquals(0x18, s.dataSelector());
    }

    @Test
    void pvhEntryStateIsFlatProtectedModeWithoutPaging() {
        // pvh.pandoc: CR0 PE set, PG clear; CR4 all zero; EFER zero; CS 32-bit flat r/x; DS/ES/SS flat r/w.
        DirectBootEntry.State s = DirectBootEntry.PVH;
        assertEquals(1, s.cr0() & 1);
        assertEquals(0, s.cr0() & (1L << 31));
        assertEquals(0, s.cr4());
        assertEquals(0, s.efer());
        assertEquals(BootGdt.CODE32, s.codeSelector());
    }

    @Test
    void pvhStartInfoVersion1CarriesTheMemoryMapCommandLineAndInitrd() {
        List<E820Entry> map = new PcMemoryMap(8L << 30).e820();
        long base = 0x6000;
        byte[] raw = new PvhStartInfo(map).commandLine(0x20000).rsdp(0xE0000).ramdisk(0x1F000000, 0x123456).toBytes(base);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x336EC578, b.getInt(0));          // XEN_HVM_START_MAGIC_VALUE
        assertEquals(1, b.getInt(4));                   // version 1 has the memmap fields
        assertEquals(1, b.getInt(12));                  // nr_modules
        long modlist = b.getLong(16);
        assertEquals(0x20000, b.getLong(24));
        assertEquals(0xE0000, b.getLong(32));
        long memmap = b.getLong(40);
        assertEquals(base + 0x40, memmap);
        assertEquals(map.size(), b.getInt(48));
        for (int i = 0; i < map.size(); i++) {
            int at = (int) (memmap - base) + 24 * i;
            assertEquals(map.get(i).address(), b.getLong(at));
            assertEquals(map.get(i).size(), b.getLong(at + 8));
            assertEquals(map.get(i).type().code, b.getInt(at + 16));
        }
        assertEquals(memmap + 24L * map.size(), modlist);
        assertEquals(0x1F000000, b.getLong((int) (modlist - base)));
        assertEquals(0x123456, b.getLong((int) (modlist - base) + 8));
        assertEquals(raw.length, (int) (modlist - base) + 32);
    }

    @Test
    void pvhStartInfoWithoutInitrdHasNoModules() {
        ByteBuffer b = ByteBuffer.wrap(new PvhStartInfo(new PcMemoryMap(1L << 30).e820()).toBytes(0x6000)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, b.getInt(12));
        assertEquals(0, b.getLong(16));
    }

    @Test
    void bootStructuresDoNotOverlap() {
        long[][] ranges = {
                {BootLayout.GDT, BootLayout.GDT + BootGdt.LIMIT + 1},
                {BootLayout.IDT, BootLayout.IDT + 8},
                {BootLayout.PVH_START_INFO, BootLayout.ZERO_PAGE},
                {BootLayout.ZERO_PAGE, BootLayout.ZERO_PAGE + ZeroPage.SIZE},
                {BootLayout.PAGE_TABLES, BootLayout.PAGE_TABLES + IdentityPageTables.SIZE},
                {BootLayout.COMMAND_LINE, BootLayout.COMMAND_LINE + BootLayout.COMMAND_LINE_MAX},
                {BootLayout.ACPI_TABLES, BootLayout.ACPI_TABLES + BootLayout.ACPI_TABLES_MAX},
                {BootLayout.MP_TABLE, BootLayout.MP_TABLE + BootLayout.MP_TABLE_MAX}};
        for (int i = 0; i < ranges.length; i++) {
            for (int j = i + 1; j < ranges.length; j++) {
                assertTrue(ranges[i][1] <= ranges[j][0] || ranges[j][1] <= ranges[i][0], i + " overlaps " + j);
            }
        }
        assertTrue(BootLayout.BOOT_STACK_TOP <= BootLayout.PAGE_TABLES && BootLayout.BOOT_STACK_TOP > BootLayout.ZERO_PAGE + ZeroPage.SIZE);
        // The MP and ACPI tables sit in the e820 hole the guest does not reuse.
        assertTrue(BootLayout.ACPI_TABLES >= PcMemoryMap.BASE_MEMORY_END && BootLayout.MP_TABLE + BootLayout.MP_TABLE_MAX <= PcMemoryMap.ONE_MIB);
        assertTrue(MpTable.size(254) <= BootLayout.MP_TABLE_MAX);
    }
}
