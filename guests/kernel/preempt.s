; preempt.s - the time slice's end in tinyos and in the host OS (guests/host/hostos.s):
; included where each kernel keeps its scheduler, which defines `schedule` (r1 = the frame).

; preempt: r1 = frame of the current task. Save its context and switch to the next
; runnable task (possibly itself). For the timer and for yield. Clobbers r0..r7.
preempt:
        push    lr
        push    r8
        mov     r8, r1
        mov     r2, r1                  ; save the frame into the current TCB
        la      r1, current_tcb
        ldw     r1, [r1]
        addi    r1, r1, TCB_FRAME
        movi    r3, FRAME_SIZE
        call    copy_words
        mov     r1, r8
        call    schedule
        pop     r8
        pop     lr
        ret
