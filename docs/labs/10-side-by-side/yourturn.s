; yourturn.s - lab 10, "your turn": a microbenchmark of your own, in the form vmm compare
; measures (ITER passes; docs/compare.md). One pass saves the interrupt flag, disables
; interrupts and restores it (the ops irq_save and irq_restore of paravirt.inc: natively
; getf, cli and setf; PARAVIRT loads and stores in the shared-info page). Predict which
; technique pays least, then: vmm compare docs/labs/10-side-by-side/yourturn.s

.include "paravirt.inc"

.ifndef ITER
.equ ITER, 1000
.endif

        .org    0x1000
start:
        li      r10, ITER
pass:
        irq_save r5
        irq_restore r5
        subi    r10, r10, 1
        cmpi    r10, 0
        bne     pass
        la      r1, done
.print:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .end
        putc    r2
        addi    r1, r1, 1
        jmp     .print
.end:
        halt

done:   .asciz  "irqsave: done\n"
        .align  4
.include "paravirt.s"
