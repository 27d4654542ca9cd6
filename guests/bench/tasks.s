; tasks.s - a bench workload: an interrupt-driven kernel switching two user tasks on its
; timer (every QUANTUM ticks; default 2000). Task A counts the primes below PRIMES (default
; 30000) by trial division; task B adds up the Collatz steps of 1..COLLATZ (default 6000).
; Each keeps its running figure in memory (a store per step), and ends with `sys`; the kernel
; prints A's result and B's, one per line, and halts when both are done. Paging is on (an
; identity map of user pages). -D SHARED=1 puts the kernel's task records and the tasks'
; figures on the code's own page (a kernel whose data shares its code page); by default
; they are on a page of their own.

.include "../include/paravirt.inc"
.include "paging.inc"

.ifndef QUANTUM
.equ QUANTUM, 2000
.endif
.ifndef PRIMES
.equ PRIMES, 30000
.endif
.ifndef COLLATZ
.equ COLLATZ, 6000
.endif
.equ PAGE_DIR, 0x7e000
.equ PAGE_TABLE, 0x7f000
.equ MAPPED_PAGES, 128
.equ STACK_A, 0x60000
.equ STACK_B, 0x70000
; a task record: r0..r15, pc, flags, done, result
.equ T_PC, 64
.equ T_FLAGS, 68
.equ T_DONE, 72
.equ T_RESULT, 76
.equ T_SIZE, 80

start:
        la      r1, kernel_trap
        mtcr    tvec, r1
        identity_paging PAGE_DIR, PAGE_TABLE, MAPPED_PAGES
        la      r1, task_a_record       ; each task starts in user mode with IE set
        la      r2, task_a
        stw     r2, [r1 + T_PC]
        movi    r2, FLAG_IE
        stw     r2, [r1 + T_FLAGS]
        li      r2, STACK_A
        stw     r2, [r1 + 60]
        la      r1, task_b_record
        la      r2, task_b
        stw     r2, [r1 + T_PC]
        movi    r2, FLAG_IE
        stw     r2, [r1 + T_FLAGS]
        li      r2, STACK_B
        stw     r2, [r1 + 60]
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        li      r1, QUANTUM
        out     TIMER_PERIOD, r1
        la      r1, task_a_record
        jmp     resume

; kernel_trap: save the task's registers in its record; a timer tick switches to the other
; task (if it is not done), a `sys` records the task's result (r1) and ends it.
kernel_trap:
        mtcr    scratch, sp
        la      sp, current
        ldw     sp, [sp]
        stw     r0, [sp + 0]
        stw     r1, [sp + 4]
        stw     r2, [sp + 8]
        stw     r3, [sp + 12]
        stw     r4, [sp + 16]
        stw     r5, [sp + 20]
        stw     r6, [sp + 24]
        stw     r7, [sp + 28]
        stw     r8, [sp + 32]
        stw     r9, [sp + 36]
        stw     r10, [sp + 40]
        stw     r11, [sp + 44]
        stw     r12, [sp + 48]
        stw     r13, [sp + 52]
        stw     lr, [sp + 56]
        mfcr    r1, scratch
        stw     r1, [sp + 60]
        mfcr    r1, spc
        stw     r1, [sp + T_PC]
        mfcr    r1, sflags
        stw     r1, [sp + T_FLAGS]
        mov     r8, sp                  ; r8 = this task's record
        la      sp, kernel_stack_top
        mfcr    r2, cause
        cmpi    r2, CAUSE_SYSCALL
        beq     .sys
        cmpi    r2, CAUSE_IRQ_BASE + IRQ_TIMER
        bne     .stop
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1
        call    other
        jmp     resume
.sys:
        ldw     r1, [r8 + 4]
        stw     r1, [r8 + T_RESULT]
        movi    r1, 1
        stw     r1, [r8 + T_DONE]
        call    other
        ldw     r2, [r1 + T_DONE]
        cmpi    r2, 0
        beq     resume
        la      r1, task_a_record       ; both done: print the results
        ldw     r1, [r1 + T_RESULT]
        call    put_dec
        call    newline
        la      r1, task_b_record
        ldw     r1, [r1 + T_RESULT]
        call    put_dec
        call    newline
.stop:
        hlt

; other: r1 = the record of the task to run after the one in r8: the other one, unless it
; is done.
other:
        la      r1, task_a_record
        cmp     r1, r8
        bne     .check
        la      r1, task_b_record
.check:
        ldw     r2, [r1 + T_DONE]
        cmpi    r2, 0
        beq     .go
        mov     r1, r8
.go:
        ret

; resume: run the task whose record is r1, from its record.
resume:
        la      r2, current
        stw     r1, [r2]
        mov     sp, r1
        ldw     r1, [sp + T_PC]
        mtcr    spc, r1
        ldw     r1, [sp + T_FLAGS]
        mtcr    sflags, r1
        ldw     r0, [sp + 0]
        ldw     r1, [sp + 4]
        ldw     r2, [sp + 8]
        ldw     r3, [sp + 12]
        ldw     r4, [sp + 16]
        ldw     r5, [sp + 20]
        ldw     r6, [sp + 24]
        ldw     r7, [sp + 28]
        ldw     r8, [sp + 32]
        ldw     r9, [sp + 36]
        ldw     r10, [sp + 40]
        ldw     r11, [sp + 44]
        ldw     r12, [sp + 48]
        ldw     r13, [sp + 52]
        ldw     lr, [sp + 56]
        ldw     sp, [sp + 60]
        rfe

; ---- user mode ------------------------------------------------------------------------
; task_a: primes below PRIMES by trial division; progress_a = the count so far.
task_a:
        movi    r10, 0                  ; count
        la      r9, progress_a
        movi    r1, 2
.candidate:
        movi    r2, 2
.divide:
        mul     r3, r2, r2
        cmp     r3, r1
        bgt     .prime
        remu    r4, r1, r2
        cmpi    r4, 0
        beq     .composite
        addi    r2, r2, 1
        jmp     .divide
.prime:
        addi    r10, r10, 1
.composite:
        stw     r10, [r9]
        addi    r1, r1, 1
        li      r5, PRIMES
        cmp     r1, r5
        blt     .candidate
        mov     r1, r10
        sys

; task_b: the Collatz steps of 1..COLLATZ, added up; progress_b = the total so far.
task_b:
        movi    r10, 0                  ; total steps
        la      r9, progress_b
        movi    r1, 1
.start:
        mov     r2, r1
.step:
        cmpi    r2, 1
        beq     .done
        andi    r3, r2, 1
        cmpi    r3, 0
        beq     .even
        muli    r2, r2, 3
        addi    r2, r2, 1
        jmp     .counted
.even:
        shri    r2, r2, 1
.counted:
        addi    r10, r10, 1
        stw     r10, [r9]
        jmp     .step
.done:
        addi    r1, r1, 1
        li      r5, COLLATZ
        cmp     r1, r5
        ble     .start
        mov     r1, r10
        sys

.include "../attack/lib.s"

; ---- data: on the code's page with SHARED, else on a page of its own ------------------
.ifndef SHARED
        .align  4096
.endif
        .align  4
current:        .word   0
progress_a:     .word   0
progress_b:     .word   0
task_a_record:  .space  T_SIZE
task_b_record:  .space  T_SIZE
        .align  4
        .space  256
kernel_stack_top:
