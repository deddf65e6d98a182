/*
 * syscall_user: a small kernel that drops to CPL 3 and takes system calls, to show whether
 * SYSCALL enters the kernel at CPL 0 (SyscallRepairKvmTest). Reports through port I/O (dword
 * writes), as the other test guests do:
 *
 *   0x610  a result      0x611  an exception vector the kernel could not handle
 *   0x612  its RIP       0x613  its error code
 *
 * main64 (CPL 0) writes the SYSCALL MSRs (LSTAR last, so that a VMM filtering it sees the
 * final value), reports LSTAR and goes to user mode. The user code then:
 *   1. touches a page that is not present: the kernel's #PF handler maps it (reports its CR2)
 *      and returns, an ordinary page fault that must reach the guest;
 *   2. sets RFLAGS.TF: the single-step trap after the next instruction reaches the kernel's
 *      #DB handler (reports R:d0b01), which clears TF;
 *   3. SYSCALL 1: the kernel reports CS, SS, RFLAGS, RCX and CR2 as it entered, returns by SYSRETQ;
 *   4. SYSCALL 2 with RBX = 0x5A set in user mode after the return: the kernel reports RBX
 *      and halts.
 * Any other exception reports vector, RIP and error code, then halts.
 */
        .include "boot64.inc"
        .include "report.inc"


        .set K_CS, 0x10                 /* Linux's layout: STAR[47:32] = kernel CS, SS = CS + 8 */
        .set K_SS, 0x18
        .set U_SS, 0x2B                 /* STAR[63:48] = 0x23: SYSRET's SS = 0x2B, CS = 0x33 */
        .set U_CS, 0x33
        .set TSS_SEL, 0x40

        .set USER_BASE, 0x200000        /* the 2 MiB user page the code is copied to */
        .set USER_STACK, 0x3FF000
        .set LAZY_PAGE, 0x400000        /* not present until the #PF handler maps it */
        .set BIG_PAGE, 0xE3             /* P W A D PS */
        .set USER, 0x4


        .text
        .code64
main64:
        lea stack_top(%rip), %rsp
        lea gdt2(%rip), %rdi            /* the GDT in Linux's layout, written here: .bss is RAM */
        movq $0, (%rdi)
        movabs $0x00CF9B000000FFFF, %rax    /* 0x08: 32-bit code (unused) */
        mov %rax, 0x08(%rdi)
        movabs $0x00AF9B000000FFFF, %rax    /* 0x10: 64-bit kernel code */
        mov %rax, 0x10(%rdi)
        movabs $0x00CF93000000FFFF, %rax    /* 0x18: kernel data */
        mov %rax, 0x18(%rdi)
        movabs $0x00CFFB000000FFFF, %rax    /* 0x20: 32-bit user code (SYSRET's base) */
        mov %rax, 0x20(%rdi)
        movabs $0x00CFF3000000FFFF, %rax    /* 0x28: user data */
        mov %rax, 0x28(%rdi)
        movabs $0x00AFFB000000FFFF, %rax    /* 0x30: 64-bit user code */
        mov %rax, 0x30(%rdi)
        movq $0, 0x38(%rdi)
        movabs $0x0000890000000067, %rax    /* 0x40: 64-bit TSS, its base filled in below */
        mov %rax, 0x40(%rdi)
        movq $0, 0x48(%rdi)
        lgdt gdt2_pointer(%rip)
        pushq $K_CS                     /* reload CS from the new GDT */
        lea 1f(%rip), %rax
        push %rax
        lretq
1:      mov $K_SS, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov %ax, %fs
        mov %ax, %gs
        lea tss(%rip), %rax             /* the TSS descriptor's base, split as the SDM lays it out */
        lea gdt2(%rip), %rdi
        mov %ax, TSS_SEL + 2(%rdi)
        shr $16, %rax
        mov %al, TSS_SEL + 4(%rdi)
        mov %ah, TSS_SEL + 7(%rdi)
        shr $16, %rax
        mov %eax, TSS_SEL + 8(%rdi)
        lea kernel_stack_top(%rip), %rax
        mov %rax, tss + 4(%rip)         /* RSP0: where a fault from CPL 3 is delivered */
        mov $TSS_SEL, %ax
        ltr %ax
        call setup_idt

        lea user_pml4(%rip), %rax       /* the same identity map, with the user page */
        mov %rax, %cr3

        lea user_code(%rip), %rsi
        mov $USER_BASE, %rdi
        mov $(user_code_end - user_code), %ecx
        rep movsb

        mov $0xC0000080, %ecx           /* EFER.SCE */
        rdmsr
        or $1, %eax
        wrmsr
        mov $0xC0000081, %ecx           /* STAR */
        xor %eax, %eax
        mov $((0x23 << 16) | K_CS), %edx
        wrmsr
        mov $0xC0000084, %ecx           /* FMASK: TF, IF, DF, IOPL, NT, AC */
        mov $0x47700, %eax
        xor %edx, %edx
        wrmsr
        mov $0xC0000082, %ecx           /* LSTAR */
        lea syscall_entry(%rip), %rax
        xor %edx, %edx
        wrmsr
        lea syscall_entry(%rip), %rax
        report %eax

        pushq $U_SS
        pushq $USER_STACK
        pushq $0x2                      /* RFLAGS: interrupts off */
        pushq $U_CS
        pushq $USER_BASE
        iretq

/* ---- user mode (copied to USER_BASE; position-independent) ------------------------------ */

user_code:
        movb $1, LAZY_PAGE              /* 1. an ordinary page fault */
        pushfq                          /* 2. TF: a trap after the nop */
        orq $0x100, (%rsp)
        popfq
        nop
        mov $1, %eax                    /* 3. */
        syscall
        mov $0x5A, %ebx                 /* 4. */
        mov $2, %eax
        syscall
        jmp .
user_code_end:

/* ---- kernel entry points ---------------------------------------------------------------- */

syscall_entry:
        cmp $2, %eax
        je 2f
        mov %cs, %eax
        report %eax
        mov %ss, %eax
        report %eax
        pushfq
        pop %rax
        report %eax
        mov %rcx, %rax
        report %eax
        mov %cr2, %rax                  /* SYSCALL leaves CR2 alone: still step 1's address */
        report %eax
        sysretq
2:      mov %ebx, %eax
        report %eax
        cli
        hlt

pf_handler:                             /* stack: error code, RIP, CS, RFLAGS, RSP, SS */
        push %rax
        mov %cr2, %rax
        cmp $LAZY_PAGE, %rax
        jne fatal_pf
        report %eax
        lea user_pd(%rip), %rax
        movq $(LAZY_PAGE | BIG_PAGE | USER), 16(%rax)
        invlpg LAZY_PAGE
        pop %rax
        add $8, %rsp
        iretq
fatal_pf:
        pop %rax
        push $14
        jmp fatal

db_handler:                             /* a trap: stack RIP, CS, RFLAGS, RSP, SS */
        push %rax
        mov $0xd0b01, %eax
        report %eax
        andq $~0x100, 24(%rsp)          /* TF off in the RFLAGS IRETQ restores */
        pop %rax
        iretq

        .balign 16
stubs:
        exception_stubs fatal

fatal:                                  /* stack: vector, error code, RIP, ... */
        mov (%rsp), %rax
        mov $VECTOR, %dx
        out %eax, %dx
        mov 16(%rsp), %rax
        mov $RETURN_RIP, %dx
        out %eax, %dx
        mov 8(%rsp), %rax
        mov $ERROR_CODE, %dx
        out %eax, %dx
        cli
        hlt

/* Gates 0-31 to the stubs, then #DB and #PF to their handlers. */
setup_idt:
        xor %ecx, %ecx
1:      lea stubs(%rip), %rsi
        mov %ecx, %eax
        shl $4, %eax
        add %rax, %rsi
        call set_gate
        inc %ecx
        cmp $32, %ecx
        jne 1b
        mov $1, %ecx
        lea db_handler(%rip), %rsi
        call set_gate
        mov $14, %ecx
        lea pf_handler(%rip), %rsi
        call set_gate
        lidt idt_pointer(%rip)
        ret

set_gate:                               /* ecx = vector, rsi = handler */
        lea idt(%rip), %rdi
        mov %ecx, %eax
        shl $4, %eax
        add %rax, %rdi
        mov %rsi, %rax
        mov %ax, (%rdi)
        movw $K_CS, 2(%rdi)
        movw $0x8E00, 4(%rdi)           /* present, DPL 0, 64-bit interrupt gate */
        shr $16, %rax
        mov %ax, 6(%rdi)
        shr $16, %rax
        mov %eax, 8(%rdi)
        movl $0, 12(%rdi)
        ret

        .section .rodata
        .balign 8
idt_pointer:
        .word 32 * 16 - 1
        .quad idt

        .section .rodata
        .balign 8
gdt2_pointer:
        .word 10 * 8 - 1
        .quad gdt2

        .section .pagetables, "a"
        .balign 4096
user_pml4:
        .quad user_pdpt + 0x27          /* P W U A */
        .fill 511, 8, 0
user_pdpt:
        .quad user_pd + 0x27
        .fill 511, 8, 0
        /* Written by the #PF handler (LAZY_PAGE), so it lives in RAM like the rest of the image. */
user_pd:
        .quad 0 + BIG_PAGE              /* 0-2 MiB: the kernel, supervisor only */
        .quad USER_BASE + BIG_PAGE + USER
        .fill 510, 8, 0

        .bss
        .balign 16
gdt2:
        .fill 10 * 8, 1, 0
        .balign 16
tss:
        .fill 104, 1, 0
        .balign 16
idt:
        .fill 32 * 16, 1, 0
        .balign 16
        .fill 4096, 1, 0
stack_top:
        .fill 4096, 1, 0
kernel_stack_top:
