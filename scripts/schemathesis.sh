#!/usr/bin/env bash
# The API against its own OpenAPI document: schemathesis (pinned, in a venv)
# generates requests for every operation and checks that the server never
# answers 5xx and that every answer's status, content type and body are the
# ones the document promises. Runs a `lobby serve --demo` of its own
# (SQLite, a temporary data dir, a free port) and signs in as a demo user.
#
#   scripts/schemathesis.sh [--lobby PATH] [--examples N] [--user NAME]
#
# --lobby: the binary to test (default: builds and uses target/release/lobby)
# --examples: examples per operation (default 50; CI runs a short pass)
# --user: the demo account whose token is sent (default cs_supervisor)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.32.5
lobby=""
examples=50
user=cs_supervisor
while [ $# -gt 0 ]; do
  case "$1" in
    --lobby) lobby=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    *) echo "schemathesis.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$lobby" ]; then
  cargo build --release --quiet
  lobby=target/release/lobby
fi

venv=${SCHEMATHESIS_VENV:-target/schemathesis-venv}
if [ ! -x "$venv/bin/schemathesis" ] || ! "$venv/bin/schemathesis" --version | grep -q "$VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$VERSION"
fi

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
LOBBY_LOG=warn LOBBY_ADMIN_PASSWORD=schemathesis-admin \
  "$lobby" serve --demo --addr "127.0.0.1:$port" --data-dir "$data" >"$data/serve.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
for _ in $(seq 1 600); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$data/serve.log"; exit 1; }
  sleep 0.2
done
token=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"lobby-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Signing out (and a password change) would end the token the run uses;
# everything else is fair game.
"$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
  --url "$base/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path /auth/logout \
  --exclude-path /auth/password \
  --max-examples "$examples" \
  --workers 2 \
  --seed 1 \
  --no-color
