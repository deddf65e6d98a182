package dev.panavisor.launcher;

import dev.panavisor.devices.console.StreamConsoleSink;
import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.boot.BootLayout;
import dev.panavisor.vmm.boot.E820Type;
import dev.panavisor.vmm.boot.PcMemoryMap;
import dev.panavisor.vmm.cpu.CpuTemplates;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The microvm machine with {@link HardwareReducedAcpi}, built on real KVM but not run: where the
 * tables land, how the kernel is told (boot protocol and PVH), and what the FADT's registers do.
 */
@RequiresKvm
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MicroVmAcpiTest {
    /** boot.rst, zero page: acpi_rsdp_addr at 0x070. */
    private static final int ZERO_PAGE_ACPI_RSDP = 0x070;
    /** hvm_start_info (Xen arch-x86/hvm/start_info.h): rsdp_paddr at 32. */
    private static final int PVH_RSDP = 32;

    private static void withMachine(byte[] kernel, int vcpus, Consumer<MicroVm> check) {
        var config = new MicroVmMachine.Config(KernelImage.parse(kernel), null, "console=ttyS0", 256L << 20, vcpus, CpuTemplates.HOST_SAFE);
        StreamConsoleSink console = new StreamConsoleSink(new ByteArrayOutputStream());
        try (Kvm kvm = Kvm.open(); MicroVm micro = MicroVmMachine.build(kvm, config, console, HardwareReducedAcpi.INSTANCE, new Timeline())) {
            check.accept(micro);
        }
    }

    private static String ascii(GuestMemory m, long gpa, int n) {
        return new String(m.readBytes(gpa, n), StandardCharsets.US_ASCII);
    }

    @Test
    void tablesSitInTheReservedBiosAreaAndTheZeroPageNamesTheRsdp() {
        withMachine(TinyKernels.bzImage(), 1, micro -> {
            GuestMemory m = micro.vm().memory();
            assertEquals("RSD PTR ", ascii(m, BootLayout.ACPI_TABLES, 8));
            assertEquals(BootLayout.ACPI_TABLES, m.readU64(BootLayout.ZERO_PAGE + ZERO_PAGE_ACPI_RSDP));
            // ACPI 6.5 §15: the tables must lie in memory the OS does not allocate.
            boolean reserved = new PcMemoryMap(256L << 20).e820().stream().anyMatch(e -> e.type() == E820Type.RESERVED
                    && e.address() <= BootLayout.ACPI_TABLES && BootLayout.ACPI_TABLES + BootLayout.ACPI_TABLES_MAX <= e.address() + e.size());
            assertTrue(reserved, "ACPI tables not inside a reserved e820 entry");
        });
    }

    @Test
    void pvhStartInfoNamesTheRsdpAndTheMadtListsEveryVcpu() {
        withMachine(TinyKernels.pvhElf(), 3, micro -> {
            GuestMemory m = micro.vm().memory();
            assertEquals(BootLayout.ACPI_TABLES, m.readU64(BootLayout.PVH_START_INFO + PVH_RSDP));
            long xsdt = m.readU64(BootLayout.ACPI_TABLES + 24);
            int localApics = 0;
            for (long entry = xsdt + 36; entry < xsdt + m.readU32(xsdt + 4); entry += 8) {
                long table = m.readU64(entry);
                if (!ascii(m, table, 4).equals("APIC")) continue;
                long end = table + m.readU32(table + 4);
                for (long e = table + 44; e < end; e += m.readU8(e + 1) & 0xFF) {
                    if (m.readU8(e) == 0) localApics++;
                }
            }
            assertEquals(3, localApics);
        });
    }

    @Test
    void sleepTypeS5OnTheSleepControlPortEndsTheRunAsPowerOff() {
        withMachine(TinyKernels.bzImage(), 1, micro -> {
            // ACPI 6.5 §4.8.3.7: SLP_TYPx in bits 4-2, SLP_EN bit 5.
            micro.vm().pio().write(HardwareReducedAcpi.PM_PORT, 1, (5 << 2) | (1 << 5));
            VmExit exit = micro.vm().runUntilExit();
            assertEquals(VmExit.Reason.POWER_OFF, exit.reason());
            assertEquals(ExitCodes.POWER_OFF, ExitCodes.of(exit));
        });
    }

    @Test
    void resetRegisterEndsTheRunAsGuestReset() {
        withMachine(TinyKernels.bzImage(), 1, micro -> {
            micro.vm().pio().write(HardwareReducedAcpi.PM_PORT + 2, 1, HardwareReducedAcpi.RESET_VALUE);
            assertEquals(ExitCodes.GUEST_RESET, ExitCodes.of(micro.vm().runUntilExit()));
        });
    }
}
