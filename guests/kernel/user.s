; user.s - tinyos: the user programs. Included by tinyos.s inside the kernel image; the
; kernel copies each program into frames of the task's own and runs it in user mode at
; USER_BASE. Branches and calls are pc-relative, so the code runs wherever it is copied; a
; program must not use the address of its own labels (they are kernel addresses).
; System calls: r0 = number, r1.. = arguments, `sys`; r0 = result.

; user_counter: r1 = a letter, r2 = delay-loop iterations. Writes "<letter>0\n" ..
; "<letter>9\n", with a CPU-bound delay after each line, then exits. Tasks A and B both run
; it; different delays make the timer interleave their lines irregularly.
user_counter:
        mov     r8, r1                  ; r8 = letter
        mov     r9, r2                  ; r9 = delay
        movi    r10, 0                  ; r10 = line number
.line:
        subi    sp, sp, 4               ; the line, built on the user stack
        stb     r8, [sp]
        addi    r3, r10, '0'
        stb     r3, [sp + 1]
        movi    r3, '\n'
        stb     r3, [sp + 2]
        movi    r0, SYS_WRITE
        mov     r1, sp
        movi    r2, 3
        sys
        addi    sp, sp, 4
        mov     r3, r9
.delay:
        subi    r3, r3, 1
        cmpi    r3, 0
        bgt     .delay
        addi    r10, r10, 1
        cmpi    r10, 10
        blt     .line
        movi    r0, SYS_EXIT
        sys
user_counter_end:
