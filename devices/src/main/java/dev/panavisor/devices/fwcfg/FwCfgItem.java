package dev.panavisor.devices.fwcfg;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The bytes behind one fw-cfg key. An item's size is fixed once the machine is built, because
 * firmware reads sizes from the file directory and the spec does not let the guest resize an
 * item ("Guest-side DMA Interface": writes may neither start nor end past the end).
 *
 * <p>The device reads items only while holding its lock; see {@link FwCfgDevice}.
 */
public abstract sealed class FwCfgItem permits FixedItem, LazyItem, MutableFwCfgFile {
    /** Largest size the 32-bit size fields of the directory and the DMA length can express. */
    public static final long MAX_SIZE = 0xFFFF_FFFFL;
    /** Largest item produced into a Java array (lazy items and host files). */
    public static final long MAX_ARRAY_SIZE = Integer.MAX_VALUE - 8;

    FwCfgItem() {}

    /** Size in bytes as firmware sees it. */
    public abstract long size();

    /** Copies [offset, offset + dst.byteSize()) of the item into {@code dst}; the range is inside the item. */
    abstract void copyTo(long offset, MemorySegment dst);

    /** One byte at {@code offset < size()}. */
    abstract byte byteAt(long offset);

    /** Called when the guest selects the key: a lazy item produces its content here, as QEMU's select callbacks do. */
    void selected() {}

    /** The handler for guest DMA writes, or null for an item the guest may only read. */
    GuestWriteHandler writeHandler() { return null; }

    /** An item holding {@code bytes} (not copied: do not change the array afterwards). */
    public static FwCfgItem of(byte[] bytes) {
        return new FixedItem(MemorySegment.ofArray(bytes));
    }

    /** An item holding {@code content}, shared, not copied; the segment must stay alive and unchanged. */
    public static FwCfgItem of(MemorySegment content) {
        return new FixedItem(content);
    }

    /** An ASCII string with its terminating NUL, as QEMU's fw_cfg_add_string. */
    public static FwCfgItem ofString(String value) {
        byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[text.length + 1];
        System.arraycopy(text, 0, bytes, 0, text.length);
        return of(bytes);
    }

    public static FwCfgItem ofU16(int value) {
        return of(littleEndian(value, 2));
    }

    public static FwCfgItem ofU32(long value) {
        return of(littleEndian(value, 4));
    }

    public static FwCfgItem ofU64(long value) {
        return of(littleEndian(value, 8));
    }

    /**
     * Content made on first selection by {@code producer}, which must return exactly {@code size}
     * bytes; produced once, on the vCPU thread that first selects the key.
     */
    public static FwCfgItem lazy(long size, Supplier<byte[]> producer) {
        return new LazyItem(size, Objects.requireNonNull(producer), "lazy item");
    }

    /**
     * A host file, read when the guest first selects it. Its size is taken now, so a missing or
     * unreadable file fails the machine build, and checked again at the read: a file that changed
     * size in between reads as zeros and the mismatch is logged (the guest already saw the old size).
     */
    public static FwCfgItem hostFile(Path path) throws IOException {
        long size = Files.size(path);
        if (!Files.isReadable(path)) throw new IOException(path + " is not readable");
        if (size > MAX_ARRAY_SIZE) throw new IOException(path + " is " + size + " bytes; host files are limited to " + MAX_ARRAY_SIZE);
        return new LazyItem(size, () -> {
            try {
                return Files.readAllBytes(path);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
            }
        }, path.toString());
    }

    static byte[] littleEndian(long value, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) out[i] = (byte) (value >>> (8 * i));
        return out;
    }

    static void checkSize(long size) {
        if (size < 0 || size > MAX_SIZE) throw new IllegalArgumentException("fw-cfg item size " + size + " does not fit in 32 bits");
    }

    static byte byteOf(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset);
    }
}
