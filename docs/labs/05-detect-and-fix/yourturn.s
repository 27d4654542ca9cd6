; yourturn.s - lab 5, "your turn": a kernel that counts in memory, 100 times, with its
; counter on the same page as its code. Under --mode full the translator write-protects
; that page, so each store to the counter is an exit. Predict what moving the counter to a
; page of its own changes (assemble with -D SEPARATE), then measure:
;   vmm run docs/labs/05-detect-and-fix/yourturn.s --mode full -D SEPARATE -q --stats

.include "platform.inc"

start:
        la      r1, counter
        movi    r2, 100
.count:
        ldw     r3, [r1]
        addi    r3, r3, 1
        stw     r3, [r1]                ; the store the VMM may have to catch
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .count
        ldw     r3, [r1]
        addi    r3, r3, '0' - 100 + 1   ; prints '1' when the counter reached 100
        out     CONSOLE_DATA, r3
        movi    r3, '\n'
        out     CONSOLE_DATA, r3
        hlt

.ifdef SEPARATE
        .align  4096                    ; the counter on a page of its own
.endif
counter: .word  0
