package dev.panavisor.confidential.tdx;

/**
 * In which order a VMM interleaves TDH.MEM.PAGE.ADD and TDH.MR.EXTEND within one memory region.
 * The order changes MRTD, so a verifier must know which the VMM used.
 */
public enum TdxPageOrder {
    /**
     * Add a page, then extend its 16 chunks, then the next page. What upstream KVM does for
     * KVM_TDX_INIT_MEM_REGION (and thus current QEMU); the default.
     */
    PAGE_BY_PAGE,
    /**
     * Add every page of the region, then extend them all. What earlier KVM TDX patch sets did;
     * measurements of guests launched by those stacks need it.
     */
    ADD_ALL_THEN_EXTEND
}
