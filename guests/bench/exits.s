; exits.s - an exit-heavy guest for `npm run bench`: the kernel writes a port in a loop.
; Under the VMM every `out` is an exit (a trap in trap mode, a callout in full mode).
; Port 0x80 has no device, so the writes go nowhere and print nothing.

.ifndef COUNT
.equ COUNT, 1000000
.endif
.equ POST_PORT, 0x80

start:
        li      r1, COUNT
.loop:
        out     POST_PORT, r1
        subi    r1, r1, 1
        cmpi    r1, 0
        bne     .loop
        hlt
