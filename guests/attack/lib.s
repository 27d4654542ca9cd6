; lib.s - helpers shared by the attack guests (include-only: not a program by itself).
;
; The attack guests run on the bare machine's reset state (supervisor mode, paging off,
; interrupts off, sp = top of memory) or on tables they build themselves. They call:
;
;   puts r1            write the NUL-terminated string at r1          clobbers r1..r3
;   put_hex r1         write r1 as 0x + 8 hex digits                  clobbers r1..r5
;   put_dec r1         write r1 as an unsigned decimal number         clobbers r1..r5
;   put_cause r1       write the name of trap cause r1                clobbers r1..r5
;   newline            write "\n"                                     clobbers r1..r3
;   show_hex r1=label r9=value    "  <label>: 0x<value>\n"             clobbers r1..r5
;   show_dec r1=label r9=value    "  <label>: <value in decimal>\n"    clobbers r1..r5
;   try_read r1=va     r1 = word at va, r2 = trap cause (0: none), r3 = fault address
;   try_write r1=va r2=value   r2 = trap cause (0: none), r3 = fault address
;   try_exec r1=va     jump to va (expected to fault): r2 = cause, r3 = fault address
;   report r1=label r2=cause r3=faddr r4=value
;                      "  <label>: ok 0x<value>" or "  <label>: <cause> fault at 0x<faddr>"
;   halt_forever       cli; hlt (the run ends: status halted)
;   zero_page r1=page  clear the 4 KiB page at r1                      clobbers r1..r3
;   identity_map r1=page table r2=end
;                      fill the table with supervisor RW entries mapping [0, end) to
;                      itself (end <= 4 MiB, page aligned)              clobbers r1..r3
;
; Console output, the trap handler's control registers and halting are the ops of
; paravirt.inc (natively the instructions themselves), so that the paravirtual attack guests
; share these helpers; their runtime (paravirt.s, empty natively) is included at the end.
;
; Probing: probe_trap is the trap vector (install with `la r1, probe_trap; set_trap_entry r1`).
; A probe routine stores where to resume in probe_resume; a trap records cause and fault
; address in probe_cause/probe_faddr and resumes there. A trap with no probe armed prints
; "unexpected <cause> trap at <spc>" and halts. r12 and r13 belong to the trap handler:
; callers must not keep anything in them.

; ---- console ----------------------------------------------------------------------------

        .align  4                       ; included after a program's data
puts:
        ldb     r2, [r1]
        cmpi    r2, 0
        beq     .done
        putc    r2
        addi    r1, r1, 1
        jmp     puts
.done:
        ret

newline:
        movi    r1, '\n'
        putc    r1
        ret

; show_hex / show_dec: "  <r1>: <r9>\n". Clobber r1..r5.
show_hex:
        push    lr
        call    show_label
        mov     r1, r9
        call    put_hex
        call    newline
        pop     lr
        ret

show_dec:
        push    lr
        call    show_label
        mov     r1, r9
        call    put_dec
        call    newline
        pop     lr
        ret

show_label:
        push    lr
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_colon
        call    puts
        pop     lr
        ret

put_hex:
        movi    r2, '0'
        putc    r2
        movi    r2, 'x'
        putc    r2
        movi    r5, 8
.digit:
        shri    r2, r1, 28
        addi    r2, r2, '0'
        cmpi    r2, '9'
        ble     .out
        addi    r2, r2, 'a' - '9' - 1
.out:
        putc    r2
        shli    r1, r1, 4
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .digit
        ret

put_dec:
        la      r2, dec_end
        movi    r4, 10
.digit:
        subi    r2, r2, 1
        remu    r3, r1, r4
        addi    r3, r3, '0'
        stb     r3, [r2]
        divu    r1, r1, r4
        cmpi    r1, 0
        bne     .digit
.emit:
        ldb     r3, [r2]
        cmpi    r3, 0
        beq     .done
        putc    r3
        addi    r2, r2, 1
        jmp     .emit
.done:
        ret

put_cause:
        cmpi    r1, CAUSE_IRQ_BASE
        bgeu    .irq
        cmpi    r1, 12
        bgeu    put_dec
        shli    r2, r1, 2
        la      r3, cause_table
        add     r2, r2, r3
        ldw     r1, [r2]
        jmp     puts
.irq:
        push    lr
        push    r1
        la      r1, cn_irq
        call    puts
        pop     r1
        subi    r1, r1, CAUSE_IRQ_BASE
        call    put_dec
        pop     lr
        ret

; ---- probing ----------------------------------------------------------------------------

probe_trap:
        la      r12, probe_state
        ldw     r13, [r12 + PROBE_RESUME]
        cmpi    r13, 0
        beq     unexpected
        trap_read r13, CAUSE
        stw     r13, [r12 + PROBE_CAUSE]
        trap_read r13, FADDR
        stw     r13, [r12 + PROBE_FADDR]
        ldw     r13, [r12 + PROBE_RESUME]
        stw     r0, [r12 + PROBE_RESUME]        ; one trap per arming (r0 is 0 in a probe)
        trap_write SPC, r13
        iret_keep_r0
        return_from_trap

