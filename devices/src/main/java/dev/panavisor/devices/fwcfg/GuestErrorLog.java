package dev.panavisor.devices.fwcfg;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs guest mistakes without letting a guest flood the log: the first {@link #LOGGED} get a
 * warning each, then one line says the rest are only counted.
 */
final class GuestErrorLog {
    static final int LOGGED = 32;

    private final Logger log;
    private final AtomicLong count = new AtomicLong();

    GuestErrorLog(Logger log) {
        this.log = log;
    }

    void report(String format, Object... args) {
        long n = count.incrementAndGet();
        if (n <= LOGGED) {
            log.warn(format, args);
            if (n == LOGGED) log.warn("fw-cfg: {} guest errors logged; further ones are only counted", LOGGED);
        }
    }

    long count() { return count.get(); }
}
