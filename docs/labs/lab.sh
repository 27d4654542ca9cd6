# lab.sh - what every lab's run.sh shares (sourced, not run): `step 'COMMAND'` prints the
# command after "$ ", then what it prints (stdout and stderr together), then its exit status
# when that is not 0. Run a lab from the folder that holds vmm's guests/ and docs/ (the
# project, or the installed package): bash docs/labs/01-cost/run.sh
set -u
if [ ! -d guests ] || [ ! -d docs/labs ]; then
  echo "run this lab from the folder that holds vmm's guests/ and docs/labs/" >&2
  exit 2
fi
command -v vmm >/dev/null || { echo "vmm is not on PATH (npm link in the project, or npm install -g)" >&2; exit 2; }
step() {
  echo "\$ $1"
  bash -c "$1" 2>&1
  local status=$?
  [ "$status" = 0 ] || echo "(exit status $status)"
  echo
}
