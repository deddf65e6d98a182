package dev.panavisor.launcher;

/**
 * One {@code run} for both machines: a run that names firmware ({@code --firmware} or
 * {@code --igvm}) boots it on the pc machine ({@code run-firmware}); any other run is a
 * direct kernel boot on the microvm machine. The two keep separate option sets, so each
 * one's {@code --help} lists only what applies to it.
 */
final class RunRouting {
    static final String FIRMWARE_RUN = "run-firmware";

    private RunRouting() {}

    /** {@code args} with a leading {@code run} replaced by {@code run-firmware} when it names firmware. */
    static String[] route(String... args) {
        if (args.length == 0 || !args[0].equals("run")) return args;
        for (int i = 1; i < args.length; i++) {
            if (namesFirmware(args[i])) {
                String[] routed = args.clone();
                routed[0] = FIRMWARE_RUN;
                return routed;
            }
        }
        return args;
    }

    private static boolean namesFirmware(String arg) {
        return arg.equals("--firmware") || arg.startsWith("--firmware=")
                || arg.equals("--igvm") || arg.startsWith("--igvm=");
    }
}
