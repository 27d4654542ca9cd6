; hw-gpa-edges.s - guest-physical addresses at every edge of the nested table.
;
; Attacks: nested paging (--mode hw): the VMM's nested table maps exactly the guest's
; frames, and every other guest-physical address must end in the bus error bare hardware
; gives, never in another guest's memory. With paging off, then through the guest's own
; tables, the guest names: the last word of its memory, the first word past it, the first
; word of each 4 MiB the nested directory covers past it (slots 1, 512 and 1023: the
; directory's first, middle and last entries), and the very top of 4 GiB; for loads,
; stores and jumps. Through its tables it also puts a page table in its last frame (allowed)
; and one in the first frame past its memory.
;
; What must happen: each access gives exactly what bare hardware gives (a value, or a bus
; fault at the address), in every mode; no store past the guest's memory lands anywhere,
; and the neighbours run exactly as alone.
;
; Expected console output (bare, 1 MiB): hw-gpa-edges.expected; status halted.

.include "../include/paravirt.inc"

.equ PDIR, 0x10000
.equ PT0, 0x11000
.equ PT1, 0x12000                       ; VA 0x400000..: windows onto the edges
.equ WINDOW, 0x400000
.equ STACK_TOP, 0xf000
.equ MAGIC, 0x5eed1e55

        .org    0x1000
start:
        mov     r11, sp                 ; r11 = end of memory (sp at reset)
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        subi    r1, r11, 4
        li      r2, MAGIC
        stw     r2, [r1]                ; the last word of memory

        la      r1, msg_physical
        call    puts
        la      r10, edges
.edge:
        ldw     r1, [r10]
        cmpi    r1, 0
        beq     .edges_done
        call    probe_edge
        addi    r10, r10, 8
        jmp     .edge
.edges_done:

        ; ---- the same edges through the guest's own tables -------------------------------
        li      r1, PDIR
        call    zero_page
        li      r1, PT0
        call    zero_page
        li      r1, PT1
        call    zero_page
        li      r1, PT0
        mov     r2, r11
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1 + 0]
        li      r2, PT1 | PTE_V | PTE_W
        stw     r2, [r1 + 4]
        subi    r2, r11, PAGE_SIZE      ; VA 0x800000: a page table in the last frame
        ori     r2, r2, PTE_V | PTE_W
        stw     r2, [r1 + 8]
        ori     r2, r11, PTE_V | PTE_W  ; VA 0xc00000: a page table just past the end
        stw     r2, [r1 + 12]
        ; PT1 maps window i to the frame of edge i
        la      r10, edges
        li      r9, PT1
.map:
        ldw     r1, [r10]
        cmpi    r1, 0
        beq     .mapped
        li      r2, ~4095
        and     r1, r1, r2
        ori     r1, r1, PTE_V | PTE_W
        stw     r1, [r9]
        addi    r9, r9, 4
        addi    r10, r10, 8
        jmp     .map
.mapped:
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        la      r1, msg_paging
        call    puts
        la      r10, edges
        li      r8, WINDOW
.window:
        ldw     r1, [r10]
        cmpi    r1, 0
        beq     .windows_done
        li      r2, 4095
        and     r1, r1, r2
        add     r1, r1, r8              ; the edge's offset in its window
        call    probe_edge
        li      r1, PAGE_SIZE
        add     r8, r8, r1
        addi    r10, r10, 8
        jmp     .window
.windows_done:
        li      r1, 0x800000 + 1023 * PAGE_SIZE ; through the last entry of the table in the last frame
        call    try_read
        mov     r4, r1
        la      r1, lbl_table_last
        call    report
        li      r1, 0xc00000            ; through the table past the end
        call    try_read
        mov     r4, r1
        la      r1, lbl_table_past
        call    report
        li      r1, 0
        mtcr    ptbr, r1
        la      r1, msg_after
        call    puts
        subi    r1, r11, 4
        ldw     r9, [r1]
        la      r1, lbl_magic
        call    show_hex
        jmp     halt_forever

; probe_edge: r1 = an address, r10 = its row (address, label): load, store, jump; each
; reported. Clobbers r1..r9 but r8 and r10.
probe_edge:
        push    lr
        push    r8
        mov     r7, r1
        ldw     r1, [r10 + 4]
        call    puts
        call    newline
        mov     r1, r7
        call    try_read
        mov     r4, r1
        la      r1, lbl_load
        call    report
        mov     r1, r7
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_store
        call    report
        mov     r1, r7
        call    try_exec
        la      r1, lbl_jump
        call    report
        pop     r8
        pop     lr
        ret

.include "lib.s"

        .align  4
; the edges (1 MiB of memory): address, label; 0 ends the list
edges:
        .word   0x000ffffc, lbl_last
        .word   0x00100000, lbl_past
        .word   0x00400000, lbl_slot1
        .word   0x80000000, lbl_slot512
        .word   0xffc00000, lbl_slot1023
        .word   0xfffffffc, lbl_top
        .word   0, 0
msg_hello:      .asciz  "hw-gpa-edges: guest-physical addresses at the edges of the nested table\n"
msg_physical:   .asciz  "paging off:\n"
msg_paging:     .asciz  "paging on, each edge through a window at 0x400000 + 4 KiB * its row:\n"
msg_after:      .asciz  "paging off again:\n"
lbl_last:       .asciz  " the last word of memory (0x000ffffc)"
lbl_past:       .asciz  " the first word past it (0x00100000)"
lbl_slot1:      .asciz  " nested directory slot 1 (0x00400000)"
lbl_slot512:    .asciz  " nested directory slot 512 (0x80000000)"
lbl_slot1023:   .asciz  " nested directory slot 1023 (0xffc00000)"
lbl_top:        .asciz  " the top of 4 GiB (0xfffffffc)"
lbl_load:       .asciz  "  load "
lbl_store:      .asciz  "  store"
lbl_jump:       .asciz  "  jump "
lbl_table_last: .asciz  "load  through a page table in the last frame"
lbl_table_past: .asciz  "load  through a page table past the end"
lbl_magic:      .asciz  "the last word of memory"
