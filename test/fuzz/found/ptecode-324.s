; Found with the block compiler's shr/shri result left unsigned (issue 8, defect 1).
; Found by the differential fuzzer: seed 324, kind ptecode; bare (compiled) differed from the reference.
; fuzz: memory=285212672 tlb=1 tagged=true quantum=1
; fuzz program (ptecode)
.include "../../../guests/include/platform.inc"
        .word PTE_V | PTE_W             ; PTE 0: va 0 -> frame 0 (this page is code, and its own page table)
ptes:                                   ; PTEs 1..8: instructions, and the mappings of va 0x1000..0x8000
        .word 276996097
        .word 277901313
        .word 274137091
        .word 274006017
        .word 276381699
        .word 269029377
        .word 278339585
        .word 273846275
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
        li r0, 1538461512
        li r1, 65535
        li r2, 32
        li r3, 31
        li r4, 0
        li r5, 0
        li r6, -2147483648
        li r7, -2
        li r8, 2147483646
        li r9, 255

        li r12, 10
.round:
; unit 0
        li r11, 30
.l7:
        movi r1, 31
        shri r5, r6, 0
        div r2, r5, r8
        cmpi r5, 31922
        bge .b7x
        addi r2, r7, -1
.b7x:
        subi r11, r11, 1
        cmpi r11, 0
        bne .l7
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
        .word 877877888
        .word -1124659355
        .word -1221985677
        .word -858343382
        .word -886014897
        .word 353032343
        .word -535141479
        .word 1
        .word -1637462688
        .word 1879534212
        .word -1
        .word 1216993022
        .word -2147483647
        .word -2147483648
        .word -944842930
        .word 345900987
        .word -1771431251
        .word -915030889
        .word -48755337
        .word 1653641844
        .word -1061861823
        .word 150161933
        .word -1685764347
        .word 1086874335
        .word 1032888896
        .word 255
        .word 305419896
        .word -2023406815
        .word -1764406439
        .word 1274120570
        .word 2147483647
        .word 2147483647
        .word 65535
        .word 780161491
        .word 1329757237
        .word -2147483648
        .word -1
        .word 989125810
        .word 1918671160
        .word -1318320844
        .word 31
        .word -780639247
        .word -1189250592
        .word -977809352
        .word 360564042
        .word 2147483647
        .word 812691217
        .word -799697419
        .word 255
        .word -301356878
        .word -886491997
        .word -2080622708
        .word 7658803
        .word -485676731
        .word 1313845620
        .word -1300355970
        .word 157516735
        .word 956610467
        .word 1350476920
        .word 255
        .word -882234848
        .word 2147483647
        .word -1
        .org 0x10000
dir:    .space 4096
