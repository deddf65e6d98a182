package dev.panavisor.firmware.linux;

/** Little-endian reads from a file image that name the field when the file is too short. */
final class ImageBytes {
    private final byte[] data;
    private final String what;

    ImageBytes(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    int length() { return data.length; }

    byte[] data() { return data; }

    void require(String field, long offset, long size) {
        if (offset < 0 || size < 0 || offset > data.length || size > data.length - offset) {
            throw LinuxImageFormatException.at(field, offset,
                    String.format("needs %d byte(s) but the %s is only %d bytes long (truncated?)", size, what, data.length));
        }
    }

    int u8(String field, long offset) {
        require(field, offset, 1);
        return data[(int) offset] & 0xFF;
    }

    int u16(String field, long offset) {
        require(field, offset, 2);
        int o = (int) offset;
        return (data[o] & 0xFF) | (data[o + 1] & 0xFF) << 8;
    }

    long u32(String field, long offset) {
        require(field, offset, 4);
        int o = (int) offset;
        return ((data[o] & 0xFFL) | (data[o + 1] & 0xFFL) << 8 | (data[o + 2] & 0xFFL) << 16 | (data[o + 3] & 0xFFL) << 24);
    }

    long u64(String field, long offset) {
        return u32(field, offset) | u32(field, offset + 4) << 32;
    }
}
