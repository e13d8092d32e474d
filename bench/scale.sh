#!/usr/bin/env bash
# Scale: many agents on one machine, figures as one JSON object on stdout.
#   1. N agents (accounts 100000000000 + i, us-east-1), then handshakes across
#      N/2 pairs of them, V VPCs per agent: throughput across many pairs and
#      the broker's CPU during it; then each agent's RSS (VmRSS), and its PSS
#      and private (unshared) memory from /proc/PID/smaps_rollup: RSS counts
#      every shared library page the agent maps, PSS only its share of them.
#      RSS is read again at rest, the connections active (AgentRssAtRestMB).
#   2. The Reachability Analyzer over R VPCs spread over the first 20 agents
#      (10 with --quick): p50 per analysis.
# Full: N=100, V=100, R=1000 (the issue's sizes, a few minutes on 2 cores);
# --quick: N=20, V=20, R=200.
# Usage: bash bench/scale.sh [--quick] [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
QUICK=0; BUILD=build
for a in "$@"; do
  case $a in
    --quick) QUICK=1 ;;
    -*) echo "usage: bash bench/scale.sh [--quick] [build-dir]" >&2; exit 2 ;;
    *) BUILD=$a ;;
  esac
done
if [ $QUICK = 1 ]; then N=20 V=20 PER=5 RA=10 R=200 AN=50; else N=100 V=100 PER=2 RA=20 R=1000 AN=200; fi
BIN=$BUILD/bin
DIR=$(mktemp -d /tmp/vpcsim-scale.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
EP=tcp://127.0.0.1:$PORT
Q="--max-outstanding-pcx 1000000 --max-active-pcx-per-vpc 125"
APIDS=""; BPID=""
trap 'kill $BPID $APIDS 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DIR"' EXIT
"$BIN/vpcsim-broker" --listen "$EP" >"$DIR/broker.log" 2>&1 & BPID=$!
acct() { printf '%012d' $((100000000000 + $1)); }
for i in $(seq 0 $((N - 1))); do
  "$BIN/vpcsim-agent" --broker "$EP" --account "$(acct $i)" --region us-east-1 \
    --data-dir "$DIR/a$i" $Q >"$DIR/a$i.log" 2>&1 & APIDS="$APIDS $!"
done
for i in $(seq 300); do
  [ "$("$BIN/vpcsim" --broker "$EP" admin describe-agents 2>/dev/null | grep -c '"online"')" = $N ] && break
  sleep 0.2
done
REQ=""; ACC=""
for i in $(seq 0 2 $((N - 1))); do
  REQ="$REQ${REQ:+,}$(acct $i):us-east-1"; ACC="$ACC${ACC:+,}$(acct $((i + 1))):us-east-1"
done
TCK=$(getconf CLK_TCK)

echo "scale: $N agents, $((N / 2)) pairs, $V VPCs per agent" >&2
C0=$(bench_cpu $BPID); T0=$(date +%s.%N)
"$BIN/vpcsim-bench" handshake --broker "$EP" --requester "$REQ" --accepter "$ACC" \
  --vpcs $V --per-vpc $PER --window 512 >"$DIR/hs.json"
C1=$(bench_cpu $BPID); T1=$(date +%s.%N)
RSS=""; PSS=""; PRIV=""
for p in $APIDS; do
  RSS="$RSS $(awk '/^VmRSS/ {print $2}' /proc/$p/status)"
  PSS="$PSS${PSS:+,}$(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup)"
  PRIV="$PRIV${PRIV:+,}$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' /proc/$p/smaps_rollup)"
done
BRSS=$(awk '/^VmRSS/ {print $2}' /proc/$BPID/status)
# Again at rest: the clock advanced past the connections' provisioning (so
# that they are active, as they would be), then once no agent has used CPU
# for 0.2 s, and 0.6 s more, in which an idle agent gives back what its
# last burst kept (agent.c, s_shed_memory): what an agent holding its VPCs
# and active connections keeps.
bench_quiesce "$BIN" "$EP" $APIDS
sleep 0.6
REST=""
for p in $APIDS; do
  REST="$REST${REST:+,}$(awk '/^VmRSS/ {print $2}' /proc/$p/status)"
done

PARTIES=""
for i in $(seq 0 $((RA - 1))); do PARTIES="$PARTIES --party $(acct $i):us-east-1"; done
echo "scale: Reachability Analyzer, $R VPCs over $RA agents, $AN analyses" >&2
"$BIN/vpcsim-bench" reach --broker "$EP" $PARTIES --vpcs $R --analyses $AN >"$DIR/reach.json"

python3 - "$DIR" "$N" "$V" "$((C1 - C0))" "$TCK" "$T0" "$T1" "$BRSS" "$PSS" "$PRIV" "$REST" $RSS <<'PY'
import json, sys, os, statistics
d, n, v, cpu, tck, t0, t1, brss, pss, priv, rest = sys.argv[1:12]
rss = sorted(int(x) for x in sys.argv[12:])
def mb(kbs):
    kbs = sorted(int(x) for x in kbs)
    return {"min": round(kbs[0] / 1024, 1), "median": round(statistics.median(kbs) / 1024, 1),
            "max": round(kbs[-1] / 1024, 1)}
wall = float(t1) - float(t0)
bcpu = int(cpu) / int(tck)
out = {
    "Agents": int(n), "VpcsPerAgent": int(v),
    "Handshakes": json.load(open(os.path.join(d, "hs.json"))),
    "BrokerCpuSeconds": round(bcpu, 2),
    "BrokerCpuPercentOfOneCore": round(100 * bcpu / wall, 1),
    "BrokerRssMB": round(int(brss) / 1024, 1),
    "AgentRssMB": mb(rss),
    "AgentRssAtRestMB": mb(rest.split(",")),
    "AgentPssMB": mb(pss.split(",")),
    "AgentPrivateMB": mb(priv.split(",")),
    "Reachability": json.load(open(os.path.join(d, "reach.json"))),
}
print(json.dumps(out, indent=4))
PY
