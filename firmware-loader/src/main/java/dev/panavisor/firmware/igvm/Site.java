package dev.panavisor.firmware.igvm;

/** Where a structure being checked lives, so any check can build a precise rejection. */
record Site(int headerIndex, long fileOffset) {
    static Site fileLevel(long fileOffset) {
        return new Site(IgvmFormatException.FILE_LEVEL, fileOffset);
    }

    IgvmFormatException violation(IgvmRule rule, String format, Object... args) {
        return new IgvmFormatException(rule, headerIndex, fileOffset, String.format(format, args));
    }
}
