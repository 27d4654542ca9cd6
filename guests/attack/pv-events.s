; pv-events.s - a paravirtual guest that names event channels and timers that do not exist.
;
; Attacks: event_channel_op and set_timer_op take numbers from the guest: it binds virtual
; interrupt 9 and -1, binds the timer twice, unmasks port 32, port -5 and a port that is not
; bound, sends on a port that is not bound and on the timer's port (it has no back end),
; gives an unknown command, and asks for a timer -5 ticks away.
;
; What must happen: EINVAL for numbers out of range and unknown commands, EBUSY for the
; second bind, ENOENT for ports that are not bound; the shared-info page's event words stay
; the guest's own. A well-behaved guest beside it runs exactly as alone.
;
; Expected console output (para, 1 MiB): pv-events.expected; status halted.

.include "../include/paravirt.inc"

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, 9
        la      r3, msg_bind9
        call    evtchn
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, -1
        la      r3, msg_bind_neg
        call    evtchn
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_TIMER
        la      r3, msg_bind_timer
        call    evtchn
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_TIMER
        la      r3, msg_bind_again
        call    evtchn
        movi    r1, EVTCHNOP_UNMASK
        movi    r2, 32
        la      r3, msg_unmask32
        call    evtchn
        movi    r1, EVTCHNOP_UNMASK
        movi    r2, -5
        la      r3, msg_unmask_neg
        call    evtchn
        movi    r1, EVTCHNOP_UNMASK
        movi    r2, 7
        la      r3, msg_unmask_unbound
        call    evtchn
        movi    r1, EVTCHNOP_SEND
        movi    r2, 31
        la      r3, msg_send_unbound
        call    evtchn
        movi    r1, EVTCHNOP_SEND
        movi    r2, 0
        la      r3, msg_send_timer
        call    evtchn
        movi    r1, 99
        movi    r2, 0
        la      r3, msg_unknown
        call    evtchn
        movi    r0, HC_SET_TIMER_OP
        movi    r1, -5
        movi    r2, 0
        hcall
        mov     r9, r0
        la      r1, msg_timer
        call    show_result
        li      r1, PV_SHARED_INFO
        ldw     r9, [r1 + SH_EVTCHN_MASK]
        la      r1, msg_mask
        call    show_hex
        halt

; evtchn: event_channel_op r1, r2; show the result under label r3.
evtchn:
        push    lr
        push    r3
        movi    r0, HC_EVENT_CHANNEL_OP
        hcall
        mov     r9, r0
        pop     r1
        call    show_result
        pop     lr
        ret

msg_title:      .asciz  "pv-events: event channels and timers that do not exist\n"
msg_bind9:      .asciz  "bind virtual interrupt 9"
msg_bind_neg:   .asciz  "bind virtual interrupt -1"
msg_bind_timer: .asciz  "bind the timer (port)"
msg_bind_again: .asciz  "bind the timer again"
msg_unmask32:   .asciz  "unmask port 32"
msg_unmask_neg: .asciz  "unmask port -5"
msg_unmask_unbound: .asciz "unmask port 7 (not bound)"
msg_send_unbound: .asciz "send on port 31 (not bound)"
msg_send_timer: .asciz  "send on the timer's port"
msg_unknown:    .asciz  "event-channel command 99"
msg_timer:      .asciz  "a timer -5 ticks away"
msg_mask:       .asciz  "its port mask word"

.include "pvlib.s"
.include "lib.s"
