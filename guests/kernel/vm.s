; vm.s - tinyos: physical frames, page tables and the tasks' address spaces.
; Included by tinyos.s; same calling convention (see lib.s).
;
; Page-table entries are read and written with the pt_get and pt_set ops of paravirt.inc
; (natively a load and a store; built PARAVIRT, a validated mmu_update hypercall, with frames
; turned into machine frames), and a page becomes a table only after table_ready or
; directory_ready (PARAVIRT: mapped read-only, and pinned).
;
; Paging (src/machine/mmu.ts): va = | dir (10) | table (10) | offset (12) |. A user access
; needs U in both the PDE and the PTE; a write needs W in both.
;   kernel directory   PDE 0 -> kernel page table: identity map of [KERNEL_BASE, kstack_top),
;                      V|W, U clear (supervisor only). Page 0 stays unmapped.
;   task directory     PDE 0 = the same kernel page table (shared, still supervisor only)
;                      PDE 1 -> the task's page table (V|W|U): its code pages at USER_BASE
;                      (V|U: read-only), then one stack page (V|W|U).

; alloc_frame: take a frame from the pool, zero it; r1 = its physical address. Panics when
; the pool is empty. Clobbers r1..r4.
alloc_frame:
        la      r2, next_frame
        ldw     r1, [r2]
        li      r3, PAGE_SIZE
        add     r3, r1, r3              ; r3 = end of this frame
        la      r4, frame_limit
        ldw     r4, [r4]
        cmp     r3, r4
        bgtu    .empty
        stw     r3, [r2]
        mov     r4, r1
        push    lr
        call    zero_page
        pop     lr
        mov     r1, r4
        ret
.empty:
        la      r1, why_no_memory
        jmp     panic

; map_page: in the page directory at r1, map virtual page r2 with the PTE r3 (frame | bits).
; Allocates the page table when the PDE is empty (PDE bits V|W, plus U if the PTE has U).
; Clobbers r1..r7.
map_page:
        push    lr
        push    r8
        push    r9
        mov     r8, r2                  ; r8 = va
        mov     r9, r3                  ; r9 = the PTE
        shri    r5, r8, 22
        shli    r5, r5, 2
        add     r5, r1, r5              ; r5 = address of the PDE
        pt_get  r6, r5
        andi    r7, r6, PTE_V
        cmpi    r7, 0
        bne     .have_table
        mov     r6, r5
        call    alloc_frame             ; r1 = new page table (r5..r9 are kept)
        table_ready r1
        andi    r7, r9, PTE_U
        ori     r7, r7, PTE_V | PTE_W
        or      r7, r1, r7
        pt_set  r6, r7
        mov     r6, r7
.have_table:
        shri    r6, r6, 12              ; r6 = page-table address (PDE without its bits)
        shli    r6, r6, 12
        shri    r7, r8, 12
        andi    r7, r7, 0x3ff
        shli    r7, r7, 2
        add     r6, r6, r7              ; r6 = address of the PTE
        pt_set  r6, r9
        pop     r9
        pop     r8
        pop     lr
        ret

; init_paging: build the kernel's page directory (identity map of everything from
; KERNEL_BASE to the top of the kernel stack, supervisor only) and turn paging on.
; Clobbers r1..r7.
init_paging:
.ifdef PARAVIRT
        ; A paravirtual guest boots with paging on, on the VMM's boot tables, which already
        ; map all its memory where it is (start-info's SI_PT_BASE; docs/hypercalls.md):
        ; they are the kernel's directory. (The one place where tinyos's structure, not just
        ; an op, differs between the builds.)
        li      r1, PV_START_INFO
        ldw     r1, [r1 + SI_PT_BASE]
        la      r2, kernel_pdir
        stw     r1, [r2]
        ret
.endif
        push    lr
        push    r8
        push    r9
        push    r10
        call    alloc_frame
        mov     r8, r1                  ; r8 = kernel page directory
        la      r2, kernel_pdir
        stw     r8, [r2]
        li      r9, KERNEL_BASE         ; r9 = page to map
        la      r10, kstack_top
        ldw     r10, [r10]              ; r10 = end of the identity map
.map:
        cmp     r9, r10
        bgeu    .enable
        mov     r1, r8
        mov     r2, r9
        ori     r3, r9, PTE_V | PTE_W   ; identity, writable, supervisor only
        call    map_page
        li      r1, PAGE_SIZE
        add     r9, r9, r1
        jmp     .map
.enable:
        ori     r1, r8, PTBR_PAGING
        mtcr    ptbr, r1                ; paging on: the next fetch is translated
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; create_task: set up the task whose spec (see task_specs) is at r1 in the TCB at r2, with
; address-space id r3: a page directory sharing the kernel's page table, its program copied
; into frames of its own at USER_BASE, a stack page after it, and a first context that
; starts the program in user mode with interrupts on. Then make it runnable.
; Clobbers r1..r7.
create_task:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        push    r13
        mov     r8, r1                  ; r8 = spec
        mov     r9, r2                  ; r9 = TCB
        stw     r3, [r9 + TCB_ASID]
        ldw     r1, [r8 + SPEC_NAME]
        stw     r1, [r9 + TCB_NAME]
        call    alloc_frame
        mov     r10, r1                 ; r10 = the task's page directory
        directory_ready r10
        ori     r1, r10, PTBR_PAGING
        stw     r1, [r9 + TCB_PTBR]
        la      r11, kernel_pdir        ; share the kernel's page table(s)
        ldw     r11, [r11]
        movi    r12, 0
.share:
        add     r2, r11, r12
        pt_get  r3, r2
        add     r2, r10, r12
        pt_set  r2, r3
        addi    r12, r12, 4
        cmpi    r12, KERNEL_PDES * 4
        blt     .share
        share_fixmap r11, r10
        user_root_new r1                ; 0 natively: the U bit keeps user code out
        stw     r1, [r9 + TCB_UROOT]
        ldw     r11, [r8 + SPEC_START]  ; r11 = next program byte to copy
        li      r12, USER_BASE          ; r12 = next user page
.code:
        ldw     r3, [r8 + SPEC_END]
        sub     r3, r3, r11             ; r3 = bytes left
        cmpi    r3, 0
        ble     .stack
        call    alloc_frame
        mov     r13, r1                 ; r13 = code frame
        ldw     r3, [r8 + SPEC_END]
        sub     r3, r3, r11
        li      r4, PAGE_SIZE
        cmp     r3, r4
        ble     .copy
        mov     r3, r4                  ; at most one page per frame
.copy:
        mov     r1, r13
        mov     r2, r11
        call    copy_words
        mov     r1, r10
        mov     r2, r12
        ori     r3, r13, PTE_V | PTE_U  ; user, read-only
        call    map_page
        li      r1, PAGE_SIZE
        add     r11, r11, r1
        add     r12, r12, r1
        jmp     .code
.stack:
        call    alloc_frame
        ori     r3, r1, PTE_V | PTE_W | PTE_U
        mov     r1, r10
        mov     r2, r12
        call    map_page
        li      r1, PAGE_SIZE
        add     r12, r12, r1            ; r12 = end of the user range = initial sp
        stw     r12, [r9 + TCB_UEND]
        ldw     r1, [r9 + TCB_UROOT]    ; a user-only root gets the task's page table too
        cmpi    r1, 0
        beq     .no_user_root
        li      r2, (USER_BASE >> 22) * 4
        add     r3, r10, r2
        pt_get  r4, r3
        add     r3, r1, r2
        pt_set  r3, r4
.no_user_root:
        ; the first context (the frame trap_return will restore)
        addi    r1, r9, TCB_FRAME
        movi    r2, 0
        movi    r3, FRAME_WORDS
.clear:
        stw     r2, [r1]
        addi    r1, r1, 4
        subi    r3, r3, 1
        cmpi    r3, 0
        bne     .clear
        ldw     r1, [r8 + SPEC_R1]
        stw     r1, [r9 + TCB_FRAME + F_R1]
        ldw     r1, [r8 + SPEC_R2]
        stw     r1, [r9 + TCB_FRAME + F_R2]
        stw     r12, [r9 + TCB_FRAME + F_SP]
        li      r1, USER_BASE
        stw     r1, [r9 + TCB_FRAME + F_PC]
        movi    r1, FLAG_IE             ; user mode (S clear), interrupts on
        stw     r1, [r9 + TCB_FRAME + F_FLAGS]
        mov     r1, r9
        call    make_runnable
        pop     r13
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret
