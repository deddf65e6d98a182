package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.devices.input.I8042Controller;
import dev.panavisor.devices.serial.Uart16550;
import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.kvm.Irqfd;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.vmm.boot.BootLayout;
import dev.panavisor.vmm.boot.MpTable;
import dev.panavisor.vmm.boot.PcMemoryMap;
import dev.panavisor.vmm.cpu.Cpuid;
import dev.panavisor.vmm.cpu.CpuTemplate;
import dev.panavisor.vmm.cpu.CpuidEntry;
import dev.panavisor.vmm.cpu.VcpuSetup;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vm.GuestRam;
import dev.panavisor.vmm.vm.IrqfdLine;
import dev.panavisor.vmm.vm.Vm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code microvm} machine: a direct-boot PC without firmware or PCI. RAM per
 * {@link PcMemoryMap}; in-kernel PIC, I/O APIC, LAPICs and PIT; COM1 on IRQ 4 through an
 * irqfd; an i8042 for Linux's probe and its reset line; an MP table for SMP, and with
 * {@link HardwareReducedAcpi} ACPI tables (MADT, {@code \_S5}) for kernels that use ACPI. A guest
 * reset (i8042 pulse, ACPI reset register, triple fault) ends the run: there is no firmware to
 * reboot into.
 */
final class MicroVmMachine {
    private static final Logger LOG = LoggerFactory.getLogger(MicroVmMachine.class);

    /** KVM needs three pages for the Intel real-mode TSS somewhere no RAM or device is; this is where QEMU and Firecracker put it. */
    static final long KVM_TSS_ADDRESS = 0xFFFBD000L;

    /** {@code kernel} was parsed from {@code kernelFile}; the loader copies from the files, not from the heap. */
    record Config(KernelImage kernel, BootFile kernelFile, BootFile initrd, String cmdline, long memoryBytes, int vcpus, CpuTemplate template) {
        /** A kernel and initrd already in memory (tests, images extracted on the fly). */
        Config(KernelImage kernel, byte[] initrd, String cmdline, long memoryBytes, int vcpus, CpuTemplate template) {
            this(kernel, BootFile.of("kernel", kernel.file()), initrd == null ? null : BootFile.of("initrd", initrd),
                    cmdline, memoryBytes, vcpus, template);
        }
    }

    private MicroVmMachine() {}

    /**
     * Guest RAM mapped and the kernel and initrd copied into it, before any KVM VM exists. The
     * launcher does this first: the copy (tens of MB for a distribution kernel) then overlaps the
     * one-time linking of the KVM downcalls that {@link KvmPrelink} runs on the other core, instead
     * of waiting behind it. Closing it unmaps the RAM unless a {@link MicroVm} has taken it over.
     */
    record Prepared(PcMemoryMap map, GuestRam ram, LinuxLoader.Placed placed) implements AutoCloseable {
        @Override
        public void close() { ram.close(); }
    }

    static Prepared prepare(Config config, Timeline timeline) {
        PcMemoryMap map = new PcMemoryMap(config.memoryBytes());
        List<GuestRam.Layout> layout = new ArrayList<>();
        for (PcMemoryMap.RamRegion r : map.ramRegions()) layout.add(new GuestRam.Layout(r.name(), r.gpa(), r.size(), false));
        GuestRam ram = GuestRam.unregistered(layout);
        try {
            LinuxLoader.Placed placed = LinuxLoader.place(ram, map, config.kernel(), config.kernelFile(), config.initrd());
            timeline.mark("memory mapped, kernel" + (config.initrd() != null ? " and initrd" : "") + " copied in");
            return new Prepared(map, ram, placed);
        } catch (RuntimeException e) {
            ram.close();
            throw e;
        }
    }

    static MicroVm build(Kvm kvm, Config config, ConsoleSink console, AcpiTableHook acpi, Timeline timeline) {
        return build(kvm, config, prepare(config, timeline), console, acpi, timeline);
    }

    /** Makes the VM around {@code prepared}'s memory, which the VM owns from here on, also when this fails. */
    static MicroVm build(Kvm kvm, Config config, Prepared prepared, ConsoleSink console, AcpiTableHook acpi, Timeline timeline) {
        PcMemoryMap map = prepared.map();
        Vm vm = Vm.builder(kvm).vcpus(config.vcpus()).memory(prepared.ram())
                .beforeVcpus(fd -> {
                    createPlatformChips(fd);
                    timeline.mark("VM created (irqchip, PIT)");
                })
                .build();
        List<Irqfd> irqfds = new ArrayList<>();
        try {
            timeline.mark(config.vcpus() + " vCPU(s) created");
            Irqfd com1Irq = vm.fd().createIrqfd(Uart16550.COM1_IRQ);
            irqfds.add(com1Irq);
            Uart16550 uart = new Uart16550(console, new IrqfdLine(com1Irq));
            vm.pio().register(Uart16550.COM1_PORT, Uart16550.PORT_COUNT, uart, "com1");

            Irqfd kbdIrq = vm.fd().createIrqfd(I8042Controller.KEYBOARD_IRQ);
            irqfds.add(kbdIrq);
            I8042Controller i8042 = new I8042Controller(() -> vm.requestReset("i8042 reset line pulsed"), new IrqfdLine(kbdIrq));
            vm.pio().register(I8042Controller.DATA_PORT, 1, i8042.dataPort(), "i8042-data");
            vm.pio().register(I8042Controller.COMMAND_PORT, 1, i8042.commandPort(), "i8042-command");

            VcpuSetup cpus = new VcpuSetup(kvm, config.template(), config.vcpus());
            for (Vcpu v : vm.vcpus()) cpus.apply(v.fd());

            Cpuid bsp = cpus.cpuidFor(0);
            int signature = bsp.find(0x1).map(CpuidEntry::eax).orElse(0);
            int features = bsp.find(0x1).map(CpuidEntry::edx).orElse(0);
            vm.memory().write(BootLayout.MP_TABLE, MpTable.build(BootLayout.MP_TABLE, config.vcpus(), signature, features));

            long rsdp = acpi.install(vm, BootLayout.ACPI_TABLES, BootLayout.ACPI_TABLES_MAX, config.vcpus());

            LinuxLoader.Loaded loaded = LinuxLoader.boot(vm.memory(), map, prepared.placed(), config.cmdline(), rsdp, vm.vcpus().getFirst().fd());
            timeline.mark("devices, vCPUs and boot parameters set up (" + loaded.protocol() + ")");
            LOG.debug("loaded {}", loaded);
            return new MicroVm(vm, uart, irqfds, loaded);
        } catch (RuntimeException e) {
            vm.close();
            for (Irqfd f : irqfds) f.close();
            throw e;
        }
    }

    /** KVM requires the irqchip and PIT to exist before the first vCPU. */
    private static void createPlatformChips(VmFd fd) {
        try {
            fd.setTssAddr(KVM_TSS_ADDRESS);
        } catch (RuntimeException e) {
            LOG.debug("KVM_SET_TSS_ADDR: {}", e.getMessage()); // only Intel VMX needs it
        }
        fd.createIrqchip();
        fd.createPit2(KvmUapi.KVM_PIT_SPEAKER_DUMMY());
    }
}
