package dev.panavisor.confidential.sev;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** SEV API #55766: LAUNCH_UPDATE_DATA then LAUNCH_UPDATE_VMSA feed one SHA-256. */
class SevLaunchDigestTest {
    @Test
    void isOneSha256OverDataThenVmsas() throws Exception {
        byte[] data = "firmware".getBytes();
        byte[] vmsa = new byte[4096];
        vmsa[7] = 1;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(data);
        sha.update(vmsa);
        SevLaunchDigest d = new SevLaunchDigest().addData(MemorySegment.ofArray(data)).addVmsa(MemorySegment.ofArray(vmsa));
        assertArrayEquals(sha.digest(), d.digest());
    }

    @Test
    void dataAfterAVmsaIsRefusedLikeThePspDoes() {
        SevLaunchDigest d = new SevLaunchDigest().addVmsa(MemorySegment.ofArray(new byte[4096]));
        assertThrows(IllegalStateException.class, () -> d.addData(MemorySegment.ofArray(new byte[16])));
        assertThrows(IllegalArgumentException.class, () -> d.addVmsa(MemorySegment.ofArray(new byte[4095])));
    }
}
