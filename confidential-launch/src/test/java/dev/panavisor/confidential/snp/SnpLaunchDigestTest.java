package dev.panavisor.confidential.snp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The SNP_LAUNCH_UPDATE digest chain (SNP ABI §8.17, PAGE_INFO §8.17.2), one step at a time.
 * Expected values were computed separately with Python's hashlib over PAGE_INFO records built
 * by hand from the ABI table (not from this code): no published step vectors exist.
 */
class SnpLaunchDigestTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void pageInfoLayoutFollowsTheAbiTable() {
        byte[] cur = new byte[48];
        byte[] contents = new byte[48];
        for (int i = 0; i < 48; i++) {
            cur[i] = (byte) i;
            contents[i] = (byte) (0x80 + i);
        }
        byte[] out = new byte[SnpPageInfo.LENGTH];
        SnpPageInfo.encode(MemorySegment.ofArray(out), cur, contents, SnpPageType.VMSA, true, 0x13, 0x12, 0x11,
                0x0123_4567_89ab_c000L);
        assertEquals(0x70, out.length);
        assertArrayEquals(cur, Arrays.copyOfRange(out, 0x00, 0x30), "DIGEST_CUR at 0x00");
        assertArrayEquals(contents, Arrays.copyOfRange(out, 0x30, 0x60), "CONTENTS at 0x30");
        // LENGTH=0x0070, PAGE_TYPE=2, IMI_PAGE=1, VMPL3/2/1 perms, reserved, then GPA little-endian.
        assertEquals("7000020113121100" + "00c0ab8967452301", HEX.formatHex(out, 0x60, 0x70));
    }

    @Test
    void startsFromZeroAndChainsEachPageType() {
        SnpLaunchDigest d = new SnpLaunchDigest();
        assertEquals("00".repeat(48), HEX.formatHex(d.digest()));

        d.addPage(0x800000, SnpPageType.ZERO, null);
        assertEquals("4472405c6dbc65e5629805f2be1b3df74eb119841eff12466c24f43e67083c23df5e645b2742b6d9aa0f943e095cebaa",
                HEX.formatHex(d.digest()));
        d.addPage(0xfffff000L, SnpPageType.NORMAL, patternPage());
        assertEquals("a58ac16fbc49f5d99520abb27965059faa5efecb2f723d9de0800295ead70a6f0a306049aa751143d1a389b757ac6dfa",
                HEX.formatHex(d.digest()));
        d.addPage(0x80d000, SnpPageType.SECRETS, null);
        assertEquals("6a9cf28bc1d6b2335d477c26e58a65ef2856350be3067574b25a6fe04b3011063c0d588240d9558a0485784fc06ef9cf",
                HEX.formatHex(d.digest()));
        d.addPage(0x80e000, SnpPageType.CPUID, null);
        assertEquals("c893c4639a6956880d2778de563a381f531e5f506bc17e6d79ea6ad56ba463a60cc573806a66f6cfa36a26bb696580a2",
                HEX.formatHex(d.digest()));
        d.addPage(0x80f000, SnpPageType.UNMEASURED, null);
        assertEquals("d14250ba116c1d170a8609f655ced7ec71400c639cdf4df6c68d5114cfe46db0d1a11eeee8a0842c46b059f1271a6a2f",
                HEX.formatHex(d.digest()));
        d.addVmsa(MemorySegment.ofArray(new byte[4096]));
        assertEquals("9a74fe3eeb1206e6fc56ca5ba369985afbe9824e9dffb9cce626eb992c971425c3f6037a7c9978bfa34f96a6b7902a16",
                HEX.formatHex(d.digest()));
        assertEquals(6, d.pageCount());
    }

    @Test
    void rangesAreTheirPagesInOrderAndResumingContinuesTheChain() {
        MemorySegment two = MemorySegment.ofArray(new byte[8192]);
        SnpLaunchDigest ranged = new SnpLaunchDigest().addPages(0x1000, SnpPageType.NORMAL, two)
                .addPages(0x800000, SnpPageType.ZERO, 0x2000);
        SnpLaunchDigest first = new SnpLaunchDigest().addPage(0x1000, SnpPageType.NORMAL, two.asSlice(0, 4096));
        SnpLaunchDigest resumed = SnpLaunchDigest.continuingFrom(first.digest())
                .addPage(0x2000, SnpPageType.NORMAL, two.asSlice(4096, 4096))
                .addPage(0x800000, SnpPageType.ZERO, null)
                .addPage(0x801000, SnpPageType.ZERO, null);
        assertArrayEquals(ranged.digest(), resumed.digest());
    }

    @Test
    void rejectsMisuseWithClearMessages() {
        SnpLaunchDigest d = new SnpLaunchDigest();
        assertThrows(IllegalArgumentException.class, () -> d.addPage(0x800800, SnpPageType.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> d.addPage(0x800000, SnpPageType.NORMAL, null));
        assertThrows(IllegalArgumentException.class,
                () -> d.addPage(0x800000, SnpPageType.NORMAL, MemorySegment.ofArray(new byte[100])));
        assertThrows(IllegalArgumentException.class,
                () -> d.addPage(0x800000, SnpPageType.ZERO, MemorySegment.ofArray(new byte[4096])));
        assertThrows(IllegalArgumentException.class, () -> d.addPages(0x800000, SnpPageType.ZERO, 0x1800));
        assertThrows(IllegalArgumentException.class, () -> SnpLaunchDigest.continuingFrom(new byte[32]));
        assertEquals(0, d.pageCount(), "failed calls must not advance the chain");
    }

    private static MemorySegment patternPage() {
        byte[] page = new byte[4096];
        for (int i = 0; i < page.length; i++) page[i] = (byte) i;
        return MemorySegment.ofArray(page);
    }
}
