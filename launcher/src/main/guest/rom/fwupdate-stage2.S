/*
 * Stage 2 of the firmware-update tests: the guest's firmware that stage 1 installs. Prints
 * "STAGE2 OK", whether the opaque marker survived, then powers off through isa-debug-exit.
 * With mode 'R' its first run resets once more (with '2' after staging itself again, so the
 * test sees whether a second update is taken); with 'C' it stages itself and resets forever
 * (the soak); with 'W' it halts for the host to reset (having staged itself again with '2').
 * See ../README.md.
 */
    .include "fwupdate.inc"

    .section .text.entry, "ax"
rom_start:
    ROM_START
    incw STAGE2_RUNS
    movw $msg_stage2, %si
    call puts
    movzwl STAGE2_RUNS, %eax
    call puthex32
    call newline
    call load_mode
    call check_opaque
    movb $'W', %al
    call has_flag
    jnc 4f
    movb $'2', %al
    call has_flag
    jnc 5f
    call load_image
    call stage
5:  jmp wait_for_reset
4:  movb $'C', %al
    call has_flag
    jc 2f
    movb $'R', %al
    call has_flag
    jnc 3f
    cmpw $1, STAGE2_RUNS
    jne 3f
    movb $'2', %al
    call has_flag
    jnc 1f
2:  call load_image
    call stage
1:  jmp reset_machine
3:  jmp power_off

    .section .rodata
msg_stage2: .asciz "STAGE2 OK RUN "

    .section .reset, "ax"
    .globl reset_vector
reset_vector:
    jmp rom_start
    .balign 16, 0xF4
