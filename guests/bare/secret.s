; secret.s - a well-behaved guest that keeps a secret and watches over it.
; Bare machine, no kernel: paging off, supervisor mode, interrupts off (or, built with
; -D PARAVIRT, a paravirtual guest: see paravirt.inc).
;
; It fills four pages (0x40000..0x44000) with the text "SECRET-DATA-!!! " repeated, then
; ROUNDS times reads every 16th word of them back and checks them (so the pages stay hot
; in the TLB while other guests run), and prints whether they were intact every time.
; Beside hostile guests under the VMM it must print exactly what it prints alone.

.include "../include/paravirt.inc"

.ifndef ROUNDS
.equ ROUNDS, 50
.endif
.equ SECRET, 0x40000
.equ SECRET_END, 0x44000

start:
        la      r1, msg_start
        call    puts
        li      r1, SECRET              ; fill: the word at a = pattern[(a >> 2) & 3]
        li      r2, SECRET_END
.fill:
        call    expected
        stw     r3, [r1]
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .fill
        movi    r8, 0                   ; rounds done
        movi    r9, 0                   ; words found changed
.round:
        li      r1, SECRET
.check:
        call    expected
        ldw     r4, [r1]
        cmp     r4, r3
        beq     .same
        addi    r9, r9, 1
.same:
        addi    r1, r1, 64
        cmp     r1, r2
        bltu    .check
        addi    r8, r8, 1
        cmpi    r8, ROUNDS
        blt     .round
        la      r1, msg_intact
        cmpi    r9, 0
        beq     .print
        la      r1, msg_changed
.print:
        call    puts
        halt

; expected: r3 = the secret's word at address r1. Clobbers r3, r4.
expected:
        andi    r3, r1, 12
        la      r4, pattern
        add     r4, r4, r3
        ldw     r3, [r4]
        ret

puts:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .done
        putc    r2
        addi    r1, r1, 1
        jmp     puts
.done:
        li      r2, SECRET_END          ; (callers keep the end of the secret in r2)
        ret

.include "../include/paravirt.s"

        .align  4
pattern:        .ascii  "SECRET-DATA-!!! "
msg_start:      .asciz  "secret: keeping a secret at 0x40000..0x44000\n"
msg_intact:     .asciz  "secret: intact in every round\n"
msg_changed:    .asciz  "secret: CHANGED while it ran!\n"
