"""Races between the two owners of a peering connection, as concurrent CLI
processes from the two accounts, many times over: accept vs delete, delete
vs delete, reject vs delete, accept vs associate-vpc-cidr-block.

The home of a pcx (the requester's agent) decides every transition, one at
a time (docs/peering-protocol.md), so each race has a winner and the loser
is judged against the winner's result. After each round both views agree,
and what each CLI said is true: the set of successes is one a serial order
allows, the loser's error names the state the winner left, and the final
Status (down to "Deleted by <account>") matches the winner."""
import json
import os
import random
import subprocess
import time

import harness
from peering_util import A, B, EUW1, USE1, PcxTest

ROUNDS = 30
CALL_TIMEOUT = 20
ACCEPT, REJECT, DELETE = ("AcceptVpcPeeringConnection", "RejectVpcPeeringConnection",
                          "DeleteVpcPeeringConnection")
ASSOCIATE = "AssociateVpcCidrBlock"


class Call:
    """One CLI process started now and collected later."""

    def __init__(self, c, acct, region, *args):
        argv = [os.path.join(harness.BIN, "vpcsim"), "--broker", c.endpoint, "--account", acct,
                "--region", region, "--timeout", str(CALL_TIMEOUT), "ec2", *args]
        env = {k: v for k, v in os.environ.items()
               if k not in ("VPCSIM_BROKER", "VPCSIM_ACCOUNT", "AWS_REGION",
                            "AWS_DEFAULT_REGION")}
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env)

    def result(self):
        out, err = self.p.communicate(timeout=CALL_TIMEOUT + 30)
        return harness.Result(self.p.returncode, out, err)


