; ptbr-games.s - a guest kernel that plays with its page-table base register.
;
; Attacks: ptbr as a resource the VMM guards and shadows. The guest writes ptbr values with
; the ignored bits 11..1 set (paging off and on), values at and beyond the end of its
; memory with paging off (they must read back exactly and change nothing), a page
; directory in frame 0 (ptbr = 1 and 0xfff), in the last frame of its memory (with a
; self-map that reaches the last word of memory), and in a frame that is also the code
; running (the first words of the page are PDEs, the rest instructions; it rewrites a PDE
; there while running on that page). It switches 300 times among 12 page directories (6
; with different contents, each with its own asid, and 6 with identical contents sharing
; one asid), more than the VMM keeps shadow roots for, reading through 15 page-directory
; entries of each (more shadow tables than the VMM's pool holds) and writing through one.
; It writes the same ptbr value again after changing a PTE (with a fresh asid, so the
; result is defined on a tagged TLB too), 200 times in a row, and turns paging off and on
; again 100 times, changing PTEs while paging is off (with invlpg, tlbflush or a fresh
; asid before paging goes on again).
;
; What must happen: mfcr ptbr reads back exactly what was written; every read sees what
; bare hardware sees through the directory in force (its faults too: page faults and bus
; errors for page tables beyond memory); nothing survives a directory switch that the
; architecture says is gone. (A directory beyond memory with paging on is not tried here:
; not even the trap handler could be fetched, a double fault; map-beyond.s ends that way.)
; The guest prints every value and fault, checksums of the switching loops, and the
; directory entries (A bits included) at the end.
;
; Expected console output (bare, 1 MiB): ptbr-games.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PT0, 0x10000                       ; identity map of all memory, supervisor RW
.equ T_A, 0x11000                       ; tables of PDE 1: TESTVA -> FA, FB, FC
.equ T_B, 0x12000
.equ T_C, 0x13000
.equ T_K, 0x14000                       ; T_K + k*4K (k = 0..5): TESTVA -> F_K + k*4K
.equ T_SAME, 0x1a000                    ; TESTVA -> F_SAME (for the 6 identical directories)
.equ PDIR_M, 0x1b000                    ; the main directory
.equ DIRS, 0x20000                      ; 12 directories: DIRS + k*4K
.equ NDIRS, 12
.equ NDIFF, 6                           ; the first 6 differ, the other 6 are identical
.equ FA, 0x30000                        ; frames with a signature: word 0 = frame | 0xa5
.equ FB, 0x31000
.equ FC, 0x32000
.equ F_K, 0x33000                       ; F_K + k*4K, k = 0..5
.equ F_SAME, 0x39000
.equ TESTVA, 0x400000                   ; PDE 1, entry 0
.equ SIG, 0xa5
.equ SWITCHES, 300
.equ REWRITES, 200
.equ TOGGLES, 100
.equ REGIONS, 15                        ; the 12 directories map 15 regions (PDE 1..15)

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

.macro POKE addr, value
        li      r1, \addr
        li      r2, \value
        stw     r2, [r1]
.endm

; ptbr := value, then print what mfcr reads back
.macro PTBR value, text
        li      r1, \value
        mtcr    ptbr, r1
        STR     \text
        call    show_ptbr
.endm

.macro ASID n
        li      r1, \n
        mtcr    asid, r1
.endm

; ---- a page directory in frame 0 ----------------------------------------------------------

        .org    0
dir0:   .word   PT0 | PTE_V | PTE_W, T_A | PTE_V | PTE_W

; ---- the program ---------------------------------------------------------------------------

        .org    0x1000
start:
        mov     r11, sp                 ; the end of memory
        la      r1, mem_end
        stw     r11, [r1]
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        SAY     "ptbr-games: odd ptbr values, directories in odd places, many switches\n"

        ; signatures: word 0 of each data frame = its address | 0xa5
        li      r1, FA
        li      r3, F_SAME + PAGE_SIZE
.sig:
        ori     r2, r1, SIG
        stw     r2, [r1]
        li      r2, PAGE_SIZE
        add     r1, r1, r2
        cmp     r1, r3
        bltu    .sig
        li      r1, PT0
        mov     r2, r11
        call    identity_map
        POKE    T_A, FA | PTE_V | PTE_W
        POKE    T_B, FB | PTE_V | PTE_W
        POKE    T_C, FC | PTE_V | PTE_W
        POKE    T_SAME, F_SAME | PTE_V | PTE_W
        POKE    PDIR_M + 0 * 4, PT0 | PTE_V | PTE_W
        POKE    PDIR_M + 1 * 4, T_A | PTE_V | PTE_W
        POKE    PDIR_M + 3 * 4, 0x7ff00000 | PTE_V | PTE_W
        ; the 12 directories and the 6 distinct tables
        movi    r5, 0
.dirs:
        li      r6, DIRS
        shli    r7, r5, 12
        add     r6, r6, r7              ; r6 = directory k
        li      r1, PT0 | PTE_V | PTE_W
        stw     r1, [r6]
        li      r1, T_SAME | PTE_V | PTE_W
        cmpi    r5, NDIFF
        bge     .same
        li      r1, T_K                 ; T_K + k*4K -> F_K + k*4K
        add     r1, r1, r7
        li      r2, F_K | PTE_V | PTE_W
        add     r2, r2, r7
        stw     r2, [r1]
        ori     r1, r1, PTE_V | PTE_W
.same:
        movi    r2, 1                   ; PDEs 1..15 all -> that table
.pdes:
        shli    r3, r2, 2
        add     r3, r3, r6
        stw     r1, [r3]
        addi    r2, r2, 1
        cmpi    r2, REGIONS + 1
        blt     .pdes
        addi    r5, r5, 1
        cmpi    r5, NDIRS
        blt     .dirs
        ; a directory in the last frame: PDE 0 -> PT0, PDE 1 -> T_C, PDE 1023 -> itself
        li      r1, -PAGE_SIZE
        add     r6, r11, r1
        li      r1, PT0 | PTE_V | PTE_W
        stw     r1, [r6]
        li      r1, T_C | PTE_V | PTE_W
        stw     r1, [r6 + 4]
        ori     r1, r6, PTE_V | PTE_W
        li      r2, 4092
        add     r2, r6, r2
        stw     r1, [r2]

        ; ---- 1. paging off: any value reads back, nothing changes --------------------------
        SAY     "1. ptbr with paging off (bit 0 clear):\n"
        mfcr    r2, ptbr
        STR     "ptbr at reset"
        call    show_value
        PTBR    PDIR_M | 0xffe, "ptbr = main directory | 0xffe"
        KREAD   TESTVA, "load  0x400000"
        KREAD   FA, "load  0x30000"
        la      r1, mem_end
        ldw     r1, [r1]
        mtcr    ptbr, r1
        STR     "ptbr = end of memory"
        call    show_ptbr
        KREAD   FB, "load  0x31000"
        PTBR    0x7ff00000, "ptbr = 0x7ff00000"
        PTBR    0xfffffffe, "ptbr = 0xfffffffe"
        KREAD   FC, "load  0x32000"
        PTBR    0, "ptbr = 0"
        li      r1, 0xfffff801
        mtcr    asid, r1
        mfcr    r2, asid
        STR     "asid = 0xfffff801: mfcr asid"
        call    show_value

        ; ---- 2. paging on, ignored bits set ------------------------------------------------
        SAY     "2. ptbr with paging on and bits 11..1 set:\n"
        ASID    1
        PTBR    PDIR_M | 0xfff, "ptbr = main directory | 0xfff"
        KREAD   TESTVA, "load  0x400000"
        KREAD   0x800000, "load  0x800000 (PDE 2 not valid)"
        KREAD   0xc00000, "load  0xc00000 (PDE 3 -> table at 0x7ff00000)"
        PTBR    PDIR_M | 0x801, "ptbr = main directory | 0x801"
        KREAD   TESTVA, "load  0x400000"
        KREAD   PDIR_M + 4, "load  PDE 1 (identity)"

        ; ---- 3. a directory in frame 0 -----------------------------------------------------
        SAY     "3. a page directory in frame 0:\n"
        ASID    2
        PTBR    1, "ptbr = 1"
        KREAD   TESTVA, "load  0x400000"
        KREAD   0, "load  va 0 (the directory itself, identity)"
        KWRITE  4, T_B | PTE_V | PTE_W, "store va 4: PDE 1 -> 0x12000"
        tlbflush
        KREAD   TESTVA, "load  0x400000 (tlbflush done)"
        PTBR    0xfff, "ptbr = 0xfff"
        KREAD   TESTVA, "load  0x400000"
        KREAD   4, "load  va 4"

        ; ---- 4. a directory in the last frame ----------------------------------------------
        SAY     "4. a page directory in the last frame of memory:\n"
        ASID    3
        la      r1, mem_end
        ldw     r1, [r1]
        li      r2, -PAGE_SIZE + PTBR_PAGING
        add     r1, r1, r2
        mtcr    ptbr, r1
        STR     "ptbr = end of memory - 4K + 1"
        call    show_ptbr
        KREAD   TESTVA, "load  0x400000"
        KREAD   0xfffff004, "load  0xfffff004 (its PDE 1, through its self-map)"
        KREAD   0xfffffffc, "load  0xfffffffc (the last word of memory)"
        KWRITE  0xfffff008, T_A | PTE_V | PTE_W, "store 0xfffff008: PDE 2 -> 0x11000"
        KREAD   0x800000, "load  0x800000 (PDE 2 was not valid)"
        KREAD   0xffffeffc, "load  0xffffeffc (PDE 1022 not valid)"

        ; ---- 5. a directory that is also the code running ----------------------------------
        SAY     "5. a page directory that is also the code running:\n"
        ASID    4
        call    code_dir_test

        ; ---- 6. switching among 12 directories ---------------------------------------------
        SAY     "6. 300 switches among 12 directories (6 alike, sharing an asid), 15 loads in each:\n"
        li      r8, SWITCHES
        movi    r9, 0                   ; checksum
        li      r10, 12345              ; LCG state
.switch:
        li      r1, 1103515245
        mul     r10, r10, r1
        li      r1, 12345
        add     r10, r10, r1
        shri    r5, r10, 16
        movi    r1, NDIRS
        remu    r5, r5, r1              ; r5 = directory 0..11
        movi    r1, 20                  ; the identical ones share asid 20
        cmpi    r5, NDIFF
        bge     .asid
        addi    r1, r5, 10              ; the others: asid 10 + k
.asid:
        mtcr    asid, r1
        shli    r1, r5, 12
        li      r2, DIRS | PTBR_PAGING
        add     r1, r1, r2
        mtcr    ptbr, r1
        li      r6, TESTVA + (REGIONS - 1) * 0x400000
        li      r3, 0x400000
.regions:                               ; the same frame through each of the 15 PDEs
        ldw     r2, [r6]
        muli    r9, r9, 31
        add     r9, r9, r2
        sub     r6, r6, r3
        li      r2, TESTVA
        cmp     r6, r2
        bgeu    .regions
        add     r9, r9, r5
        li      r6, TESTVA
        ldw     r2, [r6]
        andi    r1, r8, 7               ; every 8th switch: write through the test page
        cmpi    r1, 0
        bne     .next
        addi    r2, r2, 0x100
        stw     r2, [r6]
        mtcr    ptbr, r1                ; (r1 = 0: paging off for a moment)
        shli    r1, r5, 12
        li      r2, DIRS | PTBR_PAGING
        add     r1, r1, r2
        mtcr    ptbr, r1                ; the same directory again
.next:
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .switch
        mov     r2, r9
        STR     "checksum"
        call    show_value
        ASID    1
        li      r1, PDIR_M | PTBR_PAGING
        mtcr    ptbr, r1
        li      r8, F_K
        li      r9, F_SAME + 4
        li      r10, PAGE_SIZE
        call    dump_stride

        ; ---- 7. the same ptbr value again --------------------------------------------------
        SAY     "7. ptbr written again with the same value:\n"
        KREAD   TESTVA, "load  0x400000"
        KWRITE  T_A, FB | PTE_V | PTE_W, "store PTE of 0x400000 -> 0x31000 (identity, no invlpg)"
        ASID    30                      ; a fresh asid: no entry of a tagged TLB hits
        PTBR    PDIR_M | PTBR_PAGING, "ptbr = the same value"
        KREAD   TESTVA, "load  0x400000"
        li      r8, REWRITES
        movi    r9, 0
        li      r6, TESTVA
.rewrite:
        li      r1, PDIR_M | PTBR_PAGING
        mtcr    ptbr, r1
        ldw     r2, [r6]
        add     r9, r9, r2
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .rewrite
        mov     r2, r9
        STR     "sum of 200 loads, each after the same ptbr again"
        call    show_value

        ; ---- 8. paging off and on again ----------------------------------------------------
        SAY     "8. paging off, a PTE changed, paging on again:\n"
        PTBR    PDIR_M, "ptbr = main directory, paging off"
        KREAD   TESTVA, "load  0x400000"
        KWRITE  T_A, FC | PTE_V | PTE_W, "store PTE of 0x400000 -> 0x32000 (physical)"
        li      r1, TESTVA
        invlpg  r1
        PTBR    PDIR_M | PTBR_PAGING, "invlpg 0x400000 with paging off; ptbr = main directory | 1"
        KREAD   TESTVA, "load  0x400000"
        PTBR    PDIR_M | 0x100, "ptbr = main directory | 0x100, paging off"
        KWRITE  T_A, FA | PTE_V | PTE_W, "store PTE of 0x400000 -> 0x30000 (physical)"
        tlbflush
        PTBR    PDIR_M | 0x101, "tlbflush; ptbr = main directory | 0x101"
        KREAD   TESTVA, "load  0x400000"
        PTBR    0, "ptbr = 0"
        KWRITE  T_A, FB | PTE_V | PTE_W, "store PTE of 0x400000 -> 0x31000 (physical)"
        ASID    31
        PTBR    PDIR_M | PTBR_PAGING, "fresh asid; ptbr = main directory | 1"
        KREAD   TESTVA, "load  0x400000"
        li      r8, TOGGLES
        movi    r9, 0
.toggle:
        li      r1, PDIR_M
        mtcr    ptbr, r1                ; off
        li      r6, FA
        ldw     r2, [r6]
        add     r9, r9, r2
        li      r1, PDIR_M | PTBR_PAGING
        mtcr    ptbr, r1                ; on
        li      r6, TESTVA
        ldw     r2, [r6]
        add     r9, r9, r2
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .toggle
        mov     r2, r9
        STR     "sum of 100 off/on rounds (0x30000, then 0x400000)"
        call    show_value

        ; ---- 9. the directories at the end -------------------------------------------------
        SAY     "9. the entries now (A = 0x8, D = 0x10):\n"
        li      r8, PDIR_M
        li      r9, PDIR_M + 4 * 4
        li      r10, 4
        call    dump_stride
        li      r8, 0
        li      r9, 8
        li      r10, 4
        call    dump_stride
        li      r8, T_A
        li      r9, T_C + 4
        li      r10, PAGE_SIZE
        call    dump_stride
        li      r8, T_K
        li      r9, T_SAME + 4
        li      r10, PAGE_SIZE
        call    dump_stride
        la      r8, code_dir
        addi    r9, r8, 8
        li      r10, 4
        call    dump_stride
        la      r1, mem_end
        ldw     r8, [r1]
        li      r1, -PAGE_SIZE
        add     r8, r8, r1
        addi    r9, r8, 12
        li      r10, 4
        call    dump_stride
        la      r1, mem_end
        ldw     r8, [r1]
        subi    r8, r8, 4               ; the last word of memory
        addi    r9, r8, 4
        call    dump_stride
        SAY     "ptbr-games: done\n"
        jmp     halt_forever

; show_ptbr: r1 = label; prints "  <label>: mfcr ptbr = 0x........".
show_ptbr:
        mfcr    r2, ptbr
        push    lr
        push    r2
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        STR     ": mfcr ptbr = "
        call    puts
        pop     r1
        call    put_hex
        call    newline
        pop     lr
        ret

; show_value: r1 = label, r2 = value; prints "  <label>: 0x........".
show_value:
        push    lr
        push    r2
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_colon
        call    puts
        pop     r1
        call    put_hex
        call    newline
        pop     lr
        ret

; dump_stride: print "[address] word" for r8, r8 + r10, ... below r9, four to a line.
dump_stride:
        push    lr
        movi    r7, 0
.word:
        cmp     r8, r9
        bgeu    .end
        andi    r1, r7, 3
        cmpi    r1, 0
        bne     .same_line
        la      r1, msg_indent
        call    puts
        jmp     .entry
.same_line:
        movi    r1, ' '
        out     CONSOLE_DATA, r1
.entry:
        movi    r1, '['
        out     CONSOLE_DATA, r1
        mov     r1, r8
        call    put_hex
        STR     "] "
        call    puts
        ldw     r1, [r8]
        call    put_hex
        add     r8, r8, r10
        addi    r7, r7, 1
        andi    r1, r7, 3
        cmpi    r1, 0
        bne     .word
        call    newline
        jmp     .word
.end:
        andi    r1, r7, 3
        cmpi    r1, 0
        beq     .ret
        call    newline
.ret:
        pop     lr
        ret

.include "lib.s"

        .align  4
mem_end:        .word   0

; ---- a page directory that is also code ---------------------------------------------------
; Word 0 of the page is PDE 0 (the identity map), word 1 PDE 1 (VA 0x400000), and from word
; 2 on the words are both instructions and PDEs 2, 3, ...: word 2 (movi r7, 0x7003) is a
; valid PDE pointing at a table far beyond memory, word 3 (the push) a PDE that is not valid.

        .align  PAGE_SIZE
code_dir:
        .word   PT0 | PTE_V | PTE_W, T_B | PTE_V | PTE_W
code_dir_test:
        movi    r7, 0x7003              ; PDE 2: 0x18707003
        push    lr                      ; PDE 3: 0x10eefffc
        la      r1, code_dir
        ori     r1, r1, PTBR_PAGING
        mtcr    ptbr, r1
        STR     "ptbr = this code's own page | 1"
        call    show_ptbr
        KREAD   TESTVA, "load  0x400000 (PDE 1 = word 1 of this page)"
        KREAD   0x800000, "load  0x800000 (PDE 2 = the movi that ran first here)"
        KREAD   0xc00000, "load  0xc00000 (PDE 3 = the push after it)"
        la      r1, code_dir + 4
        li      r2, T_C | PTE_V | PTE_W
        stw     r2, [r1]                ; a store on this page, into this page: PDE 1
        mov     r4, r2
        movi    r2, 0
        STR     "store word 1 of this page (a stw on this page): PDE 1 -> 0x13000"
        call    report
        la      r1, code_dir + 8
        li      r2, T_A | PTE_V | PTE_W
        call    try_write
        STR     "store word 2 of this page (the movi): PDE 2 -> 0x11000"
        call    report
        tlbflush
        KREAD   TESTVA, "load  0x400000 (tlbflush done)"
        KREAD   0x800000, "load  0x800000"
        la      r1, code_dir
        call    try_read
        mov     r4, r1
        STR     "load  word 0 of this page"
        call    report
        la      r1, code_dir + 8
        call    try_read
        mov     r4, r1
        STR     "load  word 2 of this page"
        call    report
        movi    r1, 1
        mtcr    asid, r1
        li      r1, PDIR_M | PTBR_PAGING
        mtcr    ptbr, r1
        pop     lr
        ret

