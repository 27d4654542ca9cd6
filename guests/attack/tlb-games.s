; tlb-games.s - a guest kernel that works the TLB hard, relying only on what the architecture defines.
;
; Attacks: the TLB behaviour a VMM must not change. The guest maps 4096 consecutive pages
; (16 MiB, so every slot of any TLB size, 1 to 4096 entries, is used) onto 16 frames, and
; 4096 more pages 16 MiB further on (each in the same slot as the page 16 MiB below it). It
; reads them all; rewrites all 4096 PTEs without invlpg and then touches the other 4096
; pages, which evicts every stale entry from a direct-mapped TLB whatever its size, so the
; new mappings are defined; remaps random pages 1024 times, each followed by invlpg of the
; page and three invlpgs of random addresses anywhere in 4 GiB; remaps random pages
; followed by tlbflush, 512 times; clears every A and D bit (with tlbflush) and counts
; which come back after reads and writes; and repeats, page by page, the three changes
; that need no invlpg at all: a PTE that was not valid made valid, a permission added
; that the cached entry lacks (write), and a new frame for a page whose cached entry was
; filled while D was clear (the first write must walk the tables again). Last, one page
; table under 256 directory entries, a load in each 4 MiB (more page tables in use at
; once than the VMM keeps shadow tables for one guest).
;
; What must happen: every load sees the frame the tables map at that moment (the guest
; computes what it should see from the tables and counts mismatches: 0), A and D bits come
; back exactly where the architecture says. The output does not depend on the TLB's size
; or tagging, and is the same on bare hardware and under the VMM.
;
; Expected console output (bare, 1 MiB): tlb-games.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR, 0x10000
.equ PT0, 0x11000                       ; identity map of all memory, supervisor RW
.equ TX, 0x12000                        ; 4 tables (PDE 4..7): the X pages, entry i at TX + 4i
.equ TY, 0x16000                        ; 4 tables (PDE 8..11): the Y pages
.equ DF, 0x20000                        ; 16 data frames DF + j*4K, word 0 = (j+1) * 0x01010101
.equ NFRAMES, 16
.equ X, 0x01000000                      ; 4096 pages
.equ Y, 0x02000000                      ; 4096 pages, 16 MiB above X: page i in X's slot i
.equ NPAGES, 4096
.equ STORM, 1024
.equ FLUSHES, 512
.equ SINGLES, 256
.equ FAR_FIRST, 16                      ; PDEs 16..271 -> TX (more shadow tables than a pool)
.equ FAR_PDES, 256

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

; print "  <text>: <r2 in hex>"
.macro SHOW text
        STR     \text
        call    show_value
.endm

; print "  <text>: <r2 in decimal>"
.macro SHOWD text
        STR     \text
        call    show_decimal
.endm

; r1 = next pseudo-random number (LCG in rng_state). Clobbers r2.
.macro RAND
        la      r2, rng_state
        ldw     r1, [r2]
        push    r3
        li      r3, 1103515245
        mul     r1, r1, r3
        li      r3, 12345
        add     r1, r1, r3
        pop     r3
        stw     r1, [r2]
.endm

; ---- the program ---------------------------------------------------------------------------

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        SAY     "tlb-games: 2 x 4096 pages on 16 frames; stale entries only where defined\n"

        ; frames: word 0 = (j+1) * 0x01010101, word 1 = 0
        movi    r5, 0
.frames:
        addi    r1, r5, 1
        li      r2, 0x01010101
        mul     r2, r1, r2
        shli    r1, r5, 12
        li      r3, DF
        add     r1, r1, r3
        stw     r2, [r1]
        addi    r5, r5, 1
        cmpi    r5, NFRAMES
        blt     .frames
        li      r1, PT0
        li      r2, 0x100000
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1]
        li      r2, TX | PTE_V | PTE_W  ; PDE 4..7 -> TX.., PDE 8..11 -> TY..
        li      r3, TY | PTE_V | PTE_W
        li      r4, PAGE_SIZE
        addi    r5, r1, 4 * 4
        addi    r6, r1, 8 * 4
        stw     r2, [r5 + 0]
        stw     r3, [r6 + 0]
        add     r2, r2, r4
        add     r3, r3, r4
        stw     r2, [r5 + 4]
        stw     r3, [r6 + 4]
        add     r2, r2, r4
        add     r3, r3, r4
        stw     r2, [r5 + 8]
        stw     r3, [r6 + 8]
        add     r2, r2, r4
        add     r3, r3, r4
        stw     r2, [r5 + 12]
        stw     r3, [r6 + 12]
        ; X page i -> frame (7i + 3) mod 16, Y page i -> frame (5i + 1) mod 16
        li      r1, TX
        movi    r2, 7
        movi    r3, 3
        call    map_pages
        li      r1, TY
        movi    r2, 5
        movi    r3, 1
        call    map_pages
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1

        ; ---- 1. every slot ----------------------------------------------------------------
        SAY     "1. loads from 4096 pages (every TLB slot), twice, and from the 4096 above:\n"
        li      r1, X
        call    sweep
        SHOW    "checksum of X, first pass"
        li      r1, X
        call    sweep
        SHOW    "checksum of X, second pass"
        li      r1, TX
        call    expect
        SHOW    "checksum X should have (from the tables)"
        li      r1, Y
        call    sweep
        SHOW    "checksum of Y"
        li      r1, TY
        call    expect
        SHOW    "checksum Y should have (from the tables)"

        ; ---- 2. all PTEs changed without invlpg, every stale entry evicted -----------------
        SAY     "2. all 4096 X PTEs changed without invlpg, then every Y page loaded:\n"
        li      r1, TX                  ; X page i -> frame (11i + 5) mod 16
        movi    r2, 11
        movi    r3, 5
        call    map_pages
        li      r1, Y
        call    sweep
        SHOW    "checksum of Y"
        li      r1, X
        call    sweep
        SHOW    "checksum of X"
        li      r1, TX
        call    expect
        SHOW    "checksum X should have (from the tables)"

        ; ---- 3. an invlpg storm -----------------------------------------------------------
        SAY     "3. 1024 random remaps, each with invlpg, among 3072 invlpgs of random addresses:\n"
        li      r8, STORM
        movi    r10, 0                  ; mismatches
.storm:
        RAND
        shri    r1, r1, 8
        andi    r6, r1, NPAGES - 1      ; page
        RAND
        shri    r1, r1, 12
        andi    r7, r1, NFRAMES - 1     ; new frame
        call    remap                   ; r4 = its va, r5 = the frame's word 0
        invlpg  r4
        RAND
        invlpg  r1
        RAND
        invlpg  r1
        ldw     r2, [r4]
        cmp     r2, r5
        beq     .ok
        addi    r10, r10, 1
.ok:
        RAND
        invlpg  r1
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .storm
        mov     r2, r10
        SHOWD   "loads that did not see the new frame"
        li      r1, X
        call    sweep
        SHOW    "checksum of X"
        li      r1, TX
        call    expect
        SHOW    "checksum X should have (from the tables)"

        ; ---- 4. tlbflush in a loop --------------------------------------------------------
        SAY     "4. 512 random remaps, each followed by tlbflush (and 512 more tlbflush):\n"
        li      r8, FLUSHES
        movi    r10, 0
.flush:
        RAND
        shri    r1, r1, 8
        andi    r6, r1, NPAGES - 1
        RAND
        shri    r1, r1, 12
        andi    r7, r1, NFRAMES - 1
        call    remap
        tlbflush
        ldw     r2, [r4]
        cmp     r2, r5
        beq     .flush_ok
        addi    r10, r10, 1
.flush_ok:
        tlbflush
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .flush
        mov     r2, r10
        SHOWD   "loads that did not see the new frame"
        li      r1, X
        call    sweep
        SHOW    "checksum of X"
        li      r1, TX
        call    expect
        SHOW    "checksum X should have (from the tables)"

        ; ---- 5. A and D bits --------------------------------------------------------------
        SAY     "5. every A and D bit of X cleared (then tlbflush); loads from even pages, stores to pages 4k+1:\n"
        li      r1, TX
        li      r2, TX + NPAGES * 4
        li      r3, ~(PTE_A | PTE_D)
.clear:
        ldw     r4, [r1]
        and     r4, r4, r3
        stw     r4, [r1]
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .clear
        tlbflush
        li      r1, X
        li      r2, X + NPAGES * PAGE_SIZE
        li      r3, 2 * PAGE_SIZE
.even:
        ldw     r4, [r1]
        add     r1, r1, r3
        cmp     r1, r2
        bltu    .even
        li      r1, X + PAGE_SIZE
        li      r3, 4 * PAGE_SIZE
.odd:
        stw     r1, [r1 + 4]            ; word 1 of the frame
        add     r1, r1, r3
        cmp     r1, r2
        bltu    .odd
        call    count_ad
        SHOWD   "PTEs with A set"
        mov     r2, r5
        SHOWD   "PTEs with D set"
        mov     r2, r6
        SHOWD   "PTEs with A set on the pages loaded or stored (expected 3072)"
        mov     r2, r7
        SHOWD   "PTEs with D set on the pages stored (expected 1024)"

        ; ---- 6. changes that need no invlpg -----------------------------------------------
        SAY     "6. page by page, 256 times each: changes the architecture defines without invlpg:\n"
        movi    r8, 0                   ; (counters in memory: r12 and r13 are the probe's)
.single:
        ; (a) not valid -> valid: the load that faulted filled no entry
        shli    r6, r8, 4               ; pages 0, 16, 32, ...
        li      r1, TX
        shli    r2, r6, 2
        add     r9, r1, r2              ; r9 = the PTE's address
        movi    r1, 0
        stw     r1, [r9]
        shli    r4, r6, 12
        li      r1, X
        add     r4, r4, r1              ; r4 = the page
        invlpg  r4
        mov     r1, r4
        push    r4
        call    try_read                ; page-read fault
        pop     r4
        andi    r7, r8, NFRAMES - 1
        call    frame_pte               ; r1 = PTE for frame r7 (V W), r5 = its word 0
        stw     r1, [r9]
        ldw     r2, [r4]
        cmp     r2, r5
        beq     .a_ok
        la      r2, count_a
        call    bump
.a_ok:
        ; (b) read-only -> writable: the cached entry cannot write, the store walks
        xori    r1, r1, PTE_W
        stw     r1, [r9]
        invlpg  r4
        ldw     r2, [r4]                ; fills a read-only entry
        ori     r1, r1, PTE_W
        stw     r1, [r9]
        mov     r1, r4
        addi    r1, r1, 8
        mov     r2, r8
        push    r4
        call    try_write               ; must not fault
        pop     r4
        cmpi    r2, 0
        beq     .b_ok
        la      r2, count_b
        call    bump
.b_ok:
        ; (c) a new frame for a page cached while D was clear: the first store walks
        andi    r7, r8, NFRAMES - 1
        call    frame_pte
        stw     r1, [r9]                ; D clear
        invlpg  r4
        ldw     r2, [r4]                ; fills an entry that cannot write (D clear)
        addi    r7, r7, 1
        andi    r7, r7, NFRAMES - 1
        call    frame_pte               ; the next frame
        stw     r1, [r9]
        li      r2, 0xc0de0000
        or      r2, r2, r8
        stw     r2, [r4 + 12]           ; must land in the new frame
        li      r3, ~0xfff
        and     r1, r1, r3
        ldw     r3, [r1 + 12]           ; the new frame, through the identity map
        cmp     r3, r2
        beq     .c_ok
        la      r2, count_c
        call    bump
.c_ok:
        addi    r8, r8, 1
        cmpi    r8, SINGLES
        blt     .single
        la      r2, count_a
        ldw     r2, [r2]
        SHOWD   "not valid -> valid: loads that missed the new mapping"
        la      r2, count_b
        ldw     r2, [r2]
        SHOWD   "read-only -> writable: stores that faulted"
        la      r2, count_c
        ldw     r2, [r2]
        SHOWD   "new frame after a load with D clear: stores that missed it"
        li      r1, DF + 12             ; where the stores of (c) landed: word 3 of each frame
        li      r2, DF + NFRAMES * PAGE_SIZE
        li      r3, PAGE_SIZE
        movi    r9, 0
.landed:
        ldw     r4, [r1]
        muli    r9, r9, 31
        add     r9, r9, r4
        add     r1, r1, r3
        cmp     r1, r2
        bltu    .landed
        mov     r2, r9
        SHOW    "checksum of word 3 of the 16 frames"
        li      r1, X
        call    sweep
        SHOW    "checksum of X"
        li      r1, TX
        call    expect
        SHOW    "checksum X should have (from the tables)"

        ; ---- 7. one table under 256 directory entries -------------------------------------
        SAY     "7. PDEs 16..271 all -> the first X table; a load in each 4 MiB, twice:\n"
        li      r1, PDIR + FAR_FIRST * 4
        li      r2, PDIR + (FAR_FIRST + FAR_PDES) * 4
        li      r3, TX | PTE_V | PTE_W
.far_pdes:
        stw     r3, [r1]
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .far_pdes
        call    far_sweep
        SHOW    "checksum, first pass"
        call    far_sweep
        SHOW    "checksum, second pass"
        call    far_expect
        SHOW    "checksum it should have (from the tables)"
        SAY     "tlb-games: done\n"
        jmp     halt_forever

; far_sweep: r2 = checksum of word 0 of page (7r mod 1024) of region r, r = 16..271.
far_sweep:
        movi    r1, FAR_FIRST
        movi    r2, 0
.region:
        muli    r3, r1, 7
        andi    r3, r3, 1023
        shli    r3, r3, 12
        shli    r4, r1, 22
        add     r3, r3, r4
        ldw     r5, [r3]
        muli    r2, r2, 31
        add     r2, r2, r5
        addi    r1, r1, 1
        cmpi    r1, FAR_FIRST + FAR_PDES
        blt     .region
        ret

; far_expect: r2 = what far_sweep should give, from the first X table and the frames.
far_expect:
        movi    r1, FAR_FIRST
        movi    r2, 0
        li      r4, ~0xfff
.region:
        muli    r3, r1, 7
        andi    r3, r3, 1023
        shli    r3, r3, 2
        li      r5, TX
        add     r3, r3, r5
        ldw     r5, [r3]
        and     r5, r5, r4
        ldw     r5, [r5]
        muli    r2, r2, 31
        add     r2, r2, r5
        addi    r1, r1, 1
        cmpi    r1, FAR_FIRST + FAR_PDES
        blt     .region
        ret

; map_pages: r1 = 4096 PTEs; page i -> frame (r2 * i + r3) mod 16, supervisor RW.
map_pages:
        movi    r4, 0
.next:
        mul     r5, r4, r2
        add     r5, r5, r3
        andi    r5, r5, NFRAMES - 1
        shli    r5, r5, 12
        li      r6, DF | PTE_V | PTE_W
        add     r5, r5, r6
        stw     r5, [r1]
        addi    r1, r1, 4
        addi    r4, r4, 1
        li      r6, NPAGES
        cmp     r4, r6
        blt     .next
        ret

; sweep: r2 = checksum of word 0 of the 4096 pages from r1 (c = c * 31 + word).
sweep:
        li      r3, NPAGES * PAGE_SIZE
        add     r3, r1, r3
        li      r4, PAGE_SIZE
        movi    r2, 0
.page:
        ldw     r5, [r1]
        muli    r2, r2, 31
        add     r2, r2, r5
        add     r1, r1, r4
        cmp     r1, r3
        bltu    .page
        ret

; expect: r2 = the checksum sweep should give for the 4096 PTEs at r1, from the frames
; they name, read through the identity map.
expect:
        li      r3, NPAGES * 4
        add     r3, r1, r3
        li      r4, ~0xfff
        movi    r2, 0
.pte:
        ldw     r5, [r1]
        and     r5, r5, r4
        ldw     r5, [r5]
        muli    r2, r2, 31
        add     r2, r2, r5
        addi    r1, r1, 4
        cmp     r1, r3
        bltu    .pte
        ret

; frame_pte: r1 = PTE for data frame r7 (V, W), r5 = word 0 of that frame.
frame_pte:
        shli    r1, r7, 12
        li      r5, DF
        add     r1, r1, r5
        ldw     r5, [r1]
        ori     r1, r1, PTE_V | PTE_W
        ret

; remap: X page r6 -> data frame r7 (identity store into TX). r4 = the page's va,
; r5 = the frame's word 0. Clobbers r1, r2.
remap:
        push    lr
        call    frame_pte
        li      r2, TX
        shli    r4, r6, 2
        add     r2, r2, r4
        stw     r1, [r2]
        shli    r4, r6, 12
        li      r2, X
        add     r4, r4, r2
        pop     lr
        ret

; count_ad: over the X PTEs: r2 = with A, r5 = with D, r6 = with A among pages 2k and
; 4k+1, r7 = with D among pages 4k+1.
count_ad:
        li      r1, TX
        movi    r2, 0
        movi    r5, 0
        movi    r6, 0
        movi    r7, 0
        movi    r8, 0                   ; page index
.entry:
        ldw     r3, [r1]
        andi    r4, r3, PTE_A
        cmpi    r4, 0
        beq     .no_a
        addi    r2, r2, 1
        andi    r4, r8, 1
        cmpi    r4, 0
        beq     .a_touched
        andi    r4, r8, 3
        cmpi    r4, 1
        bne     .no_a
.a_touched:
        addi    r6, r6, 1
.no_a:
        andi    r4, r3, PTE_D
        cmpi    r4, 0
        beq     .no_d
        addi    r5, r5, 1
        andi    r4, r8, 3
        cmpi    r4, 1
        bne     .no_d
        addi    r7, r7, 1
.no_d:
        addi    r1, r1, 4
        addi    r8, r8, 1
        li      r4, NPAGES
        cmp     r8, r4
        blt     .entry
        ret

; show_value: r1 = label, r2 = value; "  <label>: 0x........". show_decimal: the same in decimal.
show_value:
        la      r3, put_hex
        jmp     show
show_decimal:
        la      r3, put_dec
show:
        push    lr
        push    r3
        push    r2
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_colon
        call    puts
        pop     r1
        pop     r3
        callr   r3
        call    newline
        pop     lr
        ret

; bump: add 1 to the word at r2. Clobbers r3.
bump:
        ldw     r3, [r2]
        addi    r3, r3, 1
        stw     r3, [r2]
        ret

        .align  4
rng_state:      .word   0x2545f491
count_a:        .word   0
count_b:        .word   0
count_c:        .word   0

.include "lib.s"
