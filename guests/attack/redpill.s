; redpill.s - a user program that tries to tell whether it runs under a VMM.
;
; Attacks: the transparency of --mode full for guest USER code, which the VMM runs
; directly on the host CPU (only guest-kernel code is binary-translated). TOY32's
; sensitive-but-unprivileged instructions do not trap in user mode: `getf` reads FLAGS
; (condition bits, IE, mode), `setf` silently keeps IE and the mode in user mode, `cpuid`
; reads the machine id ("TOY1" = 0x31594f54). The kernel runs the same user code twice,
; once with interrupts disabled and once with them enabled, and prints what it saw.
;
; What must happen: exactly what bare hardware shows: getf shows IE as the kernel set it
; for the user program (and S=0), setf cannot change IE or S, cpuid reads 0x31594f54.
; Under --mode full the guest must not be able to tell (DESIGN: every guest-visible
; behaviour of a correct guest is identical). Under --mode trap the same user code runs the
; same way (it is guest user code: user mode is what it expects).
;
; Expected console output (bare): redpill.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        movi    r1, 0                   ; user mode, IE off
        call    run_user
        la      r1, msg_ie_off
        call    show
        movi    r1, FLAG_IE             ; user mode, IE on (no device is enabled)
        call    run_user
        la      r1, msg_ie_on
        call    show
        la      r1, msg_done
        call    puts
        jmp     halt_forever

; run_user: run user_code with FLAGS = r1 until its sys. Returns with its r5..r7.
run_user:
        la      r2, kernel_sp
        stw     sp, [r2]
        la      r2, kernel_lr
        stw     lr, [r2]
        la      r2, user_code
        mtcr    spc, r2
        mtcr    sflags, r1
        rfe

; handler: the user program's sys returns to run_user's caller.
handler:
        mfcr    r1, cause
        cmpi    r1, CAUSE_SYSCALL
        beq     .sys
        la      r1, msg_trap
        call    puts
        mfcr    r1, cause
        call    put_cause
        call    newline
        jmp     halt_forever
.sys:
        la      r2, kernel_sp
        ldw     sp, [r2]
        la      r2, kernel_lr
        ldw     lr, [r2]
        ret

; show: r1 = title; prints getf (r5), getf after setf (r6), cpuid (r7).
show:
        push    lr
        call    puts
        la      r1, msg_getf
        call    puts
        mov     r1, r5
        call    put_hex
        la      r1, msg_setf
        call    puts
        mov     r1, r6
        call    put_hex
        la      r1, msg_cpuid
        call    puts
        mov     r1, r7
        call    put_hex
        call    newline
        pop     lr
        ret

.include "lib.s"

        .align  4
kernel_sp:      .word   0
kernel_lr:      .word   0

        .align  PAGE_SIZE
user_code:
        movi    r1, 1
        cmpi    r1, 2                   ; N set: the condition bits are visible too
        getf    r5
        li      r2, FLAG_S | FLAG_IE | FLAG_Z
        setf    r2                      ; user mode: only Z changes; IE and S stay
        getf    r6
        cpuid   r7
        sys

msg_hello:      .asciz  "redpill: sensitive instructions in user mode\n"
msg_ie_off:     .asciz  "  user, IE off:"
msg_ie_on:      .asciz  "  user, IE on: "
msg_getf:       .asciz  " getf "
msg_setf:       .asciz  ", getf after setf(S|IE|Z) "
msg_cpuid:      .asciz  ", cpuid "
msg_trap:       .asciz  "redpill: unexpected trap "
msg_done:       .asciz  "redpill: done\n"
