; pt-escape.s - a guest kernel that rewrites its own page tables at run time, with paging
; on, to look for memory that is not its own.
;
; Attacks: the shadow page tables of a software VMM. After paging is on it repoints one
; "window" PTE at every frame number from 0 to 0x3ff (four times more than it has: under a
; VMM those numbers are where other guests and the VMM's shadow tables live in host memory)
; and at four far ones, invalidating the TLB entry each time as the architecture requires,
; and reads and then writes through the window. It writes PTEs and PDEs through aliases
; too: a recursive PDE maps its page directory and page tables as ordinary data pages, so
; stores to them are page-table updates the VMM must catch (write protection). Finally it
; checksums all the memory it can see.
;
; What must happen: each frame number below the guest's size shows exactly that frame of
; its own memory (every free frame carries a signature, and a write through the window
; lands there and nowhere else); every frame number at or beyond its size is a `bus`
; fault. No anomalies: no frame it cannot name on bare hardware is ever visible. The
; output (and the checksum) is the same on bare hardware and under the VMM.
;
; Expected console output (bare, 1 MiB): pt-escape.expected; status halted.

.include "../include/paravirt.inc"

.equ PDIR, 0x10000                      ; page directory
.equ PT0, 0x11000                       ; identity map of the guest's memory (supervisor)
.equ PT1, 0x12000                       ; the window's table: VA 0x400000..
.equ FREE, 0x13000                      ; frames from here on carry signatures
.equ WINDOW, 0x400000
.equ SELF, 0x800000                     ; PDE 2 is recursive: SELF + i * 4K = what PDE i maps
.equ STACK_TOP, 0xf000
.equ PROBE_OFFSET, 0x800                ; the word of each frame the scans look at
.equ SCAN_FRAMES, 0x400
.equ SIG_BASE, 0x5160000                ; signature of free frame n: SIG_BASE + n * 4 (bit 0 clear)

        .org    0x1000
start:
        mov     r11, sp
        la      r1, mem_end
        stw     r11, [r1]
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts

        ; signatures in every free frame, and in frame 0
        li      r1, FREE
.sign:
        cmp     r1, r11
        bgeu    .signed
        shri    r2, r1, 10              ; frame number * 4
        li      r3, SIG_BASE
        add     r2, r2, r3
        stw     r2, [r1 + PROBE_OFFSET]
        li      r2, PAGE_SIZE
        add     r1, r1, r2
        jmp     .sign
.signed:
        li      r2, SIG_BASE
        li      r1, 0
        stw     r2, [r1 + PROBE_OFFSET]

        ; page tables: PDE 0 -> PT0 (identity), PDE 1 -> PT1 (window), PDE 2 -> PDIR (self)
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
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1 + 0]
        li      r2, PT1 | PTE_V | PTE_W
        stw     r2, [r1 + 4]
        li      r2, PDIR | PTE_V | PTE_W
        stw     r2, [r1 + 8]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        la      r1, msg_frames
        call    puts
        shri    r1, r11, 12
        call    put_dec
        la      r1, msg_frames2
        call    puts

        call    read_scan
        call    write_scan
        call    alias_tests
        call    checksum
        la      r1, msg_done
        call    puts
        jmp     halt_forever

; ---- the scans ------------------------------------------------------------------------

; map_window: point the window PTE at frame number r1 (writing PT1 through the identity
; map) and invalidate the window's TLB entry. Clobbers r1, r2.
map_window:
        shli    r1, r1, 12
        ori     r1, r1, PTE_V | PTE_W
        li      r2, PT1
        stw     r1, [r2]
        li      r1, WINDOW
        invlpg  r1
        ret

; next_frame: r9 = the frame number after r9 in the scan (0..SCAN_FRAMES-1, then the far
; ones), or -1 at the end. Clobbers r1, r2.
next_frame:
        addi    r9, r9, 1
        cmpi    r9, SCAN_FRAMES
        blt     .ret
        la      r1, far_index
        ldw     r2, [r1]
        addi    r2, r2, 1
        stw     r2, [r1]
        shli    r2, r2, 2
        la      r1, far_frames - 4
        add     r1, r1, r2
        ldw     r9, [r1]
.ret:
        ret

; check: classify the probe of frame r9: r2 = cause, r1 = value seen, r11 = value expected
; (for own frames). Counts into r6 (own), r7 (bus faults beyond), r8 (anomalies).
; Clobbers r1..r5.
check:
        la      r3, mem_end
        ldw     r3, [r3]
        shri    r3, r3, 12              ; frames the guest has
        cmp     r9, r3
        bgeu    .beyond
        cmpi    r2, 0
        bne     .anomaly
        cmp     r1, r11
        bne     .anomaly
        addi    r6, r6, 1
        ret
.beyond:
        cmpi    r2, CAUSE_BUS
        bne     .anomaly
        addi    r7, r7, 1
        ret
