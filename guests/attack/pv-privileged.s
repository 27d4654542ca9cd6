; pv-privileged.s - a paravirtual guest kernel that runs privileged instructions anyway.
;
; Attacks: a PARAVIRT kernel must call the VMM for every privileged operation; this one
; writes the page-table base and the trap vector with mtcr, reads a control register with
; mfcr, disables interrupts with cli, writes a port with out, flushes the TLB and halts, as
; a kernel missed by the port to the paravirtual interface would.
;
; What must happen: none of them is emulated under para (there is no shadow state to
; emulate it on, and the guest's page-table base stays the VMM's to set): each is delivered
; to the guest's trap entry as a privileged-instruction trap, as Xen injects a general
; protection fault, and traced; the guest goes on after each. A well-behaved guest beside it
; runs exactly as alone.
;
; Expected console output (para, 1 MiB): pv-privileged.expected; status halted.

.include "../include/paravirt.inc"

        .macro  attempt label
        la      r12, probe_state
        stw     r0, [r12 + PROBE_CAUSE]
        stw     r0, [r12 + PROBE_FADDR]
        la      r13, .after\@
        stw     r13, [r12 + PROBE_RESUME]
        .endm

        .macro  result label
.after\@:
        la      r12, probe_state
        stw     r0, [r12 + PROBE_RESUME]
        ldw     r2, [r12 + PROBE_CAUSE]
        ldw     r3, [r12 + PROBE_FADDR]
        la      r1, \label
        movi    r4, 0
        call    report
        movi    r0, 0
        .endm

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        movi    r0, 0
        movi    r5, 0
        la      r12, probe_state
        la      r13, after_ptbr
        stw     r13, [r12 + PROBE_RESUME]
        mtcr    ptbr, r5
after_ptbr:
        la      r1, msg_ptbr
        call    outcome
        la      r13, after_tvec
        stw     r13, [r12 + PROBE_RESUME]
        mtcr    tvec, r5
after_tvec:
        la      r1, msg_tvec
        call    outcome
        la      r13, after_mfcr
        stw     r13, [r12 + PROBE_RESUME]
        mfcr    r5, cause
after_mfcr:
        la      r1, msg_mfcr
        call    outcome
        la      r13, after_cli
        stw     r13, [r12 + PROBE_RESUME]
        cli
after_cli:
        la      r1, msg_cli
        call    outcome
        la      r13, after_out
        stw     r13, [r12 + PROBE_RESUME]
        out     CONSOLE_DATA, r5
after_out:
        la      r1, msg_out
        call    outcome
        la      r13, after_flush
        stw     r13, [r12 + PROBE_RESUME]
        tlbflush
after_flush:
        la      r1, msg_flush
        call    outcome
        la      r13, after_hlt
        stw     r13, [r12 + PROBE_RESUME]
        hlt
after_hlt:
        la      r1, msg_hlt
        call    outcome
        halt

; outcome: "  <r1>: <cause> fault at <pc>" for the probe's trap (or "ok"); re-arms nothing.
outcome:
        push    lr
        la      r12, probe_state
        ldw     r2, [r12 + PROBE_CAUSE]
        ldw     r3, [r12 + PROBE_FADDR]
        stw     r0, [r12 + PROBE_CAUSE]
        movi    r4, 0
        call    report
        la      r12, probe_state
        movi    r0, 0
        pop     lr
        ret

msg_title:      .asciz  "pv-privileged: a PARAVIRT kernel running privileged instructions\n"
msg_ptbr:       .asciz  "mtcr ptbr"
msg_tvec:       .asciz  "mtcr tvec"
msg_mfcr:       .asciz  "mfcr cause"
msg_cli:        .asciz  "cli"
msg_out:        .asciz  "out"
msg_flush:      .asciz  "tlbflush"
msg_hlt:        .asciz  "hlt"

.include "pvlib.s"
.include "lib.s"
