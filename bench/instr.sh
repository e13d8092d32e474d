#!/usr/bin/env bash
# Instructions per handshake of each process (issue 9), as one JSON document
# on stdout: the requester and accepter agents, the broker and the bench
# client each run under valgrind's callgrind while vpcsim-bench does 2,000
# handshakes (100 VPCs a side, 20 per VPC, 64 in flight), with durable state
# in a temp dir. Instruction counts do not move with the machine's load the
# way CPU time does (within ~3% between runs: scheduling changes how many
# messages a turn takes), so two builds can be compared on a busy machine.
# Counts include each process's start and the VPCs' creation. Needs valgrind
# (Debian: valgrind); a build with -g names functions in the .cg files kept
# with --keep DIR (callgrind_annotate DIR/req.cg).
# --accepter-region R puts the accepter in Region R (inter-Region when R is not
# us-east-1) to compare the two kinds of handshake. --window 1 runs 500
# handshakes one at a time: a turn per message, so the fixed cost of a turn
# (its commit, its event batch) shows, as it does in the p50 latency.
# Usage: bash bench/instr.sh [--settle] [--keep DIR] [--accepter-region R] [--window W] [build-dir]
#        (default: build; W handshakes in flight, default 64; with W = 1, 500 handshakes)
set -euo pipefail
cd "$(dirname "$0")/.."
SETTLE=""; KEEP=""; BUILD=build; AREGION=us-east-1; WINDOW=64
while [ $# -gt 0 ]; do
  case $1 in
    --settle) SETTLE=--settle ;;
    --keep) KEEP=$2; shift ;;
    --accepter-region) AREGION=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    -*) echo "usage: bash bench/instr.sh [--settle] [--keep DIR] [--accepter-region R] [--window W] [build-dir]" >&2; exit 2 ;;
    *) BUILD=$1 ;;
  esac
  shift
done
command -v valgrind >/dev/null || { echo "bench/instr.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
BIN=$(cd "$BUILD" && pwd)/bin
DIR=$(mktemp -d /tmp/vpcsim-instr.XXXXXX)
OUT=${KEEP:-$DIR/cg}; mkdir -p "$OUT"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
EP=tcp://127.0.0.1:$PORT
Q="--max-outstanding-pcx 1000000 --max-active-pcx-per-vpc 125"
CG="valgrind --tool=callgrind --quiet"
PIDS=""
trap 'kill $PIDS 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DIR"' EXIT
$CG --callgrind-out-file="$OUT/brk.cg" "$BIN/vpcsim-broker" --listen "$EP" >"$DIR/broker.log" 2>&1 & BP=$!; PIDS=$BP
$CG --callgrind-out-file="$OUT/req.cg" "$BIN/vpcsim-agent" --broker "$EP" --account 111111111111 --region us-east-1 --data-dir "$DIR/a1" $Q >"$DIR/a1.log" 2>&1 & RP=$!; PIDS="$PIDS $RP"
$CG --callgrind-out-file="$OUT/acc.cg" "$BIN/vpcsim-agent" --broker "$EP" --account 222222222222 --region "$AREGION" --data-dir "$DIR/a2" $Q >"$DIR/a2.log" 2>&1 & AP=$!; PIDS="$PIDS $AP"
for i in $(seq 150); do
  [ "$("$BIN/vpcsim" --broker "$EP" admin describe-agents 2>/dev/null | grep -c '"online"')" = 2 ] && break
  sleep 0.2
done
$CG --callgrind-out-file="$OUT/bench.cg" "$BIN/vpcsim-bench" handshake --broker "$EP" \
  --requester 111111111111:us-east-1 --accepter 222222222222:"$AREGION" --window "$WINDOW" \
  --vpcs $([ "$WINDOW" = 1 ] && echo 25 || echo 100) --per-vpc 20 $SETTLE >"$DIR/bench.json"
kill $RP $AP; wait $RP $AP 2>/dev/null || true
kill $BP; wait $BP 2>/dev/null || true
PIDS=""
python3 - "$OUT" "$DIR/bench.json" "$SETTLE" "$AREGION" <<'PY'
import json, os, re, sys
out, bench, settle = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
n = bench["Handshakes"]
def total(name):
    for line in open(os.path.join(out, name + ".cg")):
        m = re.match(r"(?:summary|totals):\s+(\d+)", line)
        if m:
            return int(m.group(1))
    raise SystemExit("bench/instr.sh: no totals in %s.cg" % name)
per = {k: round(total(f) / n) for k, f in
       (("Requester", "req"), ("Accepter", "acc"), ("Broker", "brk"), ("BenchClient", "bench"))}
per["All"] = sum(per.values())
print(json.dumps({"Handshakes": n, "Window": bench["Window"], "Settled": settle == "--settle",
                  "AccepterRegion": sys.argv[4],
                  "InstructionsPerHandshake": per}, indent=4))
PY
