package dev.panavisor.devices.pflash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a process that keeps rewriting varstore blocks with SIGKILL at random instants,
 * many times over, and checks after each kill that every block holds exactly its last
 * acknowledged content or the content of the write in flight, never a mix.
 */
class VarstoreKillTest {
    static final int BLOCK = 4096;
    static final int BLOCKS = 16;
    static final int ROUNDS = 24;

    @TempDir Path dir;

    @Test
    void sigkillAtAnyInstantLeavesEveryBlockOldOrNew() throws Exception {
        Path image = dir.resolve("OVMF_VARS.fd");
        MemorySegment content = Arena.ofAuto().allocate(BLOCK);
        MemorySegment scratch = Arena.ofAuto().allocate(BLOCK);
        byte[] initial = new byte[BLOCK * BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            VarstorePattern.fill(content, b, 0);
            MemorySegment.copy(content, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, initial, b * BLOCK, BLOCK);
        }
        Files.write(image, initial);

        long[] acknowledged = new long[BLOCKS];
        long generation = 0;
        Random random = new Random(4242);
        int killedMidWrite = 0;
        long totalWrites = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Child child = Child.start(image, generation, random.nextLong());
            Thread.sleep(20 + random.nextInt(250));
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of its
            // stdout and lose the last acknowledgements still in the pipe.
            child.process.toHandle().destroyForcibly();
            assertTrue(child.process.waitFor(20, TimeUnit.SECONDS));
            child.reader.join(10_000);
            assertTrue(child.sawReady, "writer started (stderr: " + child.stderr() + ")");

            long inFlightGeneration = -1;
            int inFlightBlock = -1;
            for (String line : child.lines) {
                String[] f = line.split(" ");
                if (f.length != 3) continue;
                int b = Integer.parseInt(f[1]);
                long g = Long.parseLong(f[2]);
                generation = Math.max(generation, g);
                if (f[0].equals("try")) { inFlightBlock = b; inFlightGeneration = g; }
                else if (f[0].equals("ok")) { acknowledged[b] = g; totalWrites++; if (g == inFlightGeneration) inFlightBlock = -1; }
            }
            if (inFlightBlock >= 0) killedMidWrite++;

            // Recovery runs here, in a process that was never killed.
            try (JournaledImageFile f = JournaledImageFile.open(image)) {
                MemorySegment all = Arena.ofAuto().allocate(f.size());
                f.readInto(all);
                for (int b = 0; b < BLOCKS; b++) {
                    long g = VarstorePattern.generationOf(all.asSlice((long) b * BLOCK, BLOCK), b, scratch);
                    if (g < 0) fail("round " + round + ": block " + b + " is torn (neither old nor new content)");
                    if (b == inFlightBlock && g == inFlightGeneration) {
                        acknowledged[b] = g; // the interrupted write had committed: it is now the block's content
                    } else if (g != acknowledged[b]) {
                        fail("round " + round + ": block " + b + " holds generation " + g + ", expected " + acknowledged[b]
                                + (b == inFlightBlock ? " or " + inFlightGeneration : ""));
                    }
                }
            }
        }
        assertTrue(totalWrites > ROUNDS, "the writer made progress between kills: " + totalWrites + " writes");
        assertTrue(killedMidWrite > ROUNDS / 2, "most kills landed during a write: " + killedMidWrite + " of " + ROUNDS);
    }

    /** One writer process and the thread reading its stdout. */
    static final class Child {
        final Process process;
        final List<String> lines = new ArrayList<>();
        final Thread reader;
        final CountDownLatch ready = new CountDownLatch(1);
        volatile boolean sawReady;

        private Child(Process p) {
            this.process = p;
            this.reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.equals("ready")) { sawReady = true; ready.countDown(); }
                        else synchronized (lines) { lines.add(line); }
                    }
                } catch (IOException ignored) {
                    // the process died mid-line: what was read is what counts
                }
            });
        }

        String stderr() {
            try { return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8); }
            catch (IOException e) { return e.toString(); }
        }

        static Child start(Path image, long generation, long seed) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-cp", classPath(), VarstoreCrashWriter.class.getName(), image.toString(), Long.toString(generation),
                    Long.toString(seed), Integer.toString(BLOCK)));
            Child c = new Child(new ProcessBuilder(cmd).start());
            if (!c.ready.await(30, TimeUnit.SECONDS)) {
                c.process.destroyForcibly();
                fail("writer did not start: " + c.stderr());
            }
            return c;
        }

        /** Surefire runs us from the module path with test classes patched in; the child gets all of it as a class path. */
        static String classPath() {
            List<String> parts = new ArrayList<>(List.of(Path.of("target/test-classes").toAbsolutePath().toString(),
                    Path.of("target/classes").toAbsolutePath().toString()));
            for (String prop : new String[]{"jdk.module.path", "java.class.path"}) {
                String v = System.getProperty(prop);
                if (v != null && !v.isEmpty()) parts.addAll(Arrays.asList(v.split(File.pathSeparator)));
            }
            return String.join(File.pathSeparator, parts);
        }
    }

    @Test
    void patternDetectsAMixOfTwoGenerations() {
        MemorySegment a = Arena.ofAuto().allocate(BLOCK);
        MemorySegment b = Arena.ofAuto().allocate(BLOCK);
        MemorySegment scratch = Arena.ofAuto().allocate(BLOCK);
        VarstorePattern.fill(a, 3, 10);
        VarstorePattern.fill(b, 3, 11);
        assertEquals(10, VarstorePattern.generationOf(a, 3, scratch));
        MemorySegment.copy(b, BLOCK / 2, a, BLOCK / 2, BLOCK / 2);
        assertEquals(-1, VarstorePattern.generationOf(a, 3, scratch));
        assertEquals(-1, VarstorePattern.generationOf(b, 4, scratch), "wrong block");
    }
}
