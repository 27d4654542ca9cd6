; hw-cpuid-hlt.s - storms of the instructions that always or by default exit under --mode hw.
;
; Attacks: the exit path itself (cpuid always exits on VT-x; hlt exits with KVM's
; defaults). First CPUIDS cpuid in a row, each checked against the machine id; then, with
; the timer firing every PERIOD ticks, HALTS hlt in a row, each woken by the next timer
; interrupt. The guest prints how many cpuid read the right id, how many times it halted
; and how many interrupts woke it, then halts for good.
;
; What must happen: exactly what bare hardware prints, in every mode (an emulated cpuid
; reads the machine id; a halted vCPU wakes at the same tick), and the neighbours run
; exactly as alone.
;
; Expected console output (bare): hw-cpuid-hlt.expected; status halted.

.include "../include/paravirt.inc"

.equ CPUIDS, 20000
.equ HALTS, 2000
.equ PERIOD, 7

start:
        la      r1, handler
        mtcr    tvec, r1
        la      r1, msg_start
        call    puts
        li      r8, CPUIDS
        movi    r10, 0                  ; r10 = cpuid that read the machine id
        li      r11, 0x31594f54         ; the machine id, "TOY1"
.cpuid:
        cpuid   r1
        cmp     r1, r11
        bne     .next
        addi    r10, r10, 1
.next:
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .cpuid
        la      r1, msg_cpuid
        call    puts
        mov     r1, r10
        call    put_dec
        call    newline
        li      r1, ~(1 << IRQ_TIMER)
        out     PIC_MASK, r1
        movi    r1, PERIOD
        out     TIMER_PERIOD, r1
        li      r8, HALTS
        sti
.halt:
        hlt                             ; IE on: wakes at the next timer interrupt
        subi    r8, r8, 1
        cmpi    r8, 0
        bne     .halt
        cli
        la      r1, msg_halts
        call    puts
        li      r1, HALTS
        call    put_dec
        la      r1, msg_woken
        call    puts
        la      r1, ticks
        ldw     r1, [r1]
        call    put_dec
        call    newline
        jmp     halt_forever

; handler: count, acknowledge, return. Uses r12, r13 only.
handler:
        la      r12, ticks
        ldw     r13, [r12]
        addi    r13, r13, 1
        stw     r13, [r12]
        movi    r13, IRQ_TIMER
        out     PIC_ACK, r13
        rfe

        .align  4
ticks:          .word   0
msg_start:      .asciz  "hw-cpuid-hlt: 20000 cpuid, then 2000 hlt woken by the timer\n"
msg_cpuid:      .asciz  "hw-cpuid-hlt: cpuid that read the machine id: "
msg_halts:      .asciz  "hw-cpuid-hlt: halted "
msg_woken:      .asciz  " times, woken by interrupts: "

.include "lib.s"
