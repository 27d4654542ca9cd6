#!/usr/bin/env bash
# Lab 5: software detect-and-fix: write-protected page tables, shadow page tables, binary
# translation (docs/labs/05-detect-and-fix/README.md).
. "$(dirname "$0")/../lab.sh"
step 'vmm trace guests/bare/primes.s --mode full --reason bt-translate,bt-callout,code-write --format short -q | head -8'
step 'vmm run guests/bare/primes.s --mode full 2>&1 >/dev/null | grep -E "cycles|exits"'
step 'vmm run guests/attack/selfmod.s --mode full 2>&1 | grep -E "selfmod: done|exits"'
step 'vmm run guests/bench/ptmap.s -D ROUNDS=20 --mode full 2>&1 >/dev/null | grep -E "cycles|exits"'
step 'vmm trace guests/bench/ptmap.s -D ROUNDS=20 --mode full --reason page-table-write -q | head -3'
step 'vmm compare guests/bench/ptemod.s guests/bench/pgfault.s --modes bare,trap-strict,full | tail -n +3'
step 'vmm run docs/labs/05-detect-and-fix/yourturn.s --mode full -q --stats 2>&1 | grep -E "cycles|exits"'
step 'vmm run docs/labs/05-detect-and-fix/yourturn.s --mode full -D SEPARATE -q --stats 2>&1 | grep -E "cycles|exits"'
