package dev.panavisor.firmware.igvm;

/** Headers of the initialization section (types 0x101-0x200): set-up before any data is loaded. */
public sealed interface InitializationHeader extends KnownHeader
        permits GuestPolicy, RelocatableRegion, PageTableRelocation, CorimData, CcaPolicy {}
