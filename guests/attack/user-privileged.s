; user-privileged.s - a user program that runs every privileged and sensitive instruction.
;
; Attacks: ring compression and the reflection of user-mode traps. Under the VMM both the
; guest kernel and its user program run in the host's user mode, so the VMM must tell a
; privileged instruction of the guest KERNEL (emulate it) from one of the guest's USER code
; (reflect a `privileged` trap into the guest kernel, which is what bare hardware does).
; A small kernel enters user mode (spc, sflags = IE|N, rfe); the user program runs, one at
; a time, mfcr, mtcr (tvec, to hijack the kernel), rfe, hlt, cli, sti, in, out (to the
; timer, the PIC and the console), tlbflush and invlpg, each with r1 = 0x5a5a5a5a; the
; sensitive getf, setf (with S, IE, Z and C set; with 0) and cpuid; words that do not
; decode (hlt with an unused bit set, opcode 0xff, opcode 0); sys with an unknown number,
; brk and hcall. The kernel records each trap and resumes after the instruction (a fault)
; or at the saved pc (sys, brk, hcall); the user program asks it (sys) to print, for each
; instruction, the trap it took, r1 after it, and the user FLAGS at that next sys. At the
; end the kernel shows that tvec, the timer and the interrupt mask are untouched.
;
; What must happen: every privileged instruction traps `privileged` with the saved pc of
; the instruction and changes nothing (r1 stays 0x5a5a5a5a, nothing is printed, the timer
; stays stopped); getf shows S = 0 and IE = 1, setf changes only Z N C V, cpuid reads
; 0x31594f54; the undecodable words trap `illegal`; sys, brk and hcall reach the guest
; kernel (hcall too: nothing intercepts it in bare, trap and full). With --strict the
; sensitive three trap `privileged` too, on bare hardware as under the VMM, so a --strict
; run prints those three lines differently: compare it with `--mode bare --strict`.
;
; Expected console output (bare, 1 MiB): user-privileged.expected; status halted.

.include "../include/paravirt.inc"

.equ KSTACK, 0xf000
.equ SENT, 0x5a5a5a5a
.equ SYS_LABEL, 1                       ; r1 = string: print "  <string>: ", forget the last trap
.equ SYS_RESULT, 2                      ; print the last trap, r1, the FLAGS at this sys
.equ SYS_EXIT, 3                        ; end the user program

; the user's registers, saved by the handler
.equ U_R0, 0
.equ U_R1, 4
.equ U_R12, 48
.equ U_R13, 52
.equ U_SP, 56
.equ U_LR, 60

; BEGIN "label": announce the next instruction; r1 = SENT.
.macro BEGIN label
        la      r1, lbl\@
        movi    r0, SYS_LABEL
        sys
        li      r1, SENT
        jmp     go\@
lbl\@:  .asciz  \label
        .align  4
go\@:
.endm

; END: report what the instruction did.
.macro END
        movi    r0, SYS_RESULT
        sys
.endm

        .org    0x1000
start:
        li      sp, KSTACK
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        la      r1, user_main
        mtcr    spc, r1
        movi    r1, FLAG_IE | FLAG_N    ; user mode, interrupts on (nothing is unmasked)
        mtcr    sflags, r1
        movi    r1, 0
        rfe

; ---- the kernel -------------------------------------------------------------------------
handler:
        mtcr    scratch, r13
        la      r13, usave
        stw     r0, [r13 + 0]
        stw     r1, [r13 + 4]
        stw     r2, [r13 + 8]
        stw     r3, [r13 + 12]
        stw     r4, [r13 + 16]
        stw     r5, [r13 + 20]
        stw     r6, [r13 + 24]
        stw     r7, [r13 + 28]
        stw     r8, [r13 + 32]
        stw     r9, [r13 + 36]
        stw     r10, [r13 + 40]
        stw     r11, [r13 + 44]
        stw     r12, [r13 + 48]
        mfcr    r12, scratch
        stw     r12, [r13 + 52]
        stw     sp, [r13 + 56]
        stw     lr, [r13 + 60]
        li      sp, KSTACK
        mfcr    r1, sflags
        andi    r1, r1, FLAG_S
        cmpi    r1, 0
        bne     kernel_trap             ; a trap in the kernel itself: not expected
        mfcr    r1, cause
        cmpi    r1, CAUSE_SYSCALL
        bne     .record
        ldw     r2, [r13 + U_R0]
        cmpi    r2, SYS_LABEL
        beq     sys_label
        cmpi    r2, SYS_RESULT
        beq     sys_result
        cmpi    r2, SYS_EXIT
        beq     sys_exit
.record:                                ; any other trap: remember it
        la      r2, last
        stw     r1, [r2]
        mfcr    r3, spc
        stw     r3, [r2 + 4]
        mfcr    r3, faddr
        stw     r3, [r2 + 8]
        cmpi    r1, CAUSE_SYSCALL       ; sys, brk, hcall: spc is the next instruction
        beq     user_return
        cmpi    r1, CAUSE_BREAKPOINT
        beq     user_return
        cmpi    r1, CAUSE_HYPERCALL
        beq     user_return
        mfcr    r3, spc                 ; a fault: skip the instruction
        addi    r3, r3, 4
        mtcr    spc, r3
        jmp     user_return

sys_label:
        la      r1, msg_indent
        call    puts
        la      r1, usave
        ldw     r1, [r1 + U_R1]
        call    puts
        la      r1, msg_colon
        call    puts
        la      r1, last
        movi    r2, 0
        stw     r2, [r1]
        jmp     user_return

sys_result:
        la      r1, last
        ldw     r1, [r1]
        cmpi    r1, 0
        bne     .trapped
        la      r1, msg_no_trap
        call    puts
        jmp     .regs
.trapped:
        call    put_cause
        la      r1, msg_at
        call    puts
        la      r1, last
        ldw     r1, [r1 + 4]
        call    put_hex
.regs:
        la      r1, msg_r1
        call    puts
        la      r1, usave
        ldw     r1, [r1 + U_R1]
        call    put_hex
        la      r1, msg_flags
        call    puts
        mfcr    r1, sflags
        call    put_hex
        call    newline
        jmp     user_return

user_return:
        la      r13, usave
        ldw     r0, [r13 + 0]
        ldw     r1, [r13 + 4]
        ldw     r2, [r13 + 8]
        ldw     r3, [r13 + 12]
        ldw     r4, [r13 + 16]
        ldw     r5, [r13 + 20]
        ldw     r6, [r13 + 24]
        ldw     r7, [r13 + 28]
        ldw     r8, [r13 + 32]
        ldw     r9, [r13 + 36]
        ldw     r10, [r13 + 40]
        ldw     r11, [r13 + 44]
        ldw     r12, [r13 + 48]
        ldw     sp, [r13 + 56]
        ldw     lr, [r13 + 60]
        ldw     r13, [r13 + 52]
        rfe

sys_exit:
        la      r1, msg_exit
        call    puts
        la      r1, msg_tvec
        call    puts
        mfcr    r1, tvec
        call    put_hex
        la      r1, msg_period
        call    puts
        in      r1, TIMER_PERIOD
        call    put_hex
        la      r1, msg_mask
        call    puts
        in      r1, PIC_MASK
        call    put_hex
        call    newline
        la      r1, msg_done
        call    puts
        jmp     halt_forever

kernel_trap:
        la      r1, msg_kernel_trap
        call    puts
        mfcr    r1, cause
        call    put_cause
        la      r1, msg_at
        call    puts
        mfcr    r1, spc
        call    put_hex
        call    newline
        jmp     halt_forever

; ---- the user program -------------------------------------------------------------------
user_main:
        BEGIN   "mfcr r1, mid      "
        mfcr    r1, mid
        END
        BEGIN   "mtcr tvec, r1     "
        mtcr    tvec, r1
        END
        BEGIN   "mtcr sflags, r1   "
        mtcr    sflags, r1
        END
        BEGIN   "rfe               "
        rfe
        END
        BEGIN   "hlt               "
        hlt
        END
        BEGIN   "cli               "
        cli
        END
        BEGIN   "sti               "
        sti
        END
        BEGIN   "in r1, TIMER_NOW  "
        in      r1, TIMER_NOW
        END
        BEGIN   "out TIMER_PERIOD  "
        movi    r1, 5
        out     TIMER_PERIOD, r1
        END
        BEGIN   "out PIC_MASK      "
        movi    r1, 0
        out     PIC_MASK, r1
        END
        BEGIN   "out CONSOLE_DATA  "
        movi    r1, '!'
        out     CONSOLE_DATA, r1
        END
        BEGIN   "tlbflush          "
        tlbflush
        END
        BEGIN   "invlpg r1         "
        invlpg  r1
        END
        BEGIN   "getf r1           "
        getf    r1
        END
        BEGIN   "setf r1 (0x35)    "
        movi    r1, FLAG_S | FLAG_IE | FLAG_C | FLAG_Z
        setf    r1
        END
        BEGIN   "setf r1 (0)       "
        movi    r1, 0
        setf    r1
        END
        BEGIN   "cpuid r1          "
        cpuid   r1
        END
        BEGIN   "hlt + unused bit  "
        .word   0x53000001
        END
        BEGIN   ".word 0xff000000  "
        .word   0xff000000
        END
        BEGIN   ".word 0           "
        .word   0
        END
        BEGIN   "sys (r0 = 99)     "
        movi    r0, 99
        sys
        END
        BEGIN   "brk               "
        brk
        END
        BEGIN   "hcall (r0 = 1)    "
        movi    r0, 1
        hcall
        END
        movi    r0, SYS_EXIT
        sys
        jmp     user_main

.include "lib.s"

        .align  4
usave:          .space  64
last:           .word   0, 0, 0

msg_hello:      .asciz  "user-privileged: a user program (FLAGS = IE|N) tries every privileged and sensitive instruction\n"
msg_at:         .asciz  ", spc "
msg_no_trap:    .asciz  "no trap"
msg_r1:         .asciz  "; r1 "
msg_flags:      .asciz  "; flags "
msg_exit:       .asciz  "user program done\n"
msg_tvec:       .asciz  "kernel: tvec "
msg_period:     .asciz  ", TIMER_PERIOD "
msg_mask:       .asciz  ", PIC_MASK "
msg_done:       .asciz  "user-privileged: done\n"
msg_kernel_trap: .asciz "user-privileged: unexpected trap in the kernel: "
