package dev.panavisor.vmm.vcpu.fallback;

/** Runs one instruction on a FakeCpu through the real emulator. */
final class ExecutorTestSupport {
    private ExecutorTestSupport() {}

    static DecodedInstruction run(InstructionEmulator emulator, FakeCpu cpu, int... bytes) throws EmulationRefused {
        byte[] b = InstructionDecoderTest.b(bytes);
        return emulator.emulate(b, b.length, cpu, cpu.linearMemory());
    }

    static DecodedInstruction run(FakeCpu cpu, int... bytes) throws EmulationRefused {
        return run(new InstructionEmulator(), cpu, bytes);
    }
}
