package dev.panavisor.confidential.hashes;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** QEMU's SEV hash table (target/i386/sev.c): header, then cmdline, initrd, kernel entries, padded. */
class SevHashTableTest {
    @Test
    void layoutIsHeaderThenCmdlineInitrdKernelPaddedTo16() throws Exception {
        byte[] kernel = {1, 2, 3};
        KernelHashes h = KernelHashes.of(MemorySegment.ofArray(kernel), null, "quiet");
        byte[] t = SevHashTable.encode(h);
        assertEquals(176, t.length);
        assertEquals(168, SevHashTable.TABLE_SIZE);
        assertArrayEquals(SevHashTable.HEADER_GUID.toBytes(), Arrays.copyOfRange(t, 0, 16));
        assertEquals("a800", HexFormat.of().formatHex(t, 16, 18), "u16 table length 168");
        int cmdline = 18, initrd = 18 + 50, kernelAt = 18 + 100;
        assertArrayEquals(SevHashTable.CMDLINE_GUID.toBytes(), Arrays.copyOfRange(t, cmdline, cmdline + 16));
        assertEquals("3200", HexFormat.of().formatHex(t, cmdline + 16, cmdline + 18), "u16 entry length 50");
        assertArrayEquals(sha256("quiet\0".getBytes()), Arrays.copyOfRange(t, cmdline + 18, cmdline + 50));
        assertArrayEquals(SevHashTable.INITRD_GUID.toBytes(), Arrays.copyOfRange(t, initrd, initrd + 16));
        assertArrayEquals(sha256(new byte[0]), Arrays.copyOfRange(t, initrd + 18, initrd + 50), "no initrd hashes as empty");
        assertArrayEquals(SevHashTable.KERNEL_GUID.toBytes(), Arrays.copyOfRange(t, kernelAt, kernelAt + 16));
        assertArrayEquals(sha256(kernel), Arrays.copyOfRange(t, kernelAt + 18, kernelAt + 50));
        assertArrayEquals(new byte[8], Arrays.copyOfRange(t, 168, 176));
    }

    @Test
    void absentCommandLineHashesAsALoneNul() throws Exception {
        KernelHashes h = KernelHashes.of(MemorySegment.ofArray(new byte[1]), null, null);
        assertArrayEquals(sha256(new byte[1]), h.cmdline());
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
