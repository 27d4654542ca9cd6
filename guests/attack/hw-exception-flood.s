; hw-exception-flood.s - a user program that traps as fast as it can: divides by zero,
; breakpoints and privileged instructions, each resumed by the kernel after it.
;
; Attacks: the exception bitmap (--mode hw). By default a guest's own traps never leave
; non-root operation: the CPU delivers them to the guest kernel. With --exit-on exceptions
; (or exception:divide ...) every one is an exit and the VMM injects it: the guest must not
; be able to tell, and a flood of them must not take the CPU from the others. The user
; program makes FLOOD traps of each kind, then `sys`; the kernel counts them by cause and
; prints the counts.
;
; What must happen: the same counts as bare hardware, in every mode and whatever the
; exception bitmap; the neighbours run exactly as alone.
;
; Expected console output (bare): hw-exception-flood.expected; status halted.

.include "../include/paravirt.inc"

.equ FLOOD, 3000
.equ STACK_TOP, 0xf000

start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_start
        call    puts
        la      r1, user
        mtcr    spc, r1
        movi    r1, 0                   ; user mode, interrupts off
        mtcr    sflags, r1
        rfe

; handler: syscall ends the flood; any other trap is counted by cause and the user program
; resumes after the instruction that trapped. Uses r12, r13 only until the end.
handler:
        mfcr    r12, cause
        cmpi    r12, CAUSE_SYSCALL
        beq     done
        shli    r12, r12, 2
        la      r13, counts
        add     r13, r13, r12
        ldw     r12, [r13]
        addi    r12, r12, 1
        stw     r12, [r13]
        mfcr    r12, spc
        mfcr    r13, cause
        cmpi    r13, CAUSE_BREAKPOINT   ; brk saves the next pc already
        beq     .resume
        addi    r12, r12, 4
.resume:
        mtcr    spc, r12
        rfe

done:
        la      r1, msg_divide
        call    puts
        la      r1, counts + CAUSE_DIVIDE * 4
        ldw     r1, [r1]
        call    put_dec
        la      r1, msg_breakpoint
        call    puts
        la      r1, counts + CAUSE_BREAKPOINT * 4
        ldw     r1, [r1]
        call    put_dec
        la      r1, msg_privileged
        call    puts
        la      r1, counts + CAUSE_PRIVILEGED * 4
        ldw     r1, [r1]
        call    put_dec
        call    newline
        jmp     halt_forever

; the user program: FLOOD rounds of three traps, then sys
user:
        li      r8, FLOOD
        movi    r2, 0
.round:
        div     r3, r8, r2              ; divide by zero
        brk
        cli                             ; privileged in user mode
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .round
        sys

        .align  4
counts:         .space  4 * 16
msg_start:      .asciz  "hw-exception-flood: 3000 rounds of divide, brk and cli in user mode\n"
msg_divide:     .asciz  "hw-exception-flood: divide "
msg_breakpoint: .asciz  ", breakpoint "
msg_privileged: .asciz  ", privileged "

.include "lib.s"
