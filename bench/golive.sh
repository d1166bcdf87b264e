#!/usr/bin/env bash
# The go-live benchmark of BENCHMARKS.md ("Going live"), for one database.
#
#   bench/golive.sh LABEL [DATABASE_URL]
#
# A fresh data dir with the demo site; a workbook of a 5,000-unit building
# (a tenant, a lease and a meter per unit, 24 months of opening balances
# each: 140,000 rows) and one of 500 units. Times, with peak memory
# (/usr/bin/time), the preview of the big one (`lobby import --dry-run`),
# its import (preview and confirmation, as the CLI does), the preview of the
# small one, and the import of the big one again (everything unchanged).
# DATABASE_URL must name an empty PostgreSQL database.
# Build first: cargo build --release -p lobby -p lobby-bench
set -euo pipefail
label=$1 url=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
lobby=$here/target/release/lobby
load=$here/target/release/lobby-load
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=(--data-dir "$dir")
[ -n "$url" ] && db+=(--database-url "$url")
LOBBY_ADMIN_PASSWORD=admin-pass "$lobby" "${db[@]}" demo >/dev/null
"$load" golive-book --units 5000 --months 24 --out "$dir/big.xlsx"
"$load" golive-book --units 500 --units-only --out "$dir/small.xlsx"
ls -l "$dir/big.xlsx" "$dir/small.xlsx" | awk '{print $5, $9}'
step() {
  local what=$1; shift
  /usr/bin/time -f "$label $what: %e s, peak %M KiB" "$lobby" "${db[@]}" "$@" >/dev/null
}
step "preview 5,000 units (140,000 rows)" import --site 1 --dry-run "$dir/big.xlsx"
step "import 5,000 units (140,000 rows)" import --site 1 "$dir/big.xlsx"
step "preview 500 rows" import --site 1 --dry-run "$dir/small.xlsx"
step "import the same again (unchanged)" import --site 1 "$dir/big.xlsx"
