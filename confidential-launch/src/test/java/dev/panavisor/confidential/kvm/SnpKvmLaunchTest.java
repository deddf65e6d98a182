package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.VcpuSignature;
import dev.panavisor.confidential.sev.VmmFlavor;
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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact ioctl sequence of an SEV-SNP launch through KVM, against a recording fake:
 * request numbers, KVM_MEMORY_ENCRYPT_OP command ids (amd-memory-encryption.rst: INIT2 = 22,
 * SNP_LAUNCH_START = 100, UPDATE = 101, FINISH = 102) and every struct field at its documented offset.
 */
class SnpKvmLaunchTest {
    private static final long POLICY = 0x30000;
    private static final int SIGNATURE = VcpuSignature.of(25, 1, 1);
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ram = arena.allocate(0x10000, 4096);
    private final List<GuestRamRegion> regions = List.of(new GuestRamRegion(3, 0, ram));

    @AfterEach
    void close() {
        arena.close();
    }

    private static MemorySegment bspVmsa() {
        return ResetVmsa.bsp(VmsaVcpuState.SEV_FEATURE_SNP_ACTIVE, SIGNATURE, VmmFlavor.QEMU);
    }

    /** 3 pages of mixed types (NORMAL with short contents, ZERO, CPUID) and one VMSA. */
    private static LaunchMeasurement launch(dev.panavisor.confidential.launch.LaunchContext c, byte[] normal) {
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        c.addPages(0x1000, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(normal));
        c.addPages(0x2000, 0x1000, LaunchPageType.ZERO, null);
        c.addPages(0x3000, 0x1000, LaunchPageType.CPUID, null);
        c.addVpContext(0, 0xffff_ffff_f000L, bspVmsa());
        return c.finish();
    }

