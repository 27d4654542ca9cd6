; pic-games.s - the interrupt controller: stray acks, masks, read-only writes, NEXT, lines 3..31.
;
; Attacks: the VMM's virtual interrupt controller (one per guest), and the boundary between
; guests' interrupts: a line raised for another guest must never be pending, taken or
; acknowledged here. Step by step, printing MASK, PENDING and NEXT each time, the guest:
; reads the reset state and the write-only ACK; acknowledges lines that were never raised
; (0, 1, 2, 3, 31); writes the read-only PENDING (all ones) and NEXT; writes MASK patterns
; and reads them back; unmasks every line with interrupts on and no device started, across
; several scheduling quanta (a neighbour's timer and disk fire meanwhile: nothing may
; arrive here); raises lines 0 and 2 (its timer, a bad disk command) with everything masked
; and walks NEXT through the masks; acknowledges out-of-range numbers (32, 34, 64, 0x100,
; 0xffffffe0, 0x80000002, -1: nothing may be cleared, as it would be if the number were
; taken modulo 32); masks a pending line with interrupts on (nothing taken), then unmasks
; it (taken right after the unmasking out); lets lines 0 and 2 be taken together (line 0
; first); then runs the timer and the disk with all 32 lines unmasked and counts every
; interrupt by line: lines 3..31 have no device and never fire; it sleeps with hlt and
; every line unmasked, and only its timer wakes it; last, with line 2 pending, it sets IE
; (sti, or rfe) one tick before, at, and one tick after the tick its timer's period ends:
; when both lines are pending at the boundary, line 0 must be taken first.
;
; What must happen: the same state at every step, the same interrupts in the same order
; at the same instructions as on bare hardware, in every mode, alone or beside other
; guests; this guest prints every step and halts.
;
; Expected console output (bare, 1 MiB, no disk): pic-games.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ LOG_MAX, 64

; hs: what the interrupt handler recorded (it owns r10..r13)
.equ H_COUNT, 0                         ; interrupts taken since reset_hs
.equ H_ONESHOT, 4                       ; not 0: the handler stops the timer on line 0
.equ H_BADNEXT, 8                       ; interrupts where NEXT did not name the cause's line
.equ H_FIRST_SPC, 12
.equ H_LOGLEN, 16                       ; entries in hlog (one byte each: the line)
.equ H_TOTAL, 20
.equ H_HIST, 24                         ; 32 words: interrupts per line

.macro SAY text
        la      r1, say_s\@
        call    puts
        jmp     say_a\@
say_s\@:
        .asciz  \text
        .align  4
say_a\@:
.endm

; STATE "text": "  text: mask 0x.. pending 0x.. next 0x.." (reads all three first).
.macro STATE text
        la      r1, state_s\@
        call    state
        jmp     state_a\@
state_s\@:
        .asciz  \text
        .align  4
state_a\@:
.endm

; ACK value: acknowledge with that value (any 32-bit number).
.macro ACK value
        li      r1, \value
        out     PIC_ACK, r1
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

.macro NOPS k
        .if \k
        nop
        NOPS    \k - 1
        .endif
.endm

; RACE insn, d, text: line 2 (a bad disk command) pending, lines 0 and 2 unmasked, the
; timer's period 10 written at tick t, d nops, then `insn` (sti, or rfe to race_after\@
; with S|IE) retires at tick t + d + 1; the lines taken, in order, are printed.
.macro RACE insn, d, text
        call    reset_hs
        la      r1, hs
        movi    r2, 1
        stw     r2, [r1 + H_ONESHOT]
        li      r1, ~((1 << IRQ_DISK) | (1 << IRQ_TIMER))
        out     PIC_MASK, r1
        la      r1, race_after\@
        mtcr    spc, r1
        movi    r1, FLAG_S | FLAG_IE
        mtcr    sflags, r1
        movi    r1, 0x41
        out     DISK_COMMAND, r1
        movi    r1, 10
        out     TIMER_PERIOD, r1        ; tick t
        NOPS    \d
        \insn
race_after\@:
        nop
        nop
        cli
        movi    r1, 0
        out     TIMER_PERIOD, r1
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1
        la      r1, race_s\@
        call    puts
        call    print_log
        jmp     race_a\@
race_s\@:
        .asciz  \text
        .align  4
