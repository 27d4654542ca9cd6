#!/usr/bin/env bash
# Lab 8: hosted against bare-metal (docs/labs/08-hosted/README.md).
. "$(dirname "$0")/../lab.sh"
T='guests/kernel/tinyos.s --disk guests/kernel/disk.txt'
step "vmm run $T 2>&1 >/dev/null | grep -E 'cycles|notes'"
step "vmm run $T --host hosted 2>&1 >/dev/null | grep -E 'cycles|notes|^host|requests|console'"
step "diff <(vmm run $T -q) <(vmm run $T --host hosted -q) && echo 'the same output'"
step "vmm trace $T --host hosted --reason host-request -q | grep 'out 0x33' | cut -c 1-140"
step "vmm trace $T --host hosted --request 3 -q | cut -c 1-132"
step 'vmm compare --host bare-metal,hosted'
step "vmm run guests/bench/sieve.s -D ROUNDS=2 --host hosted --host-app busy 2>&1 | grep -E 'instructions|share'"
step "vmm run guests/kernel/tinyos.s guests/bare/primes.s --disk tinyos=guests/kernel/disk.txt --host hosted --host-fault 3 --json | jq -r '.guests[] | .name + \": \" + .status + \": \" + .reason'; echo \"exit \${PIPESTATUS[0]}\""
step "vmm run docs/labs/08-hosted/yourturn.s --host hosted -q --stats 2>&1 | grep -E 'cycles|notes|requests'"
step "vmm run docs/labs/08-hosted/yourturn.s -D LINE=40 --host hosted -q --stats 2>&1 | grep -E 'cycles|notes|requests'"
