"""Damaged agent state is detected and named, never forgotten silently
(issue 15): a stored object changed behind the agent's back, a deleted
store and a zero-byte store each stop the agent with a message that names
what is damaged; --salvage moves damaged records aside and starts without
them; the single-agent lock survives deleting any lock file."""
import json
import os
import sqlite3
import subprocess

import harness
from harness import ClusterTest

A = "111111111111"
R = "us-east-1"


class Damage(ClusterTest):
    def setUp(self):
        super().setUp()
        self.c.start_agent(A, R)
        self.vpcs = [self.c.ok(A, R, "create-vpc", "--cidr-block", f"10.{i}.0.0/16")["Vpc"]["VpcId"]
                     for i in range(1, 31)]
        self.stop_agent()

    def stop_agent(self):
        self.assertEqual(self.c.stop(self.c.agents[(A, R)]), 0)

    def db(self):
        return os.path.join(self.c.agent_dir(A, R), "agent.db")

    def run_agent(self, *opts, timeout=15):
        """Starts the agent; returns (exit code or None if still running, log)."""
        p = self.c.start_agent(A, R, *opts, wait=False)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        with open(os.path.join(self.c.dir, f"agent-{A}-{R}.log"), errors="replace") as f:
            return rc, f.read()

    def test_corrupted_row_stops_the_agent_naming_it(self):
        victim = self.vpcs[17]
        with sqlite3.connect(self.db()) as db:
            doc = db.execute("SELECT doc FROM objects WHERE id = ?", (victim,)).fetchone()[0]
            # A binary record (schema 2): the CIDR's address bytes, 10.18.0.0.
            self.assertIsInstance(doc, bytes)
            self.assertIn(bytes([10, 18, 0, 0]), doc)
            db.execute("UPDATE objects SET doc = ? WHERE id = ?",
                       (doc.replace(bytes([10, 18, 0, 0]), bytes([10, 99, 0, 0])), victim))
        rc, log = self.run_agent(timeout=15)
        self.assertEqual(rc, 2, log)
        self.assertIn(f"agent.db is damaged: object {victim}: its checksum does not match", log)
        self.assertIn("--salvage", log)
        # --salvage: the other 29 come back, the damaged one is kept aside.
        rc, log = self.run_agent("--salvage", timeout=3)
        self.assertIsNone(rc, log)
        self.c.wait_online(A, R)
        self.assertIn(f"object {victim} moved aside into table `damaged`", log)
        got = {v["VpcId"] for v in self.c.ok(A, R, "describe-vpcs")["Vpcs"]}
        self.assertEqual(got, set(self.vpcs) - {victim})
        self.stop_agent()
        with sqlite3.connect(self.db()) as db:
            self.assertEqual([r[0] for r in db.execute("SELECT id FROM damaged")], [victim])

    def dump(self):
        p = subprocess.run([os.path.join(harness.BIN, "vpcsim-agent"), "--dump-objects",
                            "--data-dir", self.c.agent_dir(A, R)],
                           capture_output=True, text=True, timeout=30)
        return p.returncode, [json.loads(l) for l in p.stdout.splitlines()], p.stderr

    def test_dump_objects_prints_every_object_as_json(self):
        rc, docs, err = self.dump()
        self.assertEqual(rc, 0, err)
        vpcs = {d["Id"]: d for d in docs if d.get("Kind") == "Vpc"}
        self.assertEqual(set(vpcs), set(self.vpcs))
        self.assertEqual(vpcs[self.vpcs[17]]["Cidrs"][0]["CidrBlock"], "10.18.0.0/16")
        self.assertIn("Meta", {d["Kind"] for d in docs})
        # Subnet-less VPCs still own their route tables, groups and ACLs.
        self.assertEqual(sum(d["Kind"] == "RouteTable" for d in docs), 30)
        # A damaged record is named, the others still printed.
        with sqlite3.connect(self.db()) as db:
            db.execute("UPDATE objects SET doc = ? WHERE id = ?", (b"\x0a\x03Vpc", self.vpcs[3]))
        rc, docs, err = self.dump()
        self.assertEqual(rc, 1)
        self.assertIn(f"object {self.vpcs[3]}: its checksum does not match", err)
        self.assertEqual(len({d["Id"] for d in docs if d.get("Kind") == "Vpc"}), 29)
        # A running agent holds the store: the dump refuses, it never reads under it.
        self.c.start_agent(A, R, "--salvage")
        rc, docs, err = self.dump()
        self.assertEqual(rc, 2)
        self.assertIn("in use by another agent", err)

    def test_deleted_store_refuses_to_start(self):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.db() + suffix):
                os.unlink(self.db() + suffix)
        rc, log = self.run_agent()
        self.assertEqual(rc, 2, log)
        self.assertIn("but its store", log)
        self.assertIn("agent.db is missing", log)
        self.assertFalse(os.path.exists(self.db()))

    def test_zero_byte_store_refuses_to_start(self):
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.db() + suffix):
                os.unlink(self.db() + suffix)
        open(self.db(), "w").close()
        rc, log = self.run_agent()
        self.assertEqual(rc, 2, log)
        self.assertIn("agent.db is empty (0 bytes)", log)

    def test_deleting_lock_files_lets_no_second_agent_in(self):
        rc, log = self.run_agent(timeout=2)
        self.assertIsNone(rc, log)
        for name in os.listdir(self.c.agent_dir(A, R)):
            if name.endswith(".lock"):
                os.unlink(os.path.join(self.c.agent_dir(A, R), name))
        second = subprocess.run(
            [os.path.join(harness.BIN, "vpcsim-agent"), "--broker", self.c.endpoint,
             "--account", A, "--region", R, "--data-dir", self.c.agent_dir(A, R)],
            capture_output=True, text=True, timeout=15)
        self.assertEqual(second.returncode, 2, second)
        self.assertIn("in use by another agent", second.stderr)


if __name__ == "__main__":
    harness.main()
