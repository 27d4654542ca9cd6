; ports.s - a guest that writes and reads every I/O port, 0x0000..0xffff.
;
; Attacks: the port space. Under the VMM every guest has its own virtual devices at the
; same ports (console 0x10, timer 0x20, disk 0x30, interrupt controller 0x40); nothing a
; guest writes to any port may reach another guest's devices or the host's. The guest
; writes 0x41 to every port in turn, then reads every port, counting the ports with no
; device (they read as all ones) and summing what the others return; then it prints what
; its own device registers say.
;
; An `in`/`out` port is an immediate, so the guest generates the code: one `out P, r1` per
; port (one region), then one `in r2, P` + `call tally` per port (another), and runs it.
;
; The blind writes do things to the guest's OWN devices, all visible in its output and the
; same on bare hardware: port 0x10 is its console data port, so the write loop prints one
; "A"; the timer starts with period 0x41; the interrupt mask becomes 0x41; the disk gets
; command 0x41 (BAD_COMMAND) and raises its line. Interrupts stay disabled throughout.
;
; What must happen: the guest only ever touches its own virtual devices: a guest beside it
; prints and runs exactly as alone; this guest's output is the same as on bare hardware.
;
; Expected console output (bare, 1 MiB, no disk): ports.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ WRITES, 0x10000                    ; generated: out P, r1  (P = 0..0xffff), jr r10
.equ READS, 0x50000                     ; generated: in r2, P; call tally  (each P), jr r10
.equ PORTS, 0x10000

; SHOW port, "name": print "  name (0xPORT): 0xVALUE" for one read of the port.
.macro SHOW port, label
        la      r1, show_label\@
        movi    r2, \port
        in      r8, \port
        call    show
        jmp     show_after\@
show_label\@:
        .asciz  \label
        .align  4
show_after\@:
.endm

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts

        ; generate the writes
        li      r1, WRITES
        la      r2, tmpl_out
        ldw     r2, [r2]
        movi    r3, 0
        li      r4, PORTS
.gen_out:
        or      r5, r2, r3
        stw     r5, [r1]
        addi    r1, r1, 4
        addi    r3, r3, 1
        cmp     r3, r4
        bltu    .gen_out
        la      r2, tmpl_jr
        ldw     r2, [r2]
        stw     r2, [r1]

        ; generate the reads
        li      r1, READS
        movi    r3, 0
        la      r6, tmpl_in
        ldw     r6, [r6]
        la      r7, tmpl_call
        ldw     r7, [r7]
        la      r8, tally
.gen_in:
        or      r5, r6, r3
        stw     r5, [r1]
        addi    r1, r1, 4
        sub     r5, r8, r1              ; call tally from here: offset in words, 24 bits
        sari    r5, r5, 2
        li      r9, 0xffffff
        and     r5, r5, r9
        or      r5, r7, r5
        stw     r5, [r1]
        addi    r1, r1, 4
        addi    r3, r3, 1
        cmp     r3, r4
        bltu    .gen_in
        la      r2, tmpl_jr
        ldw     r2, [r2]
        stw     r2, [r1]

        ; every port := 0x41
        la      r1, msg_writing
        call    puts
        movi    r1, 0x41
        la      r10, .written
        li      r2, WRITES
        jr      r2
.written:
        call    newline

        ; read every port
        la      r1, msg_reading
        call    puts
        movi    r3, 0                   ; sum of what ports with a device return
        movi    r6, 0                   ; ports that answered
        movi    r7, 0                   ; ports with no device (all ones)
        la      r10, .read
        li      r2, READS
        jr      r2
.read:
        mov     r8, r3
        la      r1, msg_answered
        call    puts
        mov     r1, r6
        call    put_dec
        la      r1, msg_none
        call    puts
        mov     r1, r7
        call    put_dec
        la      r1, msg_sum
        call    puts
        mov     r1, r8
        call    put_hex
        call    newline

        ; what its own devices say now
        la      r1, msg_devices
        call    puts
        SHOW    CONSOLE_STATUS, "console status"
        SHOW    CONSOLE_CTRL, "console ctrl"
        SHOW    TIMER_PERIOD, "timer period"
        SHOW    TIMER_REMAINING, "timer remaining"
        SHOW    TIMER_NOW, "timer now"
        SHOW    DISK_SECTOR, "disk sector"
        SHOW    DISK_ADDRESS, "disk address"
        SHOW    DISK_COUNT, "disk count"
        SHOW    DISK_STATUS, "disk status"
        SHOW    DISK_SIZE, "disk size"
        SHOW    PIC_MASK, "pic mask"
        SHOW    PIC_PENDING, "pic pending"
        SHOW    PIC_NEXT, "pic next"
        movi    r1, 0                   ; stop the timer; then halt with interrupts off
        out     TIMER_PERIOD, r1
        la      r1, msg_done
        call    puts
        jmp     halt_forever

; tally: r2 = what a port returned. No device: r7++; else r6++, r3 += r2.
tally:
        cmpi    r2, -1
        beq     .none
        add     r3, r3, r2
        addi    r6, r6, 1
        ret
.none:
        addi    r7, r7, 1
        ret

; show: r1 = label, r2 = port, r8 = value. Clobbers r1..r5, r9.
show:
        push    lr
        mov     r9, r2
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_port_open
        call    puts
        mov     r1, r9
        call    put_hex
        la      r1, msg_port_close
        call    puts
        mov     r1, r8
        call    put_hex
        call    newline
        pop     lr
        ret

.include "lib.s"

        .align  4
tmpl_out:       out     0, r1           ; templates for the generated code
tmpl_in:        in      r2, 0
tmpl_call:      call    tmpl_call
tmpl_jr:        jr      r10
msg_hello:      .asciz  "ports: every port 0x0000..0xffff, written then read\n"
msg_writing:    .asciz  "writing 0x41 to every port (0x10 is this guest's console: it prints it): "
msg_reading:    .asciz  "reading every port:\n"
msg_answered:   .asciz  "  ports that answered: "
msg_none:       .asciz  ", with no device: "
msg_sum:        .asciz  ", sum of the answers: "
msg_devices:    .asciz  "its own devices now:\n"
msg_port_open:  .asciz  " ("
msg_port_close: .asciz  "): "
msg_done:       .asciz  "ports: done\n"
