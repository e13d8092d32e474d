"""Acknowledgements with real processes (issue 9): the acks an agent owes
another at the end of a turn ride on a peer message it sends to that agent
in the same turn, or go together in one Ack; every outbox still empties,
with and without lost messages, and nothing is resent forever.
"""
import os
import sqlite3
import time

import harness
from test_faults import A, B, R, WAIT_S, FaultTest


class Acks(FaultTest):
    def outbox_len(self, acct):
        path = os.path.join(self.c.agent_dir(acct, R), "agent.db")
        with sqlite3.connect(path) as db:
            return db.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def wait_outboxes_empty(self, timeout=WAIT_S):
        deadline = time.time() + timeout
        while True:
            left = {acct: self.outbox_len(acct) for acct in (A, B)}
            if not any(left.values()):
                return
            if time.time() > deadline:
                self.fail(f"messages still unacknowledged after {timeout}s: {left}")
            time.sleep(0.2)

    def handshake(self):
        pcx, _, _ = self.create_pcx()
        self.assert_views_agree(pcx, "pending-acceptance")
        r = self.c.ec2(B, R, "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx,
                       timeout=WAIT_S)
        self.assertEqual(r.rc, 0, r)
        self.assert_views_agree(pcx, "active")
        return pcx

    def test_acks_ride_on_answers(self):
        self.handshake()
        self.wait_outboxes_empty()
        k = self.counters()
        # Request, Validated and Op are each answered in the turn that
        # applies them (Validated, State, OpResult), which carries the ack.
        self.assertGreater(k["RelayedPeerMessages"], 0, k)
        self.assertLessEqual(k["RelayedAcks"], k["RelayedPeerMessages"] - 3, k)

    def test_lost_carriers_are_resent_and_acked(self):
        self.admin_ok("set-faults", "--drop", "0.4", "--duplicate", "0.2",
                      "--delay-ms", "1-20", "--seed", "5")
        pcx = self.handshake()
        self.admin_ok("set-faults", "--clear")
        self.wait_outboxes_empty()
        self.assertEqual(self.code(A, R, pcx), "active")
        self.assertEqual(self.code(B, R, pcx), "active")
        self.assertGreater(self.counters()["Dropped"], 0)


if __name__ == "__main__":
    harness.main()
