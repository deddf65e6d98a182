package dev.panavisor.launcher;

/**
 * The UEFI PI boot phases, in order, as the pc machine can tell them apart from what the
 * firmware does to its devices (a RELEASE OVMF, like Debian's, prints nothing on the debug
 * console, so device activity is the evidence; DEBUG builds' log lines count too).
 */
public enum FirmwareMilestone {
    /** 32-bit code in the firmware image past the reset vector ran (SecMain). */
    SEC("SEC: firmware code past the reset vector ran in protected mode"),
    /** PlatformPei talks to fw-cfg; SEC never does. */
    PEI("PEI: the platform PEIM selected a fw-cfg item"),
    /** The DXE flash driver probes the varstore with flash commands; nothing before DXE writes the flash. */
    DXE("DXE: the flash driver sent its first command"),
    /** The console is connected in BDS: the first byte reaches COM1. */
    BDS("BDS: the firmware console wrote to COM1");

    private final String evidence;

    FirmwareMilestone(String evidence) { this.evidence = evidence; }

    public String evidence() { return evidence; }
}
