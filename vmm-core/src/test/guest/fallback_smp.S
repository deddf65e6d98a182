/*
 * fallback_smp: every vCPU (APIC ID < 8) adds 1 to both halves of the 128-bit counter at
 * guest-physical 0x80000, 1000 times, each time with a LOCK CMPXCHG16B retry loop; then
 * writes its APIC ID to port 0x610 and halts. With N vCPUs both halves must end at N*1000
 * if CMPXCHG16B is atomic across vCPUs.
 */
        .include "boot64.inc"

        .set COUNTER, 0x80000
        .set ROUNDS, 1000

        .text
        .code64
main64:
        mov $1, %eax
        cpuid
        shr $24, %ebx                   /* initial APIC ID = vCPU index */
        cmp $8, %ebx
        jae 3f
        mov %ebx, %r12d
        mov %r12, %rax
        inc %rax
        shl $12, %rax
        lea stacks(%rip), %rsp
        add %rax, %rsp                  /* each vCPU its own 4 KiB stack */

        mov $COUNTER, %edi
        mov $ROUNDS, %r13d
1:      mov (%rdi), %rax
        mov 8(%rdi), %rdx
2:      lea 1(%rax), %rbx
        lea 1(%rdx), %rcx
        lock cmpxchg16b (%rdi)          /* on failure RDX:RAX hold the current value: retry */
        jnz 2b
        dec %r13d
        jnz 1b

        mov %r12d, %eax
        mov $0x610, %dx
        out %eax, %dx
3:      cli
        hlt

        .bss
        .balign 4096
stacks: .fill 8 * 4096, 1, 0
