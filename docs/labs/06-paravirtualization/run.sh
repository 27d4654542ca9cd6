#!/usr/bin/env bash
# Lab 6: paravirtualization: hypercalls, cooperative page tables, PV I/O
# (docs/labs/06-paravirtualization/README.md).
. "$(dirname "$0")/../lab.sh"
T='guests/kernel/tinyos.s --disk guests/kernel/disk.txt'
step "vmm run $T --mode full 2>&1 >/dev/null | grep -E 'cycles|exits'"
step "vmm run $T --mode para 2>&1 >/dev/null | grep -E 'cycles|exits|hypercalls'"
step "vmm trace $T --mode para --reason hypercall --format jsonl -q | grep -o '\"hypercall\":\"[a-z_]*\"' | head -8"
step "vmm run guests/bench/ptmap.s -D ROUNDS=20 --mode full 2>&1 >/dev/null | grep -E 'cycles|exits'"
step "vmm run guests/bench/ptmap.s -D ROUNDS=20 --mode para 2>&1 >/dev/null | grep -E 'cycles|exits|hypercalls'"
step 'vmm compare guests/bench/ptemod.s guests/bench/in.s guests/bench/syscall.s --modes bare,full,para | tail -n +3'
step 'vmm run docs/labs/06-paravirtualization/yourturn.s --mode full -q --stats 2>&1 | grep -E "exits"'
step 'vmm run docs/labs/06-paravirtualization/yourturn.s --mode para -q --stats 2>&1 | grep -E "exits|hypercalls"'
step 'vmm run docs/labs/06-paravirtualization/yourturn.s --mode para -D WIDTH=80 -q --stats 2>&1 | grep -E "exits|hypercalls"'
