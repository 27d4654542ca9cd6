; pv-calls.s - a paravirtual guest that makes hypercalls that do not exist, and ones with
; arguments out of range.
;
; Attacks: the hypercall number and every argument are the guest's: it calls numbers 2, 99,
; -1 and 0x7fffffff; a multicall holding a multicall, an iret and an unknown call; console
; writes with command 7, with 5000 and -1 bytes, from a buffer that is not mapped and from
; one that runs into unmapped memory; scheduler command 9 and shutdown reason 7;
; update_va_mapping with flags 4; trap and event entries that are not multiples of 4.
;
; What must happen: ENOSYS for the numbers that do not exist (and in the multicall's result
; word for the unknown call), EINVAL for the nested multicall, the nested iret and every
; argument out of range, EFAULT for the console buffers it cannot read (not a byte of them
; written). A well-behaved guest beside it runs exactly as alone.
;
; Expected console output (para, 1 MiB): pv-calls.expected; status halted.

.include "../include/paravirt.inc"

.equ LIST, 0x80000

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        movi    r0, 2
        la      r5, msg_2
        call    hc
        movi    r0, 99
        la      r5, msg_99
        call    hc
        movi    r0, -1
        la      r5, msg_neg
        call    hc
        li      r0, 0x7fffffff
        la      r5, msg_max
        call    hc
        ; a multicall: {multicall}, {iret}, {99}
        li      r1, LIST
        movi    r2, HC_MULTICALL
        stw     r2, [r1]
        movi    r2, HC_IRET
        stw     r2, [r1 + 24]
        movi    r2, 99
        stw     r2, [r1 + 48]
        movi    r0, HC_MULTICALL
        movi    r2, 3
        la      r5, msg_multi
        call    hc
        li      r10, LIST
        ldw     r9, [r10 + 20]
        la      r1, msg_multi1
        call    show_result
        ldw     r9, [r10 + 44]
        la      r1, msg_multi2
        call    show_result
        ldw     r9, [r10 + 68]
        la      r1, msg_multi3
        call    show_result
        ; console
        movi    r0, HC_CONSOLE_IO
        movi    r1, 7
        movi    r2, 1
        la      r3, msg_title
        la      r5, msg_con_cmd
        call    hc
        movi    r0, HC_CONSOLE_IO
        movi    r1, CONSOLEIO_WRITE
        li      r2, 5000
        la      r3, msg_title
        la      r5, msg_con_big
        call    hc
        movi    r0, HC_CONSOLE_IO
        movi    r1, CONSOLEIO_WRITE
        movi    r2, -1
        la      r3, msg_title
        la      r5, msg_con_neg
        call    hc
        movi    r0, HC_CONSOLE_IO
        movi    r1, CONSOLEIO_WRITE
        movi    r2, 16
        li      r3, 0x7ff00000
        la      r5, msg_con_unmapped
        call    hc
        movi    r0, HC_CONSOLE_IO
        movi    r1, CONSOLEIO_WRITE
        movi    r2, 64
        li      r3, PV_BLK_RING + 0xff0 ; 16 bytes mapped, then the end of the address space
        la      r5, msg_con_runs_off
        call    hc
        ; scheduler and mapping
        movi    r0, HC_SCHED_OP
        movi    r1, 9
        la      r5, msg_sched
        call    hc
        movi    r0, HC_SCHED_OP
        movi    r1, SCHEDOP_SHUTDOWN
        movi    r2, 7
        la      r5, msg_reason
        call    hc
        movi    r0, HC_UPDATE_VA_MAPPING
        li      r1, LIST
        movi    r2, 0
        movi    r3, 4
        la      r5, msg_flags
        call    hc
        movi    r0, HC_SET_TRAP_TABLE
        li      r1, 0x1002
        la      r5, msg_tvec
        call    hc
        movi    r0, HC_SET_CALLBACKS
        li      r1, 0x1001
        la      r5, msg_callback
        call    hc
        halt

; hc: hypercall r0 with r1..r3 as set; show the result under label r5.
hc:
        push    lr
        hcall
        mov     r9, r0
        mov     r1, r5
        call    show_result
        pop     lr
        ret

msg_title:      .asciz  "pv-calls: hypercalls that do not exist, and arguments out of range\n"
msg_2:          .asciz  "hypercall 2"
msg_99:         .asciz  "hypercall 99"
msg_neg:        .asciz  "hypercall -1"
msg_max:        .asciz  "hypercall 0x7fffffff"
msg_multi:      .asciz  "multicall of {multicall, iret, 99}"
msg_multi1:     .asciz  "  its multicall"
msg_multi2:     .asciz  "  its iret"
msg_multi3:     .asciz  "  its call 99"
msg_con_cmd:    .asciz  "console_io command 7"
msg_con_big:    .asciz  "console_io of 5000 bytes"
msg_con_neg:    .asciz  "console_io of -1 bytes"
msg_con_unmapped: .asciz "console_io from an unmapped buffer"
msg_con_runs_off: .asciz "console_io running off the address space"
msg_sched:      .asciz  "sched_op command 9"
msg_reason:     .asciz  "shutdown with reason 7"
msg_flags:      .asciz  "update_va_mapping with flags 4"
msg_tvec:       .asciz  "trap entry 0x1002"
msg_callback:   .asciz  "event callback 0x1001"

.include "pvlib.s"
.include "lib.s"
