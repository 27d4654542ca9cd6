; hw-inject-storm.s - an interrupt every tick, taken as fast as the guest can take them.
;
; Attacks: event injection (--mode hw: the VMM injects each virtual interrupt on a VM
; entry) and the VMM's scheduler under an interrupt storm. The timer fires every 10 ticks with
; interrupts on; the handler acknowledges and returns at once, so the guest spends nearly
; every instruction in its handler. The main loop counts how far it gets between
; interrupts; the STORM-th interrupt stops the timer, and the guest prints both counts and
; halts.
;
; What must happen: the same counts as bare hardware in every mode (each interrupt is taken
; at the same instruction), and the neighbours run exactly as alone.
;
; Expected console output (bare): hw-inject-storm.expected; status halted.

.include "../include/paravirt.inc"

.equ STORM, 3000
.equ PERIOD, 10

start:
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_start
        call    puts
        la      r9, ticks
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        movi    r1, PERIOD
        out     TIMER_PERIOD, r1
        sti
.loop:
        addi    r8, r8, 1               ; r8 = main-loop rounds
        ldw     r1, [r9]
        cmpi    r1, STORM
        blt     .loop
        cli
        la      r1, msg_ticks
        call    puts
        ldw     r1, [r9]
        call    put_dec
        la      r1, msg_rounds
        call    puts
        mov     r1, r8
        call    put_dec
        call    newline
        jmp     halt_forever

; handler: count, acknowledge, return; the STORM-th stops the timer. Uses r12, r13 only.
handler:
        la      r12, ticks
        ldw     r13, [r12]
        addi    r13, r13, 1
        stw     r13, [r12]
        cmpi    r13, STORM
        blt     .ack
        movi    r13, 0
        out     TIMER_PERIOD, r13
.ack:
        movi    r13, IRQ_TIMER
        out     PIC_ACK, r13
        rfe

        .align  4
ticks:          .word   0
msg_start:      .asciz  "hw-inject-storm: the timer fires every 10 ticks, interrupts on\n"
msg_ticks:      .asciz  "hw-inject-storm: interrupts taken: "
msg_rounds:     .asciz  "; main-loop rounds between them: "

.include "lib.s"
