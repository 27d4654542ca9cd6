; yourturn.s - lab 3, "your turn": a kernel asks the CPU whether it is in supervisor mode
; and whether interrupts are enabled, with getf (FLAGS: S is bit 5, IE bit 4), before and
; after `sti`. On bare hardware it prints "S=1 IE=0" then "S=1 IE=1". Predict what it prints
; under --mode trap, then under --mode trap --strict, full and hw; measure.

.include "platform.inc"

start:
        call    show
        sti
        call    show
        cli
        hlt

; show: print "S=<bit 5 of FLAGS> IE=<bit 4>" and a newline. Clobbers r1, r2.
show:
        getf    r1
        movi    r2, 'S'
        out     CONSOLE_DATA, r2
        movi    r2, '='
        out     CONSOLE_DATA, r2
        shri    r2, r1, 5
        andi    r2, r2, 1
        addi    r2, r2, '0'
        out     CONSOLE_DATA, r2
        movi    r2, ' '
        out     CONSOLE_DATA, r2
        movi    r2, 'I'
        out     CONSOLE_DATA, r2
        movi    r2, 'E'
        out     CONSOLE_DATA, r2
        movi    r2, '='
        out     CONSOLE_DATA, r2
        shri    r2, r1, 4
        andi    r2, r2, 1
        addi    r2, r2, '0'
        out     CONSOLE_DATA, r2
        movi    r2, '\n'
        out     CONSOLE_DATA, r2
        ret
