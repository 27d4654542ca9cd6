; mmio-paged.s - the memory-mapped device through the guest's own page tables, with odd
; rights and odd accesses.
;
; Attacks: every mode's handling of device memory (docs/devices.md): shadow paging never
; maps the device's page, nested paging's table does not either, so each access must be
; emulated exactly as bare hardware performs it, whatever the guest's tables say. With
; paging on, the guest maps the device's page at 0x400000 (supervisor read-write), at
; 0x401000 (read-only), and its frame past the device's at 0x403000. It writes a line
; through the writable mapping (word stores, then byte stores), reads STATUS through the
; read-only one and an unused offset, stores to the read-only mapping (a page fault), jumps
; into the device (a bus fault: nothing is fetched from it) and reads past it.
;
; What must happen: the same output, faults and fault addresses as on bare hardware, in
; every mode.
;
; Expected console output (bare, 1 MiB): mmio-paged.expected; status halted.

.include "../include/paravirt.inc"

.equ PDIR, 0x10000
.equ PT0, 0x11000
.equ PT1, 0x12000
.equ DEV, 0x400000                      ; supervisor read-write
.equ DEV_RO, 0x401000                   ; supervisor read-only
.equ PAST, 0x403000                     ; the frame after the device's
.equ STACK_TOP, 0xf000

        .org    0x1000
start:
        mov     r11, sp
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        li      r1, PDIR
        call    zero_page
        li      r1, PT0
        call    zero_page
        li      r1, PT1
        call    zero_page
        li      r1, PT0
        mov     r2, r11
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W | PTE_U
        stw     r2, [r1 + 0]
        li      r2, PT1 | PTE_V | PTE_W | PTE_U
        stw     r2, [r1 + 4]
        li      r1, PT1
        li      r2, MMIO_BASE | PTE_V | PTE_W
        stw     r2, [r1 + 0]
        li      r2, MMIO_BASE | PTE_V
        stw     r2, [r1 + 4]
        li      r2, MMIO_BASE + PAGE_SIZE | PTE_V | PTE_W
        stw     r2, [r1 + 12]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1

        li      r8, DEV                 ; word stores
        la      r9, msg_word
        call    write_line
        li      r8, DEV
        la      r1, msg_byte            ; byte stores
.byte:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .bytes_done
        stb     r2, [r8]
        addi    r1, r1, 1
        jmp     .byte
.bytes_done:
        li      r1, DEV_RO + 4          ; STATUS through the read-only mapping
        call    try_read
        mov     r4, r1
        la      r1, lbl_status
        call    report
        li      r1, DEV + 0x800         ; an unused offset reads 0
        call    try_read
        mov     r4, r1
        la      r1, lbl_unused
        call    report
        li      r1, DEV + 0x800
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_unused_w
        call    report
        li      r1, DEV_RO
        li      r2, 'X'
        call    try_write
        la      r1, lbl_ro
        call    report
        li      r1, DEV
        call    try_exec
        la      r1, lbl_exec
        call    report
        li      r1, PAST
        call    try_read
        mov     r4, r1
        la      r1, lbl_past
        call    report

        li      r1, 0
        mtcr    ptbr, r1
        jmp     halt_forever

; write_line: the NUL-terminated line at r9, a word store to r8 per byte. Clobbers r1, r9.
write_line:
        ldb     r1, [r9]
        cmpi    r1, 0
        beq     .done
        stw     r1, [r8]
        addi    r9, r9, 1
        jmp     write_line
.done:
        ret

.include "lib.s"

        .align  4
msg_word:       .asciz  "mmio-paged: a line of word stores through a supervisor mapping\n"
msg_byte:       .asciz  "mmio-paged: a line of byte stores\n"
lbl_status:     .asciz  "load  STATUS through a read-only mapping"
lbl_unused:     .asciz  "load  an unused offset"
lbl_unused_w:   .asciz  "store an unused offset"
lbl_ro:         .asciz  "store through the read-only mapping"
lbl_exec:       .asciz  "jump  into the device"
lbl_past:       .asciz  "load  the frame after the device's"
