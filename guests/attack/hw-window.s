; hw-window.s - interrupt windows one instruction wide, then interrupts off for good.
;
; Attacks: interrupt-window exiting and event injection (--mode hw). The guest's timer
; fires every 40 ticks; the kernel keeps interrupts off except for one instruction at a
; time (sti; cli), so an interrupt is nearly always waiting for a window: each window is
; an exit under hw, where the VMM must inject exactly the interrupt bare hardware takes
; after that sti, no sooner and no later. After WINDOWS windows it prints how many
; interrupts it took and at which windows the first ones came, then spins with interrupts
; off for good (its timer still firing), to starve the others.
;
; What must happen: the same counts as bare hardware in every mode; the neighbours run
; exactly as alone; this guest runs until its instruction limit: status limit.
;
; Expected console output (bare, a limit above ~20000 instructions): hw-window.expected.

.include "../include/paravirt.inc"

.equ PERIOD, 40
.equ WINDOWS, 1000

start:
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_start
        call    puts
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        movi    r1, PERIOD
        out     TIMER_PERIOD, r1
        li      r8, WINDOWS
        movi    r10, 0                  ; r10 = windows opened so far
.window:
        addi    r10, r10, 1
        sti
        cli
        addi    r9, r9, 3               ; busy between windows
        xor     r9, r9, r10
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .window
        la      r1, msg_taken
        call    puts
        la      r1, ticks
        ldw     r1, [r1]
        call    put_dec
        la      r1, msg_first
        call    puts
        la      r7, first
        movi    r6, 0
.first:
        ldw     r1, [r7]
        call    put_dec
        movi    r1, ' '
        putc    r1
        addi    r7, r7, 4
        addi    r6, r6, 1
        cmpi    r6, 8
        blt     .first
        call    newline
        la      r1, msg_spin
        call    puts
forever:                                ; the timer keeps firing; interrupts stay off
        addi    r9, r9, 1
        jmp     forever

; handler: count the interrupt, note the window of the first eight, acknowledge, return.
; Uses r12, r13 (r10 is read: the window it came in).
handler:
        la      r12, ticks
        ldw     r13, [r12]
        addi    r13, r13, 1
        stw     r13, [r12]
        cmpi    r13, 8
        bgt     .ack
        shli    r13, r13, 2
        la      r12, first - 4
        add     r12, r12, r13
        stw     r10, [r12]
.ack:
        movi    r13, IRQ_TIMER
        out     PIC_ACK, r13
        rfe

        .align  4
ticks:          .word   0
first:          .space  32
msg_start:      .asciz  "hw-window: timer every 40 ticks; interrupts on for one instruction at a time\n"
msg_taken:      .asciz  "hw-window: interrupts taken in 1000 windows: "
msg_first:      .asciz  "\nhw-window: the windows of the first eight: "
msg_spin:       .asciz  "hw-window: now interrupts off for good, spinning\n"

.include "lib.s"
