; dispatch.s - a bench workload (workload.inc): a branchy dispatch loop. ITER times
; (-D ITER=n; default 400000) it picks one of eight cases from bits of a pseudo-random x
; and jumps to it through a table (`jr`), as an interpreter's dispatch does; each case
; changes an accumulator differently. Prints the accumulator. -D SUPERVISOR=1 runs it in
; supervisor mode (under full, translated kernel code).

.ifndef ITER
.equ ITER, 400000
.endif
.include "workload.inc"

main:
        li      r10, ITER
        li      r11, 1                  ; x
        movi    r12, 0                  ; acc
        la      r9, cases
        li      r8, 1664525
        li      r7, 1013904223
next_op:
        shri    r5, r11, 13
        andi    r5, r5, 7
        shli    r5, r5, 2
        add     r5, r5, r9
        ldw     r5, [r5]
        jr      r5
case0:  add     r12, r12, r11
        jmp     step
case1:  xor     r12, r12, r11
        jmp     step
case2:  shri    r6, r11, 3
        sub     r12, r12, r6
        jmp     step
case3:  shli    r6, r12, 1
        add     r12, r12, r6
        jmp     step
case4:  addi    r12, r12, 7
        jmp     step
case5:  shli    r6, r11, 5
        xor     r12, r12, r6
        jmp     step
case6:  sub     r12, r12, r11
        jmp     step
case7:  shri    r12, r12, 1
        add     r12, r12, r11
step:
        mul     r11, r11, r8
        add     r11, r11, r7
        subi    r10, r10, 1
        cmpi    r10, 0
        bne     next_op
        mov     r1, r12
        sys

        .align  4
cases:  .word   case0, case1, case2, case3, case4, case5, case6, case7
