package dev.panavisor.devices.fwcfg;

import java.lang.foreign.MemorySegment;

/**
 * One guest DMA write as a {@link GuestWriteHandler} sees it.
 *
 * @param offset   where in the file the guest's bytes start
 * @param length   how many bytes the guest wrote (never zero, never past the file's end)
 * @param current  the file's content before the write, read-only
 * @param proposed a scratch copy of the whole file with the guest's bytes applied; the handler may
 *                 edit it, and it is only valid during the call
 */
public record GuestWrite(long offset, long length, MemorySegment current, MemorySegment proposed) {
    /** Just the bytes the guest wrote (a view into {@link #proposed()}). */
    public MemorySegment written() { return proposed.asSlice(offset, length); }

    /** True when the write covers the whole file, the usual way firmware updates a small struct. */
    public boolean coversWholeFile() { return offset == 0 && length == proposed.byteSize(); }
}
