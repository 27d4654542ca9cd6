; yourturn.s - lab 7, "your turn": a kernel that waits for the timer with hlt, TICKS times.
; Each hlt is an exit under --mode hw by default (the VMM takes the CPU while the guest
; waits). Predict what --exit-off hlt changes (exits, cycles, what the guest prints), then
; measure: vmm run docs/labs/07-hardware/yourturn.s --mode hw --exit-off hlt -q --stats

.include "platform.inc"

.equ TICKS, 20
.equ PERIOD, 500                        ; timer period in ticks

start:
        la      r1, on_timer
        mtcr    tvec, r1
        li      r1, ~(1 << IRQ_TIMER)       ; unmask the timer's line only
        out     PIC_MASK, r1
        li      r1, PERIOD
        out     TIMER_PERIOD, r1
        movi    r9, 0                   ; timer interrupts taken
        sti
.wait:
        hlt                             ; until the next timer interrupt
        cmpi    r9, TICKS
        blt     .wait
        cli
        movi    r1, 'T'
        out     CONSOLE_DATA, r1
        movi    r1, '\n'
        out     CONSOLE_DATA, r1
        hlt

on_timer:
        addi    r9, r9, 1
        movi    r12, IRQ_TIMER
        out     PIC_ACK, r12
        rfe