class Races(PcxTest):
    def setUp(self):
        super().setUp()
        self.outcomes = {}
        self.rng = random.Random(f"{self._testMethodName}-{os.getpid()}")

    def tearDown(self):
        if self.outcomes:
            print(f"\n  {self._testMethodName}: {self.outcomes}", flush=True)
        super().tearDown()

    def cluster(self, accepter_region):
        self.rb = accepter_region
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, accepter_region)
        self.va = self.vpc(A, USE1, "10.100.0.0/16")
        self.views = [(A, USE1), (B, accepter_region)]

    def fresh_pending(self, i):
        """A new pending request to a new accepter VPC of B."""
        vb = self.vpc(B, self.rb, f"10.{i + 1}.0.0/16")
        pcx = self.create(A, USE1, self.va, vb, owner=B, peer_region=self.rb)[
            "VpcPeeringConnectionId"]
        self.wait_code(A, USE1, pcx, "pending-acceptance")
        self.wait_code(B, self.rb, pcx, "pending-acceptance")
        return pcx, vb

    def fresh_active(self, i):
        pcx, vb = self.fresh_pending(i)
        self.act_ok(B, self.rb, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.wait_code(B, self.rb, pcx, "active")
        return pcx, vb

    def race(self, i, first, second):
        """Starts two calls at once (alternating which is started first, the
        other up to 20 ms later, so that each side gets to win) and returns
        their results in the order given."""
        specs = [first, second] if i % 2 == 0 else [second, first]
        calls = [Call(self.c, *specs[0])]
        time.sleep(self.rng.uniform(0, 0.02))
        calls.append(Call(self.c, *specs[1]))
        res = [call.result() for call in calls]
        for r in res:
            self.assertIn(r.rc, (0, 254), r)     # never a timeout or a crash
        return res if i % 2 == 0 else res[::-1]

    def settle(self, pcx):
        """Ends provisioning/deleting and returns the one code both views agree on."""
        self.advance(5)
        return self.assert_views_agree(pcx, self.views)

    def tally(self, key):
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def test_accept_vs_delete(self):
        self.cluster(USE1)
        for i in range(ROUNDS):
            pcx, _ = self.fresh_pending(i)
            acc, dele = self.race(i, (B, USE1, "accept-vpc-peering-connection",
                                      "--vpc-peering-connection-id", pcx),
                                  (A, USE1, "delete-vpc-peering-connection",
                                   "--vpc-peering-connection-id", pcx))
            final = self.settle(pcx)
            self.tally((acc.rc, dele.rc))
            if acc.rc == 0 and dele.rc == 0:
                # Only if the accept came first and the connection was
                # already active when the delete arrived.
                self.assertEqual(final, "deleted")
            elif acc.rc == 0:
                self.assertEqual(json.loads(acc.out)["VpcPeeringConnection"]["Status"]["Code"],
                                 "provisioning")
                self.assert_transition(dele, pcx, "provisioning", "deleting", DELETE)
                self.assertEqual(final, "active")
            elif dele.rc == 0:
                self.assert_transition(acc, pcx, "deleted", "provisioning", ACCEPT)
                self.assertEqual(final, "deleted")
                self.assertEqual(self.get(B, USE1, pcx)["Status"]["Message"], f"Deleted by {A}")
            else:
                self.fail(f"round {i}: both failed: {acc} {dele}")

    def test_delete_vs_delete(self):
        """Inter-Region, so the loser may find the connection deleting."""
        self.cluster(EUW1)
        for i in range(ROUNDS):
            pcx, _ = self.fresh_active(i)
            da, db = self.race(i, (A, USE1, "delete-vpc-peering-connection",
                                   "--vpc-peering-connection-id", pcx),
                               (B, EUW1, "delete-vpc-peering-connection",
                                "--vpc-peering-connection-id", pcx))
            final = self.settle(pcx)
            self.tally((da.rc, db.rc))
            self.assertEqual(final, "deleted")
            oks = [r for r in (da, db) if r.rc == 0]
            self.assertEqual(len(oks), 1, f"round {i}: {da} {db}")
            winner, loser = (A, db) if da.rc == 0 else (B, da)
            self.assertEqual(json.loads(oks[0].out), {"Return": True})
            self.assertIn(loser.err.strip(), [
                f"An error occurred (InvalidStateTransition) when calling the {DELETE} "
                f"operation: Invalid state transition for {pcx}, attempted to transition "
                f"from {s} to deleting" for s in ("deleting", "deleted")])
            for acct, region in self.views:
                self.assertEqual(self.get(acct, region, pcx)["Status"]["Message"],
                                 f"Deleted by {winner}")

    def test_reject_vs_delete(self):
        self.cluster(USE1)
        for i in range(ROUNDS):
            pcx, _ = self.fresh_pending(i)
            rej, dele = self.race(i, (B, USE1, "reject-vpc-peering-connection",
                                      "--vpc-peering-connection-id", pcx),
                                  (A, USE1, "delete-vpc-peering-connection",
                                   "--vpc-peering-connection-id", pcx))
            final = self.settle(pcx)
            self.tally((rej.rc, dele.rc))
            self.assertEqual(sorted([rej.rc, dele.rc]), [0, 254], f"round {i}: {rej} {dele}")
            if rej.rc == 0:
                self.assert_transition(dele, pcx, "rejected", "deleting", DELETE)
                self.assertEqual(final, "rejected")
                self.assertEqual(self.get(A, USE1, pcx)["Status"]["Message"], f"Rejected by {B}")
            else:
                self.assert_transition(rej, pcx, "deleted", "rejected", REJECT)
                self.assertEqual(final, "deleted")
                self.assertEqual(self.get(B, USE1, pcx)["Status"]["Message"], f"Deleted by {A}")

    def test_accept_vs_overlapping_cidr(self):
        """The accepter accepts while it adds a CIDR overlapping the
        requester: either the accept wins and the CIDR is refused, or the
        CIDR wins and the request fails. Never an active connection between
        overlapping VPCs."""
        self.cluster(USE1)
        for i in range(ROUNDS):
            pcx, vb = self.fresh_pending(i)
            acc, assoc = self.race(i, (B, USE1, "accept-vpc-peering-connection",
                                       "--vpc-peering-connection-id", pcx),
                                   (B, USE1, "associate-vpc-cidr-block", "--vpc-id", vb,
                                    "--cidr-block", "10.100.128.0/17"))
            self.advance(5)
            self.tally((acc.rc, assoc.rc))
            self.assertEqual(sorted([acc.rc, assoc.rc]), [0, 254], f"round {i}: {acc} {assoc}")
            cidrs = [a["CidrBlock"] for a in self.c.ok(B, USE1, "describe-vpcs", "--vpc-ids", vb)
                     ["Vpcs"][0]["CidrBlockAssociationSet"]]
            if acc.rc == 0:
                self.assert_error(assoc, "InvalidVpc.Range",
                                  f"The CIDR '10.100.128.0/17' overlaps with a CIDR block of the "
                                  f"peer VPC of VPC peering connection {pcx}.", ASSOCIATE)
                self.assertEqual(self.assert_views_agree(pcx, self.views), "active")
                self.assertNotIn("10.100.128.0/17", cidrs)
            else:
                # Judged by the home (failed), or already by the accepter's
                # own view, where a failed request is invisible.
                if "(InvalidVpcPeeringConnectionID.NotFound)" in acc.err:
                    self.assert_not_found(acc, pcx, ACCEPT)
                else:
                    self.assert_transition(acc, pcx, "failed", "provisioning", ACCEPT)
                self.assertIn("10.100.128.0/17", cidrs)
                # Failed: the requester sees it, the accepter no longer does.
                self.wait_code(A, USE1, pcx, "failed")
                self.wait_code(B, USE1, pcx, None)


if __name__ == "__main__":
    harness.main()
