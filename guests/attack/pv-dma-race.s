; pv-dma-race.s - a paravirtual guest that turns the buffer of a disk read in flight into a
; page table.
;
; Attacks: the block back end checks a request's buffer when it starts it, but the data
; arrives by DMA later. Between the two, the guest maps the buffer read-only and asks to use
; it as a page table (a directory entry naming it, through mmu_update); if the VMM allowed
; it, the disk's bytes would land in a live page table, unvalidated, and could map anything.
;
; What must happen: the mmu_update is refused with EBUSY while the read is in flight; once
; the read is answered the buffer holds the disk's bytes and the guest's tables are as before.
; A well-behaved guest beside it runs exactly as alone.
;
; Expected console output (para, 1 MiB, the kernel's disk.txt): pv-dma-race.expected;
; status halted.

.include "../include/paravirt.inc"

.equ BUFFER, 0x80000
.equ WINDOW, 0x800000                   ; no table maps it: its directory entry is free

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        li      r1, BUFFER >> 12        ; the addresses first, so the race is short
        call    p2m
        shli    r11, r1, 12             ; r11 = BUFFER's machine address
        movi    r1, SI_PT_BASE
        call    start_info
        shri    r1, r1, 12
        call    p2m
        shli    r1, r1, 12
        addi    r12, r1, (WINDOW >> 22) * 4     ; r12 = the directory entry's machine address
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        mov     r13, r0                 ; r13 = the disk's port
        li      r10, PV_BLK_RING        ; a read of sector 0 into BUFFER
        movi    r1, DISK_CMD_READ
        stw     r1, [r10 + RING_SLOTS + RING_REQ_OP]
        movi    r1, 0
        stw     r1, [r10 + RING_SLOTS + RING_REQ_SECTOR]
        movi    r1, 1
        stw     r1, [r10 + RING_SLOTS + RING_REQ_COUNT]
        push    r4
        push    r5
        push    r6
        li      r4, BUFFER
        mov     r5, r10
        movi    r6, GNT_FIRST_FREE
        call    ring_buffer
        pop     r6
        pop     r5
        pop     r4
        movi    r1, 1
        stw     r1, [r10 + RING_REQ_PROD]
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        mov     r2, r13
        hcall
        ; at once: BUFFER read-only, then a directory entry naming it as a page table
        ori     r2, r11, PTE_V | PTE_U
        li      r1, BUFFER
        movi    r3, UVMF_INVLPG
        call    uvm
        mov     r8, r9
        mov     r1, r12
        ori     r2, r11, PTE_V | PTE_W | PTE_U
        call    mmu1
        mov     r7, r9
        mov     r9, r8
        la      r1, msg_readonly
        call    show_result
        mov     r9, r7
        la      r1, msg_in_flight
        call    show_result
.wait:
        ldw     r1, [r10 + RING_RSP_PROD]
        cmpi    r1, 1
        bne     .wait
        ldw     r9, [r10 + RING_SLOTS + RING_RSP_STATUS]
        la      r1, msg_status
        call    show_dec
        la      r1, msg_read
        call    puts
        li      r1, BUFFER              ; (read-only now: written out as it is)
        movi    r2, 19
        console_write_bytes
        call    newline
        li      r1, WINDOW
        call    try_read
        la      r1, msg_window
        call    report
        halt

msg_title:      .asciz  "pv-dma-race: the buffer of a disk read in flight as a page table\n"
msg_readonly:   .asciz  "map the buffer read-only"
msg_in_flight:  .asciz  "use it as a page table while the read is in flight"
msg_status:     .asciz  "the read's status"
msg_read:       .asciz  "the buffer holds: "
msg_window:     .asciz  "what that page table would have mapped"

.include "pvlib.s"
.include "lib.s"
