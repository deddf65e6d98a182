package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.Mapping;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.boot.CpuidTable;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page walk against KVM's own (KVM_TRANSLATE) on random page tables: for every linear
 * address both must agree on whether it is mapped and where. KVM_TRANSLATE checks no access
 * rights, so the walk runs as the VMM's inspection; the rights are GuestPageWalkTest's.
 */
@RequiresKvm
class GuestPageWalkKvmTest {
    private static final long RAM = 16 << 20, TABLES = 1 << 20;
    private static final long P = 1, RW = 2, US = 4, PS = 1 << 7, XD = 1L << 63;
    private static final int LOOKUPS = 3000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void fourLevelPagingAgreesWithKvm(long seed) {
        check(seed, true);
    }

    /** This host's KVM (PVM) drops CR0.PG from KVM_SET_SREGS outside long mode: hardware KVM only. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void thirtyTwoBitPagingWithPseAgreesWithKvm(long seed) {
        check(seed, false);
    }

    private void check(long seed, boolean longMode) {
        Random random = new Random(seed);
        try (Kvm kvm = Kvm.open(); Arena arena = Arena.ofConfined(); Mapping ram = Mapping.anonymous(RAM); VmFd vm = kvm.createVm()) {
            vm.setUserMemoryRegion(0, 0, 0, RAM, ram.address());
            GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, ram.segment(), false, -1)));
            Tables tables = new Tables(memory, random, longMode);
            long root = tables.newTable();
            try (VcpuFd vcpu = vm.createVcpu(0)) {
                new CpuidTable(kvm, arena).applyTo(vcpu, 0);
                MemorySegment s = kvm_sregs.allocate(arena);
                vcpu.getSregs(s);
                long cr0 = 0x8000_0011L, cr4 = longMode ? 0x20 : 0x10, efer = longMode ? 0xD00 : 0;   // PG PE ET; PAE or PSE; LME LMA NXE
                kvm_sregs.cr0(s, cr0);
                kvm_sregs.cr3(s, root);
                kvm_sregs.cr4(s, cr4);
                kvm_sregs.efer(s, efer);
                if (longMode) {
                    kvm_sregs.cs(s).fill((byte) 0);
                    dev.panavisor.vmm.vcpu.FlatSegment.load(kvm_sregs.cs(s), 0x8, dev.panavisor.vmm.vcpu.FlatSegment.CODE, 0);
                }
                vcpu.setSregs(s);
                vcpu.getSregs(s);
                assumeTrue((kvm_sregs.cr0(s) & GuestPageWalk.CR0_PG) != 0,
                        "this host's KVM does not keep CR0.PG set through KVM_SET_SREGS in this paging mode (CR0 reads back 0x"
                                + Long.toHexString(kvm_sregs.cr0(s)) + "): only hardware KVM can compare it");
                int features = pagingFeatures(new KvmCpuState(vcpu, memory));
                GuestPageWalk walk = new GuestPageWalk(memory);
                int mapped = 0;
                for (int i = 0; i < LOOKUPS; i++) {
                    long linear = tables.linear(root);
                    long kvmSays = vcpu.translate(linear);
                    long r = walk.translate(cr0, root, cr4, efer, 0, features, linear, GuestPageWalk.INSPECT);
                    long ours = (r & GuestPageWalk.FAULT) != 0 ? -1 : r;
                    assertEquals(kvmSays, ours, String.format("linear 0x%x (seed %d, lookup %d): %s", linear, seed, i, chain(memory, root, linear, longMode)));
                    if (ours >= 0) mapped++;
                }
                assertTrue(mapped > LOOKUPS / 20 && mapped < LOOKUPS * 19 / 20, "a useful mix of mapped and unmapped: " + mapped);
            }
        }
    }

    /** MAXPHYADDR and Page1GB as the vCPU's CPUID gives them (KVM's walk checks reserved bits by them). */
    private static int pagingFeatures(CpuState cpu) {
        int[] r = new int[4];
        cpu.cpuid(0x8000_0001, 0, r);
        boolean page1GiB = (r[3] & (1 << 26)) != 0;
        cpu.cpuid(0x8000_0008, 0, r);
        return GuestPageWalk.cpuFeatures(r[0] & 0xFF, page1GiB);
    }

