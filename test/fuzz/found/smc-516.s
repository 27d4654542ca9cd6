; Found by the differential fuzzer: seed 516, kind smc; full differed from the reference.
; fuzz: memory=1048576 tlb=1 tagged=false quantum=1000
; fuzz program (smc)
.include "../../../guests/include/paravirt.inc"
start:  la r1, handler
        set_trap_entry r1

        la r13, data
        li r0, 490867303
        li r1, -1886256211
        li r2, 2147483647
        li r3, 65536
        li r4, 305419896
        li r5, -1225294695
        li r6, -1
        li r7, 65536
        li r8, 2
        li r9, 0

        li r12, 15
.round:
; unit 0
        brk
; unit 1
        li r11, 31
        la r10, .p8
        li r2, 286540425
        stw r2, [r10]
.l8:
        ldw r2, [r10]
        xori r2, r2, 59027
        stw r2, [r10]
        .p8: shri r5, r2, 28849
        cmp r9, r3
        bne .b8x
        remu r5, r5, r5
.b8x:
        subi r11, r11, 1
        cmpi r11, 0
        bne .l8
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
        putc r1
        irq_disable
        halt
sub0:   addi r1, r1, 7
        ret
sub1:   xor r2, r2, r3
        ret
sub2:   shri r4, r4, 0
        ret
sub3:   mul r5, r5, r6
        ret
handler:
        trap_read r10, SPC
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
        trap_read r1, CAUSE
        call put_hex_sp
        trap_read r1, FADDR
        call put_hex
        movi r1, 10
        putc r1
        trap_read r10, CAUSE
        cmpi r10, 3
        beq .back
        cmpi r10, 4
        beq .back
        trap_read r10, SPC
        addi r10, r10, 4
        trap_write SPC, r10
.back:
        iret_keep_r0
        return_from_trap
.end:   jmp finish

puts:   ldb r2, [r1]
        cmpi r2, 0
        beq .pd
        putc r2
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
.pdig:  putc r2
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
        putc r1
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
        .word 31
        .word -115603004
        .word -1756699010
        .word -1459755063
        .word 2064202831
        .word 1183354206
        .word -773467590
        .word 2147483647
        .word 1470920841
        .word -511739783
        .word 1684949354
        .word 32
        .word 1466546227
        .word 550266981
        .word 2147483647
        .word -512319619
        .word 1783265038
        .word 1393590487
        .word 255
        .word -1378878594
        .word 256
        .word 65535
        .word -1784290313
        .word 65536
        .word 1926365399
        .word -678347163
        .word 511714569
        .word -1282959926
        .word -825760198
        .word -1173173706
        .word -205032848
        .word 1307183684
        .word -576743737
        .word 1826932495
        .word -866504912
        .word 40342228
        .word -843029446
        .word 2017934517
        .word 1282810215
        .word 401270447
        .word -2
        .word 2039181197
        .word 2144811610
        .word 1686885456
        .word -1978769832
        .word -1494612528
        .word 2147483647
        .word 653301338
        .word -2129792820
        .word 1078925170
        .word 393299332
        .word 837669527
        .word 1015531780
        .word 1475427365
        .word 501462752
        .word 2147483647
        .word 2147483646
        .word 1761194682
        .word -924406381
        .word 1253909118
        .word 2
        .word 1058978725
        .word -1004057190
        .word 1452568590

