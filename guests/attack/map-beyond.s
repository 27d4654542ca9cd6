; map-beyond.s - a guest that names physical memory it does not have.
;
; Attacks: guest-physical addresses beyond the guest's memory, reached every way a guest
; can name one: physical loads, stores and jumps with paging off; then page tables whose
; PTEs map virtual pages to frames beyond its memory (0x7ff00000, the first frame past its
; end, 0xfffff000, 0x80000000), whose PDEs point at page tables beyond its memory; and
; finally a page-table base (ptbr) beyond its memory (with a fresh asid, and run from the
; last word of a page, so that a tagged TLB cannot keep the guest going either).
;
; What must happen: every such access is a `bus` trap at the virtual address, exactly as
; on bare hardware with this much memory; nothing outside the guest is read or written (a
; VMM that indexed its frame table with an unchecked frame number would hand out another
; guest's or its own frames here). The last frame of its own memory is still readable
; through a mapping. With ptbr beyond memory, not even the trap handler can be fetched:
; the guest stops for good with a double fault (status faulted), which is the last thing
; it does.
;
; Expected console output (bare, 1 MiB): map-beyond.expected; status faulted.

.include "../include/paravirt.inc"

.equ PDIR, 0x10000                      ; page directory
.equ PT0, 0x11000                       ; identity map of the guest's memory (supervisor)
.equ PT1, 0x12000                       ; the window table: VA 0x400000..
.equ WINDOW, 0x400000
.equ STACK_TOP, 0xf000
.equ MAGIC, 0x1a571a57                  ; planted at the start of the last frame

        .org    0x1000
start:
        mov     r11, sp                 ; r11 = end of memory (sp at reset)
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts

        ; ---- paging off: physical addresses beyond memory -----------------------------
        la      r1, msg_physical
        call    puts
        li      r1, 0x7ff00000
        call    try_read
        mov     r4, r1
        la      r1, lbl_read_far
        call    report
        mov     r1, r11
        call    try_read
        mov     r4, r1
        la      r1, lbl_read_end
        call    report
        li      r1, -4
        call    try_read
        mov     r4, r1
        la      r1, lbl_read_top
        call    report
        li      r1, 0x7ff00000
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_write_far
        call    report
        mov     r1, r11
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_write_end
        call    report
        li      r1, 0x7ff00000
        call    try_exec
        la      r1, lbl_exec_far
        call    report

        ; ---- page tables that map frames beyond memory --------------------------------
        li      r1, -4096               ; the last frame of memory gets the magic word
        add     r1, r11, r1
        li      r2, MAGIC
        stw     r2, [r1]
        li      r1, PDIR                ; zero the three table frames
        call    zero_page
        li      r1, PT0
        call    zero_page
        li      r1, PT1
        call    zero_page
        li      r1, PT0                 ; identity map [0, end of memory), supervisor RW
        mov     r2, r11
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1 + 0]            ; VA 0x000000: the guest itself
        li      r2, PT1 | PTE_V | PTE_W
        stw     r2, [r1 + 4]            ; VA 0x400000: the windows
        li      r2, 0x7ff00000 | PTE_V | PTE_W
        stw     r2, [r1 + 8]            ; VA 0x800000: a page table far beyond memory
        ori     r2, r11, PTE_V | PTE_W
        stw     r2, [r1 + 12]           ; VA 0xc00000: a page table just past the end
        li      r2, 0xfffff000 | PTE_V | PTE_W
        stw     r2, [r1 + 16]           ; VA 0x1000000: a page table at the top of 4 GiB
        li      r1, PT1
        li      r2, 0x7ff00000 | PTE_V | PTE_W
        stw     r2, [r1 + 0]            ; 0x400000 -> frame 0x7ff00000
        ori     r2, r11, PTE_V | PTE_W
        stw     r2, [r1 + 4]            ; 0x401000 -> the first frame past the end
        li      r2, 0xfffff000 | PTE_V | PTE_W
        stw     r2, [r1 + 8]            ; 0x402000 -> frame 0xfffff000
        li      r2, 0x80000000 | PTE_V | PTE_W
        stw     r2, [r1 + 12]           ; 0x403000 -> frame 0x80000000
        li      r2, -4096
        add     r2, r11, r2
        ori     r2, r2, PTE_V | PTE_W
        stw     r2, [r1 + 16]           ; 0x404000 -> the last frame of memory (allowed)
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        la      r1, msg_paging
        call    puts

        li      r1, WINDOW
        call    try_read
        mov     r4, r1
        la      r1, lbl_va_far_r
        call    report
        li      r1, WINDOW
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_va_far_w
        call    report
        li      r1, WINDOW
        call    try_exec
        la      r1, lbl_va_far_x
        call    report
        li      r1, WINDOW + 0x1000
        call    try_read
        mov     r4, r1
        la      r1, lbl_va_end_r
        call    report
        li      r1, WINDOW + 0x1000
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_va_end_w
        call    report
        li      r1, WINDOW + 0x2ffc
        call    try_read
        mov     r4, r1
        la      r1, lbl_va_top_r
        call    report
        li      r1, WINDOW + 0x3000
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_va_neg_w
        call    report
        li      r1, WINDOW + 0x4000
        call    try_read
        mov     r4, r1
        la      r1, lbl_va_last_r
        call    report
        li      r1, 0x800000
        call    try_read
        mov     r4, r1
        la      r1, lbl_pt_far_r
        call    report
        li      r1, 0xc00000
        li      r2, 0x41414141
        call    try_write
        la      r1, lbl_pt_end_w
        call    report
        li      r1, 0x1000000
        call    try_read
        mov     r4, r1
        la      r1, lbl_pt_top_r
        call    report

        ; ---- a page directory beyond memory: nothing can be fetched any more ------------
        la      r1, msg_ptbr
        call    puts
        movi    r2, 7                   ; an address-space id never used before, so that
        li      r1, 0x7ff00000 | PTBR_PAGING ; a tagged TLB holds nothing for it either
        jmp     last_words


