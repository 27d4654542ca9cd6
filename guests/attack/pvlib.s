; pvlib.s - helpers of the paravirtual attack guests (include-only, before lib.s). They run
; as a PARAVIRT guest boots (docs/hypercalls.md, "Boot"): paging on, on the VMM's boot tables
; (which map all their memory where it is, user-accessible), events masked, sp at the end of
; the memory they may use, r1 = the start-info page.
;
;   show_result r1=label r9=result   "  <label>: <result>", an error by its name   clobbers r1..r5
;   p2m r1=pfn                      r1 = its machine frame                      clobbers r2
;   start_info r1=offset            r1 = that word of the start-info page
;   mmu1 r1=entry address (machine) r2=value    r9 = mmu_update's result for one entry
;   mmuext1 r1=command r2=argument              r9 = mmuext_op's result for one command
;   uvm r1=va r2=entry r3=flags                 r9 = update_va_mapping's result
;   machine_entry r1=va             r1 = the machine address of va's entry in the boot tables
;   ring_buffer r4=buffer r5=slot r6=ref   the slot names the buffer by grant: references r6
;                                   (its page) and r6 + 1 (the next) granted to the back end

        .align  4                       ; included after a program's data
show_result:
        push    lr
        call    show_label
        cmpi    r9, 0
        bge     .number
        la      r2, error_names
.find:
        ldw     r3, [r2]
        cmpi    r3, 0
        beq     .negative
        cmp     r3, r9
        beq     .named
        addi    r2, r2, 8
        jmp     .find
.named:
        ldw     r1, [r2 + 4]
        call    puts
        jmp     .end
.negative:
        movi    r1, '-'
        putc    r1
        sub     r1, r3, r9              ; r3 is 0 here
        call    put_dec
        jmp     .end
.number:
        mov     r1, r9
        call    put_dec
.end:
        call    newline
        pop     lr
        ret

p2m:
        shli    r1, r1, 2
        li      r2, PV_P2M
        add     r1, r1, r2
        ldw     r1, [r1]
        ret

start_info:
        li      r2, PV_START_INFO
        add     r1, r1, r2
        ldw     r1, [r1]
        ret

mmu1:
        push    r3
        subi    sp, sp, 8
        stw     r1, [sp]
        stw     r2, [sp + 4]
        movi    r0, HC_MMU_UPDATE
        mov     r1, sp
        movi    r2, 1
        hcall
        mov     r9, r0
        addi    sp, sp, 8
        pop     r3
        ret

mmuext1:
        subi    sp, sp, 8
        stw     r1, [sp]
        stw     r2, [sp + 4]
        movi    r0, HC_MMUEXT_OP
        mov     r1, sp
        movi    r2, 1
        hcall
        mov     r9, r0
        addi    sp, sp, 8
        ret

uvm:
        movi    r0, HC_UPDATE_VA_MAPPING
        hcall
        mov     r9, r0
        ret

; machine_entry: the boot directory's entry for va leads to its page table (machine address);
; r1 = the machine address of va's entry there. Clobbers r2, r3.
machine_entry:
        push    lr
        mov     r3, r1
        movi    r1, SI_PT_BASE
        call    start_info              ; r1 = the boot directory (pseudo-physical = virtual)
        shri    r2, r3, 22
        shli    r2, r2, 2
        add     r1, r1, r2
        ldw     r1, [r1]                ; the directory entry: a machine frame
        shri    r1, r1, 12
        shli    r1, r1, 12
        shri    r2, r3, 12
        andi    r2, r2, 0x3ff
        shli    r2, r2, 2
        add     r1, r1, r2
        pop     lr
        ret

ring_buffer:
        push    r0
        push    r1
        push    r2
        stw     r6, [r5 + RING_SLOTS + RING_REQ_GREF]
        andi    r0, r4, 4095
        stw     r0, [r5 + RING_SLOTS + RING_REQ_OFFSET]
        li      r0, PV_START_INFO
        ldw     r0, [r0 + SI_BACKEND_DOMID]
        shli    r0, r0, GNT_DOMID_SHIFT
        ori     r0, r0, GNT_PERMIT_ACCESS
        li      r1, PV_SHARED_INFO + SH_GRANT_TABLE
        shli    r2, r6, 3
        add     r1, r1, r2
        stw     r0, [r1 + GNT_FLAGS]
        stw     r0, [r1 + GNT_ENTRY_SIZE + GNT_FLAGS]
        shri    r2, r4, 12
        stw     r2, [r1 + GNT_FRAME]
        addi    r2, r2, 1
        stw     r2, [r1 + GNT_ENTRY_SIZE + GNT_FRAME]
        pop     r2
        pop     r1
        pop     r0
        ret

        .align  4
error_names:
        .word   EPERM, en_eperm, ENOENT, en_enoent, EFAULT, en_efault, EBUSY, en_ebusy
        .word   EINVAL, en_einval, ENOSYS, en_enosys, EIO, en_eio, 0, 0
en_eperm:       .asciz  "EPERM"
en_enoent:      .asciz  "ENOENT"
en_efault:      .asciz  "EFAULT"
en_ebusy:       .asciz  "EBUSY"
en_einval:      .asciz  "EINVAL"
en_enosys:      .asciz  "ENOSYS"
en_eio:         .asciz  "EIO"
        .align  4