    private static String chain(GuestMemory memory, long root, long linear, boolean wide) {
        StringBuilder sb = new StringBuilder();
        long table = root;
        for (int level = wide ? 4 : 2; level >= 1; level--) {
            int shift = 12 + (wide ? 9 : 10) * (level - 1);
            long at = table + ((linear >>> shift) & (wide ? 0x1FF : 0x3FF)) * (wide ? 8 : 4);
            long e = wide ? memory.readU64(at) : Integer.toUnsignedLong(memory.readU32(at));
            sb.append(String.format(" L%d@0x%x=0x%x", level, at, e));
            if ((e & P) == 0 || (e & PS) != 0) break;
            table = e & (wide ? 0xF_FFFF_FFFF_F000L : 0xFFFF_F000L);
        }
        return sb.toString();
    }

    /** Random tables, built as lookups reach them: entries not present, large pages or further tables. */
    private static final class Tables {
        private final GuestMemory memory;
        private final Random random;
        private final boolean wide;
        private final Map<Long, Boolean> built = new HashMap<>();
        private long next = TABLES;

        Tables(GuestMemory memory, Random random, boolean wide) {
            this.memory = memory;
            this.random = random;
            this.wide = wide;
        }

        long newTable() {
            long t = next;
            next += 4096;
            if (next > RAM) throw new IllegalStateException("out of table space");
            return t;
        }

        /** A linear address through a few indices per level, building the entries it meets. */
        long linear(long root) {
            int levels = wide ? 4 : 2, bits = wide ? 9 : 10;
            long linear = 0, table = root;
            for (int level = levels; level >= 1; level--) {
                int shift = 12 + bits * (level - 1);
                int index = switch (random.nextInt(4)) { case 0 -> 0; case 1 -> 1; case 2 -> (1 << bits) - 1; default -> random.nextInt(1 << bits); };
                linear |= (long) index << shift;
                if (table < 0) continue;
                long at = table + (long) index * (wide ? 8 : 4);
                long e = entry(at, level);
                boolean leaf = (e & P) == 0 || level == 1 || (e & PS) != 0 && (wide ? level <= 3 : level == 2);
                table = leaf ? -1 : e & (wide ? 0xF_FFFF_FFFF_F000L : 0xFFFF_F000L);
            }
            linear |= random.nextInt(4096);
            if (wide && (linear & (1L << 47)) != 0) linear |= 0xFFFF_0000_0000_0000L;   // canonical
            return linear;
        }

        private long entry(long at, int level) {
            if (built.containsKey(at)) return wide ? memory.readU64(at) : Integer.toUnsignedLong(memory.readU32(at));
            built.put(at, true);
            long flags = P | (random.nextBoolean() ? RW : 0) | (random.nextBoolean() ? US : 0);
            if (wide && random.nextInt(4) == 0) flags |= XD;
            long e;
            int pick = random.nextInt(8);
            if (pick < 2) {
                e = random.nextBoolean() ? 0 : (random.nextLong() & ~P & 0x7FF_FFFF_FFFF_F000L);   // not present, junk elsewhere
            } else if (level == 1) {
                e = (random.nextLong(1L << 36) & ~0xFFFL) | flags;
            } else if (pick < 4 && (wide ? level <= 3 : level == 2)) {
                long page = wide ? (level == 3 ? 1L << 30 : 1L << 21) : 1L << 22;
                e = (random.nextLong(1L << 36) & -page) | PS | flags;
            } else {
                e = newTable() | flags;
            }
            if (wide) memory.writeU64(at, e);
            else memory.writeU32(at, (int) e);
            return e;
        }
    }
}
