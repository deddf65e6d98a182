package dev.panavisor.vmm.vm;

import java.util.EnumSet;
import java.util.Set;

/** The lifecycle of a VM. Transitions not listed in {@link #canBecome} are bugs and are refused. */
public enum VmState {
    CREATED, RUNNING, PAUSED, RESETTING, STOPPED;

    public boolean canBecome(VmState next) {
        return allowed(this).contains(next);
    }

    private static Set<VmState> allowed(VmState from) {
        return switch (from) {
            case CREATED -> EnumSet.of(RUNNING, STOPPED);
            case RUNNING -> EnumSet.of(PAUSED, RESETTING, STOPPED);
            case PAUSED -> EnumSet.of(RUNNING, RESETTING, STOPPED);
            case RESETTING -> EnumSet.of(RUNNING, STOPPED);
            case STOPPED -> EnumSet.noneOf(VmState.class);
        };
    }
}
