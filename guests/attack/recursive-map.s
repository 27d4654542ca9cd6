; recursive-map.s - page tables edited through a recursive page-directory entry, in two address spaces.
;
; Attacks: the shadow page tables' idea of what is a page table and what is data. PDE 1023
; of each page directory points at the directory itself (the classic self-map): the
; directory serves as its own page table, so 0xffc00000 + i * 4K shows page table i as
; data and 0xfffff000 the directory itself. The guest reads its tables through the window;
; creates a page table and mappings by writing a PDE and PTEs through it; remaps and
; removes them; makes the recursive entry read-only through itself and points it at the
; other directory. A second directory has its own self-map and also a PDE pointing at the
; first directory, so from the second address space the first one's tables (and the first
; directory) are data at 0x800000..0xbfffff: the guest creates and removes mappings of
; the first space from the second, switches between the spaces (each with its own asid),
; and checks what each space sees. A read-only recursive entry (PDE 1022) must refuse
; stores, and the two spaces must never see each other's mappings.
;
; What must happen: every page-table write through a window is a page-table write (the VMM
; must see it, whichever space it comes from), every access afterwards sees exactly the
; mapping bare hardware sees (after invlpg or tlbflush where the architecture asks for
; one), A and D bits included. The guest prints every value and fault it saw, a checksum
; of reads over 64 switches, and the directories at the end.
;
; Expected console output (bare, 1 MiB): recursive-map.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR1, 0x10000                     ; the first address space's directory
.equ PT0, 0x11000                       ; identity map of all memory (both spaces)
.equ PDIR2, 0x12000                     ; the second address space's directory
.equ PTA, 0x13000                       ; tables created at run time
.equ PTB, 0x14000
.equ PTC, 0x15000
.equ DATA1, 0x30000                     ; data frames, each with a signature in word 0
.equ DATA2, 0x31000
.equ DATA3, 0x32000
.equ SIG1, 0xda7a0001
.equ SIG2, 0xda7a0002
.equ SIG3, 0xda7a0003

.equ REC, 1023                          ; the recursive PDE
.equ SELF, 0xffc00000                   ; SELF + i*4K = what PDE i points at
.equ SELF_DIR, 0xfffff000               ; the directory itself
.equ REC_RO, 1022                       ; a second, read-only recursive PDE
.equ SELF_RO, 0xff800000
.equ SELF_RO_DIR, SELF_RO + REC_RO * PAGE_SIZE
.equ WIN, 0x00800000                    ; space 2: PDE 2 -> PDIR1, so WIN + i*4K = space 1's table i
.equ WIN_DIR, WIN + REC * PAGE_SIZE     ; space 2: space 1's directory
.equ ASID1, 1
.equ ASID2, 2
.equ SWITCHES, 64

; ---- macros ------------------------------------------------------------------------------

.macro STR text
        la      r1, s\@
        jmp     d\@
s\@:    .asciz  \text
        .align  4
d\@:
.endm

.macro SAY text
        STR     \text
        call    puts
.endm

.macro KREAD va, text
        li      r1, \va
        call    try_read
        mov     r4, r1
        STR     \text
        call    report
.endm

.macro KWRITE va, value, text
        li      r1, \va
        li      r2, \value
        call    try_write
        STR     \text
        call    report
.endm

.macro KWRITEB va, value, text
        li      r1, \va
        li      r2, \value
        call    try_write_byte
        STR     \text
        call    report
.endm

.macro POKE addr, value
        li      r1, \addr
        li      r2, \value
        stw     r2, [r1]
.endm

.macro INVAL va
        li      r1, \va
        invlpg  r1
.endm

; switch to a space: asid first, then ptbr (the code is mapped the same in both)
.macro SPACE1
        movi    r1, ASID1
        mtcr    asid, r1
        li      r1, PDIR1 | PTBR_PAGING
        mtcr    ptbr, r1
.endm

.macro SPACE2
        movi    r1, ASID2
        mtcr    asid, r1
        li      r1, PDIR2 | PTBR_PAGING
        mtcr    ptbr, r1
.endm

