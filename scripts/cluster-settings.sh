# Sourced by cluster.sh and failover.sh: where the cluster lives.
# shellcheck shell=bash
root=$(pwd)
state=${LOBBY_CLUSTER_DIR:-/tmp/lobby-cluster}
db=${LOBBY_CLUSTER_DB:-lobby_cluster}
pg=${LOBBY_CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}
port=${LOBBY_CLUSTER_PORT:-18080}
export PGOPTIONS="--client-min-messages=warning"
