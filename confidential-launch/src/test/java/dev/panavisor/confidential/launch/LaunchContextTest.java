package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.sev.SevLaunchDigest;
import dev.panavisor.confidential.snp.SnpLaunchDigest;
import dev.panavisor.confidential.snp.SnpPageType;
import dev.panavisor.confidential.tdx.TdxMrtd;
import dev.panavisor.confidential.tdx.TdxPageOrder;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each launch context against its page-level engine driven by hand, step for step. */
class LaunchContextTest {
    private static final long GPA = 0x100000;

    private static MemorySegment pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * 7 + seed);
        return MemorySegment.ofArray(b);
    }

    /** SNP ABI §8.17: one PAGE_INFO per page, typed; contents hashed for normal and VMSA pages only. */
    @Test
    void snpStepsMatchTheDigestEngine() {
        MemorySegment data = pattern(6000, 1); // not a page multiple: the tail page is zero-padded
        MemorySegment vmsa = pattern(4096, 9);
        SnpMeasuredLaunch launch = new SnpMeasuredLaunch();
        launch.start(LaunchPlatform.SEV_SNP, 0x30000);
        launch.addPages(GPA, 0x3000, LaunchPageType.NORMAL, data);
        launch.addPages(0x200000, 0x2000, LaunchPageType.ZERO, null);
        launch.addPages(0x300000, 0x1000, LaunchPageType.UNMEASURED, pattern(100, 2));
        launch.addPages(0x301000, 0x1000, LaunchPageType.SECRETS, null);
        launch.addPages(0x302000, 0x1000, LaunchPageType.CPUID, null);
        launch.addPages(0x400000, 0x1000, LaunchPageType.SHARED, pattern(10, 3));
        launch.addPages(0x500000, 0x10000, LaunchPageType.REQUIRED, null);
        launch.addVpContext(0, 0x1234000, vmsa);
        LaunchMeasurement m = launch.finish();

        byte[] padded = new byte[0x3000];
        MemorySegment.copy(data, 0, MemorySegment.ofArray(padded), 0, data.byteSize());
        SnpLaunchDigest expected = new SnpLaunchDigest()
                .addPages(GPA, SnpPageType.NORMAL, MemorySegment.ofArray(padded))
                .addPages(0x200000, SnpPageType.ZERO, 0x2000)
                .addPages(0x300000, SnpPageType.UNMEASURED, 0x1000)
                .addPages(0x301000, SnpPageType.SECRETS, 0x1000)
                .addPages(0x302000, SnpPageType.CPUID, 0x1000)
                .addVmsa(vmsa);
        assertArrayEquals(expected.digest(), m.digest());
        assertEquals(LaunchPlatform.SEV_SNP, m.platform());
        assertEquals(1, m.vpContexts());
    }

    @Test
    void snpConventionsChangeZeroPagesAndVmsaGpa() {
        MemorySegment vmsa = pattern(4096, 4);
        SnpMeasuredLaunch launch = new SnpMeasuredLaunch(SnpLaunchConventions.IGVM_CRATE);
        launch.start(LaunchPlatform.SEV_SNP, 0);
        launch.addPages(GPA, 0x1000, LaunchPageType.ZERO, null);
        launch.addVpContext(0, 0x7000, vmsa);
        SnpLaunchDigest expected = new SnpLaunchDigest()
                .addPage(GPA, SnpPageType.NORMAL, MemorySegment.ofArray(new byte[4096]))
                .addPage(0x7000, SnpPageType.VMSA, vmsa);
        assertArrayEquals(expected.digest(), launch.finish().digest());
    }

    /** TDX module spec: PAGE.ADD records the GPA, MR.EXTEND 256-byte chunks; unmeasured pages only get added. */
    @Test
    void tdxPageByPageMatchesTheMrtdEngine() {
        MemorySegment data = pattern(0x2000, 5);
        TdxMeasuredLaunch launch = new TdxMeasuredLaunch(TdxPageOrder.PAGE_BY_PAGE);
        launch.start(LaunchPlatform.TDX, 0);
        launch.addPages(GPA, 0x2000, LaunchPageType.NORMAL, data);
        launch.addPages(GPA + 0x2000, 0x1000, LaunchPageType.ZERO, null);
        launch.addPages(0x900000, 0x1000, LaunchPageType.UNMEASURED, pattern(30, 1));
        launch.addPages(0xa00000, 0x1000, LaunchPageType.SHARED, pattern(30, 1));
        TdxMrtd expected = new TdxMrtd()
                .addRegion(GPA, 0x2000, data, true, TdxPageOrder.PAGE_BY_PAGE)
                .addRegion(GPA + 0x2000, 0x1000, null, true, TdxPageOrder.PAGE_BY_PAGE)
                .addRegion(0x900000, 0x1000, null, false, TdxPageOrder.PAGE_BY_PAGE);
        assertArrayEquals(expected.digest(), launch.finish().digest());
    }

    /** Old KVM: a region (contiguous, same measuredness) is added whole, then extended. */
    @Test
    void tdxAddAllThenExtendCoalescesContiguousCallsIntoOneRegion() {
        MemorySegment a = pattern(0x1000, 1);
        MemorySegment b = pattern(0x1000, 2);
        TdxMeasuredLaunch launch = new TdxMeasuredLaunch(TdxPageOrder.ADD_ALL_THEN_EXTEND);
        launch.start(LaunchPlatform.TDX, 0);
        launch.addPages(GPA, 0x1000, LaunchPageType.NORMAL, a);
        launch.addPages(GPA + 0x1000, 0x1000, LaunchPageType.NORMAL, b);
        launch.addPages(GPA + 0x2000, 0x1000, LaunchPageType.UNMEASURED, a); // measuredness changes: new region
        launch.addPages(0x800000, 0x1000, LaunchPageType.ZERO, null);         // not contiguous: new region
        byte[] ab = new byte[0x2000];
        MemorySegment.copy(a, 0, MemorySegment.ofArray(ab), 0, 0x1000);
        MemorySegment.copy(b, 0, MemorySegment.ofArray(ab), 0x1000, 0x1000);
        TdxMrtd expected = new TdxMrtd()
                .addRegion(GPA, 0x2000, MemorySegment.ofArray(ab), true, TdxPageOrder.ADD_ALL_THEN_EXTEND)
                .addRegion(GPA + 0x2000, 0x1000, null, false, TdxPageOrder.ADD_ALL_THEN_EXTEND)
                .addRegion(0x800000, 0x1000, null, true, TdxPageOrder.ADD_ALL_THEN_EXTEND);
        assertArrayEquals(expected.digest(), launch.finish().digest());
    }

    @Test
    void tdxRefusesVpContextsAndSnpPageTypes() {
        TdxMeasuredLaunch launch = new TdxMeasuredLaunch();
        launch.start(LaunchPlatform.TDX, 0);
        assertThrows(LaunchMeasurementException.class, () -> launch.addVpContext(0, 0, pattern(4096, 0)));
        assertThrows(LaunchMeasurementException.class, () -> launch.addPages(GPA, 0x1000, LaunchPageType.SECRETS, null));
    }

    /** SEV API LAUNCH_UPDATE_DATA / LAUNCH_UPDATE_VMSA: plaintext, zeros included, then VMSAs. */
    @Test
    void sevEsHashesDataThenVmsas() {
        MemorySegment data = pattern(0x1800, 3);
        MemorySegment vmsa = pattern(4096, 8);
        SevMeasuredLaunch launch = new SevMeasuredLaunch();
        launch.start(LaunchPlatform.SEV_ES, 0);
        launch.addPages(GPA, 0x2000, LaunchPageType.NORMAL, data);
        launch.addPages(0x800000, 0x1000, LaunchPageType.UNMEASURED, data.asSlice(0, 10));
        launch.addVpContext(0, 0, vmsa);
        assertThrows(LaunchMeasurementException.class, () -> launch.addPages(GPA + 0x2000, 0x1000, LaunchPageType.ZERO, null));
        byte[] padded = new byte[0x2000];
        MemorySegment.copy(data, 0, MemorySegment.ofArray(padded), 0, data.byteSize());
        SevLaunchDigest expected = new SevLaunchDigest().addData(MemorySegment.ofArray(padded)).addVmsa(vmsa);
        assertArrayEquals(expected.digest(), launch.finish().digest());
    }

    @Test
    void nativeLaunchLoadsMemoryAndKeepsContexts() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, arena.allocate(0x10000, 4096), false, -1)));
            memory.fill(0, 0x10000, (byte) 0x55);
            NativeLaunch launch = new NativeLaunch(memory);
            launch.start(LaunchPlatform.NATIVE, 0);
            launch.addPages(0x1000, 0x2000, LaunchPageType.NORMAL, pattern(0x1800, 1));
            launch.addPages(0x4000, 0x1000, LaunchPageType.ZERO, null);
            launch.addVpContext(0, 0, pattern(4096, 2));
            assertThrows(IllegalArgumentException.class, () -> launch.addPages(0x10000, 0x1000, LaunchPageType.ZERO, null));
            LaunchMeasurement m = launch.finish();
            assertFalse(m.isMeasured());
            assertArrayEquals(pattern(0x1800, 1).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), memory.readBytes(0x1000, 0x1800));
            assertArrayEquals(new byte[0x800], memory.readBytes(0x2800, 0x800));
            assertArrayEquals(new byte[0x1000], memory.readBytes(0x4000, 0x1000));
            assertEquals(0x55, memory.readU8(0x3000));
            assertTrue(launch.vpContext(0).isPresent());
            assertTrue(launch.vpContext(1).isEmpty());
        }
    }

    @Test
    void callsOutOfOrderOrMisshapenAreRefused() {
        SnpMeasuredLaunch launch = new SnpMeasuredLaunch();
        assertThrows(IllegalStateException.class, () -> launch.addPages(GPA, 0x1000, LaunchPageType.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> launch.start(LaunchPlatform.TDX, 0));
        launch.start(LaunchPlatform.SEV_SNP, 0);
        assertThrows(IllegalStateException.class, () -> launch.start(LaunchPlatform.SEV_SNP, 0));
        assertThrows(IllegalArgumentException.class, () -> launch.addPages(GPA + 1, 0x1000, LaunchPageType.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> launch.addPages(GPA, 0x1000, LaunchPageType.NORMAL, null));
        assertThrows(IllegalArgumentException.class, () -> launch.addPages(GPA, 0x1000, LaunchPageType.ZERO, pattern(1, 0)));
        assertThrows(IllegalArgumentException.class, () -> launch.addPages(GPA, 0x1000, LaunchPageType.NORMAL, pattern(0x1001, 0)));
        assertThrows(LaunchMeasurementException.class, () -> launch.addVpContext(0, 0, pattern(100, 0)));
        launch.finish();
        assertThrows(IllegalStateException.class, launch::finish);
    }
}
