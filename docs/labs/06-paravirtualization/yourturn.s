; yourturn.s - lab 6, "your turn": LINES lines of WIDTH characters, written with the putc op
; of paravirt.inc (natively an `out` per byte; PARAVIRT the byte goes into the console page,
; and a line is one console_io hypercall at its newline). Predict the exits of --mode full
; and --mode para for -D WIDTH=80, then measure:
;   vmm run docs/labs/06-paravirtualization/yourturn.s --mode para -D WIDTH=80 -q --stats

.include "paravirt.inc"

.ifndef WIDTH
.equ WIDTH, 20
.endif
.equ LINES, 10

        .org    0x1000
start:
        movi    r9, LINES
.line:
        li      r8, WIDTH
.char:
        movi    r2, '='
        putc    r2
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .char
        movi    r2, '\n'
        putc    r2
        subi    r9, r9, 1
        cmpi    r9, 0
        bne     .line
        halt

.include "paravirt.s"
