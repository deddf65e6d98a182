package dev.panavisor.firmware.igvm;

/** A COSE_Sign1 over the platform's CoRIM document, which must precede it. */
public record CorimSignature(int compatibilityMask, long fileOffset, long sizeBytes) implements CorimData {
    public CorimSignature {
        FieldRanges.u32("fileOffset", fileOffset);
        FieldRanges.u32("sizeBytes", sizeBytes);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.CORIM_SIGNATURE;
    }
}
