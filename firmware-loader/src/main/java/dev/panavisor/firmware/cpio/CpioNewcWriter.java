package dev.panavisor.firmware.cpio;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Builds an uncompressed cpio "newc" archive in memory, entry by entry, as an initramfs.
 *
 * <p>Each entry is a 110-byte ASCII header (magic {@code 070701} and thirteen 8-digit hex fields:
 * ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
 * namesize, check), the NUL-terminated name padded to a multiple of 4 bytes counted from the
 * header's start, then the data padded to a multiple of 4. The archive ends with the entry
 * {@code TRAILER!!!}. Entries are owned by root, dated 0 and numbered from inode 1, so the same
 * calls always give the same bytes. Device nodes are entries, so no privileges are needed.
 *
 * <p>Names are relative ({@code bin/busybox}); parents must be added before their children,
 * because the kernel creates entries in archive order.
 */
public final class CpioNewcWriter {
    public static final String MAGIC = "070701";
    public static final String TRAILER = "TRAILER!!!";
    static final int HEADER_SIZE = 110;

    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFCHR = 0020000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Set<String> names = new HashSet<>();
    private int nextInode = 1;
    private boolean finished;

    public CpioNewcWriter directory(String name, int permissions) {
        return entry(name, S_IFDIR | permissions(permissions), 2, 0, 0, new byte[0]);
    }

    public CpioNewcWriter file(String name, int permissions, byte[] content) {
        return entry(name, S_IFREG | permissions(permissions), 1, 0, 0, Objects.requireNonNull(content, "content"));
    }

    public CpioNewcWriter symlink(String name, String target) {
        if (target.isEmpty() || target.indexOf('\0') >= 0) throw new IllegalArgumentException("invalid symlink target for " + name);
        return entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    public CpioNewcWriter characterDevice(String name, int permissions, int major, int minor) {
        if (major < 0 || minor < 0) throw new IllegalArgumentException("device numbers must not be negative: " + name);
        return entry(name, S_IFCHR | permissions(permissions), 1, major, minor, new byte[0]);
    }

    /** Appends the trailer and returns the archive; the writer takes no more entries. */
    public byte[] finish() {
        if (!finished) {
            header(0, 0, 1, 0, 0, 0, TRAILER);
            finished = true;
        }
        return out.toByteArray();
    }

    private CpioNewcWriter entry(String name, int mode, int nlink, int rdevMajor, int rdevMinor, byte[] data) {
        if (finished) throw new IllegalStateException("archive already finished");
        validateName(name);
        if (!names.add(name)) throw new IllegalArgumentException("duplicate entry: " + name);
        int slash = name.lastIndexOf('/');
        if (slash > 0 && !names.contains(name.substring(0, slash))) {
            throw new IllegalArgumentException("parent directory of " + name + " must be added first");
        }
        header(nextInode++, mode, nlink, data.length, rdevMajor, rdevMinor, name);
        out.writeBytes(data);
        pad();
        return this;
    }

    private void header(int inode, int mode, int nlink, long fileSize, int rdevMajor, int rdevMinor, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(HEADER_SIZE).append(MAGIC);
        long[] fields = {inode, mode, 0, 0, nlink, 0, fileSize, 0, 0, rdevMajor, rdevMinor, nameBytes.length + 1L, 0};
        for (long f : fields) h.append(String.format("%08X", f));
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        out.write(0);
        pad();
    }

    private void pad() {
        while (out.size() % 4 != 0) out.write(0);
    }

    private static int permissions(int permissions) {
        if ((permissions & ~07777) != 0) throw new IllegalArgumentException("permissions must fit in 07777: " + Integer.toOctalString(permissions));
        return permissions;
    }

    private static void validateName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.endsWith("/") || name.indexOf('\0') >= 0 || name.equals(TRAILER)) {
            throw new IllegalArgumentException("invalid archive name: '" + name + "'");
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("archive names are plain relative paths: '" + name + "'");
            }
        }
    }
}
