; alias-shadow.s - one frame at many virtual pages; page tables and code written through aliases.
;
; Attacks: the coherence of the VMM's shadow page tables when frames have aliases. A data
; frame is mapped at several pages at once, with different permissions (read-write,
; read-only, user, user read-only, supervisor-only); the guest writes through one alias
; (word and byte stores, in supervisor and in user mode) and reads through all the others.
; A page table is mapped through aliases of its own (read-write, read-only, and user
; read-write, so that user code rewrites PTEs) and the guest rewrites PTEs through them,
; word by word and byte by byte: with invlpg, tlbflush or a rewrite of ptbr where the
; architecture asks for one, and without one where the architecture defines the result
; anyway (a PTE that was not valid, a permission the cached entry lacks, a write through an
; entry filled while D was clear, an entry evicted by the page 16 MiB further on: the TLB
; is direct-mapped with at most 4096 entries). Two page-directory entries share one page
; table. Code remaps the very page it runs on (to a copy that differs after the invlpg).
; Then the deep cases: a data frame that has had many aliases (one of them installed in a
; shadow table the VMM had just freed and reused, then refilled PADS times, default 300,
; -D PADS=N) becomes a page table, and another becomes code; the guest rewrites the PTE,
; and then the code, through a writable alias, and after the PTE follows with tlbflush as
; the architecture requires.
;
; What must happen: every read sees the last value written through any alias of the frame,
; every permission is enforced per alias, every PTE change is seen (A and D bits included)
; and every code change runs, exactly as on bare hardware (a VMM that write-protects page
; tables and code must protect every alias of the frame). The guest prints every value and
; fault it saw, what the code returned, then the page-table entries with their A and D bits.
;
; Expected console output (bare, 1 MiB): alias-shadow.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR, 0x10000                      ; the page directory
.equ PT0, 0x11000                       ; identity map of all memory, user RW
.equ TA, 0x12000                        ; the alias table (PDE 1 and PDE 5)
.equ TB1, 0x13000                       ; PDE 8: first alias of G3 (dropped later)
.equ TB2, 0x14000                       ; PDE 9: second alias of G3
.equ TC, 0x15000                        ; PDE 10: the alias of G3 refilled again and again
.equ TD1, 0x16000                       ; PDE 12, 13, 14: the same for H (code)
.equ TD2, 0x17000
.equ TE, 0x18000

.equ G1, 0x40000                        ; data frames, each with a signature in word 0
.equ G2, 0x41000
.equ X, 0x42000
.equ Y, 0x43000
.equ G3, 0x50000                        ; data, then a page table (PDE 11)
.equ H, 0x51000                         ; data, then code
.equ SIG_G1, 0x11111111
.equ SIG_G2, 0x22222222
.equ SIG_X, 0x33333333
.equ SIG_Y, 0x44444444

; the aliases in PDE 1's 4 MiB (table TA), user accessible at the directory level
.equ A_RW, 0x00400000                   ; TA[0] G1 supervisor RW
.equ A_RO, 0x00401000                   ; TA[1] G1 supervisor read-only
.equ A_U, 0x00402000                    ; TA[2] G1 user RW
.equ A_URO, 0x00403000                  ; TA[3] G1 user read-only
.equ A_PT, 0x00404000                   ; TA[4] TA itself, RW
.equ A_LATE, 0x00405000                 ; TA[5] not valid at first
.equ A_D, 0x00406000                    ; TA[6] G1 RW, D clear
.equ A_SUP, 0x00407000                  ; TA[7] G1 RW supervisor-only (later user)
.equ A_PTRO, 0x00408000                 ; TA[8] TA itself, read-only
.equ A_PTU, 0x00409000                  ; TA[9] TA itself, user RW
.equ A_UL, 0x0040a000                   ; TA[10] not valid at first (made valid by user code)
.equ A_FAR, 0x01400000                  ; PDE 5 -> TA too: 16 MiB above A_RW, same TLB slot
.equ TR, 0x19000                        ; PDE 3: RUNVA -> the page run_page is on, or its copy
.equ RUNVA, 0x00c00000
.equ CP2, 0x44000                       ; the copy of run_page's page (one instruction differs)

; the deep cases: index 40..45 of each table, TLB slots no other page of the test uses
.equ K, 40
.equ VA1, 0x02000000 + K * PAGE_SIZE    ; PDE 8  -> TB1[K] -> G3
.equ VA2, 0x02400000 + K * PAGE_SIZE    ; PDE 9  -> TB2[K] -> G3
.equ VAP, 0x02800000 + (K + 2) * PAGE_SIZE ; PDE 10 -> TC[K+2] -> G3
.equ J, K + 1
.equ VA5, 0x02c00000 + J * PAGE_SIZE    ; PDE 11 -> G3 as a page table, entry J
.equ K2, 44
.equ VB1, 0x03000000 + K2 * PAGE_SIZE   ; PDE 12 -> TD1[K2] -> H
.equ VB2, 0x03400000 + K2 * PAGE_SIZE   ; PDE 13 -> TD2[K2] -> H
.equ VBP, 0x03800000 + (K2 + 1) * PAGE_SIZE ; PDE 14 -> TE[K2+1] -> H
.ifndef PADS
.equ PADS, 300
.endif
.equ ASID_FRESH, 5

.equ MOVI_R1_1, 0x18100001              ; movi r1, 1
.equ MOVI_R1_2, 0x18100002              ; movi r1, 2
.equ JR_LR, 0x3cf00000                  ; jr lr

; ---- macros ------------------------------------------------------------------------------

; a string in line (jumped over); r1 = its address
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

; supervisor load / store through the probe, and a report line
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

; user-mode load / store
.macro UREAD va, text
        li      r1, \va
        call    user_read
        mov     r4, r1
        STR     \text
        call    report
.endm

.macro UWRITE va, value, text
        li      r1, \va
        li      r2, \value
        call    user_write
        STR     \text
        call    report
.endm

; a store with no probe (the page is known to be writable)
.macro POKE addr, value
        li      r1, \addr
        li      r2, \value
        stw     r2, [r1]
.endm

.macro INVAL va
        li      r1, \va
        invlpg  r1
.endm

; ---- the program ---------------------------------------------------------------------------

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, trap_entry
        mtcr    tvec, r1
        SAY     "alias-shadow: one frame at many pages, page tables written through aliases\n"

        ; signatures
        POKE    G1, SIG_G1
        POKE    G2, SIG_G2
        POKE    X, SIG_X
        POKE    Y, SIG_Y
        ; identity map of all memory, user RW (the user probes run in this program's pages)
        li      r1, PT0
        movi    r2, 0
        li      r4, 0x100000
.map:
        ori     r3, r2, PTE_V | PTE_W | PTE_U
        stw     r3, [r1]
        addi    r1, r1, 4
        li      r3, PAGE_SIZE
        add     r2, r2, r3
        cmp     r2, r4
        bltu    .map
        POKE    PDIR + 0 * 4, PT0 | PTE_V | PTE_W | PTE_U
        POKE    PDIR + 1 * 4, TA | PTE_V | PTE_W | PTE_U
        POKE    PDIR + 5 * 4, TA | PTE_V | PTE_W | PTE_U
        POKE    PDIR + 8 * 4, TB1 | PTE_V | PTE_W
        POKE    PDIR + 9 * 4, TB2 | PTE_V | PTE_W
        POKE    PDIR + 10 * 4, TC | PTE_V | PTE_W
        POKE    PDIR + 11 * 4, G3 | PTE_V | PTE_W
        POKE    PDIR + 12 * 4, TD1 | PTE_V | PTE_W
        POKE    PDIR + 13 * 4, TD2 | PTE_V | PTE_W
        POKE    PDIR + 14 * 4, TE | PTE_V | PTE_W
        POKE    PDIR + 3 * 4, TR | PTE_V | PTE_W
        la      r1, run_page
        ori     r1, r1, PTE_V | PTE_W
        li      r2, TR
        stw     r1, [r2]
        la      r1, run_page            ; copy its page to CP2, with movi r1, 2
        li      r2, CP2
        li      r3, CP2 + PAGE_SIZE
.copy:
        ldw     r4, [r1]
        stw     r4, [r2]
        addi    r1, r1, 4
        addi    r2, r2, 4
        cmp     r2, r3
        bltu    .copy
        POKE    CP2 + (run_page_movi - run_page), MOVI_R1_2
        POKE    TA + 0 * 4, G1 | PTE_V | PTE_W
        POKE    TA + 1 * 4, G1 | PTE_V
        POKE    TA + 2 * 4, G1 | PTE_V | PTE_W | PTE_U
        POKE    TA + 3 * 4, G1 | PTE_V | PTE_U
        POKE    TA + 4 * 4, TA | PTE_V | PTE_W
        POKE    TA + 6 * 4, G1 | PTE_V | PTE_W
        POKE    TA + 7 * 4, G1 | PTE_V | PTE_W
        POKE    TA + 8 * 4, TA | PTE_V
        POKE    TA + 9 * 4, TA | PTE_V | PTE_W | PTE_U
        POKE    TB1 + K * 4, G3 | PTE_V | PTE_W
        POKE    TB2 + K * 4, G3 | PTE_V | PTE_W
        POKE    TC + (K + 2) * 4, G3 | PTE_V | PTE_W
        POKE    TD1 + K2 * 4, H | PTE_V | PTE_W
        POKE    TD2 + K2 * 4, H | PTE_V | PTE_W
        POKE    TE + (K2 + 1) * 4, H | PTE_V | PTE_W
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1

        ; ---- 1. one frame, five pages ----------------------------------------------------
        SAY     "1. frame 0x40000 at 0x40000 (identity) and at 0x400000.. (RW, RO, user RW, user RO):\n"
        KREAD   G1, "load  identity"
        KREAD   A_RW, "load  alias RW"
        KREAD   A_RO, "load  alias RO"
        KREAD   A_U, "load  alias user RW"
        KREAD   A_URO, "load  alias user RO"
        KWRITE  A_RW, 0xa1a1a1a1, "store alias RW"
        KREAD   G1, "load  identity"
        KREAD   A_RO, "load  alias RO"
        KREAD   A_URO, "load  alias user RO"
        KWRITE  A_RO, 0x0badbad0, "store alias RO"
        KREAD   A_U, "load  alias user RW"
        KWRITE  A_U, 0xc2c2c2c2, "store alias user RW (supervisor)"
        KREAD   A_RO, "load  alias RO"
        UREAD   A_U, "user load  alias user RW"
        UREAD   A_URO, "user load  alias user RO"
        UREAD   A_RW, "user load  alias RW (supervisor-only)"
        UREAD   A_RO, "user load  alias RO (supervisor-only)"
        UWRITE  A_U, 0xd3d3d3d3, "user store alias user RW"
        UWRITE  A_URO, 0x0badbad1, "user store alias user RO"
        UWRITE  A_RW, 0x0badbad2, "user store alias RW (supervisor-only)"
        KREAD   A_RW, "load  alias RW"
        KWRITEB A_RW + 1, 0xee, "store byte 1 alias RW"
        KWRITEB A_RO + 2, 0x55, "store byte 2 alias RO"
        UREAD   A_URO, "user load  alias user RO"
        KREAD   G1, "load  identity"

        ; ---- 2. the alias table seen through its own alias --------------------------------
        SAY     "2. the alias table through its own alias 0x404000 (and read-only 0x408000):\n"
        KREAD   A_PT + 0 * 4, "load  PTE 0 (alias RW)"
        KREAD   A_PT + 1 * 4, "load  PTE 1 (alias RO)"
        KREAD   A_PT + 4 * 4, "load  PTE 4 (this alias itself)"
        KWRITE  A_PT + 0 * 4, G2 | PTE_V | PTE_W, "store PTE 0 -> 0x41000"
        INVAL   A_RW
        KREAD   A_RW, "load  alias RW (invlpg done)"
        KREAD   A_RO, "load  alias RO"
        KREAD   A_PT + 0 * 4, "load  PTE 0"
        KWRITEB A_PT + 0 * 4 + 1, 0x20, "store byte 1 of PTE 0 -> 0x42000"
        INVAL   A_RW
        KREAD   A_RW, "load  alias RW (invlpg done)"
        KREAD   TA + 0 * 4, "load  PTE 0 (identity)"
        KWRITE  A_PT + 4 * 4, TA | PTE_V, "store PTE 4 (this alias) -> read-only"
        INVAL   A_PT
        KWRITE  A_PT + 0 * 4, G1 | PTE_V | PTE_W, "store PTE 0 through it"
        KREAD   A_PT + 4 * 4, "load  PTE 4"
        KWRITE  TA + 4 * 4, TA | PTE_V | PTE_W, "store PTE 4 -> RW (identity)"
        INVAL   A_PT
        KREAD   A_PTRO + 0 * 4, "load  PTE 0 through the read-only alias"
        KWRITE  A_PTRO + 0 * 4, G1 | PTE_V | PTE_W, "store PTE 0 through the read-only alias"
        KREAD   A_RW, "load  alias RW"
        SAY     "   the alias table as a user page (0x409000), written by user code:\n"
        UREAD   A_PTU + 2 * 4, "user load  PTE 2"
        UREAD   A_UL, "user load  0x40a000 (PTE 10 not valid)"
        UWRITE  A_PTU + 10 * 4, G2 | PTE_V | PTE_U, "user store PTE 10 -> 0x41000 user read-only"
        UREAD   A_UL, "user load  0x40a000"
        UWRITE  A_UL, 0x0badbad3, "user store 0x40a000"
        UWRITE  A_PTU + 10 * 4, G1 | PTE_V | PTE_W | PTE_U, "user store PTE 10 -> 0x40000 user RW"
        INVAL   A_UL
        UWRITE  A_UL, 0xb7b7b7b7, "user store 0x40a000 (invlpg done)"
        KREAD   G1, "load  identity"
        UREAD   A_PTU + 10 * 4, "user load  PTE 10"
        KWRITEB A_PT + 10 * 4, PTE_V | PTE_W, "store byte 0 of PTE 10: U cleared"
        INVAL   A_UL
        UREAD   A_UL, "user load  0x40a000 (invlpg done)"
        KREAD   A_UL, "load  0x40a000"

        ; ---- 3. PTE changes without invlpg, where the result is defined -------------------
        SAY     "3. PTE changes without invlpg, where the architecture defines the result:\n"
        KREAD   A_LATE, "load  0x405000 (PTE 5 not valid)"
        KWRITE  A_PT + 5 * 4, G2 | PTE_V, "store PTE 5 -> 0x41000 read-only"
        KREAD   A_LATE, "load  0x405000 (a fault fills no TLB entry)"
        KREAD   A_RO, "load  alias RO"
        KWRITE  A_PT + 1 * 4, G1 | PTE_V | PTE_W, "store PTE 1 -> writable"
        KWRITE  A_RO, 0xe4e4e4e4, "store alias RO (its TLB entry cannot write)"
        KREAD   G1, "load  identity"
        KREAD   A_D, "load  0x406000 (PTE 6, D clear)"
        KWRITE  A_PT + 6 * 4, Y | PTE_V | PTE_W, "store PTE 6 -> 0x43000"
        KWRITE  A_D, 0xf5f5f5f5, "store 0x406000 (first write: walks)"
        KREAD   Y, "load  0x43000 (identity)"
        KREAD   G1, "load  0x40000 (identity)"
        KREAD   A_SUP, "load  0x407000 (PTE 7, supervisor-only)"
        UREAD   A_SUP, "user load  0x407000"
        KWRITE  A_PT + 7 * 4, G1 | PTE_V | PTE_W | PTE_U, "store PTE 7 -> user"
        UREAD   A_SUP, "user load  0x407000 (its TLB entry is supervisor-only)"
        KREAD   A_RW, "load  alias RW"
        KWRITE  A_PT + 0 * 4, G1 | PTE_V | PTE_W, "store PTE 0 -> 0x40000"
        KREAD   A_FAR, "load  0x1400000 (PDE 5 -> the same table: evicts 0x400000)"
        KREAD   A_RW, "load  alias RW"
        KWRITE  A_PT + 0 * 4, Y | PTE_V | PTE_W, "store PTE 0 -> 0x43000"
        tlbflush
        KREAD   A_RW, "load  alias RW (tlbflush done)"
        KWRITE  A_PT + 0 * 4, G2 | PTE_V | PTE_W, "store PTE 0 -> 0x41000"
        li      r1, ASID_FRESH          ; a tagged TLB holds nothing for this asid
        mtcr    asid, r1
        mfcr    r1, ptbr
        mtcr    ptbr, r1                ; the same value: flushes an untagged TLB
        KREAD   A_RW, "load  alias RW (fresh asid, ptbr written again)"
        SAY     "   the page the code runs on remapped by that code (0xc00000 -> 0x44000 -> back):\n"
        li      r2, CP2 | PTE_V | PTE_W
        call    run_remap
        la      r2, run_page
        ori     r2, r2, PTE_V | PTE_W
        call    run_remap
        KREAD   TR, "load  PTE of 0xc00000"

        ; ---- 4. a data frame with many aliases becomes a page table -----------------------
        SAY     "4. frame 0x50000: aliases at 0x2028000 and 0x2428000, then a page table:\n"
        KWRITE  VA1, 0x5a5a0001, "store 0x2028000"
        KWRITE  PDIR + 8 * 4, 0, "store PDE 8 = 0 (drop the first alias's table)"
        KWRITE  VA2, 0x5a5a0002, "store 0x2428000"
        call    pad_g3
        KREAD   VAP, "load  0x282a000 (refilled 300 times)"
        KWRITE  VA2, 0x5a5a0003, "store 0x2428000"
        KWRITE  VA2 + J * 4, X | PTE_V | PTE_W, "store 0x2428000 + 4*41 (entry 41) -> 0x42000"
        KREAD   VA5, "load  0x2c29000 (PDE 11 -> frame 0x50000 as a table)"
        KWRITE  VA2 + J * 4, Y | PTE_V | PTE_W, "store entry 41 -> 0x43000 through 0x2428000"
        tlbflush
        KREAD   VA5, "load  0x2c29000 (tlbflush done)"
        KREAD   G3 + J * 4, "load  entry 41 (identity)"
        KREAD   VA2, "load  0x2428000"

        ; ---- 5. a data frame with many aliases becomes code --------------------------------
        SAY     "5. frame 0x51000: aliases at 0x302c000 and 0x342c000, then code:\n"
        KWRITE  VB1 + 4, JR_LR, "store 0x302c004 (jr lr)"
        KWRITE  PDIR + 12 * 4, 0, "store PDE 12 = 0 (drop the first alias's table)"
        KWRITE  VB2, MOVI_R1_1, "store 0x342c000 (movi r1, 1)"
        call    pad_h
        KREAD   VBP, "load  0x382d000 (refilled 300 times)"
        KWRITE  VB2, MOVI_R1_1, "store 0x342c000 (movi r1, 1)"
        call    run_h
        KWRITE  VB2, MOVI_R1_2, "store 0x342c000 (movi r1, 2)"
        call    run_h
        KREAD   H, "load  0x51000 (identity)"

        ; ---- 6. the tables at the end ------------------------------------------------------
        SAY     "6. the entries now (A = 0x8, D = 0x10):\n"
        li      r8, TA
        li      r9, TA + 11 * 4
        call    dump_words
        li      r8, PDIR
        li      r9, PDIR + 15 * 4
        call    dump_words
        li      r8, G3 + J * 4
        li      r9, G3 + J * 4 + 4
        call    dump_words
        SAY     "alias-shadow: done\n"
        jmp     halt_forever

; pad_g3 / pad_h: invalidate and reload the third alias PADS times (each time a new shadow
; entry for the same frame under a VMM).
pad_g3:
        li      r5, VAP
        jmp     pad
pad_h:
        li      r5, VBP
pad:
        li      r6, PADS
.loop:
        invlpg  r5
        ldw     r7, [r5]
        subi    r6, r6, 1
        cmpi    r6, 0
        bne     .loop
        ret

; run_remap: call run_page at RUNVA with r2 = the new PTE for RUNVA; print what it returned.
run_remap:
        push    lr
        li      r1, RUNVA
        callr   r1
        mov     r8, r1
        STR     "  the code at 0xc00000 returned "
        call    puts
        mov     r1, r8
        call    put_dec
        call    newline
        pop     lr
        ret

; run_h: call the code in frame H through the identity map and print what it returned.
run_h:
        push    lr
        movi    r1, 0
        li      r2, H
        callr   r2
        mov     r8, r1
        STR     "  call 0x51000: returned "
        call    puts
        mov     r1, r8
        call    put_dec
        call    newline
        pop     lr
        ret

; ---- user-mode probes ----------------------------------------------------------------------
; user_read r1=va: r1 = word, r2 = cause (0: none), r3 = fault address.
; user_write r1=va r2=value: r2 = cause, r3 = fault address, r4 = value.
; Each runs one instruction in user mode (a stub in this program's pages, which are user
; pages), which ends with sys or a fault; the trap handler comes back to the caller.
user_read:
        la      r13, user_load
        jmp     user_run
user_write:
        la      r13, user_store
user_run:
        mtcr    spc, r13
        la      r12, user_state
        movi    r13, 1
        stw     r13, [r12 + US_ACTIVE]
        la      r13, .back
        stw     r13, [r12 + US_RESUME]
        movi    r13, 0
        mtcr    sflags, r13             ; user mode, interrupts off
        movi    r4, 0
        rfe
.back:                                  ; from trap_entry, in supervisor mode
        ldw     r2, [r12 + US_CAUSE]
        ldw     r3, [r12 + US_FADDR]
        cmpi    r2, CAUSE_SYSCALL
        bne     .fault
        movi    r2, 0
        movi    r3, 0
        mov     r1, r4
        ret
.fault:
        movi    r1, 0
        ret

user_load:
        ldw     r4, [r1]
        sys
user_store:
        mov     r4, r2
        stw     r2, [r1]
        sys

; trap_entry: a trap from a user probe goes back to its caller; anything else to probe_trap.
trap_entry:
        la      r12, user_state
        ldw     r13, [r12 + US_ACTIVE]
        cmpi    r13, 0
        beq     probe_trap
        movi    r13, 0
        stw     r13, [r12 + US_ACTIVE]
        mfcr    r13, cause
        stw     r13, [r12 + US_CAUSE]
        mfcr    r13, faddr
        stw     r13, [r12 + US_FADDR]
        ldw     r13, [r12 + US_RESUME]
        jr      r13

.equ US_ACTIVE, 0
.equ US_CAUSE, 4
.equ US_FADDR, 8
.equ US_RESUME, 12
        .align  4
user_state:     .word   0, 0, 0, 0

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

; run_page: runs at RUNVA. It points RUNVA's PTE at r2 (a frame holding the same code but
; for one instruction), invalidates RUNVA, and goes on: from the invlpg on, the fetches
; come from the new frame (before it they are the same in both). Returns r1 = 1 if the
; movi that ran was this page's, 2 if it was the copy's.
        .align  PAGE_SIZE
run_page:
        li      r3, TR
        stw     r2, [r3]
        li      r3, RUNVA
        invlpg  r3
run_page_movi:
        movi    r1, 1
        ret
