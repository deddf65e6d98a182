package dev.panavisor.confidential.sev;

import dev.panavisor.firmware.ovmf.SevEsResetBlock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Initial VMSAs (APM Vol. 2, Table B-4 "VMSA Layout, State Save Area for SEV-ES"). */
class ResetVmsaTest {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final SevEsResetBlock DEBIAN_AP = new SevEsResetBlock(0x80b004);

    @Test
    void bspStartsAtTheResetVectorInRealMode() {
        MemorySegment v = ResetVmsa.bsp(0x1, VcpuType.EPYC_MILAN.signature(), VmmFlavor.QEMU);
        assertEquals(4096, v.byteSize());
        assertEquals((short) 0xf000, v.get(U16, VmsaLayout.CS));
        assertEquals(0xffff0000L, v.get(U64, VmsaLayout.CS + VmsaLayout.SEGMENT_BASE));
        assertEquals(0xfff0, v.get(U64, VmsaLayout.RIP));
        assertEquals(0x00a00f11, v.get(U64, VmsaLayout.RDX), "CPUID signature in RDX");
        assertEquals(0x1, v.get(U64, VmsaLayout.SEV_FEATURES));
        assertEquals(0x1000, v.get(U64, VmsaLayout.EFER), "KVM sets EFER.SVME");
        assertEquals(0x1, v.get(U64, VmsaLayout.XCR0));
    }

    @Test
    void apStartsWhereTheResetBlockPoints() {
        MemorySegment v = ResetVmsa.ap(DEBIAN_AP, 0, 0, VmmFlavor.QEMU);
        assertEquals(0x800000, v.get(U64, VmsaLayout.CS + VmsaLayout.SEGMENT_BASE));
        assertEquals(0xb004, v.get(U64, VmsaLayout.RIP));
    }

    /**
     * Whole-page check against the VMSAs sev-snp-measure 0.0.13 writes with --dump-vmsa
     * ({@code --mode snp --vcpus 2 --vcpu-type EPYC-Milan --guest-features 0x21} and
     * {@code --vmm-type ec2}, on Debian's OVMF.fd whose AP reset address is 0x80b004): their SHA-384.
     */
    @Test
    void pagesMatchSevSnpMeasureDumps() throws Exception {
        int milan = VcpuType.EPYC_MILAN.signature();
        assertEquals("c09a66985cec1bc375ace3f0bc319ca50136de70ee7ba4a42b4b3f7df6e05a7b7e9856cdee5f8e27704ba0ac03603938",
                sha384(ResetVmsa.bsp(0x21, milan, VmmFlavor.QEMU)));
        assertEquals("7fd904e110cb7253355e38ec66408a2184c31b8048ecebbe67b9a3c68fe7fb4040acdd7ffce6ed6e96ad42f418f67fe0",
                sha384(ResetVmsa.ap(DEBIAN_AP, 0x21, milan, VmmFlavor.QEMU)));
        assertEquals("d08442e8bcdb6a5dcd7f22e4f7fd6979beffb9f0bb54a9d1977407fe84f482abf23c1baae6ce95a6a9e7a94c3c51f412",
                sha384(ResetVmsa.bsp(0x1, 0, VmmFlavor.EC2)));
        assertEquals("acff2d22db95b8eb82272d844aa2ad1f8f84218ccbab003697acade12228a6e901256e160d41713c22fed92e0a1ed0e1",
                sha384(ResetVmsa.ap(DEBIAN_AP, 0x1, 0, VmmFlavor.EC2)));
    }

    private static String sha384(MemorySegment page) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-384").digest(page.toArray(ValueLayout.JAVA_BYTE)));
    }
}
