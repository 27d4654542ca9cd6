; nested-fault.s - faults inside the trap handler, nested five deep, then a double fault.
;
; Attacks: the VMM's reflection of traps into a guest kernel that is itself handling a trap,
; and its double-fault rule (docs/isa.md, Trap entry). The guest's one trap handler saves
; spc, sflags, cause, faddr and its registers in a frame per nesting depth, logs the trap
; and, if the step planned an action for that depth, runs it: an action sets condition
; flags and then faults (a load or a jump beyond memory, a divide by zero, an opcode 0xff
; word, a misaligned jump, with paging on a load or a jump into an unmapped page, a store
; to a read-only page). The nested trap re-enters the same handler at the next depth, which
; returns into the action (skipping the faulting instruction, or back to the caller for a
; fetch fault); the outer handler then restores its own frame and returns. Then a handler
; whose first instruction, on a page never run before, loads from a page never touched
; (under a VMM both are hidden page faults at the handler's first instruction: they must
; not count as a double fault); a handler whose only retired instruction before a fault is
; `mtcr tvec` (which a VMM emulates): the fault is allowed, but the outer trap's spc and
; cause are overwritten, as the guest shows.
; Last, a `sys` into a handler whose very first instruction faults: a double fault.
;
; What must happen: every nested trap is delivered exactly as on bare hardware: same
; cause, faddr, saved pc and saved FLAGS (the handler's condition bits, S set, IE clear)
; at each depth, and main resumes with its registers and flags intact. The last step is a
; double fault: the run ends status faulted with the reason "double fault: page-read trap
; at pc ... while entering the trap handler", identical in every mode. The guest prints
; each step before it happens and, after it, the log of the traps its handler took.
;
; Expected console output (bare, 1 MiB): nested-fault.expected; status faulted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ BEYOND, 0x7ff00000                 ; beyond memory: bus with paging off
.equ PDIR, 0x20000                      ; page directory
.equ PTAB, 0x21000                      ; identity map of the first 1 MiB (supervisor)
.equ HOLE, 0x30000                      ; with paging on: not mapped
.equ ROPAGE, 0x31000                    ; with paging on: read-only
.equ MEM_END, 0x100000

.equ FRAME, 32                          ; bytes per handler frame and per log entry
.equ F_SPC, 0                           ; handler frame (one per depth, depth 1..7)
.equ F_SFLAGS, 4
.equ F_CAUSE, 8
.equ F_FADDR, 12
.equ F_R10, 16
.equ F_R11, 20
.equ F_LR, 24
.equ L_DEPTH, 0                         ; log entry
.equ L_CAUSE, 4
.equ L_FADDR, 8
.equ L_SPC, 12
.equ L_SFLAGS, 16
.equ MAX_LOG, 8
.equ MAX_DEPTH, 7
.equ SENT10, 0x10101010                 ; main's r10 and r11 across a step
.equ SENT11, 0x11111111

; PLAN depth, action: the handler at that depth runs the action (once).
.macro PLAN depth, action
        la      r1, actions + 4 * \depth
        la      r2, \action
        stw     r2, [r1]
.endm

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts

        ; ---- step 1: a plain fault, handled at depth 1 ----------------------------------
        la      r1, msg_step1
        call    puts
        call    begin_step
        li      r1, BEYOND
        movi    r2, 5
        cmpi    r2, 7                   ; N and C set: main's flags in sflags
        ldw     r5, [r1]                ; bus: the handler skips it
        call    end_step

        ; ---- step 2: the handler faults while handling a breakpoint ---------------------
        la      r1, msg_step2
        call    puts
        call    begin_step
        PLAN    1, act_read_beyond
        movi    r2, 7
        cmpi    r2, 5                   ; flags clear: 7 > 5
        brk
        call    end_step

        ; ---- step 3: five deep, paging off ----------------------------------------------
        la      r1, msg_step3
        call    puts
        call    begin_step
        PLAN    1, act_divide
        PLAN    2, act_opcode_ff
        PLAN    3, act_misaligned_jump
        PLAN    4, act_jump_beyond
        movi    r2, -1
        cmpi    r2, 1                   ; N set, C clear
        sys
        call    end_step

        ; ---- paging on ------------------------------------------------------------------
        la      r1, PDIR
        call    zero_page
        la      r1, PTAB
        li      r2, MEM_END
        call    identity_map
        la      r1, PTAB + 4 * (HOLE >> 12)
        movi    r2, 0
        stw     r2, [r1]                ; HOLE: not mapped
        la      r1, PTAB + 4 * (ROPAGE >> 12)
        li      r2, ROPAGE | PTE_V
        stw     r2, [r1]                ; ROPAGE: read-only
        la      r1, PDIR
        li      r2, PTAB | PTE_V | PTE_W
        stw     r2, [r1]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1

        ; ---- step 4: four deep, page faults ---------------------------------------------
        la      r1, msg_step4
        call    puts
        call    begin_step
        PLAN    1, act_write_ro
        PLAN    2, act_jump_hole
        PLAN    3, act_byte_hole
        li      r1, HOLE + 8
        movi    r2, 0
        cmpi    r2, 0                   ; Z set
        ldw     r5, [r1]                ; page-read: the handler skips it
        call    end_step

        ; ---- step 5: the handler's first instruction and its data on fresh pages ----------
        la      r1, msg_step5
        call    puts
        call    begin_step
        la      r1, h_fresh
        mtcr    tvec, r1
        la      r7, fresh_data
        brk                             ; h_fresh: ldw r5, [r7]; jmp handler
        la      r1, handler
        mtcr    tvec, r1
        call    end_step

        ; ---- step 6: one instruction retired (mtcr tvec), then a fault -------------------
        la      r1, msg_step6
        call    puts
        call    begin_step
        la      r1, stub_one
        mtcr    tvec, r1
        li      r8, HOLE
        la      r9, handler
        brk                             ; stub_one: mtcr tvec, r9; ldw r13, [r8]
step5_back:
        la      r1, msg_lost
        call    puts
        la      r1, lost_state
        ldw     r1, [r1]
        call    put_hex
        la      r1, msg_lost_cause
        call    puts
        la      r1, lost_state
        ldw     r1, [r1 + 4]
        call    put_cause
        call    newline
        call    show_log

        ; ---- step 7: the handler's first instruction faults: double fault --------------
        la      r1, msg_step7
        call    puts
        la      r1, h_first_faults
        mtcr    tvec, r1
        li      r8, HOLE
        sys                             ; the run ends here (status faulted)
        la      r1, msg_survived
        call    puts
        jmp     halt_forever

; begin_step: empty the log, put the sentinels in r10 and r11.
begin_step:
        la      r1, log_count
        movi    r2, 0
        stw     r2, [r1]
        li      r5, 0x5555
        li      r10, SENT10
        li      r11, SENT11
        ret

; end_step: the flags main had (by the branch they take), its registers, the handler's
; depth, then the log.
end_step:
        push    lr
        push    r5
        movi    r6, 0                   ; r6: bit 0 C, bit 1 lt, bit 2 eq (before any cmp)
        bgeu    .c_done
        ori     r6, r6, 1
.c_done:
        bge     .lt_done
        ori     r6, r6, 2
.lt_done:
        bne     .eq_done
        ori     r6, r6, 4
.eq_done:
        la      r1, msg_c_clear
        andi    r2, r6, 1
        cmpi    r2, 0
        beq     .c_print
        la      r1, msg_c_set
.c_print:
        call    puts
        la      r1, msg_ge
        andi    r2, r6, 2
        cmpi    r2, 0
        beq     .lt_print
        la      r1, msg_lt
.lt_print:
        call    puts
        la      r1, msg_ne
        andi    r2, r6, 4
        cmpi    r2, 0
        beq     .eq_print
        la      r1, msg_eq
.eq_print:
        call    puts
        la      r1, msg_regs
        call    puts
        li      r1, SENT10
        cmp     r10, r1
        bne     .bad
        li      r1, SENT11
        cmp     r11, r1
        bne     .bad
        la      r1, msg_kept
        jmp     .regs_done
.bad:   la      r1, msg_lost_regs
.regs_done:
        call    puts
        la      r1, msg_r5
        call    puts
        pop     r1
        call    put_hex
        la      r1, msg_depth
        call    puts
        la      r1, depth
        ldw     r1, [r1]
        call    put_dec
        call    newline
        call    show_log
        pop     lr
        ret

; show_log: one line per trap the handler logged.
show_log:
        push    lr
        push    r8
        push    r9
        la      r8, log
        la      r9, log_count
        ldw     r9, [r9]
.next:
        cmpi    r9, 0
        beq     .done
        la      r1, msg_log_depth
        call    puts
        ldw     r1, [r8 + L_DEPTH]
        call    put_dec
        la      r1, msg_colon
        call    puts
        ldw     r1, [r8 + L_CAUSE]
        call    put_cause
        la      r1, msg_log_spc
        call    puts
        ldw     r1, [r8 + L_SPC]
        call    put_hex
        la      r1, msg_log_faddr
        call    puts
        ldw     r1, [r8 + L_FADDR]
        call    put_hex
        la      r1, msg_log_sflags
        call    puts
        ldw     r1, [r8 + L_SFLAGS]
        call    put_hex
        call    newline
        addi    r8, r8, FRAME
        subi    r9, r9, 1
        jmp     .next
.done:
        pop     r9
        pop     r8
        pop     lr
        ret

; ---- the trap handler -------------------------------------------------------------------
; Uses r12, r13 freely; saves and restores r10, r11 and lr in its frame.
handler:
        la      r12, depth
        ldw     r13, [r12]
        addi    r13, r13, 1
        stw     r13, [r12]
        cmpi    r13, MAX_DEPTH
        bgt     too_deep
        shli    r13, r13, 5
        la      r12, frames
        add     r12, r12, r13           ; r12 = this depth's frame
        stw     r10, [r12 + F_R10]
        stw     r11, [r12 + F_R11]
        stw     lr, [r12 + F_LR]
        mfcr    r10, spc
        stw     r10, [r12 + F_SPC]
        mfcr    r10, sflags
        stw     r10, [r12 + F_SFLAGS]
        mfcr    r10, cause
        stw     r10, [r12 + F_CAUSE]
        mfcr    r10, faddr
        stw     r10, [r12 + F_FADDR]
        ; log it
        la      r10, log_count
        ldw     r11, [r10]
        cmpi    r11, MAX_LOG
        bgeu    .logged
        addi    r13, r11, 1
        stw     r13, [r10]
        shli    r11, r11, 5
        la      r10, log
        add     r10, r10, r11           ; r10 = the log entry
        la      r11, depth
        ldw     r11, [r11]
        stw     r11, [r10 + L_DEPTH]
        ldw     r11, [r12 + F_CAUSE]
        stw     r11, [r10 + L_CAUSE]
        ldw     r11, [r12 + F_FADDR]
        stw     r11, [r10 + L_FADDR]
        ldw     r11, [r12 + F_SPC]
        stw     r11, [r10 + L_SPC]
        ldw     r11, [r12 + F_SFLAGS]
        stw     r11, [r10 + L_SFLAGS]
.logged:
        ; the action planned for this depth, if any (used once)
        la      r10, depth
        ldw     r10, [r10]
        shli    r10, r10, 2
        la      r11, actions
        add     r10, r10, r11
        ldw     r11, [r10]
        movi    r13, 0
        stw     r13, [r10]
        cmpi    r11, 0
        beq     handler_return
        jr      r11                     ; the action faults, then jumps to handler_return

; handler_return: restore this depth's frame and return where the trap says.
handler_return:
        la      r12, depth
        ldw     r13, [r12]
        subi    r10, r13, 1
        stw     r10, [r12]
        shli    r13, r13, 5
        la      r12, frames
        add     r12, r12, r13
        ldw     r10, [r12 + F_SPC]
        ldw     r11, [r12 + F_CAUSE]
        cmpi    r11, CAUSE_SYSCALL
        beq     .resume                 ; sys, brk, hcall, interrupts: spc is already right
        cmpi    r11, CAUSE_BREAKPOINT
        beq     .resume
        cmpi    r11, CAUSE_HYPERCALL
        beq     .resume
        cmpi    r11, CAUSE_IRQ_BASE
        bgeu    .resume
        ldw     r13, [r12 + F_FADDR]
        cmp     r13, r10
        bne     .skip
        ldw     r10, [r12 + F_LR]       ; a fetch fault (faddr = spc): back to the caller
        jmp     .resume
.skip:
        addi    r10, r10, 4             ; a fault: skip the faulting instruction
.resume:
        mtcr    spc, r10
        ldw     r10, [r12 + F_SFLAGS]
        mtcr    sflags, r10
        ldw     r10, [r12 + F_R10]
        ldw     r11, [r12 + F_R11]
        ldw     lr, [r12 + F_LR]
        rfe

too_deep:
        la      r1, msg_too_deep
        call    puts
        jmp     halt_forever

; ---- actions: each sets the flags, faults, and goes back to handler_return ------------
act_read_beyond:
        li      r11, BEYOND + 4
        movi    r13, 0
        cmpi    r13, 1                  ; N, C
        ldw     r13, [r11]              ; bus
        jmp     handler_return

act_divide:
        movi    r13, 0
        cmpi    r13, 0                  ; Z
        div     r11, r11, r13           ; divide
        jmp     handler_return

act_opcode_ff:
        li      r13, 0x7fffffff
        cmpi    r13, -1                 ; N, C, V
        .word   0xff000000              ; the translator's callout opcode: illegal here
        jmp     handler_return

act_misaligned_jump:
        la      r11, handler_return + 2
        movi    r13, 2
        cmpi    r13, 1                  ; none
        jr      r11                     ; misaligned (faddr = the target)
        jmp     handler_return

act_jump_beyond:
        li      r11, BEYOND + 0x100
        movi    r13, 1
        cmpi    r13, 2                  ; N, C
        callr   r11                     ; bus on the fetch: resumes after the callr
        jmp     handler_return

act_write_ro:
        li      r11, ROPAGE + 0x10
        movi    r13, 3
        cmpi    r13, 3                  ; Z
        stw     r13, [r11]              ; page-write
        jmp     handler_return

act_jump_hole:
        li      r11, HOLE + 0x20
        movi    r13, 0
        cmpi    r13, 1                  ; N, C
        callr   r11                     ; page-fetch: resumes after the callr
        jmp     handler_return

act_byte_hole:
        li      r11, HOLE + 0xfff
        li      r13, 0x80000000
        cmpi    r13, 1                  ; V
        stb     r13, [r11]              ; page-write
        jmp     handler_return

; stub_one: the first instruction retires (a VMM emulates it), the second faults. The
; nested trap goes to the logging handler; then this handler goes on with the outer
; trap's saved state overwritten, records what it finds and returns to main.
stub_one:
        mtcr    tvec, r9                ; r9 = handler
        ldw     r13, [r8]               ; r8 = HOLE: page-read, one instruction after entry
        la      r12, lost_state
        mfcr    r13, spc
        stw     r13, [r12]
        mfcr    r13, cause
        stw     r13, [r12 + 4]
        la      r13, step5_back
        mtcr    spc, r13
        movi    r13, FLAG_S
        mtcr    sflags, r13
        rfe

; h_first_faults: the very first instruction faults: double fault.
h_first_faults:
        ldw     r13, [r8]               ; r8 = HOLE
        jmp     handler

.include "lib.s"

        .align  4
depth:          .word   0
actions:        .space  4 * (MAX_DEPTH + 1)
lost_state:     .word   0, 0
log_count:      .word   0
log:            .space  FRAME * MAX_LOG
frames:         .space  FRAME * (MAX_DEPTH + 1)

msg_hello:      .asciz  "nested-fault: faults inside the trap handler\n"
msg_step1:      .asciz  "step 1: main loads from 0x7ff00000 (beyond memory); the handler returns\n"
msg_step2:      .asciz  "step 2: brk; the handler, after saving its state, loads from 0x7ff00004 itself\n"
msg_step3:      .asciz  "step 3: sys; nested five deep: divide, opcode 0xff, misaligned jr, callr beyond memory\n"
msg_step4:      .asciz  "step 4: paging on; main loads from an unmapped page; nested: store to a read-only page, callr into the unmapped page, stb into it\n"
msg_step5:      .asciz  "step 5: brk into a handler whose first instruction, on a page never run before, loads from a page never touched\n"
msg_step6:      .asciz  "step 6: brk into a handler that retires one mtcr tvec, then loads from the unmapped page\n"
msg_step7:      .asciz  "step 7: sys into a handler whose first instruction loads from the unmapped page: double fault, the run ends\n"
msg_c_set:      .asciz  "  main resumed: C set, "
msg_c_clear:    .asciz  "  main resumed: C clear, "
msg_lt:         .asciz  "lt, "
msg_ge:         .asciz  "ge, "
msg_eq:         .asciz  "eq"
msg_ne:         .asciz  "ne"
msg_regs:       .asciz  "; r10 r11 "
msg_kept:       .asciz  "kept"
msg_lost_regs:  .asciz  "CHANGED"
msg_r5:         .asciz  "; r5 "
msg_depth:      .asciz  "; handler depth "
msg_log_depth:  .asciz  "    depth "
msg_log_spc:    .asciz  " spc "
msg_log_faddr:  .asciz  " faddr "
msg_log_sflags: .asciz  " sflags "
msg_lost:       .asciz  "  the outer trap's state was overwritten: spc "
msg_lost_cause: .asciz  ", cause "
msg_too_deep:   .asciz  "nested-fault: handler nested too deep\n"
msg_survived:   .asciz  "nested-fault: survived a double fault (wrong)\n"

; ---- a page of code and a page of data that nothing touches before step 5 -------------
        .align  PAGE_SIZE
h_fresh:
        ldw     r5, [r7]                ; r7 = fresh_data (under a VMM: a hidden page fault)
        jmp     handler
        .align  PAGE_SIZE
fresh_data:
        .word   0x600df00d
