#!/usr/bin/env bash
# A rolling upgrade with two real builds on one PostgreSQL database: the
# release at OLD_REF (built in a scratch worktree) and this tree's.
#   scripts/upgrade-check.sh OLD_REF [NEW_BIN]
# 1. old node A on a fresh database (loads the demo), serving;
# 2. new node B starts on the same database: it migrates, serves;
# 3. both answer and write (a work order through each, read back through
#    the other), and /healthz shows the two commits side by side;
# 4. A restarts while B's schema is in place (what a crash mid-upgrade
#    does) and serves again; then A is replaced by the new build.
# The automated form of step 4 for schemas the old build does not know is
# crates/lobby/tests/process/upgrade.rs (runs in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
old_ref=${1:?usage: upgrade-check.sh OLD_REF [NEW_BIN]}
new_bin=$(realpath "${2:-target/release/lobby}")
pg=${LOBBY_CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}
work=${UPGRADE_DIR:-/tmp/lobby-upgrade}
db=lobby_upgrade_check
export PGOPTIONS="--client-min-messages=warning"
say() { echo "upgrade-check: $*"; }
mkdir -p "$work"
if [ ! -x "$work/old-$old_ref" ]; then
  rm -rf "$work/src" && git worktree prune
  git worktree add --detach "$work/src" "$old_ref" >/dev/null
  say "building $old_ref (release) in $work/src"
  (cd "$work/src" && CARGO_TARGET_DIR="$work/target" cargo build --release -q -p lobby)
  cp "$work/target/release/lobby" "$work/old-$old_ref"
  git worktree remove --force "$work/src"
fi
old_bin="$work/old-$old_ref"
psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
node() { # bin port [--demo]
  LOBBY_DATABASE_URL="$pg/$db" LOBBY_DATA_DIR="$work/data-$2" LOBBY_LOG=warn \
    "$1" serve --addr "127.0.0.1:$2" ${3:-} >>"$work/node-$2.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$2/readyz" && return 0; sleep 0.1; done
  say "node on $2 did not start; see $work/node-$2.log"; exit 1
}
create() { # port title → id
  curl -fsS "http://127.0.0.1:$1/api/v1/tickets" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"repair\",\"priority\":\"normal\",\"title\":\"$2\",\"location\":\"B1\",\"site_id\":1}" \
    | python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])'
}
title_of() { # port id
  curl -fsS "http://127.0.0.1:$1/api/v1/tickets/$2" -H "Authorization: Bearer $token" \
    | python3 -c 'import sys,json;print(json.load(sys.stdin)["title"])'
}
node "$old_bin" 18181 --demo
say "old ($old_ref): $(curl -fsS http://127.0.0.1:18181/healthz)"
node "$new_bin" 18182
say "new: $(curl -fsS http://127.0.0.1:18182/healthz)"
token=$(curl -fsS http://127.0.0.1:18181/api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"username":"front_desk","password":"lobby-demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
a=$(create 18181 "made by the old build"); b=$(create 18182 "made by the new build")
[ "$(title_of 18182 "$a")" = "made by the old build" ] && [ "$(title_of 18181 "$b")" = "made by the new build" ]
say "both write, each reads the other's work order ($a, $b)"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
node "$old_bin" 18181
say "the old build restarts on the upgraded database and serves"
c=$(create 18181 "old build after restart"); [ "$(title_of 18182 "$c")" = "old build after restart" ]
LOBBY_DATABASE_URL="$pg/$db" LOBBY_DATA_DIR="$work/data-verify" "$new_bin" audit verify
psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
say "passed"
