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
# `cluster up` creates a keyring in DATA/keys and starts every process with it;
# the CLI authenticates with the same keyring.
export VPCSIM_BROKER="tcp://127.0.0.1:$PORT" VPCSIM_ACCOUNT=522373083963 AWS_REGION=ap-northeast-1
export VPCSIM_KEYS="$DEMO/data/keys"

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '\033[36m$ %s\033[0m\n' "$*" >&2; "$@"; }
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
SUB_A=$(vpcsim ec2 create-subnet --vpc-id "$VPC_A" --cidr-block 10.1.1.0/24 | field '["Subnet"]["SubnetId"]')
SUB_B=$(vpcsim ec2 create-subnet --vpc-id "$VPC_B" --cidr-block 10.2.1.0/24 | field '["Subnet"]["SubnetId"]')
run vpcsim ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC_A,$VPC_B" --output table

bold "Each VPC's main route table: a local route, and 0.0.0.0/0 to its internet gateway (as in the seed)"
RTB_A=$(vpcsim ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC_A" | field '["RouteTables"][0]["RouteTableId"]')
RTB_B=$(vpcsim ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC_B" | field '["RouteTables"][0]["RouteTableId"]')
for pair in "$VPC_A:$RTB_A" "$VPC_B:$RTB_B"; do
  vpc=${pair%%:*}; rtb=${pair##*:}
  igw=$(vpcsim ec2 create-internet-gateway | field '["InternetGateway"]["InternetGatewayId"]')
  vpcsim ec2 attach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"
  vpcsim ec2 create-route --route-table-id "$rtb" --destination-cidr-block 0.0.0.0/0 --gateway-id "$igw" >/dev/null
done
run vpcsim ec2 describe-route-tables --route-table-ids "$RTB_A" --output text

bold "One instance in each VPC: 10.1.1.12 and 10.2.1.234"
I_A=$(vpcsim ec2 run-instances --image-id ami-12345678 --subnet-id "$SUB_A" --private-ip-address 10.1.1.12 | field '["Instances"][0]["InstanceId"]')
I_B=$(vpcsim ec2 run-instances --image-id ami-12345678 --subnet-id "$SUB_B" --private-ip-address 10.2.1.234 | field '["Instances"][0]["InstanceId"]')
echo "instance A = $I_A (10.1.1.12), instance B = $I_B (10.2.1.234)"
NIP=$(vpcsim ec2 create-network-insights-path --source "$I_A" --destination "$I_B" --protocol tcp \
      --destination-port 22 | field '["NetworkInsightsPath"]["NetworkInsightsPathId"]')
analyse() {   # runs the Reachability Analyzer on A -> B:22 and prints its verdict
  local nia
  nia=$(vpcsim ec2 start-network-insights-analysis --network-insights-path-id "$NIP" \
        | field '["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]')
  sleep 0.5
  vpcsim ec2 describe-network-insights-analyses --network-insights-analysis-ids "$nia" | python3 -c '
import json, sys
a = json.load(sys.stdin)["NetworkInsightsAnalyses"][0]
print("  NetworkPathFound:", a.get("NetworkPathFound"), " Status:", a.get("Status"))
for e in a.get("Explanations", [])[:3]:
    what = []
    for k in ("Direction", "RouteTable", "SecurityGroup", "VpcPeeringConnection", "SourceVpc",
              "DestinationVpc"):
        v = e.get(k)
        if isinstance(v, dict):
            what.append(k + "=" + str(v.get("Id")))
        elif isinstance(v, str):
            what.append(k + "=" + v)
    for g in e.get("SecurityGroups") or []:
        what.append("SecurityGroup=" + str(g.get("Id")))
    r = e.get("RouteTableRoute")
    if r:
        what.append("route %s -> %s (%s)" % (r.get("DestinationCidr"),
                    r.get("VpcPeeringConnectionId") or r.get("GatewayId"), r.get("State")))
    print("  why not:", e.get("ExplanationCode"), " ".join(what))
for c in a.get("ForwardPathComponents", []):
    print("  ->", c["Component"]["Id"])'
}
bold "Connection test before peering: no path"
analyse

bold "Create the peering connection VPC-A -> VPC-B (the seed's request)"
run vpcsim ec2 create-vpc-peering-connection --vpc-id "$VPC_A" --peer-vpc-id "$VPC_B" \
    --tag-specifications 'ResourceType=vpc-peering-connection,Tags=[{Key=Name,Value=joinc-test}]' | tee "$DEMO/pcx.json"
PCX=$(field '["VpcPeeringConnection"]["VpcPeeringConnectionId"]' < "$DEMO/pcx.json")
sleep 0.3
bold "It is now pending acceptance, as the seed shows:"
run vpcsim ec2 describe-vpc-peering-connections --vpc-peering-connection-ids "$PCX"

bold "Accept it: provisioning, then active"
run vpcsim ec2 accept-vpc-peering-connection --vpc-peering-connection-id "$PCX" | grep -A2 '"Status"'
run vpcsim admin advance-clock --seconds 5
run vpcsim ec2 describe-vpc-peering-connections --vpc-peering-connection-ids "$PCX" --output table

bold "Active, but no route yet: still no path"
analyse

bold "Route each VPC's traffic for the other through the peering connection"
run vpcsim ec2 create-route --route-table-id "$RTB_A" --destination-cidr-block 10.2.0.0/16 --vpc-peering-connection-id "$PCX"
run vpcsim ec2 create-route --route-table-id "$RTB_B" --destination-cidr-block 10.1.0.0/16 --vpc-peering-connection-id "$PCX"
run vpcsim ec2 describe-route-tables --route-table-ids "$RTB_A" --output table
bold "Routes in place, but VPC-B's security group does not admit VPC-A yet"
analyse
SG_B=$(vpcsim ec2 describe-security-groups --filters "Name=vpc-id,Values=$VPC_B" Name=group-name,Values=default | field '["SecurityGroups"][0]["GroupId"]')
run vpcsim ec2 authorize-security-group-ingress --group-id "$SG_B" --ip-protocol tcp --from-port 22 --to-port 22 --cidr-ip 10.1.0.0/16 >/dev/null
bold "Connection test with the peering active, routes on both sides and the security group open: a path"
analyse

bold "Peering with another account in another Region (444455556666, us-east-1): inter-Region, encrypted"
VPC_C=$(vpcsim --account 444455556666 --region us-east-1 ec2 create-vpc --cidr-block 10.3.0.0/16 | field '["Vpc"]["VpcId"]')
PCX2=$(vpcsim ec2 create-vpc-peering-connection --vpc-id "$VPC_A" --peer-vpc-id "$VPC_C" \
       --peer-owner-id 444455556666 --peer-region us-east-1 | field '["VpcPeeringConnection"]["VpcPeeringConnectionId"]')
sleep 0.5
run vpcsim --account 444455556666 --region us-east-1 ec2 describe-vpc-peering-connections --output table
run vpcsim --account 444455556666 --region us-east-1 ec2 accept-vpc-peering-connection --vpc-peering-connection-id "$PCX2" --output text
bold "The requester cannot accept for the other account (as AWS):"
run vpcsim ec2 accept-vpc-peering-connection --vpc-peering-connection-id "$PCX2" || true

bold "Delete the first peering connection: its routes become blackholes and the path is gone"
run vpcsim ec2 delete-vpc-peering-connection --vpc-peering-connection-id "$PCX"
run vpcsim ec2 describe-route-tables --route-table-ids "$RTB_A" --output table
analyse

bold "Seven days later, an unaccepted request expires"
VPC_D=$(vpcsim --account 444455556666 ec2 create-vpc --cidr-block 10.4.0.0/16 | field '["Vpc"]["VpcId"]')
PCX3=$(vpcsim ec2 create-vpc-peering-connection --vpc-id "$VPC_B" --peer-vpc-id "$VPC_D" --peer-owner-id 444455556666 \
       | field '["VpcPeeringConnection"]["VpcPeeringConnectionId"]')
run vpcsim admin advance-clock --seconds 604800
run vpcsim ec2 describe-vpc-peering-connections --vpc-peering-connection-ids "$PCX3" --output text

bold "The CIDR rules: a subnet must fall inside its VPC; another account cannot see these VPCs"
run vpcsim ec2 create-subnet --vpc-id "$VPC_A" --cidr-block 10.2.1.0/24 || true
run vpcsim --account 444455556666 ec2 describe-vpcs --vpc-ids "$VPC_A" || true

bold "Done."
if [ $KEEP -eq 1 ]; then
  echo "Left running (logs in $DEMO/data/logs). Talk to it with:"
  echo "  export VPCSIM_BROKER=$VPCSIM_BROKER VPCSIM_KEYS=$VPCSIM_KEYS"
  echo "Stop it with:"
  echo "  build/bin/vpcsim cluster down --config $DEMO/cluster.json"
fi
exit 0
