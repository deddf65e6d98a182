package dev.panavisor.firmware.ovmf;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EfiGuidTest {
    @Test
    void footerGuidHasTheMixedEndianBytesEdk2Assembles() {
        // ResetVectorVtf0.asm spells the footer GUID out byte by byte: DE 82 B5 96 B2 1F F7 45 BA EA ...
        byte[] expected = HexFormat.of().parseHex("de82b596b21ff745baeaa366c55a082d");
        assertArrayEquals(expected, OvmfTableGuids.TABLE_FOOTER.toBytes());
        assertEquals(OvmfTableGuids.TABLE_FOOTER, EfiGuid.readFrom(MemorySegment.ofArray(expected), 0));
    }

    @Test
    void roundTripsThroughBytesAtAnOffset() {
        EfiGuid guid = EfiGuid.parse("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
        byte[] buffer = new byte[20];
        guid.writeTo(MemorySegment.ofArray(buffer), 3);
        assertEquals("de71f7007e1acb4f890e68c77e2fb44e", HexFormat.of().formatHex(buffer, 3, 19));
        assertEquals(guid, EfiGuid.readFrom(MemorySegment.ofArray(buffer), 3));
        assertEquals("00f771de-1a7e-4fcb-890e-68c77e2fb44e", guid.toString());
    }
}
