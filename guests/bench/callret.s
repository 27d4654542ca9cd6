; callret.s - call/return: a call to a routine that returns at once, ITER times (vmm compare,
; docs/compare.md; Adams & Agesen's call/ret). Nothing here for a VMM to do; a binary
; translator that moved code would have to map each `ret`'s target (full's does not move it).

.ifndef ITER
.equ ITER, 2000                        ; passes (micro.inc's default is 1000)
.endif
.include "../include/paravirt.inc"
.include "micro.inc"

        .org    0x1000
start:
        li      r10, ITER
pass:
        call    nothing
        next_pass
        finish  name

nothing:
        ret

name:   .asciz  "callret: "
        micro_data
.include "../attack/lib.s"
