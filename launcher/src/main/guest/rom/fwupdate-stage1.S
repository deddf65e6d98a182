/*
 * Stage 1 of the firmware-update tests: the host's firmware. Reads the stage-2 image from
 * fw-cfg into RAM at 16 MiB, writes the opaque marker, stages the image through the interface
 * opt/panavisor/mode names, prints what the host wrote back and resets through 0xCF9. Runs a
 * second time (the host's firmware again: a refused or withdrawn update, a one-shot image that
 * ended) it says so and powers off, unless the mode has 'C' (cycle forever) or 'W' (halt after
 * staging; the host resets). See ../README.md.
 */
    .include "fwupdate.inc"

    .section .text.entry, "ax"
rom_start:
    ROM_START
    incw STAGE1_RUNS
    movw $msg_stage1, %si
    call puts
    movzwl STAGE1_RUNS, %eax
    call puthex32
    call newline
    call load_mode
    movb $'C', %al
    call has_flag
    jc 1f
    movb $'W', %al
    call has_flag
    jc 1f
    cmpw $2, STAGE1_RUNS
    jb 1f
    movw $msg_again, %si
    call puts
    jmp power_off
1:  call load_image
    call write_opaque_marker
    call stage
    movb $'W', %al
    call has_flag
    jc wait_for_reset
    jmp reset_machine

    .section .rodata
msg_stage1: .asciz "STAGE1 RUN "
msg_again:  .asciz "STAGE1 AGAIN\n"

    .section .reset, "ax"
    .globl reset_vector
reset_vector:
    jmp rom_start
    .balign 16, 0xF4
