package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.List;

import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.FAULT;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.FETCH;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.INSPECT;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.PF_FETCH;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.PF_PRESENT;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.PF_RESERVED;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.PF_USER;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.PF_WRITE;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.READ;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.TABLE_OUTSIDE_RAM;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.USER;
import static dev.panavisor.vmm.vcpu.fallback.GuestPageWalk.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The walk against page tables written by hand, rule by rule of SDM vol. 3, chapter 4. */
class GuestPageWalkTest {
    private static final long P = 1, RW = 2, US = 4, A = 1 << 5, D = 1 << 6, PS = 1 << 7, XD = 1L << 63;
    private static final long CR0 = GuestPageWalk.CR0_PG | GuestPageWalk.CR0_WP | 1;
    private static final long CR4 = GuestPageWalk.CR4_PAE;
    private static final long EFER = GuestPageWalk.EFER_LMA | GuestPageWalk.EFER_NXE | 1L << 8;
    private static final long PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, PT = 0x4000, PML5 = 0x5000;
    /** Linear 0x4020_3000: PML4[0], PDPT[1], PD[1], PT[3]. */
    private static final long LINEAR = 0x4020_3000L;
    private static final int MAXPHY = 46 | GuestPageWalk.PAGE_1GIB;

    private GuestMemory memory;
    private GuestPageWalk walk;

    @BeforeEach
    void tables() {
        memory = new GuestMemory(List.of(new GuestRegion("ram", 0, Arena.ofAuto().allocate(16 << 20, 4096), false, -1)));
        walk = new GuestPageWalk(memory);
        memory.writeU64(PML4, PDPT | P | RW | US);
        memory.writeU64(PDPT + 8, PD | P | RW | US);
        memory.writeU64(PD + 8, PT | P | RW | US);
        memory.writeU64(PT + 3 * 8, 0x80_0000L | P | RW | US);
    }

    private long translate(long linear, int access) {
        return walk.translate(CR0, PML4, CR4, EFER, 0, MAXPHY, linear, access);
    }

    private static long fault(int code) { return FAULT | code; }

    @Test
    void fourLevelWalkOf4KiBPage_4_5() {
        assertEquals(0x80_0123L, translate(LINEAR + 0x123, READ));
    }

    @Test
    void pagingOffIsIdentity_4_1() {
        assertEquals(0x1234_5678L, walk.translate(1, 0, 0, 0, 0, MAXPHY, 0x1234_5678L, WRITE));
    }

    @Test
    void twoMiBAnd1GiBPages_4_5_table_4_17_and_4_15() {
        memory.writeU64(PD + 8, 0x60_0000L | P | RW | PS);
        assertEquals(0x60_3456L, translate(LINEAR + 0x456, READ));
        memory.writeU64(PDPT + 8, 0xC000_0000L | P | RW | PS);
        assertEquals(0xC020_3456L, translate(LINEAR + 0x456, READ));
        // Without CPUID.80000001H:EDX.Page1GB, PS in a PDPTE is a reserved bit (4.5.4).
        assertEquals(fault(PF_PRESENT | PF_RESERVED), walk.translate(CR0, PML4, CR4, EFER, 0, 46, LINEAR, READ));
    }

    @Test
    void fiveLevelWalkWithLa57_4_5() {
        memory.writeU64(PML5, PML4 | P | RW);
        long r = walk.translate(CR0, PML5, CR4 | GuestPageWalk.CR4_LA57, EFER, 0, MAXPHY, LINEAR, READ);
        assertEquals(0x80_0000L, r);
    }

    @Test
    void notPresentAtAnyLevelFaultsWithP0_4_7() {
        memory.writeU64(PT + 3 * 8, 0);
        assertEquals(fault(PF_WRITE | PF_USER), translate(LINEAR, WRITE | USER));
        memory.writeU64(PML4, 0);
        assertEquals(fault(0), translate(LINEAR, READ));
    }

    @Test
    void userAccessToSupervisorPageFaults_4_6_1() {
        memory.writeU64(PD + 8, PT | P | RW);   // U/S clear at one level is enough
        assertEquals(fault(PF_PRESENT | PF_USER), translate(LINEAR, USER));
        assertEquals(0x80_0000L, translate(LINEAR, READ));
    }

