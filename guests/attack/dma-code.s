; dma-code.s - a guest kernel whose disk DMA rewrites code that has already run.
;
; Attacks: code caches that must hear of writes made behind the CPU's back: the binary
; translations of --mode full and the host's compiled blocks, when the writer is the disk's
; DMA engine rather than a store. The disk (one sector is enough) is used as a scratch
; sector: the kernel copies a 512-byte stretch of its code to a buffer, patches
; instruction words there, writes the buffer to sector 0 (memory to disk), and reads it
; back (disk to memory) over the code. First over routines that ran 30 times (hot,
; translated, compiled): an immediate and an opcode changed, a nop become `out` (a
; privileged instruction), words become an undefined opcode and the translator's own
; callout word 0xff000001 (both must be illegal-instruction traps), a word become a jmp;
; then the old code DMAed back. It reads its code to disk and back into a buffer and
; compares. Then the code that issues the DMA is itself in the sector rewritten: a loop
; that runs while the transfer is in flight (no port access; or reading the disk status
; on every pass), a loop that runs until the DMA rewrites its own compare, and a hlt that
; sleeps through the transfer and wakes up, on the disk interrupt, in front of new code.
; Last, one transfer over a routine that straddles a page boundary, and one to an address
; that is not a multiple of 4 (the first and last words it touches change only in part,
; the last on the next page).
;
; What must happen: after each transfer the new code runs, from the very instruction
; where the DMA landed: the loops running during the transfer split their passes between
; the old and the new code at the same instruction as on bare hardware (the data lands
; at its tick, 200 + 50 ticks after the command). The guest prints computed values, pass
; counts and traps; all the same as on bare hardware.
;
; Needs a disk of at least one sector: run it with --disk guests/kernel/disk.txt, as for
; the expected output below (without a disk it says so and halts: dma-code.nodisk.expected).
;
; Expected console output (bare, 1 MiB): dma-code.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ BUF, 0x30000                       ; the sector being prepared
.equ SAVE, 0x31000                      ; the first region as it was
.equ CHECK, 0x32000                     ; code read back through the disk
.equ WARM, 30

; instruction words (see docs/isa.md, "Instruction encoding")
.equ ADDI_R1_100, 0x10110064            ; addi r1, r1, 100
.equ ORI_R1_8000, 0x13118000            ; ori r1, r1, 0x8000
.equ OUT_CONSOLE_R2, 0x57200010         ; out CONSOLE_DATA, r2
.equ UNDEFINED, 0x0e000000              ; opcode 0x0e: not an instruction
.equ FORGED_CALLOUT, 0xff000001         ; the translator's EMULATE callout word
.equ JMP_2, 0x3a000002                  ; jmp (this word + 2 words)
.equ ADDI_R5_1, 0x10550001              ; addi r5, r5, 1
.equ ADDI_R6_1, 0x10660001              ; addi r6, r6, 1
.equ CMPI_R5, 0x29500000                ; cmpi r5, imm
.equ MOVI_R1, 0x18100000                ; movi r1, imm
.equ ORI_R1, 0x13110000                 ; ori r1, r1, imm

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        in      r1, DISK_SIZE
        cmpi    r1, 0
        bne     .disk
        la      r1, msg_no_disk
        call    puts
        jmp     halt_forever
.disk:
        movi    r1, ~(1 << IRQ_DISK)    ; the disk's line, for the hlt test
        out     PIC_MASK, r1

        ; ---- 1. routines that ran, rewritten by DMA issued from another page ----------
        la      r1, s1                  ; keep the original
        li      r2, SAVE
        call    copy_sector
        movi    r9, 0
