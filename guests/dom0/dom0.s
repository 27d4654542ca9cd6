; dom0.s - guest 0 under --host dom0: a paravirtual TOY32 kernel that runs the back-end
; drivers for the other domains (Xen's driver domain; docs/topologies.md, "Guest 0").
;
; The VMM passes the physical disk and the terminal lines through to it (their ports reach
; the devices; their DMA goes through the IOMMU into its own memory) and routes the disk's
; interrupt to it as an event. Start-info lists the domains it serves: id, disk partition
; and terminal line. For each, it connects an event-channel port; a notification there
; means the domain's front ends have work:
;
;   console  take the domain's output (console_io read) and send it to its terminal line
;            with one DMA
;   block    copy the domain's ring in (grant copy of reference GNT_RING_REF), check each
;            request, carry it out on the physical disk (a read: DMA into guest 0's buffer,
;            then a grant copy into the front end's granted page), copy each response and
;            rsp_prod back, and notify the domain once
;
; Every word of a ring comes from the front end and is checked: a request it cannot carry
; out gets an error status; indices that cannot be true, or notifications without end and
; without work, get the domain destroyed (domctl) with a verdict. Guest 0 never maps
; another domain's memory: the VMM's grant copy checks every access.
;
; Start-info's SI_CRASH_AT (--dom0-crash N) makes the back end crash as it takes its N-th
; request: a fault in guest 0's own code, which stops it (the VMM answers the rings).
;
; A PARAVIRT build only: vmm assembles it with PARAVIRT defined.

.include "../include/paravirt.inc"
.include "../include/dom0.inc"

.equ STORM, 256                         ; empty notifications in a row that end a domain
.equ STACK, 4096                        ; the stack it needs above its image

        .org    0x1000
start:
        la      r1, image_end + STACK   ; room for its stack? (sp starts at the top of what
        cmp     sp, r1                  ; the VMM gave it: --dom0-mem)
        bgeu    .room
        la      r1, msg_no_room
        call    puts
        jmp     fail
.room:
        la      r1, on_trap
        set_trap_entry r1               ; traps and events enter at on_trap
        la      r1, msg_boot
        call    puts
        ; the physical disk's interrupt comes on the disk's virtual interrupt
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        cmpi    r0, 0
        blt     fail
        la      r3, disk_port
        stw     r0, [r3]
        call    unmask
        ; a port for each domain served
        li      r4, PV_START_INFO
        ldw     r5, [r4 + SI_DOMAINS]
        movi    r7, 0
.connect:
        cmp     r7, r5
        bge     .connected
        shli    r8, r7, 4
        add     r8, r8, r4
        ldw     r2, [r8 + SI_DOMAIN_TABLE + DOM_DOMID]
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_INTERDOMAIN
        hcall
        cmpi    r0, 0
        blt     fail
        la      r8, ports
        shli    r9, r7, 2
        add     r8, r8, r9
        stw     r0, [r8]
        call    unmask
        addi    r7, r7, 1
        jmp     .connect
.connected:
        la      r1, msg_ready
        call    puts
        mov     r1, r5
        call    put_dec
        la      r1, msg_domains
        call    puts
.ifdef HOSTILE_START
        call    hostile_start           ; (a hostile guest 0 of guests/attack/: its tries first)
.endif

; The main loop: wait for events; serve each domain whose port had one.
main:
        irq_disable
        la      r2, work
        ldw     r1, [r2]
        cmpi    r1, 0
        bne     .work
        wait_for_interrupt              ; enables events; returns once one was taken
        jmp     main
.work:
        movi    r3, 0
        stw     r3, [r2]
        irq_enable
        li      r5, PV_START_INFO
        ldw     r5, [r5 + SI_DOMAINS]
        movi    r7, 0
.each:
        cmp     r7, r5
        bge     main
        la      r8, ports
        shli    r9, r7, 2
        add     r8, r8, r9
        ldw     r8, [r8]
        movi    r9, 1
        shl     r9, r9, r8
        and     r9, r9, r1
        cmpi    r9, 0
        beq     .next
        push    r1
        push    r5
        push    r7
        mov     r1, r7
        call    serve
        pop     r7
        pop     r5
        pop     r1
.next:
        addi    r7, r7, 1
        jmp     .each

; fail: a hypercall guest 0 relies on was refused (a bug): it crashes. (Built natively, as
; the assembler's round trip does, it only stops: guest 0 runs PARAVIRT only.)
fail:
.ifdef PARAVIRT
        jmp     pv_crash
.else
        halt
.endif

; unmask: unmask port r0. Clobbers r0..r2.
unmask:
        mov     r2, r0
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_UNMASK
        hcall
        cmpi    r0, 0
        bne     fail
        ret

; on_trap: an event takes every pending port into `work` (and clears them); any other trap
; is a fault in guest 0's own code: it crashes.
on_trap:
        push    r1
        push    r2
        push    r3
        trap_read r1, CAUSE
        cmpi    r1, CAUSE_IRQ_BASE
        blt     crashed
        li      r2, PV_SHARED_INFO
        ldw     r1, [r2 + SH_EVTCHN_PENDING]
        movi    r3, 0
        stw     r3, [r2 + SH_EVTCHN_PENDING]
        la      r2, work
        ldw     r3, [r2]
        or      r3, r3, r1
        stw     r3, [r2]
        pop     r3
        pop     r2
        pop     r1
        iret_keep_r0
        return_from_trap

crashed:
        la      r1, msg_crashed
        call    puts
        trap_read r1, CAUSE
        call    put_cause
        la      r1, msg_at
        call    puts
        trap_read r1, FADDR
        call    put_hex
        call    newline
        jmp     fail

; serve: the domain in row r1 of start-info's domain table had an event. Keeps r1..r13.
serve:
        push    lr
        push    r1
        push    r2
        push    r3
        push    r4
        push    r5
        push    r6
        push    r7
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        push    r13
        li      r10, PV_START_INFO + SI_DOMAIN_TABLE
        shli    r2, r1, 4
        add     r10, r10, r2            ; r10 = its row
        ldw     r11, [r10 + DOM_DOMID]  ; r11 = its domain id
        la      r13, ports
        shli    r2, r1, 2
        add     r13, r13, r2            ; r13 = its port's word (and row index * 4)
        call    serve_console
        push    r0                      ; bytes sent (serve_ring clobbers r9)
        call    serve_ring
        pop     r9
        add     r9, r9, r0              ; + requests answered
        ; a notification that brought no work: count it (a storm ends the domain)
        la      r4, ports
        sub     r3, r13, r4             ; the row's index * 4
        la      r2, empties
        add     r2, r2, r3
        ldw     r3, [r2]
        addi    r3, r3, 1
        cmpi    r9, 0
        beq     .empty
        movi    r3, 0
.empty:
        stw     r3, [r2]
        cmpi    r3, STORM
        blt     .done
        movi    r3, VERDICT_STORM
        call    destroy
.done:
        pop     r13
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     r7
        pop     r6
        pop     r5
        pop     r4
        pop     r3
        pop     r2
        pop     r1
        pop     lr
        ret

; destroy: domctl destroy of domain r11 with verdict r3.
destroy:
        movi    r0, HC_DOMCTL
        movi    r1, DOMCTL_DESTROY
        mov     r2, r11
        hcall
        ret

; serve_console: send domain r11's console output to its terminal line (r10's row); r0 =
; bytes sent.
serve_console:
        movi    r5, 0
.more:
        movi    r0, HC_CONSOLE_IO
        movi    r1, CONSOLEIO_READ
        li      r2, 4096
        la      r3, conbuf
        mov     r4, r11
        hcall
        cmpi    r0, 0
        ble     .sent
        add     r5, r5, r0
        ldw     r2, [r10 + DOM_LINE]
        out     LINES_LINE, r2
        out     LINES_ADDRESS, r3       ; (a bus address: guest 0's own, through the IOMMU)
        out     LINES_COUNT, r0
        li      r2, 4096
        cmp     r0, r2
        beq     .more
.sent:
        mov     r0, r5
        ret

; serve_ring: carry out the requests on domain r11's block ring; r0 = requests answered.
serve_ring:
        push    lr
        ; the ring in: one grant copy of the page
        la      r12, ringbuf
        movi    r1, GNT_RING_REF
        movi    r2, 0
        mov     r3, r12
        li      r4, 4096
        movi    r5, 0                   ; into guest 0
        call    copy
        cmpi    r0, GNTST_BAD_DOMAIN
        beq     .none                   ; (the domain has ended)
        cmpi    r0, 0
        beq     .read
        movi    r3, VERDICT_UNREADABLE  ; its ring's grant revoked: nothing can be answered
        call    destroy
        jmp     .none
.read:
        ldw     r5, [r12 + RING_REQ_PROD]
        la      r6, conss
        la      r2, ports
        sub     r2, r13, r2
        add     r6, r6, r2              ; r6 = its req_cons word
        ldw     r7, [r6]
        sub     r2, r5, r7
        cmpi    r2, RING_SIZE
        bleu    .sane
        movi    r3, VERDICT_RING
        call    destroy
.none:
        movi    r0, 0
        pop     lr
        ret
.sane:
        movi    r9, 0                   ; answered
.request:
        cmp     r7, r5
        beq     .answered
        ; --dom0-crash N: the back end crashes as it takes its N-th request
        la      r2, taken
        ldw     r3, [r2]
        addi    r3, r3, 1
        stw     r3, [r2]
        li      r2, PV_START_INFO
        ldw     r2, [r2 + SI_CRASH_AT]
        cmp     r2, r3
        bne     .go
        li      r2, 0xdead0000
        ldw     r2, [r2]                ; (not mapped: a page fault)
.go:
        andi    r8, r7, RING_SIZE - 1
        shli    r8, r8, 5
        addi    r8, r8, RING_SLOTS      ; r8 = the slot's offset in the ring
        push    r5
        push    r6
        push    r7
        push    r8
        push    r9
        call    request
        pop     r9
        pop     r8
        pop     r7
        pop     r6
        pop     r5
        add     r2, r12, r8
        stw     r0, [r2 + RING_RSP_STATUS]      ; (RSP_ID is REQ_ID's word: it stays)
.ifdef FORGE_IDS
        ldw     r3, [r2 + RING_RSP_ID]  ; (a hostile guest 0: guests/attack/dom0-forge.s)
        addi    r3, r3, 1000
        stw     r3, [r2 + RING_RSP_ID]
.endif
        ; the slot back to the front end
        push    r5
        mov     r1, r8
        mov     r2, r8
        movi    r3, RING_SLOT_SIZE
        call    copy_back
        pop     r5
        cmpi    r0, 0
        bne     .unwritable
        addi    r7, r7, 1
        addi    r9, r9, 1
        jmp     .request
.answered:
        stw     r7, [r6]
        cmpi    r9, 0
        beq     .quiet
        stw     r7, [r12 + RING_RSP_PROD]
        movi    r1, RING_RSP_PROD
        movi    r2, RING_RSP_PROD
        movi    r3, 4
        call    copy_back
        cmpi    r0, 0
        bne     .unwritable
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        ldw     r2, [r13]
        hcall
.quiet:
        mov     r0, r9
        pop     lr
        ret
.unwritable:
        movi    r3, VERDICT_UNWRITABLE  ; its ring's grant read-only or revoked: no answer can reach it
        call    destroy
        jmp     .none

; copy_back: r3 bytes at offset r1 of guest 0's ring copy into offset r2 of domain r11's
; ring (a grant copy). Clobbers r0..r5.
copy_back:
        push    lr
        la      r0, ringbuf
        add     r0, r0, r1
        mov     r4, r3
        mov     r3, r0
        movi    r1, GNT_RING_REF
        movi    r5, 1                   ; out of guest 0
        call    copy
        pop     lr
        ret

; copy: one grant copy between domain r11's reference r1 (offset r2) and guest 0's own
; address r3, r4 bytes (inside one page on each side); r5 = 0 in, 1 out. r0 = its status.
; Clobbers r0..r5.
copy:
        push    r6
        la      r6, op
        cmpi    r5, 0
        bne     .out
        stw     r11, [r6 + GC_SRC_DOM]
        stw     r1, [r6 + GC_SRC_REF]
        stw     r2, [r6 + GC_SRC_OFF]
        li      r0, DOMID_SELF
        stw     r0, [r6 + GC_DST_DOM]
        shri    r0, r3, 12
        stw     r0, [r6 + GC_DST_REF]
        andi    r0, r3, 4095
        stw     r0, [r6 + GC_DST_OFF]
        jmp     .len
.out:
        li      r0, DOMID_SELF
        stw     r0, [r6 + GC_SRC_DOM]
        shri    r0, r3, 12
        stw     r0, [r6 + GC_SRC_REF]
        andi    r0, r3, 4095
        stw     r0, [r6 + GC_SRC_OFF]
        stw     r11, [r6 + GC_DST_DOM]
        stw     r1, [r6 + GC_DST_REF]
        stw     r2, [r6 + GC_DST_OFF]
.len:
        stw     r4, [r6 + GC_LEN]
        movi    r0, HC_GRANT_TABLE_OP
        movi    r1, GNTTABOP_COPY
        mov     r2, r6
        movi    r3, 1
        hcall
        cmpi    r0, 1
        bne     fail
        ldw     r0, [r6 + GC_STATUS]
        pop     r6
        ret

; request: carry out the request in the ring copy's slot at offset r8 for the domain in
; row r10 (id r11); r0 = its status (DISK_*). Clobbers r0..r9.
request:
        push    lr
        add     r3, r12, r8
        ldw     r4, [r3 + RING_REQ_OP]
        ldw     r5, [r3 + RING_REQ_SECTOR]
        ldw     r6, [r3 + RING_REQ_COUNT]
        ldw     r7, [r3 + RING_REQ_GREF]
        ldw     r8, [r3 + RING_REQ_OFFSET]
        cmpi    r4, DISK_CMD_READ
        beq     .op
        cmpi    r4, DISK_CMD_WRITE
        bne     .bad_command
.op:
        subi    r9, r6, 1
        cmpi    r9, RING_MAX_SECTORS - 1
        bgtu    .bad_command            ; count 1..8
        andi    r9, r8, SECTOR_SIZE - 1
        cmpi    r9, 0
        bne     .bad_address
        li      r9, 4096
        cmp     r8, r9
        bgeu    .bad_address            ; offset: whole sectors inside the page
        ; the grants, checked before the disk is touched (a copy of no bytes checks them as
        ; a copy would: a read writes the front end's pages, a write reads them)
        push    r4
        push    r5
        movi    r9, 0
        cmpi    r4, DISK_CMD_READ
        bne     .probe
        movi    r9, 1
.probe:
        mov     r1, r7
        mov     r2, r8
        la      r3, databuf
        movi    r4, 0
        mov     r5, r9
        call    copy
        cmpi    r0, 0
        bne     .refused
        shli    r0, r6, 9
        add     r0, r0, r8
        li      r1, 4096
        cmp     r0, r1
        bleu    .granted                ; one page
        addi    r1, r7, 1
        movi    r2, 0
        la      r3, databuf
        movi    r4, 0
        mov     r5, r9
        call    copy
        cmpi    r0, 0
        bne     .refused
.granted:
        pop     r5
        pop     r4
        ldw     r9, [r10 + DOM_SECTORS]
        cmp     r5, r9
        bgeu    .bad_sector
        sub     r9, r9, r5
        cmp     r6, r9
        bgtu    .bad_sector             ; inside its partition
        ldw     r9, [r10 + DOM_FIRST_SECTOR]
        add     r5, r5, r9              ; r5 = the physical sector
        cmpi    r4, DISK_CMD_WRITE
        beq     .write
        call    disk                    ; read into guest 0's buffer
        cmpi    r0, DISK_OK
        bne     .done
        movi    r9, 1                   ; then out into the front end's pages
        call    data
        jmp     .done
.write:
        push    r4                      ; (data takes r4..r6 for its copies)
        push    r5
        push    r6
        movi    r9, 0                   ; the front end's pages in
        call    data
        pop     r6
        pop     r5
        pop     r4
        cmpi    r0, DISK_OK
        bne     .done
        call    disk
        jmp     .done
.refused:
        pop     r5
        pop     r4
        jmp     .bad_address
.bad_command:
        movi    r0, DISK_BAD_COMMAND
        jmp     .done
.bad_address:
        movi    r0, DISK_BAD_ADDRESS
        jmp     .done
.bad_sector:
        movi    r0, DISK_BAD_SECTOR
.done:
        pop     lr
        ret

; disk: the physical disk moves r6 sectors at sector r5 to or from guest 0's buffer (r4:
; the command); r0 = its status once its interrupt came.
disk:
        push    lr
        out     DISK_SECTOR, r5
        la      r0, databuf
        out     DISK_ADDRESS, r0
        out     DISK_COUNT, r6
        out     DISK_COMMAND, r4
        call    wait_disk
        pop     lr
        ret

; wait_disk: block until the physical disk's interrupt; r0 = its status. Clobbers r1..r3.
wait_disk:
        push    lr
.wait:
        irq_disable
        la      r2, work
        ldw     r1, [r2]
        la      r3, disk_port
        ldw     r3, [r3]
        movi    r0, 1
        shl     r0, r0, r3
        and     r3, r1, r0
        cmpi    r3, 0
        bne     .came
        wait_for_interrupt
        jmp     .wait
.came:
        xor     r1, r1, r0
        stw     r1, [r2]
        irq_enable
        in      r0, DISK_STATUS
        pop     lr
        ret

; data: move the request's r6 sectors between guest 0's buffer and the front end's granted
; pages (reference r7 at offset r8, then reference r7 + 1): r9 = 1 out to them, 0 in. r0 =
; DISK_OK, or DISK_BAD_ADDRESS if a grant was refused. Clobbers r1..r6.
data:
        push    lr
        shli    r6, r6, 9               ; bytes
        li      r0, 4096
        sub     r0, r0, r8              ; room in the first page
        cmp     r6, r0
        bleu    .fits
        push    r0                      ; the first part: what fits
        mov     r1, r7
        mov     r2, r8
        la      r3, databuf
        mov     r4, r0
        mov     r5, r9
        call    copy
        pop     r4
        cmpi    r0, 0
        bne     .refused
        sub     r4, r6, r4              ; the rest, from the next page's start
        la      r3, databuf
        li      r0, 4096
        sub     r0, r0, r8
        add     r3, r3, r0
        addi    r1, r7, 1
        movi    r2, 0
        mov     r5, r9
        call    copy
        jmp     .checked
.fits:
        mov     r1, r7
        mov     r2, r8
        la      r3, databuf
        mov     r4, r6
        mov     r5, r9
        call    copy
.checked:
        cmpi    r0, 0
        bne     .refused
        movi    r0, DISK_OK
        pop     lr
        ret
.refused:
        movi    r0, DISK_BAD_ADDRESS
        pop     lr
        ret

msg_boot:       .asciz  "dom0: guest 0 up: the physical disk and terminal lines are passed through\n"
msg_no_room:    .asciz  "dom0: too little memory for its stack above its image: raise --dom0-mem\n"
msg_ready:      .asciz  "dom0: back ends ready for "
msg_domains:    .asciz  " domains\n"
msg_crashed:    .asciz  "dom0: crashed: "
msg_at:         .asciz  " at "

.include "../attack/lib.s"

        .align  4
disk_port:      .word   0
work:           .word   0               ; ports with events not yet served
taken:          .word   0               ; requests taken
ports:          .space  4 * DOM0_MAX_DOMAINS
conss:          .space  4 * DOM0_MAX_DOMAINS    ; each ring's req_cons
empties:        .space  4 * DOM0_MAX_DOMAINS    ; notifications in a row without work
op:             .space  GC_WORDS * 4
        .align  4096
ringbuf:        .space  4096            ; a domain's ring, copied in
databuf:        .space  4096            ; the disk's data
conbuf:         .space  4096            ; console output on its way out
image_end:
