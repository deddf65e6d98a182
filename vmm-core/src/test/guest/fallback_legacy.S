/*
 * fallback_legacy: the fallback's instructions in the modes firmware runs them: 16-bit real
 * mode (OVMF's reset vector starts with FWAIT/FNINIT-style x87 set-up) and 32-bit protected
 * mode without paging. Dword results on port 0x610, in order:
 *   real mode:      1 (after FWAIT; FNINIT; FWAIT), FCW after FNINIT, POPCNT of 0x00FF (16-bit)
 *   protected mode: 2 (after FWAIT; FNINIT; FWAIT), POPCNT of 0x7FFFFFFF (32-bit), ZF of POPCNT 0
 * then cli; hlt.
 */
        .set LOAD_ADDRESS, 0x10000
        .set RESULT, 0x610

        .section .text.entry, "ax"
        .code16
        .globl _start
_start:
        cli
        mov $(LOAD_ADDRESS >> 4), %ax   /* DS = the image, so offsets are link address - load address */
        mov %ax, %ds
        mov $RESULT, %dx

        fwait
        fninit
        fwait
        mov $1, %eax
        outl %eax, %dx
        fnstcw (scratch - LOAD_ADDRESS)
        movzwl (scratch - LOAD_ADDRESS), %eax
        outl %eax, %dx
        mov $0x00FF, %bx
        popcnt %bx, %ax
        movzwl %ax, %eax
        outl %eax, %dx

        lgdtl (gdt_pointer - LOAD_ADDRESS)
        mov %cr0, %eax
        or $1, %eax
        mov %eax, %cr0
        ljmpl $0x08, $protected_mode

        .code32
protected_mode:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov $RESULT, %dx
        fwait
        fninit
        fwait
        mov $2, %eax
        out %eax, %dx
        mov $0x7FFFFFFF, %ebx
        popcnt %ebx, %eax
        out %eax, %dx
        xor %ebx, %ebx
        popcnt %ebx, %eax
        setz %al
        movzbl %al, %eax
        out %eax, %dx
        cli
        hlt

        .section .rodata
        .balign 8
gdt:
        .quad 0
        .quad 0x00CF9B000000FFFF        /* 0x08: flat 32-bit code */
        .quad 0x00CF93000000FFFF        /* 0x10: flat data */
gdt_end:
gdt_pointer:
        .word gdt_end - gdt - 1
        .long gdt

        .bss
scratch: .fill 8, 1, 0

        .section .pagetables, "a"       /* guest.ld expects the section; this guest needs no paging */
