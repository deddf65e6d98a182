package dev.panavisor.devices.vmfwupdate;

/**
 * The engine's answer to one request: taken, or refused with a reason and a detail for the log.
 * The detail is for people; guests only ever see a status code.
 */
public record Verdict(RefusalReason refusal, String detail) {
    public static final Verdict ACCEPTED = new Verdict(null, "accepted");

    public static Verdict refused(RefusalReason reason, String detail) {
        return new Verdict(java.util.Objects.requireNonNull(reason), detail);
    }

    public boolean accepted() { return refusal == null; }
}
