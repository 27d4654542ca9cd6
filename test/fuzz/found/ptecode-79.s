; Found with the page walk's A/D writes not reaching the binary translator (issue 8, defect 2).
; Found by the differential fuzzer: seed 79, kind ptecode; full differed from the reference.
; fuzz: memory=285212672 tlb=64 tagged=false quantum=7
; fuzz program (ptecode)
.include "../../../guests/include/platform.inc"
        .word PTE_V | PTE_W             ; PTE 0: va 0 -> frame 0 (this page is code, and its own page table)
ptes:                                   ; PTEs 1..8: instructions, and the mappings of va 0x1000..0x8000
        .word 277872641
        .word 272662531
        .word 273121283
        .word 269742083
        .word 271040513
        .word 272683009
        .word 275365891
        .word 270790659
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
        li r0, 0
        li r1, 31
        li r2, -1
        li r3, 31
        li r4, 986354914
        li r5, -2147483648
        li r6, 65535
        li r7, 256
        li r8, 65536
        li r9, -2

        li r12, 21
.round:
; unit 0
        call ptes
; unit 1
        li r10, 0x8118
        ldw r6, [r10]
; unit 2
        shri r5, r2, 0
        cmpi r5, -6325
        bge .b5
        shli r5, r9, 16
.b5:
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
        .word 31
        .word 986395005
        .word -562852808
        .word 115970221
        .word 679809668
        .word -1871386661
        .word 213710786
        .word 1852361155
        .word 316167962
        .word 65536
        .word -787690148
        .word -1079776572
        .word -1825601987
        .word 1
        .word -1202569247
        .word 65536
        .word 1320209504
        .word -950551475
        .word -2
        .word -2
        .word -2147483648
        .word -292489759
        .word 749242298
        .word 1921619156
        .word 32
        .word -1084156585
        .word -1
        .word -1919916380
        .word 68582402
        .word -1119288471
        .word 31
        .word -1
        .word 0
        .word 2
        .word -1761210403
        .word 1106888777
        .word -1180373787
        .word -1307458563
        .word -1826257081
        .word -398383464
        .word -1526041005
        .word 1069142120
        .word 363745386
        .word 305419896
        .word -1138708087
        .word -1793086945
        .word -2039325415
        .word 1380144853
        .word 0
        .word 856173700
        .word -1497611133
        .word -770003309
        .word 265696898
        .word 327696321
        .word 705971437
        .word 1718289054
        .word 1006835598
        .word -1316217824
        .word -2135009926
        .word 2
        .word -2008852641
        .word 1559929957
        .word 256
        .word -326645638
        .org 0x10000
dir:    .space 4096
