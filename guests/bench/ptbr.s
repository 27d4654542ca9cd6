; ptbr.s - a page-table base write, ITER times: the same address space loaded again (vmm
; compare, docs/compare.md; the control-register write of Adams & Agesen's cr8wr). Natively
; mtcr asid and mtcr ptbr; PARAVIRT one mmuext_op NEW_BASEPTR hypercall (the op
; set_address_space). Either way an untagged TLB is flushed.

.include "../include/paravirt.inc"
.include "micro.inc"
.equ WINDOW, 0x400000

        .org    0x1000
start:
        paging_with_window
        ori     r9, r8, PTBR_PAGING     ; the root, as ptbr takes it
        movi    r7, 0                   ; no user-only root
        movi    r6, 0                   ; address-space id 0
        li      r10, ITER
pass:
        set_address_space r9, r7, r6
        next_pass
        finish  name

name:   .asciz  "ptbr: "
        micro_data
.include "../attack/lib.s"
        paging_pages
