package dev.panavisor.devices.vmfwupdate;

import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's own copy of the firmware-update interface state, shared by every guest-facing front
 * end ({@code etc/vmlaunchupdate}, the {@code etc/vmfwupdate/*} files). Front ends translate guest
 * writes into {@link UpdateRequest}s; the engine validates each against guest memory and the
 * machine's {@link StagedImageInspector}s, keeps only what passes, and at a cold reset tells the
 * machine what to install ({@link #takeUpdateForReset()}).
 *
 * <h2>State</h2>
 * <ul>
 *   <li><b>plan for the next reset</b>: a staged image (format, guest range, one-shot or permanent),
 *       or "restore the host's firmware", or nothing. The latest accepted request replaces it.</li>
 *   <li><b>return armed</b>: a one-shot image is running; the next reset restores the host's firmware
 *       unless a new image is staged meanwhile.</li>
 *   <li><b>lock</b>: {@link Lock#UNTIL_RESET} from the v6 disable file, {@link Lock#UNTIL_HOST_FIRMWARE}
 *       from vmlaunchupdate's DISABLE bit. Either refuses every staging request.</li>
 *   <li><b>opaque region</b>: the guest range vmlaunchupdate's {@code opaque_addr/size} name; kept
 *       across resets and never touched.</li>
 * </ul>
 *
 * <h2>The four DISABLE/HOST_IGVM combinations (vmlaunchupdate.rst)</h2>
 * A: image permanent, updates stay possible. B: image permanent, interface locked for good (nothing
 * can restore the host's firmware any more). C: image for one reset, then the host's firmware,
 * updates possible. D: like C, locked until the host's firmware runs again, which unlocks (as QEMU
 * does: the host's firmware is trusted to update again).
 *
 * <h2>Concurrency</h2>
 * All state is guarded by this object's monitor; requests arrive one at a time from fw-cfg write
 * handlers (under the fw-cfg device lock) and the reset comes from the thread that resets the
 * machine. Listeners run after the monitor is released, so a listener may update fw-cfg files
 * (which take the file's monitor) without ever holding the engine while doing so.
 */
public final class FirmwareUpdateEngine {
    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUpdateEngine.class);

    /** The default bound on a staged image: large enough for firmware plus kernel and initrd in one IGVM. */
    public static final long DEFAULT_MAX_IMAGE_SIZE = 256L << 20;

    /** What the VM was first started from. */
    public enum HostFirmware { IGVM, CLASSIC }

    /** Whether and until when the interface refuses staging requests. */
    public enum Lock { NONE, UNTIL_RESET, UNTIL_HOST_FIRMWARE }

    /** Told after every state change, outside the engine's monitor. */
    @FunctionalInterface
    public interface StateListener {
        /** @param reset true when the change was a reset ({@link #takeUpdateForReset()}) */
        void stateChanged(boolean reset);
    }

    /**
     * Told, on the thread that staged it and outside the engine's monitor, when an image of a
     * {@linkplain Builder#captureAtStaging captured} format has been accepted: {@code copy} is the
     * engine's private, read-only copy, the very segment a later {@link ResetPlan.InstallImage}
     * carries, so the machine may start preparing its launch now and recognise it at the reset.
     */
    @FunctionalInterface
    public interface CaptureListener {
        void captured(ImageFormat format, long gpa, MemorySegment copy);
    }

    /** {@code copy} is null for an image read from guest RAM at the reset; {@code deploys} is known only for a captured one. */
    private record Staged(ImageFormat format, long gpa, long size, boolean oneShot, String source,
                          MemorySegment copy, List<GpaRange> deploys) {
        Staged(ImageFormat format, long gpa, long size, boolean oneShot, String source) {
            this(format, gpa, size, oneShot, source, null, List.of());
        }
    }

    private record Checked(Verdict verdict, List<GpaRange> deploys) {
        static Checked refused(RefusalReason reason, String detail) { return new Checked(Verdict.refused(reason, detail), List.of()); }
    }

    private final GuestMemory memory;
    private final Map<ImageFormat, StagedImageInspector> inspectors;
    private final PlatformRomInspector platformRom;
    private final long maxImageSize;
    private final HostFirmware hostFirmware;
    private final boolean qemuCompatible;
    private final Set<ImageFormat> captured;
    private final CaptureListener captureListener;
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final RefusalLog refusals = new RefusalLog(LOG);

    // Guarded by this.
    private Lock lock = Lock.NONE;
    private Staged staged;
    private boolean restoreHostPending;
    private boolean returnArmed;
    private boolean runningGuestImage;
    private long opaqueGpa;
    private long opaqueSize;
    private long installs;

    private FirmwareUpdateEngine(Builder b) {
        this.memory = b.memory;
        this.inspectors = Collections.unmodifiableMap(new EnumMap<>(b.inspectors));
        this.platformRom = b.platformRom;
        this.maxImageSize = b.maxImageSize;
        this.hostFirmware = b.hostFirmware;
        this.qemuCompatible = b.qemuCompatible;
        this.captured = Collections.unmodifiableSet(EnumSet.copyOf(b.captured));
        this.captureListener = b.captureListener;
    }

    public static Builder builder(GuestMemory memory) { return new Builder(memory); }

    // ---- configuration ----

    /** The firmware-region inspector, or null when the machine offers no platform ROM updates. */
    public PlatformRomInspector platformRom() { return platformRom; }

    public long maxImageSize() { return maxImageSize; }

    public HostFirmware hostFirmware() { return hostFirmware; }

    /** True in QEMU-compatible mode: only IGVM is offered, and only to VMs started from IGVM. */
    public boolean qemuCompatible() { return qemuCompatible; }

    /** True when the machine can install {@code format} at all (it supplied an inspector). */
    public boolean supports(ImageFormat format) { return inspectors.containsKey(format); }

    /**
     * The {@code capabilities} field of {@code etc/vmlaunchupdate}: one bit per format a request may
     * name. In QEMU-compatible mode only IGVM, exactly what QEMU reports.
     */
    public long launchUpdateCapabilities() {
        long caps = 0;
        for (ImageFormat f : inspectors.keySet()) {
            if (!qemuCompatible || f == ImageFormat.IGVM) caps |= f.bit();
        }
        return caps;
    }

    // ---- state ----

    public synchronized Lock lock() { return lock; }

    public synchronized boolean disabled() { return lock != Lock.NONE; }

    public synchronized boolean hasStagedImage() { return staged != null; }

    public synchronized boolean restoreHostPending() { return restoreHostPending; }

    /** True while a one-shot image runs and the next reset will bring the host's firmware back. */
    public synchronized boolean returnArmed() { return returnArmed; }

    /** True while the installed firmware is a guest's image rather than the host's. */
    public synchronized boolean runningGuestImage() { return runningGuestImage; }

    public synchronized long opaqueGpa() { return opaqueGpa; }

    public synchronized long opaqueSize() { return opaqueSize; }

    /** Images installed so far. */
    public synchronized long installs() { return installs; }

    /** Guest requests refused so far (including ones refused at a reset). */
    public long refusals() { return refusals.count(); }

    public void addListener(StateListener listener) { listeners.add(Objects.requireNonNull(listener)); }

    /** Logs a refusal a front end decided on its own (a malformed partial write), rate-limited like the engine's. */
    public void reportRefusal(String source, Verdict verdict) {
        if (!verdict.accepted()) refusals.refused(source, verdict);
    }

    // ---- requests ----

    /**
     * One request from {@code source} (a file name, for the log). Accepted requests replace the
     * plan for the next reset (except a request that stages nothing, which leaves it alone).
     * DISABLE takes effect even when the rest is refused, so a guest that asks to lock the
     * interface always gets it locked.
     */
    public Verdict submit(String source, UpdateRequest request) {
        Verdict verdict;
        Staged capturedNow = null;
        synchronized (this) {
            Staged before = staged;
            if (lock != Lock.NONE) {
                verdict = request.stagesNothing() ? Verdict.ACCEPTED
                        : Verdict.refused(RefusalReason.DISABLED, "the interface is disabled (" + lock + ")");
            } else {
                verdict = apply(source, request);
            }
            if (request.disable() && lock != Lock.UNTIL_HOST_FIRMWARE) {
                lock = Lock.UNTIL_HOST_FIRMWARE;
                LOG.info("vmfwupdate: {} disabled the interface until the host's firmware runs again", source);
            }
            if (staged != before && staged != null && staged.copy() != null) capturedNow = staged;
        }
        if (!verdict.accepted()) refusals.refused(source, verdict);
        if (capturedNow != null && captureListener != null) {
            try {
                captureListener.captured(capturedNow.format(), capturedNow.gpa(), capturedNow.copy());
            } catch (RuntimeException e) {
                LOG.error("vmfwupdate: the capture listener failed", e);
            }
        }
        notifyListeners(false);
        return verdict;
    }

    private Verdict apply(String source, UpdateRequest r) {
        Verdict opaque = checkOpaque(r.opaqueGpa(), r.opaqueSize());
        if (!r.hasImage()) {
            if (r.restoreHost()) {
                if (!opaque.accepted()) return opaque;
                setOpaque(r);
                staged = null;
                restoreHostPending = true;
                LOG.info("vmfwupdate: {} asked for the host's firmware at the next reset", source);
                return Verdict.ACCEPTED;
            }
            if (r.formatBits() != 0) return Verdict.refused(RefusalReason.NO_IMAGE, "a format bit is set but the image address and size are 0");
            if (!opaque.accepted()) return opaque;
            setOpaque(r);
            return Verdict.ACCEPTED;
        }
        if (r.formatBits() == 0) {
            return Verdict.refused(RefusalReason.NO_FORMAT, String.format("an image [0x%x, +0x%x) without a format bit", r.imageGpa(), r.imageSize()));
        }
        ImageFormat format = ImageFormat.ofBit(r.formatBits());
        if (format == null || (launchUpdateCapabilities() & format.bit()) == 0) {
            return Verdict.refused(RefusalReason.FORMAT_NOT_OFFERED, String.format("format bits 0x%x are not one offered format (capabilities 0x%x)",
                    r.formatBits(), launchUpdateCapabilities()));
        }
        if (qemuCompatible && hostFirmware != HostFirmware.IGVM) {
            return Verdict.refused(RefusalReason.NOT_IGVM_LAUNCH, "QEMU-compatible mode: the VM was not started from an IGVM file");
        }
        if (!opaque.accepted()) return opaque;
        Staged next;
        if (captured.contains(format)) {
            // Copied before it is inspected: what was checked is exactly what the reset installs,
            // whatever the guest does with its RAM afterwards.
            Checked inRam = check(format, r.imageGpa(), r.imageSize(), r.opaqueGpa(), r.opaqueSize(), false);
            if (!inRam.verdict().accepted()) return inRam.verdict();
            MemorySegment copy = capture(r.imageGpa(), r.imageSize());
            Checked checked = inspect(format, r.imageGpa(), copy, r.opaqueGpa(), r.opaqueSize());
            if (!checked.verdict().accepted()) return checked.verdict();
            next = new Staged(format, r.imageGpa(), r.imageSize(), r.oneShot(), source, copy, checked.deploys());
        } else {
            Checked checked = check(format, r.imageGpa(), r.imageSize(), r.opaqueGpa(), r.opaqueSize(), true);
            if (!checked.verdict().accepted()) return checked.verdict();
            next = new Staged(format, r.imageGpa(), r.imageSize(), r.oneShot(), source);
        }
        setOpaque(r);
        staged = next;
        restoreHostPending = false;
        LOG.info("vmfwupdate: {} staged a {} image {} ({}) for the next reset", source, format,
                new GpaRange(r.imageGpa(), r.imageSize()), r.oneShot() ? "one reset, then the host's firmware" : "permanent");
        return Verdict.ACCEPTED;
    }

    private void setOpaque(UpdateRequest r) {
        opaqueGpa = r.opaqueGpa();
        opaqueSize = r.opaqueSize();
    }

    /**
     * The v6 interface's {@code fw-blob}: a platform ROM whose contents are checked at the reset
     * (the v6 proposal validates then), whose size and range are checked now so the guest sees a
     * refusal at once. Refused while disabled.
     */
    public Verdict stagePlatformRom(String source, long gpa, long size) {
        Verdict verdict;
        synchronized (this) {
            if (lock != Lock.NONE) {
                verdict = Verdict.refused(RefusalReason.DISABLED, "the interface is disabled (" + lock + ")");
            } else if (platformRom == null) {
                verdict = Verdict.refused(RefusalReason.FORMAT_NOT_OFFERED, "this machine takes no platform ROM");
            } else {
                verdict = check(ImageFormat.PLATFORM_ROM, gpa, size, opaqueGpa, opaqueSize, false).verdict();
                String sizeProblem = platformRom.sizeProblem(size);
                if (verdict.accepted() && sizeProblem != null) verdict = Verdict.refused(RefusalReason.IMAGE_INVALID, sizeProblem);
                if (verdict.accepted()) {
                    staged = new Staged(ImageFormat.PLATFORM_ROM, gpa, size, false, source);
                    restoreHostPending = false;
                    LOG.info("vmfwupdate: {} staged a platform ROM {} for the next reset", source, new GpaRange(gpa, size));
                }
            }
        }
        if (!verdict.accepted()) refusals.refused(source, verdict);
        notifyListeners(false);
        return verdict;
    }

    /** Drops a staged image that has not been installed yet (v6 {@code fw-blob} written back to zero). */
    public void cancelStagedImage(String source) {
        boolean had;
        synchronized (this) {
            had = staged != null;
            staged = null;
        }
        if (had) {
            LOG.info("vmfwupdate: {} withdrew the staged image", source);
            notifyListeners(false);
        }
    }

    /**
     * The v6 {@code disable} file: no staging until the next reset, and a staged image is ignored
     * (the v6 proposal: "the replace file is ignored on reset"). A pending return to the host's
     * firmware stays: it restores, it does not update.
     */
    public void disableUntilReset(String source) {
        synchronized (this) {
            if (lock == Lock.NONE) lock = Lock.UNTIL_RESET;
            if (staged != null) LOG.info("vmfwupdate: {} disabled the interface; the staged image will be ignored", source);
            staged = null;
        }
        notifyListeners(false);
    }

    // ---- reset ----

    /**
     * Called by the machine at every cold reset, before it reinstalls firmware: decides what to
     * install and moves the state on. A staged image is checked again here (guest RAM may have
     * changed since it was accepted; the v6 interface checks contents only now); if it fails, the
     * refusal is logged and the reset goes on as if nothing had been staged. Afterwards the staged
     * image, a pending restore and an until-reset lock are gone; the opaque region stays.
     */
    public ResetPlan takeUpdateForReset() {
        ResetPlan plan;
        Verdict refusal = null;
        String refusedSource = null;
        synchronized (this) {
            ResetPlan.InstallImage install = null;
            if (!restoreHostPending && staged != null) {
                // A captured copy cannot have changed, but the opaque region may have since.
                Checked checked = staged.copy() != null
                        ? checkDeployment(staged.deploys(), new GpaRange(staged.gpa(), staged.size()), opaqueGpa, opaqueSize)
                        : check(staged.format(), staged.gpa(), staged.size(), opaqueGpa, opaqueSize, true);
                if (checked.verdict().accepted()) {
                    MemorySegment image = staged.copy() != null ? staged.copy() : memory.slice(staged.gpa(), staged.size());
                    install = new ResetPlan.InstallImage(staged.format(), staged.gpa(), image, checked.deploys(), staged.oneShot(),
                            staged.copy() != null);
                } else {
                    refusal = checked.verdict();
                    refusedSource = staged.source() + " at reset";
                }
            }
            if (restoreHostPending || (install == null && returnArmed)) {
                plan = new ResetPlan.RestoreHostFirmware();
                returnArmed = false;
                runningGuestImage = false;
                // Like QEMU: the host's firmware is trusted to update again, so it runs unlocked.
                lock = Lock.NONE;
            } else if (install != null) {
                plan = install;
                returnArmed = install.oneShot();
                runningGuestImage = true;
                installs++;
            } else {
                plan = new ResetPlan.KeepCurrentFirmware();
            }
            staged = null;
            restoreHostPending = false;
            if (lock == Lock.UNTIL_RESET) lock = Lock.NONE;
        }
        if (refusal != null) refusals.refused(refusedSource, refusal);
        LOG.info("vmfwupdate: reset: {}", describe(plan));
        notifyListeners(true);
        return plan;
    }

    private static String describe(ResetPlan plan) {
        return switch (plan) {
            case ResetPlan.KeepCurrentFirmware k -> "the current firmware runs again";
            case ResetPlan.RestoreHostFirmware r -> "the host's firmware is restored";
            case ResetPlan.InstallImage i -> String.format("installing the guest's %s image %s%s", i.format(),
                    new GpaRange(i.gpa(), i.size()), i.oneShot() ? " for one reset" : "");
        };
    }

    // ---- validation ----

    private Verdict checkOpaque(long gpa, long size) {
        if (size == 0) return Verdict.ACCEPTED;
        if (GpaRange.wraps(gpa, size)) {
            return Verdict.refused(RefusalReason.OPAQUE_NOT_IN_RAM, String.format("opaque region [0x%x, +0x%x) wraps around 2^64", gpa, size));
        }
        GuestRegion r = memory.regionFor(gpa, size);
        if (r == null || r.readOnly()) {
            return Verdict.refused(RefusalReason.OPAQUE_NOT_IN_RAM, String.format("opaque region %s is not inside writable guest RAM", new GpaRange(gpa, size)));
        }
        return Verdict.ACCEPTED;
    }

    private Checked check(ImageFormat format, long gpa, long size, long opaqueAt, long opaqueLength, boolean inspect) {
        if (gpa == 0 || size == 0) {
            return Checked.refused(RefusalReason.NO_IMAGE, String.format("image address 0x%x and size 0x%x must both be non-zero", gpa, size));
        }
        if (Long.compareUnsigned(size, maxImageSize) > 0) {
            return Checked.refused(RefusalReason.IMAGE_TOO_LARGE, String.format("an image of 0x%x bytes is larger than the limit 0x%x", size, maxImageSize));
        }
        GuestRegion region = GpaRange.wraps(gpa, size) ? null : memory.regionFor(gpa, size);
        if (region == null || region.readOnly()) {
            return Checked.refused(RefusalReason.IMAGE_NOT_IN_RAM, String.format("image [0x%x, +0x%x) is not inside one writable region of guest RAM", gpa, size));
        }
        if (!inspect) return new Checked(Verdict.ACCEPTED, List.of());
        return inspect(format, gpa, region.host().asSlice(gpa - region.gpa(), size).asReadOnly(), opaqueAt, opaqueLength);
    }

    /** A private read-only copy of {@code [gpa, +size)}, which {@link #check} found in one writable RAM region. */
    private MemorySegment capture(long gpa, long size) {
        // On the heap, so that a guest staging large images over and over makes garbage the
        // collector sees, not off-heap memory that waits for it. The size limit keeps it an array.
        MemorySegment copy = MemorySegment.ofArray(new byte[Math.toIntExact(size)]);
        MemorySegment.copy(memory.slice(gpa, size), 0, copy, 0, size);
        return copy.asReadOnly();
    }

    private Checked inspect(ImageFormat format, long gpa, MemorySegment bytes, long opaqueAt, long opaqueLength) {
        long size = bytes.byteSize();
        StagedImageInspector inspector = inspectors.get(format);
        if (inspector == null) return Checked.refused(RefusalReason.FORMAT_NOT_OFFERED, "this machine cannot install " + format);
        StagedImageInspector.Inspection inspection;
        try {
            inspection = inspector.inspect(format, gpa, bytes);
        } catch (RuntimeException e) {
            inspection = StagedImageInspector.refused("the inspector failed: " + e);
        }
        if (inspection == null) inspection = StagedImageInspector.refused("the inspector gave no answer");
        return switch (inspection) {
            case StagedImageInspector.Refused r -> Checked.refused(RefusalReason.IMAGE_INVALID, format + ": " + r.reason());
            case StagedImageInspector.Deploys d -> checkDeployment(d.ranges(), new GpaRange(gpa, size), opaqueAt, opaqueLength);
        };
    }

    private static Checked checkDeployment(List<GpaRange> deploys, GpaRange image, long opaqueAt, long opaqueLength) {
        GpaRange opaque = opaqueLength == 0 ? null : new GpaRange(opaqueAt, opaqueLength);
        for (GpaRange d : deploys) {
            if (d.overlaps(image)) {
                return Checked.refused(RefusalReason.IMAGE_OVERLAPS_DEPLOYMENT, "image " + image + " lies where it would deploy " + d);
            }
            if (opaque != null && d.overlaps(opaque)) {
                return Checked.refused(RefusalReason.OPAQUE_OVERLAPS_DEPLOYMENT, "opaque region " + opaque + " lies where the image would deploy " + d);
            }
        }
        return new Checked(Verdict.ACCEPTED, deploys);
    }

    private void notifyListeners(boolean reset) {
        for (StateListener l : listeners) {
            try {
                l.stateChanged(reset);
            } catch (RuntimeException e) {
                LOG.error("vmfwupdate: a state listener failed", e);
            }
        }
    }

    /** Configures an engine over the VM's guest memory. */
    public static final class Builder {
        private final GuestMemory memory;
        private final Map<ImageFormat, StagedImageInspector> inspectors = new EnumMap<>(ImageFormat.class);
        private PlatformRomInspector platformRom;
        private long maxImageSize = DEFAULT_MAX_IMAGE_SIZE;
        private HostFirmware hostFirmware = HostFirmware.CLASSIC;
        private boolean qemuCompatible;
        private final Set<ImageFormat> captured = EnumSet.noneOf(ImageFormat.class);
        private CaptureListener captureListener;

        private Builder(GuestMemory memory) {
            this.memory = Objects.requireNonNull(memory, "memory");
        }

        /** The machine can install IGVM images; {@code inspector} parses them (the launcher's, via firmware-loader). */
        public Builder igvm(StagedImageInspector inspector) {
            inspectors.put(ImageFormat.IGVM, Objects.requireNonNull(inspector));
            return this;
        }

        /** The machine can replace its firmware region, {@code regionSize} bytes ending at 4 GiB, with a guest's ROM. */
        public Builder platformRom(long regionSize) {
            platformRom = new PlatformRomInspector(regionSize);
            inspectors.put(ImageFormat.PLATFORM_ROM, platformRom);
            return this;
        }

        /** The largest image accepted, in bytes (default {@link #DEFAULT_MAX_IMAGE_SIZE}). */
        public Builder maxImageSize(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("the image size limit must be positive");
            maxImageSize = bytes;
            return this;
        }

        /** What the VM was started from; matters only in QEMU-compatible mode. Default CLASSIC. */
        public Builder hostFirmware(HostFirmware firmware) {
            hostFirmware = Objects.requireNonNull(firmware);
            return this;
        }

        /**
         * QEMU-compatible mode: capabilities list only IGVM, and a VM not started from IGVM refuses
         * images with NOT_IGVM_INIT, as QEMU does. Off by default: Panavisor updates VMs started
         * from classic firmware too, treating that firmware as the host's image.
         */
        public Builder qemuCompatible(boolean on) {
            qemuCompatible = on;
            return this;
        }

        /**
         * Images of {@code format} staged through {@link #submit} (QEMU's {@code etc/vmlaunchupdate}
         * copies the image at the write too) are copied out of guest RAM when the guest stages them,
         * inspected in that copy and installed from it: the reset does not read guest RAM again, and
         * {@code listener} may prepare the launch meanwhile. For images a reset must parse, hash or
         * measure anyway; a native ROM is better copied once, at the reset, straight into the
         * firmware region. The v6 {@code fw-blob} always reads guest RAM at the reset (its proposal
         * validates the contents then).
         */
        public Builder captureAtStaging(ImageFormat format, CaptureListener listener) {
            captured.add(Objects.requireNonNull(format));
            if (captureListener != null && captureListener != listener) throw new IllegalStateException("one capture listener per engine");
            captureListener = Objects.requireNonNull(listener);
            return this;
        }

        public FirmwareUpdateEngine build() {
            if (!captured.isEmpty() && maxImageSize > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("captured images must fit a Java array: the size limit is at most 2 GiB");
            }
            return new FirmwareUpdateEngine(this);
        }
    }
}
