package dev.panavisor.confidential.launch;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** Measured native checks ID_BLOCK.LD against the digest it computes, as the PSP would at SNP_LAUNCH_FINISH. */
class SnpMeasuredLaunchIdentityTest {
    private static byte[] launch(SnpMeasuredLaunch l) {
        l.start(LaunchPlatform.SEV_SNP, 0x30000);
        l.addPages(0x100000, 4096, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[]{1, 2, 3}));
        return l.finish().digest();
    }

    private static SnpLaunchIdentity withLd(byte[] ld) {
        byte[] block = new byte[SnpLaunchIdentity.ID_BLOCK_SIZE];
        System.arraycopy(ld, 0, block, 0, SnpLaunchIdentity.LD_SIZE);
        return new SnpLaunchIdentity(block, new byte[SnpLaunchIdentity.ID_AUTH_SIZE], false);
    }

    @Test
    void anIdBlockSigningTheMeasuredDigestMatches() {
        byte[] digest = launch(new SnpMeasuredLaunch());
        SnpMeasuredLaunch l = new SnpMeasuredLaunch();
        l.expectIdentity(withLd(digest));
        assertArrayEquals(digest, launch(l));
        assertTrue(l.identityMatched());
    }

    @Test
    void anIdBlockForOtherFirmwareIsFlagged() {
        SnpMeasuredLaunch l = new SnpMeasuredLaunch();
        l.expectIdentity(withLd(new byte[48]));
        launch(l);
        assertFalse(l.identityMatched());
    }
}
