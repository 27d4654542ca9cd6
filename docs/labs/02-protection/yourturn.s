; yourturn.s - lab 2, "your turn": a kernel that reads the timer's clock (port TIMER_NOW)
; READS times, then prints a dot. Which of its accesses reach the VMM? Predict the exits
; under --mode trap --strict, under --mode hw, and under --mode hw --exit-off io (the ports
; reach the guest's devices directly, as an assigned device would), then measure:
;   vmm run docs/labs/02-protection/yourturn.s --mode hw --exit-off io -q --stats

.include "platform.inc"

.equ READS, 100

start:
        movi    r9, READS
.read:
        in      r1, TIMER_NOW
        subi    r9, r9, 1
        cmpi    r9, 0
        bne     .read
        movi    r2, '.'
        out     CONSOLE_DATA, r2
        movi    r2, '\n'
        out     CONSOLE_DATA, r2
        hlt
