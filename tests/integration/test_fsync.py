"""vpcsim-agent --fsync: every commit is fsynced. The agent takes the
option, works as usual (a peering handshake across two such agents), and
everything acknowledged is still there after kill -9 and a restart."""
import time

import harness
from harness import ClusterTest

A = "111111111111"
B = "222222222222"
R = "us-east-1"


class Fsync(ClusterTest):
    def test_fsync_agents_keep_acknowledged_state(self):
        pa = self.c.start_agent(A, R, "--fsync")
        pb = self.c.start_agent(B, R, "--fsync")
        va = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        vb = self.c.ok(B, R, "create-vpc", "--cidr-block", "10.2.0.0/16")["Vpc"]["VpcId"]
        pcx = self.c.ok(A, R, "create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb,
                        "--peer-owner-id", B)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        self.wait_for_code(B, pcx, "pending-acceptance")
        self.c.ok(B, R, "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
        # Past provisioning, so that nothing changes by itself from here on.
        self.c.admin("advance-clock", "--seconds", "5")
        self.wait_for_code(A, pcx, "active")
        self.wait_for_code(B, pcx, "active")
        before = {acct: self.c.ok(acct, R, "describe-vpc-peering-connections")
                  for acct in (A, B)}
        self.c.kill9(pa)
        self.c.kill9(pb)
        self.c.restart_agent(A, R)
        self.c.restart_agent(B, R)
        for acct in (A, B):
            self.assertEqual(self.c.ok(acct, R, "describe-vpc-peering-connections"), before[acct])
            self.assertEqual(len(self.c.ok(acct, R, "describe-vpcs")["Vpcs"]), 1)

    def wait_for_code(self, acct, pcx, code, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            d = self.c.ok(acct, R, "describe-vpc-peering-connections",
                          "--vpc-peering-connection-ids", pcx)["VpcPeeringConnections"]
            if d and d[0]["Status"]["Code"] == code:
                return
            time.sleep(0.05)
        self.fail(f"{pcx} never reached {code} in {acct}'s view")


if __name__ == "__main__":
    harness.main()
