package dev.panavisor.firmware.cpio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Any set of plain files reads back in order, with every name and byte, at every 4-byte boundary. */
class CpioRoundTripPropertyTest {
    @Property(tries = 200)
    void filesReadBackExactly(@ForAll @Size(max = 12) Map<@AlphaChars @StringLength(min = 1, max = 13) String, @Size(max = 70) List<Byte>> files) {
        CpioNewcWriter w = new CpioNewcWriter();
        for (var e : files.entrySet()) w.file(e.getKey(), 0644, bytes(e.getValue()));
        byte[] archive = w.finish();
        assertEquals(0, archive.length % 4);
        List<NewcReader.Entry> read = NewcReader.read(archive);
        assertEquals(List.copyOf(files.keySet()), read.stream().map(NewcReader.Entry::name).toList());
        int i = 0;
        for (var e : files.entrySet()) {
            assertArrayEquals(bytes(e.getValue()), read.get(i).data(), e.getKey());
            assertEquals(0100644, read.get(i).mode());
            i++;
        }
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] b = new byte[list.size()];
        for (int i = 0; i < b.length; i++) b[i] = list.get(i);
        return b;
    }
}