.warm:
        call    run_s1_quiet
        addi    r9, r9, 1
        cmpi    r9, WARM
        blt     .warm
        la      r1, msg_s1_before
        call    puts
        call    run_s1
        la      r1, s1                  ; the new code, in BUF
        li      r2, BUF
        call    copy_sector
        li      r2, r_calc.add - s1
        li      r3, ADDI_R1_100
        call    patch
        li      r2, r_calc.x - s1
        li      r3, ORI_R1_8000
        call    patch
        li      r2, r_priv.slot - s1
        li      r3, OUT_CONSOLE_R2
        call    patch
        li      r2, r_ill.slot - s1
        li      r3, UNDEFINED
        call    patch
        li      r2, r_forge.slot - s1
        li      r3, FORGED_CALLOUT
        call    patch
        li      r2, r_flow.slot - s1
        li      r3, JMP_2
        call    patch
        li      r1, BUF
        la      r2, s1
        call    dma_copy                ; BUF -> sector 0 -> s1
        la      r1, msg_s1_after
        call    puts
        call    run_s1
        movi    r9, 0
.hot:
        movi    r1, 7
        call    r_calc
        call    r_flow
        addi    r9, r9, 1
        cmpi    r9, WARM
        blt     .hot
        la      r1, msg_s1_again
        call    puts
        call    run_s1

        ; the code as memory holds it, through the disk: s1 -> sector 0 -> CHECK
        la      r1, msg_readback
        call    puts
        la      r1, s1
        li      r2, CHECK
        call    dma_copy
        la      r1, s1
        li      r2, CHECK
        call    compare_sector
        mov     r1, r3
        call    put_dec
        la      r1, msg_readback2
        call    puts
        li      r1, CHECK + (r_forge.slot - s1)
        ldw     r1, [r1]
        call    put_hex
        call    newline

        li      r1, SAVE                ; and the old code back
        la      r2, s1
        call    dma_copy
        la      r1, msg_s1_restored
        call    puts
        call    run_s1

        ; ---- 2. the DMA rewrites the code that issued it, while it runs ---------------
        la      r1, msg_self_a
        call    puts
        movi    r10, 0
.self_a:
        la      r1, s2a                 ; the sector: s2a with the slot's other version
        li      r2, BUF
        call    copy_sector
        la      r1, self_a.slot
        ldw     r3, [r1]
        li      r4, ADDI_R5_1 ^ ADDI_R6_1
        xor     r3, r3, r4
        li      r2, self_a.slot - s2a
        call    patch
        call    buf_to_disk
        call    self_a
        call    old_new
        call    print_r5_r6
        addi    r10, r10, 1
        cmpi    r10, 4
        blt     .self_a
        call    newline

        la      r1, msg_self_b
        call    puts
        movi    r10, 0
.self_b:
        la      r1, s2b
        li      r2, BUF
        call    copy_sector
        la      r1, self_b.slot
        ldw     r3, [r1]
        li      r4, ADDI_R5_1 ^ ADDI_R6_1
        xor     r3, r3, r4
        li      r2, self_b.slot - s2b
        call    patch
        call    buf_to_disk
        call    self_b
        call    old_new
        call    print_r5_r6
        la      r1, msg_slash
        call    puts
        mov     r1, r7
        call    put_dec
        addi    r10, r10, 1
        cmpi    r10, 4
        blt     .self_b
        call    newline

        la      r1, msg_self_c
        call    puts
        movi    r10, 0
.self_c:
        li      r3, CMPI_R5 | 30000     ; the loop's own compare, as it was (a store)
        la      r1, self_c.slot
        stw     r3, [r1]
        la      r1, s2c
        li      r2, BUF
        call    copy_sector
        li      r3, CMPI_R5             ; the sector: cmpi r5, 0 (the loop ends)
        li      r2, self_c.slot - s2c
        call    patch
        call    buf_to_disk
        call    self_c
        call    space
        mov     r1, r5
        call    put_dec
        addi    r10, r10, 1
        cmpi    r10, 4
        blt     .self_c
        call    newline

        la      r1, msg_self_d
        call    puts
        movi    r10, 0
.self_d:
        la      r1, s2d
        li      r2, BUF
        call    copy_sector
        li      r3, MOVI_R1 | 'a'
        add     r3, r3, r10             ; movi r1, 'a' + k
        li      r2, self_d.slot - s2d
        call    patch
        call    buf_to_disk
        call    self_d
        out     CONSOLE_DATA, r1
        addi    r10, r10, 1
        cmpi    r10, 4
        blt     .self_d
        la      r1, msg_irqs
        call    puts
        la      r1, irq_count
        ldw     r1, [r1]
        call    put_dec
        call    newline

        ; ---- 3. a transfer over a page boundary, through a routine ---------------------
        la      r1, msg_straddle
        call    puts
        movi    r9, 0
