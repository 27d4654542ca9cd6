; yourturn.s - lab 8, "your turn": prints 40 x's, a newline after every LINE of them
; (-D LINE=N; default 8: five lines). Under --host hosted every console line is a request
; to the host OS. Predict, for LINE=8 and for -D LINE=40, how many host requests and world
; switches the run makes, and what the guest prints; then measure:
;   vmm run docs/labs/08-hosted/yourturn.s --host hosted -q --stats 2>&1 | grep -E 'notes|requests'

.include "platform.inc"

.ifndef LINE
.equ LINE, 8
.endif
.equ COUNT, 40

start:
        movi    r8, 0                   ; x's printed
        movi    r9, 0                   ; x's on this line
.next:
        movi    r1, 'x'
        out     CONSOLE_DATA, r1
        addi    r8, r8, 1
        addi    r9, r9, 1
        cmpi    r9, LINE
        blt     .same_line
        movi    r1, '\n'
        out     CONSOLE_DATA, r1
        movi    r9, 0
.same_line:
        cmpi    r8, COUNT
        blt     .next
        hlt
