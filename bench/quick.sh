#!/usr/bin/env bash
# A quick write-path run on the demo data (issue 39): the bare-commit
# baseline, then create, action, list, search (no match) and healthz with 8 clients for 10 s,
# appended to bench/results.jsonl.
#
#   bench/quick.sh LABEL DATA_DIR [DATABASE_URL]
#
# DATA_DIR (and the PostgreSQL database) should be empty: the demo is
# loaded first. Build first: cargo build --release -p lobby -p lobby-bench
set -euo pipefail
label=$1 dir=$2 url=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
lobby=${LOBBY_BIN:-$here/target/release/lobby}
load=${LOAD_BIN:-$here/target/release/lobby-load}
out=$here/bench/results.jsonl
env_db=(LOBBY_DATA_DIR="$dir")
[ -n "$url" ] && env_db+=(LOBBY_DATABASE_URL="$url")
env "${env_db[@]}" LOBBY_ADMIN_PASSWORD=admin-pass "$lobby" demo >/dev/null
env "${env_db[@]}" LOBBY_ADDR=127.0.0.1:8111 LOBBY_LOG=warn "$lobby" serve >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8111/readyz >/dev/null && break; sleep 0.1; done
if [ -n "$url" ]; then
  "$load" baseline --database-url "$url" --duration 10 --json "$out" --label "$label"
else
  "$load" baseline --dir "$dir" --duration 10 --json "$out" --label "$label"
fi
for op in create action list search healthz; do
  "$load" run --url http://127.0.0.1:8111 --prefix '' --scenario "$op" --clients 8 \
    --duration 10 --server-pid $pid --json "$out" --label "$label" | grep -v '^all'
done
echo "== $label: RSS $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
