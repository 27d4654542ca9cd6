; evtchn-storm.s - a paravirtual guest that notifies its block back end without end and
; without a request.
;
; Attacks: a notification is one hypercall; under --host dom0 each one asks guest 0 to look
; at the guest's ring. It sends on its disk's port ROUNDS times BURST times, giving up the
; CPU after each burst (sched_op yield), with its ring empty.
;
; What must happen: notifications coalesce (one pending bit), so guest 0 looks once per
; turn, not once per send. Under --host bare-metal the VMM's back end finds nothing to do
; and the guest finishes ("the storm passed"). Under --host dom0 guest 0 finds no work 256
; times in a row and has the guest destroyed (domctl): it is killed with that verdict as
; its reason (evtchn-storm.dom0.expected). A guest beside it runs as alone.
;
; Expected console output (para, 1 MiB): evtchn-storm.expected.

.include "../include/paravirt.inc"

.equ ROUNDS, 300
.equ BURST, 50

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        mov     r8, r0                  ; r8 = the disk's port
        li      r10, ROUNDS
.round:
        movi    r11, BURST
.send:
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        mov     r2, r8
        hcall
        subi    r11, r11, 1
        cmpi    r11, 0
        bne     .send
        movi    r0, HC_SCHED_OP
        movi    r1, SCHEDOP_YIELD
        hcall
        subi    r10, r10, 1
        cmpi    r10, 0
        bne     .round
        la      r1, msg_passed
        call    puts
        halt

msg_title:      .asciz  "evtchn-storm: notifications without requests, without end\n"
msg_passed:     .asciz  "the storm passed\n"

.include "pvlib.s"
.include "lib.s"
