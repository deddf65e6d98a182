/*
 * Panavisor's declarations of KVM UAPI newer than the Linux 6.1 headers
 * Debian ships. Written from Documentation/virt/kvm/api.rst and
 * Documentation/virt/kvm/x86/{amd-memory-encryption,intel-tdx}.rst;
 * every layout here is ABI and is checked by KvmLayoutTest against the
 * size encoded in the matching ioctl number.
 */
#ifndef PANAVISOR_UAPI_H
#define PANAVISOR_UAPI_H

#include <linux/kvm.h>

/* ---- capabilities (api.rst section 8) ---- */
#define PV_KVM_CAP_USER_MEMORY2        231
#define PV_KVM_CAP_MEMORY_FAULT_INFO   232
#define PV_KVM_CAP_MEMORY_ATTRIBUTES   233
#define PV_KVM_CAP_GUEST_MEMFD         234
#define PV_KVM_CAP_VM_TYPES            235
#define PV_KVM_CAP_GUEST_MEMFD_FLAGS   244

/* ---- VM types (KVM_CREATE_VM argument on x86) ---- */
#define PV_KVM_X86_DEFAULT_VM       0
#define PV_KVM_X86_SW_PROTECTED_VM  1
#define PV_KVM_X86_SEV_VM           2
#define PV_KVM_X86_SEV_ES_VM        3
#define PV_KVM_X86_SNP_VM           4
#define PV_KVM_X86_TDX_VM           5

/* ---- KVM_SET_USER_MEMORY_REGION2 (api.rst 4.140) ---- */
struct pv_kvm_userspace_memory_region2 {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 guest_memfd_offset;
	__u32 guest_memfd;
	__u32 pad1;
	__u64 pad2[14];
};
#define PV_KVM_MEM_GUEST_MEMFD  (1UL << 2)
#define PV_KVM_SET_USER_MEMORY_REGION2 _IOW(KVMIO, 0x49, struct pv_kvm_userspace_memory_region2)

/* ---- KVM_SET_MEMORY_ATTRIBUTES (api.rst 4.141) ---- */
struct pv_kvm_memory_attributes {
	__u64 address;
	__u64 size;
	__u64 attributes;
	__u64 flags;
};
#define PV_KVM_MEMORY_ATTRIBUTE_PRIVATE (1ULL << 3)
#define PV_KVM_SET_MEMORY_ATTRIBUTES _IOW(KVMIO, 0xd2, struct pv_kvm_memory_attributes)

/* ---- KVM_CREATE_GUEST_MEMFD (api.rst 4.142) ---- */
struct pv_kvm_create_guest_memfd {
	__u64 size;
	__u64 flags;
	__u64 reserved[6];
};
#define PV_GUEST_MEMFD_FLAG_MMAP        (1ULL << 0)
#define PV_GUEST_MEMFD_FLAG_INIT_SHARED (1ULL << 1)
#define PV_KVM_CREATE_GUEST_MEMFD _IOWR(KVMIO, 0xd4, struct pv_kvm_create_guest_memfd)

/* ---- KVM_EXIT_MEMORY_FAULT payload ---- */
#define PV_KVM_EXIT_MEMORY_FAULT 39
#define PV_KVM_MEMORY_EXIT_FLAG_PRIVATE (1ULL << 3)

/* ---- SEV / SEV-ES / SEV-SNP (x86/amd-memory-encryption.rst) ---- */
#define PV_KVM_SEV_INIT2               22
#define PV_KVM_SEV_SNP_LAUNCH_START    100
#define PV_KVM_SEV_SNP_LAUNCH_UPDATE   101
#define PV_KVM_SEV_SNP_LAUNCH_FINISH   102

struct pv_kvm_sev_init {
	__u64 vmsa_features;
	__u32 flags;
	__u16 ghcb_version;
	__u16 pad1;
	__u32 pad2[8];
};

struct pv_kvm_sev_snp_launch_start {
	__u64 policy;
	__u8  gosvw[16];
	__u16 flags;
	__u8  pad0[6];
	__u64 pad1[4];
};

#define PV_KVM_SEV_SNP_PAGE_TYPE_NORMAL      0x1
#define PV_KVM_SEV_SNP_PAGE_TYPE_ZERO        0x3
#define PV_KVM_SEV_SNP_PAGE_TYPE_UNMEASURED  0x4
#define PV_KVM_SEV_SNP_PAGE_TYPE_SECRETS     0x5
#define PV_KVM_SEV_SNP_PAGE_TYPE_CPUID       0x6

struct pv_kvm_sev_snp_launch_update {
	__u64 gfn_start;
	__u64 uaddr;
	__u64 len;
	__u8  type;
	__u8  pad0;
	__u16 flags;
	__u32 pad1;
	__u64 pad2[4];
};

struct pv_kvm_sev_snp_launch_finish {
	__u64 id_block_uaddr;
	__u64 id_auth_uaddr;
	__u8  id_block_en;
	__u8  auth_key_en;
	__u8  vcek_disabled;
	__u8  host_data[32];
	__u8  pad0[3];
	__u16 flags;
	__u64 pad1[4];
};

/* ---- Intel TDX (x86/intel-tdx.rst) ---- */
#define PV_KVM_TDX_CAPABILITIES     0
#define PV_KVM_TDX_INIT_VM          1
#define PV_KVM_TDX_INIT_VCPU        2
#define PV_KVM_TDX_INIT_MEM_REGION  3
#define PV_KVM_TDX_FINALIZE_VM      4
#define PV_KVM_TDX_GET_CPUID        5

struct pv_kvm_tdx_cmd {
	__u32 id;
	__u32 flags;
	__u64 data;
	__u64 hw_error;
};

/* Fixed 256-byte head of TD_PARAMS; a struct kvm_cpuid2 follows it. */
struct pv_kvm_tdx_init_vm {
	__u64 attributes;
	__u64 xfam;
	__u64 mrconfigid[6];
	__u64 mrowner[6];
	__u64 mrownerconfig[6];
	__u64 reserved[12];
};

/* Fixed 2 KiB head; a struct kvm_cpuid2 follows it. */
struct pv_kvm_tdx_capabilities {
	__u64 supported_attrs;
	__u64 supported_xfam;
	__u64 kernel_tdvmcallinfo_1_r11;
	__u64 user_tdvmcallinfo_1_r11;
	__u64 kernel_tdvmcallinfo_1_r12;
	__u64 user_tdvmcallinfo_1_r12;
	__u64 reserved[250];
};

#define PV_KVM_TDX_MEASURE_MEMORY_REGION (1ULL << 0)

struct pv_kvm_tdx_init_mem_region {
	__u64 source_addr;
	__u64 gpa;
	__u64 nr_pages;
};

#endif
