; hostos.s - the host operating system of `--host hosted` (docs/topologies.md).
;
; A small real kernel that owns the machine: it boots first, turns paging on, drives the
; physical timer, disk and terminal lines, and time-shares the CPU between two user
; processes, round robin on its timer:
;   - vmm: the VMM's process (VMware's VMX). Its system call SYS_VMRUN makes the kernel's
;     VMM driver write the vmmon port: the CPU switches to the VMM's world, which runs the
;     guests until this kernel's timer is due, or until a guest's device needs the host.
;     Then the VMM process makes the host system call SYS_HOSTIO for the request the VMM
;     wrote into its request page (a disk read or write on the guest's disk file, a console
;     line to the guest's terminal line), and asks to run again;
;   - app: a host application, busy (it computes for ever) or idle (it waits for ever), as
;     the boot-info page says (--host-app).
; When the VMM process exits (every guest has ended), the host shuts down. The disk driver
; blocks the calling process until the disk's interrupt: the other process runs meanwhile.
;
; The kernel is trusted: it maps all of its own memory, and could map the guests' (above
; its own, in frames the VMM owns) but never does. Its processes see only their own pages.
;
; Boot: entered with paging off, supervisor mode, IE clear, r1 = sp = the boot-info page
; (host.inc, HI_*), at the top of the host OS's memory.
;
; --host-fault N: at its N-th timer tick the kernel reads address 0 (never mapped): a
; kernel page fault, so it panics and halts, and every guest with it.

.include "../include/paravirt.inc"
.include "../include/host.inc"

