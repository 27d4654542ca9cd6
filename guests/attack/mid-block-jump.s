; mid-block-jump.s - a guest kernel that jumps into the middle of code that has run.
;
; Attacks: code caches built per basic block: the binary translator of --mode full (which
; translates a block from the pc where it is first entered up to its first control-flow
; instruction) and the host's block compiler (which compiles hot straight-line runs, and
; runs a block that branches back to its own start as a loop). The kernel runs its blocks
; from their start until they are hot (translated and compiled), then enters them
; elsewhere: with jmp, with jr and callr to computed targets (every word of a block in
; turn, up to its last word; every word of a hot loop; misaligned targets, the end of
; memory and, with paging on, an unmapped page), and with rfe to a computed spc in
; supervisor and in user mode (also an spc written with its low bits set); at a word just
; after a jmp, a ret and a taken branch (never reached by falling through); at words that
; are data inside code (undefined opcodes, opcode 0xff, a word with junk in its unused
; bits: the architecture's illegal-instruction trap; and a data word that happens to be
; an instruction); at a branch whose compare was skipped (it must use the FLAGS it finds:
; the compare before the jump, or the Z that rfe restored); at a privileged instruction in
; mid-block (emulated in supervisor mode, a privileged trap in user mode); and, with paging
; on, through a second virtual mapping of the blocks' page whose next page maps a
; different frame, so that a block entered near a page's end falls through into different
; code.
;
; What must happen: each entry runs exactly the instructions from its target on, as on
; bare hardware. Each block sets one bit of r1 per instruction, so the guest prints which
; ones ran; traps are printed with their cause, pc, fault address and, after a callr, lr
; (kept when the callr itself traps, the return address when the fetch at its target does).
;
; Expected console output (bare, 1 MiB): mid-block-jump.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR, 0x10000
.equ PT0, 0x11000
.equ PT1, 0x12000
.equ ALIAS, 0x400000                    ; maps blkpage, then other_page (not blkpage + 4K)
.equ WARM, 40                           ; runs from the start before the tests

.equ TS_CAUSE, 0
.equ TS_FADDR, 4
.equ TS_SPC, 8
.equ TS_SFLAGS, 12
.equ TS_RESUME, 16

        .org    0x1000
start:
        mov     r11, sp                 ; r11 = end of memory
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts

        ; ---- warm-up: the blocks from their start, WARM times -------------------------
        movi    r9, 0
.warm:
        movi    r1, 0
        call    blk
        mov     r8, r1
        movi    r1, 0
        call    blk_flow
        movi    r1, 0
        call    blk_ret
        movi    r1, 0
        call    blk_data
        andi    r1, r9, 1               ; r1 alternately 0 and 1: both ways of blk_cmp
        movi    r3, 0
        call    blk_cmp
        la      r5, .skipdata_back      ; it traps at its data word
        call    arm
        movi    r1, 0
        call    blk_skipdata
.skipdata_back:
        movi    r1, 0
        call    blk_tail
        movi    r1, 0
        call    blk_loop
        addi    r9, r9, 1
        cmpi    r9, WARM
        blt     .warm
        la      r1, msg_warm
        call    puts
        mov     r1, r8
        call    put_hex
        call    newline

        ; ---- jmp to fixed labels in the middle and at the end ------------------------
        la      r1, msg_jmp
        call    puts
        la      r10, lbl_jmp_4
        call    label
        la      r5, .jmp1
        call    arm
        movi    r1, 0
        la      lr, .jmp1
        jmp     blk.w4
.jmp1:
        call    collect
        la      r10, lbl_jmp_11
        call    label
        la      r5, .jmp2
        call    arm
        movi    r1, 0
        la      lr, .jmp2
        jmp     blk.w11
.jmp2:
        call    collect
        la      r10, lbl_jmp_end
        call    label
        la      r5, .jmp3
        call    arm
        movi    r1, 0
        la      lr, .jmp3
        jmp     blk.end
