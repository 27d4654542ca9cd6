; asid-wrap.s - a guest that makes the VMM hand out thousands of address-space ids.
;
; Attacks: a tagged TLB (--tlb-tagged) under the software VMM. Every shadow root (one per
; guest page directory and view) gets an ASID from one counter shared by all guests; the
; guest cycles ptbr through 9 page directories (one more than the VMM keeps shadows for),
; so every switch builds a new shadow root and takes a new ASID, 2046 times: enough for
; the counter to wrap. Then it stays in one address space and reads its own pages at
; 0x40000..0x44000 (all zeros: it never writes them) again and again, looking for anything
; that is not zero (and puts back a zero where it finds one). A guest beside it (guests/bare/secret.s keeps "SECRET-DATA-!!! " at
; those addresses) is running meanwhile.
;
; What must happen: it only ever sees its own zeros; the guest beside it only ever sees
; its own secret, intact. (If ASIDs are reused while the shadow roots that hold them are alive,
; TLB entries of one guest are hits for the other: that is a breach.)
;
; Expected console output (bare, 1 MiB): asid-wrap.expected; status halted.

.include "../include/paravirt.inc"

.ifndef SWITCHES
.equ SWITCHES, 2046
.endif
.ifndef ROUNDS
.equ ROUNDS, 200
.endif
.equ DIRS, 9
.equ DIR0, 0x30000                      ; DIRS page directories, then the identity table
.equ PT0, DIR0 + DIRS * PAGE_SIZE
.equ STACK_TOP, 0x2f000
.equ WATCH, 0x40000
.equ WATCH_END, 0x44000

        .org    0x20000                 ; code away from the addresses a small guest uses
start:
        mov     r11, sp
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        li      r1, PT0                 ; identity map of its memory, supervisor RW
        mov     r2, r11
        call    identity_map
        li      r1, DIR0                ; DIRS directories, each with PDE 0 -> PT0
        li      r2, PT0 | PTE_V | PTE_W
        li      r3, PT0
.dirs:
        stw     r2, [r1]
        li      r4, PAGE_SIZE
        add     r1, r1, r4
        cmp     r1, r3
        bltu    .dirs

        ; switch address spaces SWITCHES times, round robin over the directories
        li      r8, SWITCHES
        li      r9, DIR0 | PTBR_PAGING
        li      r10, PT0
.switch:
        shri    r1, r9, 12              ; each directory its own asid (for a tagged TLB)
        andi    r1, r1, 0xff
        mtcr    asid, r1
        mtcr    ptbr, r9
        li      r1, PAGE_SIZE
        add     r9, r9, r1
        cmp     r9, r10
        bltu    .next
        li      r9, DIR0 | PTBR_PAGING
.next:
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .switch
        la      r1, msg_switched
        call    puts

        ; now stay put and watch its own zero pages
        li      r8, ROUNDS
        movi    r9, 0                   ; non-zero words seen
.round:
        li      r1, WATCH
        li      r2, WATCH_END
.word:
        ldw     r3, [r1]
        cmpi    r3, 0
        beq     .zero
        addi    r9, r9, 1
        cmpi    r9, 1
        bne     .clear
        call    show_foreign            ; the first one: print what is there
.clear:
        movi    r3, 0                   ; its pages should hold zeros: put one back
        stw     r3, [r1]
.zero:
        addi    r1, r1, 64
        cmp     r1, r2
        bltu    .word
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .round
        la      r1, msg_seen
        call    puts
        mov     r1, r9
        call    put_dec
        la      r1, msg_seen2
        call    puts
        jmp     halt_forever

; show_foreign: r1 = address of a word that should be zero. Prints 16 bytes from there.
; Keeps r1, r2.
show_foreign:
        push    lr
        push    r1
        push    r2
        mov     r6, r1
        la      r1, msg_foreign
        call    puts
        mov     r1, r6
        call    put_hex
        la      r1, msg_foreign2
        call    puts
        addi    r7, r6, 16
.byte:
        ldb     r1, [r6]
        out     CONSOLE_DATA, r1
        addi    r6, r6, 1
        cmp     r6, r7
        bltu    .byte
        la      r1, msg_foreign3
        call    puts
        pop     r2
        pop     r1
        pop     lr
        ret

.include "lib.s"

msg_hello:      .asciz  "asid-wrap: 2046 address-space switches over 9 page directories\n"
msg_switched:   .asciz  "asid-wrap: switched; watching its own zero pages 0x40000..0x44000\n"
msg_foreign:    .asciz  "asid-wrap: FOREIGN data at "
msg_foreign2:   .asciz  ": \""
msg_foreign3:   .asciz  "\"\n"
msg_seen:       .asciz  "asid-wrap: non-zero words seen: "
msg_seen2:      .asciz  "\n"
