package dev.panavisor.devices.fwcfg;

import dev.panavisor.vmm.memory.GuestMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Collects what a machine exposes through fw-cfg, then builds the {@link FwCfgDevice}.
 *
 * <p>Like QEMU's common set-up, every device has the signature, the ID (with the DMA bit unless
 * {@link #dma(boolean) turned off}), a zero UUID, NOGRAPHIC = 1, BOOT_MENU = 0 and
 * {@code etc/boot-fail-wait} = -1 (no reboot timeout); those defaults may be replaced once.
 * Anything else may be given only once: a key or file name given twice is a wiring bug.
 *
 * <p>Named files get keys from {@link FwCfgKeys#FILE_FIRST} in name order, so the directory
 * lists them sorted by name as fw_cfg.rst shows and QEMU does. Items absent from the device read
 * as zeros, which is what firmware also sees from QEMU for a key it never set.
 */
public final class FwCfgBuilder {
    private final Map<Integer, FwCfgItem> defaults = new HashMap<>();
    private final Map<Integer, FwCfgItem> numbered = new HashMap<>();
    private final Map<String, FwCfgItem> defaultFiles = new HashMap<>();
    private final TreeMap<String, FwCfgItem> files = new TreeMap<>();
    private boolean dma = true;

    FwCfgBuilder() {
        defaults.put(FwCfgKeys.UUID, FwCfgItem.of(new byte[16]));
        defaults.put(FwCfgKeys.NOGRAPHIC, FwCfgItem.ofU16(1));
        defaults.put(FwCfgKeys.BOOT_MENU, FwCfgItem.ofU16(0));
        defaultFiles.put("etc/boot-fail-wait", FwCfgItem.ofU32(0xFFFF_FFFFL));
    }

    /** Whether the DMA interface is offered (ID bit 1 and the 0x514 ports). On by default. */
    public FwCfgBuilder dma(boolean enabled) {
        this.dma = enabled;
        return this;
    }

    /** A numbered item. The signature, ID and directory are the device's own. */
    public FwCfgBuilder item(int key, FwCfgItem item) {
        Objects.requireNonNull(item);
        if ((key & ~0xffff) != 0 || (key & FwCfgKeys.WRITE_CHANNEL) != 0) {
            throw new IllegalArgumentException(String.format("fw-cfg key 0x%x: give keys without the write-channel bit", key));
        }
        if (key == FwCfgKeys.SIGNATURE || key == FwCfgKeys.ID || key == FwCfgKeys.FILE_DIR) {
            throw new IllegalArgumentException(String.format("fw-cfg key 0x%x is set by the device itself", key));
        }
        if ((key & FwCfgKeys.ARCH_LOCAL) == 0 && key >= FwCfgKeys.FILE_FIRST) {
            throw new IllegalArgumentException(String.format("fw-cfg key 0x%x is in the file range; add a named file instead", key));
        }
        if (numbered.putIfAbsent(key, item) != null) {
            throw new IllegalArgumentException(String.format("fw-cfg key 0x%x given twice", key));
        }
        return this;
    }

    public FwCfgBuilder bytes(int key, byte[] bytes) { return item(key, FwCfgItem.of(bytes)); }

    public FwCfgBuilder u16(int key, int value) { return item(key, FwCfgItem.ofU16(value)); }

    public FwCfgBuilder u32(int key, long value) { return item(key, FwCfgItem.ofU32(value)); }

    public FwCfgBuilder u64(int key, long value) { return item(key, FwCfgItem.ofU64(value)); }

    /** An ASCII string with its NUL, as QEMU's fw_cfg_add_string. */
    public FwCfgBuilder string(int key, String value) { return item(key, FwCfgItem.ofString(value)); }

    /** A named file, read-only to the guest. */
    public FwCfgBuilder file(String name, FwCfgItem item) {
        FwCfgFileNames.check(name);
        Objects.requireNonNull(item);
        if (files.putIfAbsent(name, item) != null) throw new IllegalArgumentException("fw-cfg file " + name + " given twice");
        return this;
    }

    public FwCfgBuilder file(String name, byte[] bytes) { return file(name, FwCfgItem.of(bytes)); }

    /** A host file under {@code name}, read when the guest first selects it (see {@link FwCfgItem#hostFile}). */
    public FwCfgBuilder hostFile(String name, Path path) throws IOException {
        return file(name, FwCfgItem.hostFile(path));
    }

    /** A user's file from {@code --fw-cfg-file name=opt/...,file=PATH} or {@code ...,string=TEXT}. */
    public FwCfgBuilder userFile(FwCfgFileOption option) throws IOException {
        return file(option.name(), option.path() != null
                ? FwCfgItem.hostFile(option.path())
                : FwCfgItem.of(option.string().getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * A file the host can change while the VM runs, and the guest too when {@code handler} is not
     * null (QEMU's fw_cfg_add_file_callback with a write callback). Its size is {@code initial.length}.
     */
    public MutableFwCfgFile mutableFile(String name, byte[] initial, GuestWriteHandler handler) {
        MutableFwCfgFile file = new MutableFwCfgFile(FwCfgFileNames.check(name), initial, handler);
        file(name, file);
        return file;
    }

    // ---- helpers for what firmware reads ----

    /** FW_CFG_UUID: the SMBIOS system UUID, 16 bytes in the order QEMU stores them. */
    public FwCfgBuilder uuid(byte[] uuid) {
        if (uuid.length != 16) throw new IllegalArgumentException("a UUID is 16 bytes, not " + uuid.length);
        return item(FwCfgKeys.UUID, FwCfgItem.of(uuid.clone()));
    }

    /** FW_CFG_NOGRAPHIC (u16): 1 when the machine has no display. */
    public FwCfgBuilder noGraphic(boolean noGraphic) { return u16(FwCfgKeys.NOGRAPHIC, noGraphic ? 1 : 0); }

    /** FW_CFG_RAM_SIZE (u64): the machine's RAM size in bytes. */
    public FwCfgBuilder ramSize(long bytes) { return u64(FwCfgKeys.RAM_SIZE, bytes); }

    /**
     * FW_CFG_NB_CPUS (u16) and FW_CFG_MAX_CPUS (u16). On x86 QEMU puts the APIC-ID limit in
     * MAX_CPUS (SeaBIOS sizes its tables by APIC ID), so pass the largest APIC ID + 1.
     */
    public FwCfgBuilder cpus(int bootCpus, int apicIdLimit) {
        u16(FwCfgKeys.NB_CPUS, bootCpus);
        return u16(FwCfgKeys.MAX_CPUS, apicIdLimit);
    }

    /** The {@code etc/e820} file. */
    public FwCfgBuilder e820(E820Table table) { return file("etc/e820", table.toBytes()); }

    /**
     * The {@code bootorder} file: OpenFirmware device paths, one per line, NUL-terminated, in
     * priority order (what QEMU builds from bootindex properties). An empty list gives an empty file.
     */
    public FwCfgBuilder bootOrder(List<String> devicePaths) {
        if (devicePaths.isEmpty()) return file("bootorder", new byte[0]);
        byte[] text = (String.join("\n", devicePaths) + "\0").getBytes(StandardCharsets.US_ASCII);
        return file("bootorder", text);
    }

    /**
     * FW_CFG_BOOT_MENU (u16: show the menu) and, when {@code waitMillis >= 0}, {@code
     * etc/boot-menu-wait} (u16 LE, how long the menu waits), as QEMU's {@code -boot menu=on,splash-time=}.
     */
    public FwCfgBuilder bootMenu(boolean show, int waitMillis) {
        u16(FwCfgKeys.BOOT_MENU, show ? 1 : 0);
        if (waitMillis >= 0) {
            if (waitMillis > 0xffff) throw new IllegalArgumentException("boot menu wait is at most 65535 ms");
            file("etc/boot-menu-wait", FwCfgItem.ofU16(waitMillis));
        }
        return this;
    }

    /** {@code etc/boot-fail-wait} (u32 LE): ms before a failed boot reboots; -1 for never (the default). */
    public FwCfgBuilder rebootTimeout(int millis) {
        if (millis < -1 || millis > 0xffff) throw new IllegalArgumentException("reboot timeout is -1 or 0..65535 ms");
        return file("etc/boot-fail-wait", FwCfgItem.ofU32(millis & 0xFFFF_FFFFL));
    }

    /**
     * The x86 items QEMU's fw_cfg_arch_create adds for every PC: CPU counts, RAM size,
     * IRQ0_OVERRIDE = 1 (the PIT is routed to IOAPIC pin 2), {@code etc/e820}, and a NUMA blob
     * saying "no NUMA nodes" (u64 count 0, then one u64 per APIC ID), which SeaBIOS reads.
     */
    public FwCfgBuilder x86Platform(int bootCpus, int apicIdLimit, long ramSize, E820Table e820) {
        cpus(bootCpus, apicIdLimit);
        ramSize(ramSize);
        u32(FwCfgKeys.X86_IRQ0_OVERRIDE, 1);
        e820(e820);
        return bytes(FwCfgKeys.NUMA, new byte[8 * (1 + apicIdLimit)]);
    }

    /** The kernel, setup, initrd and command line items for firmware-loaded Linux. */
    public FwCfgBuilder linuxBoot(X86LinuxBoot.Images images) {
        images.addTo(this);
        return this;
    }

    /** The device over {@code memory}, which DMA transfers read and write. */
    public FwCfgDevice build(GuestMemory memory) {
        if (files.size() + defaultFiles.size() > FwCfgKeys.MAX_FILES) {
            throw new IllegalArgumentException("too many fw-cfg files: " + files.size());
        }
        FwCfgItem[] items = new FwCfgItem[FwCfgKeys.SLOTS];
        items[FwCfgKeys.slot(FwCfgKeys.SIGNATURE)] = FwCfgItem.of("QEMU".getBytes(StandardCharsets.US_ASCII));
        items[FwCfgKeys.slot(FwCfgKeys.ID)] = FwCfgItem.ofU32(FwCfgKeys.ID_TRADITIONAL | (dma ? FwCfgKeys.ID_DMA : 0));
        defaults.forEach((k, v) -> items[FwCfgKeys.slot(k)] = v);
        numbered.forEach((k, v) -> items[FwCfgKeys.slot(k)] = v);

        TreeMap<String, FwCfgItem> all = new TreeMap<>(defaultFiles);
        all.putAll(files);
        List<FwCfgDirectory.Entry> entries = new ArrayList<>();
        Map<String, Integer> keys = new HashMap<>();
        int key = FwCfgKeys.FILE_FIRST;
        for (var e : all.entrySet()) {
            items[FwCfgKeys.slot(key)] = e.getValue();
            entries.add(new FwCfgDirectory.Entry(e.getKey(), key, e.getValue().size()));
            keys.put(e.getKey(), key);
            key++;
        }
        items[FwCfgKeys.slot(FwCfgKeys.FILE_DIR)] = FwCfgItem.of(FwCfgDirectory.encode(entries));
        return new FwCfgDevice(items, keys, dma, memory);
    }
}
