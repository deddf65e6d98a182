package dev.panavisor.confidential.sev;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CPUID Fn0000_0001 EAX encoding (AMD CPUID Specification #25481). */
class VcpuSignatureTest {
    @Test
    void epycModelsHaveTheirKnownSignatures() {
        assertEquals(0x00800f12, VcpuType.EPYC.signature());     // family 17h model 01h stepping 2
        assertEquals(0x00830f10, VcpuType.EPYC_ROME.signature()); // 17h, 31h, 0
        assertEquals(0x00a00f11, VcpuType.EPYC_MILAN.signature()); // 19h, 01h, 1
        assertEquals(0x00a10f10, VcpuType.EPYC_GENOA.signature()); // 19h, 11h, 0
        assertEquals(0x00b00f00, VcpuType.EPYC_TURIN.signature()); // 1Ah, 00h, 0
        assertEquals(0x00000600, VcpuSignature.of(6, 0, 0), "families up to 0xf need no extended family");
    }

    @Test
    void qemuNamesResolve() {
        assertEquals(VcpuType.EPYC_ROME_V3, VcpuType.fromQemuName("EPYC-Rome-v3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VcpuType.fromQemuName("epyc"));
        assertEquals(true, e.getMessage().contains("EPYC-Milan"));
    }

    @Property
    void decodesWhatItEncodes(@ForAll @IntRange(max = 0x10e) int family, @ForAll @IntRange(max = 0xff) int model,
                              @ForAll @IntRange(max = 0xf) int stepping) {
        int sig = VcpuSignature.of(family, model, stepping);
        assertEquals(family, VcpuSignature.family(sig));
        assertEquals(model, VcpuSignature.model(sig));
        assertEquals(stepping, VcpuSignature.stepping(sig));
    }
}
