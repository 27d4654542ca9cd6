; pv-shared-table.s - a paravirtual guest that turns the pages the VMM writes into page tables.
;
; Attacks: the VMM writes into the shared-info page (on every trap and event) and the block
; ring (every response) without checking what it writes there. If either could be a page
; table, the guest would steer those writes into page-table entries: the trap state it
; controls (its sp) into shared-info's words, RSP_PROD's increment turning a non-present entry
; naming another guest's frame present. It sets RSP_PROD to such an entry, maps the ring page
; read-only, asks for it as a page table in a directory entry, notifies the back end, and
; writes through the window it would have mapped.
;
; What must happen: the pages the VMM writes are writable for good, never a table: the
; directory entry is refused (EPERM), the window faults, and a well-behaved guest beside it
; runs exactly as alone.
;
; Expected console output (para, 1 MiB): pv-shared-table.expected; status halted.
.include "../include/paravirt.inc"
.equ WIN_VA, 0x80400000                 ; directory slot 513
        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        movi    r1, 0
        call    p2m
        mov     r7, r1
        movi    r1, SI_BLK_RING_MFN
        call    start_info
        mov     r11, r1
        sub     r10, r11, r7
        ; entry 2 (RSP_PROD) = neighbour's frame 0x40, W|U, not present; one bad request
        movi    r1, SI_NR_PAGES
        call    start_info
        add     r1, r1, r7
        addi    r1, r1, 0x40
        shli    r1, r1, 12
        ori     r1, r1, PTE_W | PTE_U
        li      r2, PV_BLK_RING
        stw     r1, [r2 + RING_RSP_PROD]
        movi    r1, 2                   ; a write of 0 sectors: refused, answered
        stw     r1, [r2 + RING_SLOTS + RING_REQ_OP]
        movi    r1, 1
        stw     r1, [r2 + RING_REQ_PROD]
        ; read-only in the identity table and the fixmap
        shli    r2, r11, 12
        ori     r2, r2, PTE_V | PTE_U
        shli    r1, r10, 12
        movi    r3, UVMF_INVLPG
        call    uvm
        shli    r2, r11, 12
        ori     r2, r2, PTE_V | PTE_U
        li      r1, PV_BLK_RING
        movi    r3, UVMF_INVLPG
        call    uvm
        ; directory slot 513 -> the ring page
        movi    r1, SI_PT_BASE
        call    start_info
        shri    r1, r1, 12
        call    p2m
        shli    r1, r1, 12
        li      r2, 513*4
        add     r1, r1, r2
        shli    r2, r11, 12
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        call    mmu1
        la      r1, msg_table
        call    show_result
        ; bind the disk and notify the back end
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        mov     r2, r0
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        hcall
        li      r1, WIN_VA + 2*4096
        li      r2, 0x42424242
        call    try_write
        li      r1, WIN_VA + 2*4096
        call    try_read
        mov     r4, r1
        la      r1, msg_w
        call    report
        halt
msg_table: .asciz "ring page installed as a page table"
msg_w:     .asciz "write, then read, the window it would have mapped"
        .align 4
        .align  4
.include "pvlib.s"
.include "lib.s"
