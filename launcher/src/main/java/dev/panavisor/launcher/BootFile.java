package dev.panavisor.launcher;

import dev.panavisor.vmm.memory.GuestMemory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A kernel or initrd file to be loaded into guest memory without passing through the Java heap.
 * The file is mapped read-only so that parsers read its headers in place (touching only those
 * pages), and {@link #copyTo} reads ranges with {@code pread} straight into guest RAM, so the
 * launcher never holds a second resident copy of a many-megabyte image: the page cache and the
 * guest's own pages are the only copies.
 */
final class BootFile implements AutoCloseable {
    private final String name;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment contents;

    private BootFile(String name, FileChannel channel, Arena arena, MemorySegment contents) {
        this.name = name;
        this.channel = channel;
        this.arena = arena;
        this.contents = contents;
    }

    /** Opens {@code path}; errors are one line naming the option the file came from. */
    static BootFile open(Path path, String option) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            long size = channel.size();
            Arena arena = Arena.ofShared();
            MemorySegment mapped = size == 0 ? MemorySegment.ofArray(new byte[0]) : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new BootFile(option + " " + path, channel, arena, mapped);
        } catch (NoSuchFileException e) {
            closeQuietly(channel);
            throw new IllegalArgumentException(option + " " + path + ": no such file");
        } catch (AccessDeniedException e) {
            closeQuietly(channel);
            throw new IllegalArgumentException(option + " " + path + ": permission denied");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalArgumentException(option + " " + path + ": " + e.getMessage());
        }
    }

    /** An in-memory image (tests, images extracted on the fly). */
    static BootFile of(String name, byte[] bytes) {
        return of(name, MemorySegment.ofArray(bytes));
    }

    /** A view of bytes the caller keeps valid; closing it releases nothing. */
    static BootFile of(String name, MemorySegment bytes) {
        return new BootFile(name, null, null, bytes);
    }

    /** The whole file, for parsing headers in place. Valid until {@link #close()}. */
    MemorySegment contents() { return contents; }

    long size() { return contents.byteSize(); }

    /**
     * Copies [fileOffset, fileOffset+length) of the file to guest-physical {@code gpa}. The guest
     * range is checked by {@link GuestMemory#slice}; the file range against the file's size.
     */
    void copyTo(GuestMemory memory, long gpa, long fileOffset, long length) {
        if (fileOffset < 0 || length < 0 || fileOffset > size() || length > size() - fileOffset) {
            throw new IllegalArgumentException(String.format("%s: [0x%x, +0x%x) lies outside the %d-byte file", name, fileOffset, length, size()));
        }
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

    @Override
    public void close() {
        if (arena != null) arena.close();
        closeQuietly(channel);
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