.jmp3:
        call    collect

        ; ---- jr and callr to every word of blk, then to misaligned targets -------------
        la      r1, msg_jr
        call    puts
        movi    r9, 0
.jr_each:
        la      r7, blk
        add     r7, r7, r9
        la      r10, lbl_blk
        call    via_jr
        addi    r9, r9, 4
        cmpi    r9, BLK_BYTES
        blt     .jr_each
        la      r1, msg_callr
        call    puts
        movi    r9, 0
.callr_each:
        la      r7, blk
        add     r7, r7, r9
        la      r10, lbl_blk
        call    via_callr
        addi    r9, r9, 4
        cmpi    r9, BLK_BYTES
        blt     .callr_each
        la      r1, msg_misaligned
        call    puts
        la      r7, blk + 2
        movi    r9, 2
        la      r10, lbl_blk
        call    via_jr
        la      r7, blk + 0x1f
        movi    r9, 0x1f
        la      r10, lbl_blk
        call    via_callr
        mov     r7, r11                 ; the end of memory: a bus error at the fetch
        la      r10, lbl_end_jr
        call    via_jr_off
        mov     r7, r11
        la      r10, lbl_end_callr
        call    via_callr_off

        ; ---- rfe to a computed spc: every third word, supervisor then user ------------
        la      r1, msg_rfe_s
        call    puts
        movi    r9, 0
.rfe_s_each:
        la      r7, blk
        add     r7, r7, r9
        la      r10, lbl_blk
        movi    r6, FLAG_S
        call    via_rfe
        addi    r9, r9, 12
        cmpi    r9, BLK_BYTES
        blt     .rfe_s_each
        la      r7, blk + 6             ; mtcr spc keeps bits 31..2: blk + 4
        la      r10, lbl_rfe_odd
        movi    r6, FLAG_S
        call    via_rfe_off
        la      r1, msg_rfe_u
        call    puts
        movi    r9, 0
.rfe_u_each:
        la      r7, blk
        add     r7, r7, r9
        la      r10, lbl_blk
        movi    r6, 0
        call    via_rfe
        addi    r9, r9, 12
        cmpi    r9, BLK_BYTES
        blt     .rfe_u_each

        ; ---- words after a flow instruction --------------------------------------------
        la      r1, msg_after_flow
        call    puts
        la      r7, blk_flow.after_jmp
        la      r10, lbl_flow_jmp
        call    via_jr_off
        la      r7, blk_flow.after_jmp + 4
        la      r10, lbl_flow_jmp4
        call    via_callr_off
        la      r7, blk_ret.after_ret
        la      r10, lbl_after_ret
        call    via_jr_off
        la      r7, blk_cmp.not_zero
        la      r10, lbl_after_beq
        movi    r6, FLAG_S
        call    via_rfe_off

        ; ---- a hot loop, entered at each of its words --------------------------------
        la      r1, msg_loop
        call    puts
        movi    r9, 0
.loop_each:
        la      r7, blk_loop
        add     r7, r7, r9
        la      r10, lbl_loop
        call    via_jr
        addi    r9, r9, 4
        cmpi    r9, BLK_LOOP_BYTES
        blt     .loop_each

        ; ---- a branch whose compare was skipped ----------------------------------------
        la      r1, msg_cmp
        call    puts
        la      r10, lbl_cmp_z
        call    label
        la      r5, .cmp1
        call    arm
        movi    r3, 0
        movi    r1, 1                   ; blk_cmp's own compare would say "not zero"
        cmp     r1, r1                  ; but this one set Z
        la      r7, blk_cmp.after_cmp
        la      lr, .cmp1
        jr      r7
.cmp1:
        call    collect_cmp
        la      r10, lbl_cmp_nz
        call    label
        la      r5, .cmp2
        call    arm
        movi    r3, 0
        movi    r1, 0                   ; blk_cmp's compare would say "zero"
        cmpi    r1, 1                   ; this one cleared Z
        la      r7, blk_cmp.after_cmp
        callr   r7
