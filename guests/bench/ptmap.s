; ptmap.s - maps and unmaps many pages: the page-table-heavy benchmark guest (npm run bench).
;
; Each round maps PAGES pages of a window (VA 0x400000) to frames of its own, writes and reads
; a word in each, unmaps them, and flushes the TLB. The entries are written with the
; pt_set_list op of paravirt.inc: natively a store per entry into a live page table (under
; trap and full each one is a page-table-write exit), built PARAVIRT one validated mmu_update
; per list (a batch of PAGES entries in one exit). Prints a checksum of what it read.
;
; Runs natively (its own page tables, built with paging off) and with -D PARAVIRT (the boot
; tables the VMM built, with a window table hooked into them).

.include "../include/paravirt.inc"
.include "window.inc"

.ifndef ROUNDS
.equ ROUNDS, 200
.endif
.equ PAGES, 64
.equ WINDOW, 0x400000
.equ FRAMES, 0x80000                    ; the frames mapped: PAGES of them from here

        .org    0x1000
start:
        paging_with_window              ; r8 = the directory (window.inc)
        movi    r9, 0                   ; checksum
        li      r10, ROUNDS
.round:
        la      r1, wtable              ; map: entry i -> FRAMES + i pages
        li      r2, FRAMES | KERNEL_PAGE
        movi    r3, 0
        call    fill
        la      r5, list
        movi    r6, PAGES
        pt_set_list r5, r6
        li      r1, WINDOW              ; write, then read, a word in each page
        movi    r3, 0
.touch:
        add     r4, r3, r10
        stw     r4, [r1]
        ldw     r4, [r1]
        add     r9, r9, r4
        li      r4, PAGE_SIZE
        add     r1, r1, r4
        addi    r3, r3, 1
        cmpi    r3, PAGES
        blt     .touch
        la      r1, wtable              ; unmap: every entry 0
        movi    r2, 0
        movi    r3, 1                   ; (no step: every value 0)
        call    fill
        la      r5, list
        movi    r6, PAGES
        pt_set_list r5, r6
        tlb_flush
        subi    r10, r10, 1
        cmpi    r10, 0
        bne     .round
        la      r1, msg
        call    print
        mov     r1, r9
        call    print_hex
        movi    r1, '\n'
        putc    r1
        halt

; fill: the list of PAGES pairs {r1 + 4i, r2 + i * PAGE_SIZE}, or {r1 + 4i, r2} when r3 = 1.
fill:
        la      r4, list
        movi    r5, 0
.pair:
        shli    r6, r5, 2
        add     r6, r6, r1
        stw     r6, [r4]
        mov     r6, r2
        cmpi    r3, 1
        beq     .value
        shli    r7, r5, 12
        add     r6, r6, r7
.value:
        stw     r6, [r4 + 4]
        addi    r4, r4, 8
        addi    r5, r5, 1
        cmpi    r5, PAGES
        blt     .pair
        ret

print:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .done
        putc    r2
        addi    r1, r1, 1
        jmp     print
.done:
        ret

print_hex:
        movi    r3, 8
.digit:
        shri    r2, r1, 28
        addi    r2, r2, '0'
        cmpi    r2, '9'
        ble     .out
        addi    r2, r2, 'a' - '9' - 1
.out:
        putc    r2
        shli    r1, r1, 4
        subi    r3, r3, 1
        cmpi    r3, 0
        bne     .digit
        ret

.include "../include/paravirt.s"

msg:    .asciz  "ptmap: checksum "
        paging_pages
list:   .space  PAGES * 8
