"""Peer bundles with real processes (issue 9, core/model/peer_bundle.h): an
agent holds the peer messages of a turn's inputs until the turn ends, and
those to one agent travel together, each part tagged with the causality id
of the input that made it. With many handshakes in flight, the accepter's
Validated answers to many Requests go in a few bundles; every connection
still settles in both views, and the receiver files each part under its own
cause: `vpcsim trace` of one connection shows its own messages, not those
of the connections that shared its bundles.
"""
import json
import os
import time

import harness

A, B, R = "111111111111", "222222222222", "us-east-1"
QUOTAS = ("--max-outstanding-pcx", "100000", "--max-active-pcx-per-vpc", "125")


class Bundles(harness.ClusterTest):
    def setUp(self):
        # Our own broker, with --capture, to read what was relayed.
        self.c = harness.Cluster()
        self.capture = os.path.join(self.c.dir, "capture.txt")
        self.c.start_broker(data_dir=False, capture=self.capture)
        self.c.start_agent(A, R, *QUOTAS)
        self.c.start_agent(B, R, *QUOTAS)

    def bundles(self):
        """(from, to, document) of every captured bundle."""
        out = []
        with open(self.capture) as f:
            for line in f:
                at = line.find(' {"T":"Bundle"')
                if at >= 0:
                    head = line[:at].split()
                    out.append((head[1], head[3], json.loads(line[at + 1:])))
        return out

    def trace(self, acct, pcx):
        r = self.c.cli(acct, R, "trace", pcx, timeout=20)
        self.assertEqual(r.rc, 0, r)
        return r.out

    def states(self, acct):
        """{pcx: status code} of every connection acct sees."""
        r = self.c.ec2(acct, R, "describe-vpc-peering-connections", timeout=20)
        self.assertEqual(r.rc, 0, r)
        return {p["VpcPeeringConnectionId"]: p["Status"]["Code"]
                for p in r.json()["VpcPeeringConnections"]}

    def test_parts_keep_their_causes(self):
        # Answered only: every accept is answered with the home's decision,
        # so when this returns each connection's Op and OpResult have been
        # exchanged. The clock advance that activates them comes after, in
        # a turn of its own (with --settle the bench advances the clock while
        # accepts are in flight, and a connection's OpResult could go out in
        # the same turn as its activation, after it in the trace).
        out = self.c.bench_handshake(f"{A}:{R}", f"{B}:{R}", "--vpcs", "10", "--per-vpc", "6",
                                     "--window", "60", timeout=120)
        self.assertEqual(out["Handshakes"], 60)
        r = self.c.admin("advance-clock", "--seconds", "5")
        self.assertEqual(r.rc, 0, r)
        # Every connection settles in both views.
        deadline = time.time() + 20
        while True:
            views = [self.states(A), self.states(B)]
            if all(len(v) == 60 and set(v.values()) == {"active"} for v in views):
                break
            self.assertLess(time.time(), deadline, views)
            time.sleep(0.1)

        # The Validated answers of several requests share a message, each
        # part with its own tag (the Request's causality id at the sender:
        # every part a different one).
        shared = []
        for frm, to, doc in self.bundles():
            validated = [p["Id"] for p in doc["Parts"] if p and p.get("T") == "Validated"]
            if frm == f"{B}/{R}" and len(set(validated)) >= 2:
                self.assertIn("Tags", doc, doc)
                self.assertEqual(len(doc["Tags"]), len(doc["Parts"]), doc)
                tags = [t for p, t in zip(doc["Parts"], doc["Tags"]) if p.get("T") == "Validated"]
                self.assertEqual(len(set(tags)), len(tags), doc)
                shared += validated
        self.assertGreaterEqual(len(shared), 2, "no bundle held two connections' Validated")

        # Each of those connections, traced from either side, shows one of
        # each of its own messages: a part filed under another part's cause
        # would bring that connection's messages into this trace.
        for pcx in shared[:40]:
            for acct in (A, B):
                out = self.trace(acct, pcx)
                # Up to the activation: one clock advance activates every
                # connection then provisioning, under one cause of its own.
                lines = out.split("] active")[0].splitlines()
                sends = lambda what: sum(1 for l in lines if f"->  broker: {what} #" in l)
                recvs = lambda what: sum(1 for l in lines if l.split("  ", 1)[-1].startswith("broker ->")
                                         and f": {what} #" in l)
                self.assertEqual(sends("Validated"), 1, out)
                self.assertEqual(recvs("Validated"), 1, out)
                self.assertEqual(sends("Op"), 1, out)
                self.assertEqual(sends("OpResult"), 1, out)
                self.assertEqual(sends("State"), 1, out)     # pending-acceptance
                self.assertIn(f"[agent {A} {R}] active", out)


if __name__ == "__main__":
    harness.main()
