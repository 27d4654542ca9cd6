; Found with the block compiler's shr/shri result left unsigned (issue 8, defect 1).
; Found by the differential fuzzer: seed 206, kind plain; bare (compiled) differed from the reference.
; fuzz: memory=1048576 tlb=64 tagged=false quantum=10000
; fuzz program (plain)
.include "../../../guests/include/platform.inc"
start:  la r1, handler
        mtcr tvec, r1

        la r13, data
        li r0, 2147483646
        li r1, -2147483648
        li r2, -398825810
        li r3, -2
        li r4, 32
        li r5, 65535
        li r6, 255
        li r7, 65535
        li r8, 31
        li r9, 2

        li r12, 6
.round:
; unit 0
        li r11, 39
.l10:
        ldb r1, [r13 + 157]
        and r9, r8, r7
        shri r4, r5, 0
        divu r8, r4, r3
        cmpi r4, -29438
        bgt .b10x
        shli r3, r6, 16
.b10x:
        subi r11, r11, 1
        cmpi r11, 0
        bne .l10
; unit 1
        cmp r8, r7
        bgt .b13
        lui r5, 32768
.b13:
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
        .word -1640930354
        .word -67178725
        .word -378725207
        .word 2147483646
        .word 528671435
        .word 305419896
        .word 2147483647
        .word -1547864574
        .word 27541602
        .word 2066112801
        .word -1405399894
        .word -1890026031
        .word -1691725782
        .word -581582324
        .word -103918481
        .word -1354464651
        .word -1471862327
        .word -953233168
        .word -242645333
        .word 553788041
        .word 1603346424
        .word -413430152
        .word 32
        .word -1724949665
        .word 0
        .word 1668766940
        .word -56815893
        .word 1908913341
        .word 1181548579
        .word 1
        .word 2131248416
        .word 847675300
        .word -371908121
        .word 1595073678
        .word -868769962
        .word -1093763111
        .word -1446617155
        .word 2147483647
        .word -1073127584
        .word -1827345633
        .word 566365381
        .word 766552626
        .word -1
        .word -2114444989
        .word 31
        .word 1
        .word 1684443204
        .word 2141477041
        .word 149300879
        .word 0
        .word 65536
        .word -2147483647
        .word 0
        .word -1198017566
        .word -794787624
        .word 296475716
        .word -2023406815
        .word 32
        .word 357516216
        .word -2006783743
        .word 1538395761
        .word -920839207
        .word 1
        .word 32

