package dev.panavisor.vmm.vcpu.fallback;

/** Segment registers in their x86 encoding order (the sreg field of MOV Sreg). */
public enum Segment {
    ES, CS, SS, DS, FS, GS;

    private static final Segment[] BY_ENCODING = values();

    public static Segment ofEncoding(int sreg) { return BY_ENCODING[sreg]; }
}