.cmp2:
        call    collect_cmp
        movi    r1, 1                   ; rfe restores FLAGS from sflags: Z set
        la      r7, blk_cmp.after_cmp
        movi    r6, FLAG_S | FLAG_Z
        la      r10, lbl_cmp_rfe_z
        call    via_rfe_cmp
        movi    r1, 0                   ; rfe with Z clear
        la      r7, blk_cmp.after_cmp
        movi    r6, FLAG_S | FLAG_C
        la      r10, lbl_cmp_rfe_nz
        call    via_rfe_cmp
        movi    r1, 1                   ; rfe into user mode with Z set
        la      r7, blk_cmp.after_cmp
        movi    r6, FLAG_Z
        la      r10, lbl_cmp_rfe_uz
        call    via_rfe_cmp

        ; ---- data inside code ----------------------------------------------------------
        la      r1, msg_data
        call    puts
        movi    r9, 0
.data_each:
        la      r7, blk_data
        add     r7, r7, r9
        la      r10, lbl_data
        call    via_jr
        addi    r9, r9, 4
        cmpi    r9, BLK_DATA_BYTES
        blt     .data_each
        la      r7, blk_data.d0
        la      r10, lbl_data_rfe_u
        movi    r6, 0
        call    via_rfe_off
        la      r7, blk_skipdata
        la      r10, lbl_skipdata
        call    via_callr_off
        la      r7, blk_skipdata.past
        la      r10, lbl_skipdata_past
        call    via_jr_off

        ; ---- a privileged instruction in mid-block -------------------------------------
        la      r1, msg_priv
        call    puts
        movi    r9, 0
.priv_each:
        la      r7, blk_out
        add     r7, r7, r9
        la      r10, lbl_out_s
        movi    r6, FLAG_S
        call    via_rfe
        la      r7, blk_out
        add     r7, r7, r9
        la      r10, lbl_out_u
        movi    r6, 0
        call    via_rfe
        addi    r9, r9, 8
        cmpi    r9, BLK_OUT_BYTES
        blt     .priv_each

        ; ---- paging on: the same frame through a second mapping ------------------------
        call    paging_on
        la      r1, msg_paging
        call    puts
        movi    r9, 4
.alias_each:
        li      r7, ALIAS + (blk - blkpage)
        add     r7, r7, r9
        la      r10, lbl_alias
        call    via_jr
        addi    r9, r9, 16
        cmpi    r9, BLK_BYTES
        blt     .alias_each
        li      r7, 0x800000            ; PDE 2: nothing mapped there
        la      r10, lbl_unmapped_jr
        call    via_jr_off
        li      r7, 0x800000
        la      r10, lbl_unmapped_callr
        call    via_callr_off
        la      r1, msg_tail
        call    puts
        movi    r9, 0
.tail_each:
        la      r7, blk_tail
        add     r7, r7, r9
        la      r10, lbl_tail_id
        call    via_callr
        li      r7, ALIAS + (blk_tail - blkpage)
        add     r7, r7, r9
        la      r10, lbl_tail_alias
        call    via_callr
        addi    r9, r9, 4
        cmpi    r9, 12
        blt     .tail_each
        li      r7, ALIAS + (blk_tail - blkpage) + 4
        movi    r9, 4
        la      r10, lbl_tail_alias_rfe
        movi    r6, FLAG_S
        call    via_rfe

        la      r1, msg_done
        call    puts
        jmp     halt_forever

