; in.s - port input, ITER times: the disk's size in sectors (vmm compare, docs/compare.md;
; Adams & Agesen's in). Natively an `in` from the disk's size port; PARAVIRT a load from the
; start-info page, where the VMM wrote it once (the op disk_sectors).

.include "../include/paravirt.inc"
.include "micro.inc"

        .org    0x1000
start:
        li      r10, ITER
pass:
        disk_sectors r1
        next_pass
        finish  name

name:   .asciz  "in: "
        micro_data
.include "../attack/lib.s"