; ---- the program ---------------------------------------------------------------------------

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        SAY     "recursive-map: page tables through a self-map, in two address spaces\n"

        POKE    DATA1, SIG1
        POKE    DATA2, SIG2
        POKE    DATA3, SIG3
        li      r1, PT0                 ; identity map, supervisor RW
        li      r2, 0x100000
        call    identity_map
        ; garbage in the tables made later: they must be cleared through the window
        li      r1, PTA
        li      r2, 0x7ff00000 | PTE_V | PTE_W
        call    fill_page
        li      r1, PTC
        li      r2, 0x7ff00000 | PTE_V | PTE_W
        call    fill_page
        POKE    PDIR1 + 0 * 4, PT0 | PTE_V | PTE_W
        POKE    PDIR1 + REC_RO * 4, PDIR1 | PTE_V
        POKE    PDIR1 + REC * 4, PDIR1 | PTE_V | PTE_W
        POKE    PDIR2 + 0 * 4, PT0 | PTE_V | PTE_W
        POKE    PDIR2 + 2 * 4, PDIR1 | PTE_V | PTE_W
        POKE    PDIR2 + REC * 4, PDIR2 | PTE_V | PTE_W
        SPACE1

        ; ---- 1. reading the tables through the self-map ----------------------------------
        SAY     "1. space 1 reads its tables through its self-map:\n"
        KREAD   SELF_DIR + REC * 4, "load  0xfffffffc (the self-map PDE itself)"
        KREAD   SELF_DIR + 0 * 4, "load  0xfffff000 (PDE 0)"
        KREAD   SELF + 0x10 * 4, "load  0xffc00040 (PTE of va 0x10000)"
        KREAD   SELF + 0x30 * 4, "load  0xffc000c0 (PTE of va 0x30000)"
        KREAD   0x30000, "load  0x30000"
        KREAD   SELF + 0x30 * 4, "load  0xffc000c0 (PTE of va 0x30000: A set)"
        KREAD   SELF + 1 * PAGE_SIZE, "load  0xffc01000 (PDE 1 not valid)"
        KREAD   SELF_RO_DIR + REC * 4, "load  0xffbfeffc (read-only self-map)"
        KWRITE  SELF_RO_DIR + 1 * 4, PTA | PTE_V | PTE_W, "store 0xffbfe004 (read-only self-map)"

        ; ---- 2. making and unmaking mappings through it ----------------------------------
        SAY     "2. space 1 creates, remaps and removes mappings through its self-map:\n"
        KWRITE  SELF_DIR + 1 * 4, PTA | PTE_V | PTE_W, "store PDE 1 -> 0x13000"
        li      r1, SELF + 1 * PAGE_SIZE ; clear the new table through its window
        call    zero_page
        KREAD   SELF + 1 * PAGE_SIZE + 3 * 4, "load  PTE of va 0x403000 (cleared)"
        KREAD   PTA + 3 * 4, "load  0x1300c (identity)"
        KREAD   0x403000, "load  0x403000"
        KWRITE  SELF + 1 * PAGE_SIZE + 3 * 4, DATA1 | PTE_V | PTE_W, "store PTE of va 0x403000 -> 0x30000"
        KREAD   0x403000, "load  0x403000 (it was not valid: no invlpg needed)"
        KWRITE  SELF + 1 * PAGE_SIZE + 3 * 4, DATA2 | PTE_V, "store PTE of va 0x403000 -> 0x31000 read-only"
        INVAL   0x403000
        KREAD   0x403000, "load  0x403000"
        KWRITE  0x403000, 0x0bad0001, "store 0x403000"
        KWRITE  SELF + 1 * PAGE_SIZE + 4 * 4, DATA2 | PTE_V | PTE_W, "store PTE of va 0x404000 -> 0x31000"
        KWRITE  0x404000, SIG2 + 0x10, "store 0x404000"
        KREAD   0x403000, "load  0x403000 (same frame)"
        KWRITE  SELF + 1 * PAGE_SIZE + 3 * 4, 0, "store PTE of va 0x403000 = 0"
        INVAL   0x403000
        KREAD   0x403000, "load  0x403000"
        KWRITE  SELF_DIR + 1 * 4, 0, "store PDE 1 = 0"
        tlbflush
        KREAD   0x404000, "load  0x404000 (tlbflush done)"
        KREAD   SELF + 1 * PAGE_SIZE, "load  0xffc01000"
        KWRITE  SELF_DIR + 1 * 4, PTA | PTE_V | PTE_W, "store PDE 1 -> 0x13000 again"
        KREAD   0x404000, "load  0x404000"
        KREAD   SELF + 1 * PAGE_SIZE + 4 * 4, "load  PTE of va 0x404000"

        ; ---- 3. the self-map entry changed through itself --------------------------------
        SAY     "3. the self-map PDE rewritten through itself:\n"
        KWRITE  SELF_DIR + REC * 4, PDIR1 | PTE_V, "store 0xfffffffc: self-map read-only"
        tlbflush
        KWRITE  SELF_DIR + 4 * 4, PTB | PTE_V | PTE_W, "store PDE 4 through it"
        KREAD   SELF_DIR + REC * 4, "load  0xfffffffc"
        KWRITE  PDIR1 + REC * 4, PDIR2 | PTE_V | PTE_W, "store PDE 1023 -> space 2's directory (identity)"
        tlbflush
        KREAD   SELF_DIR + 2 * 4, "load  0xfffff008 (space 2's PDE 2)"
        KREAD   SELF_DIR + REC * 4, "load  0xfffffffc (space 2's PDE 1023)"
        KREAD   SELF + 2 * PAGE_SIZE + REC * 4, "load  0xffc02ffc (space 1's PDE 1023, via space 2's PDE 2)"
        KWRITE  PDIR1 + REC * 4, PDIR1 | PTE_V | PTE_W, "store PDE 1023 -> itself again (identity)"
        tlbflush
        KREAD   SELF_DIR + REC * 4, "load  0xfffffffc"

        ; ---- 4. space 2 edits space 1 ----------------------------------------------------
        SAY     "4. space 2 reads and edits space 1's tables (its PDE 2 -> space 1's directory):\n"
        SPACE2
        KREAD   SELF_DIR + 2 * 4, "load  0xfffff008 (PDE 2)"
        KREAD   SELF_DIR + REC * 4, "load  0xfffffffc"
        KREAD   WIN_DIR + 1 * 4, "load  0xbff004 (space 1's PDE 1)"
        KREAD   WIN + 1 * PAGE_SIZE + 4 * 4, "load  0x801010 (space 1's PTE of 0x404000)"
        KREAD   0x404000, "load  0x404000 (not mapped here)"
        KWRITE  WIN + 1 * PAGE_SIZE + 5 * 4, DATA3 | PTE_V | PTE_W, "store space 1's PTE of 0x405000 -> 0x32000"
        KWRITE  WIN_DIR + 3 * 4, PTB | PTE_V | PTE_W, "store space 1's PDE 3 -> 0x14000"
        li      r1, WIN + 3 * PAGE_SIZE ; clear the new table through space 2's window
        call    zero_page
        KWRITE  WIN + 3 * PAGE_SIZE + 7 * 4, DATA2 | PTE_V | PTE_W, "store space 1's PTE of 0xc07000 -> 0x31000"
        KWRITE  SELF_DIR + 1 * 4, PTC | PTE_V | PTE_W, "store own PDE 1 -> 0x15000"
        li      r1, SELF + 1 * PAGE_SIZE
        call    zero_page
        KWRITE  SELF + 1 * PAGE_SIZE + 4 * 4, DATA3 | PTE_V | PTE_W, "store own PTE of 0x404000 -> 0x32000"
        KREAD   0x404000, "load  0x404000"
        SPACE1
        SAY     "   space 1:\n"
        KREAD   0x404000, "load  0x404000"
        KREAD   0x405000, "load  0x405000"
        KREAD   0xc07000, "load  0xc07000"
        KREAD   SELF_DIR + 3 * 4, "load  PDE 3"
        SPACE2
        SAY     "   space 2 removes them (tlbflush, no invlpg):\n"
        KWRITE  WIN + 1 * PAGE_SIZE + 5 * 4, 0, "store space 1's PTE of 0x405000 = 0"
        KWRITE  WIN_DIR + 3 * 4, 0, "store space 1's PDE 3 = 0"
        KWRITE  WIN + 1 * PAGE_SIZE + 4 * 4, DATA1 | PTE_V | PTE_W, "store space 1's PTE of 0x404000 -> 0x30000"
        tlbflush
        KREAD   WIN + 3 * PAGE_SIZE, "load  0x803000 (PDE 3 gone)"
        KREAD   0x404000, "load  0x404000"
        SPACE1
        SAY     "   space 1:\n"
        KREAD   0x404000, "load  0x404000"
        KREAD   0x405000, "load  0x405000"
        KREAD   0xc07000, "load  0xc07000"
        SPACE2
        SAY     "   space 2 remaps 0x404000 of space 1 (invlpg, no tlbflush):\n"
        KWRITE  WIN + 1 * PAGE_SIZE + 4 * 4, DATA2 | PTE_V | PTE_W, "store space 1's PTE of 0x404000 -> 0x31000"
        INVAL   0x404000
        SPACE1
        KREAD   0x404000, "load  0x404000 in space 1"
        SPACE2
        SAY     "   space 2 changes one byte of that PTE (frame 0x31000 -> 0x32000), then tlbflush:\n"
        KWRITEB WIN + 1 * PAGE_SIZE + 4 * 4 + 1, 0x20, "store byte 1 of space 1's PTE of 0x404000"
        KREAD   WIN + 1 * PAGE_SIZE + 4 * 4, "load  space 1's PTE of 0x404000"
        tlbflush
        SPACE1
        KREAD   0x404000, "load  0x404000 in space 1"
        KWRITEB SELF + 1 * PAGE_SIZE + 4 * 4 + 1, 0x10, "store byte 1 of its PTE of 0x404000 (back to 0x31000)"
        INVAL   0x404000
        KREAD   0x404000, "load  0x404000"

        ; ---- 5. switching back and forth --------------------------------------------------
        SAY     "5. 64 switches, reading 0x404000 and 0xfffffffc in each space:\n"
        li      r8, SWITCHES
        movi    r9, 0
