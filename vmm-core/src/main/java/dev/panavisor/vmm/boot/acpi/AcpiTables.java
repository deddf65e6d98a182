package dev.panavisor.vmm.boot.acpi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ACPI tables of a hardware-reduced microVM, laid out contiguously for one guest-physical
 * base: RSDP first (so the legacy scan finds it when the base is in 0xE0000-0xFFFFF), then XSDT,
 * FADT, DSDT and MADT, each on a 16-byte boundary.
 *
 * <p>Placement, for the machine that uses this: write {@link Layout#bytes()} at
 * {@link Layout#baseAddress()} through {@code GuestMemory}; report
 * {@code [baseAddress, baseAddress + bytes.length)} in the e820 map as reserved (type 2) or ACPI
 * data (type 3) so the guest never allocates it; and hand {@link Layout#rsdpAddress()} to the
 * kernel: {@code boot_params.acpi_rsdp_addr} (offset 0x070, boot protocol 2.14+) for a bzImage,
 * {@code hvm_start_info.rsdp_paddr} for PVH. With base 0xE0000 a kernel that is given neither
 * still finds the RSDP by its scan of 0xE0000-0xFFFFF (ACPI §5.2.5.1).
 *
 * <p>The MADT lists one enabled local APIC per vCPU (APIC ID = vCPU index = processor UID), the
 * I/O APIC, the ISA override IRQ 0 &rarr; GSI 2 that the 8254 timer needs on an I/O APIC, and
 * LINT1 as NMI on every processor. The DSDT declares the {@link IsaDevice}s and {@code \_S5} with SLP_TYP
 * {@link #S5_SLEEP_TYPE}, so a guest powers off by writing
 * {@code (S5_SLEEP_TYPE << 2) | SLP_EN} to the sleep control register.
 *
 * @param vcpus             number of vCPUs, 1 to 254 (xAPIC ID 255 is the broadcast address)
 * @param ioApicId          I/O APIC ID (must differ from every vCPU's APIC ID)
 * @param ioApicAddress     I/O APIC MMIO base
 * @param sleepControlPort  I/O port of SLEEP_CONTROL_REG
 * @param sleepStatusPort   I/O port of SLEEP_STATUS_REG
 * @param resetPort         I/O port of RESET_REG, or -1 for none
 * @param resetValue        value written to reset
 * @param i8042Present      whether the FADT announces an 8042
 * @param cmosRtcPresent    whether the FADT announces a CMOS RTC
 * @param isaDevices        legacy devices the DSDT declares under {@code \_SB} (a hardware-reduced
 *                          guest routes an ISA IRQ only for a device declared here)
 */
public record AcpiTables(int vcpus, int ioApicId, long ioApicAddress, int sleepControlPort, int sleepStatusPort,
                         int resetPort, int resetValue, boolean i8042Present, boolean cmosRtcPresent,
                         List<IsaDevice> isaDevices) {
    /** The SLP_TYP the DSDT's \_S5 carries (any 3-bit value works; 5 mirrors the state's number). */
    public static final int S5_SLEEP_TYPE = 5;
    public static final long DEFAULT_IO_APIC_ADDRESS = 0xFEC0_0000L;
    /** The base the legacy RSDP scan covers (ACPI §5.2.5.1: 0xE0000-0xFFFFF). */
    public static final long LEGACY_BIOS_AREA = 0xE0000L;
    static final int TABLE_ALIGNMENT = 16;

    public AcpiTables {
        if (vcpus < 1 || vcpus > 254) {
            throw new IllegalArgumentException("vCPUs must be 1 to 254 for an xAPIC MADT (APIC ID 255 is broadcast): " + vcpus);
        }
        if (ioApicId < 0 || ioApicId > 0xFF) throw new IllegalArgumentException("I/O APIC ID is one byte: " + ioApicId);
        if (ioApicId < vcpus) throw new IllegalArgumentException("I/O APIC ID " + ioApicId + " collides with a vCPU's APIC ID (0-" + (vcpus - 1) + ")");
        if (resetPort < -1 || resetPort > 0xFFFF) throw new IllegalArgumentException("reset port out of range: " + resetPort);
        isaDevices = List.copyOf(isaDevices);
        if (isaDevices.stream().map(IsaDevice::name).distinct().count() != isaDevices.size()) {
            throw new IllegalArgumentException("two ISA devices with the same ACPI name: " + isaDevices);
        }
    }

    public AcpiTables(int vcpus, int ioApicId, long ioApicAddress, int sleepControlPort, int sleepStatusPort,
                      int resetPort, int resetValue, boolean i8042Present, boolean cmosRtcPresent) {
        this(vcpus, ioApicId, ioApicAddress, sleepControlPort, sleepStatusPort, resetPort, resetValue, i8042Present,
                cmosRtcPresent, List.of());
    }

    /** The tables with the usual PC choices: I/O APIC at 0xFEC00000 with the first ID after the vCPUs, no reset register. */
    public static AcpiTables forVcpus(int vcpus, int sleepControlPort, int sleepStatusPort) {
        return new AcpiTables(vcpus, vcpus, DEFAULT_IO_APIC_ADDRESS, sleepControlPort, sleepStatusPort, -1, 0, true, false);
    }

    public AcpiTables withResetRegister(int port, int value) {
        return new AcpiTables(vcpus, ioApicId, ioApicAddress, sleepControlPort, sleepStatusPort, port, value, i8042Present,
                cmosRtcPresent, isaDevices);
    }

    public AcpiTables withIsaDevice(IsaDevice device) {
        List<IsaDevice> all = new ArrayList<>(isaDevices);
        all.add(device);
        return new AcpiTables(vcpus, ioApicId, ioApicAddress, sleepControlPort, sleepStatusPort, resetPort, resetValue,
                i8042Present, cmosRtcPresent, all);
    }

    /** The DSDT's definition block: {@code \_S5}, then {@code Scope (\_SB) { devices }} when there are any. */
    byte[] dsdtAml() {
        byte[] s5 = Dsdt.s5(S5_SLEEP_TYPE);
        if (isaDevices.isEmpty()) return s5;
        byte[][] devices = isaDevices.stream().map(IsaDevice::aml).toArray(byte[][]::new);
        byte[] sb = Aml.rootScope("_SB_", devices);
        byte[] all = new byte[s5.length + sb.length];
        System.arraycopy(s5, 0, all, 0, s5.length);
        System.arraycopy(sb, 0, all, s5.length, sb.length);
        return all;
    }

    /**
     * The tables laid out at {@code baseAddress}, which must be 16-byte aligned.
     *
     * @param rsdpAddress where the RSDP is (= base)
     * @param bytes       everything to write at the base
     */
    public record Layout(long baseAddress, long rsdpAddress, long xsdtAddress, long fadtAddress, long dsdtAddress,
                         long madtAddress, byte[] bytes) {
        public Layout {
            bytes = bytes.clone();
        }
        @Override public byte[] bytes() { return bytes.clone(); }
        public int size() { return bytes.length; }
    }

    public Layout layout(long baseAddress) {
        if (baseAddress <= 0 || (baseAddress & (Rsdp.ALIGNMENT - 1)) != 0) {
            throw new IllegalArgumentException("ACPI base must be a non-zero multiple of 16: 0x" + Long.toHexString(baseAddress));
        }
        OemIdentity oem = OemIdentity.PANAVISOR;
        byte[] dsdt = Dsdt.encode(oem, dsdtAml());
        byte[] madt = Madt.encode(oem, Madt.DEFAULT_LOCAL_APIC_ADDRESS, true, madtEntries());

        long rsdpAt = baseAddress;
        long xsdtAt = align(rsdpAt + Rsdp.SIZE);
        long fadtAt = align(xsdtAt + Xsdt.size(2));
        long dsdtAt = align(fadtAt + Fadt.SIZE);
        long madtAt = align(dsdtAt + dsdt.length);
        long end = madtAt + madt.length;

        GenericAddress reset = resetPort < 0 ? GenericAddress.NONE : GenericAddress.ioPort8(resetPort);
        byte[] fadt = new Fadt(dsdtAt, GenericAddress.ioPort8(sleepControlPort), GenericAddress.ioPort8(sleepStatusPort),
                reset, resetValue, i8042Present, cmosRtcPresent).encode(oem);
        byte[] xsdt = Xsdt.encode(oem, List.of(fadtAt, madtAt));
        byte[] rsdp = Rsdp.encode(oem, xsdtAt);

        byte[] all = new byte[Math.toIntExact(end - baseAddress)];
        put(all, rsdp, rsdpAt - baseAddress);
        put(all, xsdt, xsdtAt - baseAddress);
        put(all, fadt, fadtAt - baseAddress);
        put(all, dsdt, dsdtAt - baseAddress);
        put(all, madt, madtAt - baseAddress);
        return new Layout(baseAddress, rsdpAt, xsdtAt, fadtAt, dsdtAt, madtAt, all);
    }

    List<Madt.Entry> madtEntries() {
        List<Madt.Entry> entries = new ArrayList<>();
        for (int cpu = 0; cpu < vcpus; cpu++) entries.add(new Madt.LocalApic(cpu, cpu, true));
        entries.add(new Madt.IoApic(ioApicId, ioApicAddress, 0));
        // The 8254 PIT drives ISA IRQ 0, which an I/O APIC receives on pin 2 (pin 0 is the 8259's INTR).
        entries.add(new Madt.InterruptSourceOverride(0, 2, 0));
        entries.add(new Madt.LocalApicNmi(Madt.LocalApicNmi.ALL_PROCESSORS, 0, 1));
        return entries;
    }

    private static long align(long address) {
        return (address + TABLE_ALIGNMENT - 1) & -TABLE_ALIGNMENT;
    }

    private static void put(byte[] dst, byte[] src, long offset) {
        System.arraycopy(Objects.requireNonNull(src), 0, dst, Math.toIntExact(offset), src.length);
    }
}