; ---- entering a block ---------------------------------------------------------------
; Each via_* routine prints "  <r10 label>+0x<r9>:" (via_*_off: "  <r10 label>:"), enters
; the code at r7 with r1 = 0 and lr (and the trap handler's resume address) pointing back
; into it (after a callr: lr as callr set it), then prints what happened (collect).
; Clobber r1..r8, r12, r13.

via_jr:
        push    lr
        call    label_off
        la      r5, .back
        call    arm
        movi    r1, 0
        movi    r2, '.'
        movi    r3, 0
        la      lr, .back
        jr      r7
.back:
        call    collect
        pop     lr
        ret

via_callr:
        push    lr
        call    label_off
        la      r5, .back
        call    arm
        movi    r1, 0
        movi    r2, '.'
        li      lr, 0x5a5a5a58          ; must be unchanged if callr traps (misaligned)
        callr   r7
.back:
        mov     r6, lr
        la      r12, show_lr
        stw     r12, [r12]              ; (non-zero)
        call    collect
        pop     lr
        ret

via_jr_off:
        push    lr
        call    label
        la      r5, .back
        call    arm
        movi    r1, 0
        movi    r2, '.'
        movi    r3, 0
        la      lr, .back
        jr      r7
.back:
        call    collect
        pop     lr
        ret

via_callr_off:
        push    lr
        call    label
        la      r5, .back
        call    arm
        movi    r1, 0
        movi    r2, '.'
        li      lr, 0x5a5a5a58
        callr   r7
.back:
        mov     r6, lr
        la      r12, show_lr
        stw     r12, [r12]
        call    collect
        pop     lr
        ret

; via_rfe: spc = r7, sflags = r6. In user mode the block returns to user_stub (sys).
via_rfe:
        push    lr
        call    label_off
        movi    r1, 0
        call    rfe_into
        call    collect
        pop     lr
        ret

via_rfe_off:
        push    lr
        call    label
        movi    r1, 0
        call    rfe_into
        call    collect
        pop     lr
        ret

; via_rfe_cmp: as via_rfe_off but keeps r1, starts with r3 = 0, prints blk_cmp's verdict.
via_rfe_cmp:
        push    lr
        mov     r8, r1
        call    label
        mov     r1, r8
        movi    r3, 0
        call    rfe_into
        call    collect_cmp
        pop     lr
        ret

; rfe_into: enter r7 with FLAGS = r6; the block's ret (or a trap) comes back to our caller.
rfe_into:
        mov     r5, lr                  ; the trap handler resumes there too
        push    r1
        call    arm
        pop     r1
        mov     lr, r5
        movi    r2, '.'
        andi    r13, r6, FLAG_S
        cmpi    r13, 0
        bne     .kernel
        la      lr, user_stub           ; user mode: its ret goes to a sys
.kernel:
        mtcr    spc, r7
        mtcr    sflags, r6
        rfe

; arm: clear the trap record; a trap resumes at r5. Changes no register but r12 (nor FLAGS).
arm:
        la      r12, tstate
        stw     r0, [r12 + TS_CAUSE]    ; r0 is 0 throughout
        stw     r0, [r12 + TS_FADDR]
        stw     r0, [r12 + TS_SPC]
        stw     r0, [r12 + TS_SFLAGS]
        stw     r5, [r12 + TS_RESUME]
        ret

; label_off: "  <r10>+0x<r9, 2 digits>:"; label: "  <r10>:". Clobber r1..r5.
label_off:
        push    lr
        la      r1, msg_indent
        call    puts
        mov     r1, r10
        call    puts
        la      r1, msg_plus
        call    puts
        mov     r1, r9
        call    put_hex2
        la      r1, msg_colon1
        call    puts
        pop     lr
        ret
label:
        push    lr
        la      r1, msg_indent
        call    puts
        mov     r1, r10
        call    puts
        la      r1, msg_colon1
        call    puts
        pop     lr
        ret

; collect: " r1=0x........" then, after a trap, ", <cause> trap at 0x<spc>" (and the fault
; address if not 0, lr (r6) if a callr entered, " (user)" if it came from user mode), or
; " (returned in user mode)" after the user stub's sys.
collect:
        push    lr
        mov     r8, r1
        la      r1, msg_r1
        call    puts
        mov     r1, r8
        call    put_hex
        call    print_trap
        call    newline
        pop     lr
        ret

; collect_cmp: " <r2 as a character> r3=0x.." (+ trap).
collect_cmp:
        push    lr
        mov     r8, r2
        mov     r7, r3
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        out     CONSOLE_DATA, r8
        la      r1, msg_r3
        call    puts
        mov     r1, r7
        call    put_hex
        call    print_trap
        call    newline
        pop     lr
        ret

print_trap:
        push    lr
        la      r12, tstate
        ldw     r1, [r12 + TS_CAUSE]
        cmpi    r1, 0
        beq     .none
        cmpi    r1, CAUSE_SYSCALL       ; the user stub: the block returned in user mode
        beq     .user_return
        la      r1, msg_comma
        call    puts
        la      r12, tstate
        ldw     r1, [r12 + TS_CAUSE]
        call    put_cause
        la      r1, msg_trap_at
        call    puts
        la      r12, tstate
        ldw     r1, [r12 + TS_SPC]
        call    put_hex
        la      r12, tstate
        ldw     r1, [r12 + TS_FADDR]
        cmpi    r1, 0
        beq     .lr
        push    r1
        la      r1, msg_faddr
        call    puts
        pop     r1
        call    put_hex
.lr:
        la      r12, show_lr            ; after callr: show lr
        ldw     r1, [r12]
        cmpi    r1, 0
        beq     .mode
        la      r1, msg_lr
        call    puts
        mov     r1, r6
        call    put_hex
.mode:
        la      r12, tstate
        ldw     r1, [r12 + TS_SFLAGS]
        andi    r1, r1, FLAG_S
        cmpi    r1, 0
        bne     .none
        la      r1, msg_user
        call    puts
        jmp     .none
.user_return:
        la      r1, msg_returned_user
        call    puts
.none:
        la      r12, tstate
        stw     r0, [r12 + TS_CAUSE]
        la      r12, show_lr
        stw     r0, [r12]
        pop     lr
        ret

; put_hex2: r1 as 0x + 2 hex digits. Clobbers r1..r5.
put_hex2:
        push    lr
        shli    r1, r1, 24
        movi    r2, '0'
        out     CONSOLE_DATA, r2
        movi    r2, 'x'
        out     CONSOLE_DATA, r2
        movi    r5, 2
.digit:
        shri    r2, r1, 28
        addi    r2, r2, '0'
        cmpi    r2, '9'
        ble     .out
        addi    r2, r2, 'a' - '9' - 1
.out:
        out     CONSOLE_DATA, r2
        shli    r1, r1, 4
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .digit
        pop     lr
        ret

; ---- the trap handler -----------------------------------------------------------------
; Records cause, faddr, spc and sflags, and resumes at TS_RESUME (once: it is cleared) in
; supervisor mode with interrupts off. Without a resume address: "unexpected ..." and halt.
handler:
        la      r12, tstate
        mfcr    r13, cause
        stw     r13, [r12 + TS_CAUSE]
        mfcr    r13, faddr
        stw     r13, [r12 + TS_FADDR]
        mfcr    r13, spc
        stw     r13, [r12 + TS_SPC]
        mfcr    r13, sflags
        stw     r13, [r12 + TS_SFLAGS]
        ldw     r13, [r12 + TS_RESUME]
        cmpi    r13, 0
        beq     unexpected
        stw     r0, [r12 + TS_RESUME]   ; one trap per arming
        mtcr    spc, r13
        movi    r13, FLAG_S
        mtcr    sflags, r13
        rfe

user_stub:
        sys                             ; a block run in user mode returns here

; paging_on: identity-map memory (supervisor RW); map blkpage at ALIAS and other_page at
; ALIAS + 4K; paging on. Clobbers r1..r3.
paging_on:
        push    lr
        li      r1, PDIR
        call    zero_page
        li      r1, PT0
        call    zero_page
        li      r1, PT1
        call    zero_page
        li      r1, PT0
        mov     r2, r11
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1]
        li      r2, PT1 | PTE_V | PTE_W
        stw     r2, [r1 + 4]
        li      r1, PT1
        la      r2, blkpage + (PTE_V | PTE_W)
        stw     r2, [r1]
        la      r2, other_page + (PTE_V | PTE_W)
        stw     r2, [r1 + 4]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        pop     lr
        ret

.include "lib.s"

tstate:         .word   0, 0, 0, 0, 0
show_lr:        .word   0

; ---- the blocks (a page of their own) ---------------------------------------------------

        .align  PAGE_SIZE
blkpage:
; blk: 12 instructions, each sets one bit of r1; entered at +4k it sets bits k..11.
blk:
        ori     r1, r1, 0x001
        ori     r1, r1, 0x002
        ori     r1, r1, 0x004
        ori     r1, r1, 0x008
blk.w4: ori     r1, r1, 0x010
        ori     r1, r1, 0x020
        ori     r1, r1, 0x040
        ori     r1, r1, 0x080
        ori     r1, r1, 0x100
        ori     r1, r1, 0x200
        ori     r1, r1, 0x400
blk.w11: ori    r1, r1, 0x800
blk.end: ret
.equ BLK_BYTES, blk.end + 4 - blk

; blk_flow: dead code after an unconditional jump.
blk_flow:
        ori     r1, r1, 0x001
        jmp     .over
blk_flow.after_jmp:
        ori     r1, r1, 0x002
        ori     r1, r1, 0x004
.over:  ori     r1, r1, 0x008
        ret

; blk_ret: code after a ret in mid-block.
blk_ret:
        ori     r1, r1, 0x010
        ret
blk_ret.after_ret:
        ori     r1, r1, 0x020
        ori     r1, r1, 0x040
        ret

; blk_cmp: r2 = 'z' if r1 == 0 else 'n'; r3 gets a bit per instruction after the compare.
blk_cmp:
        cmpi    r1, 0
blk_cmp.after_cmp:
        ori     r3, r3, 0x001
        ori     r3, r3, 0x002
        beq     .zero
blk_cmp.not_zero:
        ori     r1, r1, 0x100
        movi    r2, 'n'
        ret
.zero:  movi    r2, 'z'
        ret

; blk_loop: from its start r1 = 0x100a; a loop that counts the low byte of r1 up to 10.
; (Entered at its blt, the flags are those of the last compare before the jump.)
blk_loop:
        ori     r1, r1, 0x1000
.top:   addi    r1, r1, 1
        andi    r3, r1, 0xff
        cmpi    r3, 10
        blt     .top
        ret
.equ BLK_LOOP_BYTES, $ - blk_loop

; blk_data: data words inside code, skipped by a jmp.
blk_data:
        ori     r1, r1, 0x001
        jmp     .skip
blk_data.d0:
        .word   0x00000000              ; opcode 0: undefined
        .word   0x0e000000              ; opcode 0x0e: undefined
        .word   0xff000001              ; opcode 0xff (the translator's callout)
        .word   0x28100001              ; cmp r1, r0 with bit 0 of the unused field set
        .word   0x10110010              ; addi r1, r1, 16: data that is also an instruction
.skip:  ori     r1, r1, 0x002
        ret
.equ BLK_DATA_BYTES, $ - blk_data

; blk_skipdata: a straight-line block with an undefined word in the middle.
blk_skipdata:
        ori     r1, r1, 0x001
        ori     r1, r1, 0x002
        .word   0x0f000000              ; opcode 0x0f: undefined
blk_skipdata.past:
        ori     r1, r1, 0x004
        ret

; blk_out: privileged instructions in mid-block.
blk_out:
        ori     r1, r1, 0x001
        movi    r2, '<'
        out     CONSOLE_DATA, r2
        ori     r1, r1, 0x002
        movi    r2, '>'
        out     CONSOLE_DATA, r2
        ori     r1, r1, 0x004
        ret
.equ BLK_OUT_BYTES, $ - blk_out

; blk_tail: the last three words of blkpage; it falls through into the next page: through
; the identity mapping that is tail_next (bits 0x08, 0x10), through ALIAS it is other_page
; (bits 0x100, 0x200).
        .org    blkpage + PAGE_SIZE - 12
blk_tail:
        ori     r1, r1, 0x001
        ori     r1, r1, 0x002
        ori     r1, r1, 0x004
tail_next:
        ori     r1, r1, 0x008
        ori     r1, r1, 0x010
        ret
        .align  PAGE_SIZE
other_page:
        ori     r1, r1, 0x100
        ori     r1, r1, 0x200
        ret

msg_hello:      .asciz  "mid-block-jump: jumps into the middle of blocks that have run\n"
msg_warm:       .asciz  "blk run from its start: r1="
msg_jmp:        .asciz  "jmp into blk:\n"
msg_jr:         .asciz  "jr to each word of blk:\n"
msg_callr:      .asciz  "callr to each word of blk:\n"
msg_misaligned: .asciz  "bad targets (callr with lr = 0x5a5a5a58: kept if callr traps, not if the fetch does):\n"
msg_rfe_s:      .asciz  "rfe into blk, supervisor mode:\n"
msg_rfe_u:      .asciz  "rfe into blk, user mode (its ret goes to a sys):\n"
msg_after_flow: .asciz  "words after a flow instruction:\n"
msg_loop:       .asciz  "jr to each word of a hot loop (its back edge is the blt):\n"
msg_cmp:        .asciz  "a branch whose compare was skipped (r2 = z taken, n not taken):\n"
msg_data:       .asciz  "data inside code:\n"
msg_priv:       .asciz  "out in mid-block, supervisor then user mode:\n"
msg_paging:     .asciz  "paging on, blk through its alias:\n"
msg_tail:       .asciz  "a block at a page's end, through the identity map and the alias:\n"
msg_done:       .asciz  "mid-block-jump: done\n"
msg_plus:       .asciz  "+"
msg_r1:         .asciz  " r1="
msg_colon1:     .asciz  ":"
msg_r3:         .asciz  " r3="
msg_comma:      .asciz  ", "
msg_faddr:      .asciz  " faddr "
msg_lr:         .asciz  " lr "
msg_user:       .asciz  " (user)"
msg_returned_user: .asciz " (returned in user mode)"
lbl_jmp_4:      .asciz  "jmp blk+0x10"
lbl_jmp_11:     .asciz  "jmp blk+0x2c"
lbl_jmp_end:    .asciz  "jmp blk+0x30 (its ret)"
lbl_blk:        .asciz  "blk"
lbl_end_jr:     .asciz  "jr    to the end of memory"
lbl_end_callr:  .asciz  "callr to the end of memory"
lbl_rfe_odd:    .asciz  "rfe   with spc written as blk+0x06"
lbl_unmapped_jr: .asciz "jr    to an unmapped page"
lbl_unmapped_callr: .asciz "callr to an unmapped page"
lbl_loop:       .asciz  "blk_loop"
lbl_flow_jmp:   .asciz  "jr    to the word after a jmp"
lbl_flow_jmp4:  .asciz  "callr to the second word after a jmp"
lbl_after_ret:  .asciz  "jr    to the word after a ret"
lbl_after_beq:  .asciz  "rfe   to the word after a beq"
lbl_cmp_z:      .asciz  "jr    after cmp r1, r1 (Z), r1 = 1"
lbl_cmp_nz:     .asciz  "callr after cmpi r1, 1 (not Z), r1 = 0"
lbl_cmp_rfe_z:  .asciz  "rfe   with sflags Z, r1 = 1"
lbl_cmp_rfe_nz: .asciz  "rfe   with sflags C, r1 = 0"
lbl_cmp_rfe_uz: .asciz  "rfe   to user mode with sflags Z, r1 = 1"
lbl_data:       .asciz  "blk_data"
lbl_data_rfe_u: .asciz  "rfe   to the first data word, user mode"
lbl_skipdata:   .asciz  "callr to a block with a data word inside"
lbl_skipdata_past: .asciz "jr    past that data word"
lbl_out_s:      .asciz  "blk_out (supervisor)"
lbl_out_u:      .asciz  "blk_out (user)"
lbl_alias:      .asciz  "blk via alias"
lbl_tail_id:    .asciz  "tail via identity"
lbl_tail_alias: .asciz  "tail via alias   "
lbl_tail_alias_rfe: .asciz "tail via alias, rfe"
