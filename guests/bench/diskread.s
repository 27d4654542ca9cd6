; diskread.s - a 4 KiB disk read by DMA, waited for with its completion interrupt, ITER
; times (-D ITER=N; default 100). The I/O path each host topology gives a guest
; (docs/topologies.md): under --host hosted every read goes through the host OS. Its disk
; needs 8 sectors: vmm run guests/bench/diskread.s --disk guests/bench/diskread.txt.
;
; The command is issued with interrupts on: its interrupt cannot come before the wait's
; first check (the disk takes hundreds of ticks), so the check-then-hlt needs no lock.

.include "../include/paravirt.inc"
.ifndef ITER
.equ ITER, 100
.endif
.include "micro.inc"
.equ SECTORS, 8

        .org    0x1000
start:
        la      r1, on_trap
        set_trap_entry r1
        irq_lines_enable 1 << IRQ_DISK
        irq_enable
        la      r3, done
        li      r10, ITER
pass:
        movi    r1, 0
        stw     r1, [r3]
        disk_read buffer, 0, SECTORS
.wait:
        ldw     r4, [r3]
        cmpi    r4, 0
        bne     .read
        wait_for_interrupt
        jmp     .wait
.read:
        next_pass
        irq_disable                     ; (halt with interrupts on would wait for ever)
        finish  name

; on_trap: the disk's interrupt: check its status, set `done`, acknowledge the line.
; (Registers r11..r13 only: the interrupted loop keeps its own.)
on_trap:
        trap_read r12, CAUSE
        cmpi    r12, CAUSE_IRQ_BASE + IRQ_DISK
        bne     unexpected
        disk_status r11, r12
        cmpi    r11, DISK_OK
        bne     no_disk
        movi    r11, 1
        la      r12, done
        stw     r11, [r12]
        movi    r11, IRQ_DISK
        irq_ack r11, r12, r13
        iret_keep_r0
        return_from_trap

; no_disk: the read failed with status r11: say which, and why if it is one of these two
; (DISK_BAD_SECTOR: no disk, or one of fewer than 8 sectors; under PARAVIRT,
; RING_STATUS_NO_BACKEND: no back end serves the disk, as when guest 0 is gone), and stop.
no_disk:
        irq_disable
        mov     r9, r11
        la      r1, why_no_disk
        call    puts
        mov     r1, r9
        call    put_dec
        la      r1, disk_hint
        cmpi    r9, DISK_BAD_SECTOR
        beq     .why
.ifdef PARAVIRT
        la      r1, no_backend_hint
        cmpi    r9, RING_STATUS_NO_BACKEND
        beq     .why
.endif
        la      r1, end_of_line
.why:
        call    puts
        halt

name:   .asciz  "diskread: "
why_no_disk: .asciz "diskread: read failed with status "
disk_hint: .asciz " (no disk, or under 8 sectors: --disk guests/bench/diskread.txt)\n"
no_backend_hint: .asciz " (no back end serves its disk)\n"
end_of_line: .asciz "\n"
        micro_data
.include "../attack/lib.s"
        .align  4
done:   .word   0
        .align  4096
buffer: .space  SECTORS * 512
