; mmio.s - a line written through the memory-mapped console (docs/devices.md): each byte a
; plain store to MMIO_CONSOLE_DATA, then the console's status read from MMIO_CONSOLE_STATUS.
;
; Shows the memory path to a device control register in every mode: on bare hardware a
; store reaches the device; under trap and full the VMM never maps the device's page, so
; each access is an `mmio` exit it emulates; under hw the nested table does not map it, so
; each is an `ept-violation` it emulates, as KVM handles MMIO; the PARAVIRT build (para)
; uses the console hypercall instead (the ops mmio_putc and mmio_console_status).
;
; Expected console output: mmio.expected; status halted.

.include "../include/paravirt.inc"

start:
        la      r1, message
.loop:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .status
        mmio_putc r2
        addi    r1, r1, 1
        jmp     .loop
.status:
        mmio_console_status r3          ; 2: input ended (no --input)
        addi    r3, r3, '0'
        mmio_putc r3
        movi    r3, '\n'
        mmio_putc r3
        halt

.include "../include/paravirt.s"

message:
        .asciz  "hello through memory-mapped I/O; console status "
