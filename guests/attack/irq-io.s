; irq-io.s - interrupt-driven I/O: console input echoed by the handler, disk ended by interrupt.
;
; Attacks: the VMM's virtual console input line (level-triggered: raised again while input
; remains, whatever the guest acknowledges) and the virtual disk's completion interrupt,
; and their delivery into one guest's handler in the right order at the right instruction.
; The guest: 1. echoes its first input line from the handler, one byte per interrupt
; (the main loop never runs while the line is raised); at the newline the handler masks
; the line; 2. with the line masked and input left, acknowledges it: it is pending again
; at once; 3. clears the console's interrupt enable (now the acknowledge sticks) and reads
; five bytes by polling; 4. sets it again (0xff: bit 0 is kept) with the line masked:
; pending at once; sleeps with hlt until its timer (period 100) wakes it, whose handler
; stops the timer and unmasks line 1: then one interrupt per byte to the next newline,
; all taken before the instruction after the hlt; 5. starts a disk
; read and its timer (every 151 ticks), unmasks all three lines and logs every interrupt
; (console bytes, '*' for the timer, '#' for the disk) until the input is drained and the
; disk done: the timer's line beats the console's, which beats the disk's; 6. reads
; sector 0, writes it back changed and reads it again, each waited for with hlt and ended
; by the disk's interrupt (and a 2-sector read that ends with BAD_SECTOR by interrupt);
; then prints the console's registers once the input is drained, and the interrupt counts.
;
; What must happen: the same echo, log, statuses, latencies and counts as on bare
; hardware, in every mode, alone or beside other guests.
;
; Needs console input and a disk: run it with --input guests/attack/irq-io.input and
; --disk guests/kernel/disk.txt.
; Expected console output (bare, 1 MiB, that input and disk): irq-io.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ BUF_A, 0x20000                     ; sector buffers
.equ BUF_B, 0x21000
.equ LOG_MAX, 256

; hs: what the interrupt handler recorded (it owns r10..r13)
.equ H_MODE, 0                          ; MODE_ECHO or MODE_LOG
.equ H_DONE, 4                          ; MODE_ECHO: set (and line 1 masked) at a newline
.equ H_CONSOLE, 8                       ; console interrupts
.equ H_TIMER, 12                        ; timer interrupts
.equ H_DISK, 16                         ; disk interrupts
.equ H_DISK_STATUS, 20                  ; DISK_STATUS read by the last disk interrupt
.equ H_DISK_NOW, 24                     ; TIMER_NOW read by the last disk interrupt
.equ H_LOGLEN, 28
.equ H_FIRST_NOW, 32                    ; TIMER_NOW at the first console interrupt since reset
.equ H_LAST_NOW, 36                     ; ... and at the last
.equ H_INPUT_END, 40                    ; set when CONSOLE_STATUS says the input is drained

.equ MODE_ECHO, 0                       ; console bytes echoed; mask line 1 at a newline
.equ MODE_LOG, 1                        ; every interrupt logged in hlog

; LOG_R10: append the byte r10 to hlog (in the handler: r12 = hs; clobbers r11, r13).
.macro LOG_R10
        ldw     r11, [r12 + H_LOGLEN]
        cmpi    r11, LOG_MAX
        bge     log_full\@
        la      r13, hlog
        add     r13, r13, r11
        stb     r10, [r13]
        addi    r11, r11, 1
        stw     r11, [r12 + H_LOGLEN]
log_full\@:
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

; HS_GET reg, field: reg = hs.field. Clobbers r9.
.macro HS_GET reg, field
        la      r9, hs
        ldw     \reg, [r9 + \field]
.endm

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        SAY     "irq-io: interrupt-driven console input and disk\n"
        in      r6, CONSOLE_STATUS
        in      r7, DISK_SIZE
        SHOWD   "console status", r6
        SHOWD   "disk size", r7
        cmpi    r6, CONSOLE_INPUT_READY
        bne     .missing
        cmpi    r7, 0
        bne     .ready
