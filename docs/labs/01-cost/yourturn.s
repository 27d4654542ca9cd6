; yourturn.s - lab 1, "your turn": WORK passes of a three-instruction loop between two
; console writes, LINES times. Predict, then measure, its overhead under --mode full with
; other values of WORK: vmm run docs/labs/01-cost/yourturn.s --mode full -D WORK=1000

.include "platform.inc"

.ifndef WORK
.equ WORK, 10
.endif
.equ LINES, 40

start:
        movi    r9, LINES
.line:
        li      r1, WORK
.work:
        subi    r1, r1, 1
        cmpi    r1, 0
        bne     .work
        movi    r2, '.'
        out     CONSOLE_DATA, r2        ; a console write: the VMM's business
        subi    r9, r9, 1
        cmpi    r9, 0
        bne     .line
        movi    r2, '\n'
        out     CONSOLE_DATA, r2
        hlt
