"""Durability and reconnection with real processes: kill -9 of an agent and
of the broker, an agent started before its broker, liveness."""
import time

import harness
from harness import ClusterTest

A = "111111111111"
B = "222222222222"
R = "us-east-1"


def snapshot(c, acct, region):
    vpcs = c.ok(acct, region, "describe-vpcs")["Vpcs"]
    subnets = c.ok(acct, region, "describe-subnets")["Subnets"]
    rtbs = c.ok(acct, region, "describe-route-tables")["RouteTables"]
    return vpcs, subnets, rtbs


class Durability(ClusterTest):
    def populate(self, acct):
        ids = []
        for i in range(1, 6):
            v = self.c.ok(acct, R, "create-vpc", "--cidr-block", f"10.{i}.0.0/16",
                          "--tag-specifications", f"ResourceType=vpc,Tags=[{{Key=Name,Value=v{i}}}]")
            vid = v["Vpc"]["VpcId"]
            self.c.ok(acct, R, "create-subnet", "--vpc-id", vid, "--cidr-block", f"10.{i}.1.0/24")
            self.c.ok(acct, R, "associate-vpc-cidr-block", "--vpc-id", vid,
                      "--cidr-block", f"10.{i + 100}.0.0/16")
            ids.append(vid)
        self.c.ok(acct, R, "delete-tags", "--resources", ids[0], "--tags", "Key=Name")
        return ids

    def test_agent_kill9_keeps_acknowledged_state(self):
        p = self.c.start_agent(A, R)
        self.populate(A)
        before = snapshot(self.c, A, R)
        self.c.kill9(p)
        self.c.restart_agent(A, R)
        self.assertEqual(snapshot(self.c, A, R), before)

    def test_agent_kill9_while_busy(self):
        """Kill the agent while commands are in flight: every command that
        reported success is there afterwards."""
        import subprocess, os
        p = self.c.start_agent(A, R)
        procs = []
        for i in range(20):
            argv = [os.path.join(harness.BIN, "vpcsim"), "--broker", self.c.endpoint,
                    "--account", A, "--region", R, "--timeout", "3", "ec2", "create-vpc",
                    "--cidr-block", f"10.{i}.0.0/16"]
            procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            if i == 10:
                self.c.kill9(p)
        acked = []
        for q in procs:
            out, err = q.communicate(timeout=30)
            if q.returncode == 0:
                import json
                acked.append(json.loads(out)["Vpc"]["VpcId"])
            else:
                self.assertEqual(q.returncode, 255, err)
        self.c.restart_agent(A, R)
        have = {v["VpcId"] for v in self.c.ok(A, R, "describe-vpcs")["Vpcs"]}
        for vid in acked:
            self.assertIn(vid, have)

    def test_broker_kill9_agents_reregister(self):
        self.c.start_agent(A, R)
        self.c.start_agent(B, R)
        self.populate(A)
        before = snapshot(self.c, A, R)
        self.c.kill9(self.c.broker)
        r = self.c.ec2(A, R, "describe-vpcs", timeout=1)
        self.assertEqual(r.rc, 255)
        self.c.start_broker()
        self.c.wait_online(A, R)
        self.c.wait_online(B, R)
        self.assertEqual(snapshot(self.c, A, R), before)
        self.assertEqual(self.c.agents_status()[(A, R)]["VpcCount"], 5)

    def test_broker_without_data_dir_rebuilds_from_agents(self):
        self.c.start_agent(A, R)
        self.populate(A)
        self.c.kill9(self.c.broker)
        self.c.start_broker(data_dir=False)
        a = self.c.wait_online(A, R)
        self.assertEqual(a["VpcCount"], 5)

    def test_agent_started_before_broker(self):
        self.c.kill9(self.c.broker)
        self.c.start_agent(A, R, wait=False)
        time.sleep(1.0)
        self.c.start_broker()
        self.c.wait_online(A, R)
        self.c.ok(A, R, "create-vpc", "--cidr-block", "10.0.0.0/16")

    def test_agent_offline_is_reported(self):
        p = self.c.start_agent(A, R)
        self.c.kill9(p)
        self.c.wait_status(A, R, "offline", timeout=10)
        r = self.c.ec2(A, R, "describe-vpcs", timeout=2)
        self.assertEqual(r.rc, 255)
        self.assertIn("offline", r.err)


if __name__ == "__main__":
    harness.main()
