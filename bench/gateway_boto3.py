#!/usr/bin/env python3
"""The boto3 peering handshake benchmark, against any EC2 endpoints given:
vpcsim's gateway and moto's server in one run (bench/gateway.sh starts both).

A handshake is what a boto3 script does to peer two VPCs and clean up:
create-vpc-peering-connection (requester), accept-vpc-peering-connection
(accepter; retried while the accepter's view does not exist yet, as vpcsim
replicates it asynchronously like AWS), describe-vpc-peering-connections
(requester, by id, until it reads `active`) and delete-vpc-peering-connection. Each client is its own
process with its own pair of VPCs and its own keep-alive connections, doing
handshakes back to back for --seconds.

  gateway_boto3.py --target vpcsim=http://127.0.0.1:4566,111111111111,222222222222 \\
                   --target moto=http://127.0.0.1:5000,123456789012,123456789012 \\
                   --clients 1,8 --seconds 10

A target is NAME=URL,REQUESTER_ACCOUNT,ACCEPTER_ACCOUNT; the account ids are
also the access key ids (vpcsim's default; moto maps every such key to its
default account 123456789012, so on moto both sides are one account).
"""
import argparse
import multiprocessing
import statistics
import time

REGION = "us-east-1"


def client(url, acct):
    import boto3
    from botocore.config import Config
    return boto3.session.Session().client(
        "ec2", endpoint_url=url, region_name=REGION, aws_access_key_id=acct, aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, max_pool_connections=2))


def worker(args):
    url, req_acct, acc_acct, n, seconds, start_at = args
    from botocore.exceptions import ClientError
    a, b = client(url, req_acct), client(url, acc_acct)
    va = a.create_vpc(CidrBlock=f"10.{(2 * n) % 250}.0.0/16")["Vpc"]["VpcId"]
    vb = b.create_vpc(CidrBlock=f"10.{(2 * n + 1) % 250}.0.0/16")["Vpc"]["VpcId"]
    while time.time() < start_at:
        time.sleep(0.001)
    lat, retries, polls, deadline = [], 0, 0, time.time() + seconds
    while time.time() < deadline:
        t0 = time.perf_counter()
        pcx = a.create_vpc_peering_connection(VpcId=va, PeerVpcId=vb, PeerOwnerId=acc_acct)
        pcx = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        while True:
            try:
                b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
                break
            except ClientError as e:
                if e.response["Error"]["Code"] not in ("InvalidVpcPeeringConnectionID.NotFound",
                                                       "InvalidStateTransition"):
                    raise
                retries += 1
                time.sleep(0.001)
        while True:     # until active (vpcsim: provisioning first, as AWS)
            got = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"]
            assert got and got[0]["VpcPeeringConnectionId"] == pcx
            if got[0]["Status"]["Code"] == "active":
                break
            polls += 1
            time.sleep(0.001)
        a.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        lat.append(time.perf_counter() - t0)
    return lat, retries + polls


def run(target, clients, seconds):
    name, spec = target.split("=", 1)
    url, req_acct, acc_acct = spec.split(",")
    start_at = time.time() + 2.0 + 0.2 * clients      # every client set up before the clock starts
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.map(worker, [(url, req_acct, acc_acct, n, seconds, start_at) for n in range(clients)])
    lat = [x for r in results for x in r[0]]
    return name, len(lat) / seconds, statistics.median(lat) * 1000 if lat else float("nan"), \
        sum(r[1] for r in results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", action="append", required=True)
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    rows = {}
    print(f"{'target':8} {'clients':>7} {'handshakes/s':>13} {'median ms':>10} {'extra calls':>12}")
    for clients in [int(c) for c in args.clients.split(",")]:
        for t in args.target:
            name, hps, med, retries = run(t, clients, args.seconds)
            rows[(name, clients)] = hps
            print(f"{name:8} {clients:7d} {hps:13.1f} {med:10.2f} {retries:12d}", flush=True)
    names = [t.split("=", 1)[0] for t in args.target]
    if len(names) == 2:
        for clients in [int(c) for c in args.clients.split(",")]:
            x, y = rows[(names[0], clients)], rows[(names[1], clients)]
            print(f"ratio {names[0]}/{names[1]} with {clients} client(s): {x / y:.2f}")


if __name__ == "__main__":
    main()
