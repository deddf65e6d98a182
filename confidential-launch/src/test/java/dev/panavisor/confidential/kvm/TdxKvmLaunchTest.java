package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.TdxMeasuredLaunch;
import dev.panavisor.kvm.Errno;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.pv_kvm_tdx_capabilities;
import dev.panavisor.kvm.sys.pv_kvm_tdx_cmd;
import dev.panavisor.kvm.sys.pv_kvm_tdx_init_mem_region;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact ioctl sequence of a TDX launch through KVM (intel-tdx.rst, "KVM TDX creation flow"):
 * kvm_tdx_cmd {id @0, flags @4, data @8, hw_error @16}, command ids CAPABILITIES 0, INIT_VM 1,
 * INIT_VCPU 2, INIT_MEM_REGION 3, FINALIZE_VM 4.
 */
class TdxKvmLaunchTest {
    private static final long SEPT_VE_DISABLE = 1L << 28;
    private static final long HOB = 0x80_9000L;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ram = arena.allocate(0x10000, 4096);
    private final List<GuestRamRegion> regions = List.of(new GuestRamRegion(0, 0x80_0000L, ram));

    @AfterEach
    void close() {
        arena.close();
    }

    /** The TDX module offers SEPT_VE_DISABLE and XFAM 0xff; everything else as the default fake. */
    private static RecordingKvmTarget.Kernel capabilities(RecordingKvmTarget.Kernel next) {
        return (fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && pv_kvm_tdx_cmd.id(arg) == 0) {
                pv_kvm_tdx_capabilities.supported_attrs(data, SEPT_VE_DISABLE);
                pv_kvm_tdx_capabilities.supported_xfam(data, 0xff);
                return 0;
            }
            return next.answer(fd, request, arg, data);
        };
    }

    private static LaunchMeasurement launch(LaunchContext c, byte[] normal) {
        c.start(LaunchPlatform.TDX, SEPT_VE_DISABLE);
        c.addPages(0x80_0000L, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(normal));
        c.addPages(0x80_1000L, 0x1000, LaunchPageType.ZERO, null);
        c.addPages(0x80_9000L, 0x1000, LaunchPageType.UNMEASURED, MemorySegment.ofArray(new byte[8]));
        return c.finish();
    }

    @Test
    void issuesTheDocumentedSequenceWithDocumentedStructs() {
        RecordingKvmTarget kvm = new RecordingKvmTarget(capabilities((fd, r, a, d) -> Integer.MIN_VALUE));
        byte[] normal = new byte[300];
        Arrays.fill(normal, (byte) 0xc3);
        LaunchMeasurement m = launch(new TdxKvmLaunch(kvm, TdxKvmOptions.of(2, regions, HOB)), normal);

        assertEquals(List.of(
                "vm ENCRYPT_OP 0", "vm ENCRYPT_OP 1",
                "vm CREATE_GUEST_MEMFD", "vm SET_USER_MEMORY_REGION2",
                "vm CREATE_VCPU", "vcpu0 ENCRYPT_OP 2", "vm CREATE_VCPU", "vcpu1 ENCRYPT_OP 2",
                "vm SET_MEMORY_ATTRIBUTES", "vcpu0 ENCRYPT_OP 3",
                "vm SET_MEMORY_ATTRIBUTES", "vcpu0 ENCRYPT_OP 3",
                "vm SET_MEMORY_ATTRIBUTES", "vcpu0 ENCRYPT_OP 3",
                "vm ENCRYPT_OP 4"), IoctlNames.of(kvm.calls));

        for (RecordingKvmTarget.Call c : kvm.encryptOps()) {
            assertEquals(24, c.arg().length);
            assertEquals(0, c.argLe().getLong(16), "hw_error is zero on entry");
        }
        List<RecordingKvmTarget.Call> ops = kvm.encryptOps();
        // CAPABILITIES: kvm_cpuid2.nent after the 2 KiB head says how many entries fit.
        assertEquals(0, ops.get(0).argLe().getInt(4), "flags");
        assertEquals(TdxKvmLaunch.CAPABILITY_CPUID_ENTRIES, ops.get(0).dataLe().getInt(2048));
        // INIT_VM: attributes @0, xfam @8, mrconfigid @16, mrowner @64, mrownerconfig @112, reserved to 256, cpuid nent @256.
        ByteBuffer init = ops.get(1).dataLe();
        assertEquals(SEPT_VE_DISABLE, init.getLong(0));
        assertEquals(TdxKvmOptions.XFAM_FIXED, init.getLong(8));
        SnpKvmLaunchTest.assertZero(ops.get(1).data(), 16, 256);
        assertEquals(0, init.getInt(256), "no CPUID entries configured");
        // INIT_VCPU: data is RCX itself, the TD HOB's GPA.
        for (int v = 0; v < 2; v++) {
            assertEquals(HOB, ops.get(2 + v).argLe().getLong(8));
            assertEquals(0, ops.get(2 + v).data().length, "immediate, no struct");
        }
        // INIT_MEM_REGION: flags @4 = KVM_TDX_MEASURE_MEMORY_REGION for measured pages; region {source_addr, gpa, nr_pages}.
        long[] gpas = {0x80_0000L, 0x80_1000L, 0x80_9000L};
        int[] flags = {1, 1, 0};
        for (int i = 0; i < 3; i++) {
            RecordingKvmTarget.Call c = ops.get(4 + i);
            assertEquals(flags[i], c.argLe().getInt(4), "flags of region " + i);
            ByteBuffer r = c.dataLe();
            assertNotEquals(0, r.getLong(0), "source_addr");
            assertEquals(gpas[i], r.getLong(8));
            assertEquals(1, r.getLong(16));
            ByteBuffer attr = kvm.calls.get(8 + 2 * i).argLe();
            assertEquals(gpas[i], attr.getLong(0));
            assertEquals(0x1000, attr.getLong(8));
            assertEquals(8, attr.getLong(16), "KVM_MEMORY_ATTRIBUTE_PRIVATE");
        }
        assertEquals(0, ops.get(7).argLe().getLong(8), "FINALIZE_VM data must be 0");

        assertArrayEquals(launch(new TdxMeasuredLaunch(), normal).digest(), m.digest());
        assertEquals(LaunchMeasurement.Provenance.EXPECTED, m.provenance());
        assertEquals(3, m.pages());
    }

    @Test
    void resumesAnInterruptedMemRegion() {
        int[] round = {0};
        RecordingKvmTarget kvm = new RecordingKvmTarget(capabilities((fd, request, arg, data) -> {
            if (request != KvmUapi.KVM_MEMORY_ENCRYPT_OP() || pv_kvm_tdx_cmd.id(arg) != 3) return Integer.MIN_VALUE;
            long pages = round[0]++ == 0 ? 1 : pv_kvm_tdx_init_mem_region.nr_pages(data);
            pv_kvm_tdx_init_mem_region.source_addr(data, pv_kvm_tdx_init_mem_region.source_addr(data) + pages * 4096);
            pv_kvm_tdx_init_mem_region.gpa(data, pv_kvm_tdx_init_mem_region.gpa(data) + pages * 4096);
            pv_kvm_tdx_init_mem_region.nr_pages(data, pv_kvm_tdx_init_mem_region.nr_pages(data) - pages);
            return round[0] == 1 ? -Errno.EINTR : 0;
        }));
        TdxKvmLaunch c = new TdxKvmLaunch(kvm, TdxKvmOptions.of(1, regions, HOB));
        c.start(LaunchPlatform.TDX, 0);
        c.addPages(0x80_0000L, 0x3000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[1]));
        List<RecordingKvmTarget.Call> regionsIssued = kvm.encryptOps().stream().filter(o -> o.commandId() == 3).toList();
        assertEquals(2, regionsIssued.size());
        assertEquals(0x80_1000L, regionsIssued.get(1).dataLe().getLong(8));
        assertEquals(2, regionsIssued.get(1).dataLe().getLong(16));
    }

    @Test
    void tdxModuleErrorNamesCommandAndStatus() {
        RecordingKvmTarget kvm = new RecordingKvmTarget(capabilities((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && pv_kvm_tdx_cmd.id(arg) == 3) {
                pv_kvm_tdx_cmd.hw_error(arg, 0xc000_0a00_0000_0000L);
                return -Errno.EIO;
            }
            return Integer.MIN_VALUE;
        }));
        TdxKvmLaunch c = new TdxKvmLaunch(kvm, TdxKvmOptions.of(1, regions, HOB));
        c.start(LaunchPlatform.TDX, 0);
        LaunchCommandException e = assertThrows(LaunchCommandException.class,
                () -> c.addPages(0x80_0000L, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[1])));
        assertEquals("KVM_TDX_INIT_MEM_REGION", e.command());
        assertEquals(0xc000_0a00_0000_0000L, e.firmwareError());
        assertTrue(e.getMessage().contains("EIO"), e.getMessage());
        assertTrue(e.getMessage().contains("TDX module status 0xc0000a0000000000"), e.getMessage());
    }

    @Test
    void unsupportedAttributesAreRefusedBeforeInitVm() {
        RecordingKvmTarget kvm = new RecordingKvmTarget(capabilities((fd, r, a, d) -> Integer.MIN_VALUE));
        TdxKvmLaunch c = new TdxKvmLaunch(kvm, TdxKvmOptions.of(1, regions, HOB));
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> c.start(LaunchPlatform.TDX, SEPT_VE_DISABLE | 1));
        assertTrue(e.getMessage().contains("TD attributes 0x10000001 ask for bits 0x1"), e.getMessage());
        assertEquals(1, kvm.calls.size(), "only KVM_TDX_CAPABILITIES was issued");
    }

    @Test
    void snpOnlyPagesAndVpContextsAreRefused() {
        RecordingKvmTarget kvm = new RecordingKvmTarget(capabilities((fd, r, a, d) -> Integer.MIN_VALUE));
        TdxKvmLaunch c = new TdxKvmLaunch(kvm, TdxKvmOptions.of(1, regions, HOB));
        c.start(LaunchPlatform.TDX, 0);
        int before = kvm.calls.size();
        assertThrows(LaunchMeasurementException.class, () -> c.addPages(0x80_0000L, 0x1000, LaunchPageType.SECRETS, null));
        assertThrows(LaunchMeasurementException.class, () -> c.addVpContext(0, 0, MemorySegment.ofArray(new byte[4096])));
        assertEquals(before, kvm.calls.size());
    }
}
