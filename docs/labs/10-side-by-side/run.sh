#!/usr/bin/env bash
# Lab 10: advantages and disadvantages of each technique, side by side
# (docs/labs/10-side-by-side/README.md).
. "$(dirname "$0")/../lab.sh"
step 'vmm compare guests/bench/syscall.s guests/bench/in.s guests/bench/ptemod.s guests/bench/tlbthrash.s --modes bare,trap-strict,full,para,hw | tail -n +3'
step 'vmm compare guests/bench/ptbr.s guests/bench/pgfault.s --modes bare,hw,hw-npt-off | tail -n +3'
step 'vmm compare --modes bare,full,hw,hw-vpid-off 2>&1 | grep -A6 "^switch"'
step 'vmm compare docs/labs/10-side-by-side/yourturn.s | tail -n +3'
