; hypercall.s - the cheapest call into the VMM, ITER times (vmm compare, docs/compare.md):
; PARAVIRT the xen_version hypercall; natively, with no hypercalls to make, cpuid (the op
; platform_id), an instruction every VMM must handle (it always exits on VT-x, the binary
; translator calls out for it, and trap --strict traps it).

.include "../include/paravirt.inc"
.include "micro.inc"

        .org    0x1000
start:
        li      r10, ITER
pass:
        platform_id r1
        next_pass
        finish  name

name:   .asciz  "hypercall: "
        micro_data
.include "../attack/lib.s"
