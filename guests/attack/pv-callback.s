; pv-callback.s - a paravirtual guest whose event callback is at an address it never mapped.
;
; Attacks: set_callbacks takes any 4-aligned address; the VMM enters the guest kernel there
; for every event. It registers 0x7ff00000 (unmapped), binds and unmasks the timer, sets it,
; and enables events.
;
; What must happen: the event is delivered (the VMM does not itself touch the callback);
; fetching its first instruction faults while entering the handler, so the guest can take no
; trap: it is stopped (status faulted) with a double fault at 0x7ff00000, as bare hardware
; stops a kernel whose trap vector is unmapped. A well-behaved guest beside it runs exactly
; as alone.
;
; Expected console output (para, 1 MiB): pv-callback.expected; status faulted.

.include "../include/paravirt.inc"

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1               ; (both entries: set_callbacks follows)
        la      r1, msg_title
        call    puts
        movi    r0, HC_SET_CALLBACKS
        li      r1, 0x7ff00000
        hcall
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_TIMER
        hcall
        mov     r2, r0
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_UNMASK
        hcall
        movi    r0, HC_SET_TIMER_OP
        movi    r1, 100
        movi    r2, 0
        hcall
        irq_enable
.wait:
        jmp     .wait

msg_title:      .asciz  "pv-callback: an event callback at an unmapped address\n"

.include "pvlib.s"
.include "lib.s"
