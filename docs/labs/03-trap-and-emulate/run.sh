#!/usr/bin/env bash
# Lab 3: trap-and-emulate, and the "store into flags" failure
# (docs/labs/03-trap-and-emulate/README.md).
. "$(dirname "$0")/../lab.sh"
step 'vmm isa | tail -3'
step 'vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode trap 2>&1 >/dev/null | head -2'
step 'vmm trace guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode trap --reason sensitive-unprivileged --format short -q | head -4'
step 'vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode trap --strict 2>&1 >/dev/null | grep -E "^tinyos|exits"'
step 'vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode full 2>&1 >/dev/null | grep -E "^tinyos|exits"'
step 'vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode hw 2>&1 >/dev/null | grep -E "^tinyos|exits"'
step 'vmm run docs/labs/03-trap-and-emulate/yourturn.s --mode bare -q'
step 'vmm run docs/labs/03-trap-and-emulate/yourturn.s --mode trap -q'
step 'vmm run docs/labs/03-trap-and-emulate/yourturn.s --mode trap --strict -q'