.missing:
        SAY     "irq-io: needs --input guests/attack/irq-io.input --disk guests/kernel/disk.txt\n"
        jmp     halt_forever
.ready:

        ; ---- 1. the first line, echoed from the handler ----------------------------------
        SAY     "1. console interrupts on, line 1 unmasked, busy main loop:\n  echo: "
        call    reset_hs
        movi    r1, 1
        out     CONSOLE_CTRL, r1
        li      r1, ~(1 << IRQ_CONSOLE)
        out     PIC_MASK, r1
        in      r8, TIMER_NOW
        movi    r6, 0                   ; main loop iterations
        sti
s1_loop:
        HS_GET  r2, H_DONE
        cmpi    r2, 0
        bne     s1_done
        addi    r6, r6, 1
        jmp     s1_loop
s1_done:
        cli
        SHOWD   "main loop iterations while the line was raised", r6
        call    print_console_hs

        ; ---- 2. masked, input left: acknowledging does not stick ----------------------------
        SAY     "2. line 1 masked with input left (pending, next, status), acknowledged, again:\n"
        in      r6, PIC_PENDING
        in      r7, PIC_NEXT
        in      r8, CONSOLE_STATUS
        SHOWX   "pending", r6
        SHOWX   "next", r7
        SHOWD   "console status", r8
        movi    r1, IRQ_CONSOLE
        out     PIC_ACK, r1
        in      r6, PIC_PENDING
        SHOWX   "pending right after the ack", r6

        ; ---- 3. interrupt enable off: the ack sticks; five bytes by polling ----------------
        SAY     "3. console ctrl := 0, ack (pending, ctrl), then 5 bytes by polling:\n"
        movi    r1, 0
        out     CONSOLE_CTRL, r1
        movi    r1, IRQ_CONSOLE
        out     PIC_ACK, r1
        in      r6, PIC_PENDING
        in      r7, CONSOLE_CTRL
        SHOWX   "pending", r6
        SHOWD   "ctrl", r7
        SAY     "  polled: ["
        movi    r6, 5
.poll:
        in      r1, CONSOLE_STATUS
        cmpi    r1, CONSOLE_INPUT_READY
        bne     .poll
        in      r1, CONSOLE_DATA
        out     CONSOLE_DATA, r1
        subi    r6, r6, 1
        cmpi    r6, 0
        bne     .poll
        SAY     "]\n"
        in      r6, PIC_PENDING
        SHOWX   "pending after polling", r6

        ; ---- 4. ctrl := 0xff with the line masked; the timer unmasks it; hlt --------------
        SAY     "4. console ctrl := 0xff (line masked: pending, ctrl); sti, hlt; the timer (period\n"
        SAY     "   100) wakes the CPU, its handler stops it and unmasks line 1:\n"
        li      r1, 0xff
        out     CONSOLE_CTRL, r1
        in      r6, PIC_PENDING
        in      r7, CONSOLE_CTRL
        SHOWX   "pending", r6
        SHOWD   "ctrl", r7
        call    reset_hs
        SAY     "  echo: "
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        in      r8, TIMER_NOW
        movi    r1, 100
        out     TIMER_PERIOD, r1
        movi    r6, 0                   ; hlts executed
        sti
s4_wait:
        HS_GET  r2, H_DONE
        cmpi    r2, 0
        bne     s4_done
        addi    r6, r6, 1
        hlt
s4_after_hlt:
        jmp     s4_wait
s4_done:
        cli
        SHOWD   "hlts executed", r6
        HS_GET  r6, H_TIMER
        SHOWD   "timer interrupts", r6
        mfcr    r6, spc
        SHOWX   "the last interrupt was taken before pc", r6
        la      r6, s4_after_hlt
        SHOWX   "(the instruction after the hlt is at", r6
        call    print_console_hs

        ; ---- 5. the three lines at once -------------------------------------------------------
        SAY     "5. a disk read, the timer every 151 ticks and the rest of the input, all unmasked:\n"
        call    reset_hs
        la      r1, hs
        movi    r2, MODE_LOG
        stw     r2, [r1 + H_MODE]
        movi    r1, 0
        out     DISK_SECTOR, r1
        li      r1, BUF_A
        out     DISK_ADDRESS, r1
        movi    r1, 1
        out     DISK_COUNT, r1
        in      r8, TIMER_NOW
        movi    r1, DISK_CMD_READ
        out     DISK_COMMAND, r1        ; done at (this out) + 250
        movi    r1, 151
        out     TIMER_PERIOD, r1
        li      r1, ~((1 << IRQ_TIMER) | (1 << IRQ_CONSOLE) | (1 << IRQ_DISK))
        out     PIC_MASK, r1
        movi    r6, 0                   ; main loop iterations
        sti
s5_loop:
        addi    r6, r6, 1
        HS_GET  r2, H_INPUT_END
        cmpi    r2, 0
        beq     s5_loop
        HS_GET  r2, H_DISK
        cmpi    r2, 0
        beq     s5_loop
        cli
        movi    r1, 0
        out     TIMER_PERIOD, r1
        movi    r1, IRQ_TIMER
        out     PIC_ACK, r1
        SHOWD   "main loop iterations", r6
        call    print_log
        call    print_console_hs
        HS_GET  r6, H_TIMER
        SHOWD   "timer interrupts", r6
        HS_GET  r6, H_DISK
        SHOWD   "disk interrupts", r6
        HS_GET  r6, H_DISK_STATUS
        SHOWD   "disk status", r6
        HS_GET  r6, H_DISK_NOW
        sub     r6, r6, r8
        SHOWD   "disk interrupt's now - now before the command", r6
        la      r1, BUF_A
        call    print_line

        ; ---- 6. disk read, write, read, each ended by its interrupt ---------------------------
        SAY     "6. disk transfers waited for with hlt, ended by the disk's interrupt:\n"
        li      r1, -1
        out     PIC_MASK, r1
        la      r1, hs
        movi    r2, MODE_ECHO
        stw     r2, [r1 + H_MODE]
        li      r1, ~(1 << IRQ_DISK)
        out     PIC_MASK, r1
        li      r2, BUF_B
        movi    r3, 0                   ; a sector of zeros first: the read must fill it
        li      r4, SECTOR_SIZE
.zero:
        stb     r3, [r2]
        addi    r2, r2, 1
        subi    r4, r4, 1
        cmpi    r4, 0
        bne     .zero
        movi    r1, DISK_CMD_READ
        movi    r2, 1
        li      r3, BUF_B
        la      r4, lbl_read
        call    disk_irq
        li      r1, BUF_B               ; change it: every lower-case letter to upper case
        li      r2, SECTOR_SIZE
        add     r2, r1, r2
.upcase:
        ldb     r3, [r1]
        cmpi    r3, 'a'
        blt     .keep
        cmpi    r3, 'z'
        bgt     .keep
        subi    r3, r3, 'a' - 'A'
        stb     r3, [r1]
.keep:
        addi    r1, r1, 1
        cmp     r1, r2
        bltu    .upcase
        movi    r1, DISK_CMD_WRITE
        movi    r2, 1
        li      r3, BUF_B
        la      r4, lbl_write
        call    disk_irq
        movi    r1, DISK_CMD_READ
        movi    r2, 1
        li      r3, BUF_A
        la      r4, lbl_reread
        call    disk_irq
        li      r1, BUF_A
        call    print_line
        movi    r1, DISK_CMD_READ
        movi    r2, 2
        li      r3, BUF_A
        la      r4, lbl_read2
        call    disk_irq

        ; ---- the end ---------------------------------------------------------------------------
        SAY     "the console after the input (status, data, ctrl), the PIC (pending):\n"
        in      r6, CONSOLE_STATUS
        in      r7, CONSOLE_DATA
        in      r8, CONSOLE_CTRL
        SHOWD   "status", r6
        SHOWX   "data", r7
        SHOWD   "ctrl", r8
        in      r6, PIC_PENDING
        SHOWX   "pending", r6
        la      r1, totals
        ldw     r6, [r1]
        SHOWD   "irq-io: console interrupts in all", r6
        la      r1, totals
        ldw     r6, [r1 + 4]
        SHOWD   "irq-io: timer interrupts in all", r6
        la      r1, totals
        ldw     r6, [r1 + 8]
        SHOWD   "irq-io: disk interrupts in all", r6
        in      r6, TIMER_NOW
        SHOWD   "clock (TIMER_NOW)", r6
        SAY     "irq-io: done\n"
        jmp     halt_forever

; disk_irq: r1 = command, r2 = count, r3 = address (sector 0), r4 = label. Starts the
; transfer, sleeps with hlt until the disk's interrupt, prints "  <label>: status S after
; T ticks". Clobbers r1..r9.
disk_irq:
        push    lr
        push    r4
        mov     r5, r1
        mov     r6, r2
        mov     r7, r3
        call    reset_hs
        movi    r1, 0
        out     DISK_SECTOR, r1
        out     DISK_ADDRESS, r7
        out     DISK_COUNT, r6
        in      r8, TIMER_NOW
        out     DISK_COMMAND, r5
        in      r7, DISK_STATUS         ; busy
        sti
.wait:
        hlt
        HS_GET  r2, H_DISK
        cmpi    r2, 0
        beq     .wait
        cli
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_status_before
        call    puts
        mov     r1, r7
        call    put_dec
        la      r1, msg_status
        call    puts
        HS_GET  r1, H_DISK_STATUS
        call    put_dec
        la      r1, msg_after
        call    puts
        HS_GET  r1, H_DISK_NOW
        sub     r1, r1, r8
        call    put_dec
        la      r1, msg_ticks
        call    puts
        pop     lr
        ret

; print_line: "  sector: <the bytes at r1 up to the first newline>". Clobbers r1..r3.
print_line:
        push    lr
        push    r1
        la      r1, msg_sector
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

; print_console_hs: console interrupts, and the ticks from r8 to the first and last.
print_console_hs:
        push    lr
        HS_GET  r6, H_CONSOLE
        SHOWD   "console interrupts", r6
        HS_GET  r6, H_FIRST_NOW
        sub     r6, r6, r8
        SHOWD   "first: handler's now - now before", r6
        HS_GET  r6, H_LAST_NOW
        sub     r6, r6, r8
        SHOWD   "last: handler's now - now before", r6
        pop     lr
        ret

; print_log: "  log: ..." (a newline shows as '/').
print_log:
        push    lr
        la      r1, msg_log
        call    puts
        HS_GET  r6, H_LOGLEN
        la      r7, hlog
.next:
        cmpi    r6, 0
        beq     .end
        ldb     r1, [r7]
        cmpi    r1, '\n'
        bne     .out
        movi    r1, '/'
.out:
        out     CONSOLE_DATA, r1
        addi    r7, r7, 1
        subi    r6, r6, 1
        jmp     .next
.end:
        call    newline
        pop     lr
        ret

; reset_hs: clear the handler's record (mode: echo). Clobbers r1..r3.
reset_hs:
        la      r1, hs
        movi    r2, 11
        movi    r3, 0
.clear:
        stw     r3, [r1]
        addi    r1, r1, 4
        subi    r2, r2, 1
        cmpi    r2, 0
        bne     .clear
        ret

; handler: the console, timer and disk interrupts. Uses r10..r13 only.
handler:
        mfcr    r10, cause
        la      r12, hs
        cmpi    r10, CAUSE_IRQ_BASE + IRQ_CONSOLE
        beq     .console
        cmpi    r10, CAUSE_IRQ_BASE + IRQ_TIMER
        beq     .timer
        cmpi    r10, CAUSE_IRQ_BASE + IRQ_DISK
        beq     .disk
        jmp     unexpected

