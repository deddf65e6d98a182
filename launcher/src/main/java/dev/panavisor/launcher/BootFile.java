package dev.panavisor.launcher;

import dev.panavisor.kvm.Errno;
import dev.panavisor.kvm.KvmException;
import dev.panavisor.kvm.Mapping;
import dev.panavisor.kvm.Posix;
import dev.panavisor.kvm.sys.Libc;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.vm.GuestRam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A kernel or initrd file to be loaded into guest memory without passing through the Java heap.
 * The file is mapped read-only so that parsers read its headers in place (touching only those
 * pages), and {@link #copyTo} reads ranges with {@code pread} straight into guest RAM, so the
 * launcher never holds a second resident copy of a many-megabyte image: the page cache and the
 * guest's own pages are the only copies. {@link #placeInto} goes further where the alignment
 * allows: it maps the file's pages into guest RAM copy-on-write, so nothing is copied at all
 * before the guest starts.
 */
final class BootFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BootFile.class);

    private final String name;
    /** The descriptor the file was opened by, or -1 for bytes in memory. */
    private final int fd;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment contents;

    private BootFile(String name, int fd, FileChannel channel, Arena arena, MemorySegment contents) {
        this.name = name;
        this.fd = fd;
        this.channel = channel;
        this.arena = arena;
        this.contents = contents;
    }

    /**
     * Opens {@code path}; errors are one line naming the option the file came from. The file is
     * opened once, by a descriptor that {@link #placeInto} maps from and that the channel reads
     * through, so every copy and mapping comes from the same file even if the path is renamed or
     * replaced meanwhile.
     */
    static BootFile open(Path path, String option) {
        String name = option + " " + path;
        int fd;
        try {
            fd = Posix.open(path.toString(), Libc.O_RDONLY() | Libc.O_CLOEXEC());
        } catch (KvmException e) {
            throw new IllegalArgumentException(name + ": " + switch (e.errno()) {
                case Errno.ENOENT -> "no such file";
                case Errno.EACCES, Errno.EPERM -> "permission denied";
                default -> Posix.strerror(e.errno());
            });
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ);
            long size = channel.size();
            Arena arena = Arena.ofShared();
            MemorySegment mapped = size == 0 ? MemorySegment.ofArray(new byte[0]) : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new BootFile(name, fd, channel, arena, mapped);
        } catch (IOException e) {
            closeQuietly(channel);
            Posix.close(fd);
            throw new IllegalArgumentException(name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /** An in-memory image (tests, images extracted on the fly). */
    static BootFile of(String name, byte[] bytes) {
        return of(name, MemorySegment.ofArray(bytes));
    }

    /** A view of bytes the caller keeps valid; closing it releases nothing. */
    static BootFile of(String name, MemorySegment bytes) {
        return new BootFile(name, -1, null, null, bytes);
    }

    /** The whole file, for parsing headers in place. Valid until {@link #close()}. */
    MemorySegment contents() { return contents; }

    long size() { return contents.byteSize(); }

    /**
     * Copies [fileOffset, fileOffset+length) of the file to guest-physical {@code gpa}. The guest
     * range is checked by {@link GuestMemory#slice}; the file range against the file's size.
     */
    void copyTo(GuestMemory memory, long gpa, long fileOffset, long length) {
        checkFileRange(fileOffset, length);
        MemorySegment target = memory.slice(gpa, length);
        if (channel == null) {
            MemorySegment.copy(contents, fileOffset, target, 0, length);
            return;
        }
        try {
            long done = 0;
            while (done < length) {
                long chunk = Math.min(length - done, 1L << 30);
                ByteBuffer buffer = target.asSlice(done, chunk).asByteBuffer();
                while (buffer.hasRemaining()) {
                    int n = channel.read(buffer, fileOffset + done + buffer.position());
                    if (n < 0) throw new IOException("file shrank while loading (end of file at offset " + (fileOffset + done + buffer.position()) + ")");
                }
                done += chunk;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts [fileOffset, fileOffset+length) of the file at guest-physical {@code gpa} in
     * {@code ram}, as {@link #copyTo} would, but maps every whole page of it copy-on-write
     * ({@link GuestRam#mapFile}) where file offset and address share their offset within a page
     * (an ELF vmlinux's segments, an initrd at offset 0): the guest then faults in only the pages
     * it reads, straight from the page cache, and copies only those it writes. A distribution
     * kernel is ~50 MB, and copying it was the largest single step before the first vCPU entry
     * (docs/boot.md). The partial pages at either end are copied. Anything else, or a file that
     * cannot be mapped, is copied whole.
     */
    void placeInto(GuestRam ram, long gpa, long fileOffset, long length) {
        long page = Mapping.PAGE_SIZE;
        checkFileRange(fileOffset, length);
        ram.memory().slice(gpa, length); // the guest range, checked before anything is mapped
        long firstPage = (gpa + page - 1) & -page;
        long endPage = (gpa + length) & -page;
        if (fd < 0 || ((gpa ^ fileOffset) & (page - 1)) != 0 || endPage <= firstPage) {
            copyTo(ram.memory(), gpa, fileOffset, length);
            return;
        }
        long head = firstPage - gpa;
        try {
            ram.mapFile(firstPage, endPage - firstPage, fd, fileOffset + head, name);
        } catch (KvmException e) {
            LOG.debug("{}: mapping failed ({}), copying instead", name, e.getMessage());
            copyTo(ram.memory(), gpa, fileOffset, length);
            return;
        }
        copyTo(ram.memory(), gpa, fileOffset, head);
        copyTo(ram.memory(), endPage, fileOffset + (endPage - gpa), gpa + length - endPage);
    }

    private void checkFileRange(long fileOffset, long length) {
        if (fileOffset < 0 || length < 0 || fileOffset > size() || length > size() - fileOffset) {
            throw new IllegalArgumentException(String.format("%s: [0x%x, +0x%x) lies outside the %d-byte file", name, fileOffset, length, size()));
        }
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
        closeQuietly(channel);
        if (fd >= 0) Posix.close(fd);
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // read-only file: nothing was written that a failed close could lose
        }
    }
}
