package dev.panavisor.confidential.igvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.firmware.igvm.GuestPolicy;
import dev.panavisor.firmware.igvm.IgvmBuilder;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.PageData;
import dev.panavisor.firmware.igvm.PageDataFlags;
import dev.panavisor.firmware.igvm.PageDataType;
import dev.panavisor.firmware.igvm.ParameterKind;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.igvm.RequiredMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan turns directives into launch steps in file order, for one platform's mask only. */
class IgvmLaunchPlanTest {
    /** Writes down each call; a test double for observing the order, it measures nothing. */
    private static final class RecordingContext implements LaunchContext {
        final List<String> calls = new ArrayList<>();
        final List<MemorySegment> contents = new ArrayList<>();

        public void start(LaunchPlatform platform, long policy) {
            calls.add("start %s 0x%x".formatted(platform, policy));
        }

        public void addPages(long gpa, long length, LaunchPageType type, MemorySegment c) {
            calls.add("pages 0x%x+0x%x %s%s".formatted(gpa, length, type, c == null ? "" : " " + c.byteSize()));
            contents.add(c);
        }

        public void addVpContext(int vpIndex, long gpa, MemorySegment context) {
            calls.add("vp %d 0x%x %d".formatted(vpIndex, gpa, context.get(ValueLayout.JAVA_BYTE, 0)));
        }

        public void expectIdentity(dev.panavisor.confidential.launch.SnpLaunchIdentity identity) {
            calls.add("identity ld[0]=%d policy@0x58=0x%x".formatted(identity.idBlock()[0],
                    java.nio.ByteBuffer.wrap(identity.idBlock()).order(ByteOrder.LITTLE_ENDIAN).getLong(0x58)));
        }

        public LaunchMeasurement finish() {
            calls.add("finish");
            return LaunchMeasurement.unmeasured(0, 0);
        }
    }

