; dom0-overreach.s - a guest 0 (--dom0-image) that reaches for memory it was not given,
; then serves its domains as guest 0 does.
;
; Attacks: guest 0 owns the physical disk and moves every byte of the other domains' I/O
; with grant copies. Before it serves, it tries: a copy from a reference domain 1 never
; granted (100); a copy into domain 1's ring page past the page's end; a copy from a
; domain that does not exist (9); a copy into its own boot page directory (a page table);
; and two DMAs of the physical disk: to a bus address past its memory, and into its own
; boot page directory.
;
; What must happen: each copy is refused with its status (GNTST_BAD_GNTREF -4,
; GNTST_BAD_COPY_ARG -10, GNTST_BAD_DOMAIN -2, GNTST_BAD_PAGE -9) and each DMA ends with
; DISK_BAD_ADDRESS (4): the IOMMU maps only guest 0's own frames, and its page tables
; read-only. Nothing of domain 1 is read or written; domain 1 then runs as beside the
; normal guest 0. Run it as --dom0-image with a domain beside it (test/vmm/dom0.test.ts).
;
; Expected console output (guest 0's, beside kernel/tinyos.s with its disk):
; dom0-overreach.expected.

.equ HOSTILE_START, 1
.include "../dom0/dom0.s"

; hostile_start: the tries, each reported; keeps nothing.
hostile_start:
        push    lr
        la      r1, ov_title
        call    puts
        movi    r11, 1                  ; domain 1
        movi    r1, 100                 ; reference 100, never granted
        movi    r2, 0
        la      r3, databuf
        movi    r4, 16
        movi    r5, 0
        call    copy
        la      r1, ov_ungranted
        call    ov_show
        movi    r1, GNT_RING_REF        ; past the end of its ring page
        li      r2, 4000
        la      r3, databuf
        movi    r4, 200
        movi    r5, 1
        call    copy
        la      r1, ov_past_page
        call    ov_show
        movi    r11, 9                  ; no such domain
        movi    r1, 0
        movi    r2, 0
        la      r3, databuf
        movi    r4, 16
        movi    r5, 0
        call    copy
        la      r1, ov_no_domain
        call    ov_show
        li      r11, DOMID_SELF         ; its own page directory, as a destination
        li      r1, PV_START_INFO
        ldw     r1, [r1 + SI_PT_BASE]
        shri    r1, r1, 12
        movi    r2, 0
        la      r3, databuf
        movi    r4, 16
        movi    r5, 0
        la      r6, op
        call    self_copy
        la      r1, ov_own_table
        call    ov_show
        li      r1, 0x10000000          ; DMA past its memory
        call    ov_dma
        la      r1, ov_dma_far
        call    ov_show
        li      r1, PV_START_INFO       ; DMA into its own page directory
        ldw     r1, [r1 + SI_PT_BASE]
        call    ov_dma
        la      r1, ov_dma_table
        call    ov_show
        pop     lr
        ret

; self_copy: a copy from its own frame databuf into its own frame r1 (both DOMID_SELF).
self_copy:
        li      r0, DOMID_SELF
        stw     r0, [r6 + GC_SRC_DOM]
        la      r0, databuf
        shri    r0, r0, 12
        stw     r0, [r6 + GC_SRC_REF]
        movi    r0, 0
        stw     r0, [r6 + GC_SRC_OFF]
        stw     r0, [r6 + GC_DST_OFF]
        li      r0, DOMID_SELF
        stw     r0, [r6 + GC_DST_DOM]
        stw     r1, [r6 + GC_DST_REF]
        stw     r4, [r6 + GC_LEN]
        movi    r0, HC_GRANT_TABLE_OP
        movi    r1, GNTTABOP_COPY
        mov     r2, r6
        movi    r3, 1
        hcall
        ldw     r0, [r6 + GC_STATUS]
        ret

; ov_dma: a physical disk read of one sector into bus address r1; r0 = its status.
ov_dma:
        push    lr
        movi    r5, 0
        movi    r6, 1
        movi    r4, DISK_CMD_READ
        out     DISK_SECTOR, r5
        out     DISK_ADDRESS, r1
        out     DISK_COUNT, r6
        out     DISK_COMMAND, r4
        call    wait_disk
        pop     lr
        ret

; ov_show: "  <label r1>: <r0, signed>".
ov_show:
        push    lr
        push    r0
        call    show_label
        pop     r0
        mov     r1, r0
        cmpi    r0, 0
        bge     .number
        push    r0
        la      r1, ov_minus
        call    puts
        pop     r0
        movi    r1, 0
        sub     r1, r1, r0
.number:
        call    put_dec
        call    newline
        pop     lr
        ret

ov_minus:       .asciz  "-"
ov_title:       .asciz  "dom0-overreach: guest 0 reaches for what it was not given\n"
ov_ungranted:   .asciz  "copy from a reference never granted"
ov_past_page:   .asciz  "copy past the end of the ring page"
ov_no_domain:   .asciz  "copy from domain 9"
ov_own_table:   .asciz  "copy into its own page directory"
ov_dma_far:     .asciz  "disk DMA past its memory"
ov_dma_table:   .asciz  "disk DMA into its own page directory"
