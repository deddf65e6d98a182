/*
 * A 64 KiB test firmware for the pc machine (flash unit 0, linked at 0xFFFF0000) that
 * exercises the CFI command set on flash unit 1 (8 KiB at 0xFFFEE000) from a real vCPU,
 * so the read-only memslot / trapped MMIO switching is tested under KVM. It prints one
 * upper-case letter per passed check (lower-case when it fails) to the debug console at
 * 0x402, then "DONE". Unit 1 is expected to hold byte (i * 7 + 3) & 0xFF at offset i.
 * When a previous run already programmed it, it checks what that run left and prints
 * "SECOND" instead: the changes survived in the varstore file.
 */
        .set VARS, 0xFFFEE000
        .set DEBUGCON, 0x402

        .macro OUTC c
        movb $\c, %al
        movw $DEBUGCON, %dx
        outb %al, %dx
        .endm

        /* Consumes ZF from the preceding compare. */
        .macro VERIFY good, bad
        jne 1f
        OUTC \good
        jmp 2f
1:      OUTC \bad
2:
        .endm

        .text
        .code16
image_base:
start16:
        cli
        lgdtl %cs:(gdtr - image_base)
        movl %cr0, %eax
        orl $1, %eax
        movl %eax, %cr0
        ljmpl $0x08, $start32

        .code32
start32:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movl $0x8000, %esp
        movl $VARS, %ebx
        cmpb $0xA5, 0x20(%ebx)
        je second_run

        cmpb $0x73, 0x10(%ebx)          /* read-array through the read-only memslot */
        VERIFY 'R', 'r'
        movb $0x70, (%ebx)              /* read status: the write exits, the slot goes away */
        cmpb $0x80, 0x10(%ebx)          /* so this read reaches the device: WSM ready */
        VERIFY 'S', 's'
        movb $0xFF, (%ebx)              /* back to read-array */
        cmpb $0x73, 0x10(%ebx)
        VERIFY 'A', 'a'
        movb $0x10, 0x20(%ebx)          /* byte program */
        movb $0xA5, 0x20(%ebx)
        cmpb $0x80, 0x20(%ebx)          /* status after the program */
        VERIFY 'T', 't'
        movb $0xFF, (%ebx)
        cmpb $0xA5, 0x20(%ebx)
        VERIFY 'P', 'p'
        movb $0x20, 0x1000(%ebx)        /* erase the second block, confirm */
        movb $0xD0, 0x1000(%ebx)
        movb $0xFF, (%ebx)
        cmpb $0xFF, 0x1000(%ebx)
        VERIFY 'E', 'e'
        cmpb $0xFF, 0x1FFF(%ebx)
        VERIFY 'F', 'f'
        cmpb $0x03, 0x0000(%ebx)        /* the first block kept its contents */
        VERIFY 'K', 'k'
        movb $0x98, (%ebx)              /* CFI query */
        cmpb $'Q', 0x10(%ebx)
        VERIFY 'Q', 'q'
        movb $0xFF, (%ebx)
        movl $done_text, %esi
        jmp print

second_run:
        cmpb $0xFF, 0x1000(%ebx)
        VERIFY 'E', 'e'
        cmpb $0x73, 0x10(%ebx)
        VERIFY 'R', 'r'
        movl $second_text, %esi

print:
        movw $DEBUGCON, %dx
1:      lodsb
        testb %al, %al
        jz halt
        outb %al, %dx
        jmp 1b
halt:
        hlt
        jmp halt

done_text:
        .asciz " DONE\n"
second_text:
        .asciz " SECOND\n"

        /* The descriptors come with their accessed bits set: the CPU would otherwise write
         * them into the GDT on the first load, and the GDT is in (read-only) flash. */
        .balign 8
gdt:
        .quad 0
        .quad 0x00CF9B000000FFFF        /* 0x08: flat 32-bit code */
        .quad 0x00CF93000000FFFF        /* 0x10: flat data */
gdtr:
        .word gdtr - gdt - 1
        .long gdt

        .org 0xFFF0
        .code16
reset_vector:
        jmp start16
        .org 0x10000
