; bad-tvec.s - trap vectors that are unaligned, past memory, on user pages, or unmapped.
;
; Attacks: trap delivery through a hostile tvec, i.e. where the VMM sends a reflected trap
; and how it fetches the guest's handler. The handler is a sled of eight `addi r13, r13, 1`
; before the code that records the trap, so the count tells where the trap came in. The
; guest writes tvec, reads it back and traps (brk, or sys from user mode) with: the sled
; plus 23, 14, 1 and 0 (the low two bits are ignored: the trap enters 3, 2 or 1 byte
; earlier; the first traps enter the sled in its middle); 1, 2, 3
; (read back only: tvec 0 means no handler); 0x00100000 and 0xfffffffd (past the end of
; the 1 MiB of memory: read back only, paging is off); the last word of memory, holding
; `mtcr tvec, r9`, so the handler's second fetch is past memory (a bus fault after one
; retired instruction: allowed, it lands at r9). With paging on: the virtual addresses
; 0x00100000 and 0xfffff000, mapped to the sled's frame; a trap from user mode to a
; supervisor page; the sled's page made a user page (traps from both modes); a handler
; that changes tvec and traps at once (the new vector applies to the very next trap), and
; main trapping again afterwards. Last, tvec on an unmapped page: a double fault.
;
; What must happen: each trap enters exactly where bare hardware enters it (same sled
; count, cause, saved pc, fault address and saved FLAGS) and tvec reads back masked as the
; ISA says; the last trap is a double fault: status faulted, with the reason "double
; fault: page-fetch trap at pc 0x00030000 while entering the trap handler" in every mode.
;
; Expected console output (bare, 1 MiB): bad-tvec.expected; status faulted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ MEM_END, 0x100000
.equ PDIR, 0x20000                      ; page directory
.equ PT0, 0x21000                       ; VA 0..4 MiB: identity map of memory + an alias
.equ PT_TOP, 0x22000                    ; VA 0xffc00000..: an alias at 0xfffff000
.equ HOLE, 0x30000                      ; with paging on: not mapped
.equ ALIAS_LOW, 0x100000                ; with paging on: the sled's frame, past memory
.equ ALIAS_TOP, 0xfffff000              ; with paging on: the sled's frame, top of the space
.equ SLED_STEPS, 8

; rec: what the handler saw
.equ R_STEPS, 0
.equ R_CAUSE, 4
.equ R_SPC, 8
.equ R_FADDR, 12
.equ R_SFLAGS, 16
.equ R_TVEC, 20
.equ R_COUNT, 24

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, msg_hello
        call    puts

        ; ---- paging off ---------------------------------------------------------------
        la      r1, msg_off
        call    puts
        la      r1, sled + 4 * 5 + 3
        la      r2, lbl_plus3
        call    brk_case
        la      r1, sled + 4 * 3 + 2
        la      r2, lbl_plus2
        call    brk_case
        la      r1, sled + 1
        la      r2, lbl_plus1
        call    brk_case
        la      r1, sled
        la      r2, lbl_aligned
        call    brk_case
        movi    r1, 1
        la      r2, lbl_one
        call    read_case
        movi    r1, 2
        la      r2, lbl_two
        call    read_case
        movi    r1, 3
        la      r2, lbl_three
        call    read_case
        li      r1, MEM_END
        la      r2, lbl_mem_end
        call    read_case
        li      r1, 0xfffffffd
        la      r2, lbl_top
        call    read_case

        ; the last word of memory: mtcr tvec, r9
        la      r1, tmpl_mtcr
        ldw     r1, [r1]
        li      r2, MEM_END - 4
        stw     r1, [r2]
        la      r9, sled
        li      r1, MEM_END - 4
        la      r2, lbl_last_word
        call    brk_case

        ; ---- paging on ----------------------------------------------------------------
        la      r1, PDIR
        call    zero_page
        la      r1, PT0
        call    zero_page
        la      r1, PT_TOP
        call    zero_page
        la      r1, PT0
        li      r2, MEM_END
        call    identity_map
        li      r1, PT0 + 4 * (HOLE >> 12)
        movi    r2, 0
        stw     r2, [r1]                ; HOLE: not mapped
        la      r2, user_code
        shri    r1, r2, 10
        li      r3, PT0
        add     r1, r1, r3
        ori     r2, r2, PTE_V | PTE_U
        stw     r2, [r1]                ; the user program's page: user, read-only
        la      r2, sled
        ori     r2, r2, PTE_V
        li      r1, PT0 + 4 * (ALIAS_LOW >> 12)
        stw     r2, [r1]                ; VA 0x00100000 -> the sled's frame (supervisor)
        li      r1, PT_TOP + 4 * ((ALIAS_TOP >> 12) & 0x3ff)
        stw     r2, [r1]                ; VA 0xfffff000 -> the sled's frame (supervisor)
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W | PTE_U
        stw     r2, [r1]
        li      r1, PDIR + 4 * ((ALIAS_TOP >> 22) & 0x3ff)
        li      r2, PT_TOP | PTE_V | PTE_W
        stw     r2, [r1]
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        la      r1, msg_on
        call    puts

        li      r1, ALIAS_LOW
        la      r2, lbl_alias_low
        call    brk_case
        li      r1, ALIAS_TOP + 4 * 2 + 1
        la      r2, lbl_alias_top
        call    brk_case
        li      r1, ALIAS_TOP
        la      r2, lbl_alias_user
        call    user_case
        la      r1, sled
        la      r2, lbl_super_user
        call    user_case

        ; the sled's page becomes a user page
        la      r2, sled
        shri    r1, r2, 10
        li      r3, PT0
        add     r1, r1, r3
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        stw     r2, [r1]
        la      r1, sled
        invlpg  r1
        la      r1, sled
        la      r2, lbl_user_page
        call    brk_case
        la      r1, sled + 4
        la      r2, lbl_user_page_user
        call    user_case

        ; a handler that changes tvec and traps at once; then main traps again
        la      r9, sled
        la      r1, changer
        la      r2, lbl_changer
        call    brk_case
        la      r1, msg_again
        call    puts
        call    trap_now
        call    show_rec

        ; ---- last: tvec on an unmapped page -------------------------------------------
        la      r1, msg_last
        call    puts
        li      r1, HOLE
        mtcr    tvec, r1
        movi    r13, 0
        sys                             ; double fault: the run ends here
        la      r1, msg_survived
        call    puts
        jmp     halt_forever

; brk_case: r1 = the value for tvec, r2 = label. Write, read back, brk, show the record.
brk_case:
        push    lr
        call    set_tvec
        call    trap_now
        call    show_rec
        pop     lr
        ret

; user_case: the same, but the trap is a sys from user mode.
user_case:
        push    lr
        call    set_tvec
        la      r1, msg_from_user
        call    puts
        call    clear_rec
        la      r1, .back
        la      r2, resume_at
        stw     r1, [r2]
        la      r1, user_code
        mtcr    spc, r1
        movi    r1, 0
        mtcr    sflags, r1
        rfe                             ; user_code: movi r13, 0; sys
.back:
        call    show_rec
        pop     lr
        ret

; read_case: r1 = the value for tvec, r2 = label. Write and read back only (a trap with
; this tvec would end the run); then put the sled back.
read_case:
        push    lr
        call    set_tvec
        la      r1, msg_not_trapped
        call    puts
        la      r1, sled
        mtcr    tvec, r1
        pop     lr
        ret

; set_tvec: r1 = value, r2 = label: "  <label>: tvec <- V, reads W".
set_tvec:
        push    lr
        push    r1
        push    r2
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_tvec_set
        call    puts
        ldw     r1, [sp]
        call    put_hex
        pop     r1
        mtcr    tvec, r1
        la      r1, msg_reads
        call    puts
        mfcr    r1, tvec
        call    put_hex
        pop     lr
        ret

; trap_now: brk with r13 = 0, coming back to the instruction after it.
trap_now:
        push    lr
        call    clear_rec
        la      r1, .back
        la      r2, resume_at
        stw     r1, [r2]
        movi    r13, 0
        brk
.back:
        pop     lr
        ret

clear_rec:
        la      r1, rec
        movi    r2, 0
        stw     r2, [r1 + R_COUNT]
        ret

; show_rec: "; entered: N sled steps, cause C, spc S, faddr F, sflags G" (or "no trap").
show_rec:
        push    lr
        la      r1, rec
        ldw     r1, [r1 + R_COUNT]
        cmpi    r1, 0
        bne     .entered
        la      r1, msg_no_trap
        call    puts
        pop     lr
        ret
.entered:
        la      r1, msg_steps
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_STEPS]
        call    put_dec
        la      r1, msg_cause
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_CAUSE]
        call    put_cause
        la      r1, msg_spc
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_SPC]
        call    put_hex
        la      r1, msg_faddr
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_FADDR]
        call    put_hex
        la      r1, msg_sflags
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_SFLAGS]
        call    put_hex
        la      r1, msg_tvec_now
        call    puts
        la      r1, rec
        ldw     r1, [r1 + R_TVEC]
        call    put_hex
        call    newline
        pop     lr
        ret

; changer: a handler that points tvec at the sled (r9) and traps at once.
changer:
        mtcr    tvec, r9
        movi    r13, 0
        brk                             ; enters the sled, not changer

; record: the end of the sled. Records the trap and returns to resume_at in supervisor
; mode with interrupts off.
record:
        la      r12, rec
        stw     r13, [r12 + R_STEPS]
        mfcr    r13, cause
        stw     r13, [r12 + R_CAUSE]
        mfcr    r13, spc
        stw     r13, [r12 + R_SPC]
        mfcr    r13, faddr
        stw     r13, [r12 + R_FADDR]
        mfcr    r13, sflags
        stw     r13, [r12 + R_SFLAGS]
        mfcr    r13, tvec
        stw     r13, [r12 + R_TVEC]
        ldw     r13, [r12 + R_COUNT]
        addi    r13, r13, 1
        stw     r13, [r12 + R_COUNT]
        la      r12, resume_at
        ldw     r13, [r12]
        mtcr    spc, r13
        movi    r13, FLAG_S
        mtcr    sflags, r13
        rfe

tmpl_mtcr:
        mtcr    tvec, r9

.include "lib.s"

        .align  4
resume_at:      .word   0
rec:            .space  32

msg_hello:      .asciz  "bad-tvec: trap vectors that are unaligned, past memory, on user pages, unmapped\n"
msg_off:        .asciz  "paging off:\n"
msg_on:         .asciz  "paging on (VA 0x00100000 and 0xfffff000 map the sled's frame; 0x00030000 unmapped):\n"
lbl_aligned:    .asciz  "sled"
lbl_plus1:      .asciz  "sled+1"
lbl_plus2:      .asciz  "sled+14"
lbl_plus3:      .asciz  "sled+23"
lbl_one:        .asciz  "1"
lbl_two:        .asciz  "2"
lbl_three:      .asciz  "3"
lbl_mem_end:    .asciz  "end of memory"
lbl_top:        .asciz  "0xfffffffd"
lbl_last_word:  .asciz  "last word of memory (mtcr tvec, r9; r9 = sled)"
lbl_alias_low:  .asciz  "VA 0x00100000"
lbl_alias_top:  .asciz  "VA 0xfffff009"
lbl_alias_user: .asciz  "VA 0xfffff000, trap from user mode"
lbl_super_user: .asciz  "sled on a supervisor page, trap from user mode"
lbl_user_page:  .asciz  "sled on a user page"
lbl_user_page_user: .asciz "sled+4 on a user page, trap from user mode"
lbl_changer:    .asciz  "a handler that sets tvec = sled and traps at once"
msg_again:      .asciz  "  main traps again, tvec as the handler left it"
msg_last:       .asciz  "last: tvec <- 0x00030000 (unmapped), sys: double fault, the run ends\n"
msg_tvec_set:   .asciz  ": tvec <- "
msg_reads:      .asciz  ", reads "
msg_not_trapped: .asciz "; not trapped (it would end the run)\n"
msg_from_user:  .asciz  "; from user mode"
msg_no_trap:    .asciz  "; no trap\n"
msg_steps:      .asciz  "; entered: sled steps "
msg_cause:      .asciz  ", "
msg_spc:        .asciz  " spc "
msg_faddr:      .asciz  " faddr "
msg_sflags:     .asciz  " sflags "
msg_tvec_now:   .asciz  " tvec "
msg_survived:   .asciz  "bad-tvec: survived a double fault (wrong)\n"

; ---- the sled (its own page) and the user program (its own page) ----------------------
        .align  PAGE_SIZE
sled:
        addi    r13, r13, 1
        addi    r13, r13, 1
        addi    r13, r13, 1
        addi    r13, r13, 1
        addi    r13, r13, 1
        addi    r13, r13, 1
        addi    r13, r13, 1
        addi    r13, r13, 1
        la      r12, record
        jr      r12

        .align  PAGE_SIZE
user_code:
        movi    r13, 0
        sys
        jmp     user_code
        .align  PAGE_SIZE
