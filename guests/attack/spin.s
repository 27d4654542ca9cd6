; spin.s - a guest kernel that disables interrupts and spins forever (no hlt).
;
; Attacks: the VMM's scheduler. With IE clear the guest never takes an interrupt and never
; halts or traps again, so a VMM that relied on the guest's own timer, a hlt or an exit to
; get the CPU back would never run another guest. (spin-timer.s is the variant with the
; guest's timer programmed and first running with interrupts on.)
;
; What must happen: the VMM's own host timer (the scheduling quantum) still takes the CPU
; back: every other guest runs to completion with exactly its bare-mode output, and this
; guest runs until its instruction limit: status limit (with --max-instructions N:
; "instruction limit of N reached"). It never prints anything after its first line.
;
; Expected console output (bare, any limit): spin.expected; status limit.

.include "../include/paravirt.inc"

.ifndef WITH_TIMER
start:
        la      r1, msg
        call    puts
        cli
forever:
        addi    r8, r8, 1               ; busy, not idle
        jmp     forever

msg:    .asciz  "spin: interrupts off, spinning forever\n"

.else
; ---- spin-timer.s: the timer programmed, first with interrupts on, then off ---------------
.equ PERIOD, 50
.equ TICKS, 100

start:
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_start
        call    puts
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        movi    r1, PERIOD
        out     TIMER_PERIOD, r1
        sti
        la      r9, ticks
.busy:                                  ; no hlt: busy until TICKS interrupts were handled
        addi    r8, r8, 1
        ldw     r1, [r9]
        cmpi    r1, TICKS
        blt     .busy
        cli
        la      r1, msg_off
        call    puts
forever:                                ; the timer keeps firing; interrupts stay off
        addi    r8, r8, 1
        jmp     forever

; handler: count the tick, acknowledge it, return. Uses r12, r13 only.
handler:
        la      r12, ticks
        ldw     r13, [r12]
        addi    r13, r13, 1
        stw     r13, [r12]
        movi    r13, IRQ_TIMER
        out     PIC_ACK, r13
        rfe

        .align  4
ticks:          .word   0
msg_start:      .asciz  "spin-timer: timer every 50 ticks, busy with interrupts on\n"
msg_off:        .asciz  "spin-timer: 100 timer interrupts handled; now interrupts off, spinning forever\n"
.endif

.include "lib.s"                         ; puts
