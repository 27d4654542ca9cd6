; dma-pagetable.s - a guest kernel whose disk DMA rewrites its live page tables.
;
; Attacks: the shadow page tables of the software VMM (--mode trap and full), which stay
; coherent with the guest's tables by write-protecting them, so that every CPU store to a
; table is seen. DMA does not go through the MMU: a transfer changes mappings behind the
; CPU's back. With paging on and its mappings in use (the VMM has shadow entries for
; them), the kernel has the disk (sector 0 as scratch: memory -> disk, then disk ->
; memory) rewrite: a page table (entries reordered, made invalid, read-only, pointing past
; memory or at the table itself, a new one valid); a sector at an address that is not a
; multiple of 4 (the first entry it touches changes only in its frame bits, the last only
; in its flags); the same entry again and again while a loop reads through it, flushing
; the TLB on every pass (it must see the new frame from the very pass in which the data
; lands); 64 entries, each read for the first time while the transfer is in flight, by
; the kernel and then by a user program (the VMM's user view); the page directory (its
; first entry moved to another table that maps this code the same way, others to another
; table, to a data page used as a table, past memory, invalid) and the directory's upper
; half; a page directory and a page table not in use, then switched to; the same two
; again once the VMM has seen them in use and they are idle; and the table that maps this
; very code and its stack, moving one code page (the one that polls the disk meanwhile)
; to a changed copy. The kernel flushes its TLB after each transfer, as the architecture
; requires (or reads only pages it never read before).
;
; What must happen: every access reaches what the tables now in memory say (the frame's
; signature, or the fault bare hardware gives: page-read, page-write, bus), the moved code
; page runs its copy, and the entries read back with the A and D bits the walks set. The
; output is the same as on bare hardware, in every mode.
;
; Needs a disk of at least one sector: run it with --disk guests/kernel/disk.txt, as for
; the expected output below (without a disk it says so and halts: dma-pagetable.nodisk.expected).
;
; Expected console output (bare, 1 MiB): dma-pagetable.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR, 0x10000                      ; the page directory in use
.equ PT0, 0x11000                       ; identity map of memory (supervisor RW)
.equ PT1, 0x12000                       ; the window's table: VA WIN..
.equ PT2, 0x13000                       ; another window table
.equ PDIR2, 0x14000                     ; a page directory not in use at first
.equ PT0B, 0x15000                      ; maps memory like PT0, except one page
.equ PT3, 0x16000                       ; a page table not in use at first
.equ FAKE, 0x17000                      ; a data page that a PDE will point at
.equ SIGS, 0x20                         ; frames 0x20..0x3f carry signatures
.equ SIG, 0x5a000000                    ; word 0 of frame f = SIG | f
.equ BUF, 0x40000                       ; the sector being prepared
.equ WIN, 0x400000                      ; PDE 1
.equ FAR, 0x800000                      ; PDE 2
.equ BEYOND, 0xc00000                   ; PDE 3
.equ NONE, 0x1000000                    ; PDE 4
.equ HIGH, 0x80000000                   ; PDE 512
.equ MARK, 0x30000                      ; a page PT0B (and later PT0) maps elsewhere
.equ COPY, 0x50000                      ; a copy of the page code2, changed
.equ MOVI_R1, 0x18100000                ; movi r1, imm
.equ RW, PTE_V | PTE_W

        .org    0x1000
start:
        mov     r11, sp                 ; r11 = end of memory; r0 stays 0
        li      sp, STACK_TOP
        la      r1, handler
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
        ; signatures: word 0 of frame f = SIG | f, for f = 0x20..0x3f
        movi    r1, SIGS
.sign:
        shli    r2, r1, 12
        li      r3, SIG
        or      r3, r3, r1
        stw     r3, [r2]
        addi    r1, r1, 1
        cmpi    r1, SIGS + 0x20
        blt     .sign

        ; the tables: PDIR -> PT0 (identity), PT1 (window; user entries at 128..191); all
        ; the others zero
        li      r1, PDIR
        li      r2, FAKE + PAGE_SIZE
.zero:
        stw     r0, [r1]
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .zero
        li      r1, PT0
        mov     r2, r11
        call    identity_map
        li      r1, PT1                 ; WIN + i: frame 0x20 + i, i = 0..7
        movi    r2, 0
.pt1_low:
        addi    r3, r2, SIGS
        shli    r3, r3, 12
        ori     r3, r3, RW
        shli    r4, r2, 2
        add     r4, r1, r4
        stw     r3, [r4]
        addi    r2, r2, 1
        cmpi    r2, 8
        blt     .pt1_low
        movi    r2, 16                  ; WIN + i: frame 0x20 + i % 16, i = 16..79
.pt1_high:
        andi    r3, r2, 15
        addi    r3, r3, SIGS
        shli    r3, r3, 12
        ori     r3, r3, RW
        shli    r4, r2, 2
        add     r4, r1, r4
        stw     r3, [r4]
        addi    r2, r2, 1
        cmpi    r2, 80
        blt     .pt1_high
        movi    r2, 128                 ; WIN + i, user: frame 0x20 + i % 16, i = 128..191
.pt1_user:
        andi    r3, r2, 15
        addi    r3, r3, SIGS
        shli    r3, r3, 12
        ori     r3, r3, RW | PTE_U
        shli    r4, r2, 2
        add     r4, r1, r4
        stw     r3, [r4]
        addi    r2, r2, 1
        cmpi    r2, 192
        blt     .pt1_user
        li      r2, (SIGS + 1) << 12 | RW
        stw     r2, [r1 + 256 * 4]
        li      r2, (SIGS + 9) << 12    ; not valid (yet)
        stw     r2, [r1 + 384 * 4]
        li      r1, PDIR                ; user code may reach the window and upage only
        li      r2, PT0 | RW | PTE_U
        stw     r2, [r1]
        li      r2, PT1 | RW | PTE_U
        stw     r2, [r1 + 4]
        li      r1, PT0 + (upage >> 12) * 4
        ldw     r2, [r1]
        ori     r2, r2, PTE_U
        stw     r2, [r1]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        la      r1, msg_paging
        call    puts
        la      r1, list_win
        call    read_list

        ; ---- 1. a sector over the live window table ------------------------------------
        la      r1, msg_t1
        call    puts
        li      r1, PT1
        call    buf_from
        movi    r2, 0                   ; entries 0..7: frames 0x27 .. 0x20 (reversed)
.rev:
        movi    r3, SIGS + 7
        sub     r3, r3, r2
        shli    r3, r3, 12
        ori     r3, r3, RW
        call    buf_set
        addi    r2, r2, 1
        cmpi    r2, 8
        blt     .rev
        movi    r2, 3                   ; 3: invalid
        movi    r3, 0
        call    buf_set
        movi    r2, 4                   ; 4: read-only
        li      r3, (SIGS + 3) << 12 | PTE_V
        call    buf_set
        movi    r2, 5                   ; 5: past the end of memory
        li      r3, 0x7ff00000 | RW
        call    buf_set
        movi    r2, 6                   ; 6: the table itself, as a data page
        li      r3, PT1 | RW
        call    buf_set
        movi    r2, 8                   ; 8: invalid before, now frame 0x28
        li      r3, (SIGS + 8) << 12 | RW
        call    buf_set
        li      r1, PT1
        call    buf_to
        tlbflush
        la      r1, list_win9
        call    read_list
        la      r1, list_win_write
        call    write_list
        la      r1, msg_landed
        call    puts
        li      r1, (SIGS + 7) << 12    ; WIN + 0's new frame, through the identity map
        ldw     r1, [r1 + 4]
        call    put_hex
        la      r1, msg_entries
        call    puts
        li      r1, PT1
        movi    r2, 9
        call    print_entries

        ; ---- 1b. a sector at an address that is not a multiple of 4 --------------------
        la      r1, msg_t1b
        call    puts
        la      r1, list_odd
        call    read_list
        li      r1, PT1 + 256 * 4 + 2   ; BUF = the 512 bytes from there
        call    buf_from_bytes
        movi    r2, 0                   ; entry 256's upper half: frame 0x21 -> 0x31
        movi    r3, 0x03
        call    buf_byte
        movi    r2, 1
        movi    r3, 0x00
        call    buf_byte
        movi    r2, 44 * 4 - 2          ; entry 300: frame 0x2e, RW
        li      r3, (SIGS + 0xe) << 12 | RW
        call    buf_word_bytes
        li      r2, SECTOR_SIZE - 2     ; entry 384's lower half: + V W
        movi    r3, RW
        call    buf_byte
        li      r1, PT1 + 256 * 4 + 2
        call    buf_to
        tlbflush
        la      r1, list_odd
        call    read_list
        la      r1, msg_entries_odd
        call    puts
        li      r1, PT1 + 256 * 4
        movi    r2, 1
        call    print_words
        li      r1, PT1 + 300 * 4
        movi    r2, 1
        call    print_words
        li      r1, PT1 + 384 * 4
        movi    r2, 1
        call    print_entries

        ; ---- 2. a sector over one entry while a loop reads through it ------------------
        la      r1, msg_t2
        call    puts
        li      r1, PT1
        call    buf_from
        movi    r2, 0
        li      r3, (SIGS + 0x10) << 12 | RW
        call    buf_set
        call    buf_to_disk
        li      r1, PT1
        call    dma_start
        li      r5, SIG | (SIGS + 7)    ; what WIN + 0 shows now
        li      r6, WIN
        movi    r7, 0                   ; passes that saw the old frame
        movi    r8, 0                   ; passes that saw the new one
        movi    r9, 0                   ; other
        movi    r10, 0
