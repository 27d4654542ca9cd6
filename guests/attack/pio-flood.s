; pio-flood.s - a flood of in/out on every device register, unused offsets and unowned ports.
;
; Attacks: the VMM's port-I/O emulation (in trap mode every in/out is an exit; in full
; mode a callout) and its decoding of the port space. For 64 rounds, with interrupts off,
; the guest writes pseudo-random values to every port 0x00..0x4f (except CONSOLE_DATA,
; which gets one '.' a round): the read-only registers (CONSOLE_STATUS, TIMER_REMAINING,
; TIMER_NOW, DISK_STATUS, DISK_SIZE, PIC_PENDING, PIC_NEXT: nothing may change, the clock
; least of all), the write-only ones (DISK_COMMAND, PIC_ACK: they read 0), the unused
; offsets (0x13, 0x23, 0x36, 0x37: they read 0), the timer's period (restarted, stopped),
; the disk's registers and commands (transfers start, finish with BAD_SECTOR on an empty
; disk, commands while busy are ignored; addresses stay inside a scratch area), the PIC's
; mask and acknowledge; and ports no device owns, among them aliases of the device ports
; with high bits set (0x0110, 0x1010, 0x8010, 0xff10, ... written with '!': nothing may
; print). Then it reads all of them back, twice, and a burst of TIMER_NOW / REMAINING /
; DISK_STATUS, folding every value into a checksum per device and counting the reads that
; return all ones (every read of an unowned port must). Every 16 rounds it prints the
; checksums; at the end its devices' registers.
;
; What must happen: every value read exactly as on bare hardware (same checksums, same
; clock, same counts), in every mode and with any scheduling quantum; nothing a write to
; an unowned port or an alias does reaches a device.
;
; Expected console output (bare, 1 MiB, no disk): pio-flood.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ ROUNDS, 64
.equ SCRATCH, 0x80000                   ; DMA addresses stay in [SCRATCH, SCRATCH + 0x8000 + 7 * 512)

.equ G_CONSOLE, 0
.equ G_TIMER, 1
.equ G_DISK, 2
.equ G_PIC, 3
.equ G_NONE, 4
.equ GROUPS, 5

; RDS port, count, group: read count ports from port on, folding each into the group.
.macro RDS port, count, group
        .if \count
        in      r2, \port
        movi    r3, \group
        call    fold
        RDS     \port + 1, \count - 1, \group
        .endif
.endm

; WRS port, count: write a fresh pseudo-random value to count ports from port on.
.macro WRS port, count
        .if \count
        call    rnd
        out     \port, r4
        WRS     \port + 1, \count - 1
        .endif
.endm

; WRC port, value: write a constant.
.macro WRC port, value
        li      r4, \value
        out     \port, r4
.endm

; RD1 port, group / WR1 port: one port.
.macro RD1 port, group
        RDS     \port, 1, \group
.endm

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

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, unexpected              ; no trap may happen at all (lib.s: print it, halt)
        mtcr    tvec, r1
        SAY     "pio-flood: 64 rounds of in/out on every device register and unowned ports\n"
        li      r11, 0x2545f491         ; the pseudo-random state
        movi    r10, 0                  ; round
