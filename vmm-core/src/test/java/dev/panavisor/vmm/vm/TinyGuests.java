package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.vmm.boot.RealModeEntry;
import dev.panavisor.vmm.vcpu.Vcpu;

import java.util.List;

/** Hand-assembled real-mode guests loaded at 0x10000 (CS=0x1000, IP=0), for run-loop tests. */
final class TinyGuests {
    static final long LOAD = 0x10000;

    /** mov dx,0x600; mov al,1; L: out dx,al; inc al; cmp al,11; jne L; hlt — writes 1..10 then halts. */
    static final byte[] COUNT_TO_TEN_THEN_HALT = bytes(0xba, 0x00, 0x06, 0xb0, 0x01, 0xee, 0xfe, 0xc0, 0x3c, 0x0b, 0x75, 0xf9, 0xf4);
    /** mov dx,0x600; mov al,1; L: out dx,al; jmp L — port writes forever. */
    static final byte[] OUT_FOREVER = bytes(0xba, 0x00, 0x06, 0xb0, 0x01, 0xee, 0xeb, 0xfd);
    /** jmp $ — never exits on its own: only a kick gets the vCPU out. */
    static final byte[] SPIN_WITHOUT_EXITS = bytes(0xeb, 0xfe);
    /** hlt */
    static final byte[] HALT = bytes(0xf4);

    private TinyGuests() {}

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    static Vm boot(Kvm kvm, byte[] code, int vcpus) {
        Vm vm = Vm.builder(kvm).vcpus(vcpus)
                .memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)))
                .build();
        vm.memory().write(LOAD, code);
        enterAtLoad(vm);
        return vm;
    }

    /** Every vCPU starts in real mode at CS:IP = 0x1000:0, which is {@link #LOAD}. */
    private static void enterAtLoad(Vm vm) {
        for (Vcpu v : vm.vcpus()) RealModeEntry.apply(v.fd(), (int) (LOAD >> 4), 0);
    }

    /**
     * Runs {@link #COUNT_TO_TEN_THEN_HALT}, already in {@code vm}'s memory at {@link #LOAD}, to its
     * halt; returns how the run ended and the values it wrote to port 0x600.
     */
    static CountRun runCountToTen(Vm vm) {
        VmRunTest.Recorder recorder = new VmRunTest.Recorder();
        vm.pio().register(0x600, 1, recorder, "recorder");
        enterAtLoad(vm);
        vm.start();
        return new CountRun(vm.runUntilExit().reason(), recorder.writes);
    }

    record CountRun(VmExit.Reason reason, List<Long> writes) { }
}
