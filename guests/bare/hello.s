; hello.s - print "hello, world" and halt.
; Runs on the bare machine with no kernel: paging off, supervisor mode, interrupts off.

.include "../include/platform.inc"

start:
        la      r1, message
.loop:
        ldb     r2, [r1]                ; next byte of the string
        cmpi    r2, 0
        beq     .done
        out     CONSOLE_DATA, r2
        addi    r1, r1, 1
        jmp     .loop
.done:
        hlt                             ; IE is clear: the machine stops here

message:
        .asciz  "hello, world\n"
