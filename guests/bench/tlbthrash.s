; tlbthrash.s - a loop over more pages than the TLB holds, ITER times (vmm compare,
; docs/compare.md): each pass reads one word from each of PAGES pages, so with the default
; 64-entry TLB every read misses, and the page walk is what each technique makes of it (2
; references natively, 8 under nested paging, none more under shadow paging). With
; -D PAGES=32 the pages fit in the TLB: vmm compare's guest switch runs it so, as two
; guests, to see what a switch does to the TLB. The pages read start COPY * PAGES pages
; into the window (-D COPY=N), so that two copies use TLB slots of their own, but for the
; slot copy 0's second page shares with the code page (the TLB is direct-mapped: the same
; addresses would evict each other whatever their tags).

.ifndef ITER
.equ ITER, 100                        ; passes (micro.inc's default is 1000)
.endif
.include "../include/paravirt.inc"
.include "micro.inc"
.ifndef PAGES
.equ PAGES, 128
.endif
.ifndef COPY
.equ COPY, 0
.endif
.equ WINDOW, 0x400000
.equ FIRST, WINDOW + COPY * PAGES * PAGE_SIZE   ; the first page read
.equ FRAMES, 0x40000                    ; the pages read map PAGES frames from here

        .org    0x1000
start:
        paging_with_window
        la      r9, wtable + COPY * PAGES * 4   ; entry i -> FRAMES + i pages
        li      r8, FRAMES | KERNEL_PAGE
        movi    r7, 0
.map:
        pt_set  r9, r8
        addi    r9, r9, 4
        li      r1, PAGE_SIZE
        add     r8, r8, r1
        addi    r7, r7, 1
        cmpi    r7, PAGES
        blt     .map
        li      r10, ITER
pass:
        li      r1, FIRST
        movi    r3, PAGES
        li      r5, PAGE_SIZE
.touch:
        ldw     r4, [r1]
        add     r1, r1, r5
        subi    r3, r3, 1
        cmpi    r3, 0
        bne     .touch
        next_pass
        finish  name

name:   .asciz  "tlbthrash: "
        micro_data
.include "../attack/lib.s"
        paging_pages
