#!/usr/bin/env bash
# The restore drill: back up a live lobby, restore the backup somewhere
# else, and prove the copy is whole (`lobby audit verify` walks the audit
# chain's every entry on the restored copy). Run it monthly against
# production; CI runs it on both engines (crates/lobby/tests/process/restore.rs).
#
# Reads the same settings as lobby: LOBBY_DATABASE_URL (empty: SQLite in
# LOBBY_DATA_DIR) and LOBBY_DATA_DIR. LOBBY_BIN names the binary (default:
# `lobby` on the PATH). DRILL_DIR is where the backup and the restored copy
# go (default: a new temporary folder); with DRILL_KEEP=1 the restored copy
# is kept and its settings printed, otherwise it is removed at the end.
#
# SQLite:     lobby backup --out B/lobby.db  (+ the data dir's blobs/)
#             → a new data dir with that file and blobs/
# PostgreSQL: pg_dump --format=custom        → pg_restore into <db>_drill
set -euo pipefail
bin=${LOBBY_BIN:-lobby}
url=${LOBBY_DATABASE_URL:-}
data=${LOBBY_DATA_DIR:-./data}
dir=${DRILL_DIR:-$(mktemp -d -t lobby-drill.XXXXXX)}
mkdir -p "$dir/backup"
say() { echo "restore-drill: $*"; }
export PGOPTIONS="--client-min-messages=warning"

case "$url" in
  ""|sqlite:*)
    say "backing up the SQLite database of $data (online, consistent)"
    "$bin" backup --out "$dir/backup/lobby.db"
    # Uploaded files: after the database, so every file it names is there.
    if [ -d "$data/blobs" ]; then cp -a "$data/blobs" "$dir/backup/blobs"; fi
    restored="$dir/restored"
    rm -rf "$restored" && mkdir -p "$restored"
    cp "$dir/backup/lobby.db" "$restored/lobby.db"
    if [ -d "$dir/backup/blobs" ]; then cp -a "$dir/backup/blobs" "$restored/blobs"; fi
    say "restored into $restored"
    out=$(LOBBY_DATABASE_URL="" LOBBY_DATA_DIR="$restored" "$bin" audit verify)
    echo "$out"
    say "backup size $(du -sh "$dir/backup" | cut -f1)"
    if [ "${DRILL_KEEP:-0}" = 1 ]; then
      echo "LOBBY_DATABASE_URL= LOBBY_DATA_DIR=$restored"
    else
      rm -rf "$dir"
    fi
    ;;
  postgres://*|postgresql://*)
    base=${url%/*}
    rest=${url##*/}
    db=${rest%%\?*}
    query=""
    [ "$rest" != "$db" ] && query="?${rest#*\?}"
    copy="${db}_drill"
    say "backing up database $db with pg_dump (a consistent snapshot; servers keep running)"
    pg_dump --format=custom --no-owner --file="$dir/backup/lobby.dump" "$url"
    psql -q -v ON_ERROR_STOP=1 "$base/postgres$query" \
      -c "DROP DATABASE IF EXISTS \"$copy\"" -c "CREATE DATABASE \"$copy\""
    pg_restore --no-owner --no-privileges --exit-on-error -d "$base/$copy$query" "$dir/backup/lobby.dump"
    say "restored into database $copy"
    out=$(LOBBY_DATABASE_URL="$base/$copy$query" LOBBY_DATA_DIR="$dir/restored" "$bin" audit verify)
    echo "$out"
    say "backup size $(du -sh "$dir/backup" | cut -f1)"
    if [ "${DRILL_KEEP:-0}" = 1 ]; then
      echo "LOBBY_DATABASE_URL=$base/$copy$query"
    else
      psql -q "$base/postgres$query" -c "DROP DATABASE IF EXISTS \"$copy\""
      rm -rf "$dir"
    fi
    ;;
  *)
    say "LOBBY_DATABASE_URL is neither postgres:// nor sqlite:"; exit 2 ;;
esac
say "passed: the restored copy's audit chain verifies"
