; step2.s - your first kernel, step 2 (docs/first-kernel.md): a trap vector. tvec says where
; the CPU goes on a trap; the CPU saves pc in spc, FLAGS in sflags and the cause in cause.
; The kernel makes a system call itself; its handler prints the cause and returns with rfe.

.include "platform.inc"

start:
        la      r1, on_trap
        mtcr    tvec, r1                ; traps go to on_trap
        sys                             ; a system call: cause 3 (syscall)
        la      r1, back
        call    puts
        hlt

on_trap:
        la      r1, trapped
        call    puts
        mfcr    r2, cause
        addi    r2, r2, '0'             ; the cause as a digit
        out     CONSOLE_DATA, r2
        movi    r2, '\n'
        out     CONSOLE_DATA, r2
        rfe                             ; back to the instruction after sys (spc)

; puts: print the string at r1. Clobbers r1, r2.
puts:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .done
        out     CONSOLE_DATA, r2
        addi    r1, r1, 1
        jmp     puts
.done:
        ret

trapped: .asciz "step 2: trap, cause "
back:    .asciz "step 2: back from the trap\n"