    private static IgvmFile twoPlatformFile() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int nat = b.addPlatform(PlatformType.NATIVE);
        int snp = b.addPlatform(PlatformType.SEV_SNP);
        b.add(new GuestPolicy(0x30000, snp));
        b.addParameterArea(0, 0x1000, new byte[0]);
        b.addParameter(ParameterKind.VP_COUNT, 0, 0);
        b.addParameter(ParameterKind.ENVIRONMENT_INFO, 0, 8);
        b.addPageData(0x1000, nat, new byte[] {1});
        b.addPageData(0x1000, snp, new byte[] {2, 3});
        b.add(new PageData(0x2000, snp, 0, PageDataFlags.NONE, PageDataType.NORMAL));
        b.addPageData(0x3000, snp, PageDataType.NORMAL, new PageDataFlags(false, true, false), new byte[] {4});
        b.addPageData(0x4000, snp, PageDataType.NORMAL, new PageDataFlags(false, false, true), new byte[] {5});
        b.add(new PageData(0x5000, snp, 0, PageDataFlags.NONE, PageDataType.SECRETS));
        b.add(new PageData(0x6000, snp, 0, PageDataFlags.NONE, PageDataType.CPUID_DATA));
        b.insertParameterArea(0x10000, snp, 0);
        b.add(new RequiredMemory(0x20000, snp, 0x2000, false));
        b.addVmsaVpContext(snp, 1, 0xf000, new byte[] {11});
        b.addVmsaVpContext(snp, 0, 0xe000, new byte[] {10});
        return b.build();
    }

    @Test
    void snpStepsFollowTheFileAndSkipOtherPlatforms() throws Exception {
        RecordingContext ctx = new RecordingContext();
        IgvmLaunchResult result = IgvmLaunchPlan.forPlatform(twoPlatformFile(), PlatformType.SEV_SNP)
                .apply(ctx, IgvmLaunchParameters.vcpus(2));
        assertEquals(List.of(
                "start SEV_SNP 0x30000",
                "pages 0x1000+0x1000 NORMAL 4096",
                "pages 0x2000+0x1000 ZERO",
                "pages 0x3000+0x1000 UNMEASURED 4096",
                "pages 0x4000+0x1000 SHARED 4096",
                "pages 0x5000+0x1000 SECRETS",
                "pages 0x6000+0x1000 CPUID",
                "pages 0x10000+0x1000 UNMEASURED 4096",
                "pages 0x20000+0x2000 REQUIRED",
                "vp 1 0xf000 11",
                "vp 0 0xe000 10",
                "finish"), ctx.calls);
        assertEquals(2, ctx.contents.get(0).get(ValueLayout.JAVA_BYTE, 0));
        MemorySegment area = ctx.contents.get(6);
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, area.get(u32, 0), "VP count parameter");
        assertEquals(1, area.get(u32, 8), "environment info: memory is shared");
        assertTrue(result.notes().isEmpty(), result.notes().toString());
    }

    /** IGVM_VHT_SNP_ID_BLOCK: handed to the context where it stands, before finish, with the file's guest policy. */
    @Test
    void anSnpIdBlockReachesTheContextBeforeFinish() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int snp = b.addPlatform(PlatformType.SEV_SNP);
        b.add(new GuestPolicy(0x30000, snp));
        b.addPageData(0x1000, snp, new byte[] {1});
        byte[] ld = new byte[48];
        ld[0] = 42;
        b.add(new dev.panavisor.firmware.igvm.SnpIdBlock(snp, 0, dev.panavisor.firmware.igvm.ByteBlock.zeros(3),
                dev.panavisor.firmware.igvm.ByteBlock.of(ld), dev.panavisor.firmware.igvm.ByteBlock.zeros(16),
                dev.panavisor.firmware.igvm.ByteBlock.zeros(16), 1, 0, 1, 0,
                dev.panavisor.firmware.igvm.SnpSignature.zero(), dev.panavisor.firmware.igvm.SnpPublicKey.zero(),
                dev.panavisor.firmware.igvm.SnpSignature.zero(), dev.panavisor.firmware.igvm.SnpPublicKey.zero()));
        b.addVmsaVpContext(snp, 0, 0xe000, new byte[] {10});
        RecordingContext ctx = new RecordingContext();
        IgvmLaunchResult result = IgvmLaunchPlan.forPlatform(b.build(), PlatformType.SEV_SNP).apply(ctx, IgvmLaunchParameters.vcpus(1));
        assertEquals(List.of("start SEV_SNP 0x30000", "pages 0x1000+0x1000 NORMAL 4096", "identity ld[0]=42 policy@0x58=0x30000",
                "vp 0 0xe000 10", "finish"), ctx.calls);
        assertTrue(result.idBlock().isPresent());
    }

    private static dev.panavisor.firmware.igvm.SnpIdBlock idBlock(int mask, int ldFirst) {
        byte[] ld = new byte[48];
        ld[0] = (byte) ldFirst;
        return new dev.panavisor.firmware.igvm.SnpIdBlock(mask, 0, dev.panavisor.firmware.igvm.ByteBlock.zeros(3),
                dev.panavisor.firmware.igvm.ByteBlock.of(ld), dev.panavisor.firmware.igvm.ByteBlock.zeros(16),
                dev.panavisor.firmware.igvm.ByteBlock.zeros(16), 1, 0, 1, 0,
                dev.panavisor.firmware.igvm.SnpSignature.zero(), dev.panavisor.firmware.igvm.SnpPublicKey.zero(),
                dev.panavisor.firmware.igvm.SnpSignature.zero(), dev.panavisor.firmware.igvm.SnpPublicKey.zero());
    }

    /** SNP_LAUNCH_FINISH takes one ID block; a second for the same platform is the file's error, named. */
    @Test
    void aSecondSnpIdBlockForThePlatformIsRefused() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int snp = b.addPlatform(PlatformType.SEV_SNP);
        b.add(new GuestPolicy(0x30000, snp));
        b.add(idBlock(snp, 1));
        b.add(idBlock(snp, 2));
        b.addVmsaVpContext(snp, 0, 0xe000, new byte[] {10});
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> IgvmLaunchPlan.forPlatform(b.build(), PlatformType.SEV_SNP).apply(new RecordingContext(), IgvmLaunchParameters.vcpus(1)));
        assertTrue(e.getMessage().contains("more than one SNP ID block for SEV_SNP"), e.getMessage());
    }

    /** Another platform's ID block (its mask) is not this platform's second one, and never reaches this context. */
    @Test
    void anIdBlockForAnotherPlatformIsNotApplied() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int snp = b.addPlatform(PlatformType.SEV_SNP);
        int nat = b.addPlatform(PlatformType.NATIVE);
        b.add(new GuestPolicy(0x30000, snp));
        b.add(idBlock(nat, 9));
        b.add(idBlock(snp, 1));
        b.addVmsaVpContext(snp, 0, 0xe000, new byte[] {10});
        RecordingContext ctx = new RecordingContext();
        IgvmLaunchPlan.forPlatform(b.build(), PlatformType.SEV_SNP).apply(ctx, IgvmLaunchParameters.vcpus(1));
        assertEquals(1, ctx.calls.stream().filter(c -> c.startsWith("identity")).count());
        assertTrue(ctx.calls.contains("identity ld[0]=1 policy@0x58=0x30000"), ctx.calls.toString());
    }

    /**
     * The CPUID page's file data is not launch data: the PSP fills and checks the page, and the
     * digest covers its type and GPA only (SNP ABI PAGE_INFO, CONTENTS zero for CPUID pages).
     */
    @Test
    void theSnpDigestDoesNotDependOnTheCpuidPagesFileData() throws Exception {
        byte[][] digests = new byte[2][];
        for (int i = 0; i < 2; i++) {
            IgvmBuilder b = IgvmBuilder.v1();
            int snp = b.addPlatform(PlatformType.SEV_SNP);
            b.add(new GuestPolicy(0x30000, snp));
            b.addPageData(0x1000, snp, new byte[] {1});
            b.addPageData(0x2000, snp, PageDataType.CPUID_DATA, PageDataFlags.NONE, new byte[] {(byte) (0x40 + i), 2, 3});
            b.addVmsaVpContext(snp, 0, 0xe000, new byte[] {10});
            digests[i] = IgvmLaunchPlan.forPlatform(b.build(), PlatformType.SEV_SNP)
                    .apply(new dev.panavisor.confidential.launch.SnpMeasuredLaunch(), IgvmLaunchParameters.vcpus(1)).measurement().digest();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(digests[0], digests[1]);
        IgvmBuilder b = IgvmBuilder.v1();
        int snp = b.addPlatform(PlatformType.SEV_SNP);
        b.add(new GuestPolicy(0x30000, snp));
        b.addPageData(0x1000, snp, new byte[] {1});
        b.addPageData(0x2000, snp, PageDataType.SECRETS, PageDataFlags.NONE, new byte[0]);
        b.addVmsaVpContext(snp, 0, 0xe000, new byte[] {10});
        byte[] secrets = IgvmLaunchPlan.forPlatform(b.build(), PlatformType.SEV_SNP)
                .apply(new dev.panavisor.confidential.launch.SnpMeasuredLaunch(), IgvmLaunchParameters.vcpus(1)).measurement().digest();
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(digests[0], secrets), "the page's type is measured");
    }

    @Test
    void vpContextsBeyondTheVcpuCountAreSkippedAndNoted() throws Exception {
        RecordingContext ctx = new RecordingContext();
        IgvmLaunchResult result = IgvmLaunchPlan.forPlatform(twoPlatformFile(), PlatformType.SEV_SNP)
                .apply(ctx, IgvmLaunchParameters.vcpus(1));
        assertTrue(ctx.calls.contains("vp 0 0xe000 10"));
        assertTrue(ctx.calls.stream().noneMatch(c -> c.startsWith("vp 1")));
        assertEquals(1, result.notes().size());
    }

    @Test
    void nativeSeesOnlyItsOwnPages() throws Exception {
        RecordingContext ctx = new RecordingContext();
        IgvmLaunchPlan.forPlatform(twoPlatformFile(), PlatformType.NATIVE).apply(ctx, IgvmLaunchParameters.vcpus(1));
        assertEquals(List.of("start NATIVE 0x0", "pages 0x1000+0x1000 NORMAL 4096", "finish"), ctx.calls);
    }

    @Test
    void missingPlatformAndMissingVmsaAreClearErrors() throws Exception {
        IgvmFile file = twoPlatformFile();
        LaunchMeasurementException absent = assertThrows(LaunchMeasurementException.class,
                () -> IgvmLaunchPlan.forPlatform(file, PlatformType.TDX));
        assertTrue(absent.getMessage().contains("NATIVE, SEV_SNP"), absent.getMessage());
        assertThrows(LaunchMeasurementException.class, () -> IgvmLaunchPlan.forPlatform(file, PlatformType.SEV_SNP)
                .apply(new RecordingContext(), IgvmLaunchParameters.vcpus(3)));
    }
}