.str_warm:
        call    r_straddle
        addi    r9, r9, 1
        cmpi    r9, WARM
        blt     .str_warm
        call    put_hex
        call    comma
        la      r1, s3
        li      r2, BUF
        call    copy_sector
        li      r2, r_straddle.a - s3
        li      r3, ORI_R1 | 0x20
        call    patch
        li      r2, r_straddle.b - s3
        li      r3, ORI_R1 | 0x40
        call    patch
        li      r1, BUF
        la      r2, s3
        call    dma_copy
        call    r_straddle
        call    put_hex
        call    newline

        ; ---- 4. a transfer to an address that is not a multiple of 4 ------------------
        ; s4 + 2 .. s4 + 514: the upper half of r_first's first word (its opcode), all of
        ; r_mid, and the lower half (the immediate) of r_last's first word, on the next page.
        la      r1, msg_odd
        call    puts
        movi    r9, 0
.odd_warm:
        call    run_s4
        addi    r9, r9, 1
        cmpi    r9, WARM
        blt     .odd_warm
        call    print_s4
        call    comma
        la      r1, s4 + 2
        call    buf_from_bytes
        movi    r2, 1                   ; r_first: movi r1, 0x11 -> muli r1, r0, 0x11
        movi    r3, 0x11
        call    buf_byte
        movi    r2, r_mid - s4 - 2      ; r_mid: movi r1, 0x44
        li      r3, MOVI_R1 | 0x44
        call    buf_word_bytes
        li      r2, SECTOR_SIZE - 2     ; r_last: movi r1, 0x4444
        movi    r3, 0x44
        call    buf_byte
        li      r2, SECTOR_SIZE - 1
        movi    r3, 0x44
        call    buf_byte
        li      r1, BUF
        la      r2, s4 + 2
        call    dma_copy
        call    run_s4
        call    print_s4
        call    newline

        la      r1, msg_done
        call    puts
        jmp     halt_forever

; run_s4: r6, r7, r8 = what r_first, r_mid, r_last return. print_s4 prints them.
run_s4:
        push    lr
        movi    r1, 0x7777
        call    r_first
        mov     r6, r1
        call    r_mid
        mov     r7, r1
        call    r_last
        mov     r8, r1
        pop     lr
        ret
print_s4:
        push    lr
        mov     r1, r6
        call    put_hex
        call    space
        mov     r1, r7
        call    put_hex
        call    space
        mov     r1, r8
        call    put_hex
        pop     lr
        ret

; buf_from_bytes: BUF = the 512 bytes at r1, any alignment. buf_byte: byte r2 of BUF = r3.
; buf_word_bytes: bytes r2..r2+3 of BUF = the word r3 (little-endian). Clobber r1..r5.
buf_from_bytes:
        li      r4, BUF
        li      r5, SECTOR_SIZE
.loop:
        ldb     r3, [r1]
        stb     r3, [r4]
        addi    r1, r1, 1
        addi    r4, r4, 1
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .loop
        ret
buf_byte:
        li      r1, BUF
        add     r1, r1, r2
        stb     r3, [r1]
        ret
buf_word_bytes:
        li      r1, BUF
        add     r1, r1, r2
        movi    r5, 4
.loop:
        stb     r3, [r1]
        shri    r3, r3, 8
        addi    r1, r1, 1
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .loop
        ret

; ---- helpers --------------------------------------------------------------------------

; run_s1: run each routine of s1 once and print "  calc(7) = ..., ..."; run_s1_quiet
; the same without printing. Clobbers r1..r8.
run_s1_quiet:
        movi    r8, 0
        jmp     run_s1.go
run_s1:
        movi    r8, 1
