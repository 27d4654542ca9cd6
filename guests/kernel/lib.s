; lib.s - tinyos: console output and memory helpers. Included by tinyos.s.
;
; Calling convention of the whole kernel: arguments in r1..r4, result in r1. A routine may
; clobber r0..r7 and lr; it preserves r8..r13 and sp. Each routine says what it clobbers.

; ---- console output ------------------------------------------------------------------

; console_write: write r2 bytes from address r1 to the console. This is the only routine
; that touches the console. It is an interrupt-safe section (a write is never split by an
; interrupt), whether the caller runs with IE set (boot) or clear (trap handlers): natively
; getf saves FLAGS like pushf, cli keeps interrupts out, setf puts IE back like popf, around
; a loop of out; built PARAVIRT, the bytes are gathered and each line is one hypercall (the
; console_write_bytes op of paravirt.inc). Clobbers r1..r4.
console_write:
        console_write_bytes
        ret

; puts: write the NUL-terminated string at r1. Clobbers r1..r4.
puts:
        mov     r2, r1
.length:
        ldb     r3, [r2]
        cmpi    r3, 0
        beq     .write
        addi    r2, r2, 1
        jmp     .length
.write:
        sub     r2, r2, r1              ; r2 = length
        jmp     console_write           ; tail call: console_write returns to our caller

; put_hex: write r1 as "0x" and 8 lowercase hex digits. Clobbers r1..r5.
put_hex:
        push    lr
        subi    sp, sp, 12              ; "0x" + 8 digits, built on the stack
        movi    r2, '0'
        stb     r2, [sp]
        movi    r2, 'x'
        stb     r2, [sp + 1]
        addi    r3, sp, 10              ; one past the last digit
        movi    r5, 8
.digit:
        subi    r3, r3, 1
        andi    r4, r1, 15
        addi    r4, r4, '0'
        cmpi    r4, '9'
        ble     .store
        addi    r4, r4, 'a' - '9' - 1   ; 10..15 -> 'a'..'f'
.store:
        stb     r4, [r3]
        shri    r1, r1, 4
        subi    r5, r5, 1
        cmpi    r5, 0
        bne     .digit
        mov     r1, sp
        movi    r2, 10
        call    console_write
        addi    sp, sp, 12
        pop     lr
        ret

; put_dec: write r1 as an unsigned decimal number. Clobbers r1..r5.
put_dec:
        push    lr
        subi    sp, sp, 12              ; up to 10 digits, built backwards from the end
        addi    r3, sp, 12
        movi    r4, 10
.digit:
        subi    r3, r3, 1
        remu    r5, r1, r4
        addi    r5, r5, '0'
        stb     r5, [r3]
        divu    r1, r1, r4
        cmpi    r1, 0
        bne     .digit
        addi    r2, sp, 12
        sub     r2, r2, r3              ; r2 = number of digits
        mov     r1, r3
        call    console_write
        addi    sp, sp, 12
        pop     lr
        ret

; put_cause: write the name of trap cause r1 ("page-read", ...), or its number if it has
; no name. Clobbers r1..r5.
put_cause:
        cmpi    r1, CAUSE_NAME_COUNT
        bgeu    put_dec                 ; (unsigned: also catches negative values)
        shli    r2, r1, 2
        la      r3, cause_names
        add     r2, r2, r3
        ldw     r2, [r2]
        cmpi    r2, 0
        beq     put_dec
        mov     r1, r2
        jmp     puts

; ---- memory --------------------------------------------------------------------------

; copy_words: copy r3 bytes (a multiple of 4) from r2 to r1, a word at a time; both
; addresses are multiples of 4. Clobbers r1..r4.
copy_words:
        add     r3, r2, r3              ; r3 = end of the source
.loop:
        cmp     r2, r3
        bgeu    .done
        ldw     r4, [r2]
        stw     r4, [r1]
        addi    r1, r1, 4
        addi    r2, r2, 4
        jmp     .loop
.done:
        ret

; zero_page: fill the 4 KiB page at r1 (page-aligned) with zeros. Clobbers r1..r3.
zero_page:
        li      r2, PAGE_SIZE
        add     r2, r1, r2              ; r2 = end of the page
        movi    r3, 0
.loop:
        stw     r3, [r1]
        stw     r3, [r1 + 4]
        stw     r3, [r1 + 8]
        stw     r3, [r1 + 12]
        addi    r1, r1, 16
        cmp     r1, r2
        bltu    .loop
        ret

; ---- stopping ------------------------------------------------------------------------

; panic: write "tinyos: panic: " and the string at r1, then halt for good.
panic:
        mov     r8, r1
        la      r1, msg_panic
        call    puts
        mov     r1, r8
        call    puts
        la      r1, msg_newline
        call    puts
        ; fall through

; halt_forever: stop the machine: hlt with IE clear ends the run (status halted).
halt_forever:
        irq_disable
        halt
        jmp     halt_forever
