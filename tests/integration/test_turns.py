"""What one agent turn writes (agent/agent_turn.c): a turn that only reads
(Describe* calls) commits nothing to disk, while every turn that changes
state also saves the simulated time, and so does a jump of the clock; after
a kill -9 the agent resumes from that saved time, never behind what it
answered. At a stop the agent logs how long its turns took."""
import os
import re
import sqlite3
import time

import harness
from harness import ClusterTest

A = "111111111111"
R = "us-east-1"


class Turns(ClusterTest):
    def db(self):
        path = os.path.join(self.c.agent_dir(A, R), "agent.db")
        con = sqlite3.connect(path, timeout=5, isolation_level=None)
        self.addCleanup(con.close)
        return con

    @staticmethod
    def data_version(con):
        return con.execute("PRAGMA data_version").fetchone()[0]

    @staticmethod
    def saved_time(con):
        row = con.execute("SELECT value FROM meta WHERE key = 'sim_time_ms'").fetchone()
        return int(row[0]) if row else 0

    def test_reads_commit_nothing_writes_save_the_time(self):
        self.c.start_agent(A, R)
        vpc = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        con = self.db()
        before = self.data_version(con)
        t0 = self.saved_time(con)
        self.assertGreater(t0, 0, "a turn that created a VPC saves the simulated time")
        for _ in range(20):
            out = self.c.ok(A, R, "describe-vpcs", "--vpc-ids", vpc)
            self.assertEqual(out["Vpcs"][0]["VpcId"], vpc)
        self.assertEqual(self.data_version(con), before,
                         "a Describe* turn must not write to the store")
        time.sleep(0.05)
        self.c.ok(A, R, "create-tags", "--resources", vpc, "--tags", "Key=Name,Value=x")
        self.assertNotEqual(self.data_version(con), before)
        self.assertGreater(self.saved_time(con), t0,
                           "a turn that changed state saves the simulated time with it")

    def test_clock_jump_is_saved_and_survives_kill9(self):
        p = self.c.start_agent(A, R)
        self.c.ok(A, R, "create-vpc", "--cidr-block", "10.2.0.0/16")
        con = self.db()
        t0 = self.saved_time(con)
        r = self.c.admin("advance-clock", "--seconds", "3600")
        self.assertEqual(r.rc, 0, r)
        deadline = time.time() + 5
        while time.time() < deadline and self.saved_time(con) < t0 + 3600 * 1000:
            time.sleep(0.05)
        jumped = self.saved_time(con)
        self.assertGreaterEqual(jumped, t0 + 3600 * 1000, "a clock jump is saved")
        # Reads after the jump write nothing, and a kill -9 then loses no time.
        for _ in range(5):
            self.c.ok(A, R, "describe-vpcs")
        self.c.kill9(p)
        con.close()
        self.c.restart_agent(A, R)
        self.assertGreaterEqual(self.saved_time(self.db()), jumped)

    def test_stop_logs_turn_times(self):
        p = self.c.start_agent(A, R)
        vpc = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.3.0.0/16")["Vpc"]["VpcId"]
        for _ in range(30):
            self.c.ok(A, R, "describe-vpcs", "--vpc-ids", vpc)
        self.assertEqual(self.c.stop(p), 0)
        log = os.path.join(self.c.dir, f"agent-{A}-{R}.log")
        with open(log, errors="replace") as f:
            text = f.read()
        m = re.search(r"stats: turn time in us, handling its messages p50 (\d+) p90 (\d+) "
                      r"p99 (\d+) max (\d+), its commit and sends p50 (\d+) p90 (\d+) "
                      r"p99 (\d+) max (\d+)", text)
        self.assertIsNotNone(m, "the stop logs the turn times:\n" + text[-2000:])
        v = [int(x) for x in m.groups()]
        for q in (v[:4], v[4:]):
            self.assertEqual(q, sorted(q), "quantiles in order: %s" % q)
            self.assertGreater(q[3], 0, "31 turns took some time")
            self.assertLess(q[0], 5_000_000, "a describe's turn is not seconds long")
        turns = re.search(r"over (\d+) turns", text)
        self.assertIsNotNone(turns)
        self.assertGreaterEqual(int(turns.group(1)), 31, "a turn per call at least")


if __name__ == "__main__":
    harness.main()
