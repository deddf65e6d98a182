package dev.panavisor.firmware.ovmf;

/**
 * GUIDs of the OVMF footer table and of the entries a hypervisor reads from it, as defined in
 * edk2 {@code OvmfPkg/ResetVector} and consumed by QEMU.
 */
public final class OvmfTableGuids {
    private OvmfTableGuids() {}

    /** Closes the table; the u16 before it is the table length. */
    public static final EfiGuid TABLE_FOOTER = EfiGuid.parse("96b582de-1fb2-45f7-baea-a366c55a082d");

    /** SEV-ES AP reset block: u32 whose high half is the AP's CS base and low half its IP. */
    public static final EfiGuid SEV_ES_RESET_BLOCK = EfiGuid.parse("00f771de-1a7e-4fcb-890e-68c77e2fb44e");

    /** SEV hash table block: u32 base GPA, u32 size of the area for the kernel/initrd/cmdline hashes. */
    public static final EfiGuid SEV_HASH_TABLE_BLOCK = EfiGuid.parse("7255371f-3a3b-4b04-927b-1da6efa8d454");

    /** SEV secret block: u32 base GPA, u32 size of the area for the injected launch secret. */
    public static final EfiGuid SEV_SECRET_BLOCK = EfiGuid.parse("4c2eb361-7d9b-4cc3-8081-127c90d3d294");

    /** SEV metadata offset: u32 distance from the end of the image to the "ASEV" header. */
    public static final EfiGuid SEV_METADATA_OFFSET = EfiGuid.parse("dc886566-984a-4798-a75e-5585a7bf67cc");

    /** TDX metadata offset: u32 distance from the end of the image to the "TDVF" descriptor. */
    public static final EfiGuid TDX_METADATA_OFFSET = EfiGuid.parse("e47a6535-984a-4798-865e-4685a7bf8ec2");
}
