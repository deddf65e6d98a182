package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Linear to guest-physical translation the way the CPU does it for an emulated access (SDM
 * vol. 3, chapter 4): the guest's own page tables read from {@link GuestMemory}, in 32-bit,
 * PAE, 4-level and 5-level paging, with the access rights of 4.6 (user/supervisor, CR0.WP,
 * execute-disable, SMEP, SMAP with RFLAGS.AC), the reserved bits of 4.3-4.5, and the accessed
 * and dirty flags of 4.8 set as the access would set them.
 *
 * <p>Why not KVM_TRANSLATE: it only reports whether a page is present, so an emulated store
 * went through read-only mappings (a copy-on-write page after fork) without the #PF the guest
 * relies on, and set no dirty flag (a store to a file mapping would be lost at writeback). It
 * is also one more vCPU ioctl per memory operand.
 *
 * <p>Not modelled: protection keys (CR4.PKE/PKS: an access only a key would deny is allowed),
 * PAE's PDPTE registers (the PDPTEs are read from memory at the walk, not as loaded at the last
 * CR3 write), and paging-structure caches (a guest that changed an entry without flushing its
 * TLB gets the new entry). One instance per vCPU, used on its thread.
 */
public final class GuestPageWalk {
    /** Access kinds, combined. */
    public static final int READ = 0, WRITE = 1, FETCH = 2, USER = 4,
    /** The VMM inspecting guest memory for itself: no rights checked, no flags set. */
            INSPECT = 8;

    /** Page-fault error code bits (SDM vol. 3, 4.7). */
    public static final int PF_PRESENT = 1, PF_WRITE = 2, PF_USER = 4, PF_RESERVED = 8, PF_FETCH = 16;

    /** In {@link #cpuFeatures}: CPUID.80000001H:EDX.Page1GB, 1-GiB pages in PDPTEs. */
    public static final int PAGE_1GIB = 1 << 8;

    /**
     * The paging features a walk needs from the guest's CPUID: {@code maxPhysAddr}
     * (CPUID.80000008H:EAX[7:0], above which physical-address bits in an entry are reserved)
     * and whether a PDPTE may map a 1-GiB page.
     */
    public static int cpuFeatures(int maxPhysAddr, boolean page1GiB) {
        return Math.clamp(maxPhysAddr, 32, 52) | (page1GiB ? PAGE_1GIB : 0);
    }

    /** A result with this bit set is a page fault; its low 32 bits are the error code. */
    public static final long FAULT = Long.MIN_VALUE;
    /** A paging-structure entry that lies outside guest RAM: no fault the guest could handle, the emulation is refused. */
    public static final long TABLE_OUTSIDE_RAM = FAULT | 1L << 32;

    static final long CR0_WP = 1L << 16, CR0_PG = 1L << 31;
    static final long CR4_PSE = 1L << 4, CR4_PAE = 1L << 5, CR4_LA57 = 1L << 12, CR4_SMEP = 1L << 20, CR4_SMAP = 1L << 21;
    static final long EFER_NXE = 1L << 11, EFER_LMA = 1L << 10;
    static final long RFLAGS_AC = 1L << 18;

    private static final long P = 1, RW = 1 << 1, US = 1 << 2, A = 1 << 5, D = 1 << 6, PS = 1 << 7, XD = 1L << 63;
    private static final long ADDRESS_52 = (1L << 52) - 1;
    private static final VarHandle ENTRY64 = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle ENTRY32 = ValueLayout.JAVA_INT.varHandle();
    private static final int ATTEMPTS = 4;

    private final GuestMemory memory;
    /** The entries the last walk used, top level first, and how many. */
    private final long[] used = new long[5], values = new long[5];
    private int usedCount;
    private boolean wide;

    public GuestPageWalk(GuestMemory memory) {
        this.memory = memory;
    }

    /**
     * The guest-physical address of {@code linear} for an access of kind {@code access}, or
     * {@link #FAULT} with the #PF error code, or {@link #TABLE_OUTSIDE_RAM}. With paging off
     * the address itself. {@code cpu}: what the guest's CPUID says of paging, from
     * {@link #cpuFeatures}. The caller has checked that a long-mode address is canonical.
     */
    public long translate(long cr0, long cr3, long cr4, long efer, long rflags, int cpu, long linear, int access) {
        if ((cr0 & CR0_PG) == 0) return linear;
        for (int attempt = 0; ; attempt++) {
            long r = walk(cr0, cr3, cr4, efer, rflags, cpu, linear, access);
            // A flag lost to a concurrent change of the entry (another vCPU's write, or its own
            // flag update) means the walk saw a stale entry: walk again, as the CPU's locked update would.
            if ((r & FAULT) != 0 || (access & INSPECT) != 0 || setFlags((access & WRITE) != 0) || attempt == ATTEMPTS) return r;
        }
    }

    private long walk(long cr0, long cr3, long cr4, long efer, long rflags, int cpu, long linear, int access) {
        usedCount = 0;
        int maxPhysAddr = cpu & 0xFF;
        boolean nxe = (efer & EFER_NXE) != 0;
        long reservedAddress = ADDRESS_52 & ~((1L << Math.clamp(maxPhysAddr, 32, 52)) - 1);
        long rights = RW | US;       // cleared by any level that denies them
        boolean executeDisabled = false;
        long gpa;
        if ((efer & EFER_LMA) != 0 || (cr4 & CR4_PAE) != 0) {
            wide = true;
            long table;
            int level;
            if ((efer & EFER_LMA) != 0) {
                level = (cr4 & CR4_LA57) != 0 ? 5 : 4;
                table = cr3 & ADDRESS_52 & ~0xFFFL;
            } else {
                // PAE (SDM 4.4.1): CR3[31:5] locates four PDPTEs, which carry no rights.
                long pdpteAt = (cr3 & 0xFFFF_FFE0L) + ((linear >>> 30) & 3) * 8;
                if (!memory.isValid(pdpteAt, 8)) return TABLE_OUTSIDE_RAM;
                long pdpte = memory.readU64(pdpteAt);
                if ((pdpte & P) == 0) return fault(0, access, nxe, cr4);
                if ((pdpte & (reservedAddress | XD | 0x1E6L)) != 0) return fault(PF_PRESENT | PF_RESERVED, access, nxe, cr4);
                table = pdpte & ADDRESS_52 & ~0xFFFL;
                level = 2;
            }
            while (true) {
                int shift = 12 + 9 * (level - 1);
                long at = table + ((linear >>> shift) & 0x1FF) * 8;
                if (!use(at)) return TABLE_OUTSIDE_RAM;
                long e = values[usedCount - 1];
                if ((e & P) == 0) return fault(0, access, nxe, cr4);
                boolean leaf = level == 1 || ((e & PS) != 0 && level <= 3);
                long reserved = reservedAddress | (nxe ? 0 : XD);
                if (level >= 4 || level == 3 && (cpu & PAGE_1GIB) == 0) reserved |= PS;   // 4.5.4: no page at that level
                if (leaf && level == 3) reserved |= 0x3FFF_E000L;       // 1 GiB page: bits 29:13
                if (leaf && level == 2) reserved |= 0x1F_E000L;         // 2 MiB page: bits 20:13
                if ((e & reserved) != 0) return fault(PF_PRESENT | PF_RESERVED, access, nxe, cr4);
                rights &= e;
                executeDisabled |= nxe && (e & XD) != 0;
                if (leaf) {
                    long pageMask = (1L << shift) - 1;
                    gpa = (e & ADDRESS_52 & ~pageMask) | (linear & pageMask);
                    break;
                }
                table = e & ADDRESS_52 & ~0xFFFL;
                level--;
            }
        } else {
            // 32-bit paging (SDM 4.3): 4-byte entries, 4 MiB pages with CR4.PSE (PSE-36 address bits 39:32 in 20:13).
            wide = false;
            long pdeAt = (cr3 & 0xFFFF_F000L) + ((linear >>> 22) & 0x3FF) * 4;
            if (!use(pdeAt)) return TABLE_OUTSIDE_RAM;
            long pde = values[usedCount - 1];
            if ((pde & P) == 0) return fault(0, access, false, cr4);
            rights &= pde;
            if ((pde & PS) != 0 && (cr4 & CR4_PSE) != 0) {
                long high = (pde >>> 13) & 0xFF;
                int highBits = Math.clamp(maxPhysAddr, 32, 40) - 32;
                if ((pde & (1L << 21)) != 0 || (high >>> highBits) != 0) return fault(PF_PRESENT | PF_RESERVED, access, false, cr4);
                gpa = (pde & 0xFFC0_0000L) | high << 32 | (linear & 0x3F_FFFFL);
            } else {
                long pteAt = (pde & 0xFFFF_F000L) + ((linear >>> 12) & 0x3FF) * 4;
                if (!use(pteAt)) return TABLE_OUTSIDE_RAM;
                long pte = values[usedCount - 1];
                if ((pte & P) == 0) return fault(0, access, false, cr4);
                rights &= pte;
                gpa = (pte & 0xFFFF_F000L) | (linear & 0xFFF);
            }
        }
        if ((access & INSPECT) == 0 && !allowed(access, rights, executeDisabled, cr0, cr4, rflags)) {
            return fault(PF_PRESENT, access, nxe, cr4);
        }
        return gpa;
    }

