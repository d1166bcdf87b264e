#!/usr/bin/env bash
# The money benchmark of BENCHMARKS.md ("Fees at scale"), for one database.
#
#   bench/fees.sh LABEL DATA_DIR [DATABASE_URL]
#
# DATA_DIR (and DATABASE_URL) must hold a fresh portfolio from `lobby
# generate` (three years of statements and payments; last month's readings
# written, its statements not). Starts `lobby serve` on 127.0.0.1:8112,
# times finance's month-end run for last month on sites 1-5 (once each: a
# month already generated makes nothing new), then the arrears API and page:
# 8 clients closed loop for 10 s, and open loop at 50 requests/s for 20 s.
# Appends JSON lines to bench/results.jsonl.
# Build first: cargo build --release -p lobby -p lobby-bench
set -euo pipefail
label=$1 dir=$2 url=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
lobby=$here/target/release/lobby
load=$here/target/release/lobby-load
out=$here/bench/results.jsonl
env_db=(LOBBY_DATA_DIR="$dir")
[ -n "$url" ] && env_db+=(LOBBY_DATABASE_URL="$url")
env "${env_db[@]}" LOBBY_ADDR=127.0.0.1:8112 LOBBY_LOG=warn LOBBY_JOB_INTERVAL_SECS=3600 "$lobby" serve >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8112/readyz >/dev/null && break; sleep 0.1; done
month=${BENCH_MONTH:-$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)}
echo "== $label: billing $month"
"$load" billing --url http://127.0.0.1:8112 --sites 5 --month "$month" --json "$out" --label "$label"
for op in arrears arrears-page; do
  "$load" run --url http://127.0.0.1:8112 --scenario "$op" --clients 8 --duration 10 \
    --server-pid $pid --json "$out" --label "$label" | grep -v '^all'
  "$load" run --url http://127.0.0.1:8112 --scenario "$op" --clients 8 --rate 50 --duration 20 \
    --server-pid $pid --json "$out" --label "$label-50/s" | grep -v '^all'
done
