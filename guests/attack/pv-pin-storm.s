; pv-pin-storm.s - a paravirtual guest that makes the VMM validate as much as it can, for ever.
;
; Attacks: pinning a directory makes the VMM validate it and every page table it names, and
; unpinning it drops them all again: work for the VMM, asked for by one hypercall. It maps
; 200 pages read-only, names them all as page tables in one directory, and pins and unpins
; that directory in a loop: some 400,000 entries examined for every few instructions.
;
; What must happen: the VMM's work counts as the guest's time (an instruction an entry
; examined), so the guest meets the instruction limit as soon as it would had it done the
; work itself: vmm finishes in moments, not hours, and a well-behaved guest beside it runs
; exactly as alone. Status limit.
;
; Expected console output (para, 1 MiB, --max-instructions 100000): pv-pin-storm.expected;
; status limit.

.include "../include/paravirt.inc"

.equ TABLES, 0x20000                    ; 200 pages from here become page tables
.equ COUNT, 200
.equ DIR, 0xf0000                       ; and this one the directory naming them

        .org    0x1000
start:
        la      r1, msg_title
        call    puts
        li      r8, TABLES
        li      r13, DIR
        movi    r10, 0
.table:                                 ; each table page read-only, named by the directory
        shli    r1, r10, 12
        add     r1, r1, r8
        push    r1
        shri    r1, r1, 12
        call    p2m
        shli    r11, r1, 12             ; r11 = its machine address
        pop     r1
        ori     r2, r11, PTE_V | PTE_U
        movi    r3, UVMF_INVLPG
        call    uvm
        ori     r2, r11, PTE_V | PTE_W | PTE_U
        shli    r3, r10, 2
        add     r3, r3, r13
        stw     r2, [r3]                ; the directory is still an ordinary page
        addi    r10, r10, 1
        cmpi    r10, COUNT
        blt     .table
        mov     r1, r13
        shri    r1, r1, 12
        call    p2m
        mov     r12, r1                 ; r12 = the directory's machine frame
        shli    r2, r12, 12
        ori     r2, r2, PTE_V | PTE_U
        mov     r1, r13
        movi    r3, UVMF_INVLPG
        call    uvm
        la      r1, msg_loop
        call    puts
.storm:
        movi    r1, MMUEXT_PIN_L2_TABLE
        mov     r2, r12
        call    mmuext1
        movi    r1, MMUEXT_UNPIN_TABLE
        mov     r2, r12
        call    mmuext1
        jmp     .storm

msg_title:      .asciz  "pv-pin-storm: pin and unpin a directory of 200 page tables, for ever\n"
msg_loop:       .asciz  "pinning and unpinning\n"

.include "pvlib.s"
.include "lib.s"
