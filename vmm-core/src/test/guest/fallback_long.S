/*
 * fallback_long: runs, in 64-bit mode at CPL 0, each instruction the instruction fallback
 * carries out, and reports what the CPU did through port I/O (dword writes):
 *
 *   0x610  a result, in the order listed in InstructionFallbackKvmTest
 *   0x611  an exception vector, written by the IDT handler
 *   0x612  the RIP the handler would return to (low 32 bits)
 *   0x613  the error code (0 for vectors without one)
 *
 * Faulting tests set resume_at first: the handler continues there instead of returning.
 * Ends with cli; hlt.
 */
        .include "boot64.inc"
        .include "report.inc"



        .text
        .code64
main64:
        lea stack_top(%rip), %rsp
        call setup_idt

        /* 1. INT3 is a trap: the handler sees the address after it. */
        lea after_int3(%rip), %rax
        report %eax
        int3
after_int3:

        /* 2. STAC sets RFLAGS.AC (bit 18), CLAC clears it. */
        stac
        pushfq
        pop %rax
        shr $18, %eax
        and $1, %eax
        report %eax
        clac
        pushfq
        pop %rax
        shr $18, %eax
        and $1, %eax
        report %eax

        /* 3. POPCNT: 64-bit register, 32-bit memory, 16-bit register; ZF for a zero source. */
        mov $0xF0F0F0F0F0F0F0F0, %rbx
        popcnt %rbx, %rax
        report %eax
        movl $0x00FF00FF, data(%rip)
        popcntl data(%rip), %eax
        report %eax
        mov $0x12345678FFFF0007, %rbx
        mov $-1, %rcx
        popcnt %bx, %cx
        mov %ecx, %eax
        report %eax
        xor %ebx, %ebx
        popcnt %rbx, %rax
        setz %al
        movzbl %al, %eax
        report %eax

        /* 4. LOCK CMPXCHG16B: first equal (ZF=1, memory replaced), then different (ZF=0, RDX:RAX loaded). */
        lea pair(%rip), %rdi
        movq $1, (%rdi)
        movq $2, 8(%rdi)
        mov $1, %eax
        mov $2, %edx
        mov $5, %ebx
        mov $6, %ecx
        lock cmpxchg16b (%rdi)
        setz %al
        movzbl %al, %eax
        report %eax
        mov (%rdi), %eax
        report %eax
        mov 8(%rdi), %eax
        report %eax
        mov $1, %eax
        mov $2, %edx
        lock cmpxchg16b (%rdi)
        setz %bl
        mov %edx, %esi                  /* report clobbers %dx */
        report %eax
        mov %esi, %eax
        report %eax
        movzbl %bl, %eax
        report %eax

        /* 5. XSAVE/XRSTOR: OSXSAVE on, XCR0 = x87|SSE. */
        mov %cr4, %rax
        or $(1 << 18) | (1 << 9), %eax
        mov %rax, %cr4
        xor %ecx, %ecx
        xor %edx, %edx
        mov $3, %eax
        xsetbv
        fninit
        lea area(%rip), %rdi
        mov $3, %eax
        xor %edx, %edx
        xsave (%rdi)
        movzwl (%rdi), %eax             /* FCW after FNINIT */
        report %eax
        movl 24(%rdi), %eax             /* MXCSR */
        report %eax
        movw $0x027F, (%rdi)            /* a different precision control ... */
        orq $1, 512(%rdi)               /* ... marked in use in XSTATE_BV */
        mov $3, %eax
        xor %edx, %edx
        xrstor (%rdi)
        fnstcw scratch(%rip)            /* read back natively */
        movzwl scratch(%rip), %eax
        report %eax

        /* 6. FWAIT with a pending unmasked exception and CR0.NE: #MF. The state comes in through
              XRSTOR: FCW with IM clear, FSW with IE and ES set. */
        mov %cr0, %rax
        or $(1 << 5), %eax
        mov %rax, %cr0
        movw $0x037E, (%rdi)
        movw $0x0081, 2(%rdi)
        mov $1, %eax
        xor %edx, %edx
        xrstor (%rdi)
        lea after_mf(%rip), %rax
        mov %rax, resume_at(%rip)
        fwait
        mov $0xBAD, %eax                /* not reached */
        report %eax
