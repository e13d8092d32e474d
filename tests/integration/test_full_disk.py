"""A full disk makes a read-only agent, not a dead one (issue 15): on a
size-limited tmpfs the agent keeps answering reads, refuses writes at once
with InternalError and a log line that says the disk is full, keeps its
outbox, and writes again by itself once space is freed.

Mounting a tmpfs needs root; elsewhere the test is skipped, saying why."""
import os
import subprocess
import tempfile
import time

import harness
from harness import ClusterTest

A = "111111111111"
B = "222222222222"
R = "us-east-1"


class FullDisk(ClusterTest):
    def setUp(self):
        self.mnt = tempfile.mkdtemp(prefix="vpcsim-tmpfs-")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", self.mnt],
                           capture_output=True, text=True)
        if r.returncode != 0:
            os.rmdir(self.mnt)
            self.skipTest(f"cannot mount a small tmpfs here (needs root): {r.stderr.strip()}")
        super().setUp()

    def tearDown(self):
        super().tearDown()
        subprocess.run(["umount", "-l", self.mnt], capture_output=True)
        os.rmdir(self.mnt)

    def fill(self):
        """Fills the filesystem up to the last byte."""
        path = os.path.join(self.mnt, "filler")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for size in (65536, 4096, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)
        return path

    def start_a(self):
        data = os.path.join(self.mnt, "agent")
        p = self.c._spawn(f"agent-{A}-{R}", [
            os.path.join(harness.BIN, "vpcsim-agent"), "--broker", self.c.endpoint,
            "--account", A, "--region", R, "--data-dir", data])
        self.c.agents[(A, R)] = p
        self.c.wait_online(A, R)
        return p

    def wait_writable(self, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            r = self.c.ec2(A, R, "create-vpc", "--cidr-block", "10.251.0.0/16")
            if r.rc == 0 or time.monotonic() > deadline:
                return r
            time.sleep(0.5)

    def test_outbox_kept_through_a_full_disk(self):
        self.c.start_agent(B, R)
        vb = self.c.ok(B, R, "create-vpc", "--cidr-block", "10.2.0.0/16")["Vpc"]["VpcId"]
        self.assertEqual(self.c.stop(self.c.agents[(B, R)]), 0)
        self.start_a()
        va = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        pcx = self.c.ok(A, R, "create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb,
                        "--peer-owner-id", B)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        filler = self.fill()
        for i in range(3, 250):
            if self.c.ec2(A, R, "create-vpc", "--cidr-block", f"10.{i}.0.0/16").rc != 0:
                break
        with open(os.path.join(self.c.dir, f"agent-{A}-{R}.log"), errors="replace") as f:
            self.assertIn("writes get InternalError; 1 unacknowledged messages kept", f.read())
        # B comes back while A is read-only: the request is not lost.
        self.c.restart_agent(B, R)
        os.unlink(filler)
        self.assertEqual(self.wait_writable().rc, 0)
        deadline = time.monotonic() + 40
        code = None
        while time.monotonic() < deadline:
            r = self.c.ec2(B, R, "describe-vpc-peering-connections")
            views = r.json()["VpcPeeringConnections"] if r.rc == 0 else []
            code = next((v["Status"]["Code"] for v in views
                         if v["VpcPeeringConnectionId"] == pcx), None)
            if code == "pending-acceptance":
                break
            time.sleep(0.5)
        self.assertEqual(code, "pending-acceptance")

    def test_read_only_then_resumes(self):
        data = os.path.join(self.mnt, "agent")
        p = self.start_a()
        before = [self.c.ok(A, R, "create-vpc", "--cidr-block", f"10.{i}.0.0/16")["Vpc"]["VpcId"]
                  for i in range(1, 4)]
        filler = self.fill()
        # Writes go on while SQLite still has room in files it already has;
        # the first that needs a new page fails, and every later one at once.
        refused = None
        for i in range(4, 250):
            r = self.c.ec2(A, R, "create-vpc", "--cidr-block", f"10.{i}.0.0/16")
            if r.rc != 0:
                refused = r
                break
            before.append(r.json()["Vpc"]["VpcId"])
        self.assertIsNotNone(refused, "the disk never filled")
        self.assertEqual(refused.rc, 254, refused)
        self.assertIn("(InternalError)", refused.err)
        self.assertIsNone(p.poll(), "the agent died on a full disk")
        t0 = time.monotonic()
        r = self.c.ec2(A, R, "create-vpc", "--cidr-block", "10.250.0.0/16")
        self.assertLess(time.monotonic() - t0, 2.5)
        self.assertEqual(r.rc, 254, r)
        self.assertIn("disk is full", r.err)
        # Reads go on, and show exactly what was saved.
        got = [v["VpcId"] for v in self.c.ok(A, R, "describe-vpcs")["Vpcs"]]
        self.assertEqual(sorted(got), sorted(before))
        with open(os.path.join(self.c.dir, f"agent-{A}-{R}.log"), errors="replace") as f:
            self.assertIn("the disk is full: read-only until space returns", f.read())
        # Space comes back: writing resumes by itself.
        os.unlink(filler)
        r = self.wait_writable()
        self.assertEqual(r.rc, 0, r)
        new = r.json()["Vpc"]["VpcId"]
        got = [v["VpcId"] for v in self.c.ok(A, R, "describe-vpcs")["Vpcs"]]
        self.assertEqual(sorted(got), sorted(before + [new]))
        # And it survives a restart with all of it.
        self.assertEqual(self.c.stop(p), 0)
        p = self.c._spawn(f"agent-{A}-{R}", [
            os.path.join(harness.BIN, "vpcsim-agent"), "--broker", self.c.endpoint,
            "--account", A, "--region", R, "--data-dir", data])
        self.c.agents[(A, R)] = p
        self.c.wait_online(A, R)
        got = [v["VpcId"] for v in self.c.ok(A, R, "describe-vpcs")["Vpcs"]]
        self.assertEqual(sorted(got), sorted(before + [new]))


if __name__ == "__main__":
    harness.main()
