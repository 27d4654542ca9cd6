; tinyos.s - a small real kernel for the TOY32 machine.
;
; Runs on the bare machine (vmm run guests/kernel/tinyos.s --mode bare [--disk FILE]) and,
; unmodified, under the VMM (--mode full; --mode trap shows trap-and-emulate going wrong).
;
; What it does:
;   - installs its trap vector, builds page tables and turns paging on (the kernel is
;     identity-mapped, supervisor only);
;   - reads the first sector of the disk by DMA, waiting for the completion interrupt, and
;     prints its first line;
;   - runs user tasks, each in its own address space, preemptively (round robin on the
;     interval timer); system calls write, yield and exit; a task that faults is killed;
;   - when every task has ended, prints "tinyos: all tasks done" and halts.
;
; Interrupt-safe sections save and restore IE x86 style: getf rX; cli ... setf rX (pushf,
; cli, popf). Run deprivileged under trap-and-emulate, `setf` silently keeps IE (it does not
; trap in user mode), so the virtual IE is never restored. With a disk, the kernel's wait
; for the disk interrupt (hlt) then never wakes up: the VMM stops it and names that setf.
; Without a disk there is no such wait, and the damage shows instead as the tasks running in
; another order than on bare hardware (their first time slices are lost). That is the
; point; the kernel does not paper over it.
;
; Physical memory (1 MiB by default; the kernel uses at most the first 4 MiB):
;
;   0x00000000 +---------------------------+
;              | page 0: never mapped      |  (a null pointer faults)
;   0x00001000 +---------------------------+  KERNEL_BASE, entry `start`
;              | kernel code, user programs|
;              | (copied out to tasks),    |
;              | read-only data            |
;              +---------------------------+  kernel_data (page aligned)
;              | kernel variables, task    |
;              | control blocks, disk      |
;              | buffer                    |
;              +---------------------------+  kernel_end (page aligned)
;              | frame pool (grows up):    |
;              | page directories, page    |
;              | tables, tasks' code and   |
;              | stack frames              |
;              |            ...            |
;              +---------------------------+  frame_limit = kstack_top - KSTACK_SIZE
;              | kernel stack (grows down) |
;   kstack_top +---------------------------+  = sp at boot: top of memory (capped at 4 MiB)
;
; Every task's address space (own page directory):
;   0x00001000 .. kstack_top    the kernel, identity-mapped, supervisor only (shared table)
;   0x00400000 (USER_BASE)      the task's program, user read-only (its own frames)
;   next page                   the task's stack, user read-write; sp starts at its top
;
; Trap frame (on the kernel stack; also the saved context in a TCB): r0..r15 (the sp slot
; holds the interrupted sp), then pc and FLAGS as spc/sflags had them.

.include "../include/paravirt.inc"

