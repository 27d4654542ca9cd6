; hello.s - print "hello, world" and halt.
; Runs on the bare machine with no kernel: paging off, supervisor mode, interrupts off.
; Built with -D PARAVIRT (vmm run hello.s --mode para does so) its putc and halt are the
; paravirt ops of paravirt.inc: the line is one console_io hypercall, then a shutdown.

.include "../include/paravirt.inc"

start:
        la      r1, message
.loop:
        ldb     r2, [r1]                ; next byte of the string
        cmpi    r2, 0
        beq     .done
        putc    r2
        addi    r1, r1, 1
        jmp     .loop
.done:
        halt                            ; IE is clear: the machine stops here

.include "../include/paravirt.s"

message:
        .asciz  "hello, world\n"
