; cr-values.s - odd values in every control register, control registers that do not exist.
;
; Attacks: the VMM's virtual control registers and its decoding of mfcr/mtcr. The guest
; writes unusual values (all ones, high bits, low bits) to each control register and reads
; each back: ptbr (with paging off, and with paging on with bits 11..1 set), tvec and spc
; (low bits dropped), sflags, cause, faddr and scratch (kept as written), mid (read-only),
; asid (values above 2047 keep bits 10..0). It checks what trap entry overwrites (spc,
; sflags, cause, faddr) and what it keeps (scratch). It runs words that name control
; registers 9 and up, or that set the unused field of mfcr/mtcr, from supervisor mode (all
; illegal) and from user mode (privileged, except the ones that do not decode: illegal),
; each with r1 = 0x5a5a5a5a to show that a trapping mfcr writes nothing. It returns with
; rfe from sflags values with bits beyond FLAGS set: rfe uses bits 5..0 only (the trap
; that follows shows the FLAGS it installed in sflags). It uses each of r0..r15 as the
; destination of mfcr and the source of mtcr. Last, it prints every control register.
;
; What must happen: every value reads back as on bare hardware, and every trap has the
; same cause, saved pc and saved FLAGS; no odd value reaches the VMM's own state. Every
; general register, sp and lr included, works as mfcr's destination and mtcr's source.
;
; Expected console output (bare, 1 MiB): cr-values.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR, 0x20000
.equ PT0, 0x21000
.equ MEM_END, 0x100000
.equ SENT, 0x5a5a5a5a

; rec: what the handler saw
.equ R_CAUSE, 0
.equ R_SPC, 4
.equ R_FADDR, 8
.equ R_SFLAGS, 12
.equ R_COUNT, 16

; SETCR cr, value: write value to cr, read it back, print "  cr <- value: reads X".
.macro SETCR cr, value
        la      r1, name\@
        li      r2, \value
        mtcr    \cr, r2
        mfcr    r3, \cr
        call    show_cr
        jmp     after\@
name\@: .asciz  "\cr"
        .align  4
after\@:
.endm

; TRYS label, word: run the word in supervisor mode with r1 = SENT.
.macro TRYS label, word
        la      r2, lbl\@
        la      r3, back\@
        call    arm
        li      r1, SENT
        .word   \word
back\@:
        mov     r9, r1
        call    show_try
        jmp     after\@
lbl\@:  .asciz  \label
        .align  4
after\@:
.endm

; TRYU label, word: run the word in user mode with r1 = SENT (a sys follows it).
.macro TRYU label, word
        la      r2, lbl\@
        la      r3, back\@
        call    arm
        la      r1, user\@
        mtcr    spc, r1
        movi    r1, 0
        mtcr    sflags, r1
        li      r1, SENT
        rfe
user\@: .word   \word
        sys
back\@:
        mov     r9, r1
        call    show_try
        jmp     after\@
lbl\@:  .asciz  \label
        .align  4
after\@:
.endm

; RFE_CASE value: rfe with sflags = value to the next instruction, which reads sflags
; (privileged: traps if rfe entered user mode), then brk.
.macro RFE_CASE value
        li      r2, \value
        la      r3, back\@
        call    arm_rfe
        li      r1, \value
        mtcr    sflags, r1
        la      r1, to\@ + 3
        mtcr    spc, r1
        li      r8, SENT
        rfe
to\@:   mfcr    r8, sflags
        brk
back\@:
        call    show_rfe
.endm


; MTCR_FROM reg, n: scratch <- reg (= 0xa5000000 + n), read back into regs_in[n].
.macro MTCR_FROM reg, n
        li      \reg, 0xa5000000 + \n
        mtcr    scratch, \reg
        mfcr    r1, scratch
        la      r2, regs_in + 4 * \n
        stw     r1, [r2]
