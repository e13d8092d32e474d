#!/usr/bin/env bash
# Peering handshake benchmark on a local cluster: a broker and two agents
# (two accounts, same Region) with durable state in a temp dir, then
# vpcsim-bench twice: one handshake at a time (latency) and many in flight
# (throughput). Usage: bash bench/run.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build}/bin
DIR=$(mktemp -d /tmp/vpcsim-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
EP=tcp://127.0.0.1:$PORT
Q="--max-outstanding-pcx 1000000 --max-active-pcx-per-vpc 125"
"$BIN/vpcsim-broker" --listen "$EP" >"$DIR/broker.log" 2>&1 & PIDS="$!"
"$BIN/vpcsim-agent" --broker "$EP" --account 111111111111 --region us-east-1 --data-dir "$DIR/a1" $Q >"$DIR/a1.log" 2>&1 & PIDS="$PIDS $!"
"$BIN/vpcsim-agent" --broker "$EP" --account 222222222222 --region us-east-1 --data-dir "$DIR/a2" $Q >"$DIR/a2.log" 2>&1 & PIDS="$PIDS $!"
trap 'kill $PIDS 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT
for i in $(seq 50); do
  "$BIN/vpcsim" --broker "$EP" admin describe-agents 2>/dev/null | grep -c '"online"' | grep -q 2 && break
  sleep 0.2
done
echo "== one handshake at a time (latency) =="
"$BIN/vpcsim-bench" --broker "$EP" --vpcs 20 --per-vpc 10 --window 1
echo "== many in flight (throughput) =="
"$BIN/vpcsim-bench" --broker "$EP" --vpcs 200 --per-vpc 20 --window 512 \
  --requester 111111111111:us-east-1 --accepter 222222222222:us-east-1
