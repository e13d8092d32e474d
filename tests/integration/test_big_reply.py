"""A Describe* answer too large for one message (the wire's 1 MiB document
limit) is a clear error at once, not a call that waits for an answer the
broker refused to relay; asked for in pages, the same listing works, and
the CLI follows NextToken to the end."""

import harness
from harness import ClusterTest

A, B, R = "111111111111", "222222222222", "us-east-1"
QUOTAS = ("--max-outstanding-pcx", "100000", "--max-active-pcx-per-vpc", "125")


class BigReply(ClusterTest):
    def test_too_large_is_an_error_and_pages_work(self):
        self.c.start_agent(A, R, *QUOTAS)
        self.c.start_agent(B, R, *QUOTAS)
        # 1,500 connections render to about 1.2 MB of JSON.
        bench = self.c.bench_handshake(f"{A}:{R}", f"{B}:{R}", "--vpcs", "100",
                                       "--per-vpc", "15", "--window", "256", timeout=120)
        self.assertEqual(bench["Handshakes"], 1500)

        r = self.c.ec2(A, R, "describe-vpc-peering-connections", timeout=20)
        self.assertNotEqual(r.rc, 0, "a 1.2 MB answer cannot be relayed")
        self.assertIn("(InternalError)", r.err)
        self.assertIn("1 MiB message limit", r.err)
        self.assertNotIn("timed out", r.err.lower())

        out = self.c.ok(A, R, "describe-vpc-peering-connections", "--page-size", "500",
                        timeout=20)
        ids = [c["VpcPeeringConnectionId"] for c in out["VpcPeeringConnections"]]
        self.assertEqual(len(ids), 1500)
        self.assertEqual(len(set(ids)), 1500)
        self.assertNotIn("NextToken", out)

        # Several large pages at once: replies the agent makes in one turn
        # go to the broker as the parts of one message, and a message ends
        # before 1 MiB (agent_send.c), so a turn of them goes as several.
        # Every caller still gets every connection.
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(8) as pool:
            runs = list(pool.map(
                lambda _: self.c.ok(A, R, "describe-vpc-peering-connections", "--page-size",
                                    "900", timeout=30), range(8)))
        for out in runs:
            ids = {c["VpcPeeringConnectionId"] for c in out["VpcPeeringConnections"]}
            self.assertEqual(len(ids), 1500)


if __name__ == "__main__":
    harness.main()
