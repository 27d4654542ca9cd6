; pv-ring.s - a paravirtual guest that puts requests on its block ring the back end cannot
; carry out, then indices that cannot be true.
;
; Attacks: the block ring (docs/hypercalls.md) is a page the guest and the VMM's disk back
; end share; every word in it is the guest's to write. It queues requests of 0 sectors, of
; 9 sectors (more than a request may move), of operation 7, whose buffer is past the end of
; its memory, straddles that end, is its boot page directory (a page table), is its
; start-info page (read-only to it), and one for sectors past the end of the disk; then one
; good read; and notifies once. Then it sets req_prod 1000 requests ahead of the back end and
; notifies again.
;
; What must happen: an error response for each bad request (BAD_COMMAND 5, BAD_ADDRESS 4,
; BAD_SECTOR 3: nothing is read into a page table or a page the VMM keeps read-only, or
; outside the guest), the good read OK (2) with the disk's bytes; then the guest is stopped
; (status killed) with the reason naming the ring's indices. A well-behaved guest beside it
; runs exactly as alone.
;
; Expected console output (para, 1 MiB, the kernel's disk.txt): pv-ring.expected; status killed.

.include "../include/paravirt.inc"

.equ BUFFER, 0x80000

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        li      r10, PV_BLK_RING
        movi    r11, 0                  ; requests queued
        ; r1 = op, r2 = sector, r3 = count, r4 = buffer
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        movi    r3, 0
        li      r4, BUFFER
        call    queue
        movi    r1, DISK_CMD_READ
        movi    r3, 9
        call    queue
        movi    r1, 7
        movi    r3, 1
        call    queue
        movi    r1, SI_NR_PAGES
        call    start_info
        shli    r4, r1, 12              ; past the end of its memory
        movi    r1, DISK_CMD_READ
        call    queue
        subi    r4, r4, 0x100           ; straddles the end
        movi    r1, DISK_CMD_READ
        call    queue
        movi    r1, SI_PT_BASE
        call    start_info
        mov     r4, r1                  ; its boot page directory
        movi    r1, DISK_CMD_READ
        call    queue
        movi    r1, SI_USABLE_END       ; its start-info page (the first after usable memory)
        call    start_info
        mov     r4, r1
        movi    r1, DISK_CMD_READ
        call    queue
        movi    r1, DISK_CMD_READ
        li      r2, 0x100000            ; past the end of the disk
        li      r4, BUFFER
        call    queue
        movi    r1, DISK_CMD_READ       ; a good one
        movi    r2, 0
        movi    r3, 1
        li      r4, BUFFER
        call    queue
        call    notify
.wait:                                  ; poll: the back end answers as the disk completes
        ldw     r1, [r10 + RING_RSP_PROD]
        cmp     r1, r11
        bne     .wait
        movi    r12, 0
.answers:
        andi    r1, r12, RING_SIZE - 1
        shli    r1, r1, 5
        add     r1, r1, r10
        ldw     r9, [r1 + RING_SLOTS + RING_RSP_STATUS]
        la      r1, msg_status
        call    show_dec
        addi    r12, r12, 1
        cmp     r12, r11
        blt     .answers
        li      r1, BUFFER              ; the good read's first bytes
        movi    r2, 0
        stb     r2, [r1 + 17]
        la      r1, msg_read
        call    puts
        li      r1, BUFFER
        call    puts
        call    newline
        la      r1, msg_ahead
        call    puts
        addi    r11, r11, 1000
        stw     r11, [r10 + RING_REQ_PROD]
        call    notify
        la      r1, msg_survived
        call    puts
        halt

; queue: a request {op r1, sector r2, count r3, buffer r4 (by grant)} in the next slot;
; req_prod++. Clobbers r5, r6.
queue:
        andi    r5, r11, RING_SIZE - 1
        shli    r5, r5, 5
        add     r5, r5, r10
        stw     r11, [r5 + RING_SLOTS + RING_REQ_ID]
        stw     r1, [r5 + RING_SLOTS + RING_REQ_OP]
        stw     r2, [r5 + RING_SLOTS + RING_REQ_SECTOR]
        stw     r3, [r5 + RING_SLOTS + RING_REQ_COUNT]
        andi    r6, r11, RING_SIZE - 1
        shli    r6, r6, 1
        addi    r6, r6, GNT_FIRST_FREE
        push    lr
        call    ring_buffer
        pop     lr
        addi    r11, r11, 1
        stw     r11, [r10 + RING_REQ_PROD]
        ret

; notify: bind the disk's virtual interrupt (once) and send on its port.
notify:
        la      r1, disk_port
        ldw     r2, [r1]
        cmpi    r2, 0
        bge     .send
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        mov     r2, r0
        la      r1, disk_port
        stw     r2, [r1]
.send:
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        hcall
        ret

        .align  4
disk_port:      .word   -1
msg_title:      .asciz  "pv-ring: block requests the back end cannot carry out, then impossible indices\n"
msg_status:     .asciz  "response status"
msg_read:       .asciz  "the good read: "
msg_ahead:      .asciz  "req_prod 1000 requests ahead of the back end, and notify\n"
msg_survived:   .asciz  "the back end took that\n"

.include "pvlib.s"
.include "lib.s"
