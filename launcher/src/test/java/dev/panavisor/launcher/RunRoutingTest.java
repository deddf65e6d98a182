package dev.panavisor.launcher;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RunRoutingTest {
    @Test
    void runWithFirmwareOrIgvmGoesToThePcMachine() {
        assertArrayEquals(new String[] {"run-firmware", "--firmware", "bios.bin"}, RunRouting.route("run", "--firmware", "bios.bin"));
        assertArrayEquals(new String[] {"run-firmware", "--cpus", "2", "--igvm=f.igvm"}, RunRouting.route("run", "--cpus", "2", "--igvm=f.igvm"));
    }

    @Test
    void runWithoutFirmwareStaysADirectKernelBoot() {
        String[] args = {"run", "--kernel", "vmlinux", "--firmware-writable"};
        assertArrayEquals(args, RunRouting.route(args));
        assertArrayEquals(new String[] {"measure", "--firmware", "OVMF.fd"}, RunRouting.route("measure", "--firmware", "OVMF.fd"));
        assertArrayEquals(new String[0], RunRouting.route());
    }
}
