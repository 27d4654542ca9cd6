; dom0-impostor.s - a paravirtual domain that claims guest 0's powers.
;
; Attacks: under --host dom0, guest 0 may destroy a domain (domctl), read another domain's
; console output (console_io read), bind an event channel to another domain
; (BIND_INTERDOMAIN) and move bytes by grant copy between domains. This domain (domain 1)
; tries each: it destroys domain 2 and guest 0; reads domain 2's console; binds a port to
; domain 2; copies from guest 0's grant 0 and from domain 2's ring grant into its own page,
; and from its own page into domain 2's ring grant; and drives the physical disk's command
; port (DISK_COMMAND, 0x33: guest 0's physical disk under dom0) directly.
;
; What must happen: domctl, console read and the binding are EPERM (each is guest 0's);
; each copy fails with its grant status: under dom0 GNTST_PERMISSION_DENIED (-8), as no
; entry of guest 0's or domain 2's grant table names domain 1, and under bare-metal, where
; no other domain is reachable, GNTST_BAD_DOMAIN (-2); the `out` is a privileged
; instruction, reflected as its trap. Its own page is untouched, and its own disk read
; still works (DISK_OK, 2). A domain beside it runs as alone (test/vmm/isolation.test.ts).
;
; Expected console output (para, 1 MiB, the kernel's disk.txt): dom0-impostor.expected
; (bare-metal), dom0-impostor.dom0.expected (alone beside guest 0: there is no domain 2).

.include "../include/paravirt.inc"

.equ MAGIC, 0x1dea1ee7

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        la      r1, page
        li      r2, MAGIC
        stw     r2, [r1]

        movi    r0, HC_DOMCTL           ; destroy domain 2, then guest 0
        movi    r1, DOMCTL_DESTROY
        movi    r2, 2
        movi    r3, 1
        hcall
        mov     r9, r0
        la      r1, msg_destroy2
        call    show_result
        movi    r0, HC_DOMCTL
        movi    r1, DOMCTL_DESTROY
        movi    r2, 0
        movi    r3, 1
        hcall
        mov     r9, r0
        la      r1, msg_destroy0
        call    show_result

        movi    r0, HC_CONSOLE_IO       ; read domain 2's console output
        movi    r1, CONSOLEIO_READ
        movi    r2, 64
        la      r3, page
        movi    r4, 2
        hcall
        mov     r9, r0
        la      r1, msg_read
        call    show_result

        movi    r0, HC_EVENT_CHANNEL_OP ; a port bound to domain 2
        movi    r1, EVTCHNOP_BIND_INTERDOMAIN
        movi    r2, 2
        hcall
        mov     r9, r0
        la      r1, msg_bind
        call    show_result

        movi    r1, 0                   ; from guest 0's grant 0
        movi    r2, 0
        movi    r5, 0
        call    copy
        la      r1, msg_from0
        call    show_status
        movi    r1, 2                   ; from domain 2's ring grant
        movi    r2, GNT_RING_REF
        movi    r5, 0
        call    copy
        la      r1, msg_from2
        call    show_status
        movi    r1, 2                   ; into domain 2's ring grant
        movi    r2, GNT_RING_REF
        movi    r5, 1
        call    copy
        la      r1, msg_into2
        call    show_status

        movi    r0, 0               ; the disk's command port
        movi    r1, 1
        la      r12, probe_state        ; armed: its trap resumes at .after_out
        stw     r0, [r12 + PROBE_CAUSE]
        la      r13, .after_out
        stw     r13, [r12 + PROBE_RESUME]
        out     DISK_COMMAND, r1
.after_out:
        la      r12, probe_state
        stw     r0, [r12 + PROBE_RESUME]
        ldw     r2, [r12 + PROBE_CAUSE]
        ldw     r3, [r12 + PROBE_FADDR]
        la      r1, msg_port
        call    report

        la      r1, msg_page            ; its own page, and its own disk
        call    show_label
        la      r1, page
        ldw     r1, [r1]
        call    put_hex
        call    newline
        la      r1, on_disk
        set_trap_entry r1
        irq_lines_enable 1 << IRQ_DISK
        irq_enable
        disk_read sector, 0, 1
.wait:
        la      r3, done
        ldw     r4, [r3]
        cmpi    r4, 0
        bne     .read
        wait_for_interrupt
        jmp     .wait
.read:
        irq_disable
        la      r1, msg_disk
        call    show_label
        la      r1, done
        ldw     r1, [r1]
        subi    r1, r1, 1
        call    put_dec
        call    newline
        halt

; copy: one grant copy of 16 bytes between domain r1's grant r2 and its own `page`; r5 = 0
; from the grant, 1 into it. r9 = the copy's status (or the call's error). Clobbers r0..r6.
copy:
        la      r6, op
        cmpi    r5, 0
        bne     .into
        stw     r1, [r6 + GC_SRC_DOM]
        stw     r2, [r6 + GC_SRC_REF]
        movi    r0, 0
        stw     r0, [r6 + GC_SRC_OFF]
        li      r0, DOMID_SELF
        stw     r0, [r6 + GC_DST_DOM]
        la      r0, page
        shri    r0, r0, 12
        stw     r0, [r6 + GC_DST_REF]
        movi    r0, 0
        stw     r0, [r6 + GC_DST_OFF]
        jmp     .len
.into:
        li      r0, DOMID_SELF
        stw     r0, [r6 + GC_SRC_DOM]
        la      r0, page
        shri    r0, r0, 12
        stw     r0, [r6 + GC_SRC_REF]
        movi    r0, 0
        stw     r0, [r6 + GC_SRC_OFF]
        stw     r1, [r6 + GC_DST_DOM]
        stw     r2, [r6 + GC_DST_REF]
        movi    r0, 0
        stw     r0, [r6 + GC_DST_OFF]
.len:
        movi    r0, 16
        stw     r0, [r6 + GC_LEN]
        movi    r0, HC_GRANT_TABLE_OP
        movi    r1, GNTTABOP_COPY
        mov     r2, r6
        movi    r3, 1
        hcall
        mov     r9, r0
        cmpi    r0, 1
        bne     .done
        ldw     r9, [r6 + GC_STATUS]
.done:
        ret

; show_status: "  <label>: <r9 in signed decimal>" (a grant copy's status). Clobbers r1..r5.
show_status:
        push    lr
        call    show_label
        cmpi    r9, 0
        bge     .positive
        movi    r1, '-'
        putc    r1
        movi    r1, 0
        sub     r9, r1, r9
.positive:
        mov     r1, r9
        call    put_dec
        call    newline
        pop     lr
        ret

; on_disk: the disk's interrupt: done = its status + 1; acknowledge the line.
on_disk:
        trap_read r12, CAUSE
        cmpi    r12, CAUSE_IRQ_BASE + IRQ_DISK
        bne     unexpected
        disk_status r11, r12
        addi    r11, r11, 1
        la      r12, done
        stw     r11, [r12]
        movi    r11, IRQ_DISK
        irq_ack r11, r12, r13
        iret_keep_r0
        return_from_trap

msg_title:    .asciz  "dom0-impostor: a domain that claims guest 0's powers\n"
msg_destroy2: .asciz  "domctl destroy domain 2"
msg_destroy0: .asciz  "domctl destroy guest 0"
msg_read:     .asciz  "console_io read of domain 2"
msg_bind:     .asciz  "bind a port to domain 2"
msg_from0:    .asciz  "grant copy from guest 0's grant 0"
msg_from2:    .asciz  "grant copy from domain 2's ring grant"
msg_into2:    .asciz  "grant copy into domain 2's ring grant"
msg_port:     .asciz  "out to the disk's command port (0x33)"
msg_page:     .asciz  "its own page still reads"
msg_disk:     .asciz  "its own disk read's status"
.include "pvlib.s"
.include "lib.s"
        .align  4
done:   .word   0
op:     .space  GC_WORDS * 4
        .align  4096
page:   .space  4096
sector: .space  512
