package dev.panavisor.firmware.cpio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An independent, strict reader of newc archives for the tests (the kernel's rules: 4-byte alignment, trailer). */
final class NewcReader {
    record Entry(int inode, int mode, int uid, int gid, int nlink, long mtime, int rdevMajor, int rdevMinor, String name, byte[] data) { }

    private NewcReader() { }

    static List<Entry> read(byte[] archive) {
        List<Entry> entries = new ArrayList<>();
        int pos = 0;
        while (true) {
            if (pos % 4 != 0) throw new AssertionError("header at " + pos + " is not 4-byte aligned");
            String h = new String(archive, pos, CpioNewcWriter.HEADER_SIZE, StandardCharsets.US_ASCII);
            if (!h.startsWith("070701")) throw new AssertionError("bad magic at " + pos + ": " + h.substring(0, 6));
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                String hex = h.substring(6 + 8 * i, 14 + 8 * i);
                if (!hex.equals(hex.toUpperCase()) && !hex.equals(hex.toLowerCase())) throw new AssertionError("mixed-case hex " + hex);
                f[i] = Long.parseLong(hex, 16);
            }
            int nameSize = (int) f[11];
            int nameStart = pos + CpioNewcWriter.HEADER_SIZE;
            if (archive[nameStart + nameSize - 1] != 0) throw new AssertionError("name not NUL-terminated at " + pos);
            String name = new String(archive, nameStart, nameSize - 1, StandardCharsets.UTF_8);
            int dataStart = align4(nameStart + nameSize);
            int size = (int) f[6];
            byte[] data = Arrays.copyOfRange(archive, dataStart, dataStart + size);
            pos = align4(dataStart + size);
            if (name.equals("TRAILER!!!")) return entries;
            entries.add(new Entry((int) f[0], (int) f[1], (int) f[2], (int) f[3], (int) f[4], f[5], (int) f[9], (int) f[10], name, data));
        }
    }

    private static int align4(int v) { return (v + 3) & ~3; }
}
