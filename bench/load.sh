#!/usr/bin/env bash
# The load benchmark of BENCHMARKS.md, for one database.
#
#   bench/load.sh LABEL DATA_DIR [DATABASE_URL]
#
# DATA_DIR (and DATABASE_URL for PostgreSQL) must hold a portfolio made by
# `lobby generate` (the staff g001_* sign in with 'lobby-demo'). Starts
# `lobby serve` on 127.0.0.1:8111, times its start, times finance's month-end
# run on five sites, runs each operation with 8
# clients for 10 s (closed loop), then the department mix open loop at
# 200 requests/s for 30 s, and appends JSON lines to bench/results.jsonl.
# Build first: cargo build --release -p lobby -p lobby-bench
set -euo pipefail
label=$1 dir=$2 url=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
# LOBBY_BIN / LOAD_BIN: other builds (an A/B run of two versions).
lobby=${LOBBY_BIN:-$here/target/release/lobby}
load=${LOAD_BIN:-$here/target/release/lobby-load}
out=$here/bench/results.jsonl
secs=${BENCH_SECS:-10}
env_db=(LOBBY_DATA_DIR="$dir")
[ -n "$url" ] && env_db+=(LOBBY_DATABASE_URL="$url")

echo "== $label: start to ready"
"$load" startup --lobby "$lobby" --data-dir "$dir" ${url:+--database-url "$url"} --runs 5

env "${env_db[@]}" LOBBY_ADDR=127.0.0.1:8111 LOBBY_LOG=warn LOBBY_JOB_INTERVAL_SECS=60 "$lobby" serve >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8111/readyz >/dev/null && break; sleep 0.1; done
echo "== $label: idle RSS $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"

# Finance's month-end run, once for each of sites 1-5: last month, whose
# meter readings the generator wrote (run it on a fresh portfolio: a month
# already generated is not generated again).
month=${BENCH_MONTH:-$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)}
echo "== $label: billing $month"
"$load" billing --url http://127.0.0.1:8111 --sites 5 --month "$month" --json "$out" --label "$label"

# What the rates are divided by (issue 20): bare durable single-row commits
# on the same disk or database, then the empty handler (healthz, below).
if [ -n "$url" ]; then
  "$load" baseline --database-url "$url" --duration "$secs" --json "$out" --label "$label"
else
  "$load" baseline --dir "$dir" --duration "$secs" --json "$out" --label "$label"
fi

for op in create action list list-page ticket ticket-page summary login arrears arrears-page healthz; do
  "$load" run --url http://127.0.0.1:8111 --scenario "$op" --clients 8 --duration "$secs" \
    --server-pid $pid --json "$out" --label "$label" | grep -v '^all'
done
echo "== $label: mix, open loop 200/s"
"$load" run --url http://127.0.0.1:8111 --scenario mix --clients 16 --rate 200 --duration 30 \
  --server-pid $pid --json "$out" --label "$label"
