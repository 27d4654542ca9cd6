; pgfault.s - a true page fault, handled and resumed, ITER times (vmm compare,
; docs/compare.md; Adams & Agesen's pgfault). Each pass loads from a page that is not
; mapped; the kernel's trap entry maps it and returns to the load, which runs again; then the
; pass unmaps the page (a page-table write and an invlpg: the ops pt_set and tlb_invalidate).

.include "../include/paravirt.inc"
.include "micro.inc"
.equ WINDOW, 0x400000
.equ FRAME, 0x80000                     ; the frame the fault maps at WINDOW

        .org    0x1000
start:
        la      r1, on_trap
        set_trap_entry r1
        paging_with_window
        la      r9, wtable              ; the window's first entry
        li      r7, WINDOW
        movi    r6, 0
        li      r10, ITER
pass:
        ldw     r1, [r7]                ; a page fault; the load runs again once mapped
        pt_set  r9, r6
        tlb_invalidate r7
        next_pass
        finish  name

on_trap:
        trap_read r12, CAUSE
        cmpi    r12, CAUSE_PAGE_READ
        bne     unexpected
        li      r13, FRAME | KERNEL_PAGE
        pt_set  r9, r13
        iret_keep_r0
        return_from_trap                ; to the load

name:   .asciz  "pgfault: "
        micro_data
.include "../attack/lib.s"
        paging_pages
