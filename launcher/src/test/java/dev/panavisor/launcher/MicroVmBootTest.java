package dev.panavisor.launcher;

import dev.panavisor.devices.console.StreamConsoleSink;
import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.cpu.CpuTemplates;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both direct-boot entry paths on real KVM with hand-made kernels: each checks what its
 * protocol promised (RSI -> boot_params with our e820 map; EBX -> hvm_start_info), prints a
 * letter on COM1 and pulses the i8042 reset, which ends a microvm run with exit status 3.
 */
@RequiresKvm
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MicroVmBootTest {
    private static String boot(byte[] kernel, int vcpus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamConsoleSink console = new StreamConsoleSink(out);
        var config = new MicroVmMachine.Config(KernelImage.parse(kernel), null, "console=ttyS0", 512L << 20, vcpus, CpuTemplates.HOST_SAFE);
        try (Kvm kvm = Kvm.open(); MicroVm micro = MicroVmMachine.build(kvm, config, console, AcpiTableHook.NONE, new Timeline())) {
            micro.vm().start();
            VmExit exit = micro.vm().runUntilExit();
            console.flush();
            assertEquals(VmExit.Reason.RESET, exit.reason(), exit.detail());
            assertEquals(ExitCodes.GUEST_RESET, ExitCodes.of(exit));
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void bzImageEntersItsSixtyFourBitEntryWithTheZeroPageInRsi() {
        assertEquals("L", boot(TinyKernels.bzImage(), 1));
    }

    @Test
    void pvhKernelEntersInProtectedModeWithStartInfoInEbx() {
        assertEquals("P", boot(TinyKernels.pvhElf(), 1));
    }

    @Test
    void secondVcpuWaitsForItsStartupIpiWhileTheBootCpuRuns() {
        // With the in-kernel LAPIC, vCPU 1 sits in wait-for-SIPI; only the BSP runs the kernel.
        assertEquals("P", boot(TinyKernels.pvhElf(), 2));
    }
}
