"""boto3 drives vpcsim through vpcsim-gateway: a cross-account inter-Region
peering with the waiter and paginators, errors as botocore ClientErrors
with AWS's codes and HTTP statuses, STS, sixteen concurrent clients, and a
503 (which SDKs retry) when the agent is down."""
import threading

import gateway_util
from gateway_util import GatewayTest

A, B, C = "111111111111", "222222222222", "333333333333"
USE1, EUW1 = "us-east-1", "eu-west-1"


class GatewayBoto3Test(GatewayTest):
    def test_peering_paginators_and_errors(self):
        from botocore.exceptions import ClientError
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, EUW1)
        self.start_gateway()
        a, b = self.boto(A, USE1), self.boto(B, EUW1)
        sts = self.boto(B, EUW1, service="sts")
        self.assertEqual(sts.get_caller_identity()["Arn"], f"arn:aws:iam::{B}:root")
        va = a.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        vb = b.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        pcx = a.create_vpc_peering_connection(
            VpcId=va, PeerVpcId=vb, PeerOwnerId=B, PeerRegion=EUW1,
            TagSpecifications=[{"ResourceType": "vpc-peering-connection",
                                "Tags": [{"Key": "Name", "Value": "a<b & \"c\" ü"}]}],
        )["VpcPeeringConnection"]
        self.assertEqual(pcx["Tags"], [{"Key": "Name", "Value": "a<b & \"c\" ü"}])
        pcx = pcx["VpcPeeringConnectionId"]
        b.get_waiter("vpc_peering_connection_exists").wait(
            VpcPeeringConnectionIds=[pcx], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        # Errors: ClientError with AWS's code, message and HTTP status.
        with self.assertRaises(ClientError) as cm:
            a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        self.assertEqual(cm.exception.response["Error"]["Code"], "OperationNotPermitted")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertRegex(cm.exception.response["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")
        with self.assertRaises(ClientError) as cm:
            b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx, DryRun=True)
        self.assertEqual(cm.exception.response["Error"]["Code"], "DryRunOperation")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 412)
        with self.assertRaises(ClientError) as cm:
            a.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidVpcID.NotFound")
        st = b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)["VpcPeeringConnection"]["Status"]
        self.assertIn(st["Code"], ("provisioning", "active"))
        self.wait_for("active", lambda: a.describe_vpc_peering_connections(
            VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]["Status"]["Code"] == "active")
        # Paginators follow nextToken across pages.
        for i in range(6):
            a.create_vpc(CidrBlock=f"10.{20 + i}.0.0/16")
        pages = list(a.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}))
        self.assertGreaterEqual(len(pages), 2)
        ids = [v["VpcId"] for p in pages for v in p["Vpcs"]]
        self.assertEqual(len(ids), 7)
        self.assertEqual(len(set(ids)), 7)
        self.assertIn(va, ids)
        peers = [p for page in a.get_paginator("describe_vpc_peering_connections").paginate()
                 for p in page["VpcPeeringConnections"]]
        self.assertEqual([p["VpcPeeringConnectionId"] for p in peers], [pcx])
        out = b.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        self.assertTrue(out["Return"])
        self.wait_for("deleted", lambda: a.describe_vpc_peering_connections(
            VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]["Status"]["Code"] == "deleted")

    def test_sixteen_concurrent_clients(self):
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, EUW1)
        self.start_gateway()
        errors, made = [], {}

        def worker(n):
            try:
                acct, region = (A, USE1) if n % 2 == 0 else (B, EUW1)
                ec2 = self.boto(acct, region)
                vpcs = [ec2.create_vpc(CidrBlock=f"10.{n}.{k}.0/24")["Vpc"]["VpcId"] for k in range(5)]
                for v in vpcs:
                    got = ec2.describe_vpcs(VpcIds=[v])["Vpcs"]
                    if [x["VpcId"] for x in got] != [v] or got[0]["OwnerId"] != acct:
                        errors.append(f"client {n}: describe {v} gave {got}")
                made[n] = vpcs
            except Exception as e:   # noqa: BLE001 - reported below
                errors.append(f"client {n}: {e!r}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(len(made), 16)
        for acct, region in ((A, USE1), (B, EUW1)):
            ids = {v["VpcId"] for p in self.boto(acct, region).get_paginator("describe_vpcs").paginate()
                   for v in p["Vpcs"]}
            want = {v for n, vs in made.items() if (n % 2 == 0) == (acct == A) for v in vs}
            self.assertEqual(ids, want)

    def test_agent_down_is_503_and_unknown_agent_fails_fast(self):
        from botocore.exceptions import ClientError
        agent = self.c.start_agent(A, USE1)
        self.start_gateway("--timeout", "3")
        ec2 = self.boto(A, USE1, attempts=1)
        ec2.describe_vpcs()
        self.c.stop(agent)
        with self.assertRaises(ClientError) as cm:
            ec2.describe_vpcs()
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.assertEqual(cm.exception.response["Error"]["Code"], "Unavailable")
        with self.assertRaises(ClientError) as cm:
            self.boto(C, USE1, attempts=1).describe_vpcs()
        self.assertEqual(cm.exception.response["Error"]["Code"], "OptInRequired")
        self.assertIn(f"account {C} in Region {USE1}", cm.exception.response["Error"]["Message"])
        # Back once the agent is: SDKs that retried would have succeeded.
        self.c.restart_agent(A, USE1)
        self.wait_for("the agent again", lambda: self._ok(ec2))

    @staticmethod
    def _ok(ec2):
        try:
            ec2.describe_vpcs()
            return True
        except Exception:   # noqa: BLE001
            return False


if __name__ == "__main__":
    gateway_util.main()
