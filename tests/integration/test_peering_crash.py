"""kill -9 in the middle of the peering lifecycle: of the requester's agent
(the home of the pcx), of the accepter's agent (the replica), of the broker.
After the restart every operation the CLI acknowledged is there, in the
view of the caller at once and in both views eventually, and the two views
agree (docs/peering-protocol.md: durable outbox, acks, dedup, versions)."""
import signal
import threading
import time

import harness
from peering_util import A, B, EUW1, USE1, PcxTest

LIVE_AFTER_ACCEPT = ("provisioning", "active")


class Crash(PcxTest):
    def setUp(self):
        super().setUp()
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, EUW1)
        self.va = self.vpc(A, USE1, "10.1.0.0/16")
        self.vb = self.vpc(B, EUW1, "10.2.0.0/16")
        self.views = [(A, USE1), (B, EUW1)]

    def crash(self, who):
        """kill -9 one process and start it again on the same data dir."""
        if who == "broker":
            self.c.kill9(self.c.broker)
            self.c.start_broker()
            for acct, region in self.views:
                self.c.wait_online(acct, region, timeout=30)
        else:
            acct, region = who
            self.c.kill9(self.c.agents[(acct, region)])
            self.c.restart_agent(acct, region)

    def converged(self, pcx, *codes):
        code = self.assert_views_agree(pcx, self.views)
        self.assertIn(code, codes)
        return code

    def lifecycle_with_crashes(self, who):
        # Create: the requester has its view at once; the request completes.
        pcx = self.create(A, USE1, self.va, self.vb, owner=B, peer_region=EUW1,
                          name="crash")["VpcPeeringConnectionId"]
        self.crash(who)
        self.assertIsNotNone(self.get(A, USE1, pcx))
        self.assertEqual(self.get(A, USE1, pcx)["Tags"], [{"Key": "Name", "Value": "crash"}])
        self.wait_code(B, EUW1, pcx, "pending-acceptance")
        self.converged(pcx, "pending-acceptance")

        # Accept: what the accepter was told is what both views show.
        self.act_ok(B, EUW1, "accept", pcx)
        self.crash(who)
        self.assertIn(self.code(B, EUW1, pcx), LIVE_AFTER_ACCEPT)
        self.assertIn(self.code(A, USE1, pcx), LIVE_AFTER_ACCEPT)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.converged(pcx, "active")

        # Delete by the accepter (forwarded to the home): deleting, then deleted.
        self.assertEqual(self.act_ok(B, EUW1, "delete", pcx), {"Return": True})
        self.crash(who)
        self.assertIn(self.code(B, EUW1, pcx), ("deleting", "deleted"))
        self.advance(5)
        self.wait_code(A, USE1, pcx, "deleted")
        self.converged(pcx, "deleted")
        v = self.get(A, USE1, pcx)
        self.assertEqual(v["Status"]["Message"], f"Deleted by {B}")

    def test_kill9_requester_agent(self):
        self.lifecycle_with_crashes((A, USE1))

    def test_kill9_accepter_agent(self):
        self.lifecycle_with_crashes((B, EUW1))

    def test_kill9_broker(self):
        self.lifecycle_with_crashes("broker")

    def test_kill9_broker_just_after_an_agent_first_says_hello(self):
        """The broker saves an agent it has never seen before it welcomes
        it: killed right after and restarted, it still knows that account
        and Region has an agent (offline until it says hello again), so a
        request to it waits for it instead of failing as if no such
        account existed."""
        c_acct = "333333333333"
        c = self.c.start_agent(c_acct, USE1)     # returns once welcomed
        self.c.kill9(self.c.broker)
        c.send_signal(signal.SIGSTOP)            # it cannot say hello again yet
        try:
            self.c.start_broker()
            self.c.wait_online(A, USE1, timeout=30)
            known = self.c.agents_status()
            self.assertIn((c_acct, USE1), known, known)
            self.assertNotEqual(known[(c_acct, USE1)]["Status"], "online", known)
            pcx = self.create(A, USE1, self.va, "vpc-0123456789abcdef0",
                              owner=c_acct)["VpcPeeringConnectionId"]
            time.sleep(2)       # resends every 200 ms at first
            self.assertEqual(self.code(A, USE1, pcx), "initiating-request")
        finally:
            c.send_signal(signal.SIGCONT)
        # Back, it gets the request and refuses it: it has no such VPC.
        self.wait_code(A, USE1, pcx, "failed")

    def test_home_down_while_the_accepter_accepts(self):
        """The accept waits for the home; the CLI gives up (255), but the
        operation is in the accepter's outbox and happens when the home is
        back - never half."""
        pcx = self.create(A, USE1, self.va, self.vb, owner=B, peer_region=EUW1)[
            "VpcPeeringConnectionId"]
        self.wait_code(B, EUW1, pcx, "pending-acceptance")
        self.c.kill9(self.c.agents[(A, USE1)])
        r = self.act(B, EUW1, "accept", pcx, timeout=2)
        self.assertEqual(r.rc, 255, r)
        self.assertEqual(r.out, "")
        # Until the home decides, the accepter's view has not moved.
        self.assertEqual(self.code(B, EUW1, pcx), "pending-acceptance")
        self.c.restart_agent(A, USE1)
        self.wait_code(B, EUW1, pcx, *LIVE_AFTER_ACCEPT)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.converged(pcx, "active")

    def test_kill9_everything_between_many_operations(self):
        """Several connections in different states; every process is killed
        and restarted; every acknowledged state survives and the views
        agree."""
        vbs = [self.vpc(B, EUW1, f"10.{i}.0.0/16") for i in (3, 4, 5)]
        p_pending = self.create(A, USE1, self.va, self.vb, owner=B, peer_region=EUW1)[
            "VpcPeeringConnectionId"]
        p_active, p_rejected, p_deleted = (
            self.create(A, USE1, self.va, v, owner=B, peer_region=EUW1)["VpcPeeringConnectionId"]
            for v in vbs)
        for p in (p_pending, p_active, p_rejected, p_deleted):
            self.wait_code(B, EUW1, p, "pending-acceptance")
        self.act_ok(B, EUW1, "accept", p_active)
        self.act_ok(B, EUW1, "reject", p_rejected)
        self.act_ok(A, USE1, "delete", p_deleted)
        for who in ((A, USE1), "broker", (B, EUW1)):
            self.crash(who)
        self.advance(5)
        want = {p_pending: "pending-acceptance", p_active: "active",
                p_rejected: "rejected", p_deleted: "deleted"}
        for p, code in want.items():
            self.wait_code(A, USE1, p, code)
            self.wait_code(B, EUW1, p, code)

    def test_repeated_kill9_while_messages_flow(self):
        """Requests arrive at the accepter's agent while it is killed again
        and again, then accepts arrive at the home while the home is: every
        request completes, every acknowledged accept holds, views agree."""
        n = 16
        vbs = [self.vpc(B, EUW1, f"10.{i + 2}.0.0/16") for i in range(n)]
        created = []

        def create_all():
            for vb in vbs:
                r = self.create(A, USE1, self.va, vb, owner=B, peer_region=EUW1, check=False)
                if r.rc == 0:
                    created.append(r.json()["VpcPeeringConnection"]["VpcPeeringConnectionId"])
                time.sleep(0.1)     # spread over the kills

        self.during(create_all, (B, EUW1))
        self.assertEqual(len(created), n)
        for p in created:
            self.wait_code(A, USE1, p, "pending-acceptance")
            self.wait_code(B, EUW1, p, "pending-acceptance")

        answers = {}

        def accept_all():
            for p in created:
                answers[p] = self.act(B, EUW1, "accept", p, timeout=3).rc
                time.sleep(0.1)

        self.during(accept_all, (A, USE1))
        self.advance(5)
        for p in created:
            code = self.assert_views_agree(p, self.views)
            if answers[p] == 0:
                self.assertEqual(code, "active", p)
            else:
                # Not answered in time (255): it happened or it did not.
                self.assertEqual(answers[p], 255, p)
                self.assertIn(code, ("active", "pending-acceptance"), p)

    def during(self, work, victim, kills=4):
        """Runs work() in a thread while kill -9 / restart of victim."""
        t = threading.Thread(target=work)
        t.start()
        for _ in range(kills):
            time.sleep(0.3)
            self.crash(victim)
        t.join(timeout=300)
        self.assertFalse(t.is_alive())


if __name__ == "__main__":
    harness.main()
