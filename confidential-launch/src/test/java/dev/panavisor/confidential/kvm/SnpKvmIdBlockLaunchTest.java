package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.igvm.IgvmLaunchParameters;
import dev.panavisor.confidential.igvm.IgvmLaunchPlan;
import dev.panavisor.confidential.igvm.IgvmLaunchResult;
import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.VcpuSignature;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.firmware.igvm.ByteBlock;
import dev.panavisor.firmware.igvm.GuestPolicy;
import dev.panavisor.firmware.igvm.IgvmBuilder;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.igvm.SnpIdBlock;
import dev.panavisor.firmware.igvm.SnpPublicKey;
import dev.panavisor.firmware.igvm.SnpSignature;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_sev_cmd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * An IGVM file's SNP ID block (IGVM_VHT_SNP_ID_BLOCK, 0x30B) through {@link IgvmLaunchPlan} and
 * {@link SnpKvmLaunch} to the recorded KVM_SEV_SNP_LAUNCH_FINISH: the struct's exact bytes
 * ({@code struct kvm_sev_snp_launch_finish}: id_block_uaddr @0, id_auth_uaddr @8, id_block_en @16,
 * auth_key_en @17, vcek_disabled @18, host_data[32] @19, pad0[3] @51, flags @54, pad1[4] @56,
 * 88 bytes) and the exact ID_BLOCK and ID_AUTH_INFO bytes its pointers lead to (SEV-SNP ABI,
 * SNP_LAUNCH_FINISH, tables "ID Block" and "ID Authentication Information Structure").
 */
class SnpKvmIdBlockLaunchTest {
    private static final long POLICY = 0x30000;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ram = arena.allocate(0x10000, 4096);
    private final List<GuestRamRegion> regions = List.of(new GuestRamRegion(0, 0, ram));

    @AfterEach
    void close() {
        arena.close();
    }

    private static byte[] counting(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (first + i);
        return b;
    }

    /** Every field distinct, so a field at a wrong offset shows. */
    private static SnpIdBlock idBlock(int mask, int authorKeyEnabled) {
        return new SnpIdBlock(mask, authorKeyEnabled, ByteBlock.zeros(3), ByteBlock.of(counting(48, 0x10)),
                ByteBlock.of(counting(16, 0x50)), ByteBlock.of(counting(16, 0x70)), 1, 0x0BADF00D, 1, 1,
                new SnpSignature(ByteBlock.of(counting(72, 0x01)), ByteBlock.of(counting(72, 0x81))),
                new SnpPublicKey(2, 0x5EEDED, ByteBlock.of(counting(72, 0x21)), ByteBlock.of(counting(72, 0xA1))),
                new SnpSignature(ByteBlock.of(counting(72, 0x31)), ByteBlock.of(counting(72, 0xB1))),
                new SnpPublicKey(2, 0x5EEDED, ByteBlock.of(counting(72, 0x41)), ByteBlock.of(counting(72, 0xC1))));
    }

