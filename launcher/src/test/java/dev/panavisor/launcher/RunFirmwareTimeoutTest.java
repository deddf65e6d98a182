package dev.panavisor.launcher;

import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** `run-firmware --timeout` ends the run with its own exit status, never with a power-off's 0. */
@RequiresKvm
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunFirmwareTimeoutTest {
    @Test
    void aTimeoutIsReportedAs124() {
        // SeaBIOS needs seconds here to reach its boot attempt, so half a second always times out.
        var r = FwUpdateImages.cli("run-firmware", "--firmware", SeaBiosBootTest.BIOS.toString(), "--memory", "64M", "--timeout", "0.5");
        assertEquals(ExitCodes.TIMEOUT, r.status(), r.err());
    }
}
