package dev.panavisor.bench;

import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.snp.SnpLaunchDigest;
import dev.panavisor.confidential.snp.SnpPageType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

/**
 * The SEV-SNP launch digest of a 4 MiB firmware image (1024 PAGE_INFO steps: a SHA-384 of each
 * page plus a SHA-384 of each 112-byte record) against the floor it cannot beat: one SHA-384
 * over the same 4 MiB with the same JDK MessageDigest. The image lives in native memory, as a
 * mapped firmware file or guest RAM would, and is hashed in place.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnpLaunchDigestBenchmark {
    private static final long IMAGE_SIZE = 4L << 20;
    private static final long LOAD_ADDRESS = (1L << 32) - IMAGE_SIZE;

    private Arena arena;
    private MemorySegment image;
    private MessageDigest sha384;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        arena = Arena.ofShared();
        image = arena.allocate(IMAGE_SIZE, 4096);
        for (long i = 0; i < IMAGE_SIZE; i += 8) image.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        sha384 = MessageDigest.getInstance("SHA-384");
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** The engine alone: 1024 normal pages into the PAGE_INFO chain. */
    @Benchmark
    public byte[] snpLaunchDigest() {
        return new SnpLaunchDigest().addPages(LOAD_ADDRESS, SnpPageType.NORMAL, image).digest();
    }

    /** The same pages through the LaunchContext an IGVM launch drives, one call per page as the plan makes them. */
    @Benchmark
    public byte[] snpMeasuredLaunchPerPage() {
        SnpMeasuredLaunch launch = new SnpMeasuredLaunch();
        launch.start(LaunchPlatform.SEV_SNP, 0);
        for (long off = 0; off < IMAGE_SIZE; off += 4096) {
            launch.addPages(LOAD_ADDRESS + off, 4096, LaunchPageType.NORMAL, image.asSlice(off, 4096));
        }
        return launch.finish().digest();
    }

    /** One SHA-384 over the whole image: the floor. */
    @Benchmark
    public byte[] baselineRawSha384() {
        sha384.update(image.asByteBuffer());
        return sha384.digest();
    }
}
