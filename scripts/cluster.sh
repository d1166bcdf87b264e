#!/usr/bin/env bash
# A lobby cluster on one machine, from this tree: the machine's PostgreSQL
# (a dedicated database), an S3-compatible store (lobby-s3: s3s-fs from
# crates.io over a folder), N `lobby serve` nodes and HAProxy (Debian's
# package) in front with health checks on /readyz, round robin, no
# stickiness. Everything listens on 127.0.0.1.
#
#   scripts/cluster.sh up [N]     build if needed, start (N nodes, default 3)
#   scripts/cluster.sh status     what runs, each node's build and job leader
#   scripts/cluster.sh kill I     SIGKILL node I (a node dying)
#   scripts/cluster.sh start I    start node I again
#   scripts/cluster.sh down       stop everything (keeps the data)
#   scripts/cluster.sh purge      down, then drop the database and the state
#
# Settings (environment): LOBBY_CLUSTER_DIR (state, default
# /tmp/lobby-cluster), LOBBY_CLUSTER_DB (database, default lobby_cluster),
# LOBBY_CLUSTER_PG (server URL, default postgres://postgres@127.0.0.1:5432),
# LOBBY_CLUSTER_PORT (the proxy; nodes on the next ports, default 18080),
# LOBBY_BIN / LOBBY_S3_BIN (default target/release/…), LOBBY_JOB_INTERVAL_SECS
# (default 1). The first node loads the demo into an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-settings.sh
stats_port=$((port + 9))
s3_port=$((port + 10))
bin=${LOBBY_BIN:-$root/target/release/lobby}
s3bin=${LOBBY_S3_BIN:-$root/target/release/lobby-s3}
say() { echo "cluster: $*"; }

node_port() { echo $((port + $1)); }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
nodes() { cat "$state/nodes" 2>/dev/null || echo 3; }

wait_http() { # url seconds
  for _ in $(seq 1 $(($2 * 10))); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

build() {
  if [ ! -x "$bin" ] || [ ! -x "$s3bin" ]; then
    say "building lobby and lobby-s3 (release)"
    cargo build --release -p lobby -p lobby-testkit --bin lobby --bin lobby-s3
  fi
  if ! command -v haproxy >/dev/null; then
    say "installing haproxy (Debian)"
    apt-get update -qq
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
}

start_node() { # i
  local i=$1 p
  p=$(node_port "$i")
  mkdir -p "$state/node-$i"
  alive "$state/node-$i.pid" && { say "node $i already runs"; return; }
  (
    export LOBBY_DATABASE_URL="$pg/$db" LOBBY_DATA_DIR="$state/node-$i" \
      LOBBY_ADDR="127.0.0.1:$p" LOBBY_BLOB_STORE="s3://lobby/photos" \
      LOBBY_TRUSTED_PROXIES=127.0.0.1 LOBBY_LOG_FORMAT=json \
      LOBBY_JOB_INTERVAL_SECS="${LOBBY_JOB_INTERVAL_SECS:-1}" \
      LOBBY_DELIVERY_INTERVAL_SECS=1 LOBBY_OUTBOUND_ALLOW=127.0.0.1 \
      LOBBY_ADMIN_PASSWORD="${LOBBY_ADMIN_PASSWORD:-admin-password}" \
      AWS_ENDPOINT="http://127.0.0.1:$s3_port" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
      AWS_ACCESS_KEY_ID=lobby-cluster AWS_SECRET_ACCESS_KEY=lobby-cluster-secret
    demo=()
    [ "$i" = 1 ] && demo=(--demo)
    setsid nohup "$bin" serve "${demo[@]}" >>"$state/node-$i.log" 2>&1 < /dev/null &
    echo $! > "$state/node-$i.pid"
  )
  wait_http "http://127.0.0.1:$p/readyz" 120 || { say "node $i did not become ready; see $state/node-$i.log"; exit 1; }
  say "node $i ready on 127.0.0.1:$p (pid $(cat "$state/node-$i.pid"))"
}

haproxy_cfg() {
  cat <<CFG
global
    maxconn 4096
    stats socket $state/haproxy.sock mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    option forwardfor
    option redispatch 1
    # A request that never reached a node (it just died) goes to another.
    # One that reached it and got no answer is sent again only if that is
    # safe: a GET or HEAD, or a create carrying an Idempotency-Key (lobby
    # answers a repeat with what the first one made). A form's POST is not
    # repeated: the person sees the error and looks before sending again.
    retries 3
    retry-on conn-failure empty-response
frontend lobby
    bind 127.0.0.1:$port
    http-request disable-l7-retry if !METH_GET !{ method HEAD } !{ req.hdr(idempotency-key) -m found }
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
CFG
  for i in $(seq 1 "$(nodes)"); do
    echo "    server node$i 127.0.0.1:$(node_port "$i") check"
  done
  cat <<CFG
listen stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /
CFG
}

up() {
  local n=${1:-3}
  build
  mkdir -p "$state/s3"
  echo "$n" > "$state/nodes"
  if ! psql -Atq "$pg/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql -q "$pg/postgres" -c "CREATE DATABASE \"$db\""
    say "made database $db"
  fi
  if ! alive "$state/s3.pid"; then
    AWS_ACCESS_KEY_ID=lobby-cluster AWS_SECRET_ACCESS_KEY=lobby-cluster-secret \
      setsid nohup "$s3bin" --root "$state/s3" --addr "127.0.0.1:$s3_port" --bucket lobby \
      >>"$state/s3.log" 2>&1 < /dev/null &
    echo $! > "$state/s3.pid"
  fi
  for i in $(seq 1 "$n"); do start_node "$i"; done
  haproxy_cfg > "$state/haproxy.cfg"
  haproxy -c -q -f "$state/haproxy.cfg"
  if alive "$state/haproxy.pid"; then
    haproxy -D -f "$state/haproxy.cfg" -p "$state/haproxy.pid" -sf "$(cat "$state/haproxy.pid")"
  else
    haproxy -D -f "$state/haproxy.cfg" -p "$state/haproxy.pid"
  fi
  wait_http "http://127.0.0.1:$port/readyz" 30 || { say "the proxy does not answer"; exit 1; }
  say "up: http://127.0.0.1:$port/ (HAProxy → $n nodes; stats http://127.0.0.1:$stats_port/)"
  say "sign in as admin / \${LOBBY_ADMIN_PASSWORD:-admin-password}, or a demo account / lobby-demo"
}

status() {
  for c in s3 haproxy; do
    if alive "$state/$c.pid"; then say "$c: running (pid $(cat "$state/$c.pid"))"; else say "$c: stopped"; fi
  done
  for i in $(seq 1 "$(nodes)"); do
    local p h lead
    p=$(node_port "$i")
    if alive "$state/node-$i.pid"; then
      h=$(curl -fsS --max-time 2 "http://127.0.0.1:$p/healthz" || echo '?')
      lead=$(curl -fsS --max-time 2 "http://127.0.0.1:$p/metrics" | awk '/^lobby_jobs_leader /{print $2}')
      say "node $i: running on $p, $h, job leader: ${lead:-?}"
    else
      say "node $i: stopped"
    fi
  done
  if alive "$state/haproxy.pid"; then
    curl -fsS --max-time 2 "http://127.0.0.1:$stats_port/;csv" \
      | awk -F, '$1=="nodes" && $2!="BACKEND" && $2!="FRONTEND" {print "cluster: proxy sees " $2 " " $18}'
  fi
}

stop_pid() { # file signal
  if alive "$1"; then kill "-$2" "$(cat "$1")" 2>/dev/null || true; fi
  rm -f "$1"
}

down() {
  stop_pid "$state/haproxy.pid" TERM
  for f in "$state"/node-*.pid; do [ -e "$f" ] && stop_pid "$f" TERM; done
  stop_pid "$state/s3.pid" TERM
  say "down (data kept in $state and database $db)"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  status) status ;;
  kill) stop_pid "$state/node-$2.pid" KILL; say "node $2 killed (SIGKILL)" ;;
  start) start_node "$2" ;;
  down) down ;;
  purge)
    down
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
    rm -rf "$state"
    say "purged" ;;
  *) sed -n '2,22p' "$0"; exit 2 ;;
esac
