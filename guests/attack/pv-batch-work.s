; pv-batch-work.s - a paravirtual guest that asks for as much validation as one hypercall can
; carry.
;
; Attacks: one multicall of 1024 mmuext_op batches, each of 1024 pins and unpins of a
; directory naming 100 page tables: a billion entries for the VMM to examine in one exit, so
; that vmm itself would hang inside the hypercall.
;
; What must happen: the work of one hypercall is bounded (about a million entries): the
; multicall stops after the batch that passed the bound and returns how many calls it made
; (1), the trace's detail says why; the work is the guest's time (an instruction an entry).
; A well-behaved guest beside it runs exactly as alone.
;
; Expected console output (para, 1 MiB): pv-batch-work.expected; status halted.
.include "../include/paravirt.inc"
.ifndef NT
.equ NT, 100
.endif
.ifndef MC
.equ MC, 1024
.endif
.equ DIR, 0x80000
.equ TABLES, 0x81000
.equ REQS, 0x60000
.equ EXTS, 0x70000
.equ CALLS, 0x74000
        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        ; DIR[i] = table i, writable, present
        movi    r8, 0
.fill:
        li      r1, TABLES
        shri    r1, r1, 12
        add     r1, r1, r8
        call    p2m
        shli    r1, r1, 12
        ori     r1, r1, PTE_V | PTE_W | PTE_U
        li      r2, DIR
        shli    r3, r8, 2
        add     r2, r2, r3
        stw     r1, [r2]
        addi    r8, r8, 1
        cmpi    r8, NT
        blt     .fill
        ; remap DIR and the NT tables read-only: one mmu_update batch
        movi    r8, 0
        li      r9, REQS
.req:
        li      r1, DIR
        shli    r2, r8, 12
        add     r1, r1, r2
        mov     r10, r1
        call    machine_entry
        stw     r1, [r9]
        shri    r1, r10, 12
        call    p2m
        shli    r1, r1, 12
        ori     r1, r1, PTE_V | PTE_U
        stw     r1, [r9 + 4]
        addi    r9, r9, 8
        addi    r8, r8, 1
        cmpi    r8, NT + 1
        blt     .req
        movi    r0, HC_MMU_UPDATE
        li      r1, REQS
        li      r2, NT + 1
        hcall
        mov     r9, r0
        la      r1, msg_ro
        call    show_result
        movi    r0, HC_MMUEXT_OP
        movi    r1, MMUEXT_TLB_FLUSH_LOCAL
        ; the mmuext list: pin, unpin, pin, unpin ...
        li      r1, DIR
        shri    r1, r1, 12
        call    p2m
        mov     r10, r1
        li      r9, EXTS
        movi    r8, 0
.ext:
        movi    r1, MMUEXT_PIN_L2_TABLE
        stw     r1, [r9]
        stw     r10, [r9 + 4]
        movi    r1, MMUEXT_UNPIN_TABLE
        stw     r1, [r9 + 8]
        stw     r10, [r9 + 12]
        addi    r9, r9, 16
        addi    r8, r8, 2
        li      r1, 1024
        cmp     r8, r1
        blt     .ext
        ; the multicall list
        li      r9, CALLS
        movi    r8, 0
.mc:
        movi    r1, HC_MMUEXT_OP
        stw     r1, [r9]
        li      r1, EXTS
        stw     r1, [r9 + 4]
        li      r1, 1024
        stw     r1, [r9 + 8]
        addi    r9, r9, 24
        addi    r8, r8, 1
        li      r1, MC
        cmp     r8, r1
        blt     .mc
        la      r1, msg_go
        call    puts
        movi    r0, HC_MULTICALL
        li      r1, CALLS
        li      r2, MC
        hcall
        mov     r9, r0
        la      r1, msg_done
        call    show_result
        halt
msg_ro:   .asciz "remap read-only"
msg_go:   .asciz "one multicall...\n"
msg_done: .asciz "multicall"
        .align 4
.include "pvlib.s"
.include "lib.s"
