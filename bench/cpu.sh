#!/usr/bin/env bash
# CPU per handshake of each process (issue 9), as one JSON document on stdout.
# A broker and two agents (111111111111 and 222222222222 in us-east-1, durable
# state in a temp dir); a warm-up of 200 handshakes, then 4,000 x REPEAT with
# 512 in flight from vpcsim-bench. Each process's user+system CPU is read from
# /proc/PID/stat before and after and divided by the handshakes; the bench
# client's is its own rusage. Where a throughput figure moves with the
# machine's load, this one mostly does not: compare two builds with it,
# alternating runs.
# Usage: bash bench/cpu.sh [--settle] [--repeat N] [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SETTLE=""; REPEAT=1; BUILD=build
while [ $# -gt 0 ]; do
  case $1 in
    --settle) SETTLE=--settle ;;
    --repeat) REPEAT=$2; shift ;;
    -*) echo "usage: bash bench/cpu.sh [--settle] [--repeat N] [build-dir]" >&2; exit 2 ;;
    *) BUILD=$1 ;;
  esac
  shift
done
BIN=$(cd "$BUILD" && pwd)/bin
DIR=$(mktemp -d /tmp/vpcsim-cpu.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
EP=tcp://127.0.0.1:$PORT
Q="--max-outstanding-pcx 1000000 --max-active-pcx-per-vpc 125"
R=111111111111:us-east-1 A=222222222222:us-east-1
PIDS=""
trap 'kill $PIDS 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DIR"' EXIT
"$BIN/vpcsim-broker" --listen "$EP" >"$DIR/broker.log" 2>&1 & BP=$!; PIDS=$BP
"$BIN/vpcsim-agent" --broker "$EP" --account 111111111111 --region us-east-1 --data-dir "$DIR/a1" $Q >"$DIR/a1.log" 2>&1 & RP=$!; PIDS="$PIDS $RP"
"$BIN/vpcsim-agent" --broker "$EP" --account 222222222222 --region us-east-1 --data-dir "$DIR/a2" $Q >"$DIR/a2.log" 2>&1 & AP=$!; PIDS="$PIDS $AP"
for i in $(seq 100); do
  [ "$("$BIN/vpcsim" --broker "$EP" admin describe-agents 2>/dev/null | grep -c '"online"')" = 2 ] && break
  sleep 0.2
done
B() { "$BIN/vpcsim-bench" handshake --broker "$EP" --requester $R --accepter $A --window 512 $SETTLE "$@"; }
B --vpcs 20 --per-vpc 10 >/dev/null          # warm-up: caches, WAL, first pages
b0=$(bench_cpu $BP) r0=$(bench_cpu $RP) a0=$(bench_cpu $AP)
for i in $(seq "$REPEAT"); do
  python3 - "$DIR/run$i.json" "$BIN/vpcsim-bench" handshake --broker "$EP" --requester $R \
    --accepter $A --window 512 $SETTLE --vpcs 200 --per-vpc 20 <<'PY'
import json, resource, subprocess, sys
out = subprocess.run(sys.argv[2:], check=True, capture_output=True, text=True).stdout
doc = json.loads(out)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
doc["_cpu"] = ru.ru_utime + ru.ru_stime
json.dump(doc, open(sys.argv[1], "w"))
PY
done
b1=$(bench_cpu $BP) r1=$(bench_cpu $RP) a1=$(bench_cpu $AP)
python3 - "$DIR" "$REPEAT" "$(getconf CLK_TCK)" $r0 $r1 $a0 $a1 $b0 $b1 "$SETTLE" <<'PY'
import json, os, sys
d, reps, hz = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
r0, r1, a0, a1, b0, b1 = map(float, sys.argv[4:10])
runs = [json.load(open(os.path.join(d, "run%d.json" % (i + 1)))) for i in range(reps)]
n = sum(r["Handshakes"] for r in runs)
us = lambda t0, t1: round((t1 - t0) / hz * 1e6 / n, 1)
out = {
    "Handshakes": n,
    "Settled": sys.argv[10] == "--settle",
    "CpuMicrosecondsPerHandshake": {
        "Requester": us(r0, r1), "Accepter": us(a0, a1), "Broker": us(b0, b1),
        "BenchClient": round(sum(r["_cpu"] for r in runs) * 1e6 / n, 1),
    },
    "AnsweredPerSecond": [r["AnsweredPerSecond"] for r in runs],
}
if out["Settled"]:
    out["SettledPerSecond"] = [r["SettledPerSecond"] for r in runs]
print(json.dumps(out, indent=4))
PY
