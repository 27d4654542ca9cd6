; code-page-write.s - a guest kernel that writes to the page it is running on.
;
; Attacks: whatever a VMM or a CPU keeps about code: --mode full's binary translations
; (a page with translations is write-protected; every write to it is an exit that must be
; emulated exactly and must forget the translation of the word written) and the host's
; compiled blocks (dropped when their frame is written, even by the block that is
; running). The routines on one page write that page: hundreds of stores, word and byte,
; to data words right before and after a running loop, to a table and a byte array and a
; stack kept on the page; a store to the very next instruction (and to the one two
; ahead, and twice to the same one); a word in mid-block turned into a jmp and back; a
; hot loop that patches an instruction of its own body once, in mid-run, before and after
; the store's own position; a branch-free hot loop that rewrites two of its own
; instructions on every pass; byte stores (stb) into an instruction's opcode, register,
; low and high immediate bytes, four byte stores that build a whole instruction, and a
; hot loop that patches an immediate byte by byte; and a store in the last word of the
; page to the first word of the next page, which runs next. It reads the words back.
; Everything runs twice: with paging off, then on. Last, with the code page mapped
; read-only by its own page tables, it stores to an instruction and runs code that does.
;
; What must happen: every patched instruction runs in its new form from the very next
; fetch, and the data on the page holds exactly what was stored. The printed sums, bit
; masks and instruction words are the same as on bare hardware. (A stale instruction
; shows: each slot's old contents set a bit or add a value that the new one does not.)
; Through the read-only mapping each store is a page-write fault and changes nothing.
;
; Expected console output (bare, 1 MiB): code-page-write.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR, 0x10000
.equ PT0, 0x11000

; instruction words (see docs/isa.md, "Instruction encoding")
.equ ORI_R1, 0x13110000                 ; ori r1, r1, imm
.equ ADDI_R5, 0x10550000                ; addi r5, r5, imm
.equ ADDI_R6, 0x10660000                ; addi r6, r6, imm
.equ ADDI_R7, 0x10770000                ; addi r7, r7, imm
.equ ADDI_R8, 0x10880000                ; addi r8, r8, imm
.equ ADDI_R9, 0x10990000                ; addi r9, r9, imm
.equ JMP_3, 0x3a000003                  ; jmp (this word + 3 words)
.equ NOP, 0x09000000                    ; or r0, r0, r0

        .org    0x1000
start:
        mov     r11, sp                 ; r11 = end of memory; r0 stays 0
        li      sp, STACK_TOP
        la      r1, probe_trap          ; any trap at all is unexpected: printed, halt
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        la      r1, msg_off
        call    puts
        call    battery
        call    paging_on
        la      r1, msg_on
        call    puts
        call    battery
        call    read_only
        la      r1, msg_done
        call    puts
        jmp     halt_forever

; battery: every test once, printing what it computed.
battery:
        push    lr

        call    t_data
        push    r4
        push    r3
        push    r2
        push    r1
        la      r1, msg_data
        call    puts
        pop     r1
        call    put_dec
        call    comma
        pop     r1
        call    put_hex
        call    comma
        pop     r1
        call    put_dec
        call    comma
        pop     r1
        call    put_dec
        call    newline

        la      r1, msg_next
        call    puts
        li      r2, ORI_R1 | 0x800      ; the words as they were: the slots run, as is
        li      r4, ORI_R1 | 0x400
        li      r5, ORI_R1 | 0x200
        li      r6, ORI_R1 | 0x200
        call    t_next
        call    put_hex
        call    comma
        li      r2, ORI_R1 | 0x001
        li      r4, ORI_R1 | 0x002
        li      r5, ORI_R1 | 0x004
        li      r6, ORI_R1 | 0x008
        call    t_next
        call    put_hex
        call    comma
        li      r2, ORI_R1 | 0x800      ; and back
        li      r4, ORI_R1 | 0x400
        li      r5, ORI_R1 | 0x004
        li      r6, ORI_R1 | 0x200
        call    t_next
        call    put_hex
        call    newline

        la      r1, msg_flow
        call    puts
        movi    r9, 0
.flow:
        movi    r3, 3                   ; word i mod 3: jmp +3, nop, ori r1, r1, 0x80
        remu    r3, r9, r3
        shli    r3, r3, 2
        la      r2, flow_words
        add     r2, r2, r3
        ldw     r2, [r2]
        call    t_flow
        shli    r1, r1, 24
        shri    r1, r1, 24
        call    put_byte_hex
        addi    r9, r9, 1
        cmpi    r9, 12
        blt     .flow
        call    newline

        la      r1, msg_hot1
        call    puts
        call    t_hot1
        mov     r8, r6
        mov     r1, r5
        call    put_dec
        call    comma
        mov     r1, r8
        call    put_dec
        call    newline

        la      r1, msg_hot2
        call    puts
        call    t_hot2
        mov     r8, r6
        mov     r1, r5
        call    put_dec
        call    comma
        mov     r1, r8
        call    put_dec
        call    newline

        la      r1, msg_bytes
        call    puts
        call    t_bytes
        push    r9
        push    r1
        push    r8
        push    r7
        push    r6
        mov     r1, r5
        call    put_dec
        call    comma
        pop     r1
        call    put_dec
        call    comma
        pop     r1
        call    put_hex
        call    comma
        pop     r1
        call    put_hex
        call    comma
        pop     r1
        call    put_hex
        call    comma
        pop     r1
        call    put_dec
        call    newline
        la      r1, msg_words
        call    puts
        la      r10, byte_slots
.words:
        ldw     r1, [r10]
        cmpi    r1, 0
        beq     .words_done
        ldw     r1, [r1]                ; the instruction word, read back
        call    put_hex
        addi    r10, r10, 4
        ldw     r1, [r10]
        cmpi    r1, 0
        beq     .words_done
        call    space
        jmp     .words
.words_done:
        call    newline

        la      r1, msg_stack
        call    puts
        call    t_stack
        call    put_dec
        call    newline

        la      r1, msg_cross
        call    puts
        movi    r9, 0
        movi    r10, 0
.cross:
        li      r2, ORI_R1
        or      r2, r2, r9              ; ori r1, r1, i
        la      r3, t_cross.next
        call    t_cross
        add     r10, r10, r1
        addi    r9, r9, 1
        cmpi    r9, 20
        blt     .cross
        mov     r1, r10
        call    put_dec
        call    newline

        pop     lr
        ret

; read_only: with the code page's PTE made read-only (and its TLB entry invalidated), a
; store to an instruction of it must fault (page-write) and change nothing: the word
; reads back as it was and runs as it was. Then the page is writable again.
read_only:
        push    lr
        la      r1, msg_ro
        call    puts
        li      r3, PT0 + (cpage >> 12) * 4
        ldw     r2, [r3]
        andi    r2, r2, ~PTE_W & 0xffff
        stw     r2, [r3]
        la      r1, cpage
        invlpg  r1
        la      r1, t_next.s2
        li      r2, ORI_R1 | 0x040
        call    try_write
        mov     r1, r2
        call    put_cause
        call    comma
        la      r1, t_next.s2
        ldw     r1, [r1]
        call    put_hex
        call    comma
        li      r2, ORI_R1 | 0x001      ; t_next stores to its own slots: page-write
        li      r4, ORI_R1 | 0x002
        li      r5, ORI_R1 | 0x004
        li      r6, ORI_R1 | 0x008
        la      r1, t_next
        call    try_exec
        mov     r1, r2
        call    put_cause
        call    comma
        la      r1, t_next.s1
        ldw     r1, [r1]
        call    put_hex
        li      r3, PT0 + (cpage >> 12) * 4
        ldw     r2, [r3]
        ori     r2, r2, PTE_W
        stw     r2, [r3]
        la      r1, cpage
        invlpg  r1
        call    comma
        li      r2, ORI_R1 | 0x800      ; writable again: runs as before
        li      r4, ORI_R1 | 0x400
        li      r5, ORI_R1 | 0x200
        li      r6, ORI_R1 | 0x200
        call    t_next
        call    put_hex
        call    newline
        pop     lr
        ret

comma:
        la      r1, msg_comma
        jmp     puts

space:
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ret

; put_byte_hex: " " and r1 as two hex digits. Clobbers r1, r2, r5.
put_byte_hex:
        movi    r2, ' '
        out     CONSOLE_DATA, r2
        shli    r1, r1, 24
        movi    r5, 2
.digit:
        shri    r2, r1, 28
        addi    r2, r2, '0'
        cmpi    r2, '9'
        ble     .out
        addi    r2, r2, 'a' - '9' - 1
.out:
        out     CONSOLE_DATA, r2
        shli    r1, r1, 4
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .digit
        ret

; paging_on: identity-map all memory (supervisor RW) and turn paging on. Clobbers r1..r3.
paging_on:
        push    lr
        li      r1, PDIR
        call    zero_page
        li      r1, PT0
        mov     r2, r11
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        pop     lr
        ret

.include "lib.s"

flow_words:     .word   JMP_3, NOP, ORI_R1 | 0x80
; the words t_bytes patches (read back and printed), 0-terminated
byte_slots:     .word   t_bytes.b1, t_bytes.b2, t_bytes.b3, t_bytes.b4, t_bytes.b5, t_bytes.b6, 0

msg_hello:      .asciz  "code-page-write: a kernel that writes to the page it runs on\n"
msg_off:        .asciz  "paging off:\n"
msg_on:         .asciz  "paging on:\n"
msg_data:       .asciz  "  data around a running loop (word before, word after, table, bytes): "
msg_next:       .asciz  "  stores to the next instruction, two ahead, twice (0xf00, 0x10b, 0xf00): "
msg_flow:       .asciz  "  a mid-block word: jmp / nop / ori 0x80 (09 0f 8f ...):"
msg_hot1:       .asciz  "  hot loop patched once at pass 100 (99101, 100100): "
msg_hot2:       .asciz  "  hot loop rewriting itself every pass (19708, 19900): "
msg_bytes:      .asciz  "  stb into opcode, register, low, high imm; 4 bytes; hot loop: "
msg_words:      .asciz  "  those instruction words read back: "
msg_stack:      .asciz  "  recursion with the stack on the code page (36600): "
msg_cross:      .asciz  "  store in a page's last word to the next page's first (190): "
msg_ro:         .asciz  "the code page read-only: a store to it, t_next, its slot, t_next again:\n  "
msg_comma:      .asciz  ", "
msg_done:       .asciz  "code-page-write: done\n"

; ---- the code page: every routine here writes to this page --------------------------

        .align  PAGE_SIZE
cpage:

; t_data: 300 passes of a loop that updates a word just before it, a word just after it, a
; 32-word table and a 128-byte array, all on this page. Returns r1 = the word before (the
; sum of 0..299), r2 = the word after, r3 = the table weighted by position, r4 = the sum
; of the bytes.
t_data:
        la      r3, t_data.before
        stw     r0, [r3]
        la      r3, t_data.after
        stw     r0, [r3]
        la      r3, t_data.table
        movi    r4, 32 + 32
.clear:
        stw     r0, [r3]
        addi    r3, r3, 4
        subi    r4, r4, 1
        cmpi    r4, 0
        bne     .clear
        movi    r9, 0
        jmp     .loop
t_data.before:
        .word   0
.loop:
        la      r3, t_data.before
        ldw     r4, [r3]
        add     r4, r4, r9
        stw     r4, [r3]
        la      r3, t_data.after
        ldw     r4, [r3]
        xor     r4, r4, r9
        addi    r4, r4, 3
        stw     r4, [r3]
        andi    r5, r9, 31
        shli    r5, r5, 2
        la      r3, t_data.table
        add     r3, r3, r5
        ldw     r4, [r3]
        add     r4, r4, r9
        stw     r4, [r3]
        andi    r5, r9, 127
        la      r3, t_data.bytes
        add     r3, r3, r5
        stb     r9, [r3]
        addi    r9, r9, 1
        cmpi    r9, 300
        blt     .loop
        jmp     .sums
t_data.after:
        .word   0
.sums:
        la      r3, t_data.table
        movi    r4, 0                   ; sum of table[k] * (k + 1)
        movi    r5, 1
.wsum:
        ldw     r6, [r3]
        mul     r6, r6, r5
        add     r4, r4, r6
        addi    r3, r3, 4
        addi    r5, r5, 1
        cmpi    r5, 33
        blt     .wsum
        mov     r10, r4
        la      r3, t_data.bytes
        movi    r4, 0
        movi    r5, 0
.bsum:
        ldb     r6, [r3]
        add     r4, r4, r6
        addi    r3, r3, 1
        addi    r5, r5, 1
        cmpi    r5, 128
        blt     .bsum
        la      r1, t_data.before
        ldw     r1, [r1]
        la      r2, t_data.after
        ldw     r2, [r2]
        mov     r3, r10
        ret
t_data.table:
        .space  32 * 4
t_data.bytes:
        .space  128

; t_next: stores to the instruction about to run: r2 over s1 (the very next instruction),
; r4 over s2 (two ahead), r5 then r6 over s3 (the second store wins). With the words that
; are there already (ori r1, r1, 0x800 / 0x400 / 0x200) r1 = 0xf00; with ori 0x001 /
; 0x002 / 0x004 then 0x008, r1 = 0x10b.
t_next:
        movi    r1, 0
        la      r3, t_next.s1
        stw     r2, [r3]
t_next.s1:
        ori     r1, r1, 0x800
        la      r3, t_next.s2
        stw     r4, [r3]
        ori     r1, r1, 0x100
t_next.s2:
        ori     r1, r1, 0x400
        la      r3, t_next.s3
        stw     r5, [r3]
        stw     r6, [r3]
t_next.s3:
        ori     r1, r1, 0x200
        ret

; t_flow: r2 = the word for t_flow.slot (jmp +3, nop, ori r1, r1, 0x80). r1 = 0x09, 0x0f
; or 0x8f.
t_flow:
        movi    r1, 0
        la      r3, t_flow.slot
        stw     r2, [r3]
        ori     r1, r1, 0x01
t_flow.slot:
        nop
        ori     r1, r1, 0x02
        ori     r1, r1, 0x04
        ori     r1, r1, 0x08
        ret

; t_hot1: 200 passes of a loop; at pass 100 it patches A (before the store in the body:
; the new form runs from pass 101) and B (after it: from pass 100).
; r5 = 101 * 1 + 99 * 1000 = 99101, r6 = 100 * 1 + 100 * 1000 = 100100.
t_hot1:
        li      r2, ADDI_R5 | 1
        la      r3, t_hot1.a
        stw     r2, [r3]
        li      r2, ADDI_R6 | 1
        la      r4, t_hot1.b
        stw     r2, [r4]
        li      r7, ADDI_R5 | 1000
        li      r8, ADDI_R6 | 1000
        movi    r5, 0
        movi    r6, 0
        movi    r9, 0
.top:
t_hot1.a:
        addi    r5, r5, 1
        cmpi    r9, 100
        bne     .skip
        stw     r7, [r3]
        stw     r8, [r4]
.skip:
t_hot1.b:
        addi    r6, r6, 1
        addi    r9, r9, 1
        cmpi    r9, 200
        blt     .top
        ret

; t_hot2: a branch-free loop body that, on pass i, writes addi r5, r5, i over A (which
; ran before the stores: it runs in the next pass) and addi r6, r6, i over B (which runs
; next). A starts as addi r5, r5, 7. r5 = 7 + (0 + ... + 198) = 19708, r6 = 19900.
t_hot2:
        li      r2, ADDI_R5 | 7
        la      r3, t_hot2.a
        stw     r2, [r3]
        li      r2, ADDI_R6 | 7
        la      r4, t_hot2.b
        stw     r2, [r4]
        li      r7, ADDI_R5
        li      r8, ADDI_R6
        movi    r5, 0
        movi    r6, 0
        movi    r9, 0
.top:
t_hot2.a:
        addi    r5, r5, 7
        or      r2, r7, r9
        stw     r2, [r3]
        or      r2, r8, r9
        stw     r2, [r4]
t_hot2.b:
        addi    r6, r6, 7
        addi    r9, r9, 1
        cmpi    r9, 200
        blt     .top
        ret

; t_bytes: byte stores into instruction words, each just before the instruction runs.
;   b1: addi r5, r5, 3, opcode byte -> 0x11: muli r5, r5, 3; r5 = 5 * 3 = 15
;   b2: addi r5, r5, 3, register byte -> 0x66: addi r6, r6, 3; r6 = 10 + 3 = 13
;   b3: addi r7, r7, 3, low immediate byte -> 0x40: r7 = 0x40
;   b4: addi r8, r8, 3, high immediate byte -> 0x80: r8 = 0 - 32765 = 0xffff8003
;   b5: nop, rewritten byte by byte into ori r1, r1, 0x77: r1 = 0x77
;   b6: addi r9, r9, 0 in a 50-pass loop whose low immediate byte is set to i first:
;       r9 = 0 + 1 + ... + 49 = 1225
t_bytes:
        li      r2, ADDI_R5 | 3         ; put every slot back as it was
        la      r3, t_bytes.b1
        stw     r2, [r3]
        la      r3, t_bytes.b2
        stw     r2, [r3]
        li      r2, ADDI_R7 | 3
        la      r3, t_bytes.b3
        stw     r2, [r3]
        li      r2, ADDI_R8 | 3
        la      r3, t_bytes.b4
        stw     r2, [r3]
        li      r2, NOP
        la      r3, t_bytes.b5
        stw     r2, [r3]
        li      r2, ADDI_R9
        la      r3, t_bytes.b6
        stw     r2, [r3]
        movi    r5, 5
        movi    r6, 10
        movi    r7, 0
        movi    r8, 0
        movi    r1, 0
        la      r3, t_bytes.b1
        movi    r2, 0x11
        stb     r2, [r3 + 3]
t_bytes.b1:
        addi    r5, r5, 3
        la      r3, t_bytes.b2
        movi    r2, 0x66
        stb     r2, [r3 + 2]
t_bytes.b2:
        addi    r5, r5, 3
        la      r3, t_bytes.b3
        movi    r2, 0x40
        stb     r2, [r3]
t_bytes.b3:
        addi    r7, r7, 3
        la      r3, t_bytes.b4
        movi    r2, 0x80
        stb     r2, [r3 + 1]
t_bytes.b4:
        addi    r8, r8, 3
        la      r3, t_bytes.b5
        movi    r2, 0x13                ; opcode first: ori r0, r0, 0 for a moment
        stb     r2, [r3 + 3]
        movi    r2, 0x77
        stb     r2, [r3]
        movi    r2, 0x11
        stb     r2, [r3 + 2]
        stb     r0, [r3 + 1]
t_bytes.b5:
        nop
        movi    r9, 0
        movi    r4, 0
        la      r3, t_bytes.b6
.loop:
        stb     r4, [r3]
t_bytes.b6:
        addi    r9, r9, 0
        addi    r4, r4, 1
        cmpi    r4, 50
        blt     .loop
        ret

; t_stack: the stack on this page: 20 times the recursive sum 1 + ... + 60. r1 = 36600.
t_stack:
        mov     r10, sp
        la      sp, t_stack.top
        push    r10                     ; the caller's stack pointer, on this page too
        push    lr
        movi    r9, 0
        movi    r8, 0
.again:
        movi    r1, 60
        call    .sum
        add     r8, r8, r1
        addi    r9, r9, 1
        cmpi    r9, 20
        blt     .again
        mov     r1, r8
        pop     lr
        pop     r10
        mov     sp, r10
        ret
; .sum: r1 = 1 + ... + r1, recursively, pushing lr and r1 at each level.
.sum:
        cmpi    r1, 0
        beq     .zero
        push    lr
        push    r1
        subi    r1, r1, 1
        call    .sum
        pop     r2
        add     r1, r1, r2
        pop     lr
.zero:
        ret
        .space  800                     ; 61 levels of 8 bytes, and more
t_stack.top:

; t_cross: the store is the last word of this page, its target the first of the next
; page: r2 = the word (ori r1, r1, i), r3 = t_cross.next. r1 = i.
        .org    cpage + PAGE_SIZE - 8
t_cross:
        movi    r1, 0
        stw     r2, [r3]
t_cross.next:
        nop                             ; the next page starts here
        ret
