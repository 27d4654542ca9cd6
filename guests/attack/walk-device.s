; walk-device.s - a page table at the memory-mapped device's page.
;
; Attacks: the page walk (every mode; aimed at the nested walk of hw). A directory entry names
; a page table at the memory-mapped device's page (MMIO_BASE), which is not memory: on bare
; hardware the walk's read of the table entry there is a bus error at the virtual address,
; for a fetch, a load and a store alike (the device's page is reached only as the frame of a
; load or a store, never as a page table). A VMM must give exactly that: neither emulate the
; access as the device's, nor fetch anything from there.
;
; What must happen: three bus faults at the three addresses, in every mode, then the same
; accesses through an ordinary table, which succeed.
;
; Expected console output (bare, 1 MiB): walk-device.expected; status halted.

.include "../include/paravirt.inc"

.equ PDIR, 0x10000
.equ PT0, 0x11000
.equ PT1, 0x12000
.equ STACK_TOP, 0xf000
.equ WINDOW, 0x400000                   ; directory slot 1

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        li      r1, PDIR
        call    zero_page
        li      r1, PT0
        call    zero_page
        li      r1, PT0
        li      r2, 0x100000
        call    identity_map            ; the first 1 MiB as itself
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1]
        li      r2, MMIO_BASE | PTE_V | PTE_W   ; slot 1: a table at the device's page
        stw     r2, [r1 + 4]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        call    probe_window
        ; the same through an ordinary table: slot 1's first page is frame 0x20000
        li      r1, PT1
        call    zero_page
        li      r1, PT1
        li      r2, 0x20000 | PTE_V | PTE_W
        stw     r2, [r1]
        li      r1, PDIR
        li      r2, PT1 | PTE_V | PTE_W
        stw     r2, [r1 + 4]
        tlb_flush
        li      r1, 0x20000                 ; a `ret` there, for the fetch's probe to call
        la      r3, ret_word
        ldw     r2, [r3]
        stw     r2, [r1]
        la      r1, msg_table
        call    puts
        call    probe_window
        la      r1, msg_done
        call    puts
        jmp     halt_forever

; probe_window: a fetch, a load and a store in the window's first page, each reported.
probe_window:
        push    lr
        li      r1, WINDOW
        movi    r2, 0                   ; (a fetch that does not fault returns: cause 0)
        call    try_exec
        la      r1, label_fetch
        movi    r4, 0
        call    report
        li      r1, WINDOW + 8
        call    try_read
        mov     r4, r1
        la      r1, label_load
        call    report
        li      r1, WINDOW + 12
        li      r2, 0x5eed
        call    try_write
        la      r1, label_store
        movi    r4, 0x5eed
        call    report
        pop     lr
        ret

ret_word:       ret

msg_hello:      .asciz  "walk-device: a page table at the memory-mapped device's page\n"
msg_table:      .asciz  "the same through an ordinary table:\n"
msg_done:       .asciz  "walk-device: done\n"
label_fetch:    .asciz  "fetch 0x00400000"
label_load:     .asciz  "load 0x00400008"
label_store:    .asciz  "store 0x0040000c"

.include "lib.s"
