; sched.s - the run queue's scan and the context switch of tinyos and of the host OS
; (guests/host/hostos.s): the task table is the run queue, round robin. The includer defines
; the TCB (TCB_*, TASK_RUNNABLE), `tasks`, `tasks_end`, NTASKS and `current_tcb`.

; pick_next: r1 = the next runnable TCB after the current one (the current one last), or 0
; if no task is runnable. Clobbers r1..r5.
pick_next:
        la      r2, current_tcb
        ldw     r2, [r2]
        cmpi    r2, 0
        bne     .scan
        la      r2, tasks_end           ; no current task: start the scan at the first
        subi    r2, r2, TCB_SIZE
.scan:
        la      r3, tasks
        la      r4, tasks_end
        movi    r5, NTASKS
.next:
        addi    r2, r2, TCB_SIZE
        cmp     r2, r4
        bltu    .check
        mov     r2, r3                  ; wrap around
.check:
        ldw     r1, [r2 + TCB_STATE]
        cmpi    r1, TASK_RUNNABLE
        beq     .found
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .next
        movi    r1, 0
        ret
.found:
        mov     r1, r2
        ret

; load_context: make the TCB at r1 the current task: switch to its address space (unless it
; is the current task already: its space is loaded) and copy its saved context into the
; frame at r2. Clobbers r0..r7.
load_context:
        la      r3, current_tcb
        ldw     r4, [r3]
        stw     r1, [r3]
        mov     r5, r2                  ; r5 = the frame
        mov     r6, r1                  ; r6 = the TCB
        cmp     r4, r1
        beq     .loaded
        ldw     r3, [r6 + TCB_ASID]
        ldw     r4, [r6 + TCB_UROOT]
        ldw     r7, [r6 + TCB_PTBR]
        set_address_space r7, r4, r3    ; the kernel half of every address space is the same
.loaded:
        mov     r1, r5
        addi    r2, r6, TCB_FRAME
        movi    r3, FRAME_SIZE
        jmp     copy_words              ; tail call
