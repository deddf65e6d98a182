package dev.panavisor.firmware.wrap;

import dev.panavisor.firmware.igvm.NativeX64VpContext;

/**
 * The register state of an x86 processor after RESET (Intel SDM Vol. 3A §10.1.1, "Processor
 * State After Reset"), as an IGVM native context: real mode, CS selector 0xf000 with base
 * 0xffff0000 so that CS:IP 0xf000:0xfff0 fetches from 0xfffffff0, 64 KiB segment limits,
 * CR0 = 0x60000010 (CD, NW, ET), RFLAGS = 2, EDX = a family-6 signature (0x600, as KVM sets it).
 */
public final class X86ResetState {
    public static final long RESET_RIP = 0xfff0;
    public static final long RESET_CS_BASE = 0xffff_0000L;
    public static final int RESET_CS_SELECTOR = 0xf000;
    /** Present, code, readable, accessed. */
    static final int CODE_ATTRIBUTES = 0x9b;
    /** Present, data, writable, accessed. */
    static final int DATA_ATTRIBUTES = 0x93;
    static final long CR0 = 0x6000_0010L;
    static final long RDX = 0x600;

    private X86ResetState() {}

    public static NativeX64VpContext context() {
        return NativeX64VpContext.builder()
                .rip(RESET_RIP)
                .rflags(0x2)
                .gpr(2, RDX)
                .code(RESET_CS_SELECTOR, CODE_ATTRIBUTES, RESET_CS_BASE, 0xffff)
                .data(0, DATA_ATTRIBUTES, 0, 0xffff)
                .idtr(0, 0xffff)
                .gdtr(0, 0xffff)
                .cr0(CR0)
                .build();
    }
}
