package dev.panavisor.devices.vmfwupdate;

import dev.panavisor.devices.fwcfg.FwCfgBuilder;
import dev.panavisor.devices.fwcfg.GuestWrite;
import dev.panavisor.devices.fwcfg.GuestWriteHandler.WriteOutcome;
import dev.panavisor.devices.fwcfg.MutableFwCfgFile;
import dev.panavisor.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * QEMU's {@code etc/vmlaunchupdate} (docs/specs/vmlaunchupdate.rst): one 56-byte little-endian
 * struct the guest writes by fw-cfg DMA to stage an image, then resets.
 *
 * <pre>
 *  0 u16 version        always 1
 *  2 u16 status         0 success, 1 LOAD_FAIL, 2 NOT_IGVM_INIT (result of the last write)
 *  4 u32 padding
 *  8 u64 capabilities   format bits offered: IGVM 1&lt;&lt;32, PLATFORM_ROM 1&lt;&lt;33 (ours)
 * 16 u64 control        format bit of the image | DISABLE 1&lt;&lt;0 | HOST_IGVM 1&lt;&lt;1
 * 24 u64 fw_image_addr  } the staged image; read back as 0 once accepted
 * 32 u64 fw_image_size  }
 * 40 u64 opaque_addr    } a guest range kept across the update
 * 48 u64 opaque_size    }
 * </pre>
 *
 * <p>Every write, whole or partial, is evaluated as the request the file then describes: the
 * guest's bytes laid over what the file held (so a guest may write the fields one at a time; a
 * request is complete once the control word carries the format bit, as in QEMU, where the bytes
 * also accumulate in the file). The host then writes back what it accepted: version and
 * capabilities are restored, control reads as DISABLE or 0 (QEMU re-initialises it the same way on
 * every selection), status gives the verdict, the image address and size read 0 when the image
 * was taken and keep the guest's values when it was refused, and the opaque fields show the
 * region the engine holds. The DMA write itself always succeeds, as in QEMU.
 */
public final class VmLaunchUpdateFile {
    public static final String NAME = "etc/vmlaunchupdate";
    public static final int SIZE = 56;
    public static final int VERSION = 1;

    public static final int OFF_VERSION = 0;
    public static final int OFF_STATUS = 2;
    public static final int OFF_PADDING = 4;
    public static final int OFF_CAPABILITIES = 8;
    public static final int OFF_CONTROL = 16;
    public static final int OFF_FW_IMAGE_ADDR = 24;
    public static final int OFF_FW_IMAGE_SIZE = 32;
    public static final int OFF_OPAQUE_ADDR = 40;
    public static final int OFF_OPAQUE_SIZE = 48;

    public static final long CTL_DISABLE = 1L << 0;
    public static final long CTL_HOST_IGVM = 1L << 1;

    public static final int STATUS_SUCCESS = 0;
    public static final int STATUS_LOAD_FAIL = 1;
    public static final int STATUS_NOT_IGVM_INIT = 2;

    private final FirmwareUpdateEngine engine;
    private final MutableFwCfgFile file;

    private VmLaunchUpdateFile(FwCfgBuilder builder, FirmwareUpdateEngine engine) {
        this.engine = Objects.requireNonNull(engine);
        byte[] initial = new byte[SIZE];
        MemorySegment s = MemorySegment.ofArray(initial);
        s.set(GuestMemory.U16_LE, OFF_VERSION, (short) VERSION);
        s.set(GuestMemory.U64_LE, OFF_CAPABILITIES, engine.launchUpdateCapabilities());
        this.file = builder.mutableFile(NAME, initial, this::onGuestWrite);
        engine.addListener(this::refresh);
    }

    /** Adds {@code etc/vmlaunchupdate} to {@code builder}, driven by {@code engine}. */
    public static VmLaunchUpdateFile addTo(FwCfgBuilder builder, FirmwareUpdateEngine engine) {
        return new VmLaunchUpdateFile(builder, engine);
    }

    public MutableFwCfgFile file() { return file; }

    /** The status code a verdict gives the guest. */
    public static int statusOf(Verdict verdict) {
        if (verdict.accepted()) return STATUS_SUCCESS;
        return verdict.refusal() == RefusalReason.NOT_IGVM_LAUNCH ? STATUS_NOT_IGVM_INIT : STATUS_LOAD_FAIL;
    }

    private WriteOutcome onGuestWrite(GuestWrite write) {
        MemorySegment p = write.proposed();
        long control = p.get(GuestMemory.U64_LE, OFF_CONTROL);
        long addr = p.get(GuestMemory.U64_LE, OFF_FW_IMAGE_ADDR);
        long size = p.get(GuestMemory.U64_LE, OFF_FW_IMAGE_SIZE);
        boolean hasImage = addr != 0 || size != 0;
        boolean hostIgvm = (control & CTL_HOST_IGVM) != 0;
        // Control bits other than DISABLE and HOST_IGVM are reserved; QEMU ignores them, so do we.
        UpdateRequest request = new UpdateRequest(control & ImageFormat.FORMAT_MASK, addr, size,
                hostIgvm && hasImage, hostIgvm && !hasImage, (control & CTL_DISABLE) != 0,
                p.get(GuestMemory.U64_LE, OFF_OPAQUE_ADDR), p.get(GuestMemory.U64_LE, OFF_OPAQUE_SIZE));
        Verdict verdict = engine.submit(NAME, request);

        p.set(GuestMemory.U16_LE, OFF_STATUS, (short) statusOf(verdict));
        if (verdict.accepted()) {
            p.set(GuestMemory.U64_LE, OFF_FW_IMAGE_ADDR, 0);
            p.set(GuestMemory.U64_LE, OFF_FW_IMAGE_SIZE, 0);
        }
        writeHostFields(p);
        return WriteOutcome.COMMIT;
    }

    /** The fields only the host owns: version, padding, capabilities, control and the accepted opaque region. */
    private void writeHostFields(MemorySegment s) {
        s.set(GuestMemory.U16_LE, OFF_VERSION, (short) VERSION);
        s.set(GuestMemory.U32_LE, OFF_PADDING, 0);
        s.set(GuestMemory.U64_LE, OFF_CAPABILITIES, engine.launchUpdateCapabilities());
        s.set(GuestMemory.U64_LE, OFF_CONTROL, engine.disabled() ? CTL_DISABLE : 0);
        s.set(GuestMemory.U64_LE, OFF_OPAQUE_ADDR, engine.opaqueGpa());
        s.set(GuestMemory.U64_LE, OFF_OPAQUE_SIZE, engine.opaqueSize());
    }

    private void refresh(boolean reset) {
        file.update(s -> {
            if (reset) {
                // A fresh boot sees no stale request and no stale verdict; the opaque region stays.
                s.set(GuestMemory.U16_LE, OFF_STATUS, (short) STATUS_SUCCESS);
                s.set(GuestMemory.U64_LE, OFF_FW_IMAGE_ADDR, 0);
                s.set(GuestMemory.U64_LE, OFF_FW_IMAGE_SIZE, 0);
            }
            writeHostFields(s);
        });
    }
}
