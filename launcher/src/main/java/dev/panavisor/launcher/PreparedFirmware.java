package dev.panavisor.launcher;

import dev.panavisor.confidential.launch.PageContentDigests;
import dev.panavisor.devices.vmfwupdate.ImageFormat;
import dev.panavisor.firmware.igvm.IgvmFile;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Firmware the machine can launch (again): an immutable private copy of the image, with the work
 * a launch needs from it done once, on a background thread, while the machine does other work
 * (at a reset: rebuilding the KVM context). That work ({@link FirmwareInstaller#prepare}) is the
 * image's SHA-256 for the measurement log, the parse of an IGVM file or the IGVM wrap of a ROM for
 * a measured platform, and the SHA-384 of each page a measured launch adds. A launch from this
 * copy then parses and wraps nothing and hashes only the PAGE_INFO chain, and a plain reset that
 * relaunches it reuses all of it.
 */
final class PreparedFirmware {
    /**
     * @param sha256      of the image as given
     * @param launchFile  the IGVM to launch: the parsed file, a measured ROM's wrap, or null for a native ROM
     * @param pageDigests SHA-384 of the launch file's pages, or null when the launch is not measured
     */
    record Prepared(String sha256, IgvmFile launchFile, PageContentDigests pageDigests) { }

    private final ImageFormat format;
    private final MemorySegment bytes;
    private final String name;
    private volatile FutureTask<Prepared> work;

    private PreparedFirmware(ImageFormat format, MemorySegment bytes, String name) {
        this.format = format;
        this.bytes = bytes;
        this.name = name;
    }

    /** {@code bytes} is handed over: the caller never changes it again. Call {@link #startPreparing} before use. */
    static PreparedFirmware of(ImageFormat format, MemorySegment bytes, String name) {
        return new PreparedFirmware(format, bytes, name);
    }

    /** Copies {@code image} (e.g. a view of guest RAM) and starts preparing the copy for {@code installer}. */
    static PreparedFirmware copyOf(ImageFormat format, MemorySegment image, String name, FirmwareInstaller installer) {
        PreparedFirmware f = of(format, MemorySegment.ofArray(image.toArray(ValueLayout.JAVA_BYTE)), name);
        f.startPreparing(installer);
        return f;
    }

    /** Starts the preparation for {@code installer}'s platform and vCPU count on a background thread. */
    void startPreparing(FirmwareInstaller installer) {
        FutureTask<Prepared> task = new FutureTask<>(() -> installer.prepare(format, bytes, name));
        work = task;
        Thread.ofPlatform().daemon().name("firmware-prepare").start(task);
    }

    /**
     * Queues the preparation on {@code executor} instead: for images a guest stages, which it may
     * do again and again, so the machine bounds the work (and the copies it keeps alive) with one
     * worker and {@link #abandon}s what a newer staging replaced.
     */
    void startPreparing(FirmwareInstaller installer, ThreadPoolExecutor executor) {
        FutureTask<Prepared> task = new FutureTask<>(() -> installer.prepare(format, bytes, name));
        work = task;
        executor.execute(task);
    }

    /** Drops queued work nobody will wait for (a staged image replaced before the reset). */
    void abandon(ThreadPoolExecutor executor) {
        FutureTask<Prepared> task = work;
        if (task == null) return;
        task.cancel(false);
        executor.remove(task);
    }

    ImageFormat format() { return format; }

    MemorySegment bytes() { return bytes; }

    String name() { return name; }

    /** Waits for the background work; an image that cannot be launched (an IGVM that does not parse) throws here. */
    Prepared prepared() {
        FutureTask<Prepared> task = work;
        if (task == null) throw new IllegalStateException(name + ": not being prepared");
        try {
            return task.get();
        } catch (java.util.concurrent.CancellationException e) {
            throw new IllegalStateException(name + ": its preparation was abandoned", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("preparing " + name + " failed: " + e.getCause(), e.getCause());
        }
    }
}
