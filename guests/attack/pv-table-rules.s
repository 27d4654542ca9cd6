; pv-table-rules.s - a paravirtual guest that tries to get write access to page tables, and
; to load and drop page-table roots against the rules.
;
; Attacks: under direct paging the MMU walks the guest's own tables, so write access to any
; of them would let it map anything. It asks update_va_mapping to map its boot directory and
; one of its boot page tables writable; stores into its boot directory directly; pins as a
; directory a page it still maps writable, and one whose entry names a foreign frame (then
; checks that the refused pin left nothing behind: the page table that directory named can
; still be mapped writable); loads a base that is not a pinned directory (its own page, a
; foreign frame) as the kernel and the user root; unpins its current root, a page that is
; not pinned, and a foreign frame; pins a directory twice.
;
; What must happen: EPERM for every mapping or root against the rules, a page-write fault
; for the store, EBUSY for unpinning the root in use, EINVAL for unpinning what is not
; pinned and for pinning twice; nothing half-done. A well-behaved guest beside it runs
; exactly as alone.
;
; Expected console output (para, 1 MiB): pv-table-rules.expected; status halted.

.include "../include/paravirt.inc"

.equ DIR_A, 0x80000                     ; pages of its own, mapped where they are
.equ TABLE_A, 0x81000
.equ DIR_B, 0x82000

        .org    0x1000
start:
        la      r1, probe_trap
        set_trap_entry r1
        la      r1, msg_title
        call    puts
        movi    r1, SI_PT_BASE
        call    start_info
        mov     r10, r1                 ; r10 = the boot directory (virtual = pseudo-physical)
        ldw     r11, [r10]              ; r11 = its entry 0: the first boot page table (machine)
        shri    r11, r11, 12            ; as a machine frame

        ; the boot directory and a boot page table, writable
        mov     r1, r10
        shri    r1, r1, 12
        call    p2m
        shli    r2, r1, 12
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        mov     r1, r10
        movi    r3, UVMF_INVLPG
        call    uvm
        la      r1, msg_dir_w
        call    show_result
        movi    r1, 0
        call    p2m
        sub     r1, r11, r1             ; the page table's pseudo-physical frame
        shli    r13, r1, 12             ; r13 = its address
        shli    r2, r11, 12
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        mov     r1, r13
        movi    r3, UVMF_INVLPG
        call    uvm
        la      r1, msg_table_w
        call    show_result

        ; a store into the boot directory
        mov     r1, r10
        movi    r2, 0
        call    try_write
        la      r1, msg_store
        call    report

        ; pin a page that is still mapped writable
        li      r1, DIR_A
        shri    r1, r1, 12
        call    p2m
        mov     r2, r1
        movi    r1, MMUEXT_PIN_L2_TABLE
        call    mmuext1
        la      r1, msg_pin_w
        call    show_result

        ; a directory whose entry 1 names a foreign page table (built while writable, then
        ; read-only), and whose entry 0 names TABLE_A: refused, with TABLE_A left untyped
        movi    r1, 0
        call    p2m
        subi    r1, r1, 1
        shli    r1, r1, 12
        ori     r1, r1, PTE_V | PTE_W | PTE_U
        li      r2, DIR_A
        stw     r1, [r2 + 4]
        li      r1, TABLE_A
        call    readonly
        li      r1, TABLE_A
        shri    r1, r1, 12
        call    p2m
        shli    r1, r1, 12
        ori     r1, r1, PTE_V | PTE_W | PTE_U
        li      r2, DIR_A
        stw     r1, [r2]
        li      r1, DIR_A
        call    readonly
        li      r1, DIR_A
        shri    r1, r1, 12
        call    p2m
        mov     r12, r1                 ; r12 = DIR_A's machine frame
        mov     r2, r12
        movi    r1, MMUEXT_PIN_L2_TABLE
        call    mmuext1
        la      r1, msg_pin_foreign
        call    show_result
        li      r1, TABLE_A             ; TABLE_A is no page table: it may be writable again
        shri    r1, r1, 12
        call    p2m
        shli    r2, r1, 12
        ori     r2, r2, PTE_V | PTE_W | PTE_U
        li      r1, TABLE_A
        movi    r3, UVMF_INVLPG
        call    uvm
        la      r1, msg_rollback
        call    show_result

        ; roots that are not pinned directories
        mov     r2, r12
        movi    r1, MMUEXT_NEW_BASEPTR
        call    mmuext1
        la      r1, msg_base_unpinned
        call    show_result
        movi    r1, 0
        call    p2m
        subi    r2, r1, 1
        movi    r1, MMUEXT_NEW_BASEPTR
        call    mmuext1
        la      r1, msg_base_foreign
        call    show_result
        mov     r2, r12
        movi    r1, MMUEXT_NEW_USER_BASEPTR
        call    mmuext1
        la      r1, msg_user_unpinned
        call    show_result

        ; unpinning
        mov     r1, r10
        shri    r1, r1, 12
        call    p2m
        mov     r2, r1
        movi    r1, MMUEXT_UNPIN_TABLE
        call    mmuext1
        la      r1, msg_unpin_root
        call    show_result
        mov     r2, r12
        movi    r1, MMUEXT_UNPIN_TABLE
        call    mmuext1
        la      r1, msg_unpin_unpinned
        call    show_result
        movi    r1, 0
        call    p2m
        subi    r2, r1, 1
        movi    r1, MMUEXT_UNPIN_TABLE
        call    mmuext1
        la      r1, msg_unpin_foreign
        call    show_result

        ; a good directory (empty, read-only), pinned twice, then unpinned
        li      r1, DIR_B
        call    readonly
        li      r1, DIR_B
        shri    r1, r1, 12
        call    p2m
        mov     r12, r1
        mov     r2, r12
        movi    r1, MMUEXT_PIN_L2_TABLE
        call    mmuext1
        la      r1, msg_pin_good
        call    show_result
        mov     r2, r12
        movi    r1, MMUEXT_PIN_L2_TABLE
        call    mmuext1
        la      r1, msg_pin_twice
        call    show_result
        mov     r2, r12
        movi    r1, MMUEXT_UNPIN_TABLE
        call    mmuext1
        la      r1, msg_unpin_good
        call    show_result
        halt

; readonly: map the page at r1 (pseudo-physical, mapped there) read-only.
readonly:
        push    lr
        push    r1
        shri    r1, r1, 12
        call    p2m
        shli    r2, r1, 12
        ori     r2, r2, PTE_V | PTE_U
        pop     r1
        movi    r3, UVMF_INVLPG
        call    uvm
        pop     lr
        ret

msg_title:      .asciz  "pv-table-rules: write access to page tables, and roots against the rules\n"
msg_dir_w:      .asciz  "map its boot directory writable"
msg_table_w:    .asciz  "map a boot page table writable"
msg_store:      .asciz  "store into its boot directory"
msg_pin_w:      .asciz  "pin a page it maps writable"
msg_pin_foreign: .asciz "pin a directory naming a foreign page table"
msg_rollback:   .asciz  "then map that directory's other table writable"
msg_base_unpinned: .asciz "kernel root: a page not pinned"
msg_base_foreign: .asciz "kernel root: a foreign frame"
msg_user_unpinned: .asciz "user root: a page not pinned"
msg_unpin_root: .asciz  "unpin the root in use"
msg_unpin_unpinned: .asciz "unpin a page not pinned"
msg_unpin_foreign: .asciz "unpin a foreign frame"
msg_pin_good:   .asciz  "pin an empty read-only directory"
msg_pin_twice:  .asciz  "pin it again"
msg_unpin_good: .asciz  "unpin it"

.include "pvlib.s"
.include "lib.s"