.t2_loop:
        tlbflush
        ldw     r1, [r6]
        cmp     r1, r5
        beq     .t2_old
        li      r2, SIG | (SIGS + 0x10)
        cmp     r1, r2
        beq     .t2_new
        addi    r9, r9, 1
        jmp     .t2_next
.t2_old:
        addi    r7, r7, 1
        jmp     .t2_next
.t2_new:
        addi    r8, r8, 1
.t2_next:
        addi    r10, r10, 1
        cmpi    r10, 80
        blt     .t2_loop
        call    dma_wait
        call    print_counts

        ; ---- 3. 64 entries, each page read for the first time while the DMA flies ------
        la      r1, msg_t3
        call    puts
        li      r1, PT1
        call    buf_from
        movi    r2, 16                  ; WIN + i: frame 0x30 + i % 16
.t3_set:
        andi    r3, r2, 15
        addi    r3, r3, SIGS + 0x10
        shli    r3, r3, 12
        ori     r3, r3, RW
        call    buf_set
        addi    r2, r2, 1
        cmpi    r2, 80
        blt     .t3_set
        call    buf_to_disk
        li      r1, PT1
        call    dma_start
        li      r6, WIN + 16 * PAGE_SIZE
        movi    r7, 0
        movi    r8, 0
        movi    r9, 0
        movi    r10, 16
.t3_loop:
        ldw     r1, [r6]
        li      r2, SIG | SIGS
        andi    r3, r10, 15
        or      r2, r2, r3              ; the old frame's signature
        cmp     r1, r2
        beq     .t3_old
        ori     r2, r2, 0x10            ; the new one's
        cmp     r1, r2
        beq     .t3_new
        addi    r9, r9, 1
        jmp     .t3_next
.t3_old:
        addi    r7, r7, 1
        jmp     .t3_next
.t3_new:
        addi    r8, r8, 1
.t3_next:
        li      r1, PAGE_SIZE
        add     r6, r6, r1
        addi    r10, r10, 1
        cmpi    r10, 80
        blt     .t3_loop
        call    dma_wait
        call    print_counts

        ; ---- 3u. the same in user mode: the user program reads, the DMA flies ----------
        la      r1, msg_t3u
        call    puts
        li      r1, PT1 + 128 * 4
        call    buf_from
        movi    r2, 0                   ; WIN + 128 + i: frame 0x30 + i % 16, user
.t3u_set:
        andi    r3, r2, 15
        addi    r3, r3, SIGS + 0x10
        shli    r3, r3, 12
        ori     r3, r3, RW | PTE_U
        call    buf_set
        addi    r2, r2, 1
        cmpi    r2, 64
        blt     .t3u_set
        call    buf_to_disk
        li      r1, PT1 + 128 * 4
        call    dma_start
        li      r6, WIN + 128 * PAGE_SIZE
        movi    r7, 0
        movi    r8, 0
        movi    r9, 0
        movi    r10, 0
        la      r1, user_read           ; user mode, interrupts off
        mtcr    spc, r1
        mtcr    sflags, r0
        rfe
