; grant-revoke.s - a paravirtual guest that revokes the grant of a read's buffer right after
; asking for the read.
;
; Attacks: a grant is the front end's to revoke at any time (it clears GNT_PERMIT_ACCESS).
; It queues a read of sector 0 into its buffer, granted to the back end, notifies, and at
; once revokes the grant; then waits for the response.
;
; What must happen: the grant is checked when it is used, never trusted from before. Under
; --host bare-metal the VMM's back end checked it (and started the DMA) within the
; notification, before the revocation: the read is OK (2) with the disk's bytes, as a grant
; in use cannot be revoked in Xen either. Under --host dom0 guest 0 uses the grant later,
; after the revocation: its grant copy is refused, the response is DISK_BAD_ADDRESS (4),
; and the buffer is untouched (grant-revoke.dom0.expected). A guest beside it runs as alone.
;
; Expected console output (para, 1 MiB, the kernel's disk.txt): grant-revoke.expected.

.include "../include/paravirt.inc"

.equ BUFFER, 0x80000

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        li      r10, PV_BLK_RING
        movi    r1, DISK_CMD_READ
        stw     r1, [r10 + RING_SLOTS + RING_REQ_OP]
        movi    r1, 0
        stw     r1, [r10 + RING_SLOTS + RING_REQ_SECTOR]
        movi    r1, 1
        stw     r1, [r10 + RING_SLOTS + RING_REQ_COUNT]
        li      r4, BUFFER
        mov     r5, r10
        movi    r6, GNT_FIRST_FREE
        call    ring_buffer
        movi    r1, 1
        stw     r1, [r10 + RING_REQ_PROD]
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        mov     r2, r0
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        hcall
        ; at once: the grant revoked
        li      r1, PV_SHARED_INFO + SH_GRANT_TABLE + GNT_FIRST_FREE * GNT_ENTRY_SIZE
        movi    r2, 0
        stw     r2, [r1 + GNT_FLAGS]
.wait:
        ldw     r1, [r10 + RING_RSP_PROD]
        cmpi    r1, 1
        bne     .wait
        ldw     r9, [r10 + RING_SLOTS + RING_RSP_STATUS]
        la      r1, msg_status
        call    show_dec
        la      r1, msg_read
        call    puts
        li      r1, BUFFER
        movi    r2, 19
        console_write_bytes
        call    newline
        halt

msg_title:      .asciz  "grant-revoke: a read's grant revoked right after the request\n"
msg_status:     .asciz  "the read's status"
msg_read:       .asciz  "the buffer holds: "

.include "pvlib.s"
.include "lib.s"
