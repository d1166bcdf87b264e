#!/usr/bin/env bash
# Checks what an operator installs from deploy/: the systemd unit
# (`systemd-analyze verify`, and its exposure score), the Prometheus alert
# rules (`promtool check rules`, then their unit tests), and the Grafana
# dashboard (regenerated from its script, and naming only metrics lobby
# exports). Run by .ci/run; takes the lobby binary to verify the unit with.
#   scripts/check-deploy.sh [path/to/lobby]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/lobby}")
[ -x "$bin" ] || { echo "check-deploy: no lobby binary at $bin (build it first)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The unit names /usr/local/bin/lobby; verify a copy that names the binary
# just built (verify checks that ExecStart is executable).
sed "s#^ExecStart=/usr/local/bin/lobby#ExecStart=$bin#" deploy/systemd/lobby.service > "$tmp/lobby.service"
systemd-analyze verify "$tmp/lobby.service"
# Exposure 0–10 (lower is safer); the unit scores 1.4. Fail above 2.
systemd-analyze security --offline=true --threshold=20 "$tmp/lobby.service" | tail -1
echo "check-deploy: systemd unit verified"

promtool check rules deploy/prometheus/lobby-rules.yml
(cd deploy/prometheus && promtool test rules lobby-rules.test.yml)

python3 deploy/grafana/make-dashboard.py
git diff --exit-code --stat -- deploy/grafana/lobby-dashboard.json \
  || { echo "check-deploy: lobby-dashboard.json differs from make-dashboard.py's"; exit 1; }

# Every lobby_* metric the rules and the dashboard name is one the code exports.
exported=$(grep -rhoE '(counter|gauge|histogram)!\(\s*"lobby_[a-z_]+"' crates --include=*.rs \
  | grep -oE 'lobby_[a-z_]+' | sort -u)
named=$(grep -hoE 'lobby_[a-z_]+' deploy/prometheus/lobby-rules.yml deploy/grafana/lobby-dashboard.json \
  | sed -E 's/_(bucket|sum|count)$//' | grep -vE '^lobby_(dashboard|rules)$' | sort -u)
missing=$(comm -23 <(echo "$named") <(echo "$exported"))
if [ -n "$missing" ]; then
  echo "check-deploy: named in rules or dashboard but not exported: $missing"
  exit 1
fi
echo "check-deploy: $(echo "$named" | wc -l) metrics named, all exported"