; ---- constants (and kernel.inc's: the layout, the trap frame, the TCB) -----------------

.include "kernel.inc"
.equ TIMER_TICKS, 1000                  ; timer period: a time slice, in ticks
.equ KERNEL_LINES, (1 << IRQ_TIMER) | (1 << IRQ_DISK) ; the interrupt lines tinyos takes
.equ LINE_MAX, 60                       ; at most this much of the disk's first line

; system calls (number in r0)
.equ SYS_WRITE, 1                       ; r1 = buffer, r2 = length; r0 = length
.equ SYS_YIELD, 2
.equ SYS_EXIT, 3

.equ TCB_SIZE, TCB_FRAME + FRAME_SIZE

; ---- boot ----------------------------------------------------------------------------

        .org    KERNEL_BASE

; start: entered with paging off, supervisor mode, IE clear, sp = top of memory.
start:
        la      r1, trap_entry
        set_trap_entry r1
        li      r1, KMAP_LIMIT          ; the kernel stack stays inside what the kernel maps
        cmp     sp, r1
        bleu    .stack_ok
        mov     sp, r1
.stack_ok:
        la      r1, kstack_top
        stw     sp, [r1]
        li      r2, KSTACK_SIZE
        sub     r2, sp, r2
        la      r1, frame_limit
        stw     r2, [r1]
        la      r1, msg_booting
        call    puts
        la      r1, kernel_end          ; the kernel stack must not overlap the image
        la      r2, frame_limit         ; (panic uses no stack)
        ldw     r2, [r2]
        cmp     r2, r1
        bgeu    .memory_ok
        la      r1, why_no_memory
        jmp     panic
.memory_ok:
        call    init_paging
        la      r1, msg_paging
        call    puts
        call    init_interrupts
        call    read_disk
        call    create_tasks
        jmp     start_tasks

; init_interrupts: unmask the timer and disk lines, start the timer, enable interrupts.
; Clobbers r1.
init_interrupts:
        irq_lines_enable KERNEL_LINES
        timer_start TIMER_TICKS
        irq_enable
        ret

; read_disk: print the first line of disk sector 0 ("tinyos: disk: ..."), read by DMA into
; disk_buf with the completion interrupt; or "empty", or the error status. Expects IE set
; and the disk line unmasked. Clobbers r1..r7.
read_disk:
        push    lr
        disk_sectors r1
        cmpi    r1, 0
        bne     .present
        la      r1, msg_disk_empty
        call    puts
        pop     lr
        ret
.present:
        la      r3, disk_done
        movi    r1, 0
        stw     r1, [r3]
        disk_read disk_buf, 0, 1        ; sector 0, one sector, into disk_buf
        ; Wait for disk_interrupt to set disk_done. Test the flag with interrupts off, then
        ; put IE back and hlt until the next interrupt. (If the disk interrupt slips in
        ; between setf and hlt, the next timer tick ends the hlt: no lost wake-up.)
.wait:
        irq_save r5
        ldw     r4, [r3]
        cmpi    r4, 0
        bne     .done
        irq_restore r5
        wait_for_interrupt
        jmp     .wait
.done:
        irq_restore r5
        la      r1, disk_status
        ldw     r1, [r1]
        cmpi    r1, DISK_OK
        bne     .error
        la      r1, msg_disk
        call    puts
        la      r1, disk_buf            ; the first line: up to '\n', '\r' or NUL
        mov     r2, r1
        addi    r3, r1, LINE_MAX
.scan:
        cmp     r2, r3
        bgeu    .print
        ldb     r4, [r2]
        cmpi    r4, '\n'
        beq     .print
        cmpi    r4, '\r'
        beq     .print
        cmpi    r4, 0
        beq     .print
        addi    r2, r2, 1
        jmp     .scan
.print:
        sub     r2, r2, r1
        call    console_write
        jmp     .end
.error:
        push    r8
        mov     r8, r1                  ; r8 = the status
        la      r1, msg_disk_error
        call    puts
        mov     r1, r8
        call    put_dec
.ifdef PARAVIRT
        ; the front end's own words for what no disk says (paravirt.inc's ring statuses)
        la      r1, msg_no_backend
        cmpi    r8, RING_STATUS_NO_BACKEND
        beq     .why
        la      r1, msg_forged
        cmpi    r8, RING_STATUS_FORGED
        bne     .said
.why:
        call    puts
.said:
.endif
        pop     r8
.end:
        la      r1, msg_newline
        call    puts
        pop     lr
        ret

; create_tasks: build every task of task_specs (TCBs in `tasks`, asid 1, 2, ...).
; Clobbers r1..r7.
create_tasks:
        push    lr
        push    r8
        push    r9
        push    r10
        la      r8, task_specs
        la      r9, tasks
        movi    r10, 1
.next:
        la      r1, task_specs_end
        cmp     r8, r1
        bgeu    .done
        mov     r1, r8
        mov     r2, r9
        mov     r3, r10
        call    create_task
        addi    r8, r8, SPEC_SIZE
        addi    r9, r9, TCB_SIZE
        addi    r10, r10, 1
        jmp     .next
.done:
        la      r1, msg_starting
        call    puts
        li      r1, NTASKS
        call    put_dec
        la      r1, msg_tasks
        call    puts
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; start_tasks: leave the boot code for good: from here on the kernel runs only in traps.
; Switch to the first task by restoring its context from a frame at the top of the kernel
; stack, exactly as if returning from a trap.
start_tasks:
        irq_disable
        la      r1, kstack_top
        ldw     sp, [r1]
        subi    sp, sp, FRAME_SIZE
        mov     r1, sp
        call    schedule                ; no current task yet: picks the first one
        jmp     trap_return

; ---- traps ---------------------------------------------------------------------------

.include "trap.s"

; trap_dispatch: r1 = the trap frame. Sends the trap to its handler (each handler takes
; r1 = frame and returns to trap_return). May clobber every register: trap_return restores
; them from the frame.
trap_dispatch:
        trap_read r2, CAUSE
        cmpi    r2, CAUSE_IRQ_BASE
        bge     .interrupt
        ldw     r3, [r1 + F_FLAGS]
        andi    r3, r3, FLAG_S
        cmpi    r3, 0
        bne     kernel_trap             ; the kernel itself trapped: a kernel bug
        cmpi    r2, CAUSE_SYSCALL
        beq     syscall
        movi    r3, 0                   ; any other trap in a task is a fault: kill it
        jmp     kill_current