    /**
     * Reads the paging-structure entry at {@code at} (8 or 4 bytes as the mode's {@link #wide}
     * says) into the walk's record; false when it is not in guest RAM.
     */
    private boolean use(long at) {
        int size = wide ? 8 : 4;
        if (!memory.isValid(at, size)) return false;
        values[usedCount] = wide ? memory.readU64(at) : Integer.toUnsignedLong(memory.readU32(at));
        used[usedCount++] = at;
        return true;
    }

    /** SDM vol. 3, 4.6.1: the access rights of a user-mode or supervisor-mode access. */
    private static boolean allowed(int access, long rights, boolean executeDisabled, long cr0, long cr4, long rflags) {
        boolean userPage = (rights & US) != 0, writable = (rights & RW) != 0;
        boolean user = (access & USER) != 0;
        if ((access & FETCH) != 0) {
            if (executeDisabled) return false;
            return user ? userPage : !(userPage && (cr4 & CR4_SMEP) != 0);
        }
        if (user) return userPage && (writable || (access & WRITE) == 0);
        // Explicit supervisor accesses: the emulated instruction's operands (implicit ones, such
        // as descriptor-table reads during event delivery, are not emulated here).
        if (userPage && (cr4 & CR4_SMAP) != 0 && (rflags & RFLAGS_AC) == 0) return false;
        return writable || (access & WRITE) == 0 || (cr0 & CR0_WP) == 0;
    }

    /** The #PF error code of 4.7: I/D only where execute-disable or SMEP is on. */
    private static long fault(int bits, int access, boolean nxe, long cr4) {
        int code = bits;
        if ((access & WRITE) != 0) code |= PF_WRITE;
        if ((access & USER) != 0) code |= PF_USER;
        if ((access & FETCH) != 0 && (nxe || (cr4 & CR4_SMEP) != 0)) code |= PF_FETCH;
        return FAULT | code;
    }

    /**
     * Sets the accessed flag in every entry the walk used and, for a write, the dirty flag in
     * the one that mapped the page (SDM 4.8), each with a locked compare-and-exchange, as the
     * CPU does. False when an entry had changed since the walk read it.
     */
    private boolean setFlags(boolean write) {
        for (int i = 0; i < usedCount; i++) {
            long flags = A | (write && i == usedCount - 1 ? D : 0);
            // Tables in a ROM region (firmware may keep early ones in flash): the CPU's write of a
            // flag goes to the device, which ignores it; the VMM must not change the ROM's bytes.
            GuestRegion region = memory.regionFor(used[i], wide ? 8 : 4);
            if (region == null || region.readOnly()) continue;
            MemorySegment entry = memory.slice(used[i], wide ? 8 : 4);
            long now = wide ? (long) ENTRY64.getVolatile(entry, 0L) : Integer.toUnsignedLong((int) ENTRY32.getVolatile(entry, 0L));
            if ((now & ~(A | D)) != (values[i] & ~(A | D))) return false;
            if ((now & flags) == flags) continue;
            boolean set = wide ? ENTRY64.compareAndSet(entry, 0L, now, now | flags)
                    : ENTRY32.compareAndSet(entry, 0L, (int) now, (int) (now | flags));
            if (!set) return false;
        }
        return true;
    }
}