after_mf:
        fninit

        /* 7. XRSTOR with a reserved header byte set: #GP(0). */
        movq $1, 520(%rdi)
        lea after_gp(%rip), %rax
        mov %rax, resume_at(%rip)
        mov $3, %eax
        xor %edx, %edx
        xrstor (%rdi)
        mov $0xBAD, %eax
        report %eax
after_gp:
        /* 8. x87 arithmetic like OVMF's DXE phase runs it, under UEFI's FCW 0x027F (double
              precision, round to nearest, all masked). The host KVM here executes no x87
              instruction itself: every one below goes through the fallback. */
        fninit
        fldcw fcw_uefi(%rip)
        fildl x87_seven(%rip)           /* ST0 = 7 */
        fldl x87_two_half(%rip)         /* ST0 = 2.5, ST1 = 7 */
        fxch %st(1)                     /* ST0 = 7, ST1 = 2.5 */
        fcomi %st(1), %st               /* 7 > 2.5: CF = ZF = 0 */
        fcmovnbe %st(1), %st            /* taken: ST0 = 2.5 */
        fstp %st(1)                     /* ST0 = 2.5 */
        fmuls x87_four(%rip)            /* 10 */
        fdivl x87_three(%rip)           /* 10/3 rounded to 53 bits */
        fstpl data(%rip)
        mov data(%rip), %eax
        report %eax
        mov data+4(%rip), %eax
        report %eax
        fldpi
        fadd %st(0), %st                /* 2 pi */
        fistpl data(%rip)               /* 6 */
        mov data(%rip), %eax
        report %eax
        fildl x87_seven(%rip)
        fsubrs x87_four(%rip)           /* 4 - 7 = -3 */
        fabs
        fsqrt                           /* sqrt(3) to 53 bits */
        fstps data(%rip)                /* rounded again to 24 bits */
        mov data(%rip), %eax
        report %eax
        fld1
        fldz
        fcompp                          /* 0 < 1: C0; pops both */
        fnstsw %ax
        and $0x7F00, %eax               /* C3 TOP C2 C1 C0 */
        report %eax
        fldl x87_two_half(%rip)
        fchs
        fisttpl data(%rip)              /* -2 */
        mov data(%rip), %eax
        report %eax
        fildl x87_seven(%rip)
        fidivrl x87_int_forty_nine(%rip) /* 49 / 7 = 7 */
        fld %st(0)
        fmulp %st, %st(1)               /* 49 */
        fistps data(%rip)
        movzwl data(%rip), %eax
        report %eax
        fnstsw %ax                      /* the stack is empty again, no exception flag */
        and $0x78FF, %eax
        report %eax

        /* 9. SSE2/SSSE3 integer instructions in the shapes of Linux's SSSE3 BLAKE2s round (the
              Debian kernel's random pool runs it): MOVD with REX.R, PADDD, PXOR, PSHUFB with a
              RIP-relative control, shifts by immediate, POR, PSHUFD, PUNPCKLDQ, PADDQ, MOVD and
              MOVQ out to general registers, PSRLDQ; then a 128-bit operand off alignment (#GP(0)).
              The host moves XMM data (MOVDQA/MOVDQU) itself; everything else here is the fallback's. */
        movdqa sse_a(%rip), %xmm0
        movdqa sse_b(%rip), %xmm1
        mov $0x80000001, %ecx
        movd %ecx, %xmm15
        paddd %xmm1, %xmm0
        pxor %xmm0, %xmm1
        pshufb sse_rot16(%rip), %xmm1
        movdqa %xmm1, %xmm8
        psrld $12, %xmm1
        pslld $20, %xmm8
        por %xmm8, %xmm1
        pshufd $0x93, %xmm0, %xmm0
        punpckldq %xmm15, %xmm0
        paddq %xmm15, %xmm0
        movd %xmm1, %eax
        report %eax
        movq %xmm0, %rax
        mov %rax, data(%rip)
        report %eax
        mov data+4(%rip), %eax
        report %eax
        psrldq $4, %xmm1
        movd %xmm1, %eax
        report %eax
        movdqu %xmm0, pair(%rip)
        mov pair+8(%rip), %eax
        report %eax
        mov pair+12(%rip), %eax
        report %eax
        lea after_sse_gp(%rip), %rax
        mov %rax, resume_at(%rip)
        pxor pair+4(%rip), %xmm0
        mov $0xBAD, %eax
        report %eax
after_sse_gp:

        /* 10. Paging as it applies to an emulated store (SDM vol. 3, 4.6.1, 4.7, 4.8): with CR0.WP
               set, MOVD to a read-only 4 KiB page is a #PF with error code P|W (3), CR2 = the
               address, memory unchanged; to a writable page it stores and sets the PTE's accessed
               and dirty flags. The two pages are mapped at linear 0x3FE00000 through the last entry
               of the identity map's page directory (a range nothing else uses). */
        lea ro_page(%rip), %rax
        or $PTE_PRESENT, %rax
        mov %rax, paging_pt(%rip)
        lea rw_page(%rip), %rax
        or $(PTE_PRESENT | PTE_WRITABLE), %rax
        mov %rax, paging_pt+8(%rip)
        lea paging_pt(%rip), %rax
        or $TABLE_FLAGS, %rax
        mov %rax, page_directory+511*8(%rip)
        mov %cr3, %rax
        mov %rax, %cr3
        mov %cr0, %rax
        or $(1 << 16), %rax
        mov %rax, %cr0
        mov $0x5A5A5A5A, %ecx
        movd %ecx, %xmm2
        lea after_ro_store(%rip), %rax
        mov %rax, resume_at(%rip)
        movd %xmm2, 0x3FE00010
        mov $0xBAD, %eax
        report %eax
after_ro_store:
        mov %cr2, %rax
        report %eax
        mov ro_page+0x10(%rip), %eax
        report %eax
        movd %xmm2, 0x3FE01020
        mov rw_page+0x20(%rip), %eax
        report %eax
        mov paging_pt+8(%rip), %rax
        and $(PTE_ACCESSED | PTE_DIRTY), %eax
        report %eax

        mov $0xD0E, %eax
        report %eax
        cli
        hlt

/* ---- IDT: 32 gates to stubs that push their vector ---------------------------------------- */
setup_idt:
        lea idt(%rip), %rdi
        lea stubs(%rip), %rsi
        xor %ecx, %ecx
1:      mov %rsi, %rax
        mov %ax, (%rdi)
        movw $0x18, 2(%rdi)             /* boot64.inc's 64-bit code selector */
        movw $0x8E00, 4(%rdi)           /* present, DPL 0, 64-bit interrupt gate */
        shr $16, %rax
        mov %ax, 6(%rdi)
        shr $16, %rax
        mov %eax, 8(%rdi)
        movl $0, 12(%rdi)
        add $16, %rdi
        add $16, %rsi
        inc %ecx
        cmp $32, %ecx
        jne 1b
        lidt idt_pointer(%rip)
        ret

        .balign 16
stubs:
        exception_stubs common_handler

common_handler:                         /* stack: vector, error code, RIP, CS, RFLAGS, RSP, SS */
        mov (%rsp), %rax
        mov $VECTOR, %dx
        out %eax, %dx
        mov 16(%rsp), %rax
        mov $RETURN_RIP, %dx
        out %eax, %dx
        mov 8(%rsp), %rax
        mov $ERROR_CODE, %dx
        out %eax, %dx
        cmpq $3, (%rsp)
        je 2f
        mov resume_at(%rip), %rax       /* a fault: continue where the test said */
        test %rax, %rax
        jz 3f
        mov %rax, 16(%rsp)
        movq $0, resume_at(%rip)
2:      add $16, %rsp
        iretq
3:      cli
        hlt

        .section .rodata
        .balign 8
x87_two_half:   .double 2.5
x87_three:      .double 3.0
x87_four:       .float 4.0
x87_seven:      .long 7
x87_int_forty_nine: .long 49
fcw_uefi:       .word 0x027F
        .balign 16
sse_a:          .long 0x01234567, 0x89ABCDEF, 0xDEADBEEF, 0x00C0FFEE
sse_b:          .long 0x11111111, 0xF0000000, 0x12345678, 0x0BADF00D
sse_rot16:      .byte 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13
        .balign 8
idt_pointer:
        .word 32 * 16 - 1
        .quad idt

        .bss
        .balign 4096
idt:    .fill 32 * 16, 1, 0
        .balign 64
area:   .fill 4096, 1, 0
        .balign 16
pair:   .fill 16, 1, 0
data:   .fill 8, 1, 0
scratch: .fill 8, 1, 0
resume_at: .fill 8, 1, 0
        .balign 16
        .fill 4096, 1, 0
stack_top:
        .balign 4096
paging_pt: .fill 4096, 1, 0
ro_page: .fill 4096, 1, 0
rw_page: .fill 4096, 1, 0
