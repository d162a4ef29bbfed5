#!/usr/bin/env bash
# Runs the whole test suite N times (default 2) while two busy loops per core keep the CPU saturated,
# the way a shared CI host is when other jobs run on it. Reports each run's pass/fail counts.
#   usage: tools/stress/suite-under-load.sh [runs]      (uses TEST_DATABASE_URL / TEST_REDIS_URL if set)
# The busy loops are bounded: each is killed when the script ends and, whatever happens, after 2 hours.
set -uo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-2}
LOOPS=$(( $(nproc) * 2 ))
PIDS=()
stop_loops() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap stop_loops EXIT
for _ in $(seq 1 "$LOOPS"); do timeout 7200 sh -c 'while :; do :; done' & PIDS+=($!); done
echo "started $LOOPS busy loops on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
STATUS=0
for run in $(seq 1 "$RUNS"); do
  LOG=$(mktemp /tmp/suite-under-load.XXXXXX.log)
  START=$(date +%s)
  npm test >"$LOG" 2>&1; RC=$?
  END=$(date +%s)
  PASSING=$(grep -Eo '[0-9]+ passing' "$LOG" | tail -1)
  FAILING=$(grep -Eo '[0-9]+ failing' "$LOG" | tail -1)
  PENDING=$(grep -Eo '[0-9]+ pending' "$LOG" | tail -1)
  echo "run $run: exit $RC in $((END-START)) s; ${PASSING:-0 passing}, ${FAILING:-0 failing}, ${PENDING:-0 pending}; load average $(cut -d' ' -f1-3 /proc/loadavg); log $LOG"
  [ "$RC" -eq 0 ] || { STATUS=1; grep -A15 -E '^  [0-9]+\) ' "$LOG" | head -80; }
done
exit $STATUS
