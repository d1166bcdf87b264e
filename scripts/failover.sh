#!/usr/bin/env bash
# Failover, measured: with `scripts/cluster.sh up 3` running, plays the desk
# through the proxy (lobby-load failover: idempotent creates retried with
# the same key, and reads), SIGKILLs the node that runs the background jobs
# a third of the way in, starts it again at two thirds, and reports:
#   - requests failed (and how: connection errors, 5xx) and creates retried;
#   - acknowledged creates missing from the database (must be 0) and
#     duplicated (must be 0);
#   - seconds from the kill until a survivor leads the jobs and until its
#     SLA sweep has run;
#   - SLA escalations: work orders whose deadlines fall before, during and
#     after the kill are each escalated exactly once, each with one
#     notification per project manager;
#   - deliveries: the webhook robot's receiver (a local sink) got each
#     delivery; duplicates counted (a node killed between sending and
#     recording "sent" sends again — receivers dedupe by X-Lobby-Delivery).
#   scripts/failover.sh [seconds]     (default 45)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-settings.sh
sink_port=$((port + 11))
load=${LOAD_BIN:-$root/target/release/lobby-load}
secs=${1:-45}
run="fo$(date +%s)"
n=$(cat "$state/nodes")
q() { psql -Atq "$pg/$db" -c "$1"; }
say() { echo "failover: $*"; }
now() { date +%s.%N; }
metric() { # node name → value
  curl -fsS --max-time 1 "http://127.0.0.1:$((port + $1))/metrics" 2>/dev/null | awk -v m="$2" '$1==m {print $2}'
}
sweep_at() { # node → last SLA sweep success (unix seconds)
  curl -fsS --max-time 1 "http://127.0.0.1:$((port + $1))/metrics" 2>/dev/null \
    | awk '/^lobby_job_last_success_timestamp_seconds\{job="sla_sweep"\}/ {print $2}'
}
[ -x "$load" ] || cargo build --release -p lobby-bench
curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" || { say "the cluster is not up (scripts/cluster.sh up)"; exit 1; }

