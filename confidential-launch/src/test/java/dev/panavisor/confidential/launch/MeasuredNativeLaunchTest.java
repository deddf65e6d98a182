package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The measured-native tee: the digest is exactly the measuring context's, and the pages land in RAM. */
class MeasuredNativeLaunchTest {
    private static MemorySegment pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * 13 + seed);
        return MemorySegment.ofArray(b);
    }

    private static void steps(LaunchContext c, LaunchPlatform p) {
        c.start(p, 0x30000);
        c.addPages(0x1000, 0x2000, LaunchPageType.NORMAL, pattern(0x1800, 3));
        c.addPages(0x4000, 0x1000, LaunchPageType.ZERO, null);
        c.addPages(0x6000, 0x1000, LaunchPageType.UNMEASURED, pattern(0x1000, 9));
    }

    @Test
    void snpDigestEqualsTheMeasuringContextAloneAndMemoryHoldsThePages() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, arena.allocate(0x10000, 4096), false, -1)));
            memory.fill(0, 0x10000, (byte) 0x77);
            MeasuredNativeLaunch tee = new MeasuredNativeLaunch(new NativeLaunch(memory), new SnpMeasuredLaunch());
            steps(tee, LaunchPlatform.SEV_SNP);
            LaunchMeasurement teed = tee.finish();
            SnpMeasuredLaunch alone = new SnpMeasuredLaunch();
            steps(alone, LaunchPlatform.SEV_SNP);
            assertArrayEquals(alone.finish().digest(), teed.digest());
            assertEquals(LaunchPlatform.SEV_SNP, teed.platform());
            assertArrayEquals(pattern(0x1800, 3).toArray(ValueLayout.JAVA_BYTE), memory.readBytes(0x1000, 0x1800));
            assertArrayEquals(new byte[0x1000], memory.readBytes(0x4000, 0x1000));
            assertArrayEquals(pattern(0x1000, 9).toArray(ValueLayout.JAVA_BYTE), memory.readBytes(0x6000, 0x1000));
            assertEquals(0x77, memory.readU8(0x5000));
        }
    }

    @Test
    void tdxDigestEqualsTheMeasuringContextAlone() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, arena.allocate(0x10000, 4096), false, -1)));
            MeasuredNativeLaunch tee = new MeasuredNativeLaunch(new NativeLaunch(memory), new TdxMeasuredLaunch());
            steps(tee, LaunchPlatform.TDX);
            TdxMeasuredLaunch alone = new TdxMeasuredLaunch();
            steps(alone, LaunchPlatform.TDX);
            assertArrayEquals(alone.finish().digest(), tee.finish().digest());
        }
    }

    /** A step the platform refuses fails before the loader writes anything. */
    @Test
    void aRefusedStepLeavesGuestMemoryAlone() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, arena.allocate(0x10000, 4096), false, -1)));
            memory.fill(0, 0x10000, (byte) 0x77);
            MeasuredNativeLaunch tee = new MeasuredNativeLaunch(new NativeLaunch(memory), new TdxMeasuredLaunch());
            tee.start(LaunchPlatform.TDX, 0);
            assertThrows(LaunchMeasurementException.class, () -> tee.addPages(0x2000, 0x1000, LaunchPageType.SECRETS, null));
            assertEquals(0x77, memory.readU8(0x2000));
        }
    }
}
