package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.VcpuSignature;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.confidential.snp.SnpCpuidPage;
import dev.panavisor.confidential.snp.SnpCpuidPageTest;
import dev.panavisor.kvm.Errno;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_sev_cmd;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_update;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SEV-SNP CPUID page through KVM, against the recording fake: the page built from the vCPUs'
 * CPUID table goes in as the source of the CPUID-type KVM_SEV_SNP_LAUNCH_UPDATE (type 6), the
 * vCPUs get the same table with KVM_SET_CPUID2, the PSP's refusal comes back as the corrections
 * it made, and the launch digest never depends on the page's contents.
 */
class SnpKvmCpuidPageTest {
    private static final long POLICY = 0x30000;
    private static final long CPUID_GPA = 0x3000;
    private static final int IDX = KvmUapi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ram = arena.allocate(0x10000, 4096);
    private final List<GuestRamRegion> regions = List.of(new GuestRamRegion(3, 0, ram));

    @AfterEach
    void close() {
        arena.close();
    }

    private MemorySegment table(int leaf7Ebx) {
        return SnpCpuidPageTest.table(arena,
                new int[]{0x0, 0, 0, 0xD, 0x68747541, 0x444D4163, 0x69746E65},
                new int[]{0x7, 0, IDX, 0, leaf7Ebx, 0x4, 0x10},
                new int[]{0xD, 0, IDX, 0x7, 0x340, 0x340, 0},
                new int[]{0x8000001F, 0, 0, 0x1, 0x2, 0x3, 0x4});
    }

