package dev.panavisor.launcher;

import dev.panavisor.devices.console.StreamConsoleSink;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vm.Vm;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our own test guests (src/main/guest), booted on real KVM from real mode to long mode. */
@RequiresKvm
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TestGuestBootTest {
    @Test
    void demoGuestReachesLongModePrintsOnCom1AndPowersOff() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamConsoleSink console = new StreamConsoleSink(out);
        try (Kvm kvm = Kvm.open(); Vm vm = TestGuestMachine.build(kvm, GuestImages.load(GuestImages.DEMO), 1, 2L << 20, console)) {
            vm.start();
            VmExit exit = vm.runUntilExit();
            console.flush();
            String text = out.toString(StandardCharsets.US_ASCII);
            assertEquals(VmExit.Reason.POWER_OFF, exit.reason(), exit.detail());
            assertEquals(0, ExitCodes.of(exit));
            assertTrue(text.contains("Panavisor demo guest: 64-bit long mode"), text);
            // EFER.LMA (bit 10) and LME (bit 8) set: the guest really is in long mode.
            assertTrue(text.contains("EFER=0x0000000000000500"), text);
            assertTrue(text.contains("demo: power off"), text);
        }
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {2, 4})
    void smpGuestRunsEveryVcpuConcurrentlyEachOnItsOwnPort(int vcpus) {
        var seen = new ConcurrentHashMap<Integer, List<Long>>();
        try (Kvm kvm = Kvm.open(); Vm vm = TestGuestMachine.build(kvm, GuestImages.load(GuestImages.SMP), vcpus, 2L << 20,
                new StreamConsoleSink(new ByteArrayOutputStream()))) {
            for (int i = 0; i < vcpus; i++) {
                List<Long> values = new CopyOnWriteArrayList<>();
                seen.put(i, values);
                vm.pio().register(GuestBootContract.SMP_PORT_BASE + i, 1, new BusDevice() {
                    @Override public long read(long offset, int size) { return 0; }
                    @Override public void write(long offset, int size, long value) { values.add(value); }
                }, "smp-port" + i);
            }
            vm.start();
            VmExit exit = vm.runUntilExit();
            assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, exit.reason(), exit.detail());
            for (int i = 0; i < vcpus; i++) {
                List<Long> v = seen.get(i);
                assertEquals(GuestBootContract.SMP_SEQUENCE_LENGTH + 1, v.size(), "vCPU " + i + " wrote " + v.size() + " values");
                for (int k = 0; k < GuestBootContract.SMP_SEQUENCE_LENGTH; k++) assertEquals(k + 1, v.get(k));
                assertEquals(0xFFFFFFFFL, v.getLast());
            }
            for (Vcpu v : vm.vcpus()) assertTrue(v.exits() > GuestBootContract.SMP_SEQUENCE_LENGTH, "vCPU " + v.id() + " exits");
        }
    }
}