race_a\@:
.endm

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        SAY     "pic-games: the interrupt controller\n"

        ; ---- reset state -------------------------------------------------------------------
        SAY     "1. reset state, and the write-only ACK read:\n"
        STATE   "reset"
        in      r6, PIC_ACK
        SHOWX   "ack reads", r6
        in      r6, 0x44                ; just past the PIC: no device
        SHOWX   "port 0x44 (no device) reads", r6

        ; ---- acks of lines never raised ------------------------------------------------------
        SAY     "2. acknowledge lines 0, 1, 2, 3, 31 (never raised):\n"
        ACK     0
        ACK     1
        ACK     2
        ACK     3
        ACK     31
        STATE   "after the acks"

        ; ---- writes to the read-only registers ---------------------------------------------
        SAY     "3. write the read-only PENDING (all ones) and NEXT (2):\n"
        li      r1, -1
        out     PIC_PENDING, r1
        STATE   "after PENDING := 0xffffffff"
        movi    r1, 2
        out     PIC_NEXT, r1
        STATE   "after NEXT := 2"

        ; ---- mask patterns -------------------------------------------------------------------
        SAY     "4. mask patterns read back:\n"
        li      r1, 0x12345678
        out     PIC_MASK, r1
        STATE   "mask 0x12345678"
        li      r1, 0x80000001
        out     PIC_MASK, r1
        STATE   "mask 0x80000001"
        movi    r1, 0
        out     PIC_MASK, r1
        STATE   "mask 0 (every line unmasked)"

        ; ---- every line unmasked, nothing started, interrupts on --------------------------
        SAY     "5. every line unmasked, interrupts on, 30000 instructions, no device started:\n"
        call    reset_hs
        sti
        li      r2, 10000
.spin5:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin5
        cli
        call    print_hs
        STATE   "after"

        ; ---- lines 0 and 2 raised with everything masked; NEXT through the masks ------------
        SAY     "6. lines 0 (timer) and 2 (bad disk command) raised, everything masked:\n"
        li      r1, -1
        out     PIC_MASK, r1
        movi    r1, 3
        out     TIMER_PERIOD, r1
        movi    r1, 0x41
        out     DISK_COMMAND, r1        ; BAD_COMMAND at once: line 2
        movi    r1, 0
        out     TIMER_PERIOD, r1        ; 3 ticks after: line 0 raised just now
        in      r6, DISK_STATUS
        SHOWD   "disk status", r6
        movi    r1, 1
        out     CONSOLE_CTRL, r1        ; no input: the console raises nothing
        STATE   "all masked"
        li      r1, ~(1 << IRQ_DISK)
        out     PIC_MASK, r1
        STATE   "line 2 unmasked"
        li      r1, ~((1 << IRQ_DISK) | (1 << IRQ_TIMER))
        out     PIC_MASK, r1
        STATE   "lines 0 and 2 unmasked"
        movi    r1, 0
        out     PIC_MASK, r1
        STATE   "every line unmasked"
        movi    r1, 1 << IRQ_TIMER
        out     PIC_MASK, r1
        STATE   "line 0 masked"
        li      r1, ~(1 << 5)
        out     PIC_MASK, r1
        STATE   "only line 5 unmasked"
        movi    r1, 0
        out     CONSOLE_CTRL, r1

        ; ---- acks out of range -----------------------------------------------------------------
        SAY     "7. acknowledge out-of-range numbers with lines 0 and 2 pending:\n"
        ACK     32
        STATE   "ack 32"
        ACK     34
        STATE   "ack 34"
        ACK     64
        STATE   "ack 64"
        ACK     0x100
        STATE   "ack 0x100"
        ACK     0xffffffe0
        STATE   "ack 0xffffffe0"
        ACK     0x80000002
        STATE   "ack 0x80000002"
        ACK     -1
        STATE   "ack -1"
        ACK     2
        STATE   "ack 2"
        ACK     0
        STATE   "ack 0"

        ; ---- mask a pending line, then unmask it -----------------------------------------------
        SAY     "8. timer period 5 with line 0 masked and interrupts on for 60 ticks, then unmasked:\n"
        call    reset_hs
        la      r1, hs
        movi    r2, 1
        stw     r2, [r1 + H_ONESHOT]
        li      r1, -1
        out     PIC_MASK, r1
        movi    r1, 5
        out     TIMER_PERIOD, r1
        sti
        movi    r2, 20