.endm

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts

        la      r1, msg_writes
        call    puts
        SETCR   ptbr, 0xfffffffe
        SETCR   ptbr, 0x00000ffe
        SETCR   ptbr, 0x7ffff000
        SETCR   ptbr, 0
        SETCR   tvec, 0xffffffff
        SETCR   tvec, 0x80000002
        la      r1, handler + 1
        mtcr    tvec, r1
        SETCR   spc, 0xffffffff
        SETCR   spc, 0x00001003
        SETCR   sflags, 0xffffffff
        SETCR   sflags, 0x80000040
        SETCR   cause, 0xffffffff
        SETCR   cause, 12
        SETCR   faddr, 0xffffffff
        SETCR   faddr, 0x00000003
        SETCR   scratch, 0xffffffff
        SETCR   scratch, 0x80000001
        SETCR   mid, 0
        SETCR   mid, 0xffffffff
        SETCR   asid, 0xffffffff
        SETCR   asid, 2048
        SETCR   asid, 0x12345
        SETCR   asid, 0x80000801

        ; ---- what trap entry overwrites, and what it keeps -----------------------------
        la      r1, msg_entry
        call    puts
        li      r1, 0xdeadbeef
        mtcr    cause, r1
        li      r1, 0xcafef00d
        mtcr    faddr, r1
        li      r1, 0xfffffffc
        mtcr    spc, r1
        li      r1, 0xffffffc0
        mtcr    sflags, r1
        li      r1, 0x13572468
        mtcr    scratch, r1
        la      r2, lbl_sys
        la      r3, .sys_back
        call    arm
        movi    r1, 3
        cmpi    r1, 4                   ; N and C: the FLAGS sys saves
        sys
.sys_back:
        mov     r9, r1
        call    show_try
        la      r1, msg_scratch
        call    puts
        mfcr    r1, scratch
        call    put_hex
        call    newline

        ; ---- every general register as mfcr's destination and mtcr's source ----------
        la      r1, msg_regs
        call    puts
        la      sp, regs_out
        mfcr    r0, mid
        mfcr    r1, mid
        mfcr    r2, mid
        mfcr    r3, mid
        mfcr    r4, mid
        mfcr    r5, mid
        mfcr    r6, mid
        mfcr    r7, mid
        mfcr    r8, mid
        mfcr    r9, mid
        mfcr    r10, mid
        mfcr    r11, mid
        mfcr    r12, mid
        mfcr    r13, mid
        mfcr    lr, mid
        stw     r0, [sp + 0]
        stw     r1, [sp + 4]
        stw     r2, [sp + 8]
        stw     r3, [sp + 12]
        stw     r4, [sp + 16]
        stw     r5, [sp + 20]
        stw     r6, [sp + 24]
        stw     r7, [sp + 28]
        stw     r8, [sp + 32]
        stw     r9, [sp + 36]
        stw     r10, [sp + 40]
        stw     r11, [sp + 44]
        stw     r12, [sp + 48]
        stw     r13, [sp + 52]
        stw     lr, [sp + 60]
        mov     r0, sp
        mfcr    sp, mid
        stw     sp, [r0 + 56]
        MTCR_FROM r0, 0
        MTCR_FROM r1, 1
        MTCR_FROM r2, 2
        MTCR_FROM r3, 3
        MTCR_FROM r4, 4
        MTCR_FROM r5, 5
        MTCR_FROM r6, 6
        MTCR_FROM r7, 7
        MTCR_FROM r8, 8
        MTCR_FROM r9, 9
        MTCR_FROM r10, 10
        MTCR_FROM r11, 11
        MTCR_FROM r12, 12
        MTCR_FROM r13, 13
        MTCR_FROM sp, 14
        MTCR_FROM lr, 15
        li      sp, STACK_TOP
        ; count the right ones
        la      r4, regs_out
        movi    r5, 0                   ; right
        movi    r6, 16
        li      r7, 0x31594f54
.out_next:
        ldw     r1, [r4]
        cmp     r1, r7
        bne     .out_bad
        addi    r5, r5, 1
.out_bad:
        addi    r4, r4, 4
        subi    r6, r6, 1
        cmpi    r6, 0
        bne     .out_next
        la      r1, msg_regs_out
        call    puts
        mov     r1, r5
        call    put_dec
        la      r1, msg_regs_out2
        call    puts
        la      r4, regs_in
        movi    r5, 0
        movi    r6, 0
        li      r7, 0xa5000000
.in_next:
        ldw     r1, [r4]
        add     r2, r7, r6
        cmp     r1, r2
        bne     .in_bad
        addi    r5, r5, 1