    private static LaunchMeasurement launch(LaunchContext c) {
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        c.addPages(0x1000, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[] {(byte) 0xf4}));
        c.addPages(CPUID_GPA, 0x1000, LaunchPageType.CPUID, null);
        c.addVpContext(0, 0, ResetVmsa.bsp(VmsaVcpuState.SEV_FEATURE_SNP_ACTIVE, VcpuSignature.of(25, 1, 1), VmmFlavor.QEMU));
        return c.finish();
    }

    /** Records the source page of every CPUID-type LAUNCH_UPDATE as KVM would read it. */
    private static RecordingKvmTarget recordingCpuidPages(List<byte[]> pages) {
        return new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 101
                    && pv_kvm_sev_snp_launch_update.type(data) == 6) {
                pages.add(MemorySegment.ofAddress(pv_kvm_sev_snp_launch_update.uaddr(data)).reinterpret(4096).toArray(ValueLayout.JAVA_BYTE));
            }
            return Integer.MIN_VALUE;
        });
    }

    @Test
    void theCpuidUpdateCarriesThePageBuiltFromTheTableAtItsGfn() {
        List<byte[]> pages = new ArrayList<>();
        RecordingKvmTarget kvm = recordingCpuidPages(pages);
        MemorySegment t = table(0x219C07AB);
        launch(new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0).withCpuidTable(t)));
        assertEquals(1, pages.size());
        assertArrayEquals(SnpCpuidPage.from(t).toArray(ValueLayout.JAVA_BYTE), pages.get(0));
        ByteBuffer page = ByteBuffer.wrap(pages.get(0)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, page.getInt(0), "COUNT");
        assertEquals(0x219C07AB, page.getInt(16 + 48 + 28), "leaf 7 EBX, function 1");
        assertEquals(0x240, page.getInt(16 + 96 + 28), "leaf 0xD/0 EBX for XCR0_IN = x87");
        RecordingKvmTarget.Call update = kvm.encryptOps().stream()
                .filter(o -> o.commandId() == 101 && o.dataLe().get(24) == 6).findFirst().orElseThrow();
        assertEquals(CPUID_GPA >> 12, update.dataLe().getLong(0), "gfn_start");
        assertEquals(0x1000, update.dataLe().getLong(16), "len");
    }

    /** The vCPUs get the table the page is built from, with KVM_SET_CPUID2, right after KVM_CREATE_VCPU. */
    @Test
    void eachVcpuGetsItsCpuidTableWhenCreated() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        MemorySegment[] perVcpu = {table(0x1), table(0x2)};
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(2, regions, 0).withVcpuCpuid(i -> perVcpu[i]));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        List<String> names = IoctlNames.of(kvm.calls);
        assertEquals(List.of("vm CREATE_VCPU", "vcpu0 SET_CPUID2", "vm CREATE_VCPU", "vcpu1 SET_CPUID2"), names.subList(names.size() - 4, names.size()));
        for (int i = 0; i < 2; i++) {
            RecordingKvmTarget.Call set = kvm.calls.get(kvm.calls.size() - 3 + 2 * i);
            assertArrayEquals(perVcpu[i].toArray(ValueLayout.JAVA_BYTE), set.arg(), "vCPU " + i + "'s kvm_cpuid2");
            assertEquals(4, set.argLe().getInt(0), "nent");
        }
    }

    @Test
    void withoutATableNoVcpuCpuidIsSet() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        launch(new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0)));
        assertFalse(IoctlNames.of(kvm.calls).contains("vcpu0 SET_CPUID2"));
    }

    /** The CPUID page is measured by type and GPA only (SNP ABI PAGE_INFO: CONTENTS zero for CPUID pages). */
    @Test
    void theExpectedDigestDoesNotDependOnThePagesContents() {
        List<byte[]> pages = new ArrayList<>();
        LaunchMeasurement a = launch(new SnpKvmLaunch(recordingCpuidPages(pages), SnpKvmOptions.of(1, regions, 0).withCpuidTable(table(0x1))));
        LaunchMeasurement b = launch(new SnpKvmLaunch(recordingCpuidPages(pages), SnpKvmOptions.of(1, regions, 0).withCpuidTable(table(0x2))));
        LaunchMeasurement none = launch(new SnpKvmLaunch(recordingCpuidPages(pages), SnpKvmOptions.of(1, regions, 0)));
        assertFalse(Arrays.equals(pages.get(0), pages.get(1)), "the pages differ");
        assertArrayEquals(a.digest(), b.digest());
        assertArrayEquals(a.digest(), none.digest());
        assertArrayEquals(launch(new SnpMeasuredLaunch()).digest(), a.digest(), "and equal the software launch, which has no page contents");
    }

    /**
     * amd-memory-encryption.rst, KVM_SEV_SNP_LAUNCH_UPDATE: when the firmware refuses a CPUID page
     * (EIO, status INVALID_PARAM) it writes the values it accepts into the page and KVM copies it
     * back to the source. The launch fails naming what the PSP changed and carries its page.
     */
    @Test
    void aRefusedPageComesBackAsThePspsCorrections() {
        MemorySegment t = table(0x219C07AB);
        List<SnpCpuidPage.Function> psp = new ArrayList<>(SnpCpuidPage.decode(SnpCpuidPage.from(t)));
        SnpCpuidPage.Function leaf7 = psp.get(1);
        psp.set(1, new SnpCpuidPage.Function(leaf7.eaxIn(), leaf7.ecxIn(), leaf7.xcr0In(), leaf7.xssIn(), leaf7.eax(), 0x219C03AB, leaf7.ecx(), 0));
        byte[] corrected = SnpCpuidPage.encode(psp).toArray(ValueLayout.JAVA_BYTE);
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 101 && pv_kvm_sev_snp_launch_update.type(data) == 6) {
                MemorySegment.copy(corrected, 0, MemorySegment.ofAddress(pv_kvm_sev_snp_launch_update.uaddr(data)).reinterpret(4096),
                        ValueLayout.JAVA_BYTE, 0, 4096);
                kvm_sev_cmd.error(arg, SevFirmwareStatus.INVALID_PARAM);
                return -Errno.EIO;
            }
            return Integer.MIN_VALUE;
        });
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0).withCpuidTable(t));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        SnpCpuidRejectedException e = assertThrows(SnpCpuidRejectedException.class, () -> c.addPages(CPUID_GPA, 0x1000, LaunchPageType.CPUID, null));
        assertEquals(List.of("CPUID 0x7/0x0 EBX 0x219c07ab -> 0x219c03ab (cleared 0x400)",
                "CPUID 0x7/0x0 EDX 0x00000010 -> 0x00000000 (cleared 0x10)"), e.corrections());
        assertArrayEquals(corrected, e.correctedPage());
        assertEquals("KVM_SEV_SNP_LAUNCH_UPDATE", e.command());
        assertEquals(Errno.EIO, e.errno());
        assertEquals(SevFirmwareStatus.INVALID_PARAM, e.firmwareError());
        assertTrue(e.getMessage().contains("SEV firmware status 0x16 INVALID_PARAM"), e.getMessage());
        assertTrue(e.getMessage().contains("the PSP corrected 2 value(s) in the CPUID page: CPUID 0x7/0x0 EBX"), e.getMessage());
        assertEquals(1, kvm.encryptOps().stream().filter(o -> o.commandId() == 101).count(), "no retry inside the failed launch");
    }

    /** The corrected page is the one a caller that accepts it relaunches with: it goes in unchanged. */
    @Test
    void aRelaunchWithTheCorrectedPageSubmitsItAsIs() {
        byte[] corrected = SnpCpuidPage.encode(List.of(new SnpCpuidPage.Function(0x0, 0, 0, 0, 0xD, 1, 2, 3))).toArray(ValueLayout.JAVA_BYTE);
        List<byte[]> pages = new ArrayList<>();
        launch(new SnpKvmLaunch(recordingCpuidPages(pages), SnpKvmOptions.of(1, regions, 0)
                .withCpuidPage(gpa -> MemorySegment.ofArray(corrected))));
        assertArrayEquals(corrected, pages.get(0));
    }

    @Test
    void otherFirmwareErrorsOnTheCpuidPageAreNotReportedAsCorrections() {
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 101) {
                kvm_sev_cmd.error(arg, 0x7);
                return -Errno.EIO;
            }
            return Integer.MIN_VALUE;
        });
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0).withCpuidTable(table(1)));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        LaunchCommandException e = assertThrows(LaunchCommandException.class, () -> c.addPages(CPUID_GPA, 0x1000, LaunchPageType.CPUID, null));
        assertFalse(e instanceof SnpCpuidRejectedException, e.getMessage());
    }
}
