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
    FILD16("FILD m16int"),
    FILD32("FILD m32int"),
    FILD64("FILD m64int"),
    FLDZ("FLDZ"),
    FLD1("FLD1"),
    FCOMI("FCOMI"),
    FCOMIP("FCOMIP"),
    FUCOMI("FUCOMI"),
    FUCOMIP("FUCOMIP"),
    FLD32("FLD m32fp"),
    FLD64("FLD m64fp"),
    FST32("FST m32fp"),
    FST64("FST m64fp"),
    FSTP32("FSTP m32fp"),
    FSTP64("FSTP m64fp"),
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