round:
        ; ---- writes: unowned ports below the console ---------------------------------------
        WRS     0x00, 16
        ; console: data gets one '.', the rest random
        movi    r4, '.'
        out     CONSOLE_DATA, r4
        WRS     CONSOLE_STATUS, 3
        WRS     0x14, 12
        ; timer: period 0..63 (0 stops it), then random to the read-only and unused ones
        call    rnd
        andi    r4, r4, 63
        out     TIMER_PERIOD, r4
        WRS     TIMER_REMAINING, 3
        WRS     0x24, 12
        ; disk: any sector, an address in the scratch area, 0..7 sectors, command 0..3
        call    rnd
        out     DISK_SECTOR, r4
        call    rnd
        andi    r4, r4, 0x7fff
        li      r5, SCRATCH
        add     r4, r4, r5
        out     DISK_ADDRESS, r4
        call    rnd
        andi    r4, r4, 7
        out     DISK_COUNT, r4
        call    rnd
        andi    r4, r4, 3
        out     DISK_COMMAND, r4        ; ignored while a transfer is in flight
        WRS     DISK_STATUS, 4
        WRS     0x38, 8
        ; pic: a random mask, an ack of 0..63, random to pending and next
        call    rnd
        out     PIC_MASK, r4
        WRS     PIC_PENDING, 1
        call    rnd
        andi    r4, r4, 63
        out     PIC_ACK, r4
        WRS     PIC_NEXT, 1
        WRS     0x44, 12
        ; unowned, far away, and aliases of the device ports: '!' must not print
        WRC     0x0110, '!'
        WRC     0x0210, '!'
        WRC     0x1010, '!'
        WRC     0x8010, '!'
        WRC     0xff10, '!'
        WRC     0xfff0, '!'
        WRC     0x1020, 1               ; would start a timer of period 1
        WRC     0x1033, 1               ; would start a transfer
        WRC     0x1040, 0               ; would unmask every line
        WRS     0x50, 1
        WRS     0x7f, 2
        WRS     0xff, 2
        WRS     0x0120, 1
        WRS     0x0130, 8
        WRS     0x0140, 4
        WRS     0xfffe, 2

        ; ---- reads, twice ---------------------------------------------------------------------
        movi    r9, 2
reads:
        push    r9
        RDS     0x00, 16, G_NONE
        RDS     0x10, 4, G_CONSOLE
        RDS     0x14, 12, G_NONE
        RDS     0x20, 4, G_TIMER
        RDS     0x24, 12, G_NONE
        RDS     0x30, 8, G_DISK
        RDS     0x38, 8, G_NONE
        RDS     0x40, 4, G_PIC
        RDS     0x44, 12, G_NONE
        RD1     0x0110, G_NONE
        RD1     0x0210, G_NONE
        RD1     0x1010, G_NONE
        RD1     0x8010, G_NONE
        RD1     0xff10, G_NONE
        RD1     0xfff0, G_NONE
        RD1     0x1020, G_NONE
        RD1     0x1022, G_NONE
        RD1     0x1033, G_NONE
        RD1     0x1040, G_NONE
        RD1     0x1041, G_NONE
        RDS     0x50, 1, G_NONE
        RDS     0x7f, 2, G_NONE
        RDS     0xff, 2, G_NONE
        RDS     0x0120, 4, G_NONE
        RDS     0x0130, 8, G_NONE
        RDS     0x0140, 4, G_NONE
        RDS     0xfffe, 2, G_NONE
        pop     r9
        subi    r9, r9, 1
        cmpi    r9, 0
        bne     reads

        ; ---- a burst: the clock, the timer and the disk one tick apart -------------------------
        in      r2, TIMER_NOW
        in      r3, TIMER_REMAINING
        in      r4, DISK_STATUS
        in      r5, TIMER_NOW
        in      r6, TIMER_REMAINING
        in      r7, PIC_PENDING
        in      r8, TIMER_NOW
        sub     r8, r8, r2              ; 6
        sub     r5, r5, r2              ; 3
        xor     r2, r3, r4
        xor     r2, r2, r5
        xor     r2, r2, r6
        xor     r2, r2, r7
        xor     r2, r2, r8
        movi    r3, G_TIMER
        call    fold

        addi    r10, r10, 1
        andi    r1, r10, 15
        cmpi    r1, 0
        bne     .no_report
        call    newline
        call    report_sums
.no_report:
        cmpi    r10, ROUNDS
        blt     round

        ; ---- the end: what the devices say now ---------------------------------------------------
        SAY     "its devices now:\n"
        in      r6, CONSOLE_STATUS
        SHOWX   "console status", r6
        in      r6, CONSOLE_CTRL
        SHOWX   "console ctrl", r6
        in      r6, TIMER_PERIOD
        SHOWX   "timer period", r6
        in      r6, DISK_SECTOR
        SHOWX   "disk sector", r6
        in      r6, DISK_ADDRESS
        SHOWX   "disk address", r6
        in      r6, DISK_COUNT
        SHOWX   "disk count", r6
        in      r6, DISK_STATUS
        SHOWX   "disk status", r6
        in      r6, DISK_SIZE
        SHOWX   "disk size", r6
        in      r6, PIC_MASK
        SHOWX   "pic mask", r6
        in      r6, PIC_PENDING
        SHOWX   "pic pending", r6
        in      r6, PIC_NEXT
        SHOWX   "pic next", r6
        movi    r1, 0
        out     TIMER_PERIOD, r1
        li      r1, SCRATCH             ; the scratch area: untouched without a disk
        li      r2, 0x8000 + 7 * SECTOR_SIZE
        add     r2, r1, r2
        movi    r6, 0
.scan:
        ldw     r3, [r1]
        or      r6, r6, r3
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .scan
        SHOWX   "or of the DMA scratch area", r6
        in      r6, TIMER_NOW
        SHOWD   "clock (TIMER_NOW)", r6
        SAY     "pio-flood: done\n"
        jmp     halt_forever

; rnd: r4 = the next pseudo-random value (state r11). Clobbers r5.
rnd:
        li      r5, 1103515245
        mul     r11, r11, r5
        li      r5, 12345
        add     r11, r11, r5
        shri    r5, r11, 16
        xor     r4, r11, r5
        ret

; fold: r2 = a value read, r3 = its group: sums[g] = rotl(sums[g], 5) ^ r2, reads[g]++,
; ones[g]++ if r2 is all ones. Clobbers r3, r5..r7.
fold:
        shli    r3, r3, 2
        la      r5, sums
        add     r5, r5, r3
        ldw     r6, [r5]
        shli    r7, r6, 5
        shri    r6, r6, 27
        or      r6, r6, r7
        xor     r6, r6, r2
        stw     r6, [r5]
        ldw     r6, [r5 + GROUPS * 4]
        addi    r6, r6, 1
        stw     r6, [r5 + GROUPS * 4]
        cmpi    r2, -1
        bne     .done
        ldw     r6, [r5 + GROUPS * 8]
        addi    r6, r6, 1
        stw     r6, [r5 + GROUPS * 8]
.done:
        ret

; report_sums: "round N: <group> 0x<sum> (reads R, all ones A) ..." one line per group.
report_sums:
        push    lr
        la      r1, msg_round
        call    puts
        mov     r1, r10
        call    put_dec
        la      r1, msg_colon2
        call    puts
        movi    r7, 0
.group:
        la      r1, msg_indent
        call    puts
        shli    r8, r7, 2
        la      r1, group_names
        add     r1, r1, r8
        ldw     r1, [r1]
        call    puts
        la      r1, msg_sum
        call    puts
        la      r9, sums
        add     r9, r9, r8
        ldw     r1, [r9]
        call    put_hex
        la      r1, msg_reads
        call    puts
        la      r9, sums
        add     r9, r9, r8
        ldw     r1, [r9 + GROUPS * 4]
        call    put_dec
        la      r1, msg_ones
        call    puts
        la      r9, sums
        add     r9, r9, r8
        ldw     r1, [r9 + GROUPS * 8]
        call    put_dec
        la      r1, msg_close
        call    puts
        addi    r7, r7, 1
        cmpi    r7, GROUPS
        blt     .group
        pop     lr
        ret

        .align  4
sums:           .space  GROUPS * 4 * 3      ; checksums, reads, all-ones reads
group_names:    .word   gn_console, gn_timer, gn_disk, gn_pic, gn_none
gn_console:     .asciz  "console"
gn_timer:       .asciz  "timer  "
gn_disk:        .asciz  "disk   "
gn_pic:         .asciz  "pic    "
gn_none:        .asciz  "no device"
msg_round:      .asciz  "after round "
msg_colon2:     .asciz  ":\n"
msg_sum:        .asciz  ": checksum "
msg_reads:      .asciz  " (reads "
msg_ones:       .asciz  ", all ones "
msg_close:      .asciz  ")\n"

.include "lib.s"
