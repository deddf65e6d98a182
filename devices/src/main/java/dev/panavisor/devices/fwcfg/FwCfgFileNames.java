package dev.panavisor.devices.fwcfg;

/**
 * Rules for file names in the fw-cfg directory. The directory entry has 56 bytes for the name
 * including its NUL (fw_cfg.rst, "File Directory"), so at most 55 characters; plain ASCII is what
 * the spec recommends ("Externally Provided Items") and what firmware compares byte-wise.
 */
public final class FwCfgFileNames {
    private FwCfgFileNames() {}

    /** Characters a name may have, leaving room for the terminating NUL. */
    public static final int MAX_LENGTH = 55;

    /** The prefix the spec reserves for names users choose ("Externally Provided Items"). */
    public static final String USER_PREFIX = "opt/";

    /** Returns {@code name} when it fits a directory entry, else throws with the reason. */
    public static String check(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("fw-cfg file name is empty");
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("fw-cfg file name '" + name + "' is " + name.length()
                    + " characters; the directory holds at most " + MAX_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("fw-cfg file name '" + name + "' has a character that is not printable ASCII at index " + i);
            }
        }
        return name;
    }

    /** As {@link #check}, and the name must be in the users' namespace {@code opt/...}. */
    public static String checkUserName(String name) {
        check(name);
        if (!name.startsWith(USER_PREFIX) || name.length() == USER_PREFIX.length()) {
            throw new IllegalArgumentException("fw-cfg file name '" + name + "' must start with '" + USER_PREFIX
                    + "' (the namespace fw_cfg.rst reserves for users), e.g. opt/org.example/blob");
        }
        return name;
    }
}
