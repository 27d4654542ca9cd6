; selfmod.s - a guest kernel that rewrites its own code while it runs.
;
; Attacks: the binary translator of --mode full (translations must be invalidated when the
; guest writes the code they came from), and any code cache (the host's block compiler).
; The kernel changes instructions that have already run (immediates, with word and byte
; stores; a branch target), the very next instruction in the block that is running, the
; store instruction itself, an innocuous instruction into a sensitive or privileged one
; (getf, out) and back, code written into a fresh page then rewritten, code written
; through a second virtual mapping (an alias) of the same frame with paging on, and data
; kept on the same page as code. It also reads its own instruction words back.
;
; What must happen: every line shows the NEW code ran: the same output as on bare
; hardware, under --mode full too. (Under --mode trap without --strict the getf line says
; S=0: getf is sensitive but unprivileged, the very gap binary translation closes.)
;
; Expected console output (bare, 1 MiB): selfmod.expected; status halted.

.include "../include/paravirt.inc"

.equ STACK_TOP, 0xf000
.equ PDIR, 0x10000
.equ PT0, 0x11000
.equ PT1, 0x12000
.equ ALIAS, 0x400000                    ; a second mapping of the page of `aliased`
.equ FRESH, 0x20000                     ; a page of code written at run time

        .org    0x1000
start:
        mov     r11, sp
        li      sp, STACK_TOP
        la      r1, probe_trap
        mtcr    tvec, r1
        la      r1, msg_hello
        call    puts

        ; 1. an immediate, patched by a word store, then by a byte store
        call    f_imm
        mov     r8, r1
        la      r2, f_imm
        ldw     r3, [r2]
        li      r4, 0xffff0000
        and     r3, r3, r4
        ori     r3, r3, 2
        stw     r3, [r2]                ; movi r1, 1 -> movi r1, 2
        call    f_imm
        mov     r9, r1
        la      r2, f_imm
        movi    r3, 3
        stb     r3, [r2]                ; low byte of the immediate: movi r1, 3
        call    f_imm
        mov     r10, r1
        la      r1, msg_imm
        call    puts
        mov     r1, r8
        call    put_dec
        call    comma
        mov     r1, r9
        call    put_dec
        call    comma
        mov     r1, r10
        call    put_dec
        call    newline

        ; 2. the next instruction of the running block, rewritten on each of 20 passes
        movi    r8, 0                   ; sum
        movi    r9, 1                   ; i
        la      r3, start.next_slot
        la      r6, tmpl_movi_r5
        ldw     r6, [r6]
.pass:
        or      r4, r6, r9              ; movi r5, i
        stw     r4, [r3]
start.next_slot:
        movi    r5, 0                   ; replaced just before it runs
        add     r8, r8, r5
        addi    r9, r9, 1
        cmpi    r9, 20
        ble     .pass
        la      r1, msg_next
        call    puts
        mov     r1, r8
        call    put_dec
        call    newline

        ; 3. a store that overwrites itself: it runs once, then its replacement runs
        movi    r10, 0
        movi    r9, 0
        la      r3, start.self_slot
        la      r4, tmpl_addi_r10
        ldw     r4, [r4]
.again:
start.self_slot:
        stw     r4, [r3]                ; becomes addi r10, r10, 100
        addi    r9, r9, 1
        cmpi    r9, 3
        blt     .again
        la      r1, msg_self
        call    puts
        mov     r1, r10
        call    put_dec
        call    newline

        ; 4. innocuous <-> sensitive / privileged
        call    f_flags                 ; a nop where getf will be: r6 stays 0
        mov     r8, r6
        la      r2, flags_slot
        la      r3, tmpl_getf_r6
        ldw     r3, [r3]
        stw     r3, [r2]
        call    f_flags                 ; now getf r6: must see supervisor mode
        mov     r9, r6
        la      r1, msg_getf
        call    puts
        mov     r1, r8
        call    put_hex
        la      r1, msg_getf2
        call    puts
        andi    r1, r9, FLAG_S
        shri    r1, r1, 5
        call    put_dec
        call    newline
        la      r1, msg_out
        call    puts
        movi    r7, '!'
        movi    r9, 0                   ; 6 passes: even ones print, odd ones count
        movi    r10, 0
.toggle:
        la      r2, out_slot
        andi    r3, r9, 1
        la      r4, tmpl_out_r7
        cmpi    r3, 0
        beq     .set
        la      r4, tmpl_addi_r10_1
.set:
        ldw     r4, [r4]
        stw     r4, [r2]
        call    f_out
        addi    r9, r9, 1
        cmpi    r9, 6
        blt     .toggle
        la      r1, msg_out2
        call    puts
        mov     r1, r10
        call    put_dec
        call    newline

        ; 5. a branch target
        call    f_branch
        mov     r8, r1
        la      r2, branch_slot
        ldw     r3, [r2]
        addi    r3, r3, 2               ; jmp .a -> jmp .b (two words further)
        stw     r3, [r2]
        call    f_branch
        mov     r9, r1
        la      r1, msg_branch
        call    puts
        mov     r1, r8
        out     CONSOLE_DATA, r1
        mov     r1, r9
        out     CONSOLE_DATA, r1
        call    newline

        ; 6. data on the same page as code: 100 read-modify-writes
        movi    r9, 0
.count:
        la      r2, code_page_counter
        ldw     r3, [r2]
        addi    r3, r3, 1
        stw     r3, [r2]
        addi    r9, r9, 1
        cmpi    r9, 100
        blt     .count
        la      r1, msg_data
        call    puts
        la      r1, code_page_counter
        ldw     r1, [r1]
        call    put_dec
        call    newline

        ; 7. its own instruction words read back as data
        la      r1, msg_read
        call    puts
        la      r1, f_imm
        ldw     r1, [r1]
        call    put_hex
        call    comma
        la      r1, flags_slot
        ldw     r1, [r1]
        call    put_hex
        call    comma
        la      r1, out_slot
        ldw     r1, [r1]
        call    put_hex
        call    newline

        ; 8. code written at run time into a fresh page, run, rewritten, run again
        li      r2, FRESH
        la      r3, tmpl_movi_r1
        ldw     r3, [r3]
        ori     r4, r3, 42
        stw     r4, [r2]
        la      r4, tmpl_ret
        ldw     r4, [r4]
        stw     r4, [r2 + 4]
        li      r2, FRESH
        callr   r2
        mov     r8, r1
        li      r2, FRESH
        ori     r4, r3, 43
        stw     r4, [r2]
        callr   r2
        mov     r9, r1
        la      r1, msg_fresh
        call    puts
        mov     r1, r8
        call    put_dec
        call    comma
        mov     r1, r9
        call    put_dec
        call    newline

        ; 9. paging on, the page of `aliased` also mapped at ALIAS: write through one
        ;    mapping, run through the other
        call    paging_on
        call    aliased                 ; identity mapping: 7
        mov     r8, r1
        la      r2, aliased             ; the same instruction at its ALIAS address
        li      r3, 0xfff
        and     r2, r2, r3
        li      r3, ALIAS
        or      r2, r2, r3
        ldw     r3, [r2]
        li      r4, 0xffff0000
        and     r3, r3, r4
        ori     r3, r3, 8
        stw     r3, [r2]                ; through the alias: movi r1, 8
        call    aliased                 ; through the identity mapping: must be 8
        mov     r9, r1
        la      r2, aliased
        li      r3, 0xfff
        and     r2, r2, r3
        li      r3, ALIAS
        or      r10, r2, r3
        la      r2, aliased
        ldw     r3, [r2]
        li      r4, 0xffff0000
        and     r3, r3, r4
        ori     r3, r3, 9
        stw     r3, [r2]                ; through the identity mapping: movi r1, 9
        callr   r10                     ; through the alias: must be 9
        mov     r10, r1
        la      r1, msg_alias
        call    puts
        mov     r1, r8
        call    put_dec
        call    comma
        mov     r1, r9
        call    put_dec
        call    comma
        mov     r1, r10
        call    put_dec
        call    newline

        la      r1, msg_done
        call    puts
        jmp     halt_forever

comma:
        la      r1, msg_comma
        jmp     puts

; paging_on: identity-map all memory (supervisor RW); map the page of `aliased` again at
; ALIAS; turn paging on. Clobbers r1..r3.
paging_on:
        push    lr
        li      r1, PDIR
        movi    r2, 0
        li      r3, PT1 + PAGE_SIZE
.zero:
        stw     r2, [r1]
        addi    r1, r1, 4
        cmp     r1, r3
        bltu    .zero
        li      r1, PT0
        mov     r2, r11
        call    identity_map
        li      r1, PDIR
        li      r2, PT0 | PTE_V | PTE_W
        stw     r2, [r1]
        li      r2, PT1 | PTE_V | PTE_W
        stw     r2, [r1 + 4]
        la      r2, aliased
        shri    r2, r2, 12
        shli    r2, r2, 12
        ori     r2, r2, PTE_V | PTE_W
        li      r1, PT1
        stw     r2, [r1]
        pop     lr
        li      r1, PDIR | PTBR_PAGING
        mtcr    ptbr, r1
        ret

; ---- the code that gets rewritten ------------------------------------------------------

f_imm:
        movi    r1, 1
        ret

f_flags:
        movi    r6, 0
flags_slot:
        nop                             ; becomes getf r6
        ret

f_out:
out_slot:
        nop                             ; becomes out CONSOLE_DATA, r7 / addi r10, r10, 1
        ret

f_branch:
branch_slot:
        jmp     .a
.a:
        movi    r1, 'a'
        ret
.b:
        movi    r1, 'b'
        ret

code_page_counter: .word 0              ; data next to code

        .align  PAGE_SIZE
aliased:
        movi    r1, 7
        ret
        .align  PAGE_SIZE

; ---- templates ---------------------------------------------------------------------------
tmpl_movi_r5:    movi   r5, 0
tmpl_movi_r1:    movi   r1, 0
tmpl_addi_r10:   addi   r10, r10, 100
tmpl_addi_r10_1: addi   r10, r10, 1
tmpl_getf_r6:    getf   r6
tmpl_out_r7:     out    CONSOLE_DATA, r7
tmpl_ret:        ret

.include "lib.s"

msg_hello:      .asciz  "selfmod: a kernel that rewrites its own code\n"
msg_imm:        .asciz  "immediate patched (word, then byte store): "
msg_next:       .asciz  "next instruction rewritten on each pass, sum of 1..20: "
msg_self:       .asciz  "a store that overwrites itself, then 2 runs of its replacement: "
msg_getf:       .asciz  "nop -> getf: before "
msg_getf2:      .asciz  ", after S="
msg_out:        .asciz  "nop -> out / addi, 6 passes: "
msg_out2:       .asciz  " and count "
msg_branch:     .asciz  "branch retargeted: "
msg_data:       .asciz  "counter on a code page after 100 increments: "
msg_read:       .asciz  "instruction words read back: "
msg_fresh:      .asciz  "code written into a fresh page, run, rewritten, run: "
msg_alias:      .asciz  "paging on, written through one mapping, run through the other: "
msg_comma:      .asciz  ", "
msg_done:       .asciz  "selfmod: done\n"