user_done:                              ; the handler comes back here after the sys
        call    dma_wait
        call    print_counts

        ; ---- 4. a sector over the live page directory ----------------------------------
        la      r1, msg_t4
        call    puts
        li      r1, PT0                 ; PT0B: PT0, but MARK -> MARK + 4K
        li      r2, PT0B
        li      r3, PAGE_SIZE
        call    copy
        li      r1, PT0B + (MARK >> 12) * 4
        li      r2, MARK + PAGE_SIZE | RW
        stw     r2, [r1]
        li      r1, PT2                 ; PT2: WIN + i -> frame 0x38 + i, i = 0..3
        li      r2, (SIGS + 0x18) << 12 | RW
        stw     r2, [r1]
        li      r2, (SIGS + 0x19) << 12 | RW
        stw     r2, [r1 + 4]
        li      r2, (SIGS + 0x1a) << 12 | RW
        stw     r2, [r1 + 8]
        li      r2, (SIGS + 0x1b) << 12 | RW
        stw     r2, [r1 + 12]
        li      r1, FAKE                ; FAKE as a table: FAR -> frame 0x2a, FAR + 4K invalid
        li      r2, (SIGS + 0xa) << 12 | PTE_V
        stw     r2, [r1]
        stw     r0, [r1 + 4]
        li      r1, PDIR
        call    buf_from
        movi    r2, 0
        li      r3, PT0B | RW
        call    buf_set
        movi    r2, 1
        li      r3, PT2 | RW
        call    buf_set
        movi    r2, 2
        li      r3, FAKE | RW
        call    buf_set
        movi    r2, 3
        li      r3, 0x7ff00000 | RW     ; a page table past the end of memory
        call    buf_set
        movi    r2, 4
        movi    r3, 0
        call    buf_set
        li      r1, PDIR
        call    buf_to
        tlbflush
        la      r1, list_dir
        call    read_list
        la      r1, msg_t4b
        call    puts
        call    buf_clear               ; the upper half: PDE 512 -> PT2
        movi    r2, 0
        li      r3, PT2 | RW
        call    buf_set
        li      r1, PDIR + 512 * 4
        call    buf_to
        tlbflush
        la      r1, list_high
        call    read_list
        la      r1, msg_entries2
        call    puts
        li      r1, PDIR
        movi    r2, 5
        call    print_entries

        ; ---- 5. a directory and a table not in use, then switched to -------------------
        la      r1, msg_t5
        call    puts
        call    buf_clear               ; PT3: WIN -> 0x2b, WIN + 4K -> 0x2c read-only
        movi    r2, 0
        li      r3, (SIGS + 0xb) << 12 | RW
        call    buf_set
        movi    r2, 1
        li      r3, (SIGS + 0xc) << 12 | PTE_V
        call    buf_set
        li      r1, PT3
        call    buf_to
        call    buf_clear               ; PDIR2: PDE 0 -> PT0, PDE 1 -> PT3
        movi    r2, 0
        li      r3, PT0 | RW
        call    buf_set
        movi    r2, 1
        li      r3, PT3 | RW
        call    buf_set
        li      r1, PDIR2
        call    buf_to
        li      r1, PDIR2 | PTBR_PAGING
        call    switch
        la      r1, list_win3
        call    read_list
        la      r1, list_win3_write
        call    write_list

        la      r1, msg_t5b             ; PT3 again, idle, while PDIR is in use
        call    puts
        li      r1, PDIR | PTBR_PAGING
        call    switch
        li      r1, PT3
        call    buf_from
        movi    r2, 0
        li      r3, (SIGS + 0xd) << 12 | RW
        call    buf_set
        movi    r2, 1
        li      r3, (SIGS + 0xe) << 12 | RW
        call    buf_set
        movi    r2, 2
        li      r3, (SIGS + 0xf) << 12 | RW
        call    buf_set
        li      r1, PT3
        call    buf_to
        li      r1, PDIR2 | PTBR_PAGING
        call    switch
        la      r1, list_win3
        call    read_list

        la      r1, msg_t5c             ; PDIR2 again, idle: PDE 1 -> PT1
        call    puts
        li      r1, PDIR | PTBR_PAGING
        call    switch
        li      r1, PDIR2
        call    buf_from
        movi    r2, 1
        li      r3, PT1 | RW
        call    buf_set
        li      r1, PDIR2
        call    buf_to
        li      r1, PDIR2 | PTBR_PAGING
        call    switch
        la      r1, list_win3
        call    read_list

        ; ---- 6. the table that maps this code and its stack ----------------------------
        la      r1, msg_t6
        call    puts
        la      r1, code2               ; COPY: code2's page, with remap_me changed
        li      r2, COPY
        li      r3, PAGE_SIZE
        call    copy
        li      r1, COPY + (remap_me - code2)
        li      r2, MOVI_R1 | 0x222
        stw     r2, [r1]
        movi    r9, 0
