; pv-foreign.s - a paravirtual guest that asks for page-table entries naming frames that are
; not its own.
;
; Attacks: direct paging lets a paravirtual guest write machine frame numbers into its page
; tables, so it names, through update_va_mapping and mmu_update: the machine frame just
; below its own memory (another guest's, or the VMM's), the frame just past its end, a frame
; far beyond the host's memory, each writable and read-only; a directory entry naming a
; foreign frame as a page table; and an entry address that is itself in a foreign frame.
;
; What must happen: the VMM's validator refuses every one with EPERM, and leaves the entry
; as it was (the page still reads as the guest's own). A well-behaved guest beside it runs
; exactly as alone.
;
; Expected console output (para, 1 MiB): pv-foreign.expected; status halted.

.include "../include/paravirt.inc"

.equ VICTIM_VA, 0x80000                 ; a page of its own, mapped where it is
.equ MAGIC, 0x600dface

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        li      r1, VICTIM_VA
        li      r2, MAGIC
        stw     r2, [r1]
        movi    r1, 0
        call    p2m
        mov     r10, r1                 ; r10 = its first machine frame
        movi    r1, SI_NR_PAGES
        call    start_info
        add     r11, r10, r1            ; r11 = the first machine frame past its memory
        li      r1, VICTIM_VA
        call    machine_entry
        mov     r12, r1                 ; r12 = machine address of VICTIM_VA's entry

        subi    r2, r10, 1
        la      r1, msg_below_w
        call    try_map_w
        subi    r2, r10, 1
        la      r1, msg_below_r
        call    try_map_r
        mov     r2, r11
        la      r1, msg_past_w
        call    try_map_w
        mov     r2, r11
        la      r1, msg_past_r
        call    try_map_r
        li      r2, 0xfffff
        la      r1, msg_far
        call    try_map_w

        ; mmu_update of the same entry, and a directory entry naming a foreign page table
        mov     r1, r12
        subi    r2, r10, 1
        shli    r2, r2, 12
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        call    mmu1
        la      r1, msg_mmu
        call    show_result
        li      r1, 0x800000            ; no table maps it yet: its directory entry
        call    dir_entry
        subi    r2, r10, 1
        shli    r2, r2, 12
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        call    mmu1
        la      r1, msg_pde
        call    show_result
        subi    r1, r10, 1              ; an entry address in a foreign frame
        shli    r1, r1, 12
        li      r2, PTE_V
        call    mmu1
        la      r1, msg_where
        call    show_result

        li      r1, VICTIM_VA           ; still its own page
        ldw     r9, [r1]
        la      r1, msg_still
        call    show_hex
        halt

; try_map_w / try_map_r: update_va_mapping of VICTIM_VA to machine frame r2, writable or
; read-only; show the result under label r1.
try_map_w:
        movi    r3, PTE_V | PTE_W | PTE_U
        jmp     try_map
try_map_r:
        movi    r3, PTE_V | PTE_U
try_map:
        push    lr
        push    r1
        shli    r2, r2, 12
        or      r2, r2, r3
        li      r1, VICTIM_VA
        movi    r3, UVMF_INVLPG
        call    uvm
        pop     r1
        call    show_result
        pop     lr
        ret

; dir_entry: r1 = the machine address of the boot directory's entry for va r1.
dir_entry:
        push    lr
        mov     r3, r1
        movi    r1, 0
        push    r3
        movi    r1, SI_PT_BASE
        call    start_info
        call    to_machine
        pop     r3
        shri    r2, r3, 22
        shli    r2, r2, 2
        add     r1, r1, r2
        pop     lr
        ret

; to_machine: r1 = the machine address of pseudo-physical address r1. Clobbers r2, r3.
to_machine:
        push    lr
        andi    r3, r1, 0xfff
        shri    r1, r1, 12
        call    p2m
        shli    r1, r1, 12
        or      r1, r1, r3
        pop     lr
        ret

msg_title:      .asciz  "pv-foreign: page-table entries naming frames that are not its own\n"
msg_below_w:    .asciz  "map the frame below its memory, writable"
msg_below_r:    .asciz  "map the frame below its memory, read-only"
msg_past_w:     .asciz  "map the frame past its end, writable"
msg_past_r:     .asciz  "map the frame past its end, read-only"
msg_far:        .asciz  "map frame 0xfffff"
msg_mmu:        .asciz  "mmu_update of the entry to the frame below"
msg_pde:        .asciz  "directory entry naming a foreign page table"
msg_where:      .asciz  "an entry address in a foreign frame"
msg_still:      .asciz  "its page still reads"

.include "pvlib.s"
.include "lib.s"
