package dev.panavisor.firmware.igvm;

/** The format rules a file can break; every rejection names exactly one. */
public enum IgvmRule {
    FILE_TOO_SMALL("the file must hold a whole fixed header"),
    BAD_MAGIC("the fixed header must start with the magic \"IGVM\""),
    UNSUPPORTED_VERSION("only format versions 1 and 2 are defined"),
    UNSUPPORTED_ARCHITECTURE("a version 2 architecture must be x64 (0) or AArch64 (1)"),
    UNSUPPORTED_PAGE_SIZE("the only page size loaders support is 4K"),
    TOTAL_SIZE_MISMATCH("total_file_size must equal the length of the file"),
    VARIABLE_HEADER_OFFSET("the variable header must start 8-byte aligned, after the fixed header"),
    VARIABLE_HEADER_BOUNDS("the variable header must lie inside the file and be a whole number of 8-byte units"),
    CHECKSUM_MISMATCH("the checksum must be the CRC32 of the fixed header (checksum zeroed) and variable header"),
    LENGTH_OVERRUN("a variable header, padded to 8 bytes, must fit inside the variable header area"),
    NONZERO_PADDING("padding up to the next 8-byte boundary must be zero"),
    LENGTH_MISMATCH("the length field must equal the size of the structure defined for the type"),
    UNKNOWN_TYPE("a header type without the optional bit must be one the definitions assign"),
    SECTION_ORDER("headers must go platform, then initialization, then directive, never back"),
    RESERVED_NOT_ZERO("reserved fields must be zero"),
    UNDEFINED_FLAGS("flag bits the definitions do not assign must be zero"),
    INVALID_ENUM_VALUE("an enumerated field must hold one of the defined values"),
    INVALID_VTL("a VTL must be 0, 1 or 2, and a platform's highest VTL 0 or 2"),
    NO_PLATFORM("a file must declare at least one supported platform"),
    COMPATIBILITY_MASK("a platform owns exactly one mask bit, and headers may only use declared bits"),
    DUPLICATE_PLATFORM("each platform type may be declared only once"),
    PLATFORM_VERSION("the platform version must be the one defined for the platform type"),
    SHARED_GPA_BOUNDARY("native and VSM platforms must have a shared GPA boundary of zero"),
    ARCHITECTURE_MISMATCH("the platform or structure is not valid for the file's architecture"),
    UNALIGNED_ADDRESS("the guest physical address must be page aligned"),
    UNALIGNED_SIZE("the size must be a multiple of the page size"),
    ADDRESS_WRAP("a guest physical range must not wrap past the top of the 64-bit address space"),
    RELOCATION_ALIGNMENT("relocation alignment must be a non-zero multiple of 4K that the region's addresses honour"),
    REGION_OVERLAP("relocatable and page table regions of one platform must not overlap"),
    PAGE_TABLE_REGION("one page table region per platform, with used size within its size"),
    FILE_OFFSET_OUT_OF_RANGE("file data referenced by a header must lie inside the file data area"),
    PAGE_DATA_OVERLAP("page data for the same platform must not import the same guest page twice"),
    PARAMETER_AREA_INDEX("parameter areas are declared once, used while declared, and inserted once"),
    PARAMETER_OUT_OF_AREA("a parameter must fit inside its parameter area"),
    PARAMETER_INSERT_IN_PAGE_TABLE("a parameter area must not be inserted inside a page table region"),
    VP_CONTEXT_PLATFORM("a VP context must name exactly one platform, and one that takes a VP context"),
    VP_CONTEXT_GPA("a VP context GPA must be page aligned for SEV-ES/SNP and zero otherwise"),
    VP_CONTEXT_DATA("VP context file data must have the shape its platform defines"),
    MISSING_VP_CONTEXT("a relocation header's VP index and VTL must have a VP context"),
    CCA_POLICY("a CCA policy must not require a bit both set and clear, and must name CCA platforms"),
    CORIM("at most one CoRIM document and signature per platform, the document first");

    private final String description;

    IgvmRule(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
