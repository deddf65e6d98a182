package dev.panavisor.firmware.igvm;

/**
 * A file broke one of the IGVM rules. Carries which rule, which variable header (or
 * {@link #FILE_LEVEL} when the problem is in the fixed header or the file as a whole) and the file
 * offset where the offending structure starts.
 */
public final class IgvmFormatException extends Exception {
    /** Header index reported for problems that are not tied to one variable header. */
    public static final int FILE_LEVEL = -1;
    private static final long serialVersionUID = 1L;

    private final IgvmRule rule;
    private final int headerIndex;
    private final long fileOffset;

    public IgvmFormatException(IgvmRule rule, int headerIndex, long fileOffset, String detail) {
        super(message(rule, headerIndex, fileOffset, detail));
        this.rule = rule;
        this.headerIndex = headerIndex;
        this.fileOffset = fileOffset;
    }

    public IgvmRule rule() {
        return rule;
    }

    public int headerIndex() {
        return headerIndex;
    }

    public long fileOffset() {
        return fileOffset;
    }

    private static String message(IgvmRule rule, int headerIndex, long fileOffset, String detail) {
        String where = headerIndex == FILE_LEVEL
                ? String.format("at file offset 0x%x", fileOffset)
                : String.format("in variable header #%d at file offset 0x%x", headerIndex, fileOffset);
        return String.format("%s %s: %s (%s)", rule, where, detail, rule.description());
    }
}
