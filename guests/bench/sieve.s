; sieve.s - a CPU-bound user-mode guest with paging on, for `npm run bench`.
; A tiny kernel identity-maps the first 256 KiB as user pages, enables paging and drops to
; user mode; the user program counts the primes below 65536 with the sieve of Eratosthenes
; ROUNDS times (loads, stores, branches, arithmetic), then makes a system call, on which
; the kernel halts. r12 ends as ROUNDS * 6542. scripts/bench.ts runs the same algorithm in
; plain JavaScript for comparison.

.include "../include/platform.inc"

.ifndef ROUNDS
.equ ROUNDS, 10
.endif
.equ SIEVE_SIZE, 65536
.equ PAGE_DIR, 0x10000
.equ PAGE_TABLE, 0x11000
.equ SIEVE, 0x20000
.equ MAPPED_PAGES, 64

start:
        la      r1, kernel_trap
        mtcr    tvec, r1
        la      r1, PAGE_TABLE          ; identity map: page i -> frame i, user, writable
        movi    r2, 0
.map:
        shli    r3, r2, 12
        ori     r3, r3, PTE_V | PTE_W | PTE_U
        stw     r3, [r1]
        addi    r1, r1, 4
        addi    r2, r2, 1
        cmpi    r2, MAPPED_PAGES
        blt     .map
        li      r1, PAGE_TABLE | PTE_V | PTE_W | PTE_U
        la      r2, PAGE_DIR
        stw     r1, [r2]
        li      r1, PAGE_DIR | PTBR_PAGING
        mtcr    ptbr, r1
        la      r1, sieve_main          ; "return" to user mode at sieve_main, IE clear
        mtcr    spc, r1
        movi    r1, 0
        mtcr    sflags, r1
        rfe

kernel_trap:
        hlt                             ; the user program is done (or broke): stop

; ---- user mode -------------------------------------------------------------------------
sieve_main:
        li      r10, ROUNDS
        movi    r12, 0                  ; primes found, all rounds
round:
        la      r1, SIEVE               ; every flag = 1
        li      r2, SIEVE + SIEVE_SIZE
        movi    r3, 1
.clear:
        stb     r3, [r1]
        addi    r1, r1, 1
        cmp     r1, r2
        blt     .clear
        movi    r4, 2                   ; p
.outer:
        mul     r5, r4, r4
        li      r6, SIEVE_SIZE
        cmp     r5, r6
        bge     .count
        la      r7, SIEVE
        add     r8, r7, r4
        ldb     r9, [r8]
        cmpi    r9, 0
        beq     .next
        add     r8, r7, r5              ; cross out p*p, p*p + p, ...
        li      r6, SIEVE + SIEVE_SIZE
        movi    r9, 0
.cross:
        stb     r9, [r8]
        add     r8, r8, r4
        cmp     r8, r6
        blt     .cross
.next:
        addi    r4, r4, 1
        jmp     .outer
.count:
        la      r1, SIEVE + 2
        li      r2, SIEVE + SIEVE_SIZE
.tally:
        ldb     r3, [r1]
        add     r12, r12, r3
        addi    r1, r1, 1
        cmp     r1, r2
        blt     .tally
        subi    r10, r10, 1
        cmpi    r10, 0
        bne     round
        sys
