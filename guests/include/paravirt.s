; paravirt.s - the routines behind the PARAVIRT bodies of paravirt.inc's ops. A guest
; includes it once, after its code; built natively it is empty. Each routine keeps every
; register but those it names, and the condition flags are not kept.
;
; Frames: the kernel's tables hold pseudo-physical frames in its own view; the hardware's
; hold machine frames. The frame list at PV_P2M turns one into the other (P2M); the VMM gives
; a guest one run of consecutive machine frames, so a machine frame turns back by taking
; P2M[0] off (Xen offers a machine-to-physical table instead).

.ifdef PARAVIRT

; pv_crash: a hypercall the PV layer made was refused (a kernel bug: the trace's hypercall
; record says why): shut down as crashed.
pv_crash:
        push    lr
        call    pv_flush
        pop     lr
        movi    r0, HC_SCHED_OP
        movi    r1, SCHEDOP_SHUTDOWN
        movi    r2, SHUTDOWN_CRASH
        hcall

; ---- console -------------------------------------------------------------------------

; pv_putc: gather the byte in r0 in the console page; write the line out at its newline,
; or when the page is full.
pv_putc:
        push    r1
        push    r2
        push    r3
        li      r1, PV_CONSOLE
        ldw     r2, [r1]                ; bytes gathered
        add     r3, r1, r2
        stb     r0, [r3 + 4]
        addi    r2, r2, 1
        stw     r2, [r1]
        cmpi    r0, '\n'
        beq     .flush
        li      r3, CONSOLE_MAX - 4
        cmp     r2, r3
        blt     .done
.flush:
        push    lr
        call    pv_flush
        pop     lr
.done:
        pop     r3
        pop     r2
        pop     r1
        ret

; pv_write: write r2 bytes from r1: gather them in the console page, and write each line
; out at its newline (as putc does), with events masked meanwhile (an event handler may
; write too). Clobbers r1..r4.
pv_write:
        push    r0
        push    lr
        irq_save r4
        push    r4
        add     r2, r1, r2              ; r2 = end of the bytes
        li      r3, PV_CONSOLE
        ldw     r4, [r3]
        add     r4, r4, r3              ; r4 = where the next byte goes, less 4
.next:
        cmp     r1, r2
        bgeu    .done
        ldb     r0, [r1]
        stb     r0, [r4 + 4]
        addi    r4, r4, 1
        addi    r1, r1, 1
        cmpi    r0, '\n'
        beq     .line
        sub     r0, r4, r3
        cmpi    r0, CONSOLE_MAX - 4
        blt     .next
.line:
        sub     r0, r4, r3
        stw     r0, [r3]
        call    pv_flush
        mov     r4, r3
        jmp     .next
.done:
        sub     r0, r4, r3
        stw     r0, [r3]
        pop     r4
        irq_restore r4
        pop     lr
        pop     r0
        ret

; pv_flush: write the gathered bytes with one console_io hypercall.
pv_flush:
        push    r0
        push    r1
        push    r2
        push    r3
        li      r3, PV_CONSOLE
        ldw     r2, [r3]
        cmpi    r2, 0
        beq     .done
        movi    r0, HC_CONSOLE_IO
        movi    r1, CONSOLEIO_WRITE
        addi    r3, r3, 4
        hcall
        li      r3, PV_CONSOLE
        movi    r2, 0
        stw     r2, [r3]
.done:
        pop     r3
        pop     r2
        pop     r1
        pop     r0
        ret

; ---- events ----------------------------------------------------------------------------

; pv_deliver_pending: events were just unmasked; if a port is pending and unmasked, make a
; hypercall (xen_version) so the VMM delivers it now rather than at the next exit.
pv_deliver_pending:
        push    r0
        push    r1
        li      r1, PV_SHARED_INFO
        ldw     r0, [r1 + SH_UPCALL_MASK]
        cmpi    r0, 0
        bne     .done
        ldw     r0, [r1 + SH_EVTCHN_MASK]
        ldw     r1, [r1 + SH_EVTCHN_PENDING]
        or      r1, r1, r0
        xor     r1, r1, r0              ; pending and not masked
        cmpi    r1, 0
        beq     .done
        movi    r0, HC_XEN_VERSION
        hcall
.done:
        pop     r1
        pop     r0
        ret

; pv_bind_lines: bind the timer, console and disk virtual interrupts to ports 0, 1, 2 (the
; interrupt lines' numbers), and unmask the ports of the lines in the bit mask r1: one
; multicall (at boot, as Linux batches its first hypercalls). Clobbers r1.
pv_bind_lines:
        push    r0
        push    r2
        push    r3
        push    r4
        push    r5
        subi    sp, sp, 6 * 24          ; up to 6 entries {number, r1, r2, r3, r4, result}
        mov     r5, sp                  ; r5 = the next entry
        movi    r4, 0                   ; r4 = virq = line = port
.bind:
        movi    r0, HC_EVENT_CHANNEL_OP
        stw     r0, [r5]
        movi    r0, EVTCHNOP_BIND_VIRQ
        stw     r0, [r5 + 4]
        stw     r4, [r5 + 8]
        addi    r5, r5, 24
        addi    r4, r4, 1
        cmpi    r4, VIRQ_DISK
        ble     .bind
        movi    r4, 0
.unmask:
        movi    r2, 1
        shl     r2, r2, r4
        and     r2, r2, r1
        cmpi    r2, 0
        beq     .masked
        movi    r0, HC_EVENT_CHANNEL_OP
        stw     r0, [r5]
        movi    r0, EVTCHNOP_UNMASK
        stw     r0, [r5 + 4]
        stw     r4, [r5 + 8]
        addi    r5, r5, 24
.masked:
        addi    r4, r4, 1
        cmpi    r4, VIRQ_DISK
        ble     .unmask
        sub     r2, r5, sp
        movi    r3, 24
        divu    r2, r2, r3              ; r2 = entries
        movi    r0, HC_MULTICALL
        mov     r1, sp
        hcall
        cmp     r0, r2
        bne     pv_crash
        ldw     r0, [sp + 20]           ; each bind got the port of its line
        cmpi    r0, 0
        bne     pv_crash
        ldw     r0, [sp + 44]
        cmpi    r0, 1
        bne     pv_crash
        ldw     r0, [sp + 68]
        cmpi    r0, 2
        bne     pv_crash
        addi    sp, sp, 6 * 24
        pop     r5
        pop     r4
        pop     r3
        pop     r2
        pop     r0
        ret

; pv_set_timer: an event on the timer's port every r1 ticks.
pv_set_timer:
        push    r0
        push    r2
        mov     r2, r1
        movi    r0, HC_SET_TIMER_OP
        hcall
        pop     r2
        pop     r0
        ret

; ---- frames and page tables --------------------------------------------------------------

; pv_machine: r0 = the machine address of pseudo-physical address r0 (P2M).
pv_machine:
        push    r1
        push    r2
        shri    r1, r0, 12
        shli    r1, r1, 2
        li      r2, PV_P2M
        add     r1, r1, r2
        ldw     r1, [r1]                ; the machine frame
        shli    r1, r1, 12
        andi    r0, r0, 0xfff
        or      r0, r0, r1
        pop     r2
        pop     r1
        ret

; pv_entry_to_pseudo: r0 = page-table entry r0 with a pseudo-physical frame (a present
; entry's machine frame, less the first machine frame).
pv_entry_to_pseudo:
        push    r1
        andi    r1, r0, PTE_V
        cmpi    r1, 0
        beq     .done
        li      r1, PV_P2M
        ldw     r1, [r1]
        shli    r1, r1, 12
        sub     r0, r0, r1
.done:
        pop     r1
        ret

; pv_set_entry: write entry r1 (pseudo-physical frame) at address r0 (pseudo-physical),
; with one mmu_update of machine values.
pv_set_entry:
        push    r2
        push    lr
        subi    sp, sp, 8               ; the request: {machine address, value}
        call    pv_machine
        stw     r0, [sp]
        mov     r2, r1
        andi    r2, r2, PTE_V
        cmpi    r2, 0
        beq     .value                  ; an entry that is not present keeps its bits
        mov     r0, r1
        call    pv_machine
        mov     r1, r0
.value:
        stw     r1, [sp + 4]
        movi    r0, HC_MMU_UPDATE
        mov     r1, sp
        movi    r2, 1
        hcall
        cmpi    r0, 1
        bne     pv_crash
        addi    sp, sp, 8
        pop     lr
        pop     r2
        ret

; pv_set_list: r1 entries from the list at r0 ({entry address, entry}, pseudo-physical),
; turned into machine values in place, then one mmu_update. Clobbers r0..r2.
pv_set_list:
        push    r3
        push    r4
        push    lr
        mov     r3, r0                  ; r3 = the list
        mov     r4, r1                  ; r4 = entries left to turn
.next:
        cmpi    r4, 0
        beq     .call
        ldw     r0, [r3]
        call    pv_machine
        stw     r0, [r3]
        ldw     r0, [r3 + 4]
        andi    r2, r0, PTE_V
        cmpi    r2, 0
        beq     .absent                 ; an entry that is not present keeps its bits
        call    pv_machine
        stw     r0, [r3 + 4]
.absent:
        addi    r3, r3, 8
        subi    r4, r4, 1
        jmp     .next
.call:
        shli    r2, r1, 3
        sub     r0, r3, r2              ; the list again
        mov     r2, r1
        mov     r1, r0
        movi    r0, HC_MMU_UPDATE
        hcall
        cmp     r0, r2
        bne     pv_crash
        pop     lr
        pop     r4
        pop     r3
        ret

; pv_make_readonly: map the page at r0 (its pseudo-physical address, mapped there)
; read-only, with update_va_mapping, and invalidate its TLB entry.
pv_make_readonly:
        push    r0
        push    r1
        push    r2
        push    r3
        push    lr
        mov     r1, r0
        call    pv_machine
        mov     r2, r0
        ori     r2, r2, PTE_V | PTE_U   ; read-only (machine frame)
        movi    r0, HC_UPDATE_VA_MAPPING
        movi    r3, UVMF_INVLPG
        hcall
        cmpi    r0, 0
        bne     pv_crash
        pop     lr
        pop     r3
        pop     r2
        pop     r1
        pop     r0
        ret

; pv_mmuext: one mmuext_op {r1 = command, r0 = argument}; crashes if refused.
pv_mmuext:
        push    r2
        subi    sp, sp, 8
        stw     r1, [sp]
        stw     r0, [sp + 4]
        movi    r0, HC_MMUEXT_OP
        mov     r1, sp
        movi    r2, 1
        hcall
        cmpi    r0, 1
        bne     pv_crash
        addi    sp, sp, 8
        pop     r2
        ret

; pv_pin: pin the page directory at r0 (pseudo-physical; mapped read-only already).
pv_pin:
        push    r0
        push    r1
        push    lr
        call    pv_machine
        shri    r0, r0, 12
        movi    r1, MMUEXT_PIN_L2_TABLE
        call    pv_mmuext
        pop     lr
        pop     r1
        pop     r0
        ret

; pv_share_fixmap: give directory r1 directory r0's slot 1023 (the fixmap).
pv_share_fixmap:
        push    r0
        push    r1
        push    r2
        push    lr
        ldw     r0, [r0 + 4092]
        call    pv_entry_to_pseudo
        mov     r2, r0
        addi    r0, r1, 4092
        mov     r1, r2
        call    pv_set_entry
        pop     lr
        pop     r2
        pop     r1
        pop     r0
        ret

; ---- the disk (the block front end) ---------------------------------------------------------

; pv_disk_read: queue a read of r3 sectors from sector r2 into r1 (pseudo-physical, a
; multiple of 512) on the block ring, and notify the back end on the disk's port. The
; request names its buffer by grant reference (the slot's two: the buffer's page, and the
; next one if the buffer runs into it), granted to the back end's domain for this request
; (pv_disk_status revokes them). Clobbers r1.
pv_disk_read:
        push    r0
        push    r4
        push    r5
        push    r6
        push    r7
        li      r4, PV_BLK_RING
        ldw     r5, [r4 + RING_REQ_PROD]
        andi    r6, r5, RING_SIZE - 1
        shli    r0, r6, 5
        add     r0, r0, r4              ; r0 = the slot - RING_SLOTS
        stw     r5, [r0 + RING_SLOTS + RING_REQ_ID]
        stw     r2, [r0 + RING_SLOTS + RING_REQ_SECTOR]
        stw     r3, [r0 + RING_SLOTS + RING_REQ_COUNT]
        andi    r7, r1, 4095
        stw     r7, [r0 + RING_SLOTS + RING_REQ_OFFSET]
        shli    r6, r6, 1
        addi    r6, r6, GNT_FIRST_FREE  ; r6 = the slot's first grant reference
        stw     r6, [r0 + RING_SLOTS + RING_REQ_GREF]
        movi    r7, DISK_CMD_READ
        stw     r7, [r0 + RING_SLOTS + RING_REQ_OP]
        ; the grant entries: {PERMIT_ACCESS | back end << 16, frame}, the second only if
        ; the buffer runs past its page
        li      r0, PV_START_INFO
        ldw     r7, [r0 + SI_BACKEND_DOMID]
        shli    r7, r7, GNT_DOMID_SHIFT
        ori     r7, r7, GNT_PERMIT_ACCESS
        li      r0, PV_SHARED_INFO + SH_GRANT_TABLE
        shli    r6, r6, 3
        add     r6, r6, r0              ; r6 = the first entry
        shri    r0, r1, 12
        stw     r0, [r6 + GNT_FRAME]
        stw     r7, [r6 + GNT_FLAGS]
        andi    r1, r1, 4095
        shli    r0, r3, 9
        add     r1, r1, r0              ; r1 = where the buffer ends in its page
        cmpi    r1, 4096
        bleu    .one_page
        ldw     r0, [r6 + GNT_FRAME]
        addi    r0, r0, 1
        stw     r0, [r6 + GNT_ENTRY_SIZE + GNT_FRAME]
        stw     r7, [r6 + GNT_ENTRY_SIZE + GNT_FLAGS]
.one_page:
        addi    r5, r5, 1
        stw     r5, [r4 + RING_REQ_PROD]
        push    r2
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        movi    r2, IRQ_DISK            ; the disk's port
        hcall
        pop     r2
        pop     r7
        pop     r6
        pop     r5
        pop     r4
        pop     r0
        ret

; pv_disk_status: r0 = the status of the next response on the ring (one per interrupt), or
; RING_STATUS_FORGED if there is none (rsp_prod has not passed rsp_cons: an event without an
; answer; nothing is consumed) or its id is not the request's (pv_disk_read's ids are ring
; indices); the back end's access to that request's buffer ends (both grants revoked).
pv_disk_status:
        push    r1
        push    r2
        push    r3
        li      r1, PV_BLK_RING
        ldw     r3, [r1 + RING_RSP_CONS]
        ldw     r0, [r1 + RING_RSP_PROD]
        cmp     r0, r3
        bne     .answered
        movi    r0, RING_STATUS_FORGED
        pop     r3
        pop     r2
        pop     r1
        ret
.answered:
        addi    r0, r3, 1
        stw     r0, [r1 + RING_RSP_CONS]
        andi    r2, r3, RING_SIZE - 1
        shli    r0, r2, 5
        add     r0, r0, r1
        ldw     r1, [r0 + RING_SLOTS + RING_RSP_ID]
        ldw     r0, [r0 + RING_SLOTS + RING_RSP_STATUS]
        cmp     r1, r3
        beq     .own
        movi    r0, RING_STATUS_FORGED
.own:
        li      r1, PV_SHARED_INFO + SH_GRANT_TABLE + GNT_FIRST_FREE * GNT_ENTRY_SIZE
        shli    r2, r2, 4               ; two entries of 8 bytes per slot
        add     r1, r1, r2
        movi    r2, 0
        stw     r2, [r1 + GNT_FLAGS]
        stw     r2, [r1 + GNT_ENTRY_SIZE + GNT_FLAGS]
        pop     r3
        pop     r2
        pop     r1
        ret

.endif
