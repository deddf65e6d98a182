package dev.panavisor.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two "vCPUs" each run select-and-read DMA transfers of their own file while a host thread keeps
 * replacing a mutable file: every transfer is atomic (select, copy and status under one lock), so
 * each vCPU always gets its own file whole, and readers of the mutable file never see a torn update.
 */
class FwCfgConcurrencyTest {
    private static final int ROUNDS = 2_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void selectAndReadTransfersAreAtomicAcrossVcpus() throws InterruptedException {
        byte[] a = new byte[4096];
        byte[] b = new byte[4096];
        Arrays.fill(a, (byte) 0xA1);
        Arrays.fill(b, (byte) 0xB2);
        var builder = FwCfgDevice.builder().file("opt/a", a).file("opt/b", b);
        MutableFwCfgFile shared = builder.mutableFile("opt/shared", new byte[256], null);
        var guest = new FwCfgTestGuest(builder);
        AtomicInteger failures = new AtomicInteger();

        Thread host = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                byte[] v = new byte[256];
                Arrays.fill(v, (byte) i);
                shared.set(v);
            }
        });
        Thread[] vcpus = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int key = guest.device.keyOf(t == 0 ? "opt/a" : "opt/b");
            byte expected = t == 0 ? (byte) 0xA1 : (byte) 0xB2;
            long desc = 0x1000 + t * 0x100;
            long buf = 0x10000 + t * 0x10000;
            long sharedBuf = 0x40000 + t * 0x1000;
            int sharedKey = guest.device.keyOf("opt/shared");
            vcpus[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    int control = guest.dma(desc, key << 16 | FwCfgDma.CTL_SELECT | FwCfgDma.CTL_READ, 4096, buf);
                    byte[] got = guest.ramBytes(buf, 4096);
                    for (byte x : got) if (x != expected || control != 0) { failures.incrementAndGet(); break; }
                    guest.dma(desc, sharedKey << 16 | FwCfgDma.CTL_SELECT | FwCfgDma.CTL_READ, 256, sharedBuf);
                    byte[] s = guest.ramBytes(sharedBuf, 256);
                    for (byte x : s) if (x != s[0]) { failures.incrementAndGet(); break; }
                }
            });
        }
        host.join();
        for (Thread v : vcpus) v.join();
        assertEquals(0, failures.get());
    }
}
