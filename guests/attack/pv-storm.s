; pv-storm.s - a paravirtual guest that makes hypercalls as fast as it can, for ever.
;
; Attacks: every hypercall is an exit; a guest that does nothing else keeps the VMM busy
; in its own hypercall handling, hoping to starve the guests beside it. It alternates the
; cheapest call (xen_version) with a batch of 1024 TLB flushes (the largest mmuext_op).
;
; What must happen: the scheduler still gives every guest its quantum (hypercalls are guest
; time like any instruction), so a well-behaved guest beside it runs exactly as alone, and
; the storm is stopped at the instruction limit (status limit) with a reason.
;
; Expected console output (para, 1 MiB, --max-instructions 100000): pv-storm.expected;
; status limit.

.include "../include/paravirt.inc"

.equ LIST, 0x80000

        .org    0x1000
start:
        la      r1, msg_title
        call    puts
        li      r1, LIST                ; 1024 {TLB_FLUSH_LOCAL, 0}
        li      r2, LIST + 1024 * 8
        movi    r3, MMUEXT_TLB_FLUSH_LOCAL
.fill:
        stw     r3, [r1]
        addi    r1, r1, 8
        cmp     r1, r2
        bltu    .fill
.storm:
        movi    r0, HC_XEN_VERSION
        hcall
        movi    r0, HC_MMUEXT_OP
        li      r1, LIST
        li      r2, 1024
        hcall
        jmp     .storm

msg_title:      .asciz  "pv-storm: hypercalls for ever\n"

.include "pvlib.s"
.include "lib.s"
