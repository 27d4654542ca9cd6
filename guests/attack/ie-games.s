; ie-games.s - the interrupt-enable flag as a guarded resource, stage by stage.
;
; Attacks: the VMM's virtual IE and its interrupt injection: when a pending virtual
; interrupt may be delivered, and at exactly which instruction. With the guest's timer
; unmasked, the guest counts the interrupts its handler takes (and where) at each stage:
; 1. the kernel keeps IE off while its timer fires 12 times: nothing is taken, the line
;    is pending; then `sti`: one interrupt, taken right after the sti;
; 2. cli/sti in a tight loop under a fast timer: interrupts are taken only where IE = 1,
;    never between the cli and the sti;
; 3. rfe restores IE from sflags: rfe with S|IE and an interrupt pending is interrupted
;    before the instruction it returns to; rfe with S alone is not, until an sti; a
;    syscall handler that runs with IE off while the timer fires (then stops it) takes the
;    interrupt as soon as its rfe turns IE back on;
; 4. a user task (IE on) tries to turn interrupts off: cli and sti trap `privileged`,
;    setf with 0 silently keeps IE, and the timer keeps interrupting it;
; 5. hlt with IE on waits for the timer: with the timer's period 1, 2, 3 and 500 ticks
;    programmed just before `sti; hlt`, the interrupt comes before the hlt (period 1),
;    exactly as the hlt retires (2), or after halted ticks (3, 500); the guest prints
;    where it was taken and the ticks that passed (TIMER_NOW); its handler then sets the
;    period to 100, so a hlt after an interrupt still wakes up;
; 6. one interrupt (the handler then slows the timer right down) due P = 1..11 ticks
;    after `out TIMER_PERIOD`, then `sti` and a run of privileged instructions (which a
;    VMM emulates one by one) ending in cli: the instruction it came before, for each P;
; 7. the same for a user task entered by rfe with IE on (cli, setf, cpuid, sti, brk, sys
;    among its instructions), P = 1..40.
;
; What must happen: the same interrupts at the same instructions and ticks as on bare
; hardware, in every mode. In stages 4 and 7, with --strict the user task's setf (and
; cpuid) trap `privileged` (on bare hardware too), so a --strict run prints different
; counts and positions there: compare it with `--mode bare --strict`.
;
; Expected console output (bare, 1 MiB): ie-games.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ RELOAD, 100                        ; stage 5: the handler's new period
.equ ONE_SHOT, 0x7fffffff               ; stages 6, 7: the handler's new period (never again)
.equ SYS_SPIN, 40                       ; iterations the syscall handler spins (IE off)

; irqs: what the handler counted
.equ I_COUNT, 0                         ; timer interrupts taken
.equ I_SPC, 4                           ; the saved pc of the last one
.equ I_USER, 8                          ; ... taken in user mode
.equ I_INSIDE, 12                       ; ... with the saved pc between cli and sti (stage 2)
.equ I_AFTER_STI, 16                    ; ... with the saved pc right after that sti
.equ I_PRIV, 20                         ; privileged traps
.equ I_RELOAD, 24                       ; if not 0: the period the handler restarts the timer with
.equ I_FIRST, 28                        ; the saved pc of the first one
.equ I_SIZE, 32

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1            ; the timer only

        ; ---- stage 1: IE off while the timer fires, then sti -----------------------------
        la      r1, msg_s1
        call    puts
        call    reset
        movi    r1, 50
        out     TIMER_PERIOD, r1
        movi    r2, 200
.spin1:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin1                  ; 600 instructions: 12 periods
        in      r7, PIC_PENDING
        la      r1, irqs
        ldw     r6, [r1 + I_COUNT]
        sti
