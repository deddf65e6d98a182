package dev.panavisor.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The firmware-update tests' images: the stage-1/stage-2 test ROMs (launcher/src/main/guest/rom),
 * padded to a firmware-region size, and IGVM files made from them by {@code igvm wrap}.
 */
final class FwUpdateImages {
    static final long ROM_BYTES = 64 * 1024;

    private FwUpdateImages() {}

    /** The test ROM {@code name} written to {@code dir}, padded at the front with erased flash to {@code size} bytes. */
    static Path rom(Path dir, String name, long size) throws IOException {
        return rom(dir, name, size, false);
    }

    /**
     * As {@link #rom(Path, String, long)}; with {@code noise} the padding is pseudo-random bytes
     * (fixed seed) instead of 0xFF, so the image costs what a real firmware of that size does:
     * no page can be left out of an IGVM file or deduplicated.
     */
    static Path rom(Path dir, String name, long size, boolean noise) throws IOException {
        byte[] rom = GuestImages.rom(name);
        if (rom.length != ROM_BYTES || size < rom.length || size % ROM_BYTES != 0) throw new IllegalArgumentException("bad ROM size " + size);
        byte[] out = new byte[Math.toIntExact(size)];
        if (noise) {
            byte[] filler = new byte[out.length - rom.length];
            new java.util.Random(6).nextBytes(filler);
            System.arraycopy(filler, 0, out, 0, filler.length);
        } else {
            Arrays.fill(out, 0, out.length - rom.length, (byte) 0xFF);
        }
        System.arraycopy(rom, 0, out, out.length - rom.length, rom.length);
        Path p = dir.resolve(name + "-" + (size >> 10) + "k" + (noise ? "-noise" : "") + ".rom");
        Files.write(p, out);
        return p;
    }

    static Path stage1(Path dir) throws IOException { return rom(dir, GuestImages.FWUPDATE_STAGE1, ROM_BYTES); }

    static Path stage2(Path dir) throws IOException { return rom(dir, GuestImages.FWUPDATE_STAGE2, ROM_BYTES); }

    /** {@code igvm wrap} of {@code rom} for {@code platform} (snp/sev-es/tdx with --plain-rom). */
    static Path wrap(Path dir, Path rom, String platform) {
        Path out = dir.resolve(rom.getFileName() + "-" + platform + ".igvm");
        Cli r = cli("igvm", "wrap", "--firmware", rom.toString(), "--platform", platform, "--plain-rom", "--vcpu-type",
                FirmwareInstaller.WRAP_VCPU_TYPE, "-o", out.toString());
        if (r.status() != 0) throw new IllegalStateException("igvm wrap failed: " + r.err());
        return out;
    }

    /** {@code measure --platform P --igvm FILE}: the digest, computed offline. */
    static String measure(Path igvm, String platform) {
        Cli r = cli("measure", "--platform", platform, "--igvm", igvm.toString());
        if (r.status() != 0) throw new IllegalStateException("measure failed: " + r.err());
        return r.out().strip();
    }

    record Cli(int status, String out, String err) {}

    /** Runs the CLI in-process, as {@code ./panavisor ARGS} would. */
    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Panavisor.run(new Timeline(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(status, out.toString(), err.toString());
    }
}
