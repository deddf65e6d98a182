package dev.panavisor.vmm.vcpu.fallback;

/** The instructions the fallback knows how to carry out, with their SDM mnemonics. */
public enum InstructionKind {
    INT3("INT3"),
    FWAIT("FWAIT"),
    FNINIT("FNINIT"),
    FNCLEX("FNCLEX"),
    FLDCW("FLDCW"),
    FNSTCW("FNSTCW"),
    FNSTSW("FNSTSW"),
    LDMXCSR("LDMXCSR"),
    STMXCSR("STMXCSR"),
    CLAC("CLAC"),
    STAC("STAC"),
    POPCNT("POPCNT"),
    XSAVE("XSAVE"),
    XSAVEC("XSAVEC"),
    XSAVEOPT("XSAVEOPT"),
    XSAVES("XSAVES"),
    XRSTOR("XRSTOR"),
    XRSTORS("XRSTORS"),
    CMPXCHG8B("CMPXCHG8B"),
    CMPXCHG16B("CMPXCHG16B");

    private final String mnemonic;

    InstructionKind(String mnemonic) { this.mnemonic = mnemonic; }

    public String mnemonic() { return mnemonic; }

    /** The XSAVE family reads or writes an XSAVE area in memory. */
    public boolean isXsaveFamily() {
        return switch (this) {
            case XSAVE, XSAVEC, XSAVEOPT, XSAVES, XRSTOR, XRSTORS -> true;
            default -> false;
        };
    }
}
