package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.boot.CpuidTable;
import dev.panavisor.vmm.boot.RealModeEntry;
import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vcpu.fallback.EmulationStats;
import dev.panavisor.vmm.vcpu.fallback.InstructionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Boots the guests in src/test/guest and checks, through their port writes, that each
 * instruction the fallback carries out has its architectural effect in the real vCPU. On a
 * host whose KVM executes these instructions itself the guest-visible results are the same;
 * the tests about what went through the fallback then skip.
 */
@RequiresKvm
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InstructionFallbackKvmTest {
    private static final long LOAD = 0x10000;
    private Kvm kvm;

    @BeforeEach void open() { kvm = Kvm.open(); }
    @AfterEach void close() { kvm.close(); }

    /** Port writes as "R:value" (0x610), "V:vector", "I:return RIP", "E:error code". */
    static final class Ports implements BusDevice {
        final List<String> log = new CopyOnWriteArrayList<>();
        @Override public long read(long offset, int size) { return 0; }
        @Override public void write(long offset, int size, long value) {
            String tag = switch ((int) offset) { case 0 -> "R"; case 1 -> "V"; case 2 -> "I"; default -> "E"; };
            log.add(tag + ":" + Long.toHexString(value));
        }
    }

    private record Run(VmExit exit, List<String> log, EmulationStats.Snapshot stats) {}

    private Run boot(String guest, boolean fallback) throws IOException {
        return boot(guest, fallback, 1, null);
    }

    private Run boot(String guest, boolean fallback, int vcpus, long[] counterOut) throws IOException {
        byte[] image;
        try (InputStream in = getClass().getResourceAsStream("/guests/" + guest + ".bin")) {
            assertNotNull(in, "guest image " + guest + " (built by scripts/build-guests.sh in generate-test-resources)");
            image = in.readAllBytes();
        }
        try (Arena arena = Arena.ofConfined();
             Vm vm = Vm.builder(kvm).vcpus(vcpus).instructionFallback(fallback)
                     .memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false))).build()) {
            vm.memory().write(LOAD, image);
            CpuidTable cpuid = new CpuidTable(kvm, arena);
            for (Vcpu v : vm.vcpus()) {
                cpuid.applyTo(v.fd(), v.id());
                RealModeEntry.apply(v.fd(), (int) (LOAD >> 4), 0);
            }
            Ports ports = new Ports();
            vm.pio().register(0x610, 4, ports, "results");
            vm.start();
            VmExit exit = vm.runUntilExit();
            if (counterOut != null) {
                counterOut[0] = vm.memory().readU64(0x80000);
                counterOut[1] = vm.memory().readU64(0x80008);
            }
            return new Run(exit, List.copyOf(ports.log), vm.emulationStats());
        }
    }

    @Test
    void longModeGuestSeesEveryFallbackInstructionTakeEffect() throws Exception {
        Run run = boot("fallback_long", true);
        assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, run.exit().reason(), run.exit().detail() + "\n" + run.log());
        List<String> log = run.log();
        int i = 0;
        // 1. INT3 (SDM vol. 3, 6.5): #BP delivered through the IDT as a trap, RIP after the INT3.
        String afterInt3 = log.get(i++).substring(2);
        assertEquals(List.of("V:3", "I:" + afterInt3, "E:0"), log.subList(i, i + 3));
        i += 3;
        // 2. STAC then CLAC: RFLAGS.AC.
        assertEquals(List.of("R:1", "R:0"), log.subList(i, i + 2));
        i += 2;
        // 3. POPCNT: 64-bit reg, 32-bit memory, 16-bit reg keeping ECX's upper half, ZF for zero.
        assertEquals(List.of("R:20", "R:10", "R:ffff0003", "R:1"), log.subList(i, i + 4));
        i += 4;
        // 4. CMPXCHG16B equal (ZF=1, memory 5:6), then different (RDX:RAX = 6:5 loaded, ZF=0).
        assertEquals(List.of("R:1", "R:5", "R:6", "R:5", "R:6", "R:0"), log.subList(i, i + 6));
        i += 6;
        // 5. XSAVE wrote FCW 0x37F and MXCSR 0x1F80; XRSTOR loaded FCW 0x27F into the vCPU.
        assertEquals(List.of("R:37f", "R:1f80", "R:27f"), log.subList(i, i + 3));
        i += 3;
        // 6. FWAIT with an unmasked pending x87 exception and CR0.NE: #MF, no error code.
        assertEquals("V:10", log.get(i));
        assertEquals("E:0", log.get(i + 2));
        i += 3;
        // 7. XRSTOR with a non-zero XCOMP_BV in standard form: #GP(0).
        assertEquals("V:d", log.get(i));
        assertEquals("E:0", log.get(i + 2));
        i += 3;
        // 8. x87 under FCW 0x027F, the values a real x87 gives for the same sequence:
        //    FILD/FLD/FXCH/FCOMI/FCMOVNBE/FSTP ST(1)/FMUL m32 = 10, FDIV m64 3: binary64 10/3 = 0x400AAAAA_AAAAAAAB;
        //    FLDPI, FADD ST(0),ST(0), FISTP m32: 6; 4 - 7 by FSUBR m32, FABS, FSQRT, FSTP m32: 0x3FDDB3D7 (sqrt 3);
        //    FLD1, FLDZ, FCOMPP, FNSTSW AX: C0 only, TOP 0; FCHS 2.5, FISTTP m32: -2;
        //    FIDIVR m32 49/7, FLD ST(0), FMULP, FISTP m16: 49 (0x31); FSW at the end: PE only, TOP 0.
        assertEquals(List.of("R:aaaaaaab", "R:400aaaaa", "R:6", "R:3fddb3d7", "R:100", "R:fffffffe", "R:31", "R:20"),
                log.subList(i, i + 8));
        i += 8;
        // 9. SSE2/SSSE3 integers, the values a CPU gives (worked through lane by lane in Python):
        //    a + b, b ^= that, rotated right by 16 (PSHUFB) and 12 (PSRLD/PSLLD/POR): lanes 0 and 1
        //    0x32547690, 0x9ABCDEF8; PSHUFD 0x93, PUNPCKLDQ with 0x80000001 (MOVD), PADDQ the same:
        //    0x80000001_8C6EEFFC, 0x00000000_12345678.
        assertEquals(List.of("R:32547690", "R:8c6eeffc", "R:80000001", "R:9abcdef8", "R:12345678", "R:0"),
                log.subList(i, i + 6));
        i += 6;
        //    PXOR with a 128-bit operand at pair+4: #GP(0) (SDM vol. 1, 11.4.1).
        assertEquals("V:d", log.get(i));
        assertEquals("E:0", log.get(i + 2));
        i += 3;
        // 10. MOVD to a read-only page under CR0.WP: #PF, error code P|W, CR2 the address, nothing
        //     stored (SDM vol. 3, 4.6.1, 4.7); to a writable page: stored, PTE accessed and dirty (4.8).
        assertEquals("V:e", log.get(i));
        assertEquals("E:3", log.get(i + 2));
        i += 3;
        assertEquals(List.of("R:3fe00010", "R:0", "R:5a5a5a5a", "R:60"), log.subList(i, i + 4));
        i += 4;
        assertEquals(List.of("R:d0e"), log.subList(i, log.size()));
    }

    @Test
    void onAnEmulatingHostTheLongModeInstructionsWentThroughTheFallback() throws Exception {
        Run run = boot("fallback_long", true);
        EmulationStats.Snapshot s = run.stats();
        assumeTrue(s.total() > 0, "this KVM executed every instruction itself");
        assertEquals(1L, s.completed().get(InstructionKind.INT3));
        assertEquals(1L, s.completed().get(InstructionKind.STAC));
        assertEquals(1L, s.completed().get(InstructionKind.CLAC));
        assertEquals(4L, s.completed().get(InstructionKind.POPCNT));
        assertEquals(2L, s.completed().get(InstructionKind.CMPXCHG16B));
        assertEquals(1L, s.completed().get(InstructionKind.XSAVE));
        assertEquals(2L, s.completed().get(InstructionKind.XRSTOR));
        assertEquals(1L, s.faulted().get(InstructionKind.XRSTOR), "the #GP case");
        assertEquals(1L, s.faulted().get(InstructionKind.FWAIT), "the #MF case");
        for (InstructionKind k : new InstructionKind[]{InstructionKind.FXCH, InstructionKind.FCOMI, InstructionKind.FCMOVNBE,
                InstructionKind.FSTP_STI, InstructionKind.FMUL32, InstructionKind.FDIV64, InstructionKind.FSTP64,
                InstructionKind.FLDPI, InstructionKind.FADD_ST0_STI, InstructionKind.FISTP32, InstructionKind.FSUBR32,
                InstructionKind.FABS, InstructionKind.FSQRT, InstructionKind.FSTP32, InstructionKind.FCOMPP,
                InstructionKind.FCHS, InstructionKind.FISTTP32, InstructionKind.FIDIVR32, InstructionKind.FLD_STI,
                InstructionKind.FMULP, InstructionKind.FISTP16}) {
            assertEquals(1L, s.completed().get(k), k.mnemonic());
        }
        for (InstructionKind k : new InstructionKind[]{InstructionKind.PADDD, InstructionKind.PSHUFB, InstructionKind.PSRLD,
                InstructionKind.PSLLD, InstructionKind.POR, InstructionKind.PSHUFD, InstructionKind.PUNPCKLDQ,
                InstructionKind.PADDQ, InstructionKind.PSRLDQ}) {
            assertEquals(1L, s.completed().get(k), k.mnemonic());
        }
        assertEquals(2L, s.completed().get(InstructionKind.MOVD_TO_XMM));
        assertEquals(4L, s.completed().get(InstructionKind.MOVD_FROM_XMM), "two MOVD and one MOVQ to a general register, one MOVD to memory");
        assertEquals(1L, s.faulted().get(InstructionKind.MOVD_FROM_XMM), "the store to a read-only page");
        assertEquals(1L, s.completed().get(InstructionKind.PXOR));
        assertEquals(1L, s.faulted().get(InstructionKind.PXOR), "the misaligned operand");
        assertEquals(0, s.refused());
        assertFalse(s.describe().isEmpty());
    }

    @Test
    void realAndProtectedModeGuest() throws Exception {
        Run run = boot("fallback_legacy", true);
        assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, run.exit().reason(), run.exit().detail() + "\n" + run.log());
        assertEquals(List.of("R:1", "R:37f", "R:8", "R:2", "R:1f", "R:1"), run.log());
    }

    @Test
    void withTheFallbackOffTheVmStopsWithTheInstructionBytes() throws Exception {
        Run run = boot("fallback_long", false);
        assumeTrue(run.exit().reason() != VmExit.Reason.ALL_VCPUS_HALTED, "this KVM executed every instruction itself");
        assertEquals(VmExit.Reason.INTERNAL_ERROR, run.exit().reason());
        assertTrue(run.exit().detail().contains("instruction bytes cc"), run.exit().detail());
        assertTrue(run.exit().detail().contains("rip="), run.exit().detail());
        assertEquals(0, run.stats().total());
    }

    @Test
    void anInstructionOutsideTheKnownSetStopsTheVmWithAReadableReport() {
        // fsin; hlt in real mode: KVM's emulator here has no x87 register operations, and the
        // fallback refuses the transcendentals (FXCH served here until the fallback learnt it).
        try (Vm vm = TinyGuests.boot(kvm, TinyGuests.bytes(0xD9, 0xFE, 0xF4), 1)) {
            vm.start();
            VmExit exit = vm.runUntilExit();
            assumeTrue(exit.reason() != VmExit.Reason.ALL_VCPUS_HALTED, "this KVM executed FSIN itself");
            assertEquals(VmExit.Reason.INTERNAL_ERROR, exit.reason());
            String report = exit.detail();
            assertTrue(report.contains("instruction bytes d9 fe f4"), report);
            assertTrue(report.contains("FSIN (D9 FE)"), report);
            assertTrue(report.contains("rip=0000000000000000"), report);
            assertEquals(1, vm.emulationStats().refused());
        }
    }

    @Test
    void cmpxchg16bRetryLoopsOnTwoVcpusLoseNoIncrement() throws Exception {
        long[] counter = new long[2];
        Run run = boot("fallback_smp", true, 2, counter);
        assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, run.exit().reason(), run.exit().detail());
        assertEquals(2, run.log().size(), "both vCPUs finished: " + run.log());
        assertEquals(2000, counter[0], "low quadword");
        assertEquals(2000, counter[1], "high quadword");
        long emulated = run.stats().completed().getOrDefault(InstructionKind.CMPXCHG16B, 0L);
        if (emulated > 0) assertTrue(emulated >= 2000, "every increment's final CMPXCHG16B went through the fallback");
    }
}
