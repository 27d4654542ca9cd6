#!/usr/bin/env bash
# Lab 7: hardware-assisted virtualization: exit controls, nested paging, VPID
# (docs/labs/07-hardware/README.md).
. "$(dirname "$0")/../lab.sh"
T='guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode hw'
step "vmm run $T 2>&1 >/dev/null | grep -E 'cycles|exits'"
step "vmm run $T --exit-off io,hlt 2>&1 >/dev/null | grep -E 'cycles|exits'"
step "vmm run $T --exit-on cr 2>&1 >/dev/null | grep -E 'cycles|exits'"
step "vmm run $T --exit-off cpuid; echo \"exit \$?\""
step "vmm run $T --npt off 2>&1 >/dev/null | grep -E 'cycles|tlb  |exits'"
step "vmm run $T 2>&1 >/dev/null | grep -E 'tlb  '"
step "vmm run $T --vpid off 2>&1 >/dev/null | grep -E 'cycles|tlb'"
step 'vmm run docs/labs/07-hardware/yourturn.s --mode hw -q --stats 2>&1 | grep -E "cycles|exits"'
step 'vmm run docs/labs/07-hardware/yourturn.s --mode hw --exit-off hlt -q --stats 2>&1 | grep -E "cycles|exits"'
