package dev.panavisor.vmm.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Templates as data, and the applier. */
class CpuTemplateTest {
    static Cpuid withKvmLeaves() {
        Cpuid c = CpuTopologyTest.hostLike("GenuineIntel");
        // Documentation/virt/kvm/x86/cpuid.rst: 0x40000000 "KVMKVMKVM\0\0\0", 0x40000001 EAX feature bits.
        c.add(new CpuidEntry(0x40000000, 0, 0, 0x40000001, 0x4B4D564B, 0x564B4D56, 0x4D));
        c.add(new CpuidEntry(0x40000001, 0, 0, 0x01FFFFFF, 0, 0, 0));
        for (int i = 0; i < 3; i++) c.add(new CpuidEntry(0x80000002 + i, 0, 0, 0x6C65746E, 0x6C65746E, 0x6C65746E, 0x6C65746E));
        return c;
    }

    @Test
    void noneChangesNothing() {
        Cpuid c = withKvmLeaves();
        String before = c.entries().toString();
        CpuTemplates.NONE.applyTo(c);
        assertEquals(before, c.entries().toString());
    }

    @Test
    void hostSafeHidesPvIpiAndPvSchedYieldOnly() {
        Cpuid c = withKvmLeaves();
        CpuTemplates.HOST_SAFE.applyTo(c);
        int features = c.find(0x40000001).orElseThrow().eax();
        assertEquals(0, features & (1 << 11), "KVM_FEATURE_PV_SEND_IPI");
        assertEquals(0, features & (1 << 13), "KVM_FEATURE_PV_SCHED_YIELD");
        assertEquals(0x01FFFFFF & ~((1 << 11) | (1 << 13)), features);
        assertEquals(0x50654, c.find(1).orElseThrow().eax());
    }

    @Test
    void pinnedSkylakeFixesSignatureAndBrandAndIsAlsoHostSafe() {
        Cpuid c = withKvmLeaves();
        c.find(1).orElseThrow().eax(0x000806F8); // a Sapphire Rapids host
        CpuTemplates.PINNED_SKYLAKE.applyTo(c);
        assertEquals(0x00050654, c.find(1).orElseThrow().eax());
        StringBuilder brand = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            CpuidEntry e = c.find(0x80000002 + i).orElseThrow();
            for (int r : new int[] {e.eax(), e.ebx(), e.ecx(), e.edx()}) brand.append(Cpuid.ascii(r));
        }
        assertEquals(CpuTemplates.SKYLAKE_BRAND, brand.toString().replace("\0", ""));
        assertEquals(48, brand.length());
        assertEquals(0, c.find(0x40000001).orElseThrow().eax() & ((1 << 11) | (1 << 13)));
    }

    @Test
    void brandStringsLongerThan47CharactersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuTemplates.brandString("x".repeat(48)));
    }

    @Test
    void templateMsrsOverrideDefaultsAndAppendNewOnes() {
        CpuTemplate t = new CpuTemplate("t", "test", List.of(),
                List.of(new MsrValue(BootMsrs.IA32_MISC_ENABLE, 0), new MsrValue(0x10A, 0x1)));
        List<MsrValue> msrs = t.msrs(BootMsrs.LINUX);
        assertEquals(BootMsrs.LINUX.size() + 1, msrs.size());
        assertEquals(0, msrs.stream().filter(m -> m.index() == BootMsrs.IA32_MISC_ENABLE).findFirst().orElseThrow().value());
        assertEquals(new MsrValue(0x10A, 1), msrs.getLast());
    }

    @Test
    void rulesForOneSubleafLeaveTheOthers() {
        Cpuid c = CpuTopologyTest.hostLike("GenuineIntel");
        new CpuidRule(4, 1, CpuidEntry.Register.EBX, 0xFF, 0x42).applyTo(c);
        assertEquals(0x42, c.find(4, 1).orElseThrow().ebx());
        assertEquals(0, c.find(4, 0).orElseThrow().ebx());
    }

    @Test
    void templatesAreFoundByName() {
        assertEquals(List.of("none", "host-safe", "pinned-skylake"), new ArrayList<>(CpuTemplates.ALL.keySet()));
        assertEquals(CpuTemplates.HOST_SAFE, CpuTemplates.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> CpuTemplates.named("t3"));
    }
}
