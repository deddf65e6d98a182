package dev.panavisor.firmware.igvm;

/** Headers of the platform section (types 0x1-0x100). */
public sealed interface PlatformHeader extends KnownHeader permits SupportedPlatform {}
