package dev.panavisor.launcher;

import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.devices.debug.DebugExitPort;
import dev.panavisor.devices.fwcfg.FwCfgFileOption;
import dev.panavisor.devices.vmfwupdate.FirmwareUpdateEngine;
import dev.panavisor.devices.vmfwupdate.ImageFormat;
import dev.panavisor.devices.vmfwupdate.ResetPlan;
import dev.panavisor.devices.vmfwupdate.VmFwUpdateFiles;
import dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import dev.panavisor.devices.acpi.AcpiPmRegisters;
import dev.panavisor.devices.acpi.AcpiPmTimer;
import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.devices.debug.DebugConsolePort;
import dev.panavisor.devices.fwcfg.E820Table;
import dev.panavisor.devices.fwcfg.FwCfgDevice;
import dev.panavisor.devices.pci.I440fxHostBridge;
import dev.panavisor.devices.pci.PciConfigMechanism1;
import dev.panavisor.devices.pci.Piix3IsaBridge;
import dev.panavisor.devices.pci.Piix4PowerManagement;
import dev.panavisor.devices.input.I8042Controller;
import dev.panavisor.devices.platform.PostCodePort;
import dev.panavisor.devices.platform.ResetControlRegister;
import dev.panavisor.devices.platform.SystemControlPortA;
import dev.panavisor.devices.rtc.CmosRtc;
import dev.panavisor.devices.serial.Uart16550;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_lapic_state;
import dev.panavisor.kvm.sys.kvm_mp_state;
import dev.panavisor.vmm.boot.CpuidTable;
import dev.panavisor.vmm.boot.PowerOnState;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vm.GuestRam;
import dev.panavisor.vmm.vm.InKernelChipsPowerOnState;
import dev.panavisor.vmm.vm.Vm;
import dev.panavisor.vmm.vm.VmExit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The {@code pc} machine firmware boots on: QEMU's i440FX + PIIX layout (chosen over Q35
 * because both SeaBIOS and OVMF support it with fewer devices; see docs/platform.md).
 *
 * <p>RAM from 0 (split at 3 GiB above 3.5 GiB), CFI flash units ending at 4 GiB, the top
 * 128 KiB of unit 0 copied to 0xE0000 at every reset, in-kernel PIC/IOAPIC/LAPIC and PIT,
 * COM1, the MC146818 RTC with the CMOS bytes firmware reads, PCI mechanism #1 with the
 * host bridge, ISA bridge and PM function, the ACPI PM block where firmware programs it,
 * reset through 0xCF9, 0x92 and 0x64, QEMU's debug console at 0x402 and fw-cfg.
 *
 * <p>A guest reset puts every device and vCPU back in its power-on state and runs the
 * firmware again; more than {@code maxResets} resets end the run, so a firmware stuck in a
 * reset loop cannot keep the launcher busy forever.
 */
