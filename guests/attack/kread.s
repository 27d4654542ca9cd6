; kread.s - tinyos with a third user task that tries to read kernel memory.
;
; The kernel is mapped in every task's address space (the trap handler needs it there), but
; supervisor-only: its PTEs have U clear. So the load below takes a page fault (page-read)
; in user mode, and tinyos kills the task with
;     tinyos: task kread killed: page-read at 0x0040000c
; while tasks A and B run to completion. Under the VMM (--mode full) the shadow page
; tables keep the same protection: the guest's user view maps only its U pages.
;
; How: KREAD_TASK makes tinyos add a task "kread" running user_kread, a program this file
; supplies as the macro KREAD_PROGRAM (tinyos expands it among its user programs).

.equ KREAD_TASK, 1

.macro KREAD_PROGRAM
; user_kread: yield once (so A and B start first), then load a word from the kernel's
; entry point. If that ever succeeds, say so and exit.
user_kread:
        movi    r0, SYS_YIELD
        sys
        li      r3, start               ; a kernel address: mapped, supervisor only
        ldw     r4, [r3]                ; page fault: the kernel kills this task here
        li      r1, USER_BASE + (kread_leaked - user_kread)  ; the string, in the task's copy
        movi    r2, kread_leaked_end - kread_leaked
        movi    r0, SYS_WRITE
        sys
        movi    r0, SYS_EXIT
        sys
kread_leaked:
        .ascii  "kread: read kernel memory!\n"
kread_leaked_end:
        .align  4
user_kread_end:
.endm

.include "../kernel/tinyos.s"