.anomaly:
        addi    r8, r8, 1
        push    lr
        push    r1
        push    r2
        la      r1, msg_anomaly
        call    puts
        mov     r1, r9
        call    put_hex
        la      r1, msg_cause
        call    puts
        pop     r1
        call    put_cause
        la      r1, msg_value
        call    puts
        pop     r1
        call    put_hex
        call    newline
        pop     lr
        ret

; expected_word: r11 = the word at PROBE_OFFSET of own frame r9, read through the
; identity map (0 for frames past the end). Clobbers r1.
expected_word:
        movi    r11, 0
        la      r1, mem_end
        ldw     r1, [r1]
        shri    r1, r1, 12
        cmp     r9, r1
        bgeu    .ret
        shli    r1, r9, 12
        ldw     r11, [r1 + PROBE_OFFSET]
.ret:
        ret

read_scan:
        push    lr
        la      r1, msg_read_scan
        call    puts
        call    scan_begin
.next:
        mov     r1, r9
        call    map_window
        call    expected_word
        li      r1, WINDOW + PROBE_OFFSET
        call    try_read
        call    check
        call    next_frame
        cmpi    r9, -1
        bne     .next
        call    scan_end
        pop     lr
        ret

; write_scan: through the window, write each frame's probe word: own free frames get the
; complement of their signature (then the identity map must show it there, and it is put
; back), own image and table frames get their own value back, frames beyond get a marker.
write_scan:
        push    lr
        la      r1, msg_write_scan
        call    puts
        call    scan_begin
.next:
        mov     r1, r9
        call    map_window
        call    expected_word           ; r11 = the frame's word now (0 if not ours)
        la      r2, mem_end
        ldw     r2, [r2]
        shli    r1, r9, 12
        cmp     r1, r2
        bgeu    .marker
        li      r2, FREE
        cmp     r1, r2
        bltu    .same
        xori    r10, r11, 0xffff        ; a free frame: change its signature
        jmp     .write
.same:
        mov     r10, r11                ; image or table frame: write its own value back
        jmp     .write
.marker:
        li      r10, 0xbad0bad0         ; beyond memory: must fault
.write:
        li      r1, WINDOW + PROBE_OFFSET
        mov     r2, r10
        call    try_write
        movi    r1, 0                   ; r1 = what frame r9 holds now, seen directly
        cmpi    r2, 0
        bne     .checked
        shli    r3, r9, 12
        la      r4, mem_end
        ldw     r4, [r4]
        cmp     r3, r4
        bgeu    .checked                ; (a store "beyond" that did not fault: anomaly)
        ldw     r1, [r3 + PROBE_OFFSET]
        stw     r11, [r3 + PROBE_OFFSET] ; put the original back
.checked:
        mov     r11, r10                ; the store must have landed there, as written
        call    check
        call    next_frame
        cmpi    r9, -1
        bne     .next
        call    scan_end
        pop     lr
        ret

; scan_begin: zero the counters, start at frame 0. scan_end: print the counters.
scan_begin:
        movi    r6, 0
        movi    r7, 0
        movi    r8, 0
        movi    r9, 0
        la      r1, far_index
        stw     r9, [r1]
        ret

scan_end:
        push    lr
        la      r1, msg_own
        call    puts
        mov     r1, r6
        call    put_dec
        la      r1, msg_beyond
        call    puts
        mov     r1, r7
        call    put_dec
        la      r1, msg_anomalies
        call    puts
        mov     r1, r8
        call    put_dec
        call    newline
        pop     lr
        ret

; ---- page-table writes through aliases (the recursive PDE) ------------------------------

