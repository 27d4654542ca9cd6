#!/usr/bin/env bash
# Lab 1: the cost of virtualization (docs/labs/01-cost/README.md).
. "$(dirname "$0")/../lab.sh"
step 'vmm run guests/bare/primes.s --mode bare'
step 'vmm run guests/bare/primes.s --mode full'
step 'vmm run guests/bench/sieve.s -D ROUNDS=1 --mode full 2>&1 | tail -6'
step 'vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode full 2>&1 >/dev/null | grep -E "cycles|exits"'
step 'vmm run docs/labs/01-cost/yourturn.s --mode full 2>&1 | tail -6'
step 'vmm run docs/labs/01-cost/yourturn.s --mode full -D WORK=100 -q --stats 2>&1 | grep overhead'
step 'vmm run docs/labs/01-cost/yourturn.s --mode full -D WORK=1000 -q --stats 2>&1 | grep overhead'
