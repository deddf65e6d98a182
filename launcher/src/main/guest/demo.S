/*
 * demo: the smallest guest that shows the VMM boots a 64-bit CPU. In long mode it sets up
 * COM1 for polled 8N1 output, prints a banner with facts only a long-mode CPU can report
 * (the CPUID vendor string and EFER, whose LMA bit 10 is set only in long mode), says
 * goodbye, and asks the VMM to stop through the debug-exit port.
 *
 * Expected output (vendor varies; EFER is LME | LMA, plus SCE/NXE if the VMM sets them):
 *   Panavisor demo guest: 64-bit long mode, CPU vendor GenuineIntel, EFER=0x0000000000000500
 *   demo: power off
 * then a byte write of 0 to port 0x501 (isa-debug-exit status 1).
 */
        .include "boot64.inc"

        .set COM1, 0x3F8
        /* 16550 register offsets: with LCR.DLAB set, offsets 0 and 1 are the divisor latch. */
        .set UART_THR, 0
        .set UART_DLL, 0
        .set UART_IER, 1
        .set UART_DLM, 1
        .set UART_FCR, 2
        .set UART_LCR, 3
        .set UART_MCR, 4
        .set UART_LSR, 5
        .set LSR_THRE, 1 << 5           /* the transmitter can take another byte */

        .set DEBUG_EXIT_PORT, 0x501

/* Writes an immediate byte to an immediate port. Clobbers %al and %dx. */
.macro outb_imm port, value
        mov $\port, %dx
        mov $\value, %al
        outb %al, %dx
.endm

        .text
        .code64
main64:
        lea stack_top(%rip), %rsp
        call uart_init

        lea banner(%rip), %rsi
        call puts

        /* CPUID leaf 0: the vendor string is EBX, EDX, ECX, four ASCII bytes each, low byte
         * first. Copy them out first: put4 needs %ecx and putc needs %edx. */
        xor %eax, %eax
        cpuid
        mov %ebx, %r8d
        mov %edx, %r9d
        mov %ecx, %r10d
        mov %r8d, %eax
        call put4
        mov %r9d, %eax
        call put4
        mov %r10d, %eax
        call put4

        lea efer_label(%rip), %rsi
        call puts
        mov $MSR_EFER, %ecx             /* rdmsr returns the MSR in EDX:EAX */
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        call puthex64

        lea goodbye(%rip), %rsi
        call puts

        /* isa-debug-exit: writing v asks for exit status (v << 1) | 1, so 0 means status 1. */
        outb_imm DEBUG_EXIT_PORT, 0
        /* Still here (no debug-exit device): stop this vCPU for good. */
park:
        cli
        hlt
        jmp park

/* Programs COM1 for 115200 baud 8N1, FIFOs on, no interrupts (we poll). Clobbers %al, %dx. */
uart_init:
        outb_imm COM1 + UART_IER, 0x00  /* no interrupts: there is no interrupt controller anyway */
        outb_imm COM1 + UART_LCR, 0x80  /* DLAB: offsets 0 and 1 become the divisor latch */
        outb_imm COM1 + UART_DLL, 0x01  /* divisor 1: 1.8432 MHz / (16 * 1) = 115200 baud */
        outb_imm COM1 + UART_DLM, 0x00
        outb_imm COM1 + UART_LCR, 0x03  /* 8 data bits, no parity, 1 stop bit; DLAB off */
        outb_imm COM1 + UART_FCR, 0x07  /* FIFOs on, both cleared */
        outb_imm COM1 + UART_MCR, 0x03  /* DTR and RTS; OUT2 off keeps the IRQ line quiet */
        ret

/* Sends %al once the transmitter holding register is empty (LSR bit 5). Clobbers %dx. */
putc:
        push %rax
        mov $COM1 + UART_LSR, %dx
1:      inb %dx, %al
        test $LSR_THRE, %al
        jz 1b
        pop %rax
        mov $COM1 + UART_THR, %dx
        outb %al, %dx
        ret

/* Sends the NUL-terminated string at %rsi. Clobbers %rax, %rdx, %rsi. */
puts:
1:      lodsb
        test %al, %al
        jz 2f
        call putc
        jmp 1b
2:      ret

/* Sends the four bytes of %eax, lowest first. Clobbers %eax, %ecx, %edx. */
put4:
        mov $4, %ecx
1:      call putc
        shr $8, %eax
        dec %ecx
        jnz 1b
        ret

/* Sends %rax as 16 hex digits, most significant first. Clobbers %rax, %ecx, %rdx. */
puthex64:
        mov $16, %ecx
1:      rol $4, %rax                    /* the next nibble to print is now the lowest */
        push %rax
        and $0xF, %eax
        lea hex_digits(%rip), %rdx
        movzbl (%rdx,%rax), %eax
        call putc
        pop %rax
        dec %ecx
        jnz 1b
        ret

        .section .rodata
banner:     .asciz "Panavisor demo guest: 64-bit long mode, CPU vendor "
efer_label: .asciz ", EFER=0x"
goodbye:    .asciz "\ndemo: power off\n"
hex_digits: .ascii "0123456789abcdef"

        .bss
        .balign 16
stack:      .skip 4096
stack_top:
