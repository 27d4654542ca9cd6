; timer-edges.s - the interval timer at its edges: tiny, huge and zero periods, rewrites, merges.
;
; Attacks: the VMM's virtual timer and its clock (the guest's own instruction count), and
; the virtual interrupt controller's one pending bit per line. Stage by stage, the guest
; reads PERIOD, REMAINING, NOW and the PIC's PENDING back to back (one tick apart):
; 1. the timer stopped at reset; 2. period 0xffffffff (REMAINING and NOW read, never waited
; for), then 0 to stop it; 3. periods 1, 2 and 3 with interrupts off: REMAINING read at
; every tick across several period ends, the pending bit, an acknowledge that the next
; tick undoes; 4. periods 1, 2 and 3 with interrupts on and a handler that acknowledges
; each interrupt and stops the timer at the 20th: the interrupts come back to back, the
; main loop gets no instruction in between them; 5. the period rewritten while its interrupt is pending (the pending bit stays, the
; new period runs from the rewrite); 6. the period rewritten one tick before it would end,
; at the very tick it ends, and one tick after; 7. 100 periods missed with interrupts off,
; then 100 more with the line masked: each time they merge into ONE interrupt, and the
; phase is kept; 8. the timer stopped while its interrupt is pending; 9. a period of
; 0x100000 ticks waited for with hlt (halted ticks, not instructions).
;
; What must happen: every value read, every interrupt (count, the instruction it came
; before, the tick it came at) exactly as on bare hardware, in every mode and with any
; scheduling quantum. The guest prints them all, then its total interrupts and its clock.
;
; Expected console output (bare, 1 MiB): timer-edges.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ STOP_AT, 20                        ; stage 4: the handler stops the timer at this count

; hs: what the timer interrupt handler recorded (it owns r10..r13)
.equ H_COUNT, 0                         ; interrupts taken since the last reset_hs
.equ H_STOP, 4                          ; at this count (and above) the handler stops the timer
.equ H_FIRST_SPC, 8
.equ H_FIRST_NOW, 12                    ; TIMER_NOW read as the handler's 3rd instruction
.equ H_LAST_SPC, 16
.equ H_LAST_NOW, 20
.equ H_TOTAL, 24                        ; interrupts taken since the start

; BURST2..: read ports back to back into buf (via r0, r2..r8), then print them.
; SHOWX "text", reg: "  text: 0x<reg>"; SHOWD: the same in decimal. Clobber r1..r5, r9.
.macro SHOWX text, reg
        mov     r9, \reg
        la      r1, showx_s\@
        call    show_hex
        jmp     showx_a\@
showx_s\@:
        .asciz  \text
        .align  4
showx_a\@:
.endm

.macro SHOWD text, reg
        mov     r9, \reg
        la      r1, showd_s\@
        call    show_dec
        jmp     showd_a\@
showd_s\@:
        .asciz  \text
        .align  4
showd_a\@:
.endm

.macro SAY text
        la      r1, say_s\@
        call    puts
        jmp     say_a\@
say_s\@:
        .asciz  \text
        .align  4
say_a\@:
.endm

; DUMP "text", count: print buf[0..count) in decimal after "  text:" (r0, r2..r8 saved
; there first). Keeps r6; clobbers r1..r5, r7..r9.
.macro DUMP text, count
        call    save8
        push    r6
        la      r1, dump_s\@
        movi    r6, \count
        call    dump
        pop     r6
        jmp     dump_a\@
dump_s\@:
        .asciz  \text
        .align  4
dump_a\@:
.endm

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        SAY     "timer-edges: the interval timer at its edges\n"

        ; ---- 1. stopped ---------------------------------------------------------------
        SAY     "1. at reset (period, remaining, now, pending):\n"
        in      r0, TIMER_PERIOD
        in      r2, TIMER_REMAINING
        in      r3, TIMER_NOW
        in      r4, PIC_PENDING
        DUMP    "read", 4

        ; ---- 2. period 0xffffffff, then 0 -----------------------------------------------
        SAY     "2. period 0xffffffff (remaining x2, now, period, pending), then 0 (remaining, period, pending):\n"
        li      r1, 0xffffffff
        in      r9, TIMER_NOW
        out     TIMER_PERIOD, r1
        in      r0, TIMER_REMAINING
        in      r2, TIMER_REMAINING
        in      r3, TIMER_NOW
        in      r4, TIMER_PERIOD
        in      r5, PIC_PENDING
        movi    r1, 0
        out     TIMER_PERIOD, r1
        in      r6, TIMER_REMAINING
        in      r7, TIMER_PERIOD
        in      r8, PIC_PENDING
        sub     r3, r3, r9              ; now: ticks since the read before the out
        DUMP    "read", 8
        li      r1, 0x80000000          ; and 2^31: remaining just below it
        out     TIMER_PERIOD, r1
        in      r0, TIMER_REMAINING
        in      r2, TIMER_PERIOD
        movi    r1, 0
        out     TIMER_PERIOD, r1
        in      r3, TIMER_REMAINING
        DUMP    "period 0x80000000 (remaining, period), stopped (remaining)", 3

        ; ---- 3. periods 1, 2, 3 with interrupts off: REMAINING at every tick ------------
        SAY     "3. interrupts off, remaining read at every tick after the out:\n"
        movi    r1, 1
        out     TIMER_PERIOD, r1
        in      r0, TIMER_REMAINING
        in      r2, TIMER_REMAINING
        in      r3, TIMER_REMAINING
        in      r4, PIC_PENDING
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1             ; the timer raises it again at this very tick...
        in      r5, PIC_PENDING         ; ...and at the next
        movi    r1, 0
        out     TIMER_PERIOD, r1
        in      r6, PIC_PENDING         ; still pending: stopping the timer acks nothing
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1
        in      r7, PIC_PENDING
        in      r8, TIMER_NOW
        DUMP    "period 1 (rem x3, pending, after ack, after stop, after ack)", 8
        movi    r1, 2
        out     TIMER_PERIOD, r1
        in      r0, TIMER_REMAINING
        in      r2, TIMER_REMAINING
        in      r3, TIMER_REMAINING
        in      r4, TIMER_REMAINING
        in      r5, TIMER_REMAINING
        in      r6, PIC_PENDING
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1             ; at an odd tick: no period ends here
        in      r7, PIC_PENDING         ; ...but one ends here
        in      r8, PIC_PENDING
        DUMP    "period 2 (rem x5, pending, after ack x2)", 8
        movi    r1, 0
        out     TIMER_PERIOD, r1
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1
        movi    r1, 3
        out     TIMER_PERIOD, r1
        in      r0, TIMER_REMAINING
        in      r2, PIC_PENDING
        in      r3, TIMER_REMAINING     ; the period ends at this tick
        in      r4, PIC_PENDING
        in      r5, TIMER_REMAINING
        in      r6, TIMER_REMAINING
        in      r7, TIMER_REMAINING
        in      r8, TIMER_REMAINING
        DUMP    "period 3 (rem, pending, rem, pending, rem x4)", 8
        movi    r1, 0
        out     TIMER_PERIOD, r1
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1

        ; ---- 4. periods 1, 2, 3 with interrupts on ----------------------------------------
        SAY     "4. interrupts on, the handler acknowledges and stops the timer at the 20th:\n"
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        movi    r7, 1
stage4:
        movi    r1, STOP_AT
        call    reset_hs
        movi    r8, 0                   ; the main loop's progress
        in      r6, TIMER_NOW
        out     TIMER_PERIOD, r7
        sti
s4_main:                                ; until the handler stops the timer
        addi    r8, r8, 1
        in      r2, TIMER_PERIOD
        cmpi    r2, 0
        bne     s4_main
        cli
        SHOWD   "period", r7
        SHOWD   "main loop iterations", r8
        call    print_hs
        addi    r7, r7, 1
        cmpi    r7, 3
        ble     stage4

        ; ---- 5. period rewritten while its interrupt is pending --------------------------
        SAY     "5. period 5, 20 ticks with interrupts off, then period 100 rewritten, then sti:\n"
        movi    r1, 1
        call    reset_hs
        in      r6, TIMER_NOW
        movi    r1, 5
        out     TIMER_PERIOD, r1
        movi    r2, 6
.spin5:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin5                  ; 18 ticks
        in      r0, PIC_PENDING
        in      r2, TIMER_REMAINING
        movi    r1, 100
        out     TIMER_PERIOD, r1
        in      r3, PIC_PENDING
        in      r4, TIMER_REMAINING
        in      r5, TIMER_NOW
        sub     r5, r5, r6
        sti
s5_after_sti:
        nop
        nop
        cli
        DUMP    "pending, rem, (rewrite) pending, rem, now", 5
        call    print_hs

        ; ---- 6. period rewritten around the tick it ends -----------------------------------
        SAY     "6. period 10 written at tick t, rewritten to 10 (interrupts on):\n"
        movi    r1, 1
        call    reset_hs
        movi    r1, 10
        in      r6, TIMER_NOW
        out     TIMER_PERIOD, r1
        sti                             ; tick t + 1 (the out was t)
        nop                             ; 7 instructions: the rewrite at t + 9, remaining 1
        nop
        nop
        nop
        nop
        nop
        nop
        out     TIMER_PERIOD, r1
        call    wait_stop
        SAY     "  rewritten at t + 9 (remaining 1):\n"
        call    print_hs

        movi    r1, 1
        call    reset_hs
        movi    r1, 10
        in      r6, TIMER_NOW
        out     TIMER_PERIOD, r1
        sti
        nop                             ; 8: the rewrite at t + 10, the tick the period ends
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        out     TIMER_PERIOD, r1
        call    wait_stop
        SAY     "  rewritten at t + 10 (the tick it ends):\n"
        call    print_hs

        movi    r1, 2
        call    reset_hs
        movi    r1, 10
        in      r6, TIMER_NOW
        out     TIMER_PERIOD, r1
        sti
        nop                             ; 9: the rewrite at t + 11, one tick after it ended
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        out     TIMER_PERIOD, r1
        call    wait_stop
        SAY     "  rewritten at t + 11 (one tick after; the handler stops the timer from its 2nd on):\n"
        call    print_hs

        ; ---- 7. many periods missed: one interrupt ----------------------------------------
        SAY     "7. period 7, 100 periods with interrupts off, then sti:\n"
        movi    r1, 1
        call    reset_hs
        in      r6, TIMER_NOW
        movi    r1, 7
        out     TIMER_PERIOD, r1
        movi    r2, 233
.spin7:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin7                  ; 699 ticks
        in      r0, PIC_PENDING
        in      r2, TIMER_REMAINING
        in      r3, TIMER_NOW
        sub     r3, r3, r6
        sti
s7_after_sti:
        nop
        cli
        DUMP    "pending, rem, now", 3
        call    print_hs
        SAY     "   the same with interrupts on but the line masked, then unmasked:\n"
        movi    r1, 1
        call    reset_hs
        li      r1, -1
        out     PIC_MASK, r1
        in      r6, TIMER_NOW
        movi    r1, 7
        out     TIMER_PERIOD, r1
        sti
        movi    r2, 233
.spin7b:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin7b
        in      r0, PIC_PENDING
        in      r2, PIC_NEXT
        in      r3, TIMER_REMAINING
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1            ; taken right after this out
s7b_after_unmask:
        nop
        cli
        DUMP    "pending, next (masked), rem", 3
        call    print_hs

        ; ---- 8. stopped while pending ------------------------------------------------------
        SAY     "8. period 1 stopped while pending (pending, rem, period), then sti:\n"
        movi    r1, 1
        call    reset_hs
        in      r6, TIMER_NOW
        movi    r1, 1
        out     TIMER_PERIOD, r1
        movi    r1, 0
        out     TIMER_PERIOD, r1
        in      r0, PIC_PENDING
        in      r2, TIMER_REMAINING
        in      r3, TIMER_PERIOD
        sti
        nop
        cli
        DUMP    "read", 3
        call    print_hs

        ; ---- 9. a long period waited for with hlt ------------------------------------------
        SAY     "9. period 0x100000, sti, hlt:\n"
        movi    r1, 1
        call    reset_hs
        li      r1, 0x100000
        in      r6, TIMER_NOW
        out     TIMER_PERIOD, r1
        sti
        hlt
s9_after_hlt:
        cli
        call    print_hs

        ; ---- the end ------------------------------------------------------------------------
        movi    r1, 0
        out     TIMER_PERIOD, r1
        la      r1, hs
        ldw     r7, [r1 + H_TOTAL]
        in      r8, TIMER_NOW
        in      r6, PIC_PENDING
        SHOWD   "timer-edges: interrupts taken in all", r7
        SHOWX   "pending at the end", r6
        SHOWD   "clock (TIMER_NOW)", r8
        SAY     "timer-edges: done\n"
        jmp     halt_forever

; wait_stop: spin with interrupts on until the handler has stopped the timer (PERIOD 0).
; Returns with interrupts off.
wait_stop:
        in      r2, TIMER_PERIOD
        cmpi    r2, 0
        bne     wait_stop
        cli
        ret

; reset_hs: count = 0, stop at r1. Clobbers r1, r2.
reset_hs:
        la      r2, hs
        stw     r1, [r2 + H_STOP]
        movi    r1, 0
        stw     r1, [r2 + H_COUNT]
        stw     r1, [r2 + H_FIRST_SPC]
        stw     r1, [r2 + H_FIRST_NOW]
        stw     r1, [r2 + H_LAST_SPC]
        stw     r1, [r2 + H_LAST_NOW]
        ret

; print_hs: the handler's record; times relative to r6 (a TIMER_NOW read before the out),
; pcs as labels' offsets from `start`. Clobbers r1..r5, r9.
print_hs:
        push    lr
        la      r1, hs
        ldw     r9, [r1 + H_COUNT]
        la      r1, msg_taken
        call    show_dec
        la      r1, hs
        ldw     r9, [r1 + H_COUNT]
        cmpi    r9, 0
        beq     .done
        ldw     r9, [r1 + H_FIRST_SPC]
        la      r1, msg_first_pc
        call    show_hex
        la      r1, hs
        ldw     r9, [r1 + H_FIRST_NOW]
        sub     r9, r9, r6
        la      r1, msg_first_now
        call    show_dec
        la      r1, hs
        ldw     r9, [r1 + H_LAST_SPC]
        la      r1, msg_last_pc
        call    show_hex
        la      r1, hs
        ldw     r9, [r1 + H_LAST_NOW]
        sub     r9, r9, r6
        la      r1, msg_last_now
        call    show_dec
.done:
        pop     lr
        ret

; save8: buf[0..8) = r0, r2, r3, r4, r5, r6, r7, r8. Clobbers r9.
save8:
        la      r9, buf
        stw     r0, [r9]
        stw     r2, [r9 + 4]
        stw     r3, [r9 + 8]
        stw     r4, [r9 + 12]
        stw     r5, [r9 + 16]
        stw     r6, [r9 + 20]
        stw     r7, [r9 + 24]
        stw     r8, [r9 + 28]
        ret

; dump: "  <r1>: v v v\n" for buf[0..r6), in decimal. Clobbers r1..r5, r7, r8.
dump:
        push    lr
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_colon2
        call    puts
        la      r8, buf
        movi    r7, 0
.next:
        cmp     r7, r6
        bge     .done
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ldw     r1, [r8]
        call    put_dec
        addi    r8, r8, 4
        addi    r7, r7, 1
        jmp     .next
.done:
        call    newline
        pop     lr
        ret

; handler: the timer's interrupt (anything else is unexpected). Uses r10..r13 only. It
; stops the timer (at H_STOP) BEFORE acknowledging, so that a period ending while it runs
; is acknowledged too.
handler:
        mfcr    r10, cause
        in      r13, TIMER_NOW
        cmpi    r10, CAUSE_IRQ_BASE + IRQ_TIMER
        bne     unexpected
        la      r12, hs
        ldw     r10, [r12 + H_TOTAL]
        addi    r10, r10, 1
        stw     r10, [r12 + H_TOTAL]
        ldw     r10, [r12 + H_COUNT]
        addi    r10, r10, 1
        stw     r10, [r12 + H_COUNT]
        ldw     r11, [r12 + H_STOP]
        cmp     r10, r11
        blt     .ack
        movi    r11, 0
        out     TIMER_PERIOD, r11
.ack:
        movi    r11, IRQ_TIMER
        out     PIC_ACK, r11
        mfcr    r11, spc
        stw     r11, [r12 + H_LAST_SPC]
        stw     r13, [r12 + H_LAST_NOW]
        cmpi    r10, 1
        bne     .return
        stw     r11, [r12 + H_FIRST_SPC]
        stw     r13, [r12 + H_FIRST_NOW]
.return:
        rfe


        .align  4
hs:             .space  32
buf:            .space  32
msg_taken:      .asciz  "interrupts taken"
msg_first_pc:   .asciz  "first taken before pc"
msg_first_now:  .asciz  "first: handler's now - now before the out"
msg_last_pc:    .asciz  "last taken before pc"
msg_last_now:   .asciz  "last: handler's now - now before the out"
msg_colon2:     .asciz  ":"

.include "lib.s"