.interrupt:
        subi    r2, r2, CAUSE_IRQ_BASE
        cmpi    r2, IRQ_TIMER
        beq     timer_interrupt
        cmpi    r2, IRQ_DISK
        beq     disk_interrupt
        irq_ack r2, r3, r4              ; a line tinyos never unmasks: acknowledge, ignore
        ret

.include "kernel-trap.s"

; timer_interrupt: r1 = frame. Acknowledges the timer; if it interrupted a task, the task's
; time slice is over: switch to the next one. Clobbers r0..r7.
timer_interrupt:
        movi    r2, IRQ_TIMER
        irq_ack r2, r3, r4
        ldw     r2, [r1 + F_FLAGS]
        andi    r2, r2, FLAG_S
        cmpi    r2, 0
        beq     preempt                 ; tail call
        ret                             ; interrupted the kernel (boot): nothing to switch

; disk_interrupt: r1 = frame. A transfer ended: record its status, set disk_done,
; acknowledge the line. Clobbers r2..r4.
disk_interrupt:
        disk_status r2, r3
        la      r3, disk_status
        stw     r2, [r3]
        movi    r2, 1
        la      r3, disk_done
        stw     r2, [r3]
        movi    r2, IRQ_DISK
        irq_ack r2, r3, r4
        ret

; ---- system calls --------------------------------------------------------------------

; syscall: r1 = frame of a `sys` from a task (r0 = number). Clobbers r0..r7.
syscall:
        ldw     r2, [r1 + F_R0]
        cmpi    r2, SYS_WRITE
        beq     sys_write
        cmpi    r2, SYS_YIELD
        beq     preempt
        cmpi    r2, SYS_EXIT
        beq     sys_exit
        movi    r2, CAUSE_SYSCALL
        la      r3, why_bad_syscall
        jmp     kill_current

; sys_write: r1 = frame. Writes the task's buffer [r1, r1 + r2) to the console and returns
; r0 = r2, after checking the buffer lies inside the task's user range (else kills it). The
; task's address space is the current one, so the kernel reads the buffer at its user
; address. Clobbers r1..r7.
sys_write:
        push    lr
        push    r8
        mov     r8, r1
        ldw     r1, [r8 + F_R1]
        ldw     r2, [r8 + F_R2]
        li      r3, USER_BASE
        cmp     r1, r3
        bltu    .bad                    ; below the user range
        add     r3, r1, r2
        cmp     r3, r1
        bltu    .bad                    ; wraps around the address space
        la      r4, current_tcb
        ldw     r4, [r4]
        ldw     r4, [r4 + TCB_UEND]
        cmp     r3, r4
        bgtu    .bad                    ; ends past the user range
        call    console_write
        ldw     r1, [r8 + F_R2]
        stw     r1, [r8 + F_R0]
        pop     r8
        pop     lr
        ret
.bad:
        mov     r1, r8
        movi    r2, CAUSE_SYSCALL
        la      r3, why_bad_buffer
        pop     r8
        pop     lr
        jmp     kill_current

; sys_exit: r1 = frame. Prints "tinyos: task <name> exited", ends the task and switches to
; the next one. Clobbers r0..r7.
sys_exit:
        push    lr
        push    r8
        mov     r8, r1
        la      r1, msg_task
        call    puts
        call    put_current_name
        la      r1, msg_exited
        call    puts
        mov     r1, r8
        call    end_current
        pop     r8
        pop     lr
        ret

