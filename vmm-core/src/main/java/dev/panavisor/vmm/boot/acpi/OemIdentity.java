package dev.panavisor.vmm.boot.acpi;

/**
 * The identification fields every ACPI table header carries (§5.2.6): OEM ID (6 ASCII bytes),
 * OEM table ID (8), OEM revision, creator ID (4) and creator revision.
 */
public record OemIdentity(String oemId, String oemTableId, int oemRevision, String creatorId, int creatorRevision) {
    public static final OemIdentity PANAVISOR = new OemIdentity("PNVSR", "PANAVISR", 1, "PNVR", 1);

    public OemIdentity {
        requireAscii(oemId, 6, "OEM ID");
        requireAscii(oemTableId, 8, "OEM table ID");
        requireAscii(creatorId, 4, "creator ID");
    }

    private static void requireAscii(String s, int max, String what) {
        if (s.length() > max || !s.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(what + " must be at most " + max + " printable ASCII characters: '" + s + "'");
        }
    }
}