    @Test
    void issuesTheDocumentedSequenceWithDocumentedStructs() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        byte[] normal = new byte[100];
        Arrays.fill(normal, (byte) 0xab);
        LaunchMeasurement m = launch(new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0)), normal);

        assertEquals(List.of(
                "vm ENCRYPT_OP 22", "vm ENCRYPT_OP 100",
                "vm CREATE_GUEST_MEMFD", "vm SET_USER_MEMORY_REGION2", "vm CREATE_VCPU",
                "vm SET_MEMORY_ATTRIBUTES", "vm ENCRYPT_OP 101",
                "vm SET_MEMORY_ATTRIBUTES", "vm ENCRYPT_OP 101",
                "vm SET_MEMORY_ATTRIBUTES", "vm ENCRYPT_OP 101",
                "vcpu0 GET_SREGS", "vcpu0 SET_SREGS", "vcpu0 SET_REGS", "vcpu0 SET_FPU", "vcpu0 SET_XCRS", "vcpu0 SET_MSRS",
                "vm ENCRYPT_OP 102"), IoctlNames.of(kvm.calls));

        // kvm_sev_cmd: id @0, data @8, error @16, sev_fd @20; every SEV command carries the /dev/sev fd.
        for (RecordingKvmTarget.Call c : kvm.encryptOps()) {
            assertEquals(24, c.arg().length);
            assertEquals(RecordingKvmTarget.SEV_FD, c.argLe().getInt(20), "sev_fd");
            assertEquals(0, c.argLe().getInt(16), "error is zero on entry");
        }
        List<RecordingKvmTarget.Call> ops = kvm.encryptOps();

        // KVM_SEV_INIT2, struct kvm_sev_init: vmsa_features @0, flags @8, ghcb_version @12 (u16), pads zero.
        ByteBuffer init = ops.get(0).dataLe();
        assertEquals(0, init.getLong(0));
        assertEquals(0, init.getInt(8));
        assertEquals(2, init.getShort(12));
        assertZero(ops.get(0).data(), 14, 48);

        // KVM_SEV_SNP_LAUNCH_START: policy @0, gosvw[16] @8, flags @24 (u16), pads zero.
        ByteBuffer start = ops.get(1).dataLe();
        assertEquals(POLICY, start.getLong(0));
        assertZero(ops.get(1).data(), 8, 64);

        // guest_memfd for the region, then the memslot: slot @0, flags @4 (KVM_MEM_GUEST_MEMFD = 4),
        // gpa @8, size @16, userspace_addr @24, guest_memfd_offset @32, guest_memfd @40.
        ByteBuffer gmem = kvm.calls.get(2).argLe();
        assertEquals(0x10000, gmem.getLong(0));
        assertEquals(0, gmem.getLong(8));
        ByteBuffer slot = kvm.calls.get(3).argLe();
        assertEquals(3, slot.getInt(0));
        assertEquals(4, slot.getInt(4));
        assertEquals(0, slot.getLong(8));
        assertEquals(0x10000, slot.getLong(16));
        assertEquals(ram.address(), slot.getLong(24));
        assertEquals(0, slot.getLong(32));
        assertEquals(RecordingKvmTarget.FIRST_GUEST_MEMFD, slot.getInt(40));
        assertEquals(List.of(RecordingKvmTarget.FIRST_GUEST_MEMFD + " guest_memfd of slot 3"), kvm.adopted);

        // Each range private first: address @0, size @8, attributes @16 (PRIVATE = 1 << 3), flags @24.
        long[] gpas = {0x1000, 0x2000, 0x3000};
        int[] types = {1, 3, 6};
        for (int i = 0; i < 3; i++) {
            ByteBuffer attr = kvm.calls.get(5 + 2 * i).argLe();
            assertEquals(gpas[i], attr.getLong(0));
            assertEquals(0x1000, attr.getLong(8));
            assertEquals(8, attr.getLong(16));
            assertEquals(0, attr.getLong(24));
            // KVM_SEV_SNP_LAUNCH_UPDATE: gfn_start @0, uaddr @8, len @16, type @24 (u8), flags @26 (u16), pads zero.
            RecordingKvmTarget.Call update = ops.get(2 + i);
            ByteBuffer u = update.dataLe();
            assertEquals(gpas[i] >> 12, u.getLong(0), "gfn_start");
            assertEquals(0x1000, u.getLong(16), "len");
            assertEquals(types[i], u.get(24), "type");
            assertZero(update.data(), 25, 64);
            if (types[i] == 3) assertEquals(0, u.getLong(8), "ZERO pages have no source");
            else assertNotEquals(0, u.getLong(8), "uaddr");
        }

        // KVM_SEV_SNP_LAUNCH_FINISH without ID block: everything zero (id_block_en @16, host_data @19..51).
        assertZero(ops.get(5).data(), 0, 88);

        SnpMeasuredLaunch reference = new SnpMeasuredLaunch();
        assertArrayEquals(launch(reference, normal).digest(), m.digest(), "expected digest = the software launch of the same steps");
        assertEquals(LaunchMeasurement.Provenance.EXPECTED, m.provenance());
        assertEquals(LaunchPlatform.SEV_SNP, m.platform());
        assertEquals(3, m.pages());
        assertEquals(1, m.vpContexts());
    }

    @Test
    void launchUpdateSourceHoldsTheContentsThenZeros() {
        byte[] normal = new byte[100];
        Arrays.fill(normal, (byte) 0x5a);
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 101
                    && pv_kvm_sev_snp_launch_update.type(data) == 1) {
                MemorySegment src = MemorySegment.ofAddress(pv_kvm_sev_snp_launch_update.uaddr(data)).reinterpret(4096);
                for (int i = 0; i < 4096; i++) {
                    assertEquals(i < 100 ? (byte) 0x5a : 0, src.get(ValueLayout.JAVA_BYTE, i), "source byte " + i);
                }
                assertEquals(0, pv_kvm_sev_snp_launch_update.uaddr(data) % 4096, "page-aligned source");
            }
            return Integer.MIN_VALUE;
        });
        launch(new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0)), normal);
    }

    @Test
    void followsPartialProgressAndRetriesEagain() {
        // amd-memory-encryption.rst, SNP_LAUNCH_UPDATE: success may cover part of the range, with
        // gfn_start/uaddr/len advanced; -EAGAIN means "call again".
        int[] round = {0};
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request != KvmUapi.KVM_MEMORY_ENCRYPT_OP() || kvm_sev_cmd.id(arg) != 101) return Integer.MIN_VALUE;
            int r = round[0]++;
            if (r == 1) return -Errno.EAGAIN;
            long pages = r == 0 ? 1 : 2;
            pv_kvm_sev_snp_launch_update.gfn_start(data, pv_kvm_sev_snp_launch_update.gfn_start(data) + pages);
            pv_kvm_sev_snp_launch_update.uaddr(data, pv_kvm_sev_snp_launch_update.uaddr(data) + pages * 4096);
            pv_kvm_sev_snp_launch_update.len(data, pv_kvm_sev_snp_launch_update.len(data) - pages * 4096);
            return 0;
        });
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        c.addPages(0x4000, 0x3000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[0x3000]));
        List<RecordingKvmTarget.Call> updates = kvm.encryptOps().stream().filter(o -> o.commandId() == 101).toList();
        assertEquals(3, updates.size());
        long base = updates.get(0).dataLe().getLong(8);
        long[][] seen = {{4, 0x3000, 0}, {5, 0x2000, 0x1000}, {5, 0x2000, 0x1000}};
        for (int i = 0; i < 3; i++) {
            ByteBuffer u = updates.get(i).dataLe();
            assertEquals(seen[i][0], u.getLong(0), "gfn_start of call " + i);
            assertEquals(seen[i][1], u.getLong(16), "len of call " + i);
            assertEquals(base + seen[i][2], u.getLong(8), "uaddr of call " + i);
        }
    }

    @Test
    void firmwareErrorNamesCommandAndStatus() {
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 101) {
                kvm_sev_cmd.error(arg, SevFirmwareStatus.INVALID_PARAM);
                return -Errno.EIO;
            }
            return Integer.MIN_VALUE;
        });
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        LaunchCommandException e = assertThrows(LaunchCommandException.class,
                () -> c.addPages(0x3000, 0x1000, LaunchPageType.CPUID, null));
        assertEquals("KVM_SEV_SNP_LAUNCH_UPDATE", e.command());
        assertEquals(Errno.EIO, e.errno());
        assertEquals(0x16, e.firmwareError());
        assertTrue(e.getMessage().contains("KVM_SEV_SNP_LAUNCH_UPDATE (CPUID pages at 0x3000"), e.getMessage());
        assertTrue(e.getMessage().contains("EIO"), e.getMessage());
        assertTrue(e.getMessage().contains("SEV firmware status 0x16 INVALID_PARAM"), e.getMessage());
        assertTrue(e.getMessage().contains("CPUID page"), e.getMessage());
    }

    @Test
    void kernelErrorWithoutFirmwareStatusNamesTheCommand() {
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) ->
                request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 22 ? -Errno.EINVAL : Integer.MIN_VALUE);
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0));
        LaunchCommandException e = assertThrows(LaunchCommandException.class, () -> c.start(LaunchPlatform.SEV_SNP, POLICY));
        assertEquals("KVM_SEV_INIT2", e.command());
        assertEquals(0, e.firmwareError());
        assertTrue(e.getMessage().startsWith("KVM_SEV_INIT2 (vmsa_features 0x0) failed: EINVAL"), e.getMessage());
        assertEquals(1, kvm.calls.size(), "nothing after the failed command");
    }

    @Test
    void finishPassesIdBlockAndHostData() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        byte[] block = new byte[96];
        Arrays.fill(block, (byte) 0x11);
        byte[] auth = new byte[4096];
        Arrays.fill(auth, (byte) 0x22);
        byte[] host = new byte[32];
        for (int i = 0; i < 32; i++) host[i] = (byte) i;
        SnpKvmOptions o = SnpKvmOptions.of(1, regions, 0)
                .withFinish(java.util.Optional.of(new SnpKvmOptions.IdBlock(block, auth, true)), host);
        launch(new SnpKvmLaunch(kvm, o), new byte[1]);
        RecordingKvmTarget.Call fin = kvm.encryptOps().getLast();
        assertEquals(102, fin.commandId());
        ByteBuffer f = fin.dataLe();
        // id_block_uaddr @0, id_auth_uaddr @8, id_block_en @16, auth_key_en @17, vcek_disabled @18, host_data @19.
        assertNotEquals(0, f.getLong(0));
        assertNotEquals(0, f.getLong(8));
        assertEquals(1, f.get(16));
        assertEquals(1, f.get(17));
        assertEquals(0, f.get(18));
        assertArrayEquals(host, Arrays.copyOfRange(fin.data(), 19, 51));
        assertZero(fin.data(), 51, 88);
    }

    /** A CPUID page built from the vCPUs' CPUID table goes in as the source of the CPUID-type LAUNCH_UPDATE. */
    @Test
    void theCpuidPageCarriesTheVcpusCpuidTable() {
        byte[][] staged = new byte[1][];
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 101) {
                MemorySegment u = data.reinterpret(dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_update.layout().byteSize());
                if (dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_update.type(u) == KvmUapi.PV_KVM_SEV_SNP_PAGE_TYPE_CPUID()) {
                    long uaddr = dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_update.uaddr(u);
                    staged[0] = MemorySegment.ofAddress(uaddr).reinterpret(4096).toArray(ValueLayout.JAVA_BYTE);
                }
            }
            return Integer.MIN_VALUE;
        });
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment table = dev.panavisor.confidential.snp.SnpCpuidPageTest.table(a, new int[]{0x8000001F, 0, 0, 0x1, 0x2, 0x3, 0x4});
            launch(new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0).withCpuidTable(table)), new byte[1]);
            org.junit.jupiter.api.Assertions.assertNotNull(staged[0], "a CPUID-type LAUNCH_UPDATE");
            assertArrayEquals(dev.panavisor.confidential.snp.SnpCpuidPage.from(table).toArray(ValueLayout.JAVA_BYTE), staged[0]);
            assertEquals(0x8000001F, ByteBuffer.wrap(staged[0]).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(16));
        }
    }

    /** The launch description's ID block (an IGVM SNP_ID_BLOCK directive) reaches SNP_LAUNCH_FINISH, bytes intact. */
    @Test
    void anIdentityFromTheLaunchDescriptionReachesLaunchFinish() {
        byte[] block = new byte[96];
        for (int i = 0; i < 96; i++) block[i] = (byte) (i + 1);
        byte[] auth = new byte[4096];
        Arrays.fill(auth, (byte) 0x5A);
        byte[][] seen = new byte[2][];
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 102) {
                MemorySegment fin = data.reinterpret(88);
                seen[0] = MemorySegment.ofAddress(fin.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)).reinterpret(96).toArray(ValueLayout.JAVA_BYTE);
                seen[1] = MemorySegment.ofAddress(fin.get(ValueLayout.JAVA_LONG_UNALIGNED, 8)).reinterpret(4096).toArray(ValueLayout.JAVA_BYTE);
            }
            return Integer.MIN_VALUE;
        });
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        c.expectIdentity(new dev.panavisor.confidential.launch.SnpLaunchIdentity(block, auth, false));
        c.addPages(0x1000, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[1]));
        c.addVpContext(0, 0xffff_ffff_f000L, bspVmsa());
        c.finish();
        RecordingKvmTarget.Call fin = kvm.encryptOps().getLast();
        assertEquals(102, fin.commandId());
        assertEquals(1, fin.dataLe().get(16), "id_block_en");
        assertEquals(0, fin.dataLe().get(17), "auth_key_en");
        assertArrayEquals(block, seen[0]);
        assertArrayEquals(auth, seen[1]);
    }

    @Test
    void vmsaKvmCannotRebuildIsRefusedBeforeAnyVcpuIoctl() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        MemorySegment vmsa = bspVmsa();
        vmsa.set(ValueLayout.JAVA_LONG_UNALIGNED, VmsaVcpuState.DR7, 0x401);
        vmsa.set(ValueLayout.JAVA_BYTE, 0x570, (byte) 1);  // a YMM upper half
        int before = kvm.calls.size();
        UnrepresentableVmsaException e = assertThrows(UnrepresentableVmsaException.class, () -> c.addVpContext(0, 0, vmsa));
        assertTrue(e.getMessage().contains("DR7 is 0x401"), e.getMessage());
        assertTrue(e.getMessage().contains("YMM upper halves"), e.getMessage());
        assertEquals(before, kvm.calls.size());
    }

    @Test
    void finishRefusesAVcpuWithoutVmsa() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(2, regions, 0));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        c.addVpContext(0, 0, bspVmsa());
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class, c::finish);
        assertTrue(e.getMessage().contains("vCPU 1 has no VMSA"), e.getMessage());
        assertTrue(kvm.encryptOps().stream().noneMatch(o -> o.commandId() == 102));
    }

    @Test
    void pagesOutsideGuestRamAreRefusedBeforeAnyIoctl() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        int before = kvm.calls.size();
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> c.addPages(0xf000, 0x2000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[1])));
        assertTrue(e.getMessage().contains("not inside one guest RAM region"), e.getMessage());
        assertEquals(before, kvm.calls.size());
    }

    @Test
    void sharedPagesGoIntoTheSharedViewWithoutIoctls() {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        SnpKvmLaunch c = new SnpKvmLaunch(kvm, SnpKvmOptions.of(1, regions, 0));
        c.start(LaunchPlatform.SEV_SNP, POLICY);
        ram.asSlice(0x5000, 0x1000).fill((byte) 0x77);
        int before = kvm.calls.size();
        c.addPages(0x5000, 0x1000, LaunchPageType.SHARED, MemorySegment.ofArray(new byte[] {1, 2, 3}));
        assertEquals(before, kvm.calls.size());
        assertEquals(1, ram.get(ValueLayout.JAVA_BYTE, 0x5000));
        assertEquals(3, ram.get(ValueLayout.JAVA_BYTE, 0x5002));
        assertEquals(0, ram.get(ValueLayout.JAVA_BYTE, 0x5003), "rest of the range zeroed");
    }

    static void assertZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) assertEquals(0, b[i], "byte " + i + " must be zero");
    }
}
