package dev.panavisor.firmware.igvm;

/**
 * The decoded file data of a {@link VpContext}. Its shape is fixed by the platform the context's
 * compatibility mask names, not by the header itself.
 */
public sealed interface VpContextData permits VmsaVpContext, NativeX64VpContext, VbsVpContext, CcaVpContext {}
