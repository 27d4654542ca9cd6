; grant-games.s - a paravirtual guest whose block requests name their buffers by grants the
; back end must refuse.
;
; Attacks: the grant table is the guest's to write (docs/hypercalls.md, "Grant table and
; grant copy"), and a request names its buffer only by a reference into it. It queues one
; read of sector 0 per bad grant: a frame past the end of its memory; a grant to domain 5,
; not to the back end's domain; a read-only grant (a read writes the buffer); its boot page
; directory (a page table) granted writable; a reference past the end of the table (300);
; then a good one; and notifies once.
;
; What must happen: DISK_BAD_ADDRESS (4) for each bad grant, under every topology (the VMM's
; own back end checks grants as guest 0's does), and nothing written but the good buffer;
; the good read OK (2) with the disk's bytes. A well-behaved guest beside it runs as alone.
;
; Expected console output (para, 1 MiB, the kernel's disk.txt): grant-games.expected.

.include "../include/paravirt.inc"

.equ BUFFER, 0x80000
.equ REQUESTS, 6

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        li      r10, PV_BLK_RING
        movi    r11, 0                  ; requests queued
        ; each: r7 = the reference, r8 = its entry's flags word, r9 = its frame
        movi    r1, SI_NR_PAGES
        call    start_info
        addi    r9, r1, 10              ; past the end of its memory
        movi    r7, 10
        movi    r8, GNT_PERMIT_ACCESS
        call    queue
        li      r9, BUFFER >> 12        ; granted to domain 5
        movi    r7, 11
        li      r8, GNT_PERMIT_ACCESS | (5 << GNT_DOMID_SHIFT)
        call    queue
        movi    r7, 12                  ; read-only
        movi    r8, GNT_PERMIT_ACCESS | GNT_READONLY
        call    queue
        movi    r1, SI_PT_BASE          ; its boot page directory, writable
        call    start_info
        shri    r9, r1, 12
        movi    r7, 13
        movi    r8, GNT_PERMIT_ACCESS
        call    queue
        li      r7, 300                 ; past the end of the table
        call    queue_ref
        li      r9, BUFFER >> 12        ; a good one
        movi    r7, 14
        movi    r8, GNT_PERMIT_ACCESS
        call    queue
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        mov     r2, r0
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        hcall
.wait:
        ldw     r1, [r10 + RING_RSP_PROD]
        cmpi    r1, REQUESTS
        bne     .wait
        movi    r6, 0
.show:
        shli    r1, r6, 5
        add     r1, r1, r10
        ldw     r9, [r1 + RING_SLOTS + RING_RSP_STATUS]
        la      r1, msg_status
        call    show_dec
        addi    r6, r6, 1
        cmpi    r6, REQUESTS
        blt     .show
        la      r1, msg_read
        call    puts
        li      r1, BUFFER
        movi    r2, 19
        console_write_bytes
        call    newline
        halt

; queue: grant entry r7 = {r8, r9}, then queue_ref.
queue:
        li      r1, PV_SHARED_INFO + SH_GRANT_TABLE
        shli    r2, r7, 3
        add     r1, r1, r2
        stw     r9, [r1 + GNT_FRAME]
        stw     r8, [r1 + GNT_FLAGS]
; queue_ref: a read of sector 0 into reference r7 at offset 0 in the next slot; req_prod++.
queue_ref:
        andi    r5, r11, RING_SIZE - 1
        shli    r5, r5, 5
        add     r5, r5, r10
        stw     r11, [r5 + RING_SLOTS + RING_REQ_ID]
        movi    r1, DISK_CMD_READ
        stw     r1, [r5 + RING_SLOTS + RING_REQ_OP]
        movi    r1, 0
        stw     r1, [r5 + RING_SLOTS + RING_REQ_SECTOR]
        stw     r1, [r5 + RING_SLOTS + RING_REQ_OFFSET]
        movi    r1, 1
        stw     r1, [r5 + RING_SLOTS + RING_REQ_COUNT]
        stw     r7, [r5 + RING_SLOTS + RING_REQ_GREF]
        addi    r11, r11, 1
        stw     r11, [r10 + RING_REQ_PROD]
        ret

msg_title:      .asciz  "grant-games: block requests whose grants the back end must refuse\n"
msg_status:     .asciz  "response status"
msg_read:       .asciz  "the good read: "

.include "pvlib.s"
.include "lib.s"
