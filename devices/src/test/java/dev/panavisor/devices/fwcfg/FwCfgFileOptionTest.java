package dev.panavisor.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** QEMU's {@code -fw_cfg [name=]NAME,file=PATH|string=TEXT}, fw_cfg.rst "Externally Provided Items". */
class FwCfgFileOptionTest {
    @Test
    void nameAndFile() {
        var o = FwCfgFileOption.parse("name=opt/org.example/blob,file=/tmp/x.bin");
        assertEquals("opt/org.example/blob", o.name());
        assertEquals(Path.of("/tmp/x.bin"), o.path());
        assertNull(o.string());
    }

    @Test
    void theNameKeyMayBeLeftOutForTheFirstPart() {
        assertEquals("opt/a", FwCfgFileOption.parse("opt/a,string=hello").name());
        assertEquals("hello", FwCfgFileOption.parse("opt/a,string=hello").string());
    }

    @Test
    void aDoubledCommaIsOneCommaInTheValue() {
        assertEquals(Path.of("/tmp/a,b"), FwCfgFileOption.parse("name=opt/a,file=/tmp/a,,b").path());
    }

    // "Item names beginning with opt/ are reserved for users."
    @Test
    void namesOutsideOptAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> FwCfgFileOption.parse("name=etc/e820,file=/x"));
        assertTrue(e.getMessage().contains("opt/"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FwCfgFileOption.parse("name=opt/,file=/x"));
    }

    @Test
    void namesLongerThan55CharactersAreRefused() {
        FwCfgFileOption.parse("name=opt/" + "a".repeat(51) + ",file=/x");
        assertThrows(IllegalArgumentException.class, () -> FwCfgFileOption.parse("name=opt/" + "a".repeat(52) + ",file=/x"));
    }

    @Test
    void malformedOptionsAreRefusedWithAReason() {
        for (String bad : new String[] {"", "file=/x", "name=opt/a", "name=opt/a,file=/x,string=y", "name=opt/a,file=",
                "name=opt/a,gen_id=g", "name=opt/a,name=opt/b,file=/x", "name=opt/a,file=/x,junk", "name=opt/a,string=\u00e9"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> FwCfgFileOption.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }

    @Property
    void anyInputIsParsedOrRefusedWithIllegalArgument(@ForAll String spec) {
        try {
            var o = FwCfgFileOption.parse(spec);
            assertTrue(o.name().startsWith("opt/"));
        } catch (IllegalArgumentException expected) {
            // refused with a message; anything else would be a bug
        }
    }
}