run_s1.go:
        push    lr
        la      r1, msg_calc
        call    say
        movi    r1, 7
        call    r_calc
        call    show
        la      r1, msg_priv
        call    say
        call    r_priv                  ; (the new code prints '[' here)
        call    show
        la      r1, msg_ill
        call    say
        la      r1, r_ill
        call    try_exec
        cmpi    r8, 0
        beq     .ill_quiet
        call    print_try
.ill_quiet:
        la      r1, msg_forge
        call    say
        la      r1, r_forge
        call    try_exec
        cmpi    r8, 0
        beq     .forge_quiet
        call    print_try
.forge_quiet:
        la      r1, msg_flow
        call    say
        call    r_flow
        call    show
        cmpi    r8, 0
        beq     .quiet
        call    newline
.quiet:
        pop     lr
        ret

; say: puts r1 unless quiet (r8 = 0); show: put_hex r1 unless quiet.
say:
        cmpi    r8, 0
        beq     .quiet
        jmp     puts
.quiet:
        ret
show:
        cmpi    r8, 0
        beq     .quiet
        jmp     put_hex
.quiet:
        ret

; print_try: after try_exec: "0x<r1>" or "<cause> at 0x<faddr or pc>"; r1 is what the
; routine computed up to the trap.
print_try:
        push    lr
        push    r2
        call    put_hex
        pop     r2
        cmpi    r2, 0
        beq     .ok
        push    r2
        call    space
        pop     r1
        call    put_cause
        la      r1, msg_trap_at
        call    puts
        la      r1, probe_pc
        ldw     r1, [r1]
        call    put_hex
.ok:
        pop     lr
        ret

; old_new: on odd runs (r10) the slot's old version counts in r6: swap r5 and r6.
old_new:
        andi    r1, r10, 1
        cmpi    r1, 0
        beq     .even
        mov     r1, r5
        mov     r5, r6
        mov     r6, r1
.even:
        ret

print_r5_r6:
        push    lr
        call    space
        mov     r1, r5
        call    put_dec
        la      r1, msg_slash
        call    puts
        mov     r1, r6
        call    put_dec
        pop     lr
        ret

comma:
        la      r1, msg_comma
        jmp     puts

space:
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ret

; copy_sector: copy 512 bytes from r1 to r2. Clobbers r1..r4.
copy_sector:
        li      r3, SECTOR_SIZE
.loop:
        ldw     r4, [r1]
        stw     r4, [r2]
        addi    r1, r1, 4
        addi    r2, r2, 4
        subi    r3, r3, 4
        cmpi    r3, 0
        bne     .loop
        ret

; patch: the word at BUF + r2 = r3. Clobbers r1.
patch:
        li      r1, BUF
        add     r1, r1, r2
        stw     r3, [r1]
        ret

; buf_to_disk: BUF -> sector 0. dma_copy: r1 -> sector 0 -> r2. Both check the status
; (anything but OK is printed, and the run ends). Clobber r1..r7.
buf_to_disk:
        li      r1, BUF
        mov     r7, lr
        movi    r2, DISK_CMD_WRITE
        call    disk_op
        mov     lr, r7
        ret
dma_copy:
        mov     r7, lr
        push    r2
        movi    r2, DISK_CMD_WRITE
        call    disk_op
        pop     r1
        movi    r2, DISK_CMD_READ
        call    disk_op
        mov     lr, r7
        ret

; disk_op: r2 = command, r1 = address, sector 0, one sector; polls until the disk is no
; longer busy and acknowledges its interrupt line. Clobbers r1..r3.
disk_op:
        out     DISK_SECTOR, r0
        out     DISK_ADDRESS, r1
        movi    r1, 1
        out     DISK_COUNT, r1
        out     DISK_COMMAND, r2
.wait:
        in      r3, DISK_STATUS
        cmpi    r3, DISK_BUSY
        beq     .wait
        movi    r1, IRQ_DISK
        out     PIC_ACK, r1
        cmpi    r3, DISK_OK
        bne     .failed
        ret
.failed:
        la      r1, msg_failed
        call    puts
        mov     r1, r3
        call    put_dec
        call    newline
        jmp     halt_forever

