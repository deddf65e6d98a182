package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.snp.SnpCpuidPage;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.vmm.boot.CpuidTable;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPUID page from this host's real KVM_GET_SUPPORTED_CPUID, as the machine's
 * {@link CpuidTable} shapes it: the page an SNP launch on this host's CPU model would submit.
 * (Whether the PSP accepts it can only be seen on SNP hardware.)
 */
@RequiresKvm
class SnpCpuidPageFromHostKvmTest {
    @Test
    void theHostsCpuidTableFitsTheFirmwaresPage() {
        try (Kvm kvm = Kvm.open(); Arena a = Arena.ofConfined()) {
            CpuidTable table = new CpuidTable(kvm, a);
            MemorySegment vcpu0 = table.forVcpu(a, 0);
            List<SnpCpuidPage.Function> all = SnpCpuidPage.functions(vcpu0);
            assertEquals(kvm_cpuid2.nent(vcpu0), all.size());
            SnpKvmOptions options = SnpKvmOptions.of(1, List.of(new GuestRamRegion(0, 0, a.allocate(4096, 4096))), 0).withCpuidTable(table, a);
            MemorySegment page = options.cpuidPage().apply(0x3000);
            List<SnpCpuidPage.Function> onPage = SnpCpuidPage.decode(page);
            assertTrue(onPage.size() <= SnpCpuidPage.MAX_FUNCTIONS);
            assertTrue(all.containsAll(onPage), "every function on the page is one of the table's");
            SnpCpuidPage.Function leaf0 = onPage.stream().filter(f -> f.eaxIn() == 0).findFirst().orElseThrow();
            assertTrue(leaf0.eax() > 0, "leaf 0 declares the standard range");
            for (SnpCpuidPage.Function f : onPage) {
                if (f.eaxIn() == 0xD && f.ecxIn() <= 1) {
                    assertEquals(SnpCpuidPage.RESET_XCR0, f.xcr0In());
                    assertEquals(SnpCpuidPage.RESET_XSAVE_SIZE, f.ebx());
                }
            }
            // vCPU n's own table differs from vCPU 0's only in the APIC ID fields.
            List<SnpCpuidPage.Function> ofVcpu1 = SnpCpuidPage.functions(options.vcpuCpuid().apply(1));
            assertEquals(all.size(), ofVcpu1.size());
            for (int i = 0; i < all.size(); i++) {
                SnpCpuidPage.Function f0 = all.get(i), f1 = ofVcpu1.get(i);
                switch (f0.eaxIn()) {
                    case 0x1 -> {
                        assertEquals(f0.ebx() & 0x00FFFFFF, f1.ebx() & 0x00FFFFFF);
                        assertEquals(1, f1.ebx() >>> 24, "initial APIC ID");
                    }
                    case 0xB, 0x1F -> assertEquals(1, f1.edx(), "x2APIC ID");
                    default -> assertEquals(f0, f1);
                }
            }
            assertArrayEquals(vcpu0.toArray(ValueLayout.JAVA_BYTE), options.vcpuCpuid().apply(0).toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