.in_bad:
        addi    r4, r4, 4
        addi    r6, r6, 1
        cmpi    r6, 16
        bne     .in_next
        mov     r1, r5
        call    put_dec
        la      r1, msg_regs_in2
        call    puts

        ; ---- paging on with bits 11..1 of ptbr set ------------------------------------
        la      r1, PDIR
        call    zero_page
        la      r1, PT0
        li      r2, MEM_END
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1]
        la      r1, msg_paging
        call    puts
        SETCR   ptbr, PDIR | 0xfff
        SETCR   asid, 0xfffff801
        SETCR   asid, 0x7ff
        SETCR   ptbr, PDIR | 0xffe
        SETCR   asid, 0

        ; ---- control registers that do not exist --------------------------------------
        la      r1, msg_nonexistent
        call    puts
        TRYS    "mfcr r1, 9         ", 0x50100009
        TRYS    "mfcr r1, 15        ", 0x5010000f
        TRYS    "mfcr r1, 0xffff    ", 0x5010ffff
        TRYS    "mtcr 9, r1         ", 0x51100009
        TRYS    "mtcr 0x8000, r1    ", 0x51108000
        TRYS    "mfcr r1, cause, B=1", 0x50110004
        TRYS    "mtcr tvec, r1, B=15", 0x511f0001
        TRYS    "mfcr r1, mid       ", 0x50100007
        la      r1, msg_user
        call    puts
        TRYU    "mfcr r1, 9         ", 0x50100009
        TRYU    "mtcr 0xffff, r1    ", 0x5110ffff
        TRYU    "mfcr r1, cause, B=1", 0x50110004
        TRYU    "mtcr tvec, r1, B=15", 0x511f0001
        TRYU    "mfcr r1, mid       ", 0x50100007

        ; ---- rfe with bits beyond FLAGS -----------------------------------------------
        la      r1, msg_rfe
        call    puts
        RFE_CASE 0xffffffe0
        RFE_CASE 0xffffffef
        RFE_CASE 0xffffffff
        RFE_CASE 0x80000030
        RFE_CASE 0xffffffcf
        RFE_CASE 0xffffffc0
        RFE_CASE 0x00000055

        ; ---- every control register now -----------------------------------------------
        la      r1, msg_final
        call    puts
        mfcr    r1, ptbr
        call    put_hex
        call    space
        mfcr    r1, tvec
        call    put_hex
        call    space
        mfcr    r1, spc
        call    put_hex
        call    space
        mfcr    r1, sflags
        call    put_hex
        call    space
        mfcr    r1, cause
        call    put_hex
        call    newline
        la      r1, msg_final2
        call    puts
        mfcr    r1, faddr
        call    put_hex
        call    space
        mfcr    r1, scratch
        call    put_hex
        call    space
        mfcr    r1, mid
        call    put_hex
        call    space
        mfcr    r1, asid
        call    put_hex
        call    newline
        la      r1, msg_done
        call    puts
        jmp     halt_forever

space:
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ret

; show_cr: r1 = name, r2 = value written, r3 = value read.
show_cr:
        push    lr
        push    r3
        push    r2
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_arrow
        call    puts
        pop     r1
        call    put_hex
        la      r1, msg_reads
        call    puts
        pop     r1
        call    put_hex
        call    newline
        pop     lr
        ret

; arm: r2 = label, r3 = where the handler resumes. Prints the label, clears the record.
arm:
        push    lr
        la      r1, resume_at
        stw     r3, [r1]
        la      r1, rec
        movi    r3, 0
        stw     r3, [r1 + R_COUNT]
        stw     r3, [r1 + R_SFLAGS]
        la      r1, msg_indent
        push    r2
        call    puts
        pop     r1
        call    puts
        la      r1, msg_colon
        call    puts
        pop     lr
        ret

; arm_rfe: r2 = the sflags value, r3 = where the handler resumes.
arm_rfe:
        push    lr
        push    r2
        la      r1, resume_at
        stw     r3, [r1]
        la      r1, rec
        movi    r3, 0
        stw     r3, [r1 + R_COUNT]
        la      r1, msg_rfe_with
        call    puts
        pop     r1
        call    put_hex
        la      r1, msg_colon
        call    puts
        pop     lr
        ret

