; step5.s - your first kernel, step 5 (docs/first-kernel.md): user mode and system calls.
; The kernel "returns" to a user program (rfe with the mode bit clear in sflags); the user
; program cannot write a port itself, so it asks the kernel: sys with r0 = 1 writes the
; byte in r1, r0 = 0 ends the program.

.include "platform.inc"

start:
        la      r1, on_trap
        mtcr    tvec, r1
        la      r1, user
        mtcr    spc, r1
        movi    r1, 0                   ; user mode, interrupts off
        mtcr    sflags, r1
        rfe                             ; into user mode, at user

; ---- the user program ----
user:
        la      r5, hello
.next:
        ldb     r1, [r5]
        cmpi    r1, 0
        beq     .exit
        movi    r0, 1                   ; write(r1)
        sys
        addi    r5, r5, 1
        jmp     .next
.exit:
        movi    r0, 0                   ; exit
        sys

; ---- the kernel's trap entry ----
on_trap:
        mfcr    r10, cause
        cmpi    r10, CAUSE_SYSCALL
        bne     .stop
        cmpi    r0, 1
        bne     .stop
        out     CONSOLE_DATA, r1        ; the kernel writes the port
        rfe                             ; back to user mode, after the sys
.stop:
        hlt                             ; exit (or anything else): stop

hello:  .asciz  "step 5: hello from user mode\n"
