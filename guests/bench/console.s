; console.s - writes 1 KiB to the console, 16 lines of 64 bytes (npm run bench; -D LINES=N
; for N lines).
;
; Each byte goes out with the putc op of paravirt.inc: natively an out (under trap and full
; an exit each), built PARAVIRT a store into the console page, the line written with one
; console_io hypercall at its newline.

.include "../include/paravirt.inc"

.ifndef LINES
.equ LINES, 16
.endif
.equ WIDTH, 63                          ; and a newline: 64 bytes a line

        .org    0x1000
start:
        movi    r8, 0                   ; line
.line:
        movi    r9, 0                   ; column
.column:
        add     r2, r8, r9
        andi    r2, r2, 31
        addi    r2, r2, 'A'             ; letters and a few signs, shifting line by line
        putc    r2
        addi    r9, r9, 1
        cmpi    r9, WIDTH
        blt     .column
        movi    r2, '\n'
        putc    r2
        addi    r8, r8, 1
        cmpi    r8, LINES
        blt     .line
        halt

.include "../include/paravirt.s"