    @Test
    void writesToReadOnlyPages_4_6_1() {
        memory.writeU64(PT + 3 * 8, 0x80_0000L | P | US);
        assertEquals(fault(PF_PRESENT | PF_WRITE | PF_USER), translate(LINEAR, WRITE | USER));
        // Supervisor write: denied with CR0.WP = 1, allowed with WP = 0; a user write never is.
        assertEquals(fault(PF_PRESENT | PF_WRITE), translate(LINEAR, WRITE));
        long noWp = CR0 & ~GuestPageWalk.CR0_WP;
        assertEquals(0x80_0000L, walk.translate(noWp, PML4, CR4, EFER, 0, MAXPHY, LINEAR, WRITE));
        assertEquals(fault(PF_PRESENT | PF_WRITE | PF_USER), walk.translate(noWp, PML4, CR4, EFER, 0, MAXPHY, LINEAR, WRITE | USER));
        assertEquals(0x80_0000L, translate(LINEAR, READ | USER));
    }

    @Test
    void executeDisableAndSmep_4_6_1() {
        memory.writeU64(PDPT + 8, PD | P | RW | US | XD);
        assertEquals(fault(PF_PRESENT | PF_FETCH), translate(LINEAR, FETCH));
        assertEquals(0x80_0000L, translate(LINEAR, READ));
        memory.writeU64(PDPT + 8, PD | P | RW | US);
        long smep = CR4 | GuestPageWalk.CR4_SMEP;
        assertEquals(fault(PF_PRESENT | PF_FETCH), walk.translate(CR0, PML4, smep, EFER, 0, MAXPHY, LINEAR, FETCH));
        assertEquals(0x80_0000L, walk.translate(CR0, PML4, smep, EFER, 0, MAXPHY, LINEAR, FETCH | USER));
    }

    @Test
    void smapDeniesSupervisorDataAccessToUserPagesUnlessAc_4_6_1() {
        long smap = CR4 | GuestPageWalk.CR4_SMAP;
        assertEquals(fault(PF_PRESENT), walk.translate(CR0, PML4, smap, EFER, 0, MAXPHY, LINEAR, READ));
        assertEquals(fault(PF_PRESENT | PF_WRITE), walk.translate(CR0, PML4, smap, EFER, 0, MAXPHY, LINEAR, WRITE));
        assertEquals(0x80_0000L, walk.translate(CR0, PML4, smap, EFER, GuestPageWalk.RFLAGS_AC, MAXPHY, LINEAR, WRITE));
        assertEquals(0x80_0000L, walk.translate(CR0, PML4, smap, EFER, 0, MAXPHY, LINEAR, READ | USER));
    }

    @Test
    void reservedBitsFaultWithRsvd_4_5_4() {
        // A physical-address bit at or above MAXPHYADDR.
        memory.writeU64(PT + 3 * 8, 0x80_0000L | 1L << 46 | P | RW | US);
        assertEquals(fault(PF_PRESENT | PF_RESERVED), translate(LINEAR, READ));
        // XD is reserved when IA32_EFER.NXE = 0.
        memory.writeU64(PT + 3 * 8, 0x80_0000L | XD | P | RW | US);
        assertEquals(fault(PF_PRESENT | PF_RESERVED), walk.translate(CR0, PML4, CR4, EFER & ~GuestPageWalk.EFER_NXE, 0, MAXPHY, LINEAR, READ));
        // PS in a PML4E; bits 20:13 of a 2 MiB PDE.
        memory.writeU64(PT + 3 * 8, 0x80_0000L | P | RW | US);
        memory.writeU64(PML4, PDPT | P | RW | US | PS);
        assertEquals(fault(PF_PRESENT | PF_RESERVED | PF_WRITE), translate(LINEAR, WRITE));
        memory.writeU64(PML4, PDPT | P | RW | US);
        memory.writeU64(PD + 8, 0x60_0000L | 1L << 13 | P | RW | PS);
        assertEquals(fault(PF_PRESENT | PF_RESERVED), translate(LINEAR, READ));
    }

    @Test
    void accessedFlagsOnEveryLevelAndDirtyOnTheLeafOnlyForWrites_4_8() {
        translate(LINEAR, READ);
        for (long e : new long[]{PML4, PDPT + 8, PD + 8, PT + 24}) assertEquals(A, memory.readU64(e) & (A | D), "entry at 0x" + Long.toHexString(e));
        translate(LINEAR, WRITE);
        for (long e : new long[]{PML4, PDPT + 8, PD + 8}) assertEquals(A, memory.readU64(e) & (A | D));
        assertEquals(A | D, memory.readU64(PT + 24) & (A | D));
    }

