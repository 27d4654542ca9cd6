; callout-forge.s - a guest that executes the binary translator's own callout words.
;
; Attacks: --mode full, whose translator plants words with opcode 0xff in translated code
; as calls into the VMM (0xff000000 = "translate the block here", 0xff000001 = "emulate
; the instruction here"). On TOY32 hardware opcode 0xff does not decode: any word with it
; is an illegal instruction. The guest runs such words itself, first as its kernel, then
; as a user program (whose code is not translated and runs directly on the host CPU).
; Each must be an `illegal` trap into the guest's own kernel, which reports it and goes on
; with the next word.
;
; What must happen: the same six illegal-instruction traps as on bare hardware, in order,
; then a clean halt. (Whatever the VMM makes of a forged callout, it must not be fooled
; into looping, translating, or emulating something else; it must not hang.)
;
; Expected console output (bare): callout-forge.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
kernel_words:
        .word   0xff000001              ; each: illegal, the handler skips it
        .word   0xff123456
        .word   0xff000000
        la      r1, msg_user
        call    puts
        la      r1, user_words          ; user mode, interrupts off, paging off
        mtcr    spc, r1
        movi    r1, 0
        mtcr    sflags, r1
        rfe

; handler: print "  <mode> word 0x<word> at 0x<pc>: <cause>", then skip the word; a sys
; from user mode ends the run.
handler:
        mfcr    r8, cause
        mfcr    r9, spc
        mfcr    r10, sflags
        cmpi    r8, CAUSE_SYSCALL
        beq     .done
        la      r1, msg_kernel
        andi    r2, r10, FLAG_S
        cmpi    r2, 0
        bne     .mode
        la      r1, msg_user_mode
.mode:
        call    puts
        ldw     r1, [r9]
        call    put_hex
        la      r1, msg_at
        call    puts
        mov     r1, r9
        call    put_hex
        la      r1, msg_colon
        call    puts
        mov     r1, r8
        call    put_cause
        call    newline
        addi    r9, r9, 4
        mtcr    spc, r9
        rfe
.done:
        la      r1, msg_done
        call    puts
        jmp     halt_forever

.include "lib.s"

        .align  PAGE_SIZE               ; the user program: a page of its own
user_words:
        .word   0xff000001
        .word   0xff123456
        .word   0xff000000
        sys

msg_hello:      .asciz  "callout-forge: opcode 0xff words, as the kernel then as a user program\n"
msg_user:       .asciz  "now in user mode:\n"
msg_kernel:     .asciz  "  kernel word "
msg_user_mode:  .asciz  "  user word "
msg_at:         .asciz  " at "
msg_done:       .asciz  "callout-forge: done\n"
