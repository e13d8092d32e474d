"""Chaos testing with real processes: the broker drops, duplicates, delays
and reorders agent-to-agent messages (admin set-faults), isolates agents
(admin partition), reports what it did (admin describe-faults) and records
relayed peer messages (--capture). The peering protocol must still converge,
and client API calls must never be touched.

Waiting is always polling with a generous deadline: with half the messages
lost, a message can sit in an outbox backoff (at most 8 s) several times.
"""
import json
import os
import re
import subprocess
import time

import harness
from harness import ClusterTest

A = "111111111111"
B = "222222222222"
R = "us-east-1"
R2 = "eu-west-1"
WAIT_S = 60

CAPTURE_RE = re.compile(
    r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\d{12})/([a-z0-9-]+) -> (\d{12})/([a-z0-9-]+) "
    r"sealed=([01]) ([0-9a-f]+|-)(?: (\{.*\}))?$")


class FaultTest(ClusterTest):
    """A broker and agents A and B; helpers for faults and peering."""

    regions = (R, R)

    def setUp(self):
        super().setUp()
        self.c.start_agent(A, self.regions[0])
        self.c.start_agent(B, self.regions[1])

    # -- admin ------------------------------------------------------------
    def admin_ok(self, *args):
        r = self.c.admin(*args)
        self.assertEqual(r.rc, 0, r)
        return r.json()

    def faults(self):
        return self.admin_ok("describe-faults")

    def counters(self):
        return self.faults()["Counters"]

    def admin_error(self, *args):
        r = self.c.admin(*args)
        self.assertEqual(r.rc, 254, r)
        self.assertEqual(r.out, "", r)
        return r.err.strip()

    # -- peering ------------------------------------------------------------
    def vpc(self, acct, region, cidr):
        return self.c.ok(acct, region, "create-vpc", "--cidr-block", cidr)["Vpc"]["VpcId"]

    def create_pcx(self, peer_region=None):
        va = self.vpc(A, self.regions[0], "10.1.0.0/16")
        vb = self.vpc(B, self.regions[1], "10.2.0.0/16")
        args = ["create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb,
                "--peer-owner-id", B]
        if peer_region:
            args += ["--peer-region", peer_region]
        p = self.c.ok(A, self.regions[0], *args)["VpcPeeringConnection"]
        self.assertEqual(p["Status"]["Code"], "initiating-request")
        return p["VpcPeeringConnectionId"], va, vb

    def view(self, acct, region, pcx):
        """acct's view of pcx, or None while it cannot see it."""
        r = self.c.ec2(acct, region, "describe-vpc-peering-connections",
                       "--vpc-peering-connection-ids", pcx, timeout=10)
        if r.rc == 254 and "InvalidVpcPeeringConnectionID.NotFound" in r.err:
            return None
        self.assertEqual(r.rc, 0, r)
        items = r.json()["VpcPeeringConnections"]
        self.assertEqual(len(items), 1, items)
        return items[0]

    def code(self, acct, region, pcx):
        v = self.view(acct, region, pcx)
        return v["Status"]["Code"] if v else None

    def wait_code(self, acct, region, pcx, want, timeout=WAIT_S):
        deadline = time.time() + timeout
        while True:
            v = self.view(acct, region, pcx)
            if v and v["Status"]["Code"] == want:
                return v
            if time.time() > deadline:
                self.fail(f"{pcx} seen by {acct}/{region} is "
                          f"{v['Status']['Code'] if v else None}, not {want} within {timeout}s")
            time.sleep(0.2)

    def assert_views_agree(self, pcx, want):
        va = self.wait_code(A, self.regions[0], pcx, want)
        vb = self.wait_code(B, self.regions[1], pcx, want)
        for key in ("VpcPeeringConnectionId", "Status"):
            self.assertEqual(va[key], vb[key])
        for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
            for key in ("OwnerId", "VpcId", "Region"):
                self.assertEqual(va[side][key], vb[side][key], side)


