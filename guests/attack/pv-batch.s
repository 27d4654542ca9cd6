; pv-batch.s - a paravirtual guest that gives the batched hypercalls lists they cannot take.
;
; Attacks: mmu_update, mmuext_op and multicall read their lists from guest memory, `count`
; entries long. It passes counts of 0, 1025 and 0x7fffffff; a list address that is not
; mapped, one that is not a multiple of 4, and one whose last entry runs off the end of
; what is mapped; and a batch of three page-table updates whose second entry is refused.
;
; What must happen: EINVAL for a count out of range or a misaligned list, EFAULT for a list
; it cannot read (nothing read past its own memory); for the batch, the result 1 (the
; entries before the refused one applied), the third entry not applied, and the first one
; in place. A well-behaved guest beside it runs exactly as alone.
;
; Expected console output (para, 1 MiB): pv-batch.expected; status halted.

.include "../include/paravirt.inc"

.equ PAGE_A, 0x80000                    ; pages of its own, mapped where they are
.equ PAGE_B, 0x81000
.equ LIST, 0x90000

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        movi    r0, HC_MMU_UPDATE
        li      r1, LIST
        movi    r2, 0
        call    show_call
        la      r1, msg_count0
        call    show_result
        movi    r0, HC_MMU_UPDATE
        li      r1, LIST
        li      r2, 1025
        call    show_call
        la      r1, msg_count1025
        call    show_result
        movi    r0, HC_MMUEXT_OP
        li      r1, LIST
        li      r2, 0x7fffffff
        call    show_call
        la      r1, msg_count_huge
        call    show_result
        movi    r0, HC_MULTICALL
        li      r1, 0x7ff00000
        movi    r2, 3
        call    show_call
        la      r1, msg_unmapped
        call    show_result
        movi    r0, HC_MMU_UPDATE
        li      r1, LIST + 2
        movi    r2, 1
        call    show_call
        la      r1, msg_misaligned
        call    show_result
        li      r1, PV_BLK_RING + 0xff8 ; the last entry of the last page of the address space
        movi    r2, 2                   ; two pairs: the second one wraps past 4 GiB
        movi    r0, HC_MMU_UPDATE
        call    show_call
        la      r1, msg_runs_off
        call    show_result

        ; three updates of PAGE_A's entry, the second naming a frame that is not its own
        li      r1, PAGE_A
        call    machine_entry
        mov     r10, r1
        li      r3, LIST
        stw     r10, [r3]
        li      r1, PAGE_B >> 12        ; 1: PAGE_A -> PAGE_B's frame (read-only)
        call    p2m
        shli    r1, r1, 12
        ori     r1, r1, PTE_V | PTE_U
        li      r3, LIST
        stw     r1, [r3 + 4]
        stw     r10, [r3 + 8]           ; 2: a frame that is not its own
        li      r1, 0xfffff000 | PTE_V | PTE_U
        stw     r1, [r3 + 12]
        stw     r10, [r3 + 16]          ; 3: back to its own frame
        li      r1, PAGE_A >> 12
        call    p2m
        shli    r1, r1, 12
        ori     r1, r1, PTE_V | PTE_W | PTE_U
        li      r3, LIST
        stw     r1, [r3 + 20]
        li      r1, PAGE_A
        li      r2, 0xaaaa
        stw     r2, [r1]
        li      r1, PAGE_B
        li      r2, 0xbbbb
        stw     r2, [r1]
        movi    r0, HC_MMU_UPDATE
        li      r1, LIST
        movi    r2, 3
        call    show_call
        la      r1, msg_batch
        call    show_result
        movi    r0, HC_MMUEXT_OP        ; flush, so PAGE_A reads through its entry
        li      r1, LIST + 0x100
        movi    r2, 1
        li      r3, LIST + 0x100
        movi    r4, MMUEXT_TLB_FLUSH_LOCAL
        stw     r4, [r3]
        hcall
        li      r1, PAGE_A
        ldw     r9, [r1]
        la      r1, msg_reads
        call    show_hex
        halt

; show_call: make hypercall r0 with r1, r2; r9 = its result.
show_call:
        hcall
        mov     r9, r0
        ret

msg_title:      .asciz  "pv-batch: batched hypercalls with lists they cannot take\n"
msg_count0:     .asciz  "mmu_update of 0 entries"
msg_count1025:  .asciz  "mmu_update of 1025 entries"
msg_count_huge: .asciz  "mmuext_op of 0x7fffffff operations"
msg_unmapped:   .asciz  "multicall of a list that is not mapped"
msg_misaligned: .asciz  "mmu_update of a misaligned list"
msg_runs_off:   .asciz  "mmu_update of a list that runs past the end of the address space"
msg_batch:      .asciz  "a batch of 3 whose second entry is refused: applied"
msg_reads:      .asciz  "PAGE_A now reads (PAGE_B's word, so entry 1 only)"

.include "pvlib.s"
.include "lib.s"
