; step4.s - your first kernel, step 4 (docs/first-kernel.md): a timer. Unmask the timer's
; line at the interrupt controller, start the timer, enable interrupts and wait with hlt;
; each tick is a trap (cause 16 + the line), which the handler counts and acknowledges.

.include "platform.inc"

.equ TICKS, 3

start:
        la      r1, on_trap
        mtcr    tvec, r1
        li      r1, ~(1 << IRQ_TIMER)   ; unmask the timer's line only
        out     PIC_MASK, r1
        li      r1, 1000                ; a tick every 1,000 ticks of guest time
        out     TIMER_PERIOD, r1
        movi    r9, 0                   ; ticks so far
        sti
.wait:
        hlt                             ; until the next interrupt
        cmpi    r9, TICKS
        blt     .wait
        cli
        la      r1, done
        call    puts
        hlt

on_trap:
        mfcr    r10, cause
        cmpi    r10, CAUSE_IRQ_BASE + IRQ_TIMER
        bne     .other
        addi    r9, r9, 1
        la      r1, tick
        call    puts
        addi    r2, r9, '0'
        out     CONSOLE_DATA, r2
        movi    r2, '\n'
        out     CONSOLE_DATA, r2
        movi    r10, IRQ_TIMER
        out     PIC_ACK, r10            ; the next tick may come
        rfe
.other:
        hlt                             ; not expected: stop (interrupts are off here)

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

tick:   .asciz  "step 4: tick "
done:   .asciz  "step 4: done\n"