    /** ID_BLOCK as the SNP ABI lays it out, written here independently of the encoder. */
    private static byte[] expectedIdBlock() {
        ByteBuffer b = ByteBuffer.allocate(0x60).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x00, counting(48, 0x10)).put(0x30, counting(16, 0x50)).put(0x40, counting(16, 0x70));
        b.putInt(0x50, 1).putInt(0x54, 0x0BADF00D).putLong(0x58, POLICY);
        return b.array();
    }

    /** ID_AUTH_INFO: algorithms, ID block signature, ID key, and with an author key its signature and the key. */
    private static byte[] expectedIdAuth(boolean author) {
        ByteBuffer a = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        a.putInt(0x000, 1).putInt(0x004, 1);
        a.put(0x040, counting(72, 0x01)).put(0x088, counting(72, 0x81));               // ID_BLOCK_SIG R, S
        a.putInt(0x240, 2).put(0x244, counting(72, 0x21)).put(0x28C, counting(72, 0xA1)); // ID_KEY curve, QX, QY
        if (author) {
            a.put(0x680, counting(72, 0x31)).put(0x6C8, counting(72, 0xB1));           // ID_KEY_SIG R, S
            a.putInt(0x880, 2).put(0x884, counting(72, 0x41)).put(0x8CC, counting(72, 0xC1)); // AUTHOR_KEY
        }
        return a.array();
    }

    private record Finish(byte[] struct, byte[] idBlock, byte[] idAuth) {}

    private Finish launch(SnpIdBlock block, byte[] hostData) throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int snp = b.addPlatform(PlatformType.SEV_SNP);
        b.add(new GuestPolicy(POLICY, snp));
        b.addPageData(0x1000, snp, new byte[] {(byte) 0xf4});
        if (block != null) b.add(block);
        byte[] vmsa = ResetVmsa.bsp(VmsaVcpuState.SEV_FEATURE_SNP_ACTIVE, VcpuSignature.of(25, 1, 1), VmmFlavor.QEMU).toArray(ValueLayout.JAVA_BYTE);
        b.addVmsaVpContext(snp, 0, 0xe000, vmsa);
        Finish[] seen = new Finish[1];
        RecordingKvmTarget kvm = new RecordingKvmTarget((fd, request, arg, data) -> {
            if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP() && kvm_sev_cmd.id(arg) == 102) {
                long blockAt = data.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                long authAt = data.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
                seen[0] = new Finish(data.toArray(ValueLayout.JAVA_BYTE),
                        blockAt == 0 ? null : MemorySegment.ofAddress(blockAt).reinterpret(0x60).toArray(ValueLayout.JAVA_BYTE),
                        authAt == 0 ? null : MemorySegment.ofAddress(authAt).reinterpret(0x1000).toArray(ValueLayout.JAVA_BYTE));
            }
            return Integer.MIN_VALUE;
        });
        SnpKvmOptions options = SnpKvmOptions.of(1, regions, 0).withFinish(Optional.empty(), hostData);
        IgvmLaunchResult r = IgvmLaunchPlan.forPlatform(b.build(), PlatformType.SEV_SNP).apply(new SnpKvmLaunch(kvm, options), IgvmLaunchParameters.vcpus(1));
        assertEquals(block != null, r.idBlock().isPresent());
        return seen[0];
    }

    @Test
    void launchFinishCarriesTheIdBlockAndIdAuthWithoutAuthorKey() throws Exception {
        byte[] host = counting(32, 0xE0);
        Finish f = launch(idBlock(1, 0), host);
        assertEquals(88, f.struct().length);
        ByteBuffer s = ByteBuffer.wrap(f.struct()).order(ByteOrder.LITTLE_ENDIAN);
        assertNotEquals(0, s.getLong(0), "id_block_uaddr");
        assertNotEquals(0, s.getLong(8), "id_auth_uaddr");
        byte[] rest = new byte[88 - 16];
        rest[0] = 1;     // id_block_en
        rest[1] = 0;     // auth_key_en
        rest[2] = 0;     // vcek_disabled
        System.arraycopy(host, 0, rest, 3, 32);   // host_data @19; pads and flags zero
        assertArrayEquals(rest, Arrays.copyOfRange(f.struct(), 16, 88));
        assertArrayEquals(expectedIdBlock(), f.idBlock());
        assertArrayEquals(expectedIdAuth(false), f.idAuth());
    }

    @Test
    void anAuthorKeySetsAuthKeyEnAndFillsTheAuthorHalf() throws Exception {
        Finish f = launch(idBlock(1, 1), new byte[32]);
        assertEquals(1, f.struct()[16], "id_block_en");
        assertEquals(1, f.struct()[17], "auth_key_en");
        assertArrayEquals(expectedIdBlock(), f.idBlock());
        assertArrayEquals(expectedIdAuth(true), f.idAuth());
    }

    @Test
    void withoutAnIdBlockLaunchFinishHasNoneAndKeepsHostData() throws Exception {
        byte[] host = counting(32, 0x40);
        Finish f = launch(null, host);
        byte[] want = new byte[88];
        System.arraycopy(host, 0, want, 19, 32);
        assertArrayEquals(want, f.struct());
    }
}
