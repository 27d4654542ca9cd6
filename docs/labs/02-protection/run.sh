#!/usr/bin/env bash
# Lab 2: protection and privilege: which guest accesses reach the VMM
# (docs/labs/02-protection/README.md).
. "$(dirname "$0")/../lab.sh"
T='guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode trap --strict'
step "vmm trace $T --format jsonl -q | grep -o '\"reason\":\"[a-z-]*\"' | sort | uniq -c | sort -rn"
step "vmm trace $T --reason cr-access --format jsonl -q | grep -o '\"cr\":\"[a-z]*\"' | sort | uniq -c | sort -rn"
step "vmm trace $T --reason io --format jsonl -q | grep -o '\"port\":[0-9]*' | sort | uniq -c | sort -rn"
step "vmm trace $T --reason dma --format short -q"
step "vmm trace guests/kernel/tinyos.s guests/bare/primes.s --disk tinyos=guests/kernel/disk.txt --mode trap --strict --reason interrupt-injection --format jsonl -q | grep -o '\"guest\":\"[a-z]*\"' | sort | uniq -c"
step 'vmm run docs/labs/02-protection/yourturn.s --mode trap --strict -q --stats 2>&1 | grep exits'
step 'vmm run docs/labs/02-protection/yourturn.s --mode hw -q --stats 2>&1 | grep exits'
step 'vmm run docs/labs/02-protection/yourturn.s --mode hw --exit-off io -q --stats 2>&1 | grep exits'
