package dev.panavisor.devices.pflash;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link VarstoreKillTest}: rewrites random blocks of an image through
 * {@link JournaledImageFile} forever, printing "ok BLOCK GENERATION" after each persist
 * returns and "try BLOCK GENERATION" before it starts, until it is killed.
 */
public final class VarstoreCrashWriter {
    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        long generation = Long.parseLong(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        int block = Integer.parseInt(args[3]);
        try (JournaledImageFile f = JournaledImageFile.open(image)) {
            int blocks = (int) (f.size() / block);
            MemorySegment content = Arena.ofAuto().allocate(block);
            System.out.println("ready");
            System.out.flush();
            while (true) {
                generation++;
                int b = random.nextInt(blocks);
                VarstorePattern.fill(content, b, generation);
                System.out.println("try " + b + " " + generation);
                System.out.flush();
                f.persist((long) b * block, content);
                System.out.println("ok " + b + " " + generation);
                System.out.flush();
            }
        }
    }
}
