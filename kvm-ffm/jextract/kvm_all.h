/* Entry header for the KVM bindings: Debian's linux/kvm.h + asm/kvm.h, plus our newer UAPI. */
#include "panavisor_uapi.h"
