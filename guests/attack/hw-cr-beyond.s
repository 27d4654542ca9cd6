; hw-cr-beyond.s - control registers that name guest-physical addresses past the guest's
; memory: spc (returned to with rfe), ptbr with paging off and on, and last tvec.
;
; Attacks: the hardware-assisted CPU, where these registers are the guest's own and are
; written without an exit by default (--mode hw; --exit-on cr makes each an exit): an
; address past the guest's memory must end in the bus error bare hardware gives, through
; the nested table, and never in another guest's frames. In order: rfe to the first word
; past memory and to the top of 4 GiB (each a fetch fault the kernel catches); ptbr = the
; first frame past memory with paging off (ignored: a load still works); and last tvec
; past memory, then a `sys`: the CPU cannot fetch the handler, a double fault. (A ptbr
; naming a directory past memory with paging on is map-beyond.s's last step.)
;
; What must happen: every fault as on bare hardware, in every mode; the run ends faulted
; with the double fault of the sys; the neighbours run exactly as alone.
;
; Expected console output (bare, 1 MiB): hw-cr-beyond.expected; status faulted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000

        .org    0x1000
start:
        mov     r11, sp                 ; r11 = end of memory (sp at reset)
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        mov     r1, r11                 ; rfe to the first word past memory
        call    try_rfe
        la      r1, lbl_rfe_past
        call    report
        li      r1, -4                  ; rfe to the top of 4 GiB
        call    try_rfe
        la      r1, lbl_rfe_top
        call    report
        ori     r1, r11, 0              ; ptbr past memory, paging off: ignored
        mtcr    ptbr, r1
        mfcr    r9, ptbr
        la      r1, lbl_ptbr
        call    show_hex
        li      r1, 0x8000
        call    try_read
        mov     r4, r1
        la      r1, lbl_load_off
        call    report
        movi    r1, 0
        mtcr    ptbr, r1
        la      r1, msg_tvec
        call    puts
        li      r1, 0x7ffff000          ; tvec past memory: the next trap cannot be taken
        mtcr    tvec, r1
        sys
        la      r1, msg_survived        ; never reached
        call    puts
        jmp     halt_forever

.include "lib.s"

; try_rfe: return (rfe) to r1 in supervisor mode: the fetch there must fault. r2 = cause,
; r3 = fault address, as try_exec gives them.
try_rfe:
        movi    r0, 0
        mov     r4, lr
        ARM_PROBE try_exec_resume
        mtcr    spc, r1
        movi    r1, FLAG_S
        mtcr    sflags, r1
        rfe


msg_hello:      .asciz  "hw-cr-beyond: control registers that name addresses past memory\n"
msg_tvec:       .asciz  "tvec = 0x7ffff000, then sys: a double fault ends the run\n"
msg_survived:   .asciz  "hw-cr-beyond: a trap was taken through a tvec past memory!\n"
lbl_rfe_past:   .asciz  "rfe to the first word past memory"
lbl_rfe_top:    .asciz  "rfe to 0xfffffffc"
lbl_ptbr:       .asciz  "ptbr = the first frame past memory, paging off: mfcr ptbr"
lbl_load_off:   .asciz  "load 0x8000 with it"
