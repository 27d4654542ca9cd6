; causes.s - the name of each trap cause code, for put_cause (lib.s). Included in the
; read-only data of tinyos.s and of the host OS (guests/host/hostos.s).

; cause_names: the name of each trap cause code (0 = none), as in src/isa/arch.ts.
cause_names:
        .word   0, cn_illegal, cn_privileged, cn_syscall, cn_breakpoint, cn_page_read
        .word   cn_page_write, cn_page_fetch, cn_divide, cn_misaligned, cn_bus, cn_hypercall
.equ CAUSE_NAME_COUNT, 12

cn_illegal:     .asciz  "illegal"
cn_privileged:  .asciz  "privileged"
cn_syscall:     .asciz  "syscall"
cn_breakpoint:  .asciz  "breakpoint"
cn_page_read:   .asciz  "page-read"
cn_page_write:  .asciz  "page-write"
cn_page_fetch:  .asciz  "page-fetch"
cn_divide:      .asciz  "divide"
cn_misaligned:  .asciz  "misaligned"
cn_bus:         .asciz  "bus"
cn_hypercall:   .asciz  "hypercall"