.spin8:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .spin8
        in      r6, PIC_PENDING
        in      r7, PIC_NEXT
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1            ; the interrupt comes right after this out
s8_unmasked:
        nop
        cli
        SHOWX   "pending while masked", r6
        SHOWX   "next while masked", r7
        la      r1, s8_unmasked
        SHOWX   "the instruction after the unmasking out is at", r1
        call    print_hs
        STATE   "after"

        ; ---- two lines at once -------------------------------------------------------------------
        SAY     "9. lines 0 and 2 pending, both unmasked, then sti:\n"
        call    reset_hs
        li      r1, -1
        out     PIC_MASK, r1
        movi    r1, 2
        out     TIMER_PERIOD, r1
        movi    r1, 0
        out     TIMER_PERIOD, r1        ; line 0 raised
        movi    r1, 7
        out     DISK_COMMAND, r1        ; line 2 raised
        li      r1, ~((1 << IRQ_DISK) | (1 << IRQ_TIMER))
        out     PIC_MASK, r1
        STATE   "before sti"
        sti
        nop
        cli
        call    print_hs
        STATE   "after"

        ; ---- every line unmasked with the timer and disk running --------------------------------
        SAY     "10. all 32 lines unmasked, the timer every 97 ticks and a bad disk command\n"
        SAY     "    every 50 loop iterations, for 3000 iterations:\n"
        call    reset_hs
        movi    r1, 0
        out     PIC_MASK, r1
        movi    r1, 97
        out     TIMER_PERIOD, r1
        sti
        movi    r2, 0
.loop10:
        addi    r2, r2, 1
        movi    r3, 50
        remu    r4, r2, r3
        cmpi    r4, 0
        bne     .skip10
        movi    r4, 0x99
        out     DISK_COMMAND, r4
.skip10:
        li      r3, 3000
        cmp     r2, r3
        bltu    .loop10
        cli
        movi    r1, 0
        out     TIMER_PERIOD, r1
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1
        call    print_hs
        call    print_hist
        STATE   "after"

        ; ---- hlt with every line unmasked ------------------------------------------------------
        SAY     "11. every line unmasked, timer period 5000, sti, hlt:\n"
        call    reset_hs
        la      r1, hs
        movi    r2, 1
        stw     r2, [r1 + H_ONESHOT]
        in      r8, TIMER_NOW
        li      r1, 5000
        out     TIMER_PERIOD, r1
        sti
        hlt
        cli
        in      r6, TIMER_NOW
        sub     r6, r6, r8
        SHOWD   "ticks from before the out to after the wake-up", r6
        call    print_hs
        STATE   "after"

        ; ---- the timer's period ends at the very tick IE is set ---------------------------
        SAY     "12. line 2 pending; the timer's period (10, written at tick t) ends at t + 10;\n"
        SAY     "    IE set by sti or rfe at t + 9, t + 10, t + 11 (lines taken, in order):\n"
        RACE    sti, 8, "  sti at t + 9:"
        RACE    sti, 9, "  sti at t + 10:"
        RACE    sti, 10, "  sti at t + 11:"
        RACE    rfe, 8, "  rfe at t + 9:"
        RACE    rfe, 9, "  rfe at t + 10:"
        RACE    rfe, 10, "  rfe at t + 11:"

        ; ---- the end ------------------------------------------------------------------------------
        li      r1, -1
        out     PIC_MASK, r1
        la      r1, hs
        ldw     r6, [r1 + H_TOTAL]
        SHOWD   "pic-games: interrupts taken in all", r6
        in      r6, TIMER_NOW
        SHOWD   "clock (TIMER_NOW)", r6
        SAY     "pic-games: done\n"
        jmp     halt_forever

; state: r1 = label. Reads MASK, PENDING, NEXT, then prints them. Clobbers r1..r9.
state:
        push    lr
        in      r6, PIC_MASK
        in      r7, PIC_PENDING
        in      r8, PIC_NEXT
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_mask
        call    puts
        mov     r1, r6
        call    put_hex
        la      r1, msg_pending
        call    puts
        mov     r1, r7
        call    put_hex
        la      r1, msg_next
        call    puts
        mov     r1, r8
        call    put_hex
        call    newline
        pop     lr
        ret

; reset_hs: clear the handler's record (one-shot off). Clobbers r1..r3.
reset_hs:
        la      r1, hs
        movi    r2, 0
        stw     r2, [r1 + H_COUNT]
        stw     r2, [r1 + H_ONESHOT]
        stw     r2, [r1 + H_BADNEXT]
        stw     r2, [r1 + H_FIRST_SPC]
        stw     r2, [r1 + H_LOGLEN]
        addi    r1, r1, H_HIST
        movi    r2, 32
        movi    r3, 0
.clear:
        stw     r3, [r1]
        addi    r1, r1, 4
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .clear
        ret