# The delivery sink: a webhook receiver that writes down each delivery id.
rm -f "$state/sink.log"
python3 - "$sink_port" "$state/sink.log" <<'PY' &
import sys, http.server
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(out, "a") as f:
            f.write(self.headers.get("X-Lobby-Delivery", "?") + "\n")
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
q "UPDATE robots SET active = 0 WHERE name LIKE 'failover sink %'" >/dev/null
robot=$(q "INSERT INTO robots (site_id, name, kind, url, roles, kinds, created_at, updated_at)
           VALUES (1, 'failover sink $run', 'webhook', 'http://127.0.0.1:$sink_port/hook', '', 'sla_breach', 0, 0) RETURNING id")

leader=""
for _ in $(seq 1 100); do
  for i in $(seq 1 "$n"); do [ "$(metric "$i" lobby_jobs_leader)" = 1 ] && leader=$i; done
  [ -n "$leader" ] && break
  sleep 0.1
done
[ -n "$leader" ] || { say "no node leads the jobs"; exit 1; }
say "node $leader runs the background jobs; $n nodes; run $run, ${secs}s"

# Work orders that breach during the run: deadlines every ~0.5 s from 3 s
# in to 6 s before the end, so escalations fall before, at and after the kill.
token=$(curl -fsS "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"front_desk","password":"lobby-demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
breach_ids=()
count=$(( (secs - 9) * 2 ))
for k in $(seq 1 "$count"); do
  id=$(curl -fsS "http://127.0.0.1:$port/api/v1/tickets" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d "{\"kind\":\"repair\",\"priority\":\"normal\",\"title\":\"$run-sla-$k\",\"location\":\"B1\",\"site_id\":1}" \
    | python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
  breach_ids+=("$id")
done
start=$(now)
ids=$(IFS=,; echo "${breach_ids[*]}")
q "UPDATE tickets SET response_due_at = CAST(($start + 3 + 0.5 * (array_position(ARRAY[$ids]::bigint[], id) - 1)) * 1000000 AS BIGINT)
   WHERE id IN ($ids)" >/dev/null

proxy_stats() { curl -fsS "http://127.0.0.1:$((port + 9))/;csv" | awk -F, '$1=="nodes" && $2=="BACKEND" {print $14+0, $15+0, $16+0, $17+0}'; }
read -r econ0 eresp0 wretr0 wredis0 < <(proxy_stats)
"$load" failover --url "http://127.0.0.1:$port" --seconds "$secs" --run "$run" \
  --acked "$state/acked.tsv" > "$state/failover.json" &
loadpid=$!

sleep "$(echo "$secs / 3" | bc -l)"
killed=$(now)
scripts/cluster.sh kill "$leader" >/dev/null
say "killed node $leader at +$(printf %.1f "$(echo "$killed - $start" | bc -l)")s"
lead_at=""; swept_at=""; new_leader=""
while [ -z "$swept_at" ] && [ "$(echo "$(now) - $killed < 120" | bc -l)" = 1 ]; do
  for i in $(seq 1 "$n"); do
    [ "$i" = "$leader" ] && continue
    if [ -z "$lead_at" ] && [ "$(metric "$i" lobby_jobs_leader)" = 1 ]; then
      lead_at=$(now); new_leader=$i
    fi
    if [ -n "$new_leader" ] && [ "$i" = "$new_leader" ]; then
      s=$(sweep_at "$i"); [ -n "$s" ] && [ "$(echo "$s > $killed" | bc -l)" = 1 ] && swept_at=$(now)
    fi
  done
  sleep 0.05
done
say "node ${new_leader:-?} leads after $(echo "${lead_at:-0} - $killed" | bc -l | xargs printf %.2f)s; its SLA sweep ran after $(echo "${swept_at:-0} - $killed" | bc -l | xargs printf %.2f)s"

sleep "$(echo "$start + 2 * $secs / 3 - $(now)" | bc -l | awk '{print ($1 > 0) ? $1 : 0}')"
scripts/cluster.sh start "$leader" >/dev/null
say "node $leader started again at +$(printf %.1f "$(echo "$(now) - $start" | bc -l)")s"
wait "$loadpid"
# The last deadlines are swept and their deliveries go out (up to a job
# interval and a delivery round later).
for _ in $(seq 1 120); do
  [ "$(q "SELECT count(*) FROM tickets WHERE id IN ($ids) AND sla_breached_at IS NOT NULL")" = "${#breach_ids[@]}" ] \
    && [ "$(q "SELECT count(*) FROM deliveries WHERE robot_id = $robot AND state <> 'sent'")" = 0 ] && break
  sleep 0.5
done
sleep 1

# The checks, in the database.
acked=$(wc -l < "$state/acked.tsv")
present=$(psql -Atq -v ON_ERROR_STOP=1 "$pg/$db" <<SQL
CREATE TEMP TABLE acked (id BIGINT, key TEXT);
\copy acked FROM '$state/acked.tsv'
SELECT count(*) FROM tickets t JOIN acked a ON t.id = a.id AND t.title = a.key;
SQL
)
made=$(q "SELECT count(*) FROM tickets WHERE title LIKE '$run-%' AND title NOT LIKE '$run-sla-%'")
dups=$(q "SELECT count(*) FROM (SELECT title FROM tickets WHERE title LIKE '$run-%' GROUP BY title HAVING count(*) > 1) d")
esc=$(q "SELECT count(*), coalesce(min(c), 0), coalesce(max(c), 0) FROM (SELECT ticket_id, count(*) c FROM ticket_events
         WHERE action = 'sla_breach' AND ticket_id IN ($ids) GROUP BY ticket_id) e")
pms=$(q "SELECT count(*) FROM (SELECT DISTINCT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id
         WHERE ur.role = 'project_manager' AND (ur.site_id = 1 OR ur.site_id IS NULL) AND u.active = 1) p" 2>/dev/null || echo "?")
notes=$(q "SELECT coalesce(min(c), 0), coalesce(max(c), 0) FROM (SELECT link, count(*) c FROM notifications
           WHERE kind = 'sla_breach' AND link IN ($(printf "'/tickets/%s'," "${breach_ids[@]}" | sed 's/,$//')) GROUP BY link) x")
deliv=$(q "SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM deliveries WHERE robot_id = $robot")
q "SELECT id FROM deliveries WHERE robot_id = $robot" | sort > "$state/deliveries.ids"
touch "$state/sink.log"
received=$(sort "$state/sink.log" | join - "$state/deliveries.ids" | wc -l)
distinct=$(sort -u "$state/sink.log" | join - "$state/deliveries.ids" | wc -l)
missing=$(sort -u "$state/sink.log" | join -v 2 - "$state/deliveries.ids" | wc -l)
q "UPDATE robots SET active = 0 WHERE id = $robot" >/dev/null

echo
say "load: $(cat "$state/failover.json")"
say "acknowledged creates: $acked; in the database: $present; lost: $((acked - present))"
say "creates made in the run: $made; duplicated titles: $dups"
say "SLA work orders: ${#breach_ids[@]}; escalated (count|min events|max events): $esc; notifications per work order (min|max): $notes; project managers: $pms"
say "webhook deliveries (rows|sent): $deliv; received by the sink: $received, distinct: $distinct, duplicates: $((received - distinct)), never received: $missing"
read -r econ eresp wretr wredis < <(proxy_stats)
say "proxy (HAProxy, during the run): connection errors $((econ - econ0)), response errors $((eresp - eresp0)), retries $((wretr - wretr0)), redispatches $((wredis - wredis0))"
fail=0
[ "$present" = "$acked" ] || { say "FAIL: acknowledged creates lost"; fail=1; }
[ "$dups" = 0 ] || { say "FAIL: duplicate creates"; fail=1; }
[ "$esc" = "${#breach_ids[@]}|1|1" ] || { say "FAIL: escalations not exactly once each"; fail=1; }
[ "$missing" = 0 ] || { say "FAIL: deliveries never received"; fail=1; }
exit $fail
