package dev.panavisor.devices.pflash;

/**
 * The Common Flash Interface query structure (JEDEC JESD68.01) of one byte-wide Intel
 * command-set part with uniform erase blocks, as read in query mode (command 0x98) at byte
 * offsets 0x10 and up. Timing fields carry the values QEMU's pflash_cfi01 reports, since
 * firmware built against QEMU has only ever seen those.
 */
final class CfiQueryTable {
    /** Offsets past the end of the table read as zero. */
    static final int LENGTH = 0x52;
    /** log2 of the write buffer: 256 bytes, what QEMU gives a byte-wide bank. */
    static final int WRITE_BUFFER_SHIFT = 8;

    private CfiQueryTable() {}

    static byte[] build(long deviceBytes, int blockBytes) {
        long blocks = deviceBytes / blockBytes;
        if (blocks < 1 || blocks > 0x10000 || blockBytes % 256 != 0 || blockBytes / 256 > 0xFFFF) {
            throw new IllegalArgumentException("flash geometry cannot be described in CFI: " + blocks + " blocks of " + blockBytes);
        }
        byte[] t = new byte[LENGTH];
        // 0x10: query-unique ASCII string.
        t[0x10] = 'Q'; t[0x11] = 'R'; t[0x12] = 'Y';
        // 0x13: primary vendor command set 0x0001 = Intel/Sharp extended; 0x15: its extended table at 0x31.
        t[0x13] = 0x01; t[0x14] = 0x00;
        t[0x15] = 0x31; t[0x16] = 0x00;
        // 0x17..0x1A: no alternate command set, no alternate table.
        // 0x1B/0x1C: Vcc min/max 4.5 V / 5.5 V (BCD volts.tenths); 0x1D/0x1E: no Vpp pin.
        t[0x1B] = 0x45; t[0x1C] = 0x55;
        // 0x1F..0x26: typical and maximum timeouts (2^n us for program, 2^n ms for erase).
        t[0x1F] = 0x07; t[0x20] = 0x07; t[0x21] = 0x0A; t[0x22] = 0x00;
        t[0x23] = 0x04; t[0x24] = 0x04; t[0x25] = 0x04; t[0x26] = 0x00;
        // 0x27: device size as 2^n bytes, rounded up when the image is not a power of two
        // (the erase region below gives the exact size).
        t[0x27] = (byte) (64 - Long.numberOfLeadingZeros(deviceBytes - 1));
        // 0x28: interface code 0x0000 = x8-only asynchronous.
        // 0x2A: maximum bytes in a buffered write, 2^n.
        t[0x2A] = WRITE_BUFFER_SHIFT;
        // 0x2C: one erase block region; 0x2D: blocks - 1 (16 bit), 0x2F: block size / 256 (16 bit).
        t[0x2C] = 0x01;
        t[0x2D] = (byte) (blocks - 1); t[0x2E] = (byte) ((blocks - 1) >> 8);
        t[0x2F] = (byte) (blockBytes >> 8); t[0x30] = (byte) (blockBytes >> 16);
        // 0x31: Intel primary extended query table "PRI", version 1.0, no optional features.
        t[0x31] = 'P'; t[0x32] = 'R'; t[0x33] = 'I';
        t[0x34] = '1'; t[0x35] = '0';
        // 0x3F: one protection register field.
        t[0x3F] = 0x01;
        return t;
    }
}