.warm:
        call    remap_me
        addi    r9, r9, 1
        cmpi    r9, 20
        blt     .warm
        mov     r8, r1
        li      r1, PT0
        call    buf_from
        la      r2, code2               ; code2 -> COPY
        shri    r2, r2, 12
        li      r3, COPY | RW
        call    buf_set
        movi    r2, MARK >> 12          ; MARK -> MARK + 8K
        li      r3, MARK + 2 * PAGE_SIZE | RW
        call    buf_set
        movi    r2, (MARK >> 12) + 2    ; MARK + 8K read-only
        li      r3, MARK + 2 * PAGE_SIZE | PTE_V
        call    buf_set
        movi    r2, (MARK >> 12) + 3    ; MARK + 12K invalid
        movi    r3, 0
        call    buf_set
        call    buf_to_disk
        li      r1, PT0
        call    dma_start
        call    wait_on_code2           ; the page being remapped waits for the DMA
        tlbflush
        la      r1, list_mark
        call    read_list
        la      r1, msg_remap
        call    puts
        mov     r1, r8
        call    put_hex
        call    comma
        call    remap_me
        call    put_hex
        call    comma
        la      r1, remap_me
        ldw     r1, [r1]
        call    put_hex
        call    newline
        la      r1, list_mark_write
        call    write_list
        la      r1, msg_entries3
        call    puts
        li      r1, PT0 + (MARK >> 12) * 4
        movi    r2, 4
        call    print_entries

        la      r1, msg_done
        call    puts
        jmp     halt_forever

; ---- helpers ----------------------------------------------------------------------------

; switch: ptbr = r1, then flush the TLB (with a tagged TLB writing ptbr does not).
switch:
        mtcr    ptbr, r1
        tlbflush
        ret

; buf_from: BUF = the 512 bytes at r1. buf_clear: BUF = zeros. buf_set: word r2 of BUF =
; r3. Clobber r1, r4, r5 (buf_set: r1).
buf_from:
        li      r4, BUF
        li      r5, SECTOR_SIZE
.loop:
        ldw     r3, [r1]
        stw     r3, [r4]
        addi    r1, r1, 4
        addi    r4, r4, 4
        subi    r5, r5, 4
        cmpi    r5, 0
        bne     .loop
        ret
buf_clear:
        li      r4, BUF
        li      r5, SECTOR_SIZE
.loop:
        stw     r0, [r4]
        addi    r4, r4, 4
        subi    r5, r5, 4
        cmpi    r5, 0
        bne     .loop
        ret
buf_set:
        shli    r1, r2, 2
        li      r4, BUF
        add     r1, r1, r4
        stw     r3, [r1]
        ret

; buf_from_bytes: BUF = the 512 bytes at r1, any alignment. buf_byte: byte r2 of BUF = r3.
; buf_word_bytes: bytes r2..r2+3 of BUF = the word r3 (little-endian). Clobber r1..r5.
buf_from_bytes:
        li      r4, BUF
        li      r5, SECTOR_SIZE
.loop:
        ldb     r3, [r1]
        stb     r3, [r4]
        addi    r1, r1, 1
        addi    r4, r4, 1
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .loop
        ret
buf_byte:
        li      r1, BUF
        add     r1, r1, r2
        stb     r3, [r1]
        ret
