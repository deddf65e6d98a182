package dev.panavisor.firmware.igvm;

import java.util.List;

/**
 * A VBS VP context: a register count followed by that many registers, all for one VTL. The same
 * shape is used on x64 and AArch64; register names are Hyper-V's.
 */
public record VbsVpContext(int vtl, List<VbsRegister> registers) implements VpContextData {
    static final int COUNT_SIZE = 4;

    public VbsVpContext {
        FieldRanges.vtl("vtl", vtl);
        registers = List.copyOf(registers);
        if (registers.isEmpty()) {
            throw new IllegalArgumentException("a VBS VP context needs at least one register");
        }
    }

    public long encodedSize() {
        return COUNT_SIZE + (long) registers.size() * VbsRegister.SIZE;
    }
}
