; pv-code-table.s - a paravirtual guest whose code page becomes a page table, rewritten by
; mmu_update while compiled code of it exists.
;
; Attacks: the VMM writes page-table entries for the guest (mmu_update); a word that is a
; non-present entry may also be an instruction. The guest runs a routine often enough to be
; compiled, maps its page read-only, makes it a page table, rewrites the routine's first word
; (movi r5, 2 -> movi r5, 4: bit 0 clear, a non-present entry) with mmu_update, and calls it.
;
; What must happen: the VMM's write drops the compiled code of that page like any other
; write, so the new instruction runs (r5 = 4) with the block compiler as without it.
;
; Expected console output (para, 1 MiB): pv-code-table.expected; status halted.
.include "../include/paravirt.inc"
.equ CODE, 0x50000
        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        call    warm
        ; CODE read-only, then a page table (directory slot 600)
        li      r1, CODE
        shri    r1, r1, 12
        call    p2m
        mov     r10, r1
        shli    r2, r10, 12
        ori     r2, r2, PTE_V | PTE_U
        li      r1, CODE
        movi    r3, UVMF_INVLPG
        call    uvm
        movi    r1, SI_PT_BASE
        call    start_info
        shri    r1, r1, 12
        call    p2m
        shli    r1, r1, 12
        li      r2, 600*4
        add     r1, r1, r2
        shli    r2, r10, 12
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        call    mmu1
        la      r1, msg_table
        call    show_result
        call    warm
        ; rewrite entry 0 (movi r5, 2) as movi r5, 4: a non-present entry
        shli    r1, r10, 12
        li      r2, 0x18500004
        call    mmu1
        la      r1, msg_upd
        call    show_result
        call    CODE
        mov     r9, r5
        la      r1, msg_r5
        call    show_result
        li      r1, CODE
        ldw     r9, [r1]
        la      r1, msg_word
        call    show_hex
        halt
warm:
        push    lr
        li      r8, 3000
.w:     call    CODE
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .w
        pop     lr
        ret
msg_table: .asciz "code page made a page table"
msg_upd:   .asciz "mmu_update its first word"
msg_r5:    .asciz "r5 after calling it (4 expected)"
msg_word:  .asciz "its first word"
        .align 4
.include "pvlib.s"
.include "lib.s"
        .org    CODE
        movi    r5, 2
        ret
