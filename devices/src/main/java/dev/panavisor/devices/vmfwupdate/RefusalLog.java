package dev.panavisor.devices.vmfwupdate;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs refused guest requests: the first {@link #LOGGED} as warnings, then only counts them, so a
 * guest looping on a bad write cannot flood the log.
 */
final class RefusalLog {
    static final int LOGGED = 64;

    private final Logger log;
    private final AtomicLong count = new AtomicLong();

    RefusalLog(Logger log) {
        this.log = log;
    }

    void refused(String where, Verdict verdict) {
        long n = count.incrementAndGet();
        if (n <= LOGGED) {
            log.warn("vmfwupdate: {} refused ({}): {}", where, verdict.refusal(), verdict.detail());
            if (n == LOGGED) log.warn("vmfwupdate: {} refusals logged; further ones are only counted", LOGGED);
        }
    }

    long count() { return count.get(); }
}
