package dev.panavisor.vmm.cpu;

/** A model-specific register and the value a vCPU starts with. */
public record MsrValue(int index, long value) {
    @Override
    public String toString() {
        return String.format("MSR 0x%x = 0x%x", index, value);
    }
}
