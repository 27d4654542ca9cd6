; yourturn.s - lab 9, "your turn": reads the disk's first sector READS times (-D READS=N;
; default 2), each read waited for with its completion interrupt, then says it is done.
; Under --host dom0 each read is a request on the block ring to guest 0's back end. Predict,
; for READS=2 and for -D READS=6, the block requests, the notifications and the domain
; switches; then measure:
;   vmm run docs/labs/09-dom0/yourturn.s --disk guests/kernel/disk.txt --mode para --host dom0 -q --stats
; (Guest 0's figures: the lines under "guest 0 (dom0, ...)", its "front ends" line the requests.)

.include "paravirt.inc"

.ifndef READS
.equ READS, 2
.endif

        .org    0x1000
start:
        la      r1, on_trap
        set_trap_entry r1
        irq_lines_enable 1 << IRQ_DISK
        irq_enable
        li      r10, READS
.read:
        la      r3, done
        movi    r1, 0
        stw     r1, [r3]
        disk_read buffer, 0, 1
.wait:
        ldw     r4, [r3]                ; the interrupt sets `done` (checked, then wait:
        cmpi    r4, 0                   ; the disk takes far longer than the check)
        bne     .next
        wait_for_interrupt
        jmp     .wait
.next:
        subi    r10, r10, 1
        cmpi    r10, 0
        bne     .read
        irq_disable
        la      r1, msg_done
        call    puts
        halt

; on_trap: the disk's interrupt: set `done` (or say why not), acknowledge the line.
on_trap:
        trap_read r12, CAUSE
        cmpi    r12, CAUSE_IRQ_BASE + IRQ_DISK
        bne     unexpected
        disk_status r11, r12
        cmpi    r11, DISK_OK
        bne     failed
        movi    r11, 1
        la      r12, done
        stw     r11, [r12]
        movi    r11, IRQ_DISK
        irq_ack r11, r12, r13
        iret_keep_r0
        return_from_trap

failed:
        la      r1, why_failed
        call    puts
        irq_disable
        halt

msg_done:   .asciz  "yourturn: done\n"
why_failed: .asciz "yourturn: the read failed (give it a disk: --disk guests/kernel/disk.txt)\n"
.include "../../../guests/attack/lib.s"
        .align  4
done:   .word   0
        .align  512
buffer: .space  512
        .word   0
