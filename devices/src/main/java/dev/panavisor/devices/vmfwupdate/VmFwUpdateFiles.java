package dev.panavisor.devices.vmfwupdate;

import dev.panavisor.devices.fwcfg.FwCfgBuilder;
import dev.panavisor.devices.fwcfg.FwCfgItem;
import dev.panavisor.devices.fwcfg.GuestWrite;
import dev.panavisor.devices.fwcfg.GuestWriteHandler.WriteOutcome;
import dev.panavisor.devices.fwcfg.MutableFwCfgFile;
import dev.panavisor.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The file-per-field interface of the v6 vmfwupdate proposal for QEMU, where the staged image is a
 * platform ROM:
 * <ul>
 *   <li>{@code etc/vmfwupdate/cap} (u64 LE, read-only): optional capabilities. The proposal defines
 *       only BIOS_RESIZE (bit 0); we do not offer it, so this reads 0.</li>
 *   <li>{@code etc/vmfwupdate/bios-size} (u64 LE, read-only without BIOS_RESIZE): the firmware
 *       region's size, the largest ROM the guest may stage.</li>
 *   <li>{@code etc/vmfwupdate/opaque-blob} (4 KiB): the guest's, kept across updates and resets;
 *       the host never reads or changes it.</li>
 *   <li>{@code etc/vmfwupdate/fw-blob} ({u64 bios_size, u64 bios_paddr} LE): the staged ROM; cleared
 *       on reset.</li>
 *   <li>{@code etc/vmfwupdate/disable} (u8): 0 enabled, 1 disabled; a write is taken only while it
 *       reads 0 and then disables whatever was written; only a reset enables it again.</li>
 * </ul>
 *
 * <p>{@code fw-blob} writes may be partial (one field at a time). Each write is evaluated on the
 * whole 16 bytes it leaves: both fields 0 withdraws the staged ROM; one field 0 is an incomplete
 * request, kept (the size must already be acceptable) but not staged; both non-zero stages the
 * ROM if its size and range pass. A refused write leaves the file as it was, so the guest reads
 * back what the host holds. The ROM's contents are checked at the reset, as the proposal says.
 */
public final class VmFwUpdateFiles {
    public static final String CAP = "etc/vmfwupdate/cap";
    public static final String BIOS_SIZE = "etc/vmfwupdate/bios-size";
    public static final String OPAQUE_BLOB = "etc/vmfwupdate/opaque-blob";
    public static final String FW_BLOB = "etc/vmfwupdate/fw-blob";
    public static final String DISABLE = "etc/vmfwupdate/disable";

    public static final int OPAQUE_BLOB_SIZE = 4096;
    public static final int FW_BLOB_SIZE = 16;
    public static final int OFF_BIOS_SIZE = 0;
    public static final int OFF_BIOS_PADDR = 8;
    /** The proposal's only capability, not offered here. */
    public static final long CAP_BIOS_RESIZE = 1;

    private final FirmwareUpdateEngine engine;
    private final MutableFwCfgFile opaqueBlob;
    private final MutableFwCfgFile fwBlob;
    private final MutableFwCfgFile disable;

    private VmFwUpdateFiles(FwCfgBuilder builder, FirmwareUpdateEngine engine) {
        this.engine = Objects.requireNonNull(engine);
        PlatformRomInspector rom = engine.platformRom();
        if (rom == null) throw new IllegalArgumentException("the v6 vmfwupdate files need an engine with a platform ROM region");
        builder.file(CAP, FwCfgItem.ofU64(0));
        builder.file(BIOS_SIZE, FwCfgItem.ofU64(rom.regionSize()));
        this.opaqueBlob = builder.mutableFile(OPAQUE_BLOB, new byte[OPAQUE_BLOB_SIZE], w -> WriteOutcome.COMMIT);
        this.fwBlob = builder.mutableFile(FW_BLOB, new byte[FW_BLOB_SIZE], this::onFwBlobWrite);
        this.disable = builder.mutableFile(DISABLE, new byte[1], this::onDisableWrite);
        engine.addListener(this::refresh);
    }

    /** Adds the five {@code etc/vmfwupdate/*} files to {@code builder}; the engine must have a platform ROM region. */
    public static VmFwUpdateFiles addTo(FwCfgBuilder builder, FirmwareUpdateEngine engine) {
        return new VmFwUpdateFiles(builder, engine);
    }

    public MutableFwCfgFile opaqueBlob() { return opaqueBlob; }

    public MutableFwCfgFile fwBlob() { return fwBlob; }

    public MutableFwCfgFile disableFile() { return disable; }

    private WriteOutcome onFwBlobWrite(GuestWrite write) {
        MemorySegment p = write.proposed();
        long size = p.get(GuestMemory.U64_LE, OFF_BIOS_SIZE);
        long paddr = p.get(GuestMemory.U64_LE, OFF_BIOS_PADDR);
        if (size != 0 && paddr != 0) {
            return engine.stagePlatformRom(FW_BLOB, paddr, size).accepted() ? WriteOutcome.COMMIT : WriteOutcome.IGNORE;
        }
        if (engine.disabled()) {
            engine.reportRefusal(FW_BLOB, Verdict.refused(RefusalReason.DISABLED, "the interface is disabled (" + engine.lock() + ")"));
            return WriteOutcome.IGNORE;
        }
        if (size != 0) {
            String problem = engine.platformRom().sizeProblem(size);
            if (problem != null) {
                engine.reportRefusal(FW_BLOB, Verdict.refused(RefusalReason.IMAGE_INVALID, problem));
                return WriteOutcome.IGNORE;
            }
        }
        // Nothing (complete) is staged any more: the blob was cleared or is being rewritten field by field.
        engine.cancelStagedImage(FW_BLOB);
        return WriteOutcome.COMMIT;
    }

    private WriteOutcome onDisableWrite(GuestWrite write) {
        if (write.current().get(ValueLayout.JAVA_BYTE, 0) != 0) {
            // "Writing is only allowed if the value is 0": it stays disabled until a reset.
            return WriteOutcome.IGNORE;
        }
        engine.disableUntilReset(DISABLE);
        write.proposed().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        return WriteOutcome.COMMIT;
    }

    private void refresh(boolean reset) {
        if (reset) fwBlob.set(new byte[FW_BLOB_SIZE]);
        byte disabled = (byte) (engine.disabled() ? 1 : 0);
        disable.update(s -> s.set(ValueLayout.JAVA_BYTE, 0, disabled));
    }
}
