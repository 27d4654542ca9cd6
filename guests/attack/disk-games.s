; disk-games.s - the disk as a guarded resource: bad sectors, counts, addresses, commands, busy.
;
; Attacks: the VMM's virtual disk: its bounds checks (done when a transfer completes, on
; the values latched when it started: first the sectors, then the memory range), its
; arithmetic (SECTOR + COUNT and ADDRESS + COUNT x 512 must not wrap past 2^32 into
; range), its latency (200 + 50 x min(COUNT, 65536) ticks of the guest's own clock), its
; busy state (a command written while busy is ignored, whatever its value; registers
; rewritten while busy do not change the transfer) and its completion interrupt. The
; guest prints the registers at reset and after writes to the read-only ones; then for
; each transfer: the status right after the command, the final status, the ticks until
; it completed and how many polls (or the tick its interrupt came at): sector 0 (good),
; sector 1, 0xffffffff (SECTOR + COUNT wraps to 0), counts 0, 2, 0x10001 and 0xffffffff
; (with sector 1: wraps to 0), 0x800000 (COUNT x 512 = 2^32), addresses at, past and
; straddling the end of memory, 0xfffffe00 (ends exactly at 2^32), 0xffffff00 (wraps),
; unaligned and page-straddling ones, five unknown commands; a command issued while
; the disk is busy (three of them, then new registers); a write, read back; the same
; read polled, by interrupt while sleeping in hlt, by interrupt while spinning, with its
; status read at every tick around its completion, and with its line masked until after
; it completed.
;
; What must happen: the same statuses, latencies, polls, interrupt points and memory as
; on bare hardware, in every mode; no transfer that fails moves a byte.
;
; Needs a disk of one sector: run it with --disk guests/kernel/disk.txt.
; Expected console output (bare, 1 MiB, that disk): disk-games.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ BUF, 0x20000                       ; sector 0 as read at the start
.equ BUF2, 0x21000                      ; targets of later reads
.equ BUF3, 0x22000
.equ BUF4, 0x23000
.equ ODD, 0x30003                       ; an unaligned target
.equ STRADDLE, 0x31f80                  ; a target across a page boundary
.equ FILL, 0xaa                         ; what untouched buffer bytes hold

; hs: what the disk interrupt handler recorded (it owns r10..r13)
.equ H_COUNT, 0
.equ H_STATUS, 4
.equ H_NOW, 8
.equ H_SPC, 12

.equ HOW_POLL, 0
.equ HOW_HLT, 1
.equ HOW_SPIN, 2

.macro SAY text
        la      r1, say_s\@
        call    puts
        jmp     say_a\@
say_s\@:
        .asciz  \text
        .align  4
say_a\@:
.endm

.macro SHOWX text, reg
        mov     r9, \reg
        la      r1, showx_s\@
        call    show_hex
        jmp     showx_a\@
showx_s\@:
        .asciz  \text
        .align  4
showx_a\@:
.endm

.macro SHOWD text, reg
        mov     r9, \reg
        la      r1, showd_s\@
        call    show_dec
        jmp     showd_a\@
showd_s\@:
        .asciz  \text
        .align  4
showd_a\@:
.endm

; DMA how, command, sector, address, count, "label": one transfer, printed.
.macro DMA how, command, sector, address, count, text
        li      r1, \command
        li      r2, \sector
        li      r3, \address
        li      r4, \count
        la      r5, dma_s\@
        movi    r6, \how
        call    dma
        jmp     dma_a\@
dma_s\@:
        .asciz  \text
        .align  4
dma_a\@:
.endm

; DMA_END how, command, sector, offset, count, "label": the address is mem_end + offset.
.macro DMA_END how, command, sector, offset, count, text
        li      r1, \command
        li      r2, \sector
        la      r3, mem_end
        ldw     r3, [r3]
        li      r4, \offset
        add     r3, r3, r4
        li      r4, \count
        la      r5, dma_s\@
        movi    r6, \how
        call    dma
        jmp     dma_a\@
dma_s\@:
        .asciz  \text
        .align  4
dma_a\@:
.endm

        .org    0x1000
start:
        la      r1, mem_end
        stw     sp, [r1]
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        SAY     "disk-games: the disk as a guarded resource\n"
        call    fill_buffers

        ; ---- registers --------------------------------------------------------------------
        SAY     "1. registers at reset (sector, address, count, command, status, size, 0x36, 0x37):\n"
        call    show_regs
        in      r6, DISK_SIZE
        cmpi    r6, 0
        bne     .have_disk
        SAY     "disk-games: no disk (run with --disk guests/kernel/disk.txt)\n"
        jmp     halt_forever
.have_disk:
        SAY     "   after writing 0xdeadbeef, 0x12345678, 0xcafef00d, and 7 to status, 99 to size,\n"
        SAY     "   0x5a to 0x36 and 0x37:\n"
        li      r1, 0xdeadbeef
        out     DISK_SECTOR, r1
        li      r1, 0x12345678
        out     DISK_ADDRESS, r1
        li      r1, 0xcafef00d
        out     DISK_COUNT, r1
        movi    r1, 7
        out     DISK_STATUS, r1
        movi    r1, 99
        out     DISK_SIZE, r1
        movi    r1, 0x5a
        out     0x36, r1
        out     0x37, r1
        call    show_regs
        in      r6, PIC_PENDING
        SHOWX   "pic pending (no command yet)", r6

        ; ---- transfers, polled ----------------------------------------------------------------
        SAY     "2. transfers, polled (status right after the command -> final status, ticks, polls):\n"
        DMA     HOW_POLL, DISK_CMD_READ, 0, BUF, 1, "read sector 0 -> 0x20000"
        la      r1, BUF
        call    print_line
        DMA     HOW_POLL, DISK_CMD_READ, 1, BUF2, 1, "read sector 1 (beyond the disk)"
        DMA     HOW_POLL, DISK_CMD_READ, 0xffffffff, BUF2, 1, "read sector 0xffffffff (+1 wraps to 0)"
        DMA     HOW_POLL, DISK_CMD_READ, 0x80000000, BUF2, 1, "read sector 0x80000000"
        DMA     HOW_POLL, DISK_CMD_READ, 0, BUF2, 0, "read 0 sectors"
        DMA     HOW_POLL, DISK_CMD_READ, 0, BUF2, 2, "read 2 sectors (the disk has 1)"
        DMA     HOW_POLL, DISK_CMD_WRITE, 0, BUF2, 0, "write 0 sectors"
        DMA     HOW_POLL, DISK_CMD_WRITE, 1, BUF2, 1, "write sector 1"
        DMA     HOW_POLL, DISK_CMD_READ, 0, 0xfffffe00, 1, "read -> 0xfffffe00 (ends at 2^32)"
        DMA     HOW_POLL, DISK_CMD_READ, 0, 0xffffff00, 1, "read -> 0xffffff00 (wraps past 2^32)"
        DMA     HOW_POLL, DISK_CMD_READ, 0, 0xffffffff, 1, "read -> 0xffffffff"
        DMA     HOW_POLL, DISK_CMD_READ, 0, 0x7fffffff, 1, "read -> 0x7fffffff"
        DMA     HOW_POLL, DISK_CMD_WRITE, 0, 0xffffff00, 1, "write <- 0xffffff00 (wraps past 2^32)"
        DMA_END HOW_POLL, DISK_CMD_READ, 0, 0, 1, "read -> end of memory"
        DMA_END HOW_POLL, DISK_CMD_READ, 0, -511, 1, "read -> end - 511 (one byte past the end)"
        DMA_END HOW_POLL, DISK_CMD_WRITE, 0, -256, 1, "write <- end - 256 (straddles the end)"
        DMA_END HOW_POLL, DISK_CMD_READ, 0, -512, 2, "read 2 sectors -> end - 512 (past the disk and memory)"
        DMA_END HOW_POLL, DISK_CMD_READ, 0, -512, 1, "read -> end - 512 (ends exactly at the end)"
        DMA     HOW_POLL, DISK_CMD_READ, 0, ODD, 1, "read -> 0x30003 (unaligned)"
        DMA     HOW_POLL, DISK_CMD_READ, 0, STRADDLE, 1, "read -> 0x31f80 (across a page boundary)"
        DMA     HOW_POLL, 0, 0, BUF2, 1, "command 0"
        DMA     HOW_POLL, 3, 0, BUF2, 1, "command 3"
        DMA     HOW_POLL, 0xff, 0, BUF2, 1, "command 0xff"
        DMA     HOW_POLL, 0x80000001, 0, BUF2, 1, "command 0x80000001"
        DMA     HOW_POLL, 0xffffffff, 0, BUF2, 1, "command 0xffffffff"
        call    check_memory
        DMA     HOW_POLL, DISK_CMD_READ, 0, BUF3, 1, "read sector 0 -> 0x22000 again"
        li      r1, BUF3
        li      r2, BUF
        li      r3, SECTOR_SIZE
        call    same_bytes
        SHOWD   "bytes equal to sector 0 as first read (of 512)", r1

        ; ---- the longest transfers, waited for with hlt ------------------------------------------
        SAY     "3. the longest transfers, waited for with hlt (ticks until the interrupt):\n"
        DMA     HOW_HLT, DISK_CMD_READ, 0, BUF2, 0x10000, "read 0x10000 sectors"
        DMA     HOW_HLT, DISK_CMD_READ, 0, BUF2, 0x10001, "read 0x10001 sectors"
        DMA     HOW_HLT, DISK_CMD_READ, 1, BUF2, 0xffffffff, "read 0xffffffff sectors from sector 1 (+ wraps to 0)"
        DMA     HOW_HLT, DISK_CMD_READ, 0, 0x1000, 0x800000, "read 0x800000 sectors -> 0x1000 (x 512 = 2^32)"
        DMA     HOW_HLT, DISK_CMD_WRITE, 0, 0x1000, 0x800000, "write 0x800000 sectors <- 0x1000"

        ; ---- a command while busy ---------------------------------------------------------------
        SAY     "4. read sector 0 -> 0x21000, then while busy: commands 0x41, 2, 1, and new registers\n"
        SAY     "   (sector 5, address 0x22000, count 3):\n"
        call    fill_buffers
        movi    r1, 0
        out     DISK_SECTOR, r1
        li      r1, BUF2
        out     DISK_ADDRESS, r1
        movi    r1, 1
        out     DISK_COUNT, r1
        in      r7, TIMER_NOW
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1
        movi    r1, 0x41
        out     DISK_COMMAND, r1
        in      r2, DISK_STATUS
        in      r3, PIC_PENDING
        movi    r1, DISK_CMD_WRITE
        out     DISK_COMMAND, r1
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1
        movi    r1, 5
        out     DISK_SECTOR, r1
        li      r1, BUF3
        out     DISK_ADDRESS, r1
        movi    r1, 3
        out     DISK_COUNT, r1
        in      r4, DISK_STATUS
        push    r4
        push    r3
        push    r2
        movi    r8, 0
.busy:
        addi    r8, r8, 1
        in      r2, DISK_STATUS
        cmpi    r2, DISK_BUSY
        beq     .busy
        in      r6, TIMER_NOW
        sub     r6, r6, r7
        mov     r7, r2
        pop     r2
        SHOWD   "status after the ignored command 0x41", r2
        pop     r3
        SHOWX   "pic pending then", r3
        pop     r4
        SHOWD   "status after the new registers", r4
        SHOWD   "final status", r7
        SHOWD   "ticks from before the first command", r6
        SHOWD   "polls", r8
        call    show_regs
        la      r1, BUF2
        call    print_line
        li      r1, BUF3
        movi    r2, 3 * SECTOR_SIZE
        call    count_fill
        SHOWD   "bytes at 0x22000 (3 sectors) still untouched", r1
        in      r6, DISK_STATUS
        in      r7, DISK_STATUS
        SHOWD   "status read again", r6
        SHOWD   "and again", r7
        movi    r1, IRQ_DISK
        out     PIC_ACK, r1

        ; ---- a write, read back ------------------------------------------------------------------
        SAY     "5. write sector 0 from a changed copy, read it back:\n"
        la      r1, new_text
        li      r2, BUF4
.copy:
        ldb     r3, [r1]
        stb     r3, [r2]
        addi    r1, r1, 1
        addi    r2, r2, 1
        cmpi    r3, 0
        bne     .copy
        DMA     HOW_POLL, DISK_CMD_WRITE, 0, BUF4, 1, "write sector 0 <- 0x23000"
        DMA     HOW_POLL, DISK_CMD_READ, 0, BUF2, 1, "read sector 0 -> 0x21000"
        la      r1, BUF2
        call    print_line

        ; ---- polled versus interrupt -----------------------------------------------------------
        SAY     "6. one read, polled / by interrupt in hlt / by interrupt while spinning:\n"
        DMA     HOW_POLL, DISK_CMD_READ, 0, BUF2, 1, "polled"
        DMA     HOW_HLT, DISK_CMD_READ, 0, BUF2, 1, "interrupt, hlt"
        DMA     HOW_SPIN, DISK_CMD_READ, 0, BUF2, 1, "interrupt, spinning"
        DMA     HOW_SPIN, DISK_CMD_READ, 0, BUF2, 7, "interrupt, spinning, 7 sectors (bad)"
        DMA     HOW_SPIN, 9, 0, BUF2, 1, "interrupt, spinning, command 9"

        SAY     "   status read at every tick from 245 to 252 ticks after the command (due at 250):\n"
        movi    r1, 0
        out     DISK_SECTOR, r1
        li      r1, BUF2
        out     DISK_ADDRESS, r1
        movi    r1, 1
        out     DISK_COUNT, r1
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1        ; tick c
        movi    r2, 81                  ; c + 1
.delay:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .delay                  ; c + 244
        in      r0, DISK_STATUS         ; c + 245
        in      r2, DISK_STATUS
        in      r3, DISK_STATUS
        in      r4, DISK_STATUS
        in      r5, DISK_STATUS
        in      r6, DISK_STATUS         ; c + 250
        in      r7, PIC_PENDING
        in      r8, DISK_STATUS
        la      r1, regs
        stw     r0, [r1]
        stw     r2, [r1 + 4]
        stw     r3, [r1 + 8]
        stw     r4, [r1 + 12]
        stw     r5, [r1 + 16]
        stw     r6, [r1 + 20]
        stw     r7, [r1 + 24]
        stw     r8, [r1 + 28]
        la      r1, msg_burst
        call    puts
        la      r8, regs
        movi    r9, 8
.burst:
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ldw     r1, [r8]
        call    put_dec
        addi    r8, r8, 4
        subi    r9, r9, 1
        cmpi    r9, 0
        bne     .burst
        call    newline
        movi    r1, IRQ_DISK
        out     PIC_ACK, r1

        ; ---- line masked until after completion ---------------------------------------------
        SAY     "7. a read with line 2 masked and interrupts on; 400 ticks later, unmasked:\n"
        call    reset_hs
        li      r1, -1
        out     PIC_MASK, r1
        movi    r1, 0
        out     DISK_SECTOR, r1
        li      r1, BUF2
        out     DISK_ADDRESS, r1
        movi    r1, 1
        out     DISK_COUNT, r1
        in      r7, TIMER_NOW
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1
        sti
        movi    r2, 133
.wait7:
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .wait7
        in      r6, PIC_PENDING
        in      r8, DISK_STATUS
        li      r1, ~(1 << IRQ_DISK)
        out     PIC_MASK, r1            ; taken right after this out
s7_after:
        nop
        cli
        SHOWX   "pending while masked", r6
        SHOWD   "status while masked", r8
        la      r6, s7_after
        SHOWX   "the instruction after the unmasking out", r6
        call    show_hs

        ; ---- the end ----------------------------------------------------------------------------
        li      r1, -1
        out     PIC_MASK, r1
        SAY     "registers at the end:\n"
        call    show_regs
        la      r1, hs_total
        ldw     r6, [r1]
        SHOWD   "disk-games: disk interrupts taken", r6
        in      r6, TIMER_NOW
        SHOWD   "clock (TIMER_NOW)", r6
        SAY     "disk-games: done\n"
        jmp     halt_forever

; dma: r1 = command, r2 = sector, r3 = address, r4 = count, r5 = label, r6 = how. One
; transfer: "  <label>: <status right after> -> <final status>, T ticks, P polls" (how
; HOW_POLL) or "..., interrupt after T ticks" (HOW_HLT: sleeping; HOW_SPIN: spinning, with
; the loop iterations done). Acknowledges line 2 after polling. Clobbers r1..r9.
dma:
        push    lr
        push    r5
        push    r6
        out     DISK_SECTOR, r2
        out     DISK_ADDRESS, r3
        out     DISK_COUNT, r4
        push    r1
        call    reset_hs
        pop     r1
        li      r2, ~(1 << IRQ_DISK)
        cmpi    r6, HOW_POLL
        bne     .unmask
        li      r2, -1
.unmask:
        out     PIC_MASK, r2
        in      r7, TIMER_NOW
        out     DISK_COMMAND, r1
        in      r8, DISK_STATUS         ; right after
        cmpi    r6, HOW_HLT
        beq     .hlt
        cmpi    r6, HOW_SPIN
        beq     .spin
        movi    r9, 0
.poll:
        addi    r9, r9, 1
        in      r2, DISK_STATUS
        cmpi    r2, DISK_BUSY
        beq     .poll
        in      r3, TIMER_NOW
        movi    r1, IRQ_DISK
        out     PIC_ACK, r1
        jmp     .print
.hlt:
        movi    r9, 0
        sti
.sleep:
        la      r1, hs
        ldw     r1, [r1 + H_COUNT]
        cmpi    r1, 0
        bne     .woken
        hlt
        jmp     .sleep
.woken:
        cli
        jmp     .from_handler
.spin:
        movi    r9, 0
        sti
.spinning:
        addi    r9, r9, 1
        la      r1, hs
        ldw     r1, [r1 + H_COUNT]
        cmpi    r1, 0
        beq     .spinning
        cli
.from_handler:
        la      r1, hs
        ldw     r2, [r1 + H_STATUS]
        ldw     r3, [r1 + H_NOW]
.print:
        sub     r7, r3, r7              ; ticks
        pop     r6
        pop     r1
        push    r2
        push    r6
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_colon
        call    puts
        mov     r1, r8
        call    put_status
        la      r1, msg_arrow
        call    puts
        pop     r6
        pop     r1
        call    put_status
        la      r1, msg_comma
        call    puts
        cmpi    r6, HOW_POLL
        beq     .polled
        la      r1, msg_interrupt
        call    puts
.polled:
        mov     r1, r7
        call    put_dec
        la      r1, msg_ticks
        call    puts
        cmpi    r6, HOW_HLT
        beq     .end
        la      r1, msg_comma
        call    puts
        mov     r1, r9
        call    put_dec
        la      r1, msg_polls
        cmpi    r6, HOW_POLL
        beq     .what
        la      r1, msg_iterations
.what:
        call    puts
.end:
        call    newline
        li      r1, -1
        out     PIC_MASK, r1
        pop     lr
        ret

; put_status: the name of status r1. Clobbers r1..r3.
put_status:
        cmpi    r1, DISK_BAD_COMMAND
        bgtu    .number
        shli    r1, r1, 2
        la      r2, status_names
        add     r1, r1, r2
        ldw     r1, [r1]
        jmp     puts
.number:
        jmp     put_dec

; show_regs: the disk's eight ports, in hex on one line. Clobbers r1..r9.
show_regs:
        push    lr
        in      r2, DISK_SECTOR
        in      r3, DISK_ADDRESS
        in      r4, DISK_COUNT
        in      r5, DISK_COMMAND
        in      r6, DISK_STATUS
        in      r7, DISK_SIZE
        in      r8, 0x36
        in      r9, 0x37
        la      r1, regs
        stw     r2, [r1]
        stw     r3, [r1 + 4]
        stw     r4, [r1 + 8]
        stw     r5, [r1 + 12]
        stw     r6, [r1 + 16]
        stw     r7, [r1 + 20]
        stw     r8, [r1 + 24]
        stw     r9, [r1 + 28]
        la      r1, msg_regs
        call    puts
        la      r8, regs
        movi    r9, 8
.next:
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ldw     r1, [r8]
        call    put_hex
        addi    r8, r8, 4
        subi    r9, r9, 1
        cmpi    r9, 0
        bne     .next
        call    newline
        pop     lr
        ret

; show_hs: the handler's record: count, status, spc.
show_hs:
        push    lr
        la      r6, hs
        ldw     r6, [r6 + H_COUNT]
        SHOWD   "interrupts taken", r6
        la      r6, hs
        ldw     r6, [r6 + H_STATUS]
        SHOWD   "status seen by the handler", r6
        la      r6, hs
        ldw     r6, [r6 + H_SPC]
        SHOWX   "taken before pc", r6
        pop     lr
        ret

; fill_buffers: BUF2..BUF4 + 4 KiB, and 0x30000..0x33000, all FILL. Clobbers r1..r3.
fill_buffers:
        li      r1, BUF2
        li      r2, BUF4 + PAGE_SIZE
        movi    r3, FILL
.fill1:
        stb     r3, [r1]
        addi    r1, r1, 1
        cmp     r1, r2
        bltu    .fill1
        li      r1, 0x30000
        li      r2, 0x33000
.fill2:
        stb     r3, [r1]
        addi    r1, r1, 1
        cmp     r1, r2
        bltu    .fill2
        la      r1, mem_end             ; and the last page of memory
        ldw     r2, [r1]
        li      r1, -PAGE_SIZE
        add     r1, r2, r1
.fill3:
        stb     r3, [r1]
        addi    r1, r1, 1
        cmp     r1, r2
        bltu    .fill3
        ret

; count_fill: r1 = how many of the r2 bytes from r1 on still hold FILL. Clobbers r2..r4.
count_fill:
        add     r2, r1, r2
        movi    r4, 0
.next:
        ldb     r3, [r1]
        cmpi    r3, FILL
        bne     .other
        addi    r4, r4, 1
.other:
        addi    r1, r1, 1
        cmp     r1, r2
        bltu    .next
        mov     r1, r4
        ret

; same_bytes: r1 = how many of the r3 bytes at r1 and r2 are equal. Clobbers r2..r6.
same_bytes:
        add     r3, r1, r3
        movi    r6, 0
.next:
        ldb     r4, [r1]
        ldb     r5, [r2]
        cmp     r4, r5
        bne     .diff
        addi    r6, r6, 1
.diff:
        addi    r1, r1, 1
        addi    r2, r2, 1
        cmp     r1, r3
        bltu    .next
        mov     r1, r6
        ret

; check_memory: what the stage 2 transfers left in memory.
check_memory:
        push    lr
        SAY     "   memory after them:\n"
        li      r1, BUF2
        li      r2, PAGE_SIZE
        call    count_fill
        SHOWD   "bytes of 0x21000..0x22000 still untouched (of 4096)", r1
        li      r1, 0x30000
        movi    r2, 3
        call    count_fill
        SHOWD   "bytes of 0x30000..0x30003 still untouched (of 3)", r1
        li      r1, ODD
        li      r2, BUF
        li      r3, SECTOR_SIZE
        call    same_bytes
        SHOWD   "bytes at 0x30003 equal to sector 0 (of 512)", r1
        li      r1, ODD + SECTOR_SIZE
        li      r2, 0x31000 - ODD - SECTOR_SIZE
        call    count_fill
        SHOWD   "bytes after them up to 0x31000 still untouched (of 3581)", r1
        li      r1, STRADDLE
        li      r2, BUF
        li      r3, SECTOR_SIZE
        call    same_bytes
        SHOWD   "bytes at 0x31f80 equal to sector 0 (of 512)", r1
        li      r1, STRADDLE + SECTOR_SIZE
        li      r2, 0x33000 - STRADDLE - SECTOR_SIZE
        call    count_fill
        SHOWD   "bytes after them up to 0x33000 still untouched (of 3712)", r1
        la      r1, mem_end
        ldw     r1, [r1]
        li      r2, -PAGE_SIZE
        add     r1, r1, r2
        li      r2, PAGE_SIZE - SECTOR_SIZE
        call    count_fill
        SHOWD   "bytes of the last page below end - 512 still untouched (of 3584)", r1
        la      r1, mem_end
        ldw     r1, [r1]
        li      r2, -SECTOR_SIZE
        add     r1, r1, r2
        li      r2, BUF
        li      r3, SECTOR_SIZE
        call    same_bytes
        SHOWD   "bytes of the last 512 equal to sector 0 (of 512)", r1
        pop     lr
        ret

; print_line: "  sector 0's first line: <the bytes at r1 up to a newline>". Clobbers r1..r3.
print_line:
        push    lr
        push    r1
        la      r1, msg_line
        call    puts
        pop     r3
.next:
        ldb     r2, [r3]
        cmpi    r2, 0
        beq     .end
        cmpi    r2, '\n'
        beq     .end
        out     CONSOLE_DATA, r2
        addi    r3, r3, 1
        jmp     .next
.end:
        call    newline
        pop     lr
        ret

; reset_hs: clear the handler's record. Clobbers r1, r2.
reset_hs:
        la      r1, hs
        movi    r2, 0
        stw     r2, [r1 + H_COUNT]
        stw     r2, [r1 + H_STATUS]
        stw     r2, [r1 + H_NOW]
        stw     r2, [r1 + H_SPC]
        ret

; handler: the disk's interrupt only. Uses r10..r13.
handler:
        in      r13, TIMER_NOW
        mfcr    r10, cause
        cmpi    r10, CAUSE_IRQ_BASE + IRQ_DISK
        bne     unexpected
        la      r12, hs
        stw     r13, [r12 + H_NOW]
        in      r11, DISK_STATUS
        stw     r11, [r12 + H_STATUS]
        ldw     r11, [r12 + H_COUNT]
        addi    r11, r11, 1
        stw     r11, [r12 + H_COUNT]
        mfcr    r11, spc
        stw     r11, [r12 + H_SPC]
        la      r12, hs_total
        ldw     r11, [r12]
        addi    r11, r11, 1
        stw     r11, [r12]
        movi    r11, IRQ_DISK
        out     PIC_ACK, r11
        rfe


        .align  4
mem_end:        .word   0
hs:             .space  16
hs_total:       .word   0
regs:           .space  32
status_names:   .word   st_idle, st_busy, st_ok, st_bad_sector, st_bad_address, st_bad_command
st_idle:        .asciz  "IDLE"
st_busy:        .asciz  "BUSY"
st_ok:          .asciz  "OK"
st_bad_sector:  .asciz  "BAD_SECTOR"
st_bad_address: .asciz  "BAD_ADDRESS"
st_bad_command: .asciz  "BAD_COMMAND"
msg_regs:       .asciz  "  disk ports 0x30..0x37:"
msg_burst:      .asciz  "  status x6, pic pending, status:"
msg_arrow:      .asciz  " -> "
msg_comma:      .asciz  ", "
msg_interrupt:  .asciz  "interrupt after "
msg_ticks:      .asciz  " ticks"
msg_polls:      .asciz  " polls"
msg_iterations: .asciz  " loop iterations"
msg_line:       .asciz  "  sector 0's first line: "
new_text:       .asciz  "disk-games was here\n"

.include "lib.s"
