package dev.panavisor.firmware.igvm;

/**
 * One variable header of an IGVM file. Records mirror the on-disk structures field for field
 * (file offsets included, reserved fields that must be zero left out), which is what makes a
 * read-then-write round trip byte-identical.
 */
public sealed interface IgvmHeader permits KnownHeader, IgnorableHeader {
    /** The type word as stored, including the optional bit if set. */
    int typeCode();
}
