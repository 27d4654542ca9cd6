; divzero.s - a division by zero, handled, ITER times (vmm compare, docs/compare.md; Adams &
; Agesen's divzero). The kernel's trap entry skips the division and returns after it.

.include "../include/paravirt.inc"
.include "micro.inc"

        .org    0x1000
start:
        la      r1, on_trap
        set_trap_entry r1
        movi    r3, 0
        li      r10, ITER
pass:
        div     r1, r10, r3             ; the divide trap
        next_pass
        finish  name

on_trap:
        trap_read r12, CAUSE
        cmpi    r12, CAUSE_DIVIDE
        bne     unexpected
        trap_read r12, SPC
        addi    r12, r12, 4             ; after the division
        trap_read r13, SFLAGS
        trap_set_return r12, r13, r11
        return_from_trap

name:   .asciz  "divzero: "
        micro_data
.include "../attack/lib.s"
