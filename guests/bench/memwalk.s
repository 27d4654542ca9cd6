; memwalk.s - a bench workload (workload.inc): a memory-heavy loop with paging on, in user
; mode. Fills 64K words (64 pages) with a linear congruential sequence, then PASSES times
; (-D PASSES=n; default 12) visits every word in a scattered order (k * 1031 mod 64K),
; adding it to a running sum and writing back the sum xor k; prints the final sum. The
; pages fill the bench's 64-entry TLB and one shares the code page's slot: the walk misses.

.ifndef PASSES
.equ PASSES, 12
.endif
.equ WORDS, 65536
.equ ARRAY, 0x20000
.include "workload.inc"

main:
        li      r1, ARRAY
        li      r2, ARRAY + WORDS * 4
        li      r3, 12345               ; the seed
        li      r4, 1103515245
.fill:
        stw     r3, [r1]
        mul     r3, r3, r4
        addi    r3, r3, 12345
        addi    r1, r1, 4
        cmp     r1, r2
        blt     .fill
        li      r10, PASSES
        movi    r11, 0                  ; the sum
        li      r7, ARRAY
.pass:
        movi    r12, 0                  ; k
        movi    r13, 0                  ; k * 1031
.visit:
        andi    r5, r13, WORDS - 1
        shli    r5, r5, 2
        add     r5, r5, r7
        ldw     r6, [r5]
        add     r11, r11, r6
        xor     r6, r11, r12
        stw     r6, [r5]
        addi    r13, r13, 1031
        addi    r12, r12, 1
        li      r6, WORDS
        cmp     r12, r6
        blt     .visit
        subi    r10, r10, 1
        cmpi    r10, 0
        bne     .pass
        mov     r1, r11
        sys