; ---- constants (and kernel.inc's, shared with tinyos) --------------------------------

.include "../kernel/kernel.inc"
.equ IO_VA, 0x800000                    ; the VMM process's request page, then its data page
.equ KERNEL_LINES, (1 << IRQ_TIMER) | (1 << IRQ_DISK)

; system calls (number in r0)
.equ SYS_EXIT, 3
.equ SYS_VMRUN, 4                       ; r0 = why the VMM gave the CPU back (VMMON_*)
.equ SYS_HOSTIO, 5                      ; carry out the request in the request page
.equ SYS_PAUSE, 6                       ; wait for ever

.equ TCB_REQ, TCB_FRAME + FRAME_SIZE    ; the VMM process's request page (physical), or 0
.equ TCB_SIZE, TCB_REQ + 4
.equ NTASKS, 2

; the boot-info words kept (copied before paging: the page itself is not mapped)
.equ INFO_WORDS, (HI_PARTITIONS + HI_MAX_GUESTS * 8) / 4

; ---- boot ----------------------------------------------------------------------------

        .org    KERNEL_BASE

start:
        mov     r8, r1                  ; r8 = the boot-info page
        ldw     r2, [r8 + HI_MAGIC]
        li      r3, HI_MAGIC_VALUE
        cmp     r2, r3
        beq     .info_ok
        la      r1, why_no_info
        jmp     panic
.info_ok:
        la      r1, info
        mov     r2, r8
        li      r3, INFO_WORDS * 4
        call    copy_words
        la      r1, trap_entry
        mtcr    tvec, r1
        la      r1, kstack_top
        stw     sp, [r1]                ; the kernel stack ends below the boot-info page
        li      r2, KSTACK_SIZE
        sub     r2, sp, r2
        la      r1, frame_limit
        stw     r2, [r1]
        la      r1, msg_booting
        call    puts
        call    init_paging
        la      r1, vmm_spec
        la      r2, tasks
        movi    r3, 1
        call    create_task
        call    map_request_pages
        la      r1, app_specs           ; the application the boot info names
        la      r2, info
        ldw     r2, [r2 + HI_APP]
        cmpi    r2, HI_APP_BUSY
        bne     .app
        addi    r1, r1, SPEC_SIZE
.app:
        la      r2, tasks + TCB_SIZE
        movi    r3, 2
        call    create_task
        la      r1, msg_started
        call    puts
        la      r1, tasks + TCB_SIZE
        ldw     r1, [r1 + TCB_NAME]
        call    puts
        la      r1, msg_newline
        call    puts
        li      r1, ~KERNEL_LINES
        out     PIC_MASK, r1
        la      r1, info
        ldw     r1, [r1 + HI_TIMER]
        out     TIMER_PERIOD, r1
        ; leave the boot code for good: the first process starts as a trap returns
        la      r1, kstack_top
        ldw     sp, [r1]
        subi    sp, sp, FRAME_SIZE
        mov     r1, sp
        call    schedule
        jmp     trap_return

; map_request_pages: give the VMM process (the first TCB) its request page and data page,
; mapped at IO_VA in its address space, and write the data page's address into the
; request page (REQ_DATA_PA). Clobbers r1..r7.
map_request_pages:
        push    lr
        push    r8
        push    r9
        la      r8, tasks
        call    alloc_frame
        stw     r1, [r8 + TCB_REQ]
        mov     r9, r1                  ; r9 = the request page
        ori     r3, r1, PTE_V | PTE_W | PTE_U
        ldw     r1, [r8 + TCB_PTBR]
        shri    r1, r1, 12              ; the directory: ptbr without its bits
        shli    r1, r1, 12
        li      r2, IO_VA
        call    map_page
        call    alloc_frame
        stw     r1, [r9 + REQ_DATA_PA]
        ori     r3, r1, PTE_V | PTE_W | PTE_U
        ldw     r1, [r8 + TCB_PTBR]
        shri    r1, r1, 12              ; the directory: ptbr without its bits
        shli    r1, r1, 12
        li      r2, IO_VA + PAGE_SIZE
        call    map_page
        pop     r9
        pop     r8
        pop     lr
        ret

; ---- traps (trap.s: the interrupted sp parked in scratch, a frame on the kernel stack) ----

.include "../kernel/trap.s"

; trap_dispatch: r1 = the trap frame.
trap_dispatch:
        mfcr    r2, cause
        cmpi    r2, CAUSE_IRQ_BASE
        bge     .interrupt
        ldw     r3, [r1 + F_FLAGS]
        andi    r3, r3, FLAG_S
        cmpi    r3, 0
        bne     kernel_trap
        cmpi    r2, CAUSE_SYSCALL
        beq     syscall
        movi    r3, 0                   ; any other trap in a process: kill it
        jmp     kill_current
.interrupt:
        subi    r2, r2, CAUSE_IRQ_BASE
        cmpi    r2, IRQ_TIMER
        beq     timer_interrupt
        cmpi    r2, IRQ_DISK
        beq     disk_interrupt
        out     PIC_ACK, r2
        ret

.include "../kernel/kernel-trap.s"         ; (--host-fault makes the kernel trap)

; timer_interrupt: r1 = frame. A tick: count it (--host-fault), and if it interrupted a
; process, its time slice is over.
timer_interrupt:
        movi    r2, IRQ_TIMER
        out     PIC_ACK, r2
        la      r3, ticks
        ldw     r2, [r3]
        addi    r2, r2, 1
        stw     r2, [r3]
        la      r4, info
        ldw     r4, [r4 + HI_FAULT_TICK]
        cmp     r2, r4
        bne     .no_fault
        movi    r0, 0
        ldw     r0, [r0]                ; the injected fault: address 0 is never mapped
.no_fault:
        ldw     r2, [r1 + F_FLAGS]
        andi    r2, r2, FLAG_S
        cmpi    r2, 0
        beq     preempt
        ret                             ; it interrupted the kernel's idle wait

; disk_interrupt: r1 = frame. The transfer of the waiting process ended: its status goes
; into the process's request page, and the process runs again.
disk_interrupt:
        movi    r2, IRQ_DISK
        out     PIC_ACK, r2
        la      r3, disk_waiter
        ldw     r4, [r3]
        cmpi    r4, 0
        beq     .none
        movi    r2, 0
        stw     r2, [r3]
        in      r2, DISK_STATUS
        ldw     r3, [r4 + TCB_REQ]
        stw     r2, [r3 + REQ_STATUS]
        movi    r2, TASK_RUNNABLE
        stw     r2, [r4 + TCB_STATE]
.none:
        ret

; ---- system calls --------------------------------------------------------------------

syscall:
        ldw     r2, [r1 + F_R0]
        cmpi    r2, SYS_VMRUN
        beq     sys_vmrun
        cmpi    r2, SYS_HOSTIO
        beq     sys_hostio
        cmpi    r2, SYS_PAUSE
        beq     sys_pause
        cmpi    r2, SYS_EXIT
        beq     sys_exit
        movi    r2, CAUSE_SYSCALL
        la      r3, why_bad_syscall
        jmp     kill_current

; sys_vmrun: r1 = frame. The VMM driver: switch to the VMM's world with the caller's
; request page; r0 = why it came back.
sys_vmrun:
        la      r2, current_tcb
        ldw     r2, [r2]
        ldw     r2, [r2 + TCB_REQ]
        cmpi    r2, 0
        beq     not_vmm
        out     VMMON_RUN, r2           ; the world switch: the guests run here
        in      r2, VMMON_STATUS
        stw     r2, [r1 + F_R0]
        ret
not_vmm:
        movi    r2, CAUSE_SYSCALL
        la      r3, why_not_vmm
        jmp     kill_current

; sys_hostio: r1 = frame. Carry out the request in the caller's request page: a console
; line to a guest's terminal line, or a disk transfer on a guest's partition (the caller
; waits for it).
sys_hostio:
        la      r2, current_tcb
        ldw     r2, [r2]
        ldw     r3, [r2 + TCB_REQ]      ; r3 = the request page
        cmpi    r3, 0
        beq     not_vmm
        ldw     r4, [r3 + REQ_FD]
        la      r5, info
        ldw     r5, [r5 + HI_GUESTS]
        cmp     r4, r5
        bgeu    .bad_fd
        ldw     r5, [r3 + REQ_OP]
        cmpi    r5, REQ_CONSOLE_WRITE
        beq     .console
        cmpi    r5, REQ_DISK_READ
        beq     .disk
        cmpi    r5, REQ_DISK_WRITE
        beq     .disk
        movi    r5, DISK_BAD_COMMAND
        stw     r5, [r3 + REQ_STATUS]
        ret
.bad_fd:
        movi    r5, DISK_BAD_SECTOR     ; no such guest: no such file
        stw     r5, [r3 + REQ_STATUS]
        ret
.console:
        addi    r4, r4, 1
        out     LINES_LINE, r4          ; the guest's terminal line
        ldw     r4, [r3 + REQ_COUNT]
        li      r5, PAGE_SIZE
        cmp     r4, r5
        bleu    .count_ok
        mov     r4, r5
.count_ok:
        stw     r4, [r3 + REQ_STATUS]
        ldw     r5, [r3 + REQ_DATA_PA]
        add     r4, r5, r4              ; r4 = end of the bytes
.byte:
        cmp     r5, r4
        bgeu    .written
        ldb     r6, [r5]
        out     LINES_DATA, r6
        addi    r5, r5, 1
        jmp     .byte
.written:
        ret
.disk:
        ldw     r6, [r3 + REQ_COUNT]
        subi    r7, r6, 1
        cmpi    r7, REQ_MAX_SECTORS - 1
        bleu    .count
        movi    r5, DISK_BAD_COMMAND
        stw     r5, [r3 + REQ_STATUS]
        ret
.count:
        la      r7, info + HI_PARTITIONS
        shli    r4, r4, 3
        add     r7, r7, r4              ; r7 = the guest's partition: first sector, sectors
        ldw     r4, [r3 + REQ_SECTOR]
        add     r0, r4, r6              ; past the partition's end: refused
        cmp     r0, r4
        bltu    .bad_sector
        ldw     r0, [r7 + 4]
        add     r4, r4, r6
        cmp     r4, r0
        bgtu    .bad_sector
        ldw     r4, [r3 + REQ_SECTOR]
        ldw     r0, [r7]
        add     r4, r4, r0
        out     DISK_SECTOR, r4
        ldw     r4, [r3 + REQ_DATA_PA]
        out     DISK_ADDRESS, r4
        out     DISK_COUNT, r6
        out     DISK_COMMAND, r5        ; REQ_DISK_READ and _WRITE are the disk's commands
        la      r4, disk_waiter
        stw     r2, [r4]
        movi    r4, TASK_BLOCKED        ; wait for the disk's interrupt; others run
        stw     r4, [r2 + TCB_STATE]
        jmp     preempt
.bad_sector:
        movi    r5, DISK_BAD_SECTOR
        stw     r5, [r3 + REQ_STATUS]
        ret

; sys_pause: r1 = frame. Wait for ever (the idle application).
sys_pause:
        la      r2, current_tcb
        ldw     r2, [r2]
        movi    r3, TASK_BLOCKED
        stw     r3, [r2 + TCB_STATE]
        jmp     preempt

; sys_exit: r1 = frame. A process ends; when it is the VMM's, the host shuts down.
sys_exit:
        la      r2, current_tcb
        ldw     r2, [r2]
        ldw     r3, [r2 + TCB_REQ]
        cmpi    r3, 0
        bne     shutdown
        jmp     end_current

shutdown:
        la      r1, msg_shutdown
        call    puts
        jmp     halt_forever

; kill_current: r1 = frame, r2 = cause, r3 = reason string or 0. "host: process <name>
; killed: <reason>"; a killed VMM process takes the host down with it.
kill_current:
        push    lr
        push    r8
        push    r9
        mov     r8, r1
        mov     r9, r3
        la      r1, msg_process
        call    puts
        la      r1, current_tcb
        ldw     r1, [r1]
        ldw     r1, [r1 + TCB_NAME]
        call    puts
        la      r1, msg_killed
        call    puts
        mov     r1, r9
        cmpi    r1, 0
        bne     .reason
        la      r1, why_fault
.reason:
        call    puts
        la      r1, msg_newline
        call    puts
        mov     r1, r8
        pop     r9
        pop     r8
        pop     lr
        jmp     sys_exit

; ---- scheduler (round robin over the process table) -----------------------------------

make_runnable:
        movi    r3, TASK_RUNNABLE
        stw     r3, [r1 + TCB_STATE]
        ret

end_current:
        la      r3, current_tcb
        ldw     r3, [r3]
        movi    r4, TASK_DONE
        stw     r4, [r3 + TCB_STATE]
        jmp     schedule

.include "../kernel/preempt.s"

; schedule: r1 = the trap frame. Load the next runnable process into it. With none
; runnable, the kernel waits for an interrupt (a disk completion, a tick) with IE set.
schedule:
        push    lr
        push    r8
        mov     r8, r1
.again:
        call    pick_next
        cmpi    r1, 0
        bne     .found
        sti
        hlt
        cli
        jmp     .again
.found:
        mov     r2, r8
        call    load_context
        pop     r8
        pop     lr
        ret

.include "../kernel/sched.s"

; ---- the rest of the kernel, shared with tinyos ---------------------------------------

.include "../kernel/lib.s"
.include "../kernel/vm.s"

; ---- the processes' programs (copied into their own frames; position-independent) ----

; vmm_process: run the guests; carry out each request the VMM hands back; exit when every
; guest has ended.
vmm_process:
        movi    r0, SYS_VMRUN
        sys
        cmpi    r0, VMMON_REQUEST
        bne     .not_request
        movi    r0, SYS_HOSTIO
        sys
        jmp     vmm_process
.not_request:
        cmpi    r0, VMMON_DONE
        bne     vmm_process             ; preempted: ask again
        movi    r0, SYS_EXIT
        sys
vmm_process_end:

app_idle:
        movi    r0, SYS_PAUSE
        sys
        jmp     app_idle
app_idle_end:

.ifdef SNOOP_APP
; (guests/attack/host-snoop.s) the busy application reads the guests' memory instead: the
; VMM's frames for them start where the host OS's memory ends. A process sees only what the
; kernel maps for it, so its first load faults and the kernel kills it.
app_busy:
        li      r1, HOST_OS_END
.snoop:
        ldw     r2, [r1]
        li      r3, PAGE_SIZE
        add     r1, r1, r3
        jmp     .snoop
app_busy_end:
.else
app_busy:
        addi    r1, r1, 1
        jmp     app_busy
app_busy_end:
.endif

; ---- read-only data ------------------------------------------------------------------

        .align  4
vmm_spec:       .word   name_vmm, vmm_process, vmm_process_end, 0, 0
app_specs:      .word   name_idle, app_idle, app_idle_end, 0, 0
                .word   name_busy, app_busy, app_busy_end, 0, 0

.include "../kernel/causes.s"

name_vmm:       .asciz  "vmm"
name_idle:      .asciz  "idle"
name_busy:      .asciz  "busy"

msg_booting:    .asciz  "host: booting\n"
msg_started:    .asciz  "host: started the VMM process and the application "
msg_shutdown:   .asciz  "host: the VMM process exited: shutting down\n"
msg_process:    .asciz  "host: process "
msg_killed:     .asciz  " killed: "
msg_panic:      .asciz  "host: panic: "
msg_at:         .asciz  " at "
msg_newline:    .asciz  "\n"
why_no_info:    .asciz  "no boot-info page (r1)"
why_no_memory:  .asciz  "out of memory"
why_bad_syscall: .asciz "bad system call"
why_not_vmm:    .asciz  "only the VMM process may run guests"
why_fault:      .asciz  "a fault"

; ---- kernel data ---------------------------------------------------------------------

        .align  PAGE_SIZE
kernel_data:
kstack_top:     .word   0
frame_limit:    .word   0
next_frame:     .word   kernel_end
kernel_pdir:    .word   0
current_tcb:    .word   0
disk_waiter:    .word   0               ; the process waiting for the disk, or 0
ticks:          .word   0               ; timer ticks so far
info:           .space  INFO_WORDS * 4  ; the boot-info page's words
tasks:          .space  NTASKS * TCB_SIZE
tasks_end:
        .align  PAGE_SIZE
kernel_end:
