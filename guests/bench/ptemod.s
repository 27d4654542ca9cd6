; ptemod.s - a page-table entry write, ITER times (vmm compare, docs/compare.md; Adams &
; Agesen's ptemod). Each pass maps the next entry of a page table in use (the op pt_set):
; natively a store, PARAVIRT an mmu_update hypercall. The table is in use: a read through
; its first entry at the start makes every technique look at it (a shadow page table is
; built for it, and the VMM traces writes to it); the passes' entries are never read.

.include "../include/paravirt.inc"
.include "micro.inc"
.equ WINDOW, 0x400000
.equ FRAME, 0x80000                     ; the frame every entry maps

        .org    0x1000
start:
        paging_with_window
        la      r9, wtable
        li      r8, FRAME | KERNEL_PAGE
        pt_set  r9, r8                  ; WINDOW -> FRAME, and a read through it
        li      r1, WINDOW
        ldw     r1, [r1]
        li      r10, ITER
pass:
        andi    r1, r10, 1023           ; entry (passes left) mod 1024
        shli    r1, r1, 2
        add     r1, r1, r9
        pt_set  r1, r8
        next_pass
        finish  name

name:   .asciz  "ptemod: "
        micro_data
.include "../attack/lib.s"
        paging_pages
