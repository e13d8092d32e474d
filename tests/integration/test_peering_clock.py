"""Peering and the simulated clock, driven with `vpcsim admin advance-clock`:
an unaccepted request expires after exactly 168 h, and terminal connections
stay describable for their visibility window (failed 2 h for the requester;
expired 2 days for both; rejected 2 days / 2 h; deleted 2 h for the deleter
/ 2 days for the other side; same account 2 h), then describe by ID answers
InvalidVpcPeeringConnectionID.NotFound (exit 254).

The simulated clock keeps running at real speed between the test's calls,
so each boundary is approached to within a margin (a minute for the
windows, 2 s for the expiry) rather than to the millisecond. An advance is
broadcast before advance-clock answers, and the broker's link to each agent
keeps order, so an agent has adopted the new time before it sees the next
command."""
import math

import harness
from peering_util import (A, B, C, DAY_S, HOUR_S, SEED, TOKYO, USE1, WEEK_S, PcxTest,
                          parse_aws_time)

ACCEPT, REJECT, DELETE = ("AcceptVpcPeeringConnection", "RejectVpcPeeringConnection",
                          "DeleteVpcPeeringConnection")
DESCRIBE = "DescribeVpcPeeringConnections"
MARGIN = 60


class ClockTest(PcxTest):
    def two_accounts(self):
        for acct in (A, B, C):
            self.c.start_agent(acct, USE1)
        self.va = self.vpc(A, USE1, "10.1.0.0/16")
        self.vb = self.vpc(B, USE1, "10.2.0.0/16")

    def pending(self):
        p = self.create(A, USE1, self.va, self.vb, owner=B)
        pcx = p["VpcPeeringConnectionId"]
        self.wait_code(A, USE1, pcx, "pending-acceptance")
        self.wait_code(B, USE1, pcx, "pending-acceptance")
        return pcx, p["ExpirationTime"]

    def active(self):
        pcx, _ = self.pending()
        self.act_ok(B, USE1, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.wait_code(B, USE1, pcx, "active")
        return pcx

    def assert_gone(self, acct, region, pcx):
        """Aged out: not listed, and describe by ID is NotFound (exit 254)."""
        self.wait_code(acct, region, pcx, None)
        self.assertNotIn(pcx, [p["VpcPeeringConnectionId"] for p in self.listing(acct, region)])
        r = self.c.ec2(acct, region, "describe-vpc-peering-connections",
                       "--vpc-peering-connection-ids", pcx)
        self.assert_not_found(r, pcx, DESCRIBE)

    def assert_seen(self, acct, region, pcx, code):
        v = self.get(acct, region, pcx)
        self.assertIsNotNone(v, f"{acct}/{region} no longer sees {pcx}")
        self.assertEqual(v["Status"]["Code"], code)


class Expiry(ClockTest):
    def test_expires_after_exactly_168_hours(self):
        self.two_accounts()
        pcx, exp_text = self.pending()
        exp = parse_aws_time(exp_text).timestamp()   # creation + 7 days, whole seconds
        now = self.sim_now().timestamp()
        self.assertGreater(exp - now, WEEK_S - 60)
        # To 2 s before ExpirationTime (give or take the second the test
        # needs): still pending, in both views.
        self.advance(math.floor(exp - 2 - now))
        for acct in (A, B):
            self.assert_seen(acct, USE1, pcx, "pending-acceptance")
        # A few seconds later: expired, in both views.
        self.advance(4)
        for acct in (A, B):
            v = self.wait_code(acct, USE1, pcx, "expired", timeout=15)
            self.assertEqual(v["Status"], {"Code": "expired", "Message": "Expired"})
        # No action can be taken on an expired request by either owner.
        self.assert_transition(self.act(B, USE1, "accept", pcx), pcx, "expired", "provisioning",
                               ACCEPT)
        self.assert_transition(self.act(B, USE1, "reject", pcx), pcx, "expired", "rejected",
                               REJECT)
        self.assert_transition(self.act(A, USE1, "delete", pcx), pcx, "expired", "deleting",
                               DELETE)
        self.assertEqual(self.listing(C, USE1), [])
        # Visible to both owners for 2 days, then gone.
        self.advance(2 * DAY_S - MARGIN)
        for acct in (A, B):
            self.assert_seen(acct, USE1, pcx, "expired")
        self.advance(2 * MARGIN)
        for acct in (A, B):
            self.assert_gone(acct, USE1, pcx)

    def test_accepted_request_does_not_expire(self):
        self.two_accounts()
        pcx = self.active()
        self.advance(WEEK_S + HOUR_S)
        for acct in (A, B):
            self.assert_seen(acct, USE1, pcx, "active")


class VisibilityWindows(ClockTest):
    def test_rejected_two_hours_for_accepter_two_days_for_requester(self):
        self.two_accounts()
        pcx, _ = self.pending()
        self.act_ok(B, USE1, "reject", pcx)
        self.wait_code(A, USE1, pcx, "rejected")
        self.advance(2 * HOUR_S - MARGIN)
        self.assert_seen(A, USE1, pcx, "rejected")
        self.assert_seen(B, USE1, pcx, "rejected")
        self.advance(2 * MARGIN)
        self.assert_gone(B, USE1, pcx)
        self.assert_seen(A, USE1, pcx, "rejected")
        # The accepter can no longer act on it at all.
        self.assert_not_found(self.act(B, USE1, "accept", pcx), pcx, ACCEPT)
        self.advance(2 * DAY_S - 2 * HOUR_S - 2 * MARGIN)
        self.assert_seen(A, USE1, pcx, "rejected")
        self.advance(2 * MARGIN)
        self.assert_gone(A, USE1, pcx)

    def test_deleted_two_hours_for_deleter_two_days_for_the_other(self):
        self.two_accounts()
        pcx = self.active()
        self.act_ok(A, USE1, "delete", pcx)
        self.wait_code(B, USE1, pcx, "deleted")
        self.advance(2 * HOUR_S - MARGIN)
        self.assert_seen(A, USE1, pcx, "deleted")
        self.assert_seen(B, USE1, pcx, "deleted")
        self.advance(2 * MARGIN)
        self.assert_gone(A, USE1, pcx)
        self.assert_seen(B, USE1, pcx, "deleted")
        self.advance(2 * DAY_S - 2 * HOUR_S - 2 * MARGIN)
        self.assert_seen(B, USE1, pcx, "deleted")
        self.advance(2 * MARGIN)
        self.assert_gone(B, USE1, pcx)

    def test_deleted_by_accepter(self):
        self.two_accounts()
        pcx = self.active()
        self.act_ok(B, USE1, "delete", pcx)
        self.wait_code(A, USE1, pcx, "deleted")
        self.advance(2 * HOUR_S + MARGIN)
        self.assert_gone(B, USE1, pcx)
        self.assert_seen(A, USE1, pcx, "deleted")

    def test_failed_two_hours_for_requester_only(self):
        self.two_accounts()
        pcx = self.create(A, USE1, self.va, "vpc-0123456789abcdef0", owner=B)[
            "VpcPeeringConnectionId"]
        self.wait_code(A, USE1, pcx, "failed")
        self.assertIsNone(self.get(B, USE1, pcx))
        self.advance(2 * HOUR_S - MARGIN)
        self.assert_seen(A, USE1, pcx, "failed")
        self.advance(2 * MARGIN)
        self.assert_gone(A, USE1, pcx)

    def test_same_account_two_hours(self):
        self.c.start_agent(SEED, TOKYO)
        va = self.vpc(SEED, TOKYO, "10.1.0.0/16")
        vb = self.vpc(SEED, TOKYO, "10.2.0.0/16")
        vc = self.vpc(SEED, TOKYO, "10.3.0.0/16")
        rejected = self.create(SEED, TOKYO, va, vb)["VpcPeeringConnectionId"]
        deleted = self.create(SEED, TOKYO, va, vc)["VpcPeeringConnectionId"]
        self.wait_code(SEED, TOKYO, rejected, "pending-acceptance")
        self.wait_code(SEED, TOKYO, deleted, "pending-acceptance")
        self.act_ok(SEED, TOKYO, "reject", rejected)
        self.act_ok(SEED, TOKYO, "delete", deleted)
        self.assertEqual(self.get(SEED, TOKYO, rejected)["Status"],
                         {"Code": "rejected", "Message": f"Rejected by {SEED}"})
        self.advance(2 * HOUR_S - MARGIN)
        self.assert_seen(SEED, TOKYO, rejected, "rejected")
        self.assert_seen(SEED, TOKYO, deleted, "deleted")
        self.advance(2 * MARGIN)
        self.assert_gone(SEED, TOKYO, rejected)
        self.assert_gone(SEED, TOKYO, deleted)
        # The pair is free again: a new request gets a new ID.
        again = self.create(SEED, TOKYO, va, vb)["VpcPeeringConnectionId"]
        self.assertNotEqual(again, rejected)
        self.wait_code(SEED, TOKYO, again, "pending-acceptance")


if __name__ == "__main__":
    harness.main()