.switch:
        SPACE2
        call    fold
        SPACE1
        call    fold
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .switch
        STR     "  checksum: "
        call    puts
        mov     r1, r9
        call    put_hex
        call    newline

        ; ---- 6. the directories at the end -------------------------------------------------
        SAY     "6. the entries now (A = 0x8, D = 0x10):\n"
        li      r8, PDIR1
        li      r9, PDIR1 + 4 * 4
        call    dump_words
        li      r8, PDIR1 + REC_RO * 4
        li      r9, PDIR1 + 1024 * 4
        call    dump_words
        li      r8, PDIR2
        li      r9, PDIR2 + 4 * 4
        call    dump_words
        li      r8, PDIR2 + REC_RO * 4
        li      r9, PDIR2 + 1024 * 4
        call    dump_words
        li      r8, PTA
        li      r9, PTA + 8 * 4
        call    dump_words
        li      r8, PTB
        li      r9, PTB + 8 * 4
        call    dump_words
        li      r8, PTC
        li      r9, PTC + 8 * 4
        call    dump_words
        SAY     "recursive-map: done\n"
        jmp     halt_forever

; fold: r9 = r9 * 33 + word at 0x404000, then * 33 + word at 0xfffffffc. Clobbers r1, r2.
fold:
        li      r1, 0x404000
        ldw     r2, [r1]
        muli    r9, r9, 33
        add     r9, r9, r2
        li      r1, SELF_DIR + REC * 4
        ldw     r2, [r1]
        muli    r9, r9, 33
        add     r9, r9, r2
        ret

; fill_page: r1 = page, r2 = value for every word. Clobbers r1, r3.
fill_page:
        li      r3, PAGE_SIZE
        add     r3, r1, r3
.loop:
        stw     r2, [r1]
        addi    r1, r1, 4
        cmp     r1, r3
        bltu    .loop
        ret

.include "lib.s"

; try_write_byte r1=va r2=value: r2 = cause, r3 = fault address, r4 = value.
try_write_byte:
        movi    r0, 0
        mov     r4, r2
        ARM_PROBE try_write_byte_resume
        stb     r4, [r1]
try_write_byte_resume:
        DISARM_PROBE
        ret