alias_tests:
        push    lr
        la      r1, msg_alias
        call    puts
        ; PT1[0] seen as data through SELF + 1 page: the window PTE as scan left it
        li      r1, SELF + 0x1000
        call    try_read
        mov     r4, r1
        la      r1, lbl_pte_read
        call    report
        ; repoint the window at the first free frame by a store through the alias
        li      r1, SELF + 0x1000
        li      r2, FREE | PTE_V | PTE_W
        call    try_write
        la      r1, lbl_pte_write
        call    report
        li      r1, WINDOW
        invlpg  r1
        li      r1, WINDOW + PROBE_OFFSET
        call    try_read
        mov     r4, r1
        la      r1, lbl_window_free
        call    report
        ; ... and at a frame far beyond memory
        li      r1, SELF + 0x1000
        li      r2, 0x7ff00000 | PTE_V | PTE_W
        call    try_write
        la      r1, lbl_pte_far
        call    report
        li      r1, WINDOW
        invlpg  r1
        li      r1, WINDOW + PROBE_OFFSET
        call    try_read
        mov     r4, r1
        la      r1, lbl_window_far
        call    report
        ; a PDE written through the directory's own alias: PDE 3 -> a table beyond memory
        li      r1, SELF + 0x2000 + 12
        li      r2, 0x7ff00000 | PTE_V | PTE_W
        call    try_write
        la      r1, lbl_pde_far
        call    report
        li      r1, 0xc00000
        invlpg  r1
        li      r1, 0xc00000 + PROBE_OFFSET
        call    try_read
        mov     r4, r1
        la      r1, lbl_pde_far_read
        call    report
        ; PDE 3 -> PT0: VA 0xc00000 becomes a second identity map
        li      r1, SELF + 0x2000 + 12
        li      r2, PT0 | PTE_V | PTE_W
        call    try_write
        la      r1, lbl_pde_pt0
        call    report
        li      r1, 0xc00000
        invlpg  r1
        li      r1, 0xc00000 + FREE + PROBE_OFFSET
        call    try_read
        mov     r4, r1
        la      r1, lbl_pde_pt0_read
        call    report
        ; unmap a page of the identity map through the PT0 alias, touch it, map it back
        li      r1, SELF + (FREE >> 10)
        movi    r2, 0
        call    try_write
        la      r1, lbl_unmap
        call    report
        li      r1, FREE
        invlpg  r1
        li      r1, FREE + PROBE_OFFSET
        call    try_read
        mov     r4, r1
        la      r1, lbl_unmapped_read
        call    report
        li      r1, SELF + (FREE >> 10)
        li      r2, FREE | PTE_V        ; back, read-only this time
        call    try_write
        la      r1, lbl_remap_ro
        call    report
        li      r1, FREE
        invlpg  r1
        li      r1, FREE + PROBE_OFFSET
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_ro_write
        call    report
        li      r1, FREE + PROBE_OFFSET
        call    try_read
        mov     r4, r1
        la      r1, lbl_ro_read
        call    report
        li      r1, SELF + (FREE >> 10)
        li      r2, FREE | PTE_V | PTE_W
        call    try_write
        li      r1, FREE
        invlpg  r1
        pop     lr
        ret

; ---- a checksum of everything the guest can see ----------------------------------------

; checksum: map each own frame at the window in turn and fold every fourth word into
; r6 = rotl(r6, 1) ^ word. Prints it.
checksum:
        push    lr
        movi    r6, 0
        movi    r9, 0
.frame:
        la      r1, mem_end
        ldw     r1, [r1]
        shri    r1, r1, 12
        cmp     r9, r1
        bgeu    .done
        mov     r1, r9
        call    map_window
        li      r1, WINDOW
        li      r2, WINDOW + PAGE_SIZE
.word:
        ldw     r3, [r1]
        shri    r4, r6, 31
        shli    r6, r6, 1
        or      r6, r6, r4
        xor     r6, r6, r3
        addi    r1, r1, 16              ; every fourth word
        cmp     r1, r2
        bltu    .word
        addi    r9, r9, 1
        jmp     .frame
.done:
        la      r1, msg_checksum
        call    puts
        mov     r1, r6
        call    put_hex
        call    newline
        pop     lr
        ret

.include "lib.s"

        .align  4
mem_end:        .word   0
far_index:      .word   0
far_frames:     .word   0x7ff00, 0x80000, 0xfffff, 0x00400, -1
msg_hello:      .asciz  "pt-escape: rewriting its own page tables with paging on\n"
msg_frames:     .asciz  "frames of its own: "
msg_frames2:    .asciz  "\n"
msg_read_scan:  .asciz  "read scan of frames 0x0..0x3ff, 0x7ff00, 0x80000, 0xfffff, 0x400:\n"
msg_write_scan: .asciz  "write scan of the same frames:\n"
msg_own:        .asciz  "  own frames seen as themselves: "
msg_beyond:     .asciz  ", bus faults: "
msg_anomalies:  .asciz  ", anomalies: "
msg_anomaly:    .asciz  "  ANOMALY: frame "
msg_cause:      .asciz  " cause "
msg_value:      .asciz  " value "
msg_alias:      .asciz  "page-table writes through aliases:\n"
msg_checksum:   .asciz  "checksum of all its memory: "
msg_done:       .asciz  "pt-escape: done\n"
lbl_pte_read:   .asciz  "load  window PTE through the recursive map"
lbl_pte_write:  .asciz  "store window PTE -> first free frame"
lbl_window_free: .asciz "load  window (free frame's signature)"
lbl_pte_far:    .asciz  "store window PTE -> frame 0x7ff00000"
lbl_window_far: .asciz  "load  window"
lbl_pde_far:    .asciz  "store PDE 3 -> table at 0x7ff00000"
lbl_pde_far_read: .asciz "load  va 0x00c00800"
lbl_pde_pt0:    .asciz  "store PDE 3 -> the identity table"
lbl_pde_pt0_read: .asciz "load  va 0x00c13800 (free frame's signature)"
lbl_unmap:      .asciz  "store PTE of va 0x13000 = 0 (unmap)"
lbl_unmapped_read: .asciz "load  va 0x00013800"
lbl_remap_ro:   .asciz  "store PTE of va 0x13000 = read-only"
lbl_ro_write:   .asciz  "store va 0x00013800"
lbl_ro_read:    .asciz  "load  va 0x00013800"
