; spin-timer.s - spin.s with the guest's own timer programmed (every 50 ticks, unmasked):
; first busy with interrupts on (no hlt) until it has handled 100 timer interrupts, then
; with interrupts off, spinning forever while its timer keeps firing into a disabled CPU.
;
; Attacks: the scheduler, as spin.s; and the VMM's handling of a guest whose virtual
; device is always due but whose interrupts are never delivered.
;
; What must happen: the other guests run exactly as alone; this guest prints its two lines
; and runs until its instruction limit: status limit.
;
; Expected console output (bare, a limit above ~10000 instructions): spin-timer.expected.

.equ WITH_TIMER, 1
.include "spin.s"