s1_after_sti:
        cli
        call    timer_stop
        la      r1, msg_taken
        call    puts
        mov     r1, r6
        call    put_dec
        la      r1, msg_pending
        call    puts
        mov     r1, r7
        call    put_hex
        call    newline
        la      r1, msg_sti
        call    puts
        la      r2, s1_after_sti
        call    show_taken

        ; ---- stage 2: cli/sti in a tight loop under a fast timer -----------------------
        la      r1, msg_s2
        call    puts
        call    reset
        movi    r1, 41
        out     TIMER_PERIOD, r1
        movi    r2, 300
loop2:
        cli
crit:
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        addi    r3, r3, 1
        sti
after_sti:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     loop2
        cli
        call    timer_stop
        la      r1, msg_taken
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_COUNT]
        call    put_dec
        la      r1, msg_after_sti
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_AFTER_STI]
        call    put_dec
        la      r1, msg_inside
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_INSIDE]
        call    put_dec
        call    newline

        ; ---- stage 3: rfe restores IE from sflags ----------------------------------------
        la      r1, msg_s3
        call    puts
        call    reset
        call    make_pending
        la      r1, rfe_target
        mtcr    spc, r1
        movi    r1, FLAG_S | FLAG_IE
        mtcr    sflags, r1
        rfe
rfe_target:
        cli
        la      r1, msg_rfe_ie
        call    puts
        la      r2, rfe_target
        call    show_taken

        call    reset
        call    make_pending
        la      r1, rfe_target2
        mtcr    spc, r1
        movi    r1, FLAG_S
        mtcr    sflags, r1
        rfe
rfe_target2:
        la      r1, irqs
        ldw     r6, [r1 + I_COUNT]
        sti
after_sti2:
        cli
        la      r1, msg_rfe_s
        call    puts
        mov     r1, r6
        call    put_dec
        la      r1, msg_then_sti
        call    puts
        la      r2, after_sti2
        call    show_taken

        call    reset
        movi    r1, 30
        out     TIMER_PERIOD, r1
        sti
        sys                             ; the handler spins with IE off; the timer fires
after_sys:
        cli
        call    timer_stop
        la      r1, msg_sys
        call    puts
        la      r2, after_sys
        call    show_taken

        ; ---- stage 4: a user task against IE ---------------------------------------------
        la      r1, msg_s4
        call    puts
        call    reset
        movi    r1, 60
        out     TIMER_PERIOD, r1
        la      r1, user_done
        la      r2, user_resume
        stw     r1, [r2]
        la      r1, user_task
        mtcr    spc, r1
        movi    r1, FLAG_IE             ; user mode, interrupts on
        mtcr    sflags, r1
        rfe
user_done:                              ; the user task's sys comes back here (IE off)
        call    timer_stop
        la      r1, msg_user1
        call    puts
        mov     r1, r5
        call    put_dec
        la      r1, msg_user2
        call    puts
        sub     r1, r6, r5
        call    put_dec
        la      r1, msg_user3
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_PRIV]
        call    put_dec
        la      r1, msg_user4
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_USER]
        call    put_dec
        la      r1, msg_of
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_COUNT]
        call    put_dec
        call    newline

        ; ---- stage 5: hlt with IE on, waiting for the timer -----------------------------
        la      r1, msg_s5
        call    puts
        la      r9, periods
s5_next:
        ldw     r10, [r9]
        cmpi    r10, 0
        beq     s5_done
        call    reset
        la      r1, irqs
        movi    r2, RELOAD
        stw     r2, [r1 + I_RELOAD]
        in      r7, TIMER_NOW
        out     TIMER_PERIOD, r10
        sti
hlt_at:
        hlt
after_hlt:
        cli
        in      r8, TIMER_NOW
        call    timer_stop
        la      r1, msg_period
        call    puts
        mov     r1, r10
        call    put_dec
        la      r1, msg_taken_short
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_COUNT]
        call    put_dec
        la      r1, msg_first_at
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_FIRST]
        call    where
        la      r1, msg_last_at
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_SPC]
        call    where
        la      r1, msg_ticks
        call    puts
        sub     r1, r8, r7
        call    put_dec
        call    newline
        addi    r9, r9, 4
        jmp     s5_next
