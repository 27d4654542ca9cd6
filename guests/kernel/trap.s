; trap.s - the trap entry and return of tinyos and of the host OS (guests/host/hostos.s),
; included where each kernel keeps its traps. The includer defines the trap frame (F_*,
; FRAME_SIZE), kstack_top and trap_dispatch (r1 = the frame).

; trap_entry: the trap vector (tvec). The CPU has saved pc and FLAGS in spc/sflags and runs
; in supervisor mode with IE clear, on whatever sp was interrupted: a task's user sp, or the
; kernel's own. TOY32 has no instruction that swaps a register with a control register, so
; the `scratch` control register is the one spare place that lets the handler free a
; register: the interrupted sp is parked there, and sp then finds the kernel stack:
;   - from user mode: the top of the kernel stack (empty: tasks never sleep in the kernel);
;   - from the kernel (an interrupt while it waits with IE set): below the interrupted sp.
; Then every register goes into a trap frame on that stack (sp slot from scratch), and
; trap_dispatch handles the trap. trap_return restores the frame, which a task switch may
; have replaced with another task's context, and returns with rfe.
trap_entry:
        trap_park_sp                    ; park the interrupted sp; sp is free now
        trap_read sp, SFLAGS
        andi    sp, sp, FLAG_S
        cmpi    sp, 0
        beq     .from_user
        trap_parked_sp sp               ; from the kernel: stay on its stack
        jmp     .save
.from_user:
        la      sp, kstack_top
        ldw     sp, [sp]                ; from a task: the top of the kernel stack
.save:
        subi    sp, sp, FRAME_SIZE
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
        stw     lr, [sp + F_LR]
        trap_parked_sp r1
        stw     r1, [sp + F_SP]
        trap_read r1, SPC
        stw     r1, [sp + F_PC]
        trap_read r1, SFLAGS
        stw     r1, [sp + F_FLAGS]
        mov     r1, sp
        call    trap_dispatch
trap_return:
        ldw     r1, [sp + F_PC]
        ldw     r2, [sp + F_FLAGS]
        ldw     r0, [sp + 0]
        trap_set_return r1, r2, r3      ; rfe resumes at F_PC with F_FLAGS (and this r0)
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
        ldw     lr, [sp + F_LR]
        ldw     sp, [sp + F_SP]
        return_from_trap
