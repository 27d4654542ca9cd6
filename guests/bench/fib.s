; fib.s - a bench workload (workload.inc): recursive calls. Prints fib(N) (-D N=n; default
; 27), computed by the naive recursion: about 2 fib(N+1) calls, each a push, a call and a
; return through memory.

.ifndef N
.equ N, 27
.endif
.include "workload.inc"

main:
        li      r1, N
        call    fib
        sys

; fib: r1 = n -> r1 = fib(n). Clobbers r2.
fib:
        cmpi    r1, 2
        blt     .base
        push    lr
        push    r1
        subi    r1, r1, 1
        call    fib
        pop     r2                      ; n
        push    r1                      ; fib(n - 1)
        subi    r1, r2, 2
        call    fib
        pop     r2
        add     r1, r1, r2
        pop     lr
.base:
        ret