s5_done:

        ; ---- stage 6: one interrupt, due at each instruction in turn (kernel) ------------
        la      r1, msg_s6
        call    puts
        movi    r10, 1
s6_next:
        call    reset
        la      r1, irqs
        li      r2, ONE_SHOT
        stw     r2, [r1 + I_RELOAD]
        out     TIMER_PERIOD, r10       ; due P ticks from here
        sti
ksweep:
        mfcr    r1, scratch
        mtcr    scratch, r1
        in      r2, PIC_MASK
        out     0x99, r2                ; a port no device owns
        invlpg  r1
        tlbflush
        mfcr    r3, mid
        addi    r3, r3, 1
        cli
        call    timer_stop
        la      r2, ksweep
        call    show_index
        addi    r10, r10, 1
        cmpi    r10, 11
        ble     s6_next
        call    newline

        ; ---- stage 7: the same in a user task ----------------------------------------------
        la      r1, msg_s7
        call    puts
        movi    r10, 1
s7_next:
        call    reset
        la      r1, irqs
        li      r2, ONE_SHOT
        stw     r2, [r1 + I_RELOAD]
        la      r1, s7_back
        la      r2, user_resume
        stw     r1, [r2]
        la      r1, usweep
        mtcr    spc, r1
        movi    r1, FLAG_IE
        mtcr    sflags, r1
        out     TIMER_PERIOD, r10       ; due P ticks from here
        rfe
s7_back:
        call    timer_stop
        la      r2, usweep
        call    show_index
        addi    r10, r10, 1
        cmpi    r10, 40
        ble     s7_next
        call    newline

        la      r1, msg_done
        call    puts
        jmp     halt_forever

; ---- helpers (kernel, IE off) -----------------------------------------------------------

; show_index: r2 = the start of a sweep: print " N" (the word index of the saved pc of
; the one interrupt, "uN" if it came in user mode) or " -" (none taken).
show_index:
        push    lr
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        la      r1, irqs
        ldw     r3, [r1 + I_COUNT]
        cmpi    r3, 0
        bne     .taken
        movi    r1, '-'
        out     CONSOLE_DATA, r1
        pop     lr
        ret
.taken:
        ldw     r3, [r1 + I_USER]
        cmpi    r3, 0
        beq     .index
        movi    r1, 'u'
        out     CONSOLE_DATA, r1
.index:
        la      r1, irqs
        ldw     r1, [r1 + I_SPC]
        sub     r1, r1, r2
        sari    r1, r1, 2
        call    put_dec
        pop     lr
        ret

; where: r1 = a saved pc of stage 5: print which instruction it names.
where:
        push    lr
        la      r2, after_hlt
        la      r3, msg_after_hlt
        cmp     r1, r2
        beq     .print
        la      r2, hlt_at
        la      r3, msg_the_hlt
        cmp     r1, r2
        beq     .print
        la      r3, msg_elsewhere
.print:
        mov     r1, r3
        call    puts
        pop     lr
        ret

; reset: zero the counts, forget a pending timer interrupt.
reset:
        la      r1, irqs
        movi    r2, 0
        stw     r2, [r1 + I_COUNT]
        stw     r2, [r1 + I_SPC]
        stw     r2, [r1 + I_USER]
        stw     r2, [r1 + I_INSIDE]
        stw     r2, [r1 + I_AFTER_STI]
        stw     r2, [r1 + I_PRIV]
        stw     r2, [r1 + I_RELOAD]
        stw     r2, [r1 + I_FIRST]
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1
        ret

timer_stop:
        movi    r1, 0
        out     TIMER_PERIOD, r1
        ret

; make_pending: run the timer (period 20) until its line is pending, then stop it.
make_pending:
        movi    r1, 20
        out     TIMER_PERIOD, r1
.wait:
        in      r1, PIC_PENDING
        andi    r1, r1, 1 << IRQ_TIMER
        cmpi    r1, 0
        beq     .wait
        movi    r1, 0
        out     TIMER_PERIOD, r1
        ret

