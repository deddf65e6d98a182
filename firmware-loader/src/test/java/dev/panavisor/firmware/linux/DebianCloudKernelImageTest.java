package dev.panavisor.firmware.linux;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The header of Debian's linux-image-cloud-amd64 kernel (installed by scripts/setup.sh). */
class DebianCloudKernelImageTest {
    static Path debianCloudKernel() throws IOException {
        Path boot = Path.of("/boot");
        if (!Files.isDirectory(boot)) return null;
        try (Stream<Path> s = Files.list(boot)) {
            return s.filter(p -> p.getFileName().toString().matches("vmlinuz-.*-cloud-amd64")).sorted().reduce((a, b) -> b).orElse(null);
        }
    }

    @Test
    void debianCloudKernelHeaderParses() throws IOException {
        Path k = debianCloudKernel();
        Assumptions.assumeTrue(k != null, "linux-image-cloud-amd64 is not installed (scripts/setup.sh installs it)");
        BzImage image = BzImage.parse(Files.readAllBytes(k));
        SetupHeader h = image.header();
        assertTrue(h.version() >= 0x020F, "protocol " + h.versionString());
        assertTrue(h.relocatable());
        assertEquals(0x1000000, h.prefAddress());
        assertTrue(h.cmdlineSize() >= 2047);
        // Whatever compressor Debian picks, it must be one we recognise.
        image.payloadCompression();
    }
}
