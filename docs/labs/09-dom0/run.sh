#!/usr/bin/env bash
# Lab 9: Xen's guest 0 and split drivers (docs/labs/09-dom0/README.md).
. "$(dirname "$0")/../lab.sh"
T='guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode para'
step "vmm run $T 2>&1 >/dev/null | grep -E 'cycles|notes'"
step "vmm run $T --host dom0 2>&1 >/dev/null | grep -E 'cycles|notes|guest 0|front ends'"
step "diff <(vmm run $T -q) <(vmm run $T --host dom0 -q) && echo 'the same output'"
step "vmm trace $T --host dom0 --request 2 -q --format short"
step "vmm trace $T --host dom0 --request 2 --reason hypercall --format jsonl -q | sed -E 's/.*\"seq\":([0-9]+).*\"hypercall\":\"([a-z_]+)\".*/\\1 \\2/'"
step 'vmm compare --host bare-metal,hosted,dom0 --modes para'
step "vmm run guests/kernel/tinyos.s guests/bench/diskread.s -D ITER=3 --disk tinyos=guests/kernel/disk.txt --disk diskread=guests/bench/diskread.txt --mode para --host dom0 --dom0-crash 1 2>&1 | grep -E 'error|failed|halted|killed|faulted|by the VMM'; echo \"exit \${PIPESTATUS[0]}\""
step "vmm run $T --host dom0 --dom0-image guests/attack/dom0-overreach.s 2>&1 | grep -E 'console   |refused|tinyos: disk'"
step "vmm run docs/labs/09-dom0/yourturn.s --disk guests/kernel/disk.txt --mode para --host dom0 -q --stats 2>&1 | grep -E 'cycles|front ends'"
step "vmm run docs/labs/09-dom0/yourturn.s -D READS=6 --disk guests/kernel/disk.txt --mode para --host dom0 -q --stats 2>&1 | grep -E 'cycles|front ends'"