; kill_current: r1 = frame, r2 = cause, r3 = reason string or 0 (then the cause's name).
; Prints "tinyos: task <name> killed: <reason> at <pc>", ends the task and switches to the
; next one. The pc is the instruction's own: for a fault the saved pc is the faulting
; instruction; after sys, brk and hcall it is the next one, so 4 is taken off.
; Clobbers r0..r7.
kill_current:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r1
        mov     r9, r2
        mov     r10, r3
        la      r1, msg_task
        call    puts
        call    put_current_name
        la      r1, msg_killed
        call    puts
        mov     r1, r10
        cmpi    r10, 0
        bne     .reason
        mov     r1, r9
        call    put_cause
        jmp     .at
.reason:
        call    puts
.at:
        la      r1, msg_at
        call    puts
        ldw     r1, [r8 + F_PC]
        cmpi    r9, CAUSE_SYSCALL
        beq     .after
        cmpi    r9, CAUSE_BREAKPOINT
        beq     .after
        cmpi    r9, CAUSE_HYPERCALL
        bne     .pc
.after:
        subi    r1, r1, 4               ; saved pc = next instruction: report this one
.pc:
        call    put_hex
        la      r1, msg_newline
        call    puts
        mov     r1, r8
        call    end_current
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; put_current_name: write the current task's name. Clobbers r1..r4.
put_current_name:
        la      r1, current_tcb
        ldw     r1, [r1]
        ldw     r1, [r1 + TCB_NAME]
        jmp     puts

; ---- scheduler -----------------------------------------------------------------------
; The run queue is the task table: a task is on it while its state is TASK_RUNNABLE, and
; the scheduler takes the next runnable task after the current one, round robin. Each
; change to it is an interrupt-safe section (getf / cli ... setf).

; make_runnable: put the TCB at r1 on the run queue. Clobbers r2, r3.
make_runnable:
        irq_save r2
        movi    r3, TASK_RUNNABLE
        stw     r3, [r1 + TCB_STATE]
        irq_restore r2
        ret

; end_current: r1 = frame. Take the current task off the run queue for good, then switch
; to the next task (see schedule). Clobbers r0..r7.
end_current:
        irq_save r2
        la      r3, current_tcb
        ldw     r3, [r3]
        movi    r4, TASK_DONE
        stw     r4, [r3 + TCB_STATE]
        irq_restore r2
        jmp     schedule                ; tail call

.include "preempt.s"

; schedule: r1 = the trap frame. Pick the next runnable task and load its context into the
; frame, its address space into ptbr/asid; trap_return then resumes it. When no task is
; left, print "tinyos: all tasks done" and halt. Clobbers r0..r7.
schedule:
        push    lr
        push    r8
        push    r9
        mov     r8, r1
        irq_save r9
        call    pick_next
        cmpi    r1, 0
        beq     all_done
        mov     r2, r8
        call    load_context
        irq_restore r9
        pop     r9
        pop     r8
        pop     lr
        ret

; all_done: every task has ended.
all_done:
        la      r1, msg_all_done
        call    puts
        jmp     halt_forever

.include "sched.s"

; ---- the rest of the kernel's code ---------------------------------------------------

.include "lib.s"
.include "vm.s"
.include "user.s"
.include "../include/paravirt.s"
.ifdef KREAD_TASK
        KREAD_PROGRAM                   ; an extra user program (macro from the includer)
.endif

; ---- read-only data ------------------------------------------------------------------

        .align  4
; task_specs: the tasks to run: name, program [start, end), initial r1 and r2.
task_specs:
        .word   name_a, user_counter, user_counter_end, 'A', 1500
        .word   name_b, user_counter, user_counter_end, 'B', 2600
.ifdef KREAD_TASK
        .word   name_kread, user_kread, user_kread_end, 0, 0
.endif
task_specs_end:
.equ NTASKS, (task_specs_end - task_specs) / SPEC_SIZE

.include "causes.s"

name_a:         .asciz  "A"
name_b:         .asciz  "B"
name_kread:     .asciz  "kread"

msg_booting:    .asciz  "tinyos: booting\n"
msg_paging:     .asciz  "tinyos: paging on\n"
msg_disk:       .asciz  "tinyos: disk: "
msg_disk_empty: .asciz  "tinyos: disk: empty\n"
msg_disk_error: .asciz  "tinyos: disk: error "
.ifdef PARAVIRT
msg_no_backend: .asciz  " (no back end: guest 0 is gone)"
msg_forged:     .asciz  " (a forged response: its id is not the request's)"
.endif
msg_starting:   .asciz  "tinyos: starting "
msg_tasks:      .asciz  " tasks\n"
msg_task:       .asciz  "tinyos: task "
msg_exited:     .asciz  " exited\n"
msg_killed:     .asciz  " killed: "
msg_at:         .asciz  " at "
msg_all_done:   .asciz  "tinyos: all tasks done\n"
msg_panic:      .asciz  "tinyos: panic: "
msg_newline:    .asciz  "\n"
why_bad_buffer: .asciz  "bad write buffer"
why_bad_syscall: .asciz "bad system call"
why_no_memory:  .asciz  "out of memory"

; ---- kernel data (a page of its own: writes never hit a page that holds code) ------------

        .align  PAGE_SIZE
kernel_data:
kstack_top:     .word   0               ; top of the kernel stack (sp at boot)
frame_limit:    .word   0               ; end of the frame pool
next_frame:     .word   kernel_end      ; next free frame
kernel_pdir:    .word   0               ; the kernel's page directory
current_tcb:    .word   0               ; the running task's TCB, 0 before the first
disk_done:      .word   0               ; set by disk_interrupt
disk_status:    .word   0               ; DISK_STATUS at the end of the last transfer

tasks:          .space  NTASKS * TCB_SIZE
tasks_end:
        .align  SECTOR_SIZE             ; (a paravirtual front end grants whole sectors)
disk_buf:       .space  SECTOR_SIZE
        .align  PAGE_SIZE
kernel_end:
