; primes.s - print the primes below 100 on one line, separated by single spaces.
; Trial division by d while d*d <= n. Bare machine, no kernel (or, built with -D PARAVIRT,
; a paravirtual guest: see paravirt.inc).

.include "../include/paravirt.inc"

.equ LIMIT, 100

start:
        movi    r10, 2                  ; n, the candidate
        movi    r11, 0                  ; primes printed so far
next:
        cmpi    r10, LIMIT
        bge     done
        movi    r3, 2                   ; d, the trial divisor
.trial:
        mul     r4, r3, r3
        cmp     r4, r10
        bgt     .prime                  ; d*d > n: no divisor found
        rem     r5, r10, r3
        cmpi    r5, 0
        beq     .composite
        addi    r3, r3, 1
        jmp     .trial
.prime:
        cmpi    r11, 0
        beq     .first
        movi    r2, ' '
        putc    r2
.first:
        mov     r1, r10
        call    print_decimal
        addi    r11, r11, 1
.composite:
        addi    r10, r10, 1
        jmp     next
done:
        movi    r2, '\n'
        putc    r2
        halt

; print_decimal: print r1 as an unsigned decimal number. Clobbers r1..r4.
print_decimal:
        la      r2, digits_end          ; digits are built backwards from here
        movi    r4, 10
.digit:
        subi    r2, r2, 1
        remu    r3, r1, r4
        addi    r3, r3, '0'
        stb     r3, [r2]
        divu    r1, r1, r4
        cmpi    r1, 0
        bne     .digit
.emit:
        ldb     r3, [r2]
        cmpi    r3, 0                   ; digits_end holds the terminating 0
        beq     .return
        putc    r3
        addi    r2, r2, 1
        jmp     .emit
.return:
        ret

.include "../include/paravirt.s"

digits:     .space  10
digits_end: .byte   0
