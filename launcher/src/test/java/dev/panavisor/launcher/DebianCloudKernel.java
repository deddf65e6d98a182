package dev.panavisor.launcher;

import dev.panavisor.firmware.linux.BzImage;
import dev.panavisor.firmware.linux.PayloadCompression;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Debian's linux-image-cloud-amd64 (installed by scripts/setup.sh), and the ELF vmlinux inside
 * it: the bzImage payload, found through the setup header, decompressed with the tool its
 * magic names (Debian's lz4/xz/zstd packages, or java.util.zip for gzip).
 */
final class DebianCloudKernel {
    private DebianCloudKernel() {}

    static Path bzImage() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/boot"))) {
            return s.filter(p -> p.getFileName().toString().matches("vmlinuz-.*-cloud-amd64")).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no /boot/vmlinuz-*-cloud-amd64: run scripts/setup.sh (package linux-image-cloud-amd64)"));
        }
    }

    static byte[] extractVmlinux(BzImage image) throws IOException, InterruptedException {
        PayloadCompression c = image.payloadCompression();
        byte[] payload = image.payload();
        // The build appends the decompressed size to every stream but gzip's; stand-alone tools would read it as garbage.
        if (c.sizeAppended()) payload = Arrays.copyOf(payload, payload.length - 4);
        return switch (c) {
            case NONE -> payload;
            case GZIP -> {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
                    yield in.readAllBytes();
                }
            }
            case LZ4 -> tool(payload, "lz4", "-dc");
            case XZ -> tool(payload, "xz", "-dc", "--single-stream");
            case ZSTD -> tool(payload, "zstd", "-dc");
            case LZMA -> tool(payload, "xz", "-dc", "--format=lzma");
            case BZIP2 -> tool(payload, "bzip2", "-dc");
            case LZO -> tool(payload, "lzop", "-dc");
        };
    }

    private static byte[] tool(byte[] input, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread feeder = Thread.ofPlatform().start(() -> {
            try (OutputStream o = p.getOutputStream()) {
                o.write(input);
            } catch (IOException ignored) {
                // the tool stopped reading; its exit status says why
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        feeder.join();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed to decompress the kernel payload (status " + p.exitValue() + ")");
        }
        return out.toByteArray();
    }
}