; show_try: the trap recorded (or none) and r9 (r1 after the word).
show_try:
        push    lr
        call    show_trap
        la      r1, msg_r1
        call    puts
        mov     r1, r9
        call    put_hex
        call    newline
        pop     lr
        ret

; show_trap: "<cause> at <spc> faddr <f> sflags <s>" or "no trap".
show_trap:
        push    lr
        la      r1, rec
        ldw     r1, [r1 + R_COUNT]
        cmpi    r1, 0
        bne     .trapped
        la      r1, msg_no_trap
        call    puts
        pop     lr
        ret
.trapped:
        la      r1, rec
        ldw     r1, [r1 + R_CAUSE]
        call    put_cause
        la      r1, msg_at
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_SPC]
        call    put_hex
        la      r1, msg_faddr
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_FADDR]
        call    put_hex
        la      r1, msg_sflags
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_SFLAGS]
        call    put_hex
        pop     lr
        ret

; show_rfe: after an RFE_CASE: r8 (what mfcr sflags read, or SENT if it trapped) and the trap.
show_rfe:
        push    lr
        la      r1, msg_mfcr_sflags
        call    puts
        mov     r1, r8
        call    put_hex
        la      r1, msg_then
        call    puts
        call    show_trap
        call    newline
        pop     lr
        ret

; handler: record the trap; resume at resume_at in supervisor mode, interrupts off.
handler:
        la      r12, rec
        mfcr    r13, cause
        stw     r13, [r12 + R_CAUSE]
        mfcr    r13, spc
        stw     r13, [r12 + R_SPC]
        mfcr    r13, faddr
        stw     r13, [r12 + R_FADDR]
        mfcr    r13, sflags
        stw     r13, [r12 + R_SFLAGS]
        ldw     r13, [r12 + R_COUNT]
        addi    r13, r13, 1
        stw     r13, [r12 + R_COUNT]
        la      r12, resume_at
        ldw     r13, [r12]
        mtcr    spc, r13
        movi    r13, FLAG_S
        mtcr    sflags, r13
        rfe

.include "lib.s"

        .align  4
resume_at:      .word   0
rec:            .space  20
regs_out:       .space  64
regs_in:        .space  64

msg_hello:      .asciz  "cr-values: odd values in every control register\n"
msg_writes:     .asciz  "mtcr then mfcr (paging off):\n"
msg_entry:      .asciz  "trap entry (cause <- 0xdeadbeef, faddr <- 0xcafef00d, spc <- 0xfffffffc, sflags <- 0xffffffc0, scratch <- 0x13572468):\n"
lbl_sys:        .asciz  "sys"
msg_scratch:    .asciz  "  scratch after the trap: "
msg_regs:       .asciz  "every register as mfcr's destination (mfcr rN, mid) and mtcr's source (mtcr scratch, rN):\n"
msg_regs_out:   .asciz  "  "
msg_regs_out2:  .asciz  " of 16 read the machine id, "
msg_regs_in2:   .asciz  " of 16 stored their own value\n"
msg_paging:     .asciz  "paging on, then off again, with bits 11..1 of ptbr set:\n"
msg_nonexistent: .asciz "words naming control registers 9 and up, or with an unused field set (r1 = 0x5a5a5a5a):\n"
msg_user:       .asciz  "the same from user mode (decoding comes before the privilege check):\n"
msg_rfe:        .asciz  "rfe to the next instruction (mfcr r8, sflags; brk) with bits beyond FLAGS in sflags:\n"
msg_rfe_with:   .asciz  "  sflags "
msg_mfcr_sflags: .asciz "r8 "
msg_then:       .asciz  ", then "
msg_final:      .asciz  "now: ptbr tvec spc sflags cause  "
msg_final2:     .asciz  "     faddr scratch mid asid       "
msg_done:       .asciz  "cr-values: done\n"
msg_arrow:      .asciz  " <- "
msg_reads:      .asciz  ": reads "
msg_no_trap:    .asciz  "no trap"
msg_at:         .asciz  ", spc "
msg_faddr:      .asciz  " faddr "
msg_sflags:     .asciz  " sflags "
msg_r1:         .asciz  "; r1 "