; unexpected: a trap nothing expected: print "unexpected <cause> trap at <spc>" and halt for
; good. A trap handler jumps here (any registers; interrupts stay off).
unexpected:
        la      r1, msg_unexpected
        call    puts
        trap_read r1, CAUSE
        call    put_cause
        la      r1, msg_trap_at
        call    puts
        trap_read r1, SPC
        call    put_hex
        call    newline
        jmp     halt_forever

; arm: clear the probe result and set the resume address to r13. Clobbers r12.
.macro ARM_PROBE resume
        la      r12, probe_state
        stw     r0, [r12 + PROBE_CAUSE]         ; r0 is kept 0 by the probe routines
        stw     r0, [r12 + PROBE_FADDR]
        la      r13, \resume
        stw     r13, [r12 + PROBE_RESUME]
.endm

; disarm: r2 = cause, r3 = fault address of the probe. Clobbers r12, r13.
.macro DISARM_PROBE
        la      r12, probe_state
        stw     r0, [r12 + PROBE_RESUME]
        ldw     r2, [r12 + PROBE_CAUSE]
        ldw     r3, [r12 + PROBE_FADDR]
.endm

try_read:
        movi    r0, 0
        movi    r4, 0
        ARM_PROBE try_read_resume
        ldw     r4, [r1]
try_read_resume:
        DISARM_PROBE
        mov     r1, r4
        ret

try_write:
        movi    r0, 0
        mov     r4, r2
        ARM_PROBE try_write_resume
        stw     r4, [r1]
try_write_resume:
        DISARM_PROBE
        ret

try_exec:
        movi    r0, 0
        mov     r4, lr
        ARM_PROBE try_exec_resume
        callr   r1
try_exec_resume:
        DISARM_PROBE
        mov     lr, r4
        ret

; report: r1 = label, r2 = cause (0 = ok), r3 = fault address, r4 = value (if ok).
report:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r2
        mov     r9, r3
        mov     r10, r4
        push    r1
        la      r1, msg_indent
        call    puts
        pop     r1
        call    puts
        la      r1, msg_colon
        call    puts
        cmpi    r8, 0
        bne     .fault
        la      r1, msg_ok
        call    puts
        mov     r1, r10
        call    put_hex
        jmp     .end
.fault:
        mov     r1, r8
        call    put_cause
        la      r1, msg_fault_at
        call    puts
        mov     r1, r9
        call    put_hex
.end:
        call    newline
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; dump_words: print the words [r8, r9) with their addresses, four to a line.
dump_words:
        push    lr
        movi    r10, 0
.word:
        cmp     r8, r9
        bgeu    .end
        andi    r1, r10, 3
        cmpi    r1, 0
        bne     .same_line
        la      r1, msg_indent
        call    puts
        mov     r1, r8
        call    put_hex
        la      r1, msg_address_end
        call    puts
.same_line:
        movi    r1, ' '
        putc    r1
        ldw     r1, [r8]
        call    put_hex
        addi    r8, r8, 4
        addi    r10, r10, 1
        andi    r1, r10, 3
        cmpi    r1, 0
        bne     .word
        call    newline
        jmp     .word
.end:
        andi    r1, r10, 3
        cmpi    r1, 0
        beq     .ret
        call    newline
.ret:
        pop     lr
        ret

halt_forever:
        irq_disable
        halt
        jmp     halt_forever

; ---- page tables ------------------------------------------------------------------------

zero_page:
        li      r2, PAGE_SIZE
        add     r2, r1, r2
        movi    r3, 0
.loop:
        stw     r3, [r1]
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .loop
        ret

identity_map:
        movi    r3, 0                   ; r3 = the next frame; its entry goes to [r1]
.next:
        cmp     r3, r2
        bgeu    .done
        ori     r3, r3, PTE_V | PTE_W
        stw     r3, [r1]
        addi    r1, r1, 4
        xori    r3, r3, PTE_V | PTE_W
        addi    r3, r3, PAGE_SIZE
        jmp     .next
.done:
        ret

; ---- data -------------------------------------------------------------------------------

.equ PROBE_CAUSE, 0
.equ PROBE_FADDR, 4
.equ PROBE_RESUME, 8

        .align  4
probe_state:    .word   0, 0, 0
cause_table:
        .word   cn_none, cn_illegal, cn_privileged, cn_syscall, cn_breakpoint, cn_page_read
        .word   cn_page_write, cn_page_fetch, cn_divide, cn_misaligned, cn_bus, cn_hypercall
cn_none:        .asciz  "none"
cn_illegal:     .asciz  "illegal"
cn_privileged:  .asciz  "privileged"
cn_syscall:     .asciz  "syscall"
cn_breakpoint:  .asciz  "breakpoint"
cn_page_read:   .asciz  "page-read"
cn_page_write:  .asciz  "page-write"
cn_page_fetch:  .asciz  "page-fetch"
cn_divide:      .asciz  "divide"
cn_misaligned:  .asciz  "misaligned"
cn_bus:         .asciz  "bus"
cn_hypercall:   .asciz  "hypercall"
cn_irq:         .asciz  "irq"
msg_unexpected: .asciz  "unexpected "
msg_trap_at:    .asciz  " trap at "
msg_indent:     .asciz  "  "
msg_colon:      .asciz  ": "
msg_address_end: .asciz ":"
msg_ok:         .asciz  "ok "
msg_fault_at:   .asciz  " fault at "
dec_digits:     .space  11
dec_end:        .byte   0
        .align  4

.include "../include/paravirt.s"