buf_word_bytes:
        li      r1, BUF
        add     r1, r1, r2
        movi    r5, 4
.loop:
        stb     r3, [r1]
        shri    r3, r3, 8
        addi    r1, r1, 1
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .loop
        ret

; handler: a sys from user mode resumes the kernel at user_done (supervisor mode,
; interrupts off); anything else goes to the probe (lib.s).
handler:
        mfcr    r13, cause
        cmpi    r13, CAUSE_SYSCALL
        bne     probe_trap
        mfcr    r13, sflags
        andi    r13, r13, FLAG_S
        cmpi    r13, 0
        bne     probe_trap
        la      r13, user_done
        mtcr    spc, r13
        movi    r13, FLAG_S
        mtcr    sflags, r13
        rfe

; copy: r3 bytes from r1 to r2. Clobbers r1..r4.
copy:
        ldw     r4, [r1]
        stw     r4, [r2]
        addi    r1, r1, 4
        addi    r2, r2, 4
        subi    r3, r3, 4
        cmpi    r3, 0
        bne     copy
        ret

; buf_to_disk: BUF -> sector 0. buf_to: BUF -> sector 0 -> physical r1. dma_start:
; sector 0 -> physical r1, started (dma_wait waits for it). Clobber r1..r3, r7 (not
; dma_start, dma_wait: r1..r3).
buf_to_disk:
        mov     r7, lr
        li      r1, BUF
        movi    r2, DISK_CMD_WRITE
        call    dma_start.cmd
        call    dma_wait
        mov     lr, r7
        ret
buf_to:
        push    lr
        push    r1
        call    buf_to_disk
        pop     r1
        call    dma_start
        call    dma_wait
        pop     lr
        ret
dma_start:
        movi    r2, DISK_CMD_READ
dma_start.cmd:
        out     DISK_SECTOR, r0
        out     DISK_ADDRESS, r1
        movi    r1, 1
        out     DISK_COUNT, r1
        out     DISK_COMMAND, r2
        ret
dma_wait:
        in      r3, DISK_STATUS
        cmpi    r3, DISK_BUSY
        beq     dma_wait
        cmpi    r3, DISK_OK
        bne     .failed
        ret
.failed:
        la      r1, msg_failed
        call    puts
        mov     r1, r3
        call    put_dec
        call    newline
        jmp     halt_forever

; read_list: r1 = a list of (virtual address, label) pairs ending with -1; prints
; " <label>=<word>" or " <label>=<cause>" for each on one line. write_list: the same with
; stores of 0x600d0000 | index (then a read back: "ok 0x..." or "<cause>").
read_list:
        push    lr
        push    r9
        mov     r9, r1
        call    space
.next:
        ldw     r1, [r9]
        cmpi    r1, -1
        beq     .end
        call    try_read
        push    r2
        push    r1
        call    space
        ldw     r1, [r9 + 4]
        call    puts
        movi    r1, '='
        out     CONSOLE_DATA, r1
        pop     r1
        pop     r2
        call    value_or_cause
        addi    r9, r9, 8
        jmp     .next
.end:
        call    newline
        pop     r9
        pop     lr
        ret

write_list:
        push    lr
        push    r9
        push    r10
        mov     r9, r1
        movi    r10, 0
        call    space
.next:
        ldw     r1, [r9]
        cmpi    r1, -1
        beq     .end
        li      r2, 0x600d0000
        or      r2, r2, r10
        call    try_write
        push    r2
        call    space
        la      r1, msg_write
        call    puts
        ldw     r1, [r9 + 4]
        call    puts
        movi    r1, '='
        out     CONSOLE_DATA, r1
        pop     r2
        cmpi    r2, 0
        bne     .failed
        ldw     r1, [r9]
        call    try_read
.failed:
        call    value_or_cause
        addi    r9, r9, 8
        addi    r10, r10, 1
        jmp     .next
.end:
        call    newline
        pop     r10
        pop     r9
        pop     lr
        ret

; value_or_cause: r2 = cause (0: print r1 in hex). Clobbers r1..r5.
value_or_cause:
        cmpi    r2, 0
        beq     put_hex
        mov     r1, r2
        jmp     put_cause

