/*
 * smp: one image for every vCPU, to test that the VMM runs vCPUs concurrently and routes
 * each one's port I/O to the right place. Each vCPU learns its index from its initial APIC
 * ID (CPUID.1:EBX[31:24]; the VMM sets it to the vCPU index), takes its own stack, enters
 * long mode (boot64.inc is race-free: static tables, no writes), then writes the dwords
 * 1, 2, ..., 1000 to port 0x600 + index, then 0xFFFFFFFF as a done marker, and halts.
 *
 * A VMM that mixes vCPUs' ports, drops or reorders exits, or lets vCPUs share a stack (the
 * sequence runs in a called routine, so a clobbered return address derails it) fails the
 * check "each port saw exactly 1..1000 then the marker, then its vCPU exited on HLT".
 */
        .include "boot64.inc"

        .set MAX_CPUS, 64               /* stacks reserved; ports 0x600-0x63f */
        .set STACK_SIZE, 4096
        .set SEQUENCE_PORT_BASE, 0x600
        .set SEQUENCE_LENGTH, 1000
        .set DONE_MARKER, 0xFFFFFFFF

        .text
        .code64
main64:
        mov $1, %eax
        cpuid
        shr $24, %ebx                   /* initial APIC ID = vCPU index */
        cmp $MAX_CPUS, %ebx
        jae park                        /* no stack reserved for it: halt without output */

        /* vCPU i's stack is [stacks + i * STACK_SIZE, stacks + (i + 1) * STACK_SIZE);
         * it grows down from the top. */
        lea 1(%rbx), %eax
        imul $STACK_SIZE, %eax, %eax
        lea stacks(%rip), %rsp
        add %rax, %rsp

        lea SEQUENCE_PORT_BASE(%rbx), %edx
        call emit_sequence
park:
        cli
        hlt                             /* the VMM sees this vCPU's HLT exit */
        jmp park                        /* and if it resumes us anyway, halt again */

/* Writes the dwords 1..SEQUENCE_LENGTH to port %dx, then DONE_MARKER.
 * Keeps %rbx as a callee-saved register, on this vCPU's own stack. Clobbers %eax. */
emit_sequence:
        push %rbx
        mov $1, %ebx
1:      mov %ebx, %eax
        outl %eax, %dx
        inc %ebx
        cmp $SEQUENCE_LENGTH, %ebx
        jbe 1b
        mov $DONE_MARKER, %eax
        outl %eax, %dx
        pop %rbx
        ret

        .bss
        .balign 4096
stacks:     .skip MAX_CPUS * STACK_SIZE
