package dev.panavisor.firmware.igvm;

/** A header whose type the definitions assign a structure to. */
public sealed interface KnownHeader extends IgvmHeader permits PlatformHeader, InitializationHeader, DirectiveHeader {
    HeaderType headerType();

    @Override
    default int typeCode() {
        return headerType().code();
    }
}
