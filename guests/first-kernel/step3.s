; step3.s - your first kernel, step 3 (docs/first-kernel.md): a page table. The first 64 KiB
; are mapped to themselves; ptbr points at the directory, with its paging bit. A load from an
; address no entry maps is a page fault: the handler prints the faulting address and stops.

.include "platform.inc"

.equ DIR, 0x10000                       ; the page directory (one page)
.equ TABLE, 0x11000                     ; its first page table: the first 4 MiB
.equ MAPPED, 16                         ; pages mapped: 64 KiB

start:
        la      r1, on_trap
        mtcr    tvec, r1
        li      r1, TABLE               ; entry i: frame i, valid and writable
        movi    r2, 0
.map:
        shli    r3, r2, 12
        ori     r3, r3, PTE_V | PTE_W
        stw     r3, [r1]
        addi    r1, r1, 4
        addi    r2, r2, 1
        cmpi    r2, MAPPED
        blt     .map
        li      r1, DIR
        li      r2, TABLE | PTE_V | PTE_W
        stw     r2, [r1]                ; directory entry 0: the table
        li      r1, DIR | PTBR_PAGING
        mtcr    ptbr, r1                ; paging on
        la      r1, on
        call    puts
        li      r1, 0x20000             ; not mapped
        ldw     r2, [r1]                ; a page fault
        hlt

on_trap:
        la      r1, fault
        call    puts
        mfcr    r1, faddr
        call    put_hex
        movi    r2, '\n'
        out     CONSOLE_DATA, r2
        hlt                             ; interrupts are off in a trap: the machine stops

; puts: print the string at r1. Clobbers r1, r2.
puts:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .done
        out     CONSOLE_DATA, r2
        addi    r1, r1, 1
        jmp     puts
.done:
        ret

; put_hex: print r1 as 8 hex digits. Clobbers r1..r3.
put_hex:
        movi    r3, 8
.digit:
        shri    r2, r1, 28
        addi    r2, r2, '0'
        cmpi    r2, '9'
        ble     .out
        addi    r2, r2, 'a' - '9' - 1
.out:
        out     CONSOLE_DATA, r2
        shli    r1, r1, 4
        subi    r3, r3, 1
        cmpi    r3, 0
        bne     .digit
        ret

on:     .asciz  "step 3: paging on\n"
fault:  .asciz  "step 3: page fault at 0x"
