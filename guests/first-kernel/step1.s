; step1.s - your first kernel, step 1 (docs/first-kernel.md): the machine starts here, in
; supervisor mode, paging off, interrupts off. Print a line on the console and stop.

.include "platform.inc"

start:
        la      r1, hello
.next:
        ldb     r2, [r1]                ; the next byte of the string
        cmpi    r2, 0
        beq     .done
        out     CONSOLE_DATA, r2        ; a port write: the console
        addi    r1, r1, 1
        jmp     .next
.done:
        hlt                             ; interrupts off: the machine stops

hello:  .asciz  "step 1: a kernel that prints\n"
