package dev.panavisor.firmware.igvm;

/** The shared shape of CoRIM document and signature headers: a payload in file data. */
public sealed interface CorimData extends InitializationHeader, CompatibilityMasked
        permits CorimDocument, CorimSignature {
    /** Zero when there is no payload. */
    long fileOffset();

    long sizeBytes();
}