.include "lib.s"

; the last two words of a page: the next fetch is from a page never run with asid 7
        .align  PAGE_SIZE
        .space  PAGE_SIZE - 8
last_words:
        mtcr    asid, r2
        mtcr    ptbr, r1
        la      r1, msg_survived        ; never reached
        call    puts
        jmp     halt_forever

msg_hello:      .asciz  "map-beyond: naming memory beyond the guest's own\n"
msg_physical:   .asciz  "paging off:\n"
msg_paging:     .asciz  "paging on:\n"
msg_ptbr:       .asciz  "ptbr -> 0x7ff00000: the next fetch must fail for good\n"
msg_survived:   .asciz  "map-beyond: still running with ptbr beyond memory!\n"
lbl_read_far:   .asciz  "load  pa 0x7ff00000"
lbl_read_end:   .asciz  "load  pa end of memory"
lbl_read_top:   .asciz  "load  pa 0xfffffffc"
lbl_write_far:  .asciz  "store pa 0x7ff00000"
lbl_write_end:  .asciz  "store pa end of memory"
lbl_exec_far:   .asciz  "jump  pa 0x7ff00000"
lbl_va_far_r:   .asciz  "load  va 0x00400000 -> frame 0x7ff00000"
lbl_va_far_w:   .asciz  "store va 0x00400000 -> frame 0x7ff00000"
lbl_va_far_x:   .asciz  "jump  va 0x00400000 -> frame 0x7ff00000"
lbl_va_end_r:   .asciz  "load  va 0x00401000 -> first frame past the end"
lbl_va_end_w:   .asciz  "store va 0x00401000 -> first frame past the end"
lbl_va_top_r:   .asciz  "load  va 0x00402ffc -> frame 0xfffff000"
lbl_va_neg_w:   .asciz  "store va 0x00403000 -> frame 0x80000000"
lbl_va_last_r:  .asciz  "load  va 0x00404000 -> last frame of memory"
lbl_pt_far_r:   .asciz  "load  va 0x00800000 -> page table at 0x7ff00000"
lbl_pt_end_w:   .asciz  "store va 0x00c00000 -> page table past the end"
lbl_pt_top_r:   .asciz  "load  va 0x01000000 -> page table at 0xfffff000"