; print_entries: r2 words from r1 (physical = virtual here), in hex, and a newline;
; print_words the same without the newline. Clobber r1..r7.
print_entries:
        push    lr
        call    print_words
        call    newline
        pop     lr
        ret
print_words:
        push    lr
        mov     r6, r1
        mov     r7, r2
.next:
        call    space
        ldw     r1, [r6]
        call    put_hex
        addi    r6, r6, 4
        subi    r7, r7, 1
        cmpi    r7, 0
        bne     .next
        pop     lr
        ret

; print_counts: "  passes old/new/other: r7/r8/r9".
print_counts:
        push    lr
        la      r1, msg_counts
        call    puts
        mov     r1, r7
        call    put_dec
        la      r1, msg_slash
        call    puts
        mov     r1, r8
        call    put_dec
        la      r1, msg_slash
        call    puts
        mov     r1, r9
        call    put_dec
        call    newline
        pop     lr
        ret

space:
        movi    r1, ' '
        out     CONSOLE_DATA, r1
        ret

comma:
        la      r1, msg_comma
        jmp     puts

.include "lib.s"

; ---- the user program of test 3u (a page of its own, the only user page with code) -------
; r6 = the first page to read, r7/r8/r9 = counts (old frame, new frame, other), r10 = i;
; 64 pages, each read once; then sys.

        .align  PAGE_SIZE
upage:
user_read:
        ldw     r1, [r6]
        li      r2, SIG | SIGS
        andi    r3, r10, 15
        or      r2, r2, r3              ; the old frame's signature
        cmp     r1, r2
        beq     .old
        ori     r2, r2, 0x10            ; the new one's
        cmp     r1, r2
        beq     .new
        addi    r9, r9, 1
        jmp     .next
.old:
        addi    r7, r7, 1
        jmp     .next
.new:
        addi    r8, r8, 1
.next:
        addi    r6, r6, PAGE_SIZE
        addi    r10, r10, 1
        cmpi    r10, 64
        blt     user_read
        sys

; ---- a page of code that a DMA remaps (to COPY, where remap_me differs) --------------------

        .align  PAGE_SIZE
code2:
remap_me:
        movi    r1, 0x111               ; at COPY: movi r1, 0x222
        ret
; wait_on_code2: dma_wait's loop, on this page. Clobbers r3.
wait_on_code2:
        in      r3, DISK_STATUS
        cmpi    r3, DISK_BUSY
        beq     wait_on_code2
        ret
        .align  PAGE_SIZE

; ---- what is read and written ------------------------------------------------------------

list_win:
        .word   WIN + 0x0000, l_w0, WIN + 0x1000, l_w1, WIN + 0x2000, l_w2, WIN + 0x3000, l_w3
        .word   WIN + 0x4000, l_w4, WIN + 0x5000, l_w5, WIN + 0x6000, l_w6, WIN + 0x7000, l_w7
        .word   WIN + 0x8000, l_w8, -1
list_win9:
        .word   WIN + 0x0000, l_w0, WIN + 0x1000, l_w1, WIN + 0x2000, l_w2, WIN + 0x3000, l_w3
        .word   WIN + 0x4000, l_w4, WIN + 0x5000, l_w5, WIN + 0x6000, l_w6, WIN + 0x7000, l_w7
        .word   WIN + 0x8000, l_w8, WIN + 0x9000, l_w9, -1
list_win_write:
        .word   WIN + 0x0004, l_w0, WIN + 0x3004, l_w3, WIN + 0x4004, l_w4, WIN + 0x5004, l_w5
        .word   WIN + 0x8004, l_w8, -1
list_dir:
        .word   MARK, l_mark, WIN + 0x0000, l_w0, WIN + 0x3000, l_w3, WIN + 0x4000, l_w4
        .word   FAR, l_far, FAR + 0x1000, l_far1, BEYOND, l_beyond, NONE, l_none, -1
list_high:
        .word   HIGH, l_high, HIGH + 0x3000, l_high3, HIGH + 0x4000, l_high4, -1
list_odd:
        .word   WIN + 256 * PAGE_SIZE, l_w256, WIN + 300 * PAGE_SIZE, l_w300
        .word   WIN + 384 * PAGE_SIZE, l_w384, -1
