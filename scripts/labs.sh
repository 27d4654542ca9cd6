#!/usr/bin/env bash
# npm run labs: run every lab of docs/labs/ with the built vmm and write its transcript.txt
# (after a change that moves what vmm prints; test/docs/labs.test.ts compares them).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
printf '#!/bin/sh\nexec node "%s/dist/vmm.js" "$@"\n' "$PWD" > "$bin/vmm"
chmod +x "$bin/vmm"
for lab in docs/labs/*/; do
  PATH="$bin:$PATH" FORCE_COLOR=0 NO_COLOR=1 bash "$lab/run.sh" > "$lab/transcript.txt"
  echo "wrote $lab/transcript.txt"
done
