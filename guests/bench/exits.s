; exits.s - an exit-heavy guest for `npm run bench`: the kernel writes a port in a loop.
; Under the VMM every `out` is an exit (a trap in trap mode, a callout in full mode).
; Port 0x80 has no device, so the writes go nowhere and print nothing. -D NO_EXIT=1 puts
; an `addi` in the `out`'s place: the same loop without an exit (the bench prices one exit
; against it).

.ifndef COUNT
.equ COUNT, 1000000
.endif
.equ POST_PORT, 0x80

start:
        li      r1, COUNT
.loop:
.ifdef NO_EXIT
        addi    r2, r2, 1
.else
        out     POST_PORT, r1
.endif
        subi    r1, r1, 1
        cmpi    r1, 0
        bne     .loop
        hlt
