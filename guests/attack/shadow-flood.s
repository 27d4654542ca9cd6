; shadow-flood.s - a guest that makes the VMM build as many shadow page tables as it can.
;
; Attacks: the VMM's per-guest pool of host frames for shadow page tables (a fixed number
; of frames). One guest page table maps a page; every one of the 1024 PDEs of each of 12
; page directories points at it, so every 4 MiB of the address space, in each address
; space, is a different directory entry whose shadow needs a page table of its own. The
; guest touches one word in each 4 MiB region of each address space, in kernel mode and
; after dropping to user mode, twice over, and sums what it reads (the same word each
; time: the sum is 2 * 2 * 12 * 1023 * word).
;
; What must happen: the VMM recycles shadow frames (evicting shadow roots and tables; the
; guest must not notice), never runs out, never throws; the guest prints the same sum as
; on bare hardware and halts; the guests beside it are unaffected.
;
; Expected console output (bare, 1 MiB): shadow-flood.expected; status halted.

.include "../include/paravirt.inc"

.equ DIRS, 12
.equ DIR0, 0x20000                      ; DIRS page directories
.equ PT, DIR0 + DIRS * PAGE_SIZE        ; the one page table every PDE points at
.equ STACK_TOP, 0xf000
.equ MAGIC, 0x600d

        .org    0x1000
start:
        li      sp, STACK_TOP
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts
        ; PT: identity map of the first 64 KiB (the code, stack and this data), user RW.
        ; So va = region * 4 MiB + offset < 64 KiB maps to physical offset, in every region.
        li      r1, PT
        movi    r2, 0
.map:
        ori     r3, r2, PTE_V | PTE_W | PTE_U
        stw     r3, [r1]
        addi    r1, r1, 4
        li      r3, PAGE_SIZE
        add     r2, r2, r3
        li      r3, 0x10000
        cmp     r2, r3
        bltu    .map
        ; every PDE of every directory -> PT
        li      r1, DIR0
        li      r2, PT | PTE_V | PTE_W | PTE_U
        li      r3, PT
.pde:
        stw     r2, [r1]
        addi    r1, r1, 4
        cmp     r1, r3
        bltu    .pde
        la      r1, magic
        li      r2, MAGIC
        stw     r2, [r1]
        movi    r10, 0                  ; the sum
        call    flood                   ; kernel mode
        call    flood
        la      r1, msg_kernel
        call    puts
        la      r1, user_part           ; now the same from user mode (sys comes back)
        mtcr    spc, r1
        movi    r1, 0
        mtcr    sflags, r1
        rfe
back_in_kernel:
        la      r1, msg_sum
        call    puts
        mov     r1, r10
        call    put_dec
        la      r1, msg_nl
        call    puts
        cli
        hlt

; flood: for each directory, for each 4 MiB region 1..1023: r10 += word at magic there.
; Runs in kernel or user mode (no privileged instructions but mtcr: see user_part).
flood:
        li      r8, DIR0 | PTBR_PAGING
        movi    r7, DIRS
.dir:
        mtcr    ptbr, r8
        movi    r9, 1
.region:
        shli    r1, r9, 22
        la      r2, magic
        or      r1, r1, r2
        ldw     r1, [r1]
        add     r10, r10, r1
        addi    r9, r9, 1
        li      r1, 1024
        cmp     r9, r1
        bltu    .region
        li      r1, PAGE_SIZE
        add     r8, r8, r1
        subi    r7, r7, 1
        cmpi    r7, 0
        bne     .dir
        ret

; user mode can't write ptbr: each directory switch is a system call (r8 = ptbr).
user_part:
        li      r8, DIR0 | PTBR_PAGING
        movi    r7, DIRS * 2
.dir:
        movi    r0, 1
        sys                             ; kernel: ptbr = r8
        movi    r9, 1
.region:
        shli    r1, r9, 22
        la      r2, magic
        or      r1, r1, r2
        ldw     r1, [r1]
        add     r10, r10, r1
        addi    r9, r9, 1
        li      r1, 1024
        cmp     r9, r1
        bltu    .region
        li      r1, PAGE_SIZE
        add     r8, r8, r1
        li      r1, PT | PTBR_PAGING
        cmp     r8, r1
        bltu    .same
        li      r8, DIR0 | PTBR_PAGING
.same:
        subi    r7, r7, 1
        cmpi    r7, 0
        bne     .dir
        movi    r0, 2
        sys                             ; kernel: done

handler:
        mfcr    r13, cause
        cmpi    r13, CAUSE_SYSCALL
        bne     .bad
        cmpi    r0, 1
        bne     .done
        mtcr    ptbr, r8
        rfe
.done:
        la      r1, back_in_kernel
        mtcr    spc, r1
        movi    r1, FLAG_S
        mtcr    sflags, r1
        rfe
.bad:
        la      r1, msg_bad
        call    puts
        cli
        hlt

        .align  4
magic:          .word   0
msg_hello:      .asciz  "shadow-flood: 12 address spaces x 1023 page-directory entries\n"
msg_kernel:     .asciz  "shadow-flood: kernel mode done, now user mode\n"
msg_sum:        .asciz  "shadow-flood: sum "
msg_nl:         .asciz  "\n"
msg_bad:        .asciz  "shadow-flood: unexpected trap\n"

.include "lib.s"                         ; puts, put_dec