    @Test
    void aFaultingWalkAndTheVmmsOwnLookSetNoFlags_4_8() {
        memory.writeU64(PT + 3 * 8, 0x80_0000L | P | US);
        translate(LINEAR, WRITE | USER);
        assertEquals(0, memory.readU64(PT + 24) & (A | D));
        memory.writeU64(PT + 3 * 8, 0x80_0000L | P | RW | US);
        assertEquals(0x80_0000L, translate(LINEAR, WRITE | INSPECT));
        for (long e : new long[]{PML4, PDPT + 8, PD + 8, PT + 24}) assertEquals(0, memory.readU64(e) & (A | D));
    }

    @Test
    void tablesInARomRegionAreWalkedButNeverWritten() {
        Arena arena = Arena.ofAuto();
        GuestMemory withRom = new GuestMemory(List.of(new GuestRegion("ram", 0, arena.allocate(1 << 20, 4096), false, -1),
                new GuestRegion("flash", 0x10_0000, arena.allocate(0x4000, 4096), true, -1)));
        long pml4 = 0x10_0000, pdpt = 0x10_1000, pd = 0x10_2000;
        withRom.slice(pml4, 8).set(GuestMemory.U64_LE, 0, pdpt | P | RW);
        withRom.slice(pdpt, 8).set(GuestMemory.U64_LE, 0, pd | P | RW);
        withRom.slice(pd, 8).set(GuestMemory.U64_LE, 0, P | RW | PS);
        assertEquals(0x1234L, new GuestPageWalk(withRom).translate(CR0, pml4, CR4, EFER, 0, MAXPHY, 0x1234, WRITE));
        assertEquals(P | RW | PS, withRom.readU64(pd));
        assertEquals(pd | P | RW, withRom.readU64(pdpt));
    }

    @Test
    void paeWalkThroughPdpte_4_4() {
        long cr3 = 0x6000;
        memory.writeU64(cr3 + 8, PD | P);                 // linear bits 31:30 = 1
        memory.writeU64(PD + 8 * 1, PT | P | RW | US);     // bits 29:21 = 1
        memory.writeU64(PT + 8 * 3, 0x90_0000L | P | RW | US | XD);
        long efer = GuestPageWalk.EFER_NXE;
        assertEquals(0x90_0777L, walk.translate(CR0, cr3, CR4, efer, 0, MAXPHY, 0x4020_3777L, WRITE | USER));
        assertEquals(fault(PF_PRESENT | PF_FETCH | PF_USER), walk.translate(CR0, cr3, CR4, efer, 0, MAXPHY, 0x4020_3777L, FETCH | USER));
        // PDPTE bits 2:1 are reserved (no rights at that level in PAE paging).
        memory.writeU64(cr3 + 8, PD | P | RW);
        assertEquals(fault(PF_PRESENT | PF_RESERVED), walk.translate(CR0, cr3, CR4, efer, 0, MAXPHY, 0x4020_3777L, READ));
    }

    @Test
    void thirtyTwoBitPagingWith4KiBAnd4MiBPages_4_3() {
        long cr3 = 0x7000, pt = 0x8000;
        memory.writeU32(cr3 + 4 * 1, (int) (pt | P | RW | US));        // linear bits 31:22 = 1
        memory.writeU32(pt + 4 * 3, (int) (0xA0_0000L | P | US));     // bits 21:12 = 3
        long cr4 = 0;
        assertEquals(0xA0_0010L, walk.translate(CR0, cr3, cr4, 0, 0, 36, 0x40_3010L, READ | USER));
        assertEquals(fault(PF_PRESENT | PF_WRITE | PF_USER), walk.translate(CR0, cr3, cr4, 0, 0, 36, 0x40_3010L, WRITE | USER));
        assertEquals(A, memory.readU32(pt + 12) & A);
        // 4 MiB page with CR4.PSE, PSE-36 bits 39:32 from PDE bits 20:13.
        memory.writeU32(cr3 + 4 * 2, (int) (0x0C00_0000L | 0x3L << 13 | P | RW | PS));
        long pse = GuestPageWalk.CR4_PSE;
        assertEquals(0x3_0C12_3456L, walk.translate(CR0, cr3, pse, 0, 0, 40, 0x0092_3456L, WRITE));
        // PSE-36 bits beyond MAXPHYADDR are reserved.
        assertEquals(fault(PF_PRESENT | PF_RESERVED), walk.translate(CR0, cr3, pse, 0, 0, 33, 0x0092_3456L, READ));
        assertEquals(A | D, memory.readU32(cr3 + 8) & (A | D));
    }

    @Test
    void pageTablesOutsideGuestRamAreNotAFaultTheGuestCouldHandle() {
        memory.writeU64(PD + 8, 0x7_0000_0000L | P | RW | US);
        assertEquals(TABLE_OUTSIDE_RAM, translate(LINEAR, READ));
    }
}
