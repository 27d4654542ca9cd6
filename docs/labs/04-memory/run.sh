#!/usr/bin/env bash
# Lab 4: memory: guest and VMM page tables, shadow paging, TLBs, tagging, nested walks
# (docs/labs/04-memory/README.md).
. "$(dirname "$0")/../lab.sh"
S='guests/bench/sieve.s -D ROUNDS=1'
step "vmm run $S --mode bare 2>&1 >/dev/null | grep -E 'cycles|tlb'"
step "vmm run $S --mode full 2>&1 >/dev/null | grep -E 'cycles|tlb|exits'"
step "vmm run $S --mode hw 2>&1 >/dev/null | grep -E 'cycles|tlb|exits'"
step 'vmm compare guests/bench/tlbthrash.s --modes bare,full,hw,hw-npt-off | tail -n +3'
T='guests/kernel/tinyos.s --disk guests/kernel/disk.txt'
step "vmm run $T --mode trap --strict 2>&1 >/dev/null | grep -E 'cycles|tlb'"
step "vmm run $T --mode trap --strict --tlb-tagged 2>&1 >/dev/null | grep -E 'cycles|tlb'"
step "vmm run $T --mode full 2>&1 >/dev/null | grep -E 'cycles|tlb'"
step 'vmm compare docs/labs/04-memory/yourturn.s --modes bare,hw -D PAGES=60 | tail -n +4'
step 'vmm compare docs/labs/04-memory/yourturn.s --modes bare,hw -D PAGES=68 | tail -n +4'
