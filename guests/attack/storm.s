; storm.s - an interrupt storm: the timer fires every tick and the handler never
; acknowledges it.
;
; Attacks: the VMM's interrupt injection. The timer's period is 1 and its line unmasked;
; the handler returns (rfe, which sets IE again) without writing PIC_ACK, so the line is
; still pending and the very next thing the CPU does is take the interrupt again: the
; main program never gets another instruction in. Under the VMM every one of these is an
; injection plus an exit (the handler's rfe). The handler prints one line at its 1000th
; interrupt (with how far the main loop got: not far) and, so that the run ends, halts
; at its 20000th (-D STOP_AT=N for another number; a huge N storms until the limit).
;
; What must happen: the VMM injects exactly as the bare machine delivers, never throws,
; and still schedules the other guests, which complete as alone; this guest prints its
; three lines and halts (after about 200000 instructions).
;
; Expected console output (bare): storm.expected; status halted.

.include "../include/paravirt.inc"

.equ REPORT_AT, 1000
.ifndef STOP_AT
.equ STOP_AT, 20000
.endif

start:
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_start
        call    puts
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        movi    r1, 1
        out     TIMER_PERIOD, r1
        movi    r8, 0
        sti
main:
        addi    r8, r8, 1               ; the main program's progress
        jmp     main

; handler: count interrupts (in memory); at REPORT_AT, print the count and r8. Never acks.
handler:
        la      r12, storms
        ldw     r13, [r12]
        addi    r13, r13, 1
        stw     r13, [r12]
        cmpi    r13, STOP_AT
        beq     .stop
        cmpi    r13, REPORT_AT
        bne     .return
        la      r1, msg_report
        call    puts
        mov     r1, r8
        call    put_dec
        la      r1, msg_report2
        call    puts
        mfcr    r1, cause
        call    put_dec
        la      r1, msg_nl
        call    puts
.return:
        rfe
.stop:
        la      r1, msg_stop
        call    puts
        cli
        hlt

        .align  4
storms:         .word   0
msg_start:      .asciz  "storm: timer period 1, unmasked, never acknowledged\n"
msg_report:     .asciz  "storm: 1000 interrupts taken; the main loop ran "
msg_report2:    .asciz  " times; cause "
msg_nl:         .asciz  "\n"
msg_stop:       .asciz  "storm: 20000 interrupts taken, none acknowledged; halting\n"

.include "lib.s"                         ; puts, put_dec