public final class PcMachine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PcMachine.class);

    public static final int DEFAULT_MAX_RESETS = 16;
    /** A VM started from IGVM gets at least this much firmware region, so a larger image can replace its firmware. */
    public static final long MIN_IGVM_FIRMWARE_REGION = 4L << 20;
    /** KVM_CREATE_PIT2 flag: KVM also emulates port 0x61 (speaker gate), which SeaBIOS uses to calibrate its TSC. */
    private static final int PIT_SPEAKER_DUMMY = KvmUapi.KVM_PIT_SPEAKER_DUMMY();

    /** What to build. {@code vars} null: one unit (unified image), writable only with {@code firmwareWritable}. */
    /** {@code rebootTimeoutMillis}: how long SeaBIOS waits after a failed boot before it resets, -1 never. */
    public record Config(Path firmware, Path vars, boolean firmwareWritable, long ramBytes, int cpus,
                         ConsoleSink serial, ConsoleSink debugConsole, int maxResets, int rebootTimeoutMillis,
                         LaunchOptions launch) {
        public Config {
            Objects.requireNonNull(launch, "launch");
            if ((firmware == null) == (launch.igvm() == null)) throw new IllegalArgumentException("give exactly one of --firmware and --igvm");
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(debugConsole, "debugConsole");
            if (cpus < 1 || cpus > 255) throw new IllegalArgumentException("--cpus must be 1..255, not " + cpus);
            if (maxResets < 0) throw new IllegalArgumentException("max resets must not be negative");
            if (rebootTimeoutMillis < -1 || rebootTimeoutMillis > 0xFFFF) throw new IllegalArgumentException("reboot timeout is -1 or 0..65535 ms");
        }

        public Config(Path firmware, Path vars, boolean firmwareWritable, long ramBytes, int cpus,
                      ConsoleSink serial, ConsoleSink debugConsole) {
            this(firmware, vars, firmwareWritable, ramBytes, cpus, serial, debugConsole, DEFAULT_MAX_RESETS, -1, LaunchOptions.NONE);
        }

        public Config(Path firmware, Path vars, boolean firmwareWritable, long ramBytes, int cpus,
                      ConsoleSink serial, ConsoleSink debugConsole, int maxResets, int rebootTimeoutMillis) {
            this(firmware, vars, firmwareWritable, ramBytes, cpus, serial, debugConsole, maxResets, rebootTimeoutMillis, LaunchOptions.NONE);
        }
    }

    /**
     * How the firmware is launched and updated: from an IGVM file instead of {@code firmware}, on
     * which platform (snp/sev-es/sev/tdx are measured native: a simulated measurement), with the
     * vmfwupdate device, extra fw-cfg files, and a measurement log.
     */
    public record LaunchOptions(Path igvm, LaunchPlatform platform, boolean vmfwupdate, List<FwCfgFileOption> fwCfgFiles,
                                Path measurementLog, FirmwareLinuxBoot linux) {
        public static final LaunchOptions NONE = new LaunchOptions(null, LaunchPlatform.NATIVE, false, List.of(), null);

        /** Without a kernel for the firmware to load. */
        public LaunchOptions(Path igvm, LaunchPlatform platform, boolean vmfwupdate, List<FwCfgFileOption> fwCfgFiles,
                             Path measurementLog) {
            this(igvm, platform, vmfwupdate, fwCfgFiles, measurementLog, null);
        }

        public LaunchOptions {
            Objects.requireNonNull(platform, "platform");
            fwCfgFiles = List.copyOf(fwCfgFiles);
        }
    }

    static final int CMOS_RTC_IRQ = 8;

    private final Config config;
    private final PcMemoryMap map;
    private final List<FlashUnit> flash;
    private final Vm vm;
    /** IRQ 8 through the Vm, never a kept VmFd (see i8042). */
    private final CmosRtc rtc = new CmosRtc(java.time.InstantSource.system(), level -> vm().irqLine(CMOS_RTC_IRQ, level));
    private final PciConfigMechanism1 pci = new PciConfigMechanism1();
    private final SystemControlPortA port92;
    private final ResetControlRegister resetControl;
    private final PostCodePort postCodes = new PostCodePort();
    /** Through the Vm, never a kept VmFd: a rebuilt launch context replaces the KVM VM under the devices. */
    private final I8042Controller i8042 = new I8042Controller(() -> vm().requestReset("i8042 reset line pulsed"),
            level -> vm().irqLine(I8042Controller.KEYBOARD_IRQ, level));
    private final AcpiPmRegisters pm;
    private final FwCfgDevice fwCfg;
    private final MemorySegment[] initialLapics;
    private final InKernelChipsPowerOnState chipsPowerOn;
    private final Arena arena = Arena.ofShared();
    private final FirmwareProgress progress = new FirmwareProgress();
    private final boolean uefi;
    private final CpuidTable cpuid;
    private final FirmwareInstaller installer;
    private final FirmwareUpdateEngine updates;
    private final MeasurementLog measurementLog;
    private final PreparedFirmware hostFirmware;
    private PreparedFirmware currentFirmware;
    /** The latest image the engine captured at staging, being prepared on {@link #stagingPreparer}. */
    private PreparedFirmware stagedPreparation;
    /** One worker, so a guest staging over and over keeps at most one preparation running and one queued. */
    private final ThreadPoolExecutor stagingPreparer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            r -> Thread.ofPlatform().daemon().name("staged-firmware-prepare").unstarted(r));
    private List<VpEntryPoint> entries;
    private FirmwareInstaller.Launched lastLaunch;
    private int pmBase = -1;
    private long guestResets;

    private PcMachine(Kvm kvm, Config c, List<FlashUnit> flash, PreparedFirmware host) {
        this.config = c;
        this.flash = flash;
        this.map = PcMemoryMap.of(c.ramBytes(), flash.stream().map(FlashUnit::size).toList());
        this.uefi = looksLikeUefi(flash.getFirst().contents());
        List<GuestRam.Layout> ram = new ArrayList<>();
        ram.add(new GuestRam.Layout("ram-low", 0, map.lowRamBytes(), false));
        if (map.highRamBytes() > 0) ram.add(new GuestRam.Layout("ram-high", PcMemoryMap.FOUR_GIB, map.highRamBytes(), false));
        this.vm = Vm.builder(kvm).vcpus(c.cpus()).memory(ram)
                .beforeVcpus(PcMachine::platformSetUp)
                // A measured launch is never reset in place: every reset makes a new KVM VM, so keep one ready.
                .spareKvmContext(c.launch().platform() != LaunchPlatform.NATIVE)
                .tripleFaultResets(true)
                .resetHandler(v -> reset())
                .build();
        try {
            for (int i = 0; i < flash.size(); i++) {
                flash.get(i).attach(vm, i == 0 ? "pflash0" : "pflash" + i, map.flashBases().get(i),
                        d -> progress.onFirstWrite(d, FirmwareMilestone.DXE));
            }
            port92 = new SystemControlPortA(vm::requestReset);
            resetControl = new ResetControlRegister(vm::requestReset);
            pm = new AcpiPmRegisters(new AcpiPmTimer(), () -> vm.requestExit(VmExit.of(VmExit.Reason.POWER_OFF)));
            LaunchOptions launch = c.launch();
            long regionBase = map.flashBases().getFirst();
            installer = new FirmwareInstaller(launch.platform(), c.cpus(), vm.memory(), flash.getFirst().contents(), regionBase);
            host.startPreparing(installer);
            measurementLog = launch.measurementLog() == null ? null : new MeasurementLog(launch.measurementLog());
            var fw = FwCfgDevice.builder()
                    .x86Platform(c.cpus(), c.cpus(), c.ramBytes(), e820())
                    .noGraphic(true)
                    .rebootTimeout(c.rebootTimeoutMillis());
            for (FwCfgFileOption f : launch.fwCfgFiles()) fw.userFile(f);
            if (launch.linux() != null) launch.linux().addTo(fw, map.lowRamBytes());
            if (launch.vmfwupdate()) {
                FirmwareUpdateEngine.CaptureListener captured = this::stagedImageCaptured;
                var engine = FirmwareUpdateEngine.builder(vm.memory())
                        .platformRom(flash.getFirst().size())
                        .igvm(new IgvmImageInspector(installer.platformType(), vm.memory(), regionBase, flash.getFirst().size()))
                        .hostFirmware(host.format() == ImageFormat.IGVM ? FirmwareUpdateEngine.HostFirmware.IGVM
                                : FirmwareUpdateEngine.HostFirmware.CLASSIC)
                        // Images the reset would have to copy, parse and hash anyway are copied when
                        // staged and prepared while the guest goes on to its reset.
                        .captureAtStaging(ImageFormat.IGVM, captured);
                if (installer.measured()) engine.captureAtStaging(ImageFormat.PLATFORM_ROM, captured);
                updates = engine.build();
                VmLaunchUpdateFile.addTo(fw, updates);
                VmFwUpdateFiles.addTo(fw, updates);
            } else {
                updates = null;
            }
            fwCfg = fw.build(vm.memory());
            wireDevices();
            writeCmos();
            initialLapics = new MemorySegment[c.cpus()];
            chipsPowerOn = InKernelChipsPowerOnState.capture(vm.fd(), true);
            cpuid = new CpuidTable(kvm, arena);
            for (Vcpu v : vm.vcpus()) {
                cpuid.applyTo(v.fd(), v.id());
                initialLapics[v.id()] = kvm_lapic_state.allocate(arena);
                v.fd().getLapic(initialLapics[v.id()]);
            }
            hostFirmware = host;
            currentFirmware = host;
            powerOnDevicesAndCpus();
            launchAndLog(host, MeasurementLog.Source.INITIAL);
        } catch (IOException e) {
            vm.close();
            arena.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            vm.close();
            arena.close();
            throw e;
        }
    }

    /** Loads the firmware images and builds the machine; the caller then {@code vm().start()}s it. */
    public static PcMachine build(Kvm kvm, Config c) throws IOException {
        List<FlashUnit> units = new ArrayList<>();
        try {
            PreparedFirmware host;
            if (c.launch().igvm() != null) {
                if (c.vars() != null || c.firmwareWritable()) throw new IllegalArgumentException("--igvm launches take no --vars or --firmware-writable");
                byte[] bytes = Files.readAllBytes(c.launch().igvm());
                host = PreparedFirmware.of(ImageFormat.IGVM, MemorySegment.ofArray(bytes), c.launch().igvm().toString());
                long region = FirmwareInstaller.regionSizeFor(FirmwareInstaller.parse(host.bytes()), MIN_IGVM_FIRMWARE_REGION);
                units.add(FlashUnit.blank(region));
            } else {
                if (c.launch().platform() != LaunchPlatform.NATIVE && c.vars() != null) {
                    throw new IllegalArgumentException("a measured platform launches firmware without --vars (every page is measured)");
                }
                if (c.launch().vmfwupdate() && (c.firmwareWritable() && c.vars() == null)) {
                    throw new IllegalArgumentException("--vmfwupdate replaces flash unit 0, so it cannot be --firmware-writable");
                }
                FlashUnit top = FlashUnit.load(c.firmware(), c.vars() == null && c.firmwareWritable());
                units.add(top);
                if (c.vars() != null) units.add(FlashUnit.load(c.vars(), true));
                byte[] copy = top.contents().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                host = PreparedFirmware.of(ImageFormat.PLATFORM_ROM, MemorySegment.ofArray(copy), c.firmware().toString());
            }
            return new PcMachine(kvm, c, units, host);
        } catch (IOException | RuntimeException e) {
            for (FlashUnit u : units) {
                try { u.close(); } catch (RuntimeException suppressed) { e.addSuppressed(suppressed); }
            }
            throw e;
        }
    }

    public Vm vm() { return vm; }
    public PcMemoryMap memoryMap() { return map; }
    /** Guest-initiated resets so far. */
    public synchronized long guestResets() { return guestResets; }
    public int lastPostCode() { return postCodes.lastCode(); }
    /** UEFI phases seen so far; meaningful only when {@link #isUefi()}. */
    public FirmwareProgress progress() { return progress; }
    /** Unit 0 starts with a PI firmware volume header ("_FVH" at offset 0x28), as OVMF images do. */
    public boolean isUefi() { return uefi; }

    private static boolean looksLikeUefi(MemorySegment image) {
        return image.byteSize() > 0x30 && image.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0x28) == 0x4856465F;
    }

    /**
     * After the run: if vCPU 0 stopped in protected mode inside firmware code below the reset
     * vector's page, SEC ran (OVMF's SEC is the only 32-bit code there before PEI takes over).
     * Call with the vCPUs stopped.
     */
    public void noteWhereTheFirmwareStopped() {
        try (Arena a = Arena.ofConfined()) {
            var fd = vm.vcpus().getFirst().fd();
            MemorySegment regs = dev.panavisor.kvm.sys.kvm_regs.allocate(a);
            MemorySegment sregs = dev.panavisor.kvm.sys.kvm_sregs.allocate(a);
            fd.getRegs(regs);
            fd.getSregs(sregs);
            long rip = dev.panavisor.kvm.sys.kvm_regs.rip(regs) + dev.panavisor.kvm.sys.kvm_segment.base(dev.panavisor.kvm.sys.kvm_sregs.cs(sregs));
            boolean protectedMode = (dev.panavisor.kvm.sys.kvm_sregs.cr0(sregs) & 1) != 0;
            long flashLow = map.flashBases().getFirst();
            if (protectedMode && rip >= flashLow && rip < PcMemoryMap.FOUR_GIB - 4096) progress.reach(FirmwareMilestone.SEC);
        } catch (RuntimeException e) {
            LOG.debug("could not read vCPU 0's final state", e);
        }
    }
    /** The firmware-update engine, or null without {@code --vmfwupdate}. */
    public FirmwareUpdateEngine updates() { return updates; }
    /** The measurement of the last launch (initial, update, restore or relaunch). */
    public synchronized FirmwareInstaller.Launched lastLaunch() { return lastLaunch; }

    private static void platformSetUp(VmFd fd) {
        // Intel's real-mode emulation needs these outside RAM and flash; AMD ignores them.
        fd.setIdentityMapAddr(PcMemoryMap.KVM_IDENTITY_MAP);
        fd.setTssAddr(PcMemoryMap.KVM_TSS);
        fd.createIrqchip();
        fd.createPit2(PIT_SPEAKER_DUMMY);
    }

    private E820Table e820() {
        E820Table t = new E820Table().ram(0, map.lowRamBytes());
        if (map.highRamBytes() > 0) t.ram(PcMemoryMap.FOUR_GIB, map.highRamBytes());
        return t;
    }

    private void wireDevices() {
        var pio = vm.pio();
        // Through the Vm, never a kept VmFd: a rebuilt launch context replaces the KVM VM under the devices.
        pio.register(Uart16550.COM1_PORT, Uart16550.PORT_COUNT,
                new Uart16550(progress.onFirstByte(config.serial(), FirmwareMilestone.BDS), level -> vm.irqLine(Uart16550.COM1_IRQ, level)), "com1");
        pio.register(CmosRtc.PORT_BASE, CmosRtc.PORT_COUNT, rtc, "rtc");
        pio.register(PciConfigMechanism1.ADDRESS_PORT, 1, pci.addressPort(), "pci-config-address");
        pio.register(ResetControlRegister.PORT, 1, resetControl, "reset-control");
        pio.register(PciConfigMechanism1.DATA_PORT, PciConfigMechanism1.DATA_PORT_COUNT, pci.dataPort(), "pci-config-data");
        pio.register(SystemControlPortA.PORT, 1, port92, "port92");
        pio.register(PostCodePort.PORT, 1, postCodes, "post-codes");
        pio.register(I8042Controller.DATA_PORT, 1, i8042.dataPort(), "i8042-data");
        pio.register(I8042Controller.COMMAND_PORT, 1, i8042.commandPort(), "i8042-command");
        pio.register(DebugConsolePort.FIRMWARE_PORT, DebugConsolePort.PORT_COUNT, new DebugConsolePort(progress.watchingDebugLog(config.debugConsole())), "debugcon");
        pio.register(FwCfgDevice.SELECTOR_PORT, FwCfgDevice.CONTROL_PORT_COUNT,
                progress.onFirstWrite(fwCfg.controlPorts(), FirmwareMilestone.PEI), "fw-cfg");
        pio.register(FwCfgDevice.DMA_PORT, FwCfgDevice.DMA_PORT_COUNT,
                progress.onFirstWrite(fwCfg.dmaPorts(), FirmwareMilestone.PEI), "fw-cfg-dma");
        if (config.launch().vmfwupdate() || config.launch().platform() != LaunchPlatform.NATIVE) {
            pio.register(DebugExitPort.DEFAULT_PORT, DebugExitPort.PORT_COUNT,
                    new DebugExitPort(status -> vm.requestExit(new VmExit(VmExit.Reason.POWER_OFF, status, ""))), "debug-exit");
        }
        pci.attach(0, 0, new I440fxHostBridge());
        pci.attach(1, 0, new Piix3IsaBridge());
        pci.attach(1, 3, new Piix4PowerManagement(this::decodePmBlock));
    }

    /** Moves the ACPI PM registers to where firmware programmed PMBA; runs on the vCPU that wrote it. */
    private synchronized void decodePmBlock(int base, boolean enabled) {
        if (pmBase >= 0) vm.pio().unregister(pmBase);
        pmBase = -1;
        if (!enabled || base == 0) return;
        try {
            vm.pio().register(base, Piix4PowerManagement.PM_IO_BYTES, pm, "acpi-pm");
            pmBase = base;
            LOG.debug("ACPI PM block at 0x{}", Integer.toHexString(base));
        } catch (IllegalArgumentException e) {
            LOG.warn("guest put the ACPI PM block at 0x{}, over another device; leaving it unmapped", Integer.toHexString(base));
        }
    }

    /** The CMOS bytes QEMU's pc_cmos_init fills and SeaBIOS/OVMF read to size memory. */
    private void writeCmos() {
        long low = map.lowRamBytes();
        int baseKib = (int) Math.min(low / 1024, 640);
        rtc.setRam(0x15, baseKib);
        rtc.setRam(0x16, baseKib >> 8);
        int extKib = (int) Math.min(low > (1 << 20) ? (low - (1 << 20)) / 1024 : 0, 0xFFFF);
        rtc.setRam(0x17, extKib);
        rtc.setRam(0x18, extKib >> 8);
        rtc.setRam(0x30, extKib);
        rtc.setRam(0x31, extKib >> 8);
        int above16m = (int) Math.min(low > (16 << 20) ? (low - (16 << 20)) / 65536 : 0, 0xFFFF);
        rtc.setRam(0x34, above16m);
        rtc.setRam(0x35, above16m >> 8);
        long above4g = map.highRamBytes() / 65536;
        rtc.setRam(0x5B, (int) above4g);
        rtc.setRam(0x5C, (int) (above4g >> 8));
        rtc.setRam(0x5D, (int) (above4g >> 16));
        rtc.setRam(0x5F, config.cpus() - 1);
        rtc.setRam(0x14, 0x06);   // equipment: FPU, PS/2 mouse port; no floppy
        rtc.setRam(0x3D, 0x12);   // boot order "cad": hard disk, floppy ...
        rtc.setRam(0x38, 0x30);   // ... then CD-ROM
    }

    private void powerOnDevicesAndCpus() {
        for (FlashUnit u : flash) u.device().reset();
        pci.reset();
        port92.reset();
        resetControl.reset();
        pm.reset();
        fwCfg.reset();
        i8042.reset();
        rtc.reset();
    }

    /** Launches {@code source}, loads each vCPU's entry state and appends to the measurement log. */
    private FirmwareInstaller.Launched launchAndLog(PreparedFirmware source, MeasurementLog.Source event) {
        FirmwareInstaller.Launched l = source.format() == ImageFormat.IGVM ? installer.installIgvm(source) : installer.installRom(source);
        afterLaunch(l, source.format(), event);
        return l;
    }

    private void afterLaunch(FirmwareInstaller.Launched l, ImageFormat format, MeasurementLog.Source event) {
        // A wrapped ROM brings its own legacy alias pages; a raw ROM shows its tail there, as at power-on.
        if (format == ImageFormat.PLATFORM_ROM && !installer.measured()) copyIsaBios();
        entries = l.entries();
        startVcpus();
        synchronized (this) { lastLaunch = l; }
        if (installer.measured()) {
            LOG.info("{} launch ({}): simulated {} measurement {} (computed in software, not attested)", event,
                    l.imageKind(), installer.platform(), l.measurement().hex());
        }
        if (measurementLog != null) {
            measurementLog.append(event, PlatformNames.name(installer.platformType()), l.imageKind(), l.sha256(), l.measurement(), config.cpus());
        }
    }

    private void startVcpus() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mp = kvm_mp_state.allocate(a);
            for (Vcpu v : vm.vcpus()) {
                entries.get(v.id()).apply(v.fd());
                v.fd().setLapic(initialLapics[v.id()]);
                // The BSP runs; APs wait for INIT-SIPI-SIPI from the firmware.
                kvm_mp_state.mp_state(mp, v.id() == 0 ? KvmUapi.KVM_MP_STATE_RUNNABLE() : KvmUapi.KVM_MP_STATE_UNINITIALIZED());
                v.fd().setMpState(mp);
            }
        }
    }

    /** The legacy BIOS window shows the top of unit 0, as at power-on, before the firmware shadows it. */
    private void copyIsaBios() {
        long n = map.isaBiosBytes();
        MemorySegment top = flash.getFirst().contents().asSlice(flash.getFirst().size() - n, n);
        vm.memory().write(map.isaBiosBase(), top);
    }

    private void reset() {
        long n;
        synchronized (this) { n = ++guestResets; }
        if (n > config.maxResets()) {
            LOG.warn("guest reset {} times; stopping (limit {})", n, config.maxResets());
            vm.requestExit(new VmExit(VmExit.Reason.RESET, 0, "the guest reset " + n + " times (limit " + config.maxResets() + ")"));
            return;
        }
        ResetPlan plan = updates == null ? new ResetPlan.KeepCurrentFirmware() : updates.takeUpdateForReset();
        // An image that must be parsed or measured is copied now and prepared on another thread
        // while the KVM context is rebuilt. A native ROM needs neither: it goes straight from
        // guest RAM into the firmware region below.
        PreparedFirmware staged = plan instanceof ResetPlan.InstallImage i && (i.format() == ImageFormat.IGVM || installer.measured())
                ? preparedForReset(i) : null;
        discardStagedPreparation(staged);
        if (installer.measured()) {
            // A confidential guest cannot be reset in place: every launch is a new launch context.
            vm.rebuildKvmContext();
            for (Vcpu v : vm.vcpus()) cpuid.applyTo(v.fd(), v.id());
        } else {
            // PIC, I/O APIC and PIT back to power-on state, as a platform reset does (a fresh VM has them so already).
            chipsPowerOn.restore(vm.fd());
        }
        powerOnDevicesAndCpus();
        switch (plan) {
            case ResetPlan.KeepCurrentFirmware k -> {
                LOG.info("guest reset #{}: firmware starts again", n);
                relaunch(currentFirmware, MeasurementLog.Source.RELAUNCH);
            }
            case ResetPlan.RestoreHostFirmware r -> {
                LOG.info("guest reset #{}: the host's firmware is restored", n);
                progress.restart();
                currentFirmware = hostFirmware;
                launchAndLog(hostFirmware, MeasurementLog.Source.RESTORE);
            }
            case ResetPlan.InstallImage i -> install(n, i, staged);
        }
    }

    /** A native ROM is still in the firmware region (nothing writes a read-only unit 0); anything else is launched again from its copy. */
    private void relaunch(PreparedFirmware source, MeasurementLog.Source event) {
        if (source.format() == ImageFormat.PLATFORM_ROM && !installer.measured()) {
            copyIsaBios();
            startVcpus();
            return;
        }
        launchAndLog(source, event);
    }

    private static String imageName(ResetPlan.InstallImage i) {
        return imageName(i.format(), i.gpa(), i.size());
    }

    private static String imageName(ImageFormat format, long gpa, long size) {
        return String.format("guest %s image at 0x%x (0x%x bytes)", format, gpa, size);
    }

    /** The engine took a private copy of a staged image (a vCPU thread, in its fw-cfg write): prepare its launch now. */
    private void stagedImageCaptured(ImageFormat format, long gpa, MemorySegment copy) {
        PreparedFirmware p = PreparedFirmware.of(format, copy, imageName(format, gpa, copy.byteSize()));
        PreparedFirmware replaced;
        synchronized (this) {
            replaced = stagedPreparation;
            stagedPreparation = p;
        }
        if (replaced != null) replaced.abandon(stagingPreparer);
        p.startPreparing(installer, stagingPreparer);
    }

    /** The image to launch at this reset: the one prepared since staging when it is that very copy, else a copy prepared now. */
    private PreparedFirmware preparedForReset(ResetPlan.InstallImage i) {
        PreparedFirmware ahead;
        synchronized (this) { ahead = stagedPreparation; }
        if (i.captured() && ahead != null && ahead.bytes() == i.image()) return ahead;
        if (i.captured()) {
            // Immutable already: no copy needed, only the preparation.
            PreparedFirmware p = PreparedFirmware.of(i.format(), i.image(), imageName(i));
            p.startPreparing(installer);
            return p;
        }
        return PreparedFirmware.copyOf(i.format(), i.image(), imageName(i), installer);
    }

    /** After a reset no staged preparation is wanted but the one being launched. */
    private void discardStagedPreparation(PreparedFirmware launching) {
        PreparedFirmware left;
        synchronized (this) {
            left = stagedPreparation;
            stagedPreparation = null;
        }
        if (left != null && left != launching) left.abandon(stagingPreparer);
    }

    private void install(long n, ResetPlan.InstallImage i, PreparedFirmware staged) {
        String name = imageName(i);
        try {
            FirmwareInstaller.Launched l;
            if (staged != null) {
                l = staged.format() == ImageFormat.IGVM ? installer.installIgvm(staged) : installer.installRom(staged);
                currentFirmware = staged;
            } else {
                l = installer.installRom(i.image(), name);
                // Kept for plain resets; the guest may reuse its RAM from now on.
                currentFirmware = PreparedFirmware.copyOf(i.format(), i.image(), name, installer);
            }
            LOG.info("guest reset #{}: installed the {}", n, name);
            progress.restart();
            afterLaunch(l, i.format(), MeasurementLog.Source.UPDATE);
        } catch (RuntimeException e) {
            LOG.warn("guest reset #{}: refused the {}: {}; the previous firmware runs again", n, name, e.getMessage());
            launchAndLog(currentFirmware, MeasurementLog.Source.RELAUNCH);
        }
    }

    /** Stops the VM if running, saves flash changes and releases everything. */
    @Override
    public void close() {
        RuntimeException first = null;
        rtc.close(); // its timer thread raises IRQ 8 through the VM
        stagingPreparer.shutdownNow();
        try { vm.close(); } catch (RuntimeException e) { first = e; }
        for (FlashUnit u : flash) {
            try { u.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        }
        if (chipsPowerOn != null) chipsPowerOn.close();
        arena.close();
        if (first != null) throw first;
    }
}
