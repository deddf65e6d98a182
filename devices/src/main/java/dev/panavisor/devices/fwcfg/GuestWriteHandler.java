package dev.panavisor.devices.fwcfg;

/**
 * Host-side validation of a guest's DMA write to a {@link MutableFwCfgFile}. Runs on the vCPU
 * thread that issued the write, under the device lock, so it sees writes one at a time and should
 * be quick (it stalls that vCPU, and any other vCPU touching fw-cfg, while it runs).
 */
@FunctionalInterface
public interface GuestWriteHandler {
    /**
     * Decides what a guest write does. {@link GuestWrite#proposed()} holds the file's current
     * content with the guest's bytes already laid over it; the handler may change any of it (to
     * write back what it accepted, a status, cleared fields) before returning
     * {@link WriteOutcome#COMMIT}. A handler that throws counts as {@link WriteOutcome#REJECT}.
     */
    WriteOutcome onGuestWrite(GuestWrite write);

    /** What becomes of a guest write. */
    enum WriteOutcome {
        /** The proposed content (as the handler left it) becomes the file's content; the DMA succeeds. */
        COMMIT,
        /** The file keeps its content, yet the DMA reports success (a host that silently ignores the write). */
        IGNORE,
        /** The file keeps its content and the DMA control word gets the error bit, as for a read-only item. */
        REJECT
    }
}
