package dev.panavisor.firmware.igvm;

/** One CoRIM document per platform, and a signature only after its platform's document. */
final class CorimTracker {
    private int documentMask;
    private int signatureMask;

    void document(CorimDocument d, Site site) throws IgvmFormatException {
        if ((documentMask & d.compatibilityMask()) != 0) {
            throw site.violation(IgvmRule.CORIM, "second CoRIM document for mask bits 0x%x",
                    Integer.toUnsignedLong(documentMask & d.compatibilityMask()));
        }
        documentMask |= d.compatibilityMask();
    }

    void signature(CorimSignature s, Site site) throws IgvmFormatException {
        if ((signatureMask & s.compatibilityMask()) != 0) {
            throw site.violation(IgvmRule.CORIM, "second CoRIM signature for mask bits 0x%x",
                    Integer.toUnsignedLong(signatureMask & s.compatibilityMask()));
        }
        int unsigned = s.compatibilityMask() & ~documentMask;
        if (unsigned != 0) {
            throw site.violation(IgvmRule.CORIM, "signature for mask bits 0x%x precedes any document",
                    Integer.toUnsignedLong(unsigned));
        }
        signatureMask |= s.compatibilityMask();
    }
}
