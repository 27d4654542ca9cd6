; syscall.s - a system call from user mode and back, ITER times (vmm compare, docs/compare.md;
; Adams & Agesen's syscall). User code runs `sys`; the kernel's trap entry returns at once.

.include "../include/paravirt.inc"
.include "micro.inc"

        .org    0x1000
start:
        la      r1, on_trap
        set_trap_entry r1
        movi    r11, 0                  ; 1: the next system call finishes
        la      r1, user
        movi    r2, 0                   ; user mode, interrupts off
        trap_set_return r1, r2, r3
        return_from_trap

user:
        li      r10, ITER
pass:
        sys
        next_pass
        movi    r11, 1
        sys

on_trap:
        trap_read r12, CAUSE
        cmpi    r12, CAUSE_SYSCALL
        bne     unexpected
        cmpi    r11, 0
        bne     done
        iret_keep_r0
        return_from_trap                ; to the instruction after the sys
done:
        finish  name

name:   .asciz  "syscall: "
        micro_data
.include "../attack/lib.s"
