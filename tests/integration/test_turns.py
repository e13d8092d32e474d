"""What one agent turn writes (agent/agent_turn.c): a turn that only reads
(Describe* calls) commits nothing to disk, while every turn that changes
state also saves the simulated time, and so does a jump of the clock; after
a kill -9 the agent resumes from that saved time, never behind what it
answered."""
import os
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


if __name__ == "__main__":
    harness.main()
