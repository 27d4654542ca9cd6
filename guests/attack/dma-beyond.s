; dma-beyond.s - a guest that points its disk's DMA engine outside its memory.
;
; Attacks: the virtual disk's DMA, which moves whole 512-byte sectors between the disk and
; a guest-PHYSICAL address the guest chooses (no page tables are involved, so nothing but
; the device's own bounds check stands between the guest and host memory). It reads
; (disk -> memory) and writes (memory -> disk) with addresses far beyond its memory
; (0x7ff00000), exactly at its end, straddling its end (256 bytes in, 256 out), and near
; the top of the 32-bit space where address + length wraps; and with bad sectors, counts
; and commands. Then, as a binary-translation coherence check, it DMAs new code over a
; routine that has already run, and runs it again.
;
; What must happen: every out-of-range transfer ends with status BAD_ADDRESS (bad sector
; numbers and counts: BAD_SECTOR, a bad command: BAD_COMMAND) and moves nothing: the last
; page of its memory keeps its pattern and the disk's sector 0 is unchanged. A transfer
; that ends exactly at the end of memory works. The routine overwritten by DMA runs its
; new code (prints X, not O), under binary translation too.
;
; Needs a disk of at least one sector: run it with --disk guests/kernel/disk.txt.
; Expected console output (bare, 1 MiB, that disk): dma-beyond.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ SAVED, 0x20000                     ; sector 0 as it was at the start
.equ CHECK, 0x21000                     ; sector 0 read back at the end
.equ PATTERN, 0x5a5a0000

        .org    0x1000
start:
        mov     r11, sp                 ; r11 = end of memory
        li      sp, STACK_TOP
        la      r1, probe_trap
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
        movi    r1, DISK_CMD_READ       ; keep a copy of sector 0
        movi    r2, 0
        li      r3, SAVED
        movi    r4, 1
        call    disk_op
        call    fill_last_page

        la      r1, msg_bad
        call    puts
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, 0x7ff00000
        movi    r4, 1
        la      r5, lbl_read_far
        call    try_dma
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, -256
        add     r3, r11, r3
        movi    r4, 1
        la      r5, lbl_read_straddle
        call    try_dma
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        mov     r3, r11
        movi    r4, 1
        la      r5, lbl_read_end
        call    try_dma
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, 0xfffffe00
        movi    r4, 1
        la      r5, lbl_read_wrap
        call    try_dma
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, 0xffffff00
        movi    r4, 1
        la      r5, lbl_read_wrap2
        call    try_dma
        movi    r1, DISK_CMD_WRITE
        movi    r2, 0
        li      r3, 0x7ff00000
        movi    r4, 1
        la      r5, lbl_write_far
        call    try_dma
        movi    r1, DISK_CMD_WRITE
        movi    r2, 0
        li      r3, -256
        add     r3, r11, r3
        movi    r4, 1
        la      r5, lbl_write_straddle
        call    try_dma
        movi    r1, DISK_CMD_WRITE
        movi    r2, 0
        li      r3, 0xffffff00
        movi    r4, 1
        la      r5, lbl_write_wrap
        call    try_dma
        movi    r1, DISK_CMD_READ
        li      r2, 0x7fffffff
        li      r3, -512
        add     r3, r11, r3
        movi    r4, 1
        la      r5, lbl_read_sector
        call    try_dma
        movi    r1, DISK_CMD_READ
        movi    r2, -1
        li      r3, -512
        add     r3, r11, r3
        movi    r4, 1
        la      r5, lbl_read_sector2
        call    try_dma
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, -512
        add     r3, r11, r3
        movi    r4, 0
        la      r5, lbl_read_count0
        call    try_dma
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, -512
        add     r3, r11, r3
        movi    r4, 2
        la      r5, lbl_read_count2
        call    try_dma
        movi    r1, 0x41
        movi    r2, 0
        li      r3, -512
        add     r3, r11, r3
        movi    r4, 1
        la      r5, lbl_command
        call    try_dma

        ; nothing moved: the last page and sector 0 are as they were
        call    check_last_page
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, CHECK
        movi    r4, 1
        call    disk_op
        li      r1, SAVED
        li      r2, CHECK
        call    compare_sector
        la      r1, msg_sector_same
        cmpi    r3, 0
        beq     .sector_same
        la      r1, msg_sector_changed
.sector_same:
        call    puts

        ; a transfer that ends exactly at the end of memory works
        la      r1, msg_good
        call    puts
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        li      r3, -512
        add     r3, r11, r3
        movi    r4, 1
        la      r5, lbl_read_last
        call    try_dma
        li      r1, SAVED
        li      r2, -512
        add     r2, r11, r2
        call    compare_sector
        la      r1, msg_last_is_sector
        cmpi    r3, 0
        beq     .last_ok
        la      r1, msg_last_not_sector
.last_ok:
        call    puts

        ; DMA over code that has run: it must run the new code
        la      r1, msg_code
        call    puts
        call    patch_target
        out     CONSOLE_DATA, r1
        movi    r1, DISK_CMD_WRITE
        movi    r2, 0
        la      r3, patch_source
        movi    r4, 1
        call    disk_op
        movi    r1, DISK_CMD_READ
        movi    r2, 0
        la      r3, patch_target
        movi    r4, 1
        call    disk_op
        call    patch_target
        out     CONSOLE_DATA, r1
        call    newline
        la      r1, msg_done
        call    puts
        jmp     halt_forever

; disk_op: r1 = command, r2 = sector, r3 = address, r4 = count. Starts the transfer and
; polls until the disk is no longer busy (interrupts stay off); r1 = final status.
; Clobbers r1, r5.
disk_op:
        out     DISK_SECTOR, r2
        out     DISK_ADDRESS, r3
        out     DISK_COUNT, r4
        out     DISK_COMMAND, r1
.wait:
        in      r5, DISK_STATUS
        cmpi    r5, DISK_BUSY
        beq     .wait
        mov     r1, r5
        ret

; try_dma: disk_op, then print "  <label r5>: <status>". Clobbers r1..r7.
try_dma:
        push    lr
        mov     r7, r5
        call    disk_op
        mov     r6, r1
        la      r1, msg_indent
        call    puts
        mov     r1, r7
        call    puts
        la      r1, msg_colon
        call    puts
        shli    r1, r6, 2
        la      r2, status_names
        add     r1, r1, r2
        ldw     r1, [r1]
        call    puts
        call    newline
        pop     lr
        ret

; fill_last_page: word i of the last page = PATTERN + i. check_last_page prints whether it
; still holds. Clobber r1..r4.
fill_last_page:
        li      r1, -4096
        add     r1, r11, r1
        li      r2, PATTERN
.loop:
        stw     r2, [r1]
        addi    r2, r2, 1
        addi    r1, r1, 4
        cmp     r1, r11
        bltu    .loop
        ret

check_last_page:
        push    lr
        li      r1, -4096
        add     r1, r11, r1
        li      r2, PATTERN
        movi    r4, 0                   ; words that differ
.loop:
        ldw     r3, [r1]
        cmp     r3, r2
        beq     .same
        addi    r4, r4, 1
.same:
        addi    r2, r2, 1
        addi    r1, r1, 4
        cmp     r1, r11
        bltu    .loop
        la      r1, msg_page_same
        cmpi    r4, 0
        beq     .print
        la      r1, msg_page_changed
.print:
        call    puts
        pop     lr
        ret

; compare_sector: r3 = number of words that differ between the sectors at r1 and r2.
; Clobbers r1..r6.
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

.include "lib.s"

        .align  SECTOR_SIZE
patch_target:                           ; overwritten by DMA from patch_source
        movi    r1, 'O'
        ret
        .space  SECTOR_SIZE - 8
patch_source:
        movi    r1, 'X'
        ret
        .space  SECTOR_SIZE - 8

status_names:   .word   st_idle, st_busy, st_ok, st_bad_sector, st_bad_address, st_bad_command
st_idle:        .asciz  "IDLE"
st_busy:        .asciz  "BUSY"
st_ok:          .asciz  "OK"
st_bad_sector:  .asciz  "BAD_SECTOR"
st_bad_address: .asciz  "BAD_ADDRESS"
st_bad_command: .asciz  "BAD_COMMAND"
msg_hello:      .asciz  "dma-beyond: disk DMA outside the guest's memory\n"
msg_no_disk:    .asciz  "dma-beyond: no disk (run with --disk guests/kernel/disk.txt)\n"
msg_bad:        .asciz  "transfers that must fail:\n"
msg_good:       .asciz  "a transfer that ends exactly at the end of memory:\n"
msg_code:       .asciz  "DMA over code that already ran (O before, X after): "
msg_done:       .asciz  "dma-beyond: done\n"
msg_page_same:  .asciz  "last page of memory: unchanged\n"
msg_page_changed: .asciz "last page of memory: CHANGED\n"
msg_sector_same: .asciz "disk sector 0: unchanged\n"
msg_sector_changed: .asciz "disk sector 0: CHANGED\n"
msg_last_is_sector: .asciz "last 512 bytes of memory: now sector 0\n"
msg_last_not_sector: .asciz "last 512 bytes of memory: NOT sector 0\n"
lbl_read_far:   .asciz  "read  sector 0 -> pa 0x7ff00000"
lbl_read_straddle: .asciz "read  sector 0 -> pa end - 256 (straddles the end)"
lbl_read_end:   .asciz  "read  sector 0 -> pa end of memory"
lbl_read_wrap:  .asciz  "read  sector 0 -> pa 0xfffffe00 (ends at 2^32)"
lbl_read_wrap2: .asciz  "read  sector 0 -> pa 0xffffff00 (wraps past 2^32)"
lbl_write_far:  .asciz  "write sector 0 <- pa 0x7ff00000"
lbl_write_straddle: .asciz "write sector 0 <- pa end - 256 (straddles the end)"
lbl_write_wrap: .asciz  "write sector 0 <- pa 0xffffff00 (wraps past 2^32)"
lbl_read_sector: .asciz "read  sector 0x7fffffff -> pa end - 512"
lbl_read_sector2: .asciz "read  sector 0xffffffff -> pa end - 512"
lbl_read_count0: .asciz "read  0 sectors -> pa end - 512"
lbl_read_count2: .asciz "read  2 sectors (disk has 1) -> pa end - 512"
lbl_command:    .asciz  "command 0x41"
lbl_read_last:  .asciz  "read  sector 0 -> pa end - 512"
