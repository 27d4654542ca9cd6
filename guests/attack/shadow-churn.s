; shadow-churn.s - a guest that makes the VMM rebuild the same shadow entries over and over.
;
; Attacks: the VMM's own memory. Each round the guest invalidates a page's TLB entry
; (invlpg) and touches the page again, and rewrites a page-directory entry (with the value
; it already has) and touches a page it maps. On bare hardware that is four TLB refills a
; round and nothing else; under the VMM it is hidden page faults and page-table-write
; exits that drop and rebuild shadow entries and shadow page tables. With -D ROUNDS=N the
; guest does N rounds (default 20000) and prints the sum of what it read.
;
; What must happen: the same output as on bare hardware; and however many rounds, vmm's
; memory stays flat: bookkeeping for shadow entries that no longer exist must not pile up
; (a long enough run must not be able to exhaust the host's memory and crash vmm).
;
; Expected console output (bare, default ROUNDS): shadow-churn.expected; status halted.

.include "../include/paravirt.inc"

.ifndef ROUNDS
.equ ROUNDS, 20000
.endif
.equ PDIR, 0x10000
.equ PT0, 0x11000                       ; identity map of the first 1 MiB (supervisor RW)
.equ A, 0x20000                         ; a page reached through PDE 0
.equ B, 0x400000 + 0x20000              ; the same frame, through PDE 1 (also -> PT0)
.equ STACK_TOP, 0xf000

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, msg_hello
        call    puts
        li      r1, PT0
        movi    r2, 0
.map:
        ori     r3, r2, PTE_V | PTE_W
        stw     r3, [r1]
        addi    r1, r1, 4
        li      r3, PAGE_SIZE
        add     r2, r2, r3
        li      r3, 0x100000
        cmp     r2, r3
        bltu    .map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1]
        stw     r2, [r1 + 4]
        li      r1, A
        movi    r2, 7
        stw     r2, [r1]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        li      r8, ROUNDS
        li      r9, A
        li      r10, B
        li      r11, PDIR
        li      r12, PT0 | PTE_V | PTE_W
        movi    r13, 0                  ; the sum
.round:
        invlpg  r9
        ldw     r1, [r9]
        add     r13, r13, r1
        stw     r12, [r11 + 4]          ; PDE 1 := what it is already
        invlpg  r10
        ldw     r1, [r10]
        add     r13, r13, r1
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .round
        la      r1, msg_sum
        call    puts
        mov     r1, r13
        call    put_dec
        la      r1, msg_nl
        call    puts
        cli
        hlt

msg_hello:      .asciz  "shadow-churn: invlpg, rewrite a PDE, touch again; round after round\n"
msg_sum:        .asciz  "shadow-churn: sum of the words read (7 each time): "
msg_nl:         .asciz  "\n"

.include "lib.s"                         ; puts, put_dec