; compare_sector: r3 = number of words that differ between the sectors at r1 and r2.
compare_sector:
        movi    r3, 0
        li      r6, SECTOR_SIZE
        add     r6, r1, r6
.loop:
        ldw     r4, [r1]
        ldw     r5, [r2]
        cmp     r4, r5
        beq     .same
        addi    r3, r3, 1
.same:
        addi    r1, r1, 4
        addi    r2, r2, 4
        cmp     r1, r6
        bltu    .loop
        ret

; handler: the disk's interrupt is acknowledged and counted; any other trap goes to the
; probe (lib.s), after noting its pc.
handler:
        mfcr    r13, cause
        cmpi    r13, CAUSE_IRQ_BASE + IRQ_DISK
        beq     .disk
        mfcr    r13, spc
        la      r12, probe_pc
        stw     r13, [r12]
        jmp     probe_trap
.disk:
        movi    r13, IRQ_DISK
        out     PIC_ACK, r13
        la      r12, irq_count
        ldw     r13, [r12]
        addi    r13, r13, 1
        stw     r13, [r12]
        rfe

.include "lib.s"

probe_pc:       .word   0
irq_count:      .word   0

msg_hello:      .asciz  "dma-code: disk DMA over code that has run, and over the code issuing it\n"
msg_no_disk:    .asciz  "dma-code: no disk (run with --disk guests/kernel/disk.txt)\n"
msg_failed:     .asciz  "disk transfer failed, status "
msg_s1_before:  .asciz  "routines run 30 times:\n"
msg_s1_after:   .asciz  "after DMA of new code over them:\n"
msg_s1_again:   .asciz  "after 30 more runs:\n"
msg_s1_restored: .asciz "after DMA of the old code back:\n"
msg_calc:       .asciz  "  calc(7) = "
msg_priv:       .asciz  ", priv = "
msg_ill:        .asciz  ", ill = "
msg_forge:      .asciz  ", forge = "
msg_flow:       .asciz  ", flow = "
msg_readback:   .asciz  "that code, DMAed to disk and back: words differing "
msg_readback2:  .asciz  ", forge slot "
msg_self_a:     .asciz  "DMA over the running loop, 200 passes (old/new):"
msg_self_b:     .asciz  "DMA over the running loop, reading the status each pass (old/new/sum):"
msg_self_c:     .asciz  "a loop that runs until the DMA rewrites its compare (passes):"
msg_self_d:     .asciz  "hlt through the DMA, woken in front of new code: "
msg_irqs:       .asciz  ", disk interrupts "
msg_straddle:   .asciz  "DMA across a page boundary, through a routine: "
msg_odd:        .asciz  "DMA to an odd address (code + 2), over three routines on two pages: "
msg_slash:      .asciz  "/"
msg_comma:      .asciz  ", "
msg_done:       .asciz  "dma-code: done\n"

; ---- the code the DMA rewrites ----------------------------------------------------------

        .align  PAGE_SIZE
; s1: routines rewritten by transfers issued from the page above.
s1:
r_calc:                                 ; (7 * 3 + 1) ^ 0x55 = 0x43; new: 7 * 3 + 100 | 0x8000
        muli    r1, r1, 3
r_calc.add:
        addi    r1, r1, 1
r_calc.x:
        xori    r1, r1, 0x55
        ret
r_priv:                                 ; r1 = 5; new: also prints '['
        movi    r2, '['
r_priv.slot:
        nop
        movi    r1, 5
        ret
r_ill:                                  ; r1 = 7; new: illegal at the slot, r1 = 1
        movi    r1, 1
r_ill.slot:
        ori     r1, r1, 2
        ori     r1, r1, 4
        ret
r_forge:                                ; r1 = 7; new: illegal at the slot, r1 = 1
        movi    r1, 1
r_forge.slot:
        ori     r1, r1, 2
        ori     r1, r1, 4
        ret
r_flow:                                 ; r1 = 0xf; new: the slot jumps over 4: r1 = 9
        movi    r1, 0
        ori     r1, r1, 1
r_flow.slot:
        ori     r1, r1, 2
        ori     r1, r1, 4
        ori     r1, r1, 8
        ret

