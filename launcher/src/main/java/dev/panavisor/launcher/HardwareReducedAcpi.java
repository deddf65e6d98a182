package dev.panavisor.launcher;

import dev.panavisor.devices.acpi.AcpiSleepRegisters;
import dev.panavisor.devices.acpi.PowerRequestHandler;
import dev.panavisor.vmm.boot.PcMemoryMap;
import dev.panavisor.devices.serial.Uart16550;
import dev.panavisor.vmm.boot.acpi.AcpiTables;
import dev.panavisor.vmm.boot.acpi.IsaDevice;
import dev.panavisor.vmm.vm.Vm;
import dev.panavisor.vmm.vm.VmExit;

/**
 * The microvm machine's ACPI: hardware-reduced tables (RSDP, XSDT, FADT, DSDT with {@code \_S5} and
 * COM1, MADT with every vCPU) in the reserved BIOS area, and the sleep/reset register block the FADT
 * points at. {@code \_S5} ends the run as a power-off (exit status 0), the reset register as a
 * guest reset.
 */
final class HardwareReducedAcpi implements AcpiTableHook {
    /** Sleep control, sleep status, reset: free ports on this machine (QEMU's ICH9 puts its PM block here too). */
    static final int PM_PORT = 0x600;
    /** What the guest writes to RESET_REG to reset. */
    static final int RESET_VALUE = 1;

    /**
     * The console UART. Hardware-reduced ACPI means no legacy PIC to Linux, which then maps an
     * ISA IRQ to an I/O APIC pin only for a device the DSDT declares: without this, ttyS0 gets
     * no interrupt, the kernel's own messages still appear (polled) but user space's never do.
     */
    static final IsaDevice COM1 = new IsaDevice("COM1", IsaDevice.UART_16550, 0, Uart16550.COM1_PORT, Uart16550.PORT_COUNT,
            Uart16550.COM1_IRQ);

    static final HardwareReducedAcpi INSTANCE = new HardwareReducedAcpi();

    private HardwareReducedAcpi() {}

    @Override
    public long install(Vm vm, long base, long limit, int vcpus) {
        AcpiTables.Layout tables = AcpiTables.forVcpus(vcpus, PM_PORT + AcpiSleepRegisters.SLEEP_CONTROL,
                        PM_PORT + AcpiSleepRegisters.SLEEP_STATUS)
                .withResetRegister(PM_PORT + AcpiSleepRegisters.RESET, RESET_VALUE)
                .withIsaDevice(COM1)
                .layout(base);
        if (tables.size() > limit) {
            throw new IllegalArgumentException("ACPI tables for " + vcpus + " vCPUs take " + tables.size()
                    + " bytes, more than the " + limit + " reserved for them");
        }
        // The e820 map must keep the guest's allocator away from the tables.
        if (base < PcMemoryMap.BASE_MEMORY_END || base + tables.size() > PcMemoryMap.ONE_MIB) {
            throw new IllegalArgumentException(String.format("ACPI tables at 0x%x-0x%x are outside the reserved BIOS area",
                    base, base + tables.size()));
        }
        vm.memory().write(tables.baseAddress(), tables.bytes());
        vm.pio().register(PM_PORT, AcpiSleepRegisters.PORT_COUNT,
                new AcpiSleepRegisters(AcpiTables.S5_SLEEP_TYPE, RESET_VALUE, new PowerRequestHandler() {
                    @Override public void requestPowerOff() { vm.requestExit(VmExit.of(VmExit.Reason.POWER_OFF)); }
                    @Override public void requestReset() { vm.requestReset("ACPI reset register written"); }
                }), "acpi-sleep");
        return tables.rsdpAddress();
    }
}
