#!/usr/bin/env bash
# The gateway benchmarks on a local cluster (a broker, two accounts in
# us-east-1, durable state in a temp dir) with vpcsim-gateway in front:
#  1. the gateway's own cost per call (vpcsim-bench-gateway: raw HTTP vs the
#     native ZeroMQ transport, medians), unsigned and with SigV4 verified;
#  2. the boto3 handshake benchmark (create, accept, describe, delete) against
#     the gateway and against moto's server, 1 and 8 clients, and the ratio.
# vpcsim models the 2 s a new connection spends in `provisioning` before it is
# active (and deletable); unless ADVANCE_CLOCK=0, a loop moves the simulated
# clock 2 s forward every 20 ms during the boto3 runs so that the handshake
# measures the API rather than that simulated wait (moto has no such state).
# moto is taken from MOTO_PYTHON (a python with moto[server] and boto3), else
# from a venv this script makes in /tmp with `pip install 'moto[server]' boto3`.
#   Usage: bash bench/gateway.sh [build-dir] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build}/bin
SECONDS_EACH=${2:-10}
DIR=$(mktemp -d /tmp/vpcsim-gwbench.XXXXXX)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
EP=tcp://127.0.0.1:$(port); GW=127.0.0.1:$(port); GWV=127.0.0.1:$(port); MOTO=127.0.0.1:$(port)
PY=${MOTO_PYTHON:-}
if [ -z "$PY" ]; then
  PY=/tmp/vpcsim-moto-venv/bin/python
  if ! "$PY" -c 'import moto, boto3' 2>/dev/null; then
    python3 -m venv /tmp/vpcsim-moto-venv && /tmp/vpcsim-moto-venv/bin/pip install -q 'moto[server]' boto3
  fi
fi
Q="--max-outstanding-pcx 100000 --max-active-pcx-per-vpc 125"
printf '111111111111 test 111111111111\n222222222222 test 222222222222\n' > "$DIR/credentials"
"$BIN/vpcsim-broker" --listen "$EP" >"$DIR/broker.log" 2>&1 & PIDS="$!"
"$BIN/vpcsim-agent" --broker "$EP" --account 111111111111 --region us-east-1 --data-dir "$DIR/a1" $Q >"$DIR/a1.log" 2>&1 & PIDS="$PIDS $!"
"$BIN/vpcsim-agent" --broker "$EP" --account 222222222222 --region us-east-1 --data-dir "$DIR/a2" $Q >"$DIR/a2.log" 2>&1 & PIDS="$PIDS $!"
"$BIN/vpcsim-gateway" --listen "$GW" --broker "$EP" --log-level warn >"$DIR/gw.log" 2>&1 & PIDS="$PIDS $!"
"$BIN/vpcsim-gateway" --listen "$GWV" --broker "$EP" --credentials "$DIR/credentials" --log-level warn >"$DIR/gwv.log" 2>&1 & PIDS="$PIDS $!"
"$PY" -m moto.server -H 127.0.0.1 -p "${MOTO##*:}" >"$DIR/moto.log" 2>&1 & PIDS="$PIDS $!"
trap 'kill $PIDS 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT
for i in $(seq 100); do
  "$BIN/vpcsim" --broker "$EP" admin describe-agents 2>/dev/null | grep -c '"online"' | grep -q 2 &&
    "$PY" -c "import urllib.request; urllib.request.urlopen('http://$MOTO/moto-api/')" 2>/dev/null && break
  sleep 0.2
done
echo "== the gateway's own cost per call (one call at a time) =="
"$BIN/vpcsim-bench-gateway" --broker "$EP" --gateway "$GW" --calls 5000
"$BIN/vpcsim-bench-gateway" --broker "$EP" --gateway "$GWV" --calls 5000 --secret test
if [ "${ADVANCE_CLOCK:-1}" != 0 ]; then
  ( while :; do "$BIN/vpcsim" --broker "$EP" admin advance-clock --seconds 2 >/dev/null 2>&1; sleep 0.02; done ) &
  PIDS="$PIDS $!"
  echo "(simulated clock: +2 s every 20 ms)"
fi
echo "== boto3 handshakes (create, accept, describe, delete), ${SECONDS_EACH} s each =="
"$PY" bench/gateway_boto3.py --seconds "$SECONDS_EACH" --clients 1,8 \
  --target "vpcsim=http://$GW,111111111111,222222222222" \
  --target "moto=http://$MOTO,123456789012,123456789012"