class SetAndDescribe(FaultTest):
    def test_set_clear_and_validate(self):
        f = self.faults()
        self.assertEqual(list(f), ["Faults", "Partitions", "Counters"])
        self.assertFalse(f["Faults"]["Active"])
        self.assertEqual(f["Partitions"], [])
        self.assertEqual(list(f["Counters"]), ["Dropped", "Duplicated", "Delayed", "Reordered",
                                               "PartitionDropped", "RelayedPeerMessages",
                                               "RelayedAcks"])

        out = self.admin_ok("set-faults", "--drop", "0.5", "--duplicate", "0.3",
                            "--delay-ms", "5-50", "--reorder", "0.1", "--seed", "42")
        want = {"Drop": 0.5, "Duplicate": 0.3, "DelayMs": [5, 50], "Reorder": 0.1, "Seed": 42,
                "Active": True}
        self.assertEqual(out["Faults"], want)
        self.assertEqual(self.faults()["Faults"], want)

        # Bad arguments fail clearly and change nothing.
        self.assertIn("drop must be a probability between 0 and 1",
                      self.admin_error("set-faults", "--drop", "1.5"))
        self.assertIn("delay-ms minimum 50 is greater than its maximum 5",
                      self.admin_error("set-faults", "--delay-ms", "50-5"))
        self.assertIn("unknown argument 'dorp'", self.admin_error("set-faults", "--dorp", "0.5"))
        err = self.admin_error("set-faults", "--clear", "--drop", "0.1")
        self.assertTrue(err.startswith("An error occurred (AdminError) when calling the "
                                       "set-faults operation: "), err)
        self.assertEqual(self.faults()["Faults"], want)

        off = self.admin_ok("set-faults", "--clear")["Faults"]
        self.assertEqual(off, {"Drop": 0.0, "Duplicate": 0.0, "DelayMs": [0, 0], "Reorder": 0.0,
                               "Seed": 1, "Active": False})

    def test_partition_arguments(self):
        self.assertIn("12-digit account id",
                      self.admin_error("partition", "--isolate", "1234:us-east-1"))
        self.assertIn("unknown Region 'mars-1'",
                      self.admin_error("partition", "--isolate", f"{A}:mars-1"))
        self.assertIn("--isolate ACCOUNT:REGION or --heal", self.admin_error("partition"))
        # An agent that has not registered (yet) may be isolated.
        out = self.admin_ok("partition", "--isolate", f"999999999999:{R2}",
                            "--isolate", f"{A}:{R}")
        self.assertEqual(out["Partitions"], [f"{A}:{R}", f"999999999999:{R2}"])
        self.assertEqual(self.admin_ok("partition", "--heal")["Partitions"], [])
        # describe-agents keeps its contract shape.
        agents = self.admin_ok("describe-agents")["Agents"]
        self.assertEqual([list(a) for a in agents],
                         [["AccountId", "Region", "Partition", "Status", "VpcCount"]] * 2)

        with open(os.path.join(self.c.dir, "broker.log")) as f:
            log = f.read()
        self.assertIn(f"INFO: partition: agent {A}:{R} isolated", log)
        self.assertIn("INFO: partitions healed (2 agents were isolated)", log)


class Lifecycle(FaultTest):
    def test_peering_lifecycle_survives_faults(self):
        self.admin_ok("set-faults", "--drop", "0.5", "--duplicate", "0.3",
                      "--delay-ms", "5-50", "--seed", "7")
        pcx, va, vb = self.create_pcx()
        self.assert_views_agree(pcx, "pending-acceptance")

        # The accepter's call waits for the home's answer, which may need
        # several resends.
        r = self.c.ec2(B, R, "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx,
                       timeout=WAIT_S)
        self.assertEqual(r.rc, 0, r)
        self.assertIn(r.json()["VpcPeeringConnection"]["Status"]["Code"],
                      ("provisioning", "active"))
        self.assert_views_agree(pcx, "active")

        r = self.c.ec2(A, R, "delete-vpc-peering-connection", "--vpc-peering-connection-id", pcx,
                       timeout=WAIT_S)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json(), {"Return": True})
        self.assert_views_agree(pcx, "deleted")

        k = self.counters()
        for name in ("Dropped", "Duplicated", "Delayed", "RelayedPeerMessages", "RelayedAcks"):
            self.assertGreater(k[name], 0, k)
        self.assertEqual(k["PartitionDropped"], 0, k)

    def test_client_calls_are_never_faulted(self):
        va = self.vpc(A, R, "10.1.0.0/16")
        vb = self.vpc(B, R, "10.2.0.0/16")
        self.admin_ok("set-faults", "--drop", "1")
        for i in range(15):
            for acct in (A, B):
                r = self.c.ec2(acct, R, "describe-vpcs", timeout=5)
                self.assertEqual(r.rc, 0, r)
        self.assertEqual(len(self.admin_ok("describe-agents")["Agents"]), 2)

        # Every agent-to-agent message is lost, so the request never arrives...
        p = self.c.ok(A, R, "create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb,
                      "--peer-owner-id", B)["VpcPeeringConnection"]
        pcx = p["VpcPeeringConnectionId"]
        time.sleep(2)
        self.assertEqual(self.code(A, R, pcx), "initiating-request")
        self.assertIsNone(self.view(B, R, pcx))
        self.assertGreater(self.counters()["Dropped"], 0)
        # ...until the faults are cleared and the outbox's resend gets through.
        self.admin_ok("set-faults", "--clear")
        self.assert_views_agree(pcx, "pending-acceptance")


