; Found with the page walk's A/D writes not reaching the binary translator (issue 8, defect 2).
; Found by the differential fuzzer: seed 109, kind ptecode; full differed from the reference.
; fuzz: memory=285212672 tlb=64 tagged=false quantum=7
; fuzz program (ptecode)
.include "../../../guests/include/platform.inc"
        .word PTE_V | PTE_W             ; PTE 0: va 0 -> frame 0 (this page is code, and its own page table)
ptes:                                   ; PTEs 1..8: instructions, and the mappings of va 0x1000..0x8000
        .word 268476419
        .word 275337219
        .word 274788355
        .word 274817025
        .word 274874369
        .word 276221955
        .word 272719873
        .word 272629763
        ret
start:  la r1, handler
        mtcr tvec, r1
        la r1, dir
        movi r2, PTE_V | PTE_W
        stw r2, [r1]
        ori r1, r1, PTBR_PAGING
        mtcr ptbr, r1
        li sp, 0x1000

        la r13, data
        li r0, 1
        li r1, 31
        li r2, 0
        li r3, 31
        li r4, 1
        li r5, 32
        li r6, 2
        li r7, -1
        li r8, 255
        li r9, 0

        li r12, 18
.round:
; unit 0
        call ptes
; unit 1
        li r10, 0x51b0
        ldw r9, [r10]
        subi r12, r12, 1
        cmpi r12, 0
        bne .round
        sys
program_end:
finish:
        la r1, m_regs
        call puts
        mov r1, r0
        call put_hex_sp
        mov r1, r1
        call put_hex_sp
        mov r1, r2
        call put_hex_sp
        mov r1, r3
        call put_hex_sp
        mov r1, r4
        call put_hex_sp
        mov r1, r5
        call put_hex_sp
        mov r1, r6
        call put_hex_sp
        mov r1, r7
        call put_hex_sp
        mov r1, r8
        call put_hex_sp
        mov r1, r9
        call put_hex_sp
        la r10, data
        movi r11, 0
        movi r12, 64
.sum:   ldw r1, [r10]
        add r11, r11, r1
        shli r1, r11, 3
        xor r11, r11, r1
        addi r10, r10, 4
        subi r12, r12, 1
        cmpi r12, 0
        bne .sum
        la r1, m_data
        call puts
        mov r1, r11
        call put_hex
        movi r1, 10
        out CONSOLE_DATA, r1
        cli
        hlt
sub0:   addi r1, r1, 7
        ret
sub1:   xor r2, r2, r3
        ret
sub2:   shri r4, r4, 0
        ret
sub3:   mul r5, r5, r6
        ret
handler:
        mfcr r10, spc
        la r11, program_end
        cmp r10, r11
        beq .end
        la r11, traps
        ldw r10, [r11]
        addi r10, r10, 1
        stw r10, [r11]
        cmpi r10, 60
        bgt .end
        la r1, m_trap
        call puts
        mfcr r1, cause
        call put_hex_sp
        mfcr r1, faddr
        call put_hex
        movi r1, 10
        out CONSOLE_DATA, r1
        mfcr r10, cause
        cmpi r10, 3
        beq .back
        cmpi r10, 4
        beq .back
        mfcr r10, spc
        addi r10, r10, 4
        mtcr spc, r10
.back:  rfe
.end:   jmp finish

puts:   ldb r2, [r1]
        cmpi r2, 0
        beq .pd
        out CONSOLE_DATA, r2
        addi r1, r1, 1
        jmp puts
.pd:    ret
put_hex:
        movi r3, 8
.ph:    shri r2, r1, 28
        addi r2, r2, 48
        cmpi r2, 58
        blt .pdig
        addi r2, r2, 39
.pdig:  out CONSOLE_DATA, r2
        shli r1, r1, 4
        subi r3, r3, 1
        cmpi r3, 0
        bne .ph
        ret
put_hex_sp:
        la r2, saved_lr
        stw lr, [r2]
        call put_hex
        movi r1, 32
        out CONSOLE_DATA, r1
        la r2, saved_lr
        ldw lr, [r2]
        ret
m_regs: .asciz "regs "
m_data: .asciz "data "
m_trap: .asciz "trap "
        .align 4
traps:  .word 0
saved_lr: .word 0
data:
        .word -1
        .word -1742712869
        .word 195361522
        .word 2
        .word -1706197945
        .word -1047932289
        .word -452145894
        .word -1836683761
        .word 1677238359
        .word 644583574
        .word -876120225
        .word -486346663
        .word 2147483647
        .word 1824242449
        .word 836590109
        .word -1616514937
        .word 65535
        .word -2147483647
        .word 2
        .word 113320545
        .word 657259692
        .word 2384113
        .word -2
        .word -277685075
        .word -1
        .word -1907398395
        .word 2
        .word 234360466
        .word -1349065904
        .word 305419896
        .word 32
        .word -1626119866
        .word 181096864
        .word -1631407435
        .word 1746460387
        .word 255
        .word 65536
        .word -2
        .word -2147483647
        .word 583878044
        .word -236383144
        .word -509048525
        .word -1562210299
        .word 180690190
        .word 1953940357
        .word 31
        .word 1
        .word -2147483647
        .word 1283477092
        .word -1972641310
        .word 65535
        .word -2147483647
        .word -835910006
        .word -351611782
        .word 1126206781
        .word -1
        .word -141596440
        .word -2147483648
        .word 6922217
        .word -1
        .word -1
        .word -2
        .word -2
        .word -2147483648
        .org 0x10000
dir:    .space 4096