.console:
        in      r13, TIMER_NOW
        ldw     r11, [r12 + H_CONSOLE]
        addi    r11, r11, 1
        stw     r11, [r12 + H_CONSOLE]
        cmpi    r11, 1
        bne     .not_first
        stw     r13, [r12 + H_FIRST_NOW]
.not_first:
        stw     r13, [r12 + H_LAST_NOW]
        la      r11, totals
        ldw     r13, [r11]
        addi    r13, r13, 1
        stw     r13, [r11]
        in      r10, CONSOLE_DATA       ; one byte
        ldw     r11, [r12 + H_MODE]
        cmpi    r11, MODE_LOG
        beq     .console_log
        out     CONSOLE_DATA, r10       ; echo
        cmpi    r10, '\n'
        bne     .console_ack
        in      r11, PIC_MASK           ; a newline: mask the line, tell the main program
        ori     r11, r11, 1 << IRQ_CONSOLE
        out     PIC_MASK, r11
        movi    r11, 1
        stw     r11, [r12 + H_DONE]
        jmp     .console_ack
.console_log:
        LOG_R10
.console_ack:
        movi    r11, IRQ_CONSOLE
        out     PIC_ACK, r11            ; raised again at once while input remains
        in      r11, CONSOLE_STATUS
        cmpi    r11, CONSOLE_INPUT_END
        bne     .return
        movi    r11, 1
        stw     r11, [r12 + H_INPUT_END]
.return:
        rfe

.timer:
        ldw     r11, [r12 + H_TIMER]
        addi    r11, r11, 1
        stw     r11, [r12 + H_TIMER]
        la      r11, totals
        ldw     r13, [r11 + 4]
        addi    r13, r13, 1
        stw     r13, [r11 + 4]
        ldw     r11, [r12 + H_MODE]
        cmpi    r11, MODE_LOG
        beq     .timer_log
        movi    r11, 0                  ; MODE_ECHO: a one-shot that unmasks the console
        out     TIMER_PERIOD, r11
        in      r11, PIC_MASK
        li      r13, ~(1 << IRQ_CONSOLE)
        and     r11, r11, r13
        out     PIC_MASK, r11
        jmp     .timer_ack
.timer_log:
        movi    r10, '*'
        LOG_R10
.timer_ack:
        movi    r11, IRQ_TIMER
        out     PIC_ACK, r11
        rfe

.disk:
        in      r13, TIMER_NOW
        stw     r13, [r12 + H_DISK_NOW]
        in      r13, DISK_STATUS
        stw     r13, [r12 + H_DISK_STATUS]
        ldw     r11, [r12 + H_DISK]
        addi    r11, r11, 1
        stw     r11, [r12 + H_DISK]
        la      r11, totals
        ldw     r13, [r11 + 8]
        addi    r13, r13, 1
        stw     r13, [r11 + 8]
        ldw     r11, [r12 + H_MODE]
        cmpi    r11, MODE_LOG
        bne     .disk_ack
        movi    r10, '#'
        LOG_R10
.disk_ack:
        movi    r11, IRQ_DISK
        out     PIC_ACK, r11
        rfe


        .align  4
hs:             .space  44
totals:         .word   0, 0, 0         ; console, timer, disk interrupts since the start
hlog:           .space  LOG_MAX
msg_log:        .asciz  "  log: "
msg_sector:     .asciz  "  sector 0's first line: "
msg_status_before: .asciz ": status right after the command "
msg_status:     .asciz  ", at the interrupt "
msg_after:      .asciz  ", after "
msg_ticks:      .asciz  " ticks\n"
lbl_read:       .asciz  "read  1 sector  -> 0x21000"
lbl_write:      .asciz  "write 1 sector  <- 0x21000 (upper-cased)"
lbl_reread:     .asciz  "read  1 sector  -> 0x20000"
lbl_read2:      .asciz  "read  2 sectors -> 0x20000"

.include "lib.s"