class Partition(FaultTest):
    def test_isolated_accepter_then_heal(self):
        self.admin_ok("partition", "--isolate", f"{B}:{R}")
        pcx, va, vb = self.create_pcx()
        time.sleep(3)
        self.assertEqual(self.code(A, R, pcx), "initiating-request")
        self.assertIsNone(self.view(B, R, pcx))
        # Cut from the other agents, not from the broker or its clients.
        self.assertEqual(self.c.agents_status()[(B, R)]["Status"], "online")
        self.c.ok(B, R, "describe-vpcs")
        self.assertGreater(self.counters()["PartitionDropped"], 0)

        self.assertEqual(self.admin_ok("partition", "--heal")["Partitions"], [])
        self.assert_views_agree(pcx, "pending-acceptance")


class CaptureTest(FaultTest):
    """A broker started with --capture; no tests of its own."""

    def setUp(self):
        # The harness starts a broker without options: start our own.
        self.c = harness.Cluster()
        self.capture = os.path.join(self.c.dir, "capture.txt")
        self.c.start_broker(data_dir=False, capture=self.capture)
        self.c.start_agent(A, self.regions[0])
        self.c.start_agent(B, self.regions[1])

    def lines(self):
        with open(self.capture) as f:
            return [line.rstrip("\n") for line in f]

    def check_capture(self, pcx):
        # Counters and capture are written for the same copies.
        deadline = time.time() + WAIT_S
        while len(self.lines()) != self.counters()["RelayedPeerMessages"]:
            self.assertLess(time.time(), deadline)
            time.sleep(0.2)
        lines = self.lines()
        self.assertGreater(len(lines), 0)
        pairs = set()
        plain = 0
        for line in lines:
            m = CAPTURE_RE.match(line)
            self.assertIsNotNone(m, line)
            _, fa, fr, ta, tr, sealed, payload, rendered = m.groups()
            pairs.add((fa, fr, ta, tr))
            data = b"" if payload == "-" else bytes.fromhex(payload)
            if sealed == "1":
                self.assertNotIn(pcx.encode(), data, line)   # ciphertext shows nothing
                self.assertIsNone(rendered, line)
            else:
                plain += pcx.encode() in data
                if data[:1] == b"\x08":
                    # A typed peering message, also written as JSON.
                    self.assertIsNotNone(rendered, line)
                    self.assertEqual(json.loads(rendered)["Id"], pcx, line)
        self.assertEqual(pairs, {(A, self.regions[0], B, self.regions[1]),
                                 (B, self.regions[1], A, self.regions[0])})
        return lines, plain


class Capture(CaptureTest):
    def test_same_region_payloads(self):
        pcx, _, _ = self.create_pcx()
        self.assert_views_agree(pcx, "pending-acceptance")
        lines, plain = self.check_capture(pcx)
        # Within a Region the protocol's messages cross the broker as they
        # are, and the capture shows them as JSON.
        self.assertGreater(plain, 0, lines)
        self.assertTrue(any('"T":"Request"' in line for line in lines), lines)

    def test_help_documents_capture(self):
        p = subprocess.run([os.path.join(harness.BIN, "vpcsim-broker"), "--help"],
                                   capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--capture FILE", p.stdout)
        self.assertIn("sealed=0|1", p.stdout)


class CaptureInterRegion(CaptureTest):
    regions = (R, R2)

    def test_inter_region(self):
        pcx, _, _ = self.create_pcx(peer_region=R2)
        self.assert_views_agree(pcx, "pending-acceptance")
        self.check_capture(pcx)


if __name__ == "__main__":
    harness.main()
