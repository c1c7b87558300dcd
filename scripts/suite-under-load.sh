#!/usr/bin/env bash
# The suite on a busy machine: `npm test` RUNS times in a row (default 3) in this checkout while two
# `yes > /dev/null` processes keep both cores busy; one line per run with its result, wall time and load.
# Usage: scripts/suite-under-load.sh [RUNS]     (logs in $TMPDIR/suite-under-load-<n>.log)
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
yes > /dev/null & y1=$!
yes > /dev/null & y2=$!
trap 'kill $y1 $y2 2>/dev/null' EXIT
echo "commit $(git rev-parse --short HEAD), node $(node --version), $(nproc) cores, two yes processes"
failed=0
for i in $(seq 1 "$runs"); do
  log="${TMPDIR:-/tmp}/suite-under-load-$i.log"
  started=$(date +%s)
  npm test > "$log" 2>&1; rc=$?
  [ "$rc" -eq 0 ] || failed=1
  echo "run $i: exit $rc, $(( $(date +%s) - started )) s, load $(cut -d' ' -f1-3 /proc/loadavg), $(grep -E '^# \{ total' "$log" | tail -n 1)"
done
exit "$failed"