; print_hs: count, first pc, the log of lines (in order), NEXT mismatches. Clobbers r1..r9.
print_hs:
        push    lr
        la      r6, hs
        ldw     r9, [r6 + H_COUNT]
        la      r1, msg_taken
        call    show_dec
        ldw     r9, [r6 + H_COUNT]
        cmpi    r9, 0
        beq     .done
        ldw     r9, [r6 + H_FIRST_SPC]
        la      r1, msg_first_pc
        call    show_hex
        ldw     r9, [r6 + H_BADNEXT]
        la      r1, msg_badnext
        call    show_dec
        la      r1, msg_log
        call    puts
        call    print_log
.done:
        pop     lr
        ret

; print_log: " n n n" (the lines in the order taken), newline. Clobbers r1..r8.
print_log:
        push    lr
        la      r6, hs
        ldw     r7, [r6 + H_LOGLEN]
        la      r8, hlog
.next:
        cmpi    r7, 0
        beq     .end_log
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ldb     r1, [r8]
        call    put_dec
        addi    r8, r8, 1
        subi    r7, r7, 1
        jmp     .next
.end_log:
        ldw     r7, [r6 + H_COUNT]
        cmpi    r7, LOG_MAX
        ble     .nl
        la      r1, msg_more
        call    puts
.nl:
        call    newline
        pop     lr
        ret

; print_hist: "  line n: count" for every line with interrupts, and the sum over 3..31.
print_hist:
        push    lr
        movi    r7, 0                   ; line
        movi    r8, 0                   ; sum over lines 3..31
.line:
        la      r6, hs
        shli    r2, r7, 2
        add     r6, r6, r2
        ldw     r6, [r6 + H_HIST]
        cmpi    r7, 3
        blt     .wired
        add     r8, r8, r6
.wired:
        cmpi    r6, 0
        beq     .skip
        la      r1, msg_line
        call    puts
        mov     r1, r7
        call    put_dec
        la      r1, msg_colon
        call    puts
        mov     r1, r6
        call    put_dec
        call    newline
.skip:
        addi    r7, r7, 1
        cmpi    r7, 32
        blt     .line
        SHOWD   "interrupts on lines 3..31", r8
        pop     lr
        ret

; handler: any interrupt. Logs its line, checks NEXT names it, counts it per line, stops
; the timer on line 0 if one-shot, acknowledges the line. Uses r10..r13 only.
handler:
        mfcr    r10, cause
        subi    r10, r10, CAUSE_IRQ_BASE
        cmpi    r10, 0
        blt     unexpected
        la      r12, hs
        in      r11, PIC_NEXT
        cmp     r11, r10
        beq     .next_ok
        ldw     r11, [r12 + H_BADNEXT]
        addi    r11, r11, 1
        stw     r11, [r12 + H_BADNEXT]
.next_ok:
        ldw     r11, [r12 + H_COUNT]
        addi    r11, r11, 1
        stw     r11, [r12 + H_COUNT]
        cmpi    r11, 1
        bne     .not_first
        mfcr    r13, spc
        stw     r13, [r12 + H_FIRST_SPC]
.not_first:
        ldw     r11, [r12 + H_TOTAL]
        addi    r11, r11, 1
        stw     r11, [r12 + H_TOTAL]
        ldw     r11, [r12 + H_LOGLEN]
        cmpi    r11, LOG_MAX
        bge     .no_log
        la      r13, hlog
        add     r13, r13, r11
        stb     r10, [r13]
        addi    r11, r11, 1
        stw     r11, [r12 + H_LOGLEN]
.no_log:
        andi    r11, r10, 31
        shli    r11, r11, 2
        add     r11, r11, r12
        ldw     r13, [r11 + H_HIST]
        addi    r13, r13, 1
        stw     r13, [r11 + H_HIST]
        cmpi    r10, IRQ_TIMER
        bne     .ack
        ldw     r11, [r12 + H_ONESHOT]
        cmpi    r11, 0
        beq     .ack
        movi    r11, 0
        out     TIMER_PERIOD, r11
.ack:
        out     PIC_ACK, r10
        rfe


        .align  4
hs:             .space  H_HIST + 32 * 4
hlog:           .space  LOG_MAX
msg_mask:       .asciz  ": mask "
msg_pending:    .asciz  " pending "
msg_next:       .asciz  " next "
msg_taken:      .asciz  "interrupts taken"
msg_first_pc:   .asciz  "first taken before pc"
msg_badnext:    .asciz  "taken while NEXT named another line"
msg_log:        .asciz  "  lines in order:"
msg_more:       .asciz  " ..."
msg_line:       .asciz  "  line "

.include "lib.s"
