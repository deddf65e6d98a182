package dev.panavisor.firmware.igvm;

/** A CBOR CoRIM document (tagged-unsigned-corim-map) for a platform, at most one per platform. */
public record CorimDocument(int compatibilityMask, long fileOffset, long sizeBytes) implements CorimData {
    public CorimDocument {
        FieldRanges.u32("fileOffset", fileOffset);
        FieldRanges.u32("sizeBytes", sizeBytes);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.CORIM_DOCUMENT;
    }
}
