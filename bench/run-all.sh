#!/usr/bin/env bash
# Runs every benchmark scenario in turn and keeps the output in $TMPDIR/seatbook-bench-results/ (or $1).
# Each scenario starts and stops its own server on a fresh temporary database.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-${TMPDIR:-/tmp}/seatbook-bench-results}
mkdir -p "$out"
for scenario in a-bookers-subscribers b-idle-memory c-conflict d-latency-vs-connections; do
  echo "### $scenario" >&2
  "$here/scenarios/$scenario.sh" 2>&1 | tee "$out/$scenario.txt"
done
