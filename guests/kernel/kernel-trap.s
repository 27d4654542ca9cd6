; kernel-trap.s - the panic of tinyos and of the host OS (guests/host/hostos.s) when the
; kernel itself traps; included after each one's trap_dispatch.

; kernel_trap: r1 = frame, r2 = cause of a trap taken in supervisor mode (not an
; interrupt): a kernel bug. Prints msg_panic ("tinyos: panic: ", "host: panic: "), the cause
; and the pc, and halts.
kernel_trap:
        mov     r8, r1
        mov     r9, r2
        la      r1, msg_panic
        call    puts
        mov     r1, r9
        call    put_cause
        la      r1, msg_at
        call    puts
        ldw     r1, [r8 + F_PC]
        call    put_hex
        la      r1, msg_newline
        call    puts
        jmp     halt_forever
