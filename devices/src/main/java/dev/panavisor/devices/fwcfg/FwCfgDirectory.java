package dev.panavisor.devices.fwcfg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The FW_CFG_FILE_DIR item (fw_cfg.rst, "File Directory"): a big-endian u32 count, then one
 * 64-byte entry per file: u32 size, u16 key, u16 reserved (all big-endian), 56 bytes of
 * NUL-padded name. Entries are in name order and keys rise with them, as QEMU lays them out.
 */
final class FwCfgDirectory {
    static final int ENTRY_SIZE = 64;
    static final int NAME_SIZE = 56;

    record Entry(String name, int key, long size) {}

    private FwCfgDirectory() {}

    /** {@code entries} must already be sorted by name. */
    static byte[] encode(List<Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(4 + ENTRY_SIZE * entries.size()).order(ByteOrder.BIG_ENDIAN);
        b.putInt(entries.size());
        for (Entry e : entries) {
            b.putInt((int) e.size());
            b.putShort((short) e.key());
            b.putShort((short) 0);
            byte[] name = e.name().getBytes(StandardCharsets.US_ASCII);
            b.put(name);
            b.position(b.position() + NAME_SIZE - name.length);
        }
        return b.array();
    }
}