; s2a: reads sector 0 over itself, then runs 200 passes of a loop while the transfer is in
; flight; the slot counts into r5 or r6 (its two versions). Ends when the disk is done.
        .align  SECTOR_SIZE
s2a:
self_a:
        la      r3, s2a
        out     DISK_SECTOR, r0
        out     DISK_ADDRESS, r3
        movi    r1, 1
        out     DISK_COUNT, r1
        movi    r5, 0
        movi    r6, 0
        movi    r9, 0
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1
.top:
self_a.slot:
        addi    r5, r5, 1
        addi    r9, r9, 1
        cmpi    r9, 200
        blt     .top
.wait:
        in      r1, DISK_STATUS
        cmpi    r1, DISK_BUSY
        beq     .wait
        movi    r1, IRQ_DISK
        out     PIC_ACK, r1
        ret

; s2b: the same, 100 passes that each read the disk's status: r7 = sum of the statuses
; seen (BUSY = 1, OK = 2).
        .align  SECTOR_SIZE
s2b:
self_b:
        la      r3, s2b
        out     DISK_SECTOR, r0
        out     DISK_ADDRESS, r3
        movi    r1, 1
        out     DISK_COUNT, r1
        movi    r5, 0
        movi    r6, 0
        movi    r7, 0
        movi    r9, 0
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1
.top:
self_b.slot:
        addi    r5, r5, 1
        in      r1, DISK_STATUS
        add     r7, r7, r1
        addi    r9, r9, 1
        cmpi    r9, 100
        blt     .top
        movi    r1, IRQ_DISK
        out     PIC_ACK, r1
        ret

; s2c: a loop that would run 30000 passes; the transfer turns its compare into cmpi r5, 0.
; r5 = the passes run.
        .align  SECTOR_SIZE
s2c:
self_c:
        la      r3, s2c
        out     DISK_SECTOR, r0
        out     DISK_ADDRESS, r3
        movi    r1, 1
        out     DISK_COUNT, r1
        movi    r5, 0
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1
.top:
        addi    r5, r5, 1
self_c.slot:
        cmpi    r5, 30000
        blt     .top
.wait:
        in      r1, DISK_STATUS
        cmpi    r1, DISK_BUSY
        beq     .wait
        movi    r1, IRQ_DISK
        out     PIC_ACK, r1
        ret

; s2d: starts the transfer and sleeps (hlt, interrupts on) until the disk interrupts; the
; instruction after the hlt is rewritten meanwhile. r1 = what it says.
        .align  SECTOR_SIZE
s2d:
self_d:
        movi    r1, IRQ_DISK            ; nothing stale pending
        out     PIC_ACK, r1
        la      r3, s2d
        out     DISK_SECTOR, r0
        out     DISK_ADDRESS, r3
        movi    r1, 1
        out     DISK_COUNT, r1
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1
        movi    r1, '?'
        sti
        hlt
self_d.slot:
        movi    r1, '?'
        cli
        ret

; s3: 512 bytes across the end of this page; r_straddle runs over the boundary.
        .org    s1 + PAGE_SIZE - SECTOR_SIZE / 2
s3:
        .org    s1 + PAGE_SIZE - 12
r_straddle:                             ; r1 = 0xf; new: 0x69
        movi    r1, 0
        ori     r1, r1, 1
r_straddle.a:
        ori     r1, r1, 2               ; the last word of the page
r_straddle.b:
        ori     r1, r1, 4               ; the first word of the next
        ori     r1, r1, 8
        ret
        .space  SECTOR_SIZE / 2 - 12

; s4: the last 512 bytes of the next page, and the first words of the one after.
        .org    s1 + 2 * PAGE_SIZE - SECTOR_SIZE
s4:
r_first:                                ; r1 = 0x11; new: muli r1, r0, 0x11: r1 = 0
        movi    r1, 0x11
        ret
r_mid:                                  ; r1 = 0x33; new: 0x44
        movi    r1, 0x33
        ret
        .org    s1 + 2 * PAGE_SIZE
r_last:                                 ; r1 = 0x22; new: 0x4444
        movi    r1, 0x22
        ret
