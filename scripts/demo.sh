#!/usr/bin/env bash
# The main job: installs what is needed, builds vpcsim, starts a local
# multi-account cluster (a broker and one agent per account/Region) and plays
# the seed document's scenario step by step with readable output, then stops
# the cluster. Usage: bash scripts/demo.sh [--keep]   (--keep leaves it running)
set -euo pipefail
cd "$(dirname "$0")/.."
KEEP=0; [ "${1:-}" = "--keep" ] && KEEP=1
bash scripts/install-deps.sh
echo "building vpcsim ..."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"${JOBS:-2}" >/dev/null
export PATH="$PWD/build/bin:$PATH"

DEMO=$(mktemp -d /tmp/vpcsim-demo.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$DEMO/cluster.json" <<JSON
{
  "broker": {"listen": "tcp://127.0.0.1:$PORT"},
  "data_dir": "$DEMO/data",
  "agents": [
    {"account": "522373083963", "region": "ap-northeast-1"},
    {"account": "444455556666", "region": "ap-northeast-1"},
    {"account": "444455556666", "region": "us-east-1"}
  ]
}
JSON
export VPCSIM_BROKER="tcp://127.0.0.1:$PORT" VPCSIM_ACCOUNT=522373083963 AWS_REGION=ap-northeast-1

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '\033[36m$ %s\033[0m\n' "$*"; "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d'+sys.argv[1]))" "$1"; }

bold "Starting a local cluster: a broker and three agents (two accounts, two Regions)"
run vpcsim cluster up --config "$DEMO/cluster.json"
if [ $KEEP -eq 0 ]; then
  trap 'bold "Stopping the cluster"; vpcsim cluster down --config "$DEMO/cluster.json" >/dev/null; rm -rf "$DEMO"' EXIT
fi
run vpcsim admin describe-agents

bold "The seed's test environment: VPC-A 10.1.0.0/16 and VPC-B 10.2.0.0/16 in account 522373083963"
run vpcsim ec2 create-vpc --cidr-block 10.1.0.0/16 \
    --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=VPC-A}]' | tee "$DEMO/a.json"
VPC_A=$(field '["Vpc"]["VpcId"]' < "$DEMO/a.json")
VPC_B=$(vpcsim ec2 create-vpc --cidr-block 10.2.0.0/16 \
    --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=VPC-B}]' | field '["Vpc"]["VpcId"]')
echo "VPC-A = $VPC_A, VPC-B = $VPC_B"
run vpcsim ec2 create-subnet --vpc-id "$VPC_A" --cidr-block 10.1.1.0/24 --output table
run vpcsim ec2 create-subnet --vpc-id "$VPC_B" --cidr-block 10.2.1.0/24 --output table
run vpcsim ec2 describe-vpcs --filters Name=tag:Name,Values=VPC-A,VPC-B --output table

bold "Each VPC has a main route table with a local route"
run vpcsim ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC_A" --output text

bold "The CIDR rules: a subnet must fall inside its VPC and not overlap another"
run vpcsim ec2 create-subnet --vpc-id "$VPC_A" --cidr-block 10.2.1.0/24 || true
run vpcsim ec2 create-subnet --vpc-id "$VPC_A" --cidr-block 10.1.1.128/25 || true

bold "Another account cannot see these VPCs: to it they do not exist"
run vpcsim --account 444455556666 ec2 describe-vpcs --vpc-ids "$VPC_A" || true

bold "Done. The cluster's logs are in $DEMO/data/logs"
[ $KEEP -eq 1 ] && echo "Left running; stop it with: build/bin/vpcsim cluster down --config $DEMO/cluster.json"
exit 0