; show_taken: r2 = where the interrupt should have been taken.
; "taken N, last at spc X (right there: yes|NO)".
show_taken:
        push    lr
        push    r2
        la      r1, msg_taken_short
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_COUNT]
        call    put_dec
        la      r1, msg_spc
        call    puts
        la      r1, irqs
        ldw     r1, [r1 + I_SPC]
        call    put_hex
        pop     r2
        la      r1, irqs
        ldw     r1, [r1 + I_SPC]
        cmp     r1, r2
        la      r1, msg_yes
        beq     .print
        la      r1, msg_no
.print:
        call    puts
        pop     lr
        ret

; ---- the trap handler: uses r12 and r13 only ------------------------------------------
handler:
        mfcr    r13, cause
        cmpi    r13, CAUSE_IRQ_BASE + IRQ_TIMER
        beq     h_timer
        cmpi    r13, CAUSE_PRIVILEGED
        beq     h_priv
        cmpi    r13, CAUSE_SYSCALL
        beq     h_sys
        cmpi    r13, CAUSE_BREAKPOINT
        beq     h_brk
        la      r1, msg_unexp_trap
        call    puts
        mfcr    r1, cause
        call    put_cause
        la      r1, msg_spc
        call    puts
        mfcr    r1, spc
        call    put_hex
        call    newline
        jmp     halt_forever

h_timer:
        la      r12, irqs
        ldw     r13, [r12 + I_RELOAD]
        cmpi    r13, 0
        beq     .ack
        out     TIMER_PERIOD, r13       ; stage 5: a slow timer from now on (before the ack)
.ack:
        in      r13, PIC_NEXT
        out     PIC_ACK, r13
        ldw     r13, [r12 + I_COUNT]
        addi    r13, r13, 1
        stw     r13, [r12 + I_COUNT]
        cmpi    r13, 1
        bne     .not_first
        mfcr    r13, spc
        stw     r13, [r12 + I_FIRST]
.not_first:
        mfcr    r13, spc
        stw     r13, [r12 + I_SPC]
        mfcr    r13, sflags
        andi    r13, r13, FLAG_S
        cmpi    r13, 0
        bne     .where
        ldw     r13, [r12 + I_USER]
        addi    r13, r13, 1
        stw     r13, [r12 + I_USER]
.where:
        mfcr    r13, spc
        la      r12, after_sti
        cmp     r13, r12
        beq     .after_sti
        bgtu    .done
        la      r12, crit
        cmp     r13, r12
        bltu    .done
        la      r12, irqs               ; crit <= spc < after_sti: IE was 0 there
        ldw     r13, [r12 + I_INSIDE]
        addi    r13, r13, 1
        stw     r13, [r12 + I_INSIDE]
        rfe
.after_sti:
        la      r12, irqs
        ldw     r13, [r12 + I_AFTER_STI]
        addi    r13, r13, 1
        stw     r13, [r12 + I_AFTER_STI]
.done:
        rfe

h_priv:
        la      r12, irqs
        ldw     r13, [r12 + I_PRIV]
        addi    r13, r13, 1
        stw     r13, [r12 + I_PRIV]
        mfcr    r13, spc
        addi    r13, r13, 4             ; skip it
        mtcr    spc, r13
        rfe

h_brk:
        rfe                             ; spc is already the next instruction

h_sys:
        mfcr    r13, sflags
        andi    r13, r13, FLAG_S
        cmpi    r13, 0
        beq     .from_user
        movi    r12, SYS_SPIN           ; from the kernel: spin with IE off, stop the timer
.spin:
        subi    r12, r12, 1
        cmpi    r12, 0
        bne     .spin
        movi    r13, 0
        out     TIMER_PERIOD, r13
        rfe                             ; IE back on: the pending interrupt comes at once
.from_user:
        la      r13, user_resume        ; the user task is over: back to the kernel
        ldw     r13, [r13]
        mtcr    spc, r13
        movi    r13, FLAG_S
        mtcr    sflags, r13
        rfe

; ---- the user task (user mode, IE on) -------------------------------------------------
user_task:
        cli                             ; privileged: IE stays on
        movi    r2, 100
.spin_a:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin_a
        la      r3, irqs
        ldw     r5, [r3 + I_USER]       ; interrupts taken so far (paging is off: readable)
        movi    r1, 0
        setf    r1                      ; only Z N C V change: IE stays on
        movi    r2, 100
.spin_b:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin_b
        ldw     r6, [r3 + I_USER]
        sti                             ; privileged
        sys

; usweep: stage 7's user task (user mode, IE on)
usweep:
        cli                             ; privileged
        movi    r1, 0
        setf    r1
        cpuid   r2
        sti                             ; privileged
        addi    r4, r4, 1
        brk
        addi    r4, r4, 1
        sys

.include "lib.s"

        .align  4
irqs:           .space  I_SIZE
user_resume:    .word   0
periods:        .word   1, 2, 3, 500, 0

msg_hello:      .asciz  "ie-games: the interrupt-enable flag, timer unmasked\n"
msg_s1:         .asciz  "stage 1: IE off, timer every 50 ticks, 600 instructions\n"
msg_taken:      .asciz  "  taken "
msg_pending:    .asciz  ", PIC_PENDING "
msg_sti:        .asciz  "  sti:"
msg_taken_short: .asciz " taken "
msg_spc:        .asciz  ", last at spc "
msg_yes:        .asciz  " (right there: yes)\n"
msg_no:         .asciz  " (right there: NO)\n"
msg_s2:         .asciz  "stage 2: cli; 10 x addi; sti; loop 300 times, timer every 41 ticks\n"
msg_after_sti:  .asciz  ", right after the sti "
msg_inside:     .asciz  ", between cli and sti "
msg_s3:         .asciz  "stage 3: rfe restores IE from sflags\n"
msg_rfe_ie:     .asciz  "  rfe with S|IE, interrupt pending:"
msg_rfe_s:      .asciz  "  rfe with S only, interrupt pending: taken "
msg_then_sti:   .asciz  "; then sti:"
msg_sys:        .asciz  "  sys, the handler spins 40 times with IE off, timer every 30, rfe:"
msg_s4:         .asciz  "stage 4: user task with IE on (cli; 300 instructions; setf 0; 300 instructions; sti; sys), timer every 60\n"
msg_user1:      .asciz  "  interrupts before setf "
msg_user2:      .asciz  ", after setf "
msg_user3:      .asciz  "; privileged traps "
msg_user4:      .asciz  "; taken in user mode "
msg_of:         .asciz  " of "
msg_s5:         .asciz  "stage 5: out TIMER_PERIOD, P; sti; hlt; cli (the handler sets the period to 100)\n"
msg_period:     .asciz  "  P = "
msg_first_at:   .asciz  ", the first at "
msg_last_at:    .asciz  ", the last at "
msg_after_hlt:  .asciz  "the instruction after the hlt"
msg_the_hlt:    .asciz  "the hlt"
msg_elsewhere:  .asciz  "somewhere else"
msg_ticks:      .asciz  "; TIMER_NOW advanced "
msg_s6:         .asciz  "stage 6: out TIMER_PERIOD, P; sti; then mfcr, mtcr, in, out, invlpg, tlbflush, mfcr, addi, cli;\n  the instruction the one interrupt came before, for P = 1..11:"
msg_s7:         .asciz  "stage 7: out TIMER_PERIOD, P; rfe to a user task (IE on): cli, movi, setf, cpuid, sti, addi, brk, addi, sys;\n  the instruction the one interrupt came before, for P = 1..40:"
msg_done:       .asciz  "ie-games: done\n"
msg_unexp_trap: .asciz  "ie-games: unexpected trap "