list_win3:
        .word   WIN + 0x0000, l_w0, WIN + 0x1000, l_w1, WIN + 0x2000, l_w2, WIN + 0x3000, l_w3
        .word   -1
list_win3_write:
        .word   WIN + 0x0004, l_w0, WIN + 0x1004, l_w1, -1
list_mark:
        .word   MARK, l_mark, MARK + 0x1000, l_mark1, MARK + 0x2000, l_mark2
        .word   MARK + 0x3000, l_mark3, -1
list_mark_write:
        .word   MARK + 0x0008, l_mark, MARK + 0x2008, l_mark2, -1

l_w0:   .asciz  "W+0"
l_w1:   .asciz  "W+1"
l_w2:   .asciz  "W+2"
l_w3:   .asciz  "W+3"
l_w4:   .asciz  "W+4"
l_w5:   .asciz  "W+5"
l_w6:   .asciz  "W+6"
l_w7:   .asciz  "W+7"
l_w8:   .asciz  "W+8"
l_w9:   .asciz  "W+9"
l_w256: .asciz  "W+256"
l_w300: .asciz  "W+300"
l_w384: .asciz  "W+384"
l_mark: .asciz  "M"
l_mark1: .asciz "M+1"
l_mark2: .asciz "M+2"
l_mark3: .asciz "M+3"
l_far:  .asciz  "F"
l_far1: .asciz  "F+1"
l_beyond: .asciz "B"
l_none: .asciz  "N"
l_high: .asciz  "H"
l_high3: .asciz "H+3"
l_high4: .asciz "H+4"

msg_hello:      .asciz  "dma-pagetable: disk DMA over live page tables\n"
msg_no_disk:    .asciz  "dma-pagetable: no disk (run with --disk guests/kernel/disk.txt)\n"
msg_failed:     .asciz  "disk transfer failed, status "
msg_paging:     .asciz  "paging on; the window W+i (VA 0x400000 + i pages) maps frame 0x20 + i:\n"
msg_t1:         .asciz  "1. a sector over the window's table (W+0..7 reversed, W+3 invalid, W+4 read-only, W+5 past memory, W+6 the table, W+8 new):\n"
msg_landed:     .asciz  "  the write to W+0, through frame 0x27's identity mapping: "
msg_entries:    .asciz  "\n  its entries 0..8 now:"
msg_t1b:        .asciz  "1b. a sector at the table + 0x402 (entry 256's upper half: its frame; entry 300; entry 384's lower half: V W):\n"
msg_entries_odd: .asciz "  those entries now:"
msg_t3u:        .asciz  "3u. the same in user mode, over 64 user entries, the user program reading:\n"
msg_t2:         .asciz  "2. a sector over W+0's entry while 80 passes flush the TLB and read W+0 (old/new/other):\n"
msg_t3:         .asciz  "3. a sector over 64 entries while each of their pages is read for the first time:\n"
msg_counts:     .asciz  "  passes "
msg_t4:         .asciz  "4. a sector over the page directory (PDE 0 -> a table that maps M elsewhere, 1 -> another window table, 2 -> a data page, 3 -> past memory, 4 invalid):\n"
msg_t4b:        .asciz  "  a sector over the directory's upper half (PDE 512 -> that window table):\n"
msg_entries2:   .asciz  "  its entries 0..4 now:"
msg_t5:         .asciz  "5. a directory and a table never used, written by DMA, then switched to:\n"
msg_t5b:        .asciz  "  that table rewritten by DMA while idle (the first directory in use), then switched to again:\n"
msg_t5c:        .asciz  "  that directory rewritten by DMA while idle (PDE 1 -> the first window table), then switched to again:\n"
msg_t6:         .asciz  "6. a sector over the table that maps this code and its stack (M -> M+2, M+2 read-only, M+3 invalid, a code page -> a changed copy):\n"
msg_remap:      .asciz  "  remap_me, whose page the sector moved to a changed copy (before, after, its first word): "
msg_comma:      .asciz  ", "
msg_entries3:   .asciz  "  its entries for M..M+3 now:"
msg_write:      .asciz  "write "
msg_slash:      .asciz  "/"
msg_done:       .asciz  "dma-pagetable: done\n"
