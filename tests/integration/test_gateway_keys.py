"""vpcsim-gateway in front of a keyed cluster (issue 12's keyring, issue 8's
gateway): with --keys DIR the gateway talks to the broker as the account of
each request, with that account's client key, so the broker's rules hold
end to end through boto3: only the accepter may accept, a third account
sees nothing, and an account the keyring has no client key for is refused
with AWS's AuthFailure (401). With --credentials, the verified SigV4
identity picks the account (and so the key)."""
import os

import gateway_util
from gateway_util import GatewayTest

A, B, C, D = "111111111111", "222222222222", "333333333333", "444444444444"
USE1, EUW1 = "us-east-1", "eu-west-1"


def gateway_log(t):
    with open(os.path.join(t.c.dir, "gateway.log"), errors="replace") as f:
        return f.read()


class GatewayKeysTest(GatewayTest):
    KEYS = True

    def assert_auth_failure(self, fn, account):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            fn()
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "AuthFailure")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 401)
        self.assertIn(f"no client key for account {account}", err["Error"]["Message"])
        self.assertIn(f"client-{account}.key", err["Error"]["Message"])

    def test_each_account_acts_as_itself(self):
        from botocore.exceptions import ClientError
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, EUW1)
        self.c.start_agent(C, USE1)
        self.start_gateway("--keys", self.c.keys)
        a, b, c = self.boto(A, USE1), self.boto(B, EUW1), self.boto(C, USE1)
        va = a.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        vb = b.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        pcx = a.create_vpc_peering_connection(VpcId=va, PeerVpcId=vb, PeerOwnerId=B,
                                              PeerRegion=EUW1)["VpcPeeringConnection"]
        pcx = pcx["VpcPeeringConnectionId"]
        b.get_waiter("vpc_peering_connection_exists").wait(
            VpcPeeringConnectionIds=[pcx], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        # Only the accepter may accept.
        with self.assertRaises(ClientError) as cm:
            a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        self.assertEqual(cm.exception.response["Error"]["Code"], "OperationNotPermitted")
        # A third account sees nothing and can do nothing.
        self.assertEqual(c.describe_vpc_peering_connections()["VpcPeeringConnections"], [])
        self.assertEqual(c.describe_vpcs()["Vpcs"], [])
        with self.assertRaises(ClientError) as cm:
            c.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        self.assertEqual(cm.exception.response["Error"]["Code"],
                         "InvalidVpcPeeringConnectionID.NotFound")
        with self.assertRaises(ClientError) as cm:
            c.delete_vpc(VpcId=va)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidVpcID.NotFound")
        st = b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)["VpcPeeringConnection"]
        self.assertIn(st["Status"]["Code"], ("provisioning", "active"))
        self.wait_for("active", lambda: a.describe_vpc_peering_connections(
            VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]["Status"]["Code"] == "active")
        # One broker connection per account, each as that account's client.
        log = gateway_log(self)
        for acct in (A, B, C):
            self.assertEqual(log.count(f"broker connection as client:{acct}"), 1, log)
        # An account without a client key in the keyring: AuthFailure, and
        # the gateway goes on serving the others.
        self.assert_auth_failure(lambda: self.boto(D, USE1, attempts=1).describe_vpcs(), D)
        self.assertEqual(len(a.describe_vpcs()["Vpcs"]), 1)
        # Keys added to the keyring later are picked up on the next call.
        self.c.keyring("--client", D)
        with self.assertRaises(ClientError) as cm:
            self.boto(D, USE1, attempts=1).describe_vpcs()
        self.assertEqual(cm.exception.response["Error"]["Code"], "OptInRequired")

    def test_verified_identity_picks_the_key(self):
        from botocore.exceptions import ClientError
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, USE1)
        creds = os.path.join(self.c.dir, "gateway-credentials")
        with open(creds, "w") as f:
            f.write(f"AKIAALICE0000000000A alice-secret {A}\n"
                    f"AKIABOB00000000000B0 bob-secret {B}\n"
                    f"AKIADAVE00000000000D dave-secret {D}\n")
        self.start_gateway("--keys", self.c.keys, "--credentials", creds)
        alice = self.boto("AKIAALICE0000000000A", USE1, secret="alice-secret")
        bob = self.boto("AKIABOB00000000000B0", USE1, secret="bob-secret")
        va = alice.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]
        self.assertEqual(va["OwnerId"], A)
        self.assertEqual(bob.describe_vpcs()["Vpcs"], [])
        self.assertEqual([v["VpcId"] for v in alice.describe_vpcs()["Vpcs"]], [va["VpcId"]])
        # Alice's key id with a wrong secret never reaches the broker.
        with self.assertRaises(ClientError) as cm:
            self.boto("AKIAALICE0000000000A", USE1, secret="wrong", attempts=1).describe_vpcs()
        self.assertEqual(cm.exception.response["Error"]["Code"], "AuthFailure")
        self.assertNotIn("client key", cm.exception.response["Error"]["Message"])
        # Dave's signature verifies, but the keyring has no key for his account.
        dave = self.boto("AKIADAVE00000000000D", USE1, secret="dave-secret", attempts=1)
        self.assert_auth_failure(dave.describe_vpcs, D)
        # STS answers from the verified identity alone.
        self.assertEqual(self.boto("AKIADAVE00000000000D", USE1, service="sts",
                                   secret="dave-secret").get_caller_identity()["Account"], D)

    def test_a_keyring_without_the_brokers_key_refuses_requests(self):
        empty = os.path.join(self.c.dir, "not-a-keyring")
        os.makedirs(empty)
        self.start_gateway("--keys", empty)
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            self.boto(A, USE1, attempts=1).describe_vpcs()
        self.assertEqual(cm.exception.response["Error"]["Code"], "AuthFailure")
        self.assertIn(f"no client key for account {A}", cm.exception.response["Error"]["Message"])
        self.assertNotIn(empty, cm.exception.response["Error"]["Message"])
        self.assertIn(f"{empty}/broker.pub", gateway_log(self))

    def test_a_gateway_without_keys_is_told_at_once(self):
        import time
        from botocore.exceptions import ClientError
        self.c.start_agent(A, USE1)
        self.start_gateway("--timeout", "20")
        t0 = time.time()
        with self.assertRaises(ClientError) as cm:
            self.boto(A, USE1, attempts=1).describe_vpcs()
        self.assertLess(time.time() - t0, 10, "answered only at the timeout")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AuthFailure")
        self.assertIn("requires keys: start vpcsim-gateway with --keys DIR",
                      cm.exception.response["Error"]["Message"])


if __name__ == "__main__":
    gateway_util.main()
