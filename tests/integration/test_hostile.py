"""Hostile peers against the broker (issue 15), through vpcsim-hostile, a
test tool that speaks the wire protocol as a stranger would: a Hello with
a clock at 2^64-1, an Undeliverable from an agent, thousands of made-up
registrations, a million garbage frames; and the CLI's own limits: a tag
value that is not UTF-8 and an input over 1 MiB fail at once, the clock
refuses to pass year 9999, describe-agents pages."""
import datetime
import json
import os
import re
import sqlite3
import subprocess
import time

import harness
from peering_util import A, B, USE1, PcxTest, parse_aws_time, parse_sim_time

U64_MAX = 2**64 - 1


def hostile(c, *args, timeout=300):
    argv = [os.path.join(harness.BIN, "vpcsim-hostile"), args[0], c.endpoint, *map(str, args[1:])]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, p
    return json.loads(p.stdout)


def sanitized():
    """True when the binaries are built with AddressSanitizer."""
    p = subprocess.run(["ldd", os.path.join(harness.BIN, "vpcsim-broker")],
                       capture_output=True, text=True)
    return "libasan" in p.stdout


def rss_kb(proc):
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class ClockBounds(PcxTest):
    def test_hello_at_max_clock_is_clamped(self):
        before = self.sim_now()
        w = hostile(self.c, "hello", "999999999999", USE1, U64_MAX)
        self.assertTrue(w["answered"] and w["ok"], w)
        now = self.sim_now()
        # Pulled at most by the longest timer (8 days), never to 1970 or 9999.
        self.assertLess(now - before, datetime.timedelta(days=8, minutes=1))
        self.assertGreaterEqual(now, before)
        with open(os.path.join(self.c.dir, "broker.log")) as f:
            self.assertIn("clamped", f.read())
        # A new peering connection is correct on both sides.
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, USE1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        vb = self.vpc(B, USE1, "10.2.0.0/16")
        p = self.create(A, USE1, va, vb, owner=B)
        pcx = p["VpcPeeringConnectionId"]
        self.wait_code(B, USE1, pcx, "pending-acceptance")
        exp = parse_aws_time(self.get(B, USE1, pcx)["ExpirationTime"])
        self.assertLess(abs(exp - (self.sim_now() + datetime.timedelta(days=7))),
                        datetime.timedelta(minutes=1))
        self.assertEqual(self.get(A, USE1, pcx)["ExpirationTime"],
                         self.get(B, USE1, pcx)["ExpirationTime"])

    def test_advance_past_year_9999_refused(self):
        now = self.sim_now()
        end = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
        # Centuries at a time (the largest step) until the year 9999 ends.
        century = 100 * 365 * 24 * 3600
        steps = 0
        while True:
            r = self.c.admin("advance-clock", "--seconds", str(century))
            if r.rc != 0:
                break
            steps += 1
            self.assertLess(steps, 81, "advance-clock went past year 9999")
        self.assertEqual(r.rc, 254, r)
        self.assertIn("would move the simulated clock past 9999-12-23T23:59:59.999Z, the latest "
                      "time it can reach", r.err)
        # The clock keeps working: shown, and advanced to its very end.
        last = self.sim_now()
        self.assertGreaterEqual(last.year, 9900)
        left = int((end - last).total_seconds()) - 8 * 24 * 3600 - 60
        self.advance(left)
        self.assertEqual(self.sim_now().year, 9999)
        r = self.c.admin("advance-clock", "--seconds", "3600")
        self.assertEqual(r.rc, 254, r)
        r = self.c.admin("clock")
        self.assertEqual(r.rc, 0, r)


def stored_object(c, data_dir, obj_id):
    """An object as a running agent stored it, as JSON: its records are
    binary, and its store is locked, so a copy (SQLite's online backup) is
    read with vpcsim-agent --dump-objects."""
    copy = os.path.join(c.dir, f"dump-{obj_id}")
    os.makedirs(copy, exist_ok=True)
    with sqlite3.connect(os.path.join(data_dir, "agent.db")) as src, \
            sqlite3.connect(os.path.join(copy, "agent.db")) as dst:
        src.backup(dst)
    out = subprocess.run([os.path.join(harness.BIN, "vpcsim-agent"), "--dump-objects",
                          "--data-dir", copy], capture_output=True, text=True, timeout=30,
                         check=True).stdout
    return next(d for d in map(json.loads, out.splitlines()) if d.get("Id") == obj_id)


class ForgedPeering(PcxTest):
    def test_third_agent_state_changes_nothing(self):
        c_acct = "333333333333"
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, USE1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        vb = self.vpc(B, USE1, "10.2.0.0/16")
        pcx = self.create(A, USE1, va, vb, owner=B)["VpcPeeringConnectionId"]
        self.wait_code(B, USE1, pcx, "pending-acceptance")
        self.act_ok(B, USE1, "accept", pcx)
        self.wait_code(A, USE1, pcx, "active")
        # The record as B holds it, rewritten by the third account C:
        # active, a far later version, C as the requester (so that a check
        # made on the body alone would pass).
        doc = stored_object(self.c, self.c.agent_dir(B, USE1), pcx)
        rec = doc["Record"]
        rec.update(State="active", StatusMessage="Active", Version=1000)
        rec["Requester"].update(Account=c_acct, Region=USE1)
        arn = f"arn:aws:ec2:{USE1}:{B}:vpc/{vb}"
        for kind in ("State", "OpResult"):
            payload = json.dumps({"T": kind, "Id": pcx, "Pcx": rec, "OpId": "1", "Ok": True})
            r = hostile(self.c, "peer", c_acct, USE1, arn, payload)
            self.assertTrue(r["acked"], r)
        self.assertEqual(self.code(B, USE1, pcx), "active")
        # The home deletes it: B follows the home, not the forger's version.
        self.act_ok(A, USE1, "delete", pcx)
        self.wait_code(A, USE1, pcx, "deleted")
        self.wait_code(B, USE1, pcx, "deleted", timeout=15)
        with open(os.path.join(self.c.dir, f"agent-{B}-{USE1}.log"), errors="replace") as f:
            self.assertIn(f"from agent {c_acct}/{USE1} refused", f.read())


    def test_third_agent_acks_clear_nothing(self):
        """Acks of A's messages to B, forged by a third agent C (in an Ack
        and on a peer message), leave them in A's outbox: B gets them
        when it comes back."""
        c_acct = "333333333333"
        self.c.start_agent(A, USE1)
        b = self.c.start_agent(B, USE1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        vb = self.vpc(B, USE1, "10.2.0.0/16")
        self.assertEqual(self.c.stop(b), 0)
        pcx = self.create(A, USE1, va, vb, owner=B)["VpcPeeringConnectionId"]
        db_path = os.path.join(self.c.agent_dir(A, USE1), "agent.db")

        def pending():
            with sqlite3.connect(db_path) as db:
                return [r[0] for r in db.execute(
                    "SELECT msg_id FROM outbox WHERE to_account = ?", (B,))]
        self.wait_for(lambda: pending(), "A's request to B in its outbox")
        ids = pending()
        r = hostile(self.c, "acks", c_acct, USE1, A, USE1, ",".join(map(str, ids)))
        self.assertTrue(r["acked"], r)    # A has handled both by now
        self.assertEqual(sorted(pending()), sorted(ids))
        self.c.restart_agent(B, USE1)
        self.wait_code(B, USE1, pcx, "pending-acceptance")
        self.wait_for(lambda: not pending(), "A's outbox to B empty")
        self.assertEqual(self.c.stop(self.c.agents[(A, USE1)]), 0)
        with open(os.path.join(self.c.dir, f"agent-{A}-{USE1}.log"), errors="replace") as f:
            m = re.search(r"acks not from the addressee (\d+)", f.read())
        self.assertIsNotNone(m)
        self.assertGreaterEqual(int(m.group(1)), 2 * len(ids))


class Refusals(PcxTest):
    def test_undeliverable_from_an_agent_is_refused(self):
        r = hostile(self.c, "undeliverable", "999999999999", USE1)
        self.assertTrue(r["refused"], r)
        self.assertIn("only the broker sends them", r["detail"])

    def test_not_utf8_and_oversize_answered_at_once(self):
        self.c.start_agent(A, USE1)
        vpc = self.vpc(A, USE1, "10.1.0.0/16")
        argv = [os.path.join(harness.BIN, "vpcsim"), "--broker", self.c.endpoint,
                "--account", A, "--region", USE1, "ec2", "create-tags", "--resources", vpc,
                "--tags"]
        t0 = time.monotonic()
        p = subprocess.run(argv + [b"Key=Name,Value=caf\xe9"], capture_output=True, timeout=30)
        self.assertLess(time.monotonic() - t0, 3)
        self.assertEqual(p.returncode, 252, p)
        self.assertIn(b"invalid UTF-8", p.stderr)
        big = os.path.join(self.c.dir, "big-tags.json")
        with open(big, "w") as f:
            json.dump([{"Key": "Name", "Value": "x" * ((1 << 20) + 10)}], f)
        t0 = time.monotonic()
        p = subprocess.run(argv + ["file://" + big], capture_output=True, text=True, timeout=30)
        self.assertLess(time.monotonic() - t0, 3)
        self.assertEqual(p.returncode, 252, p)
        self.assertIn("limit 1048576", p.stderr)
        # The VPC was not touched.
        tags = self.c.ok(A, USE1, "describe-vpcs", "--vpc-ids", vpc)["Vpcs"][0].get("Tags", [])
        self.assertEqual(tags, [])


class RegistryBound(harness.ClusterTest):
    def setUp(self):
        self.c = harness.Cluster()
        self.c.broker = self.c._spawn("broker", [
            os.path.join(harness.BIN, "vpcsim-broker"), "--listen", self.c.endpoint,
            "--max-agents", "3"])

    def test_past_the_bound_refused_clearly(self):
        r = hostile(self.c, "register", 3, 100000000000)
        self.assertEqual((r["ok"], r["refused"], r["silent"]), (3, 0, 0), r)
        r = hostile(self.c, "register", 2, 100000000003)
        self.assertEqual((r["ok"], r["refused"], r["silent"]), (0, 2, 0), r)
        self.assertIn("the broker already knows 3 agents, its limit", r["last_error"])
        # A known agent may still come back.
        r = hostile(self.c, "register", 1, 100000000000)
        self.assertEqual(r["ok"], 1, r)


class RegistrationsExpire(harness.ClusterTest):
    def setUp(self):
        self.c = harness.Cluster()

    def test_saved_registrations_unseen_for_a_week_are_forgotten(self):
        state = os.path.join(self.c.dir, "broker")
        os.makedirs(state)
        now_ms = int(time.time() * 1000)
        with open(os.path.join(state, "broker-state.json"), "w") as f:
            json.dump({"Version": 1, "SimulatedTimeMs": now_ms, "Agents": [
                {"AccountId": "100000000001", "Region": USE1, "Partition": "aws",
                 "LastHelloMs": now_ms - 8 * 24 * 3600 * 1000},
                {"AccountId": "100000000002", "Region": USE1, "Partition": "aws",
                 "LastHelloMs": now_ms - 3600 * 1000},
                {"AccountId": "100000000003", "Region": USE1, "Partition": "aws"}]}, f)
        # Agents welcomed after the file was last written are in the journal
        # (broker/state.h); the same rules apply, a line that is not an
        # agent is skipped, and a last line without its newline (a write the
        # broker was killed in) is ignored.
        with open(os.path.join(state, "broker-agents.journal"), "w") as f:
            f.write(f"100000000004 {USE1} {now_ms - 3600 * 1000}\n"
                    f"100000000005 {USE1} {now_ms - 8 * 24 * 3600 * 1000}\n"
                    f"not an agent\n"
                    f"100000000002 {USE1} {now_ms}\n"
                    f"100000000006 {USE1} {now_ms}")
        self.c.start_broker()
        deadline = time.monotonic() + 10
        while True:
            r = self.c.admin("describe-agents")
            if r.rc == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(sorted(a["AccountId"] for a in r.json()["Agents"]),
                         ["100000000002", "100000000003", "100000000004"])
        with open(os.path.join(self.c.dir, "broker.log")) as f:
            log = f.read()
        self.assertIn("forgot 2 saved agents that have not said hello for 7 days", log)
        self.assertIn("skipped 1 invalid lines", log)


class Flood(harness.ClusterTest):
    """5,000 registrations and a million garbage frames: memory and log
    stay bounded, answers stay fast. Prints the figures."""

    def test_registrations_and_garbage(self):
        time.sleep(0.5)
        log = os.path.join(self.c.dir, "broker.log")
        rss0, log0 = rss_kb(self.c.broker), os.path.getsize(log)
        t0 = time.monotonic()
        r = hostile(self.c, "register", 5000, 100000000000)
        t_reg = time.monotonic() - t0
        self.assertEqual(r["ok"], 5000, r)
        rss1, log1 = rss_kb(self.c.broker), os.path.getsize(log)
        t0 = time.monotonic()
        g = hostile(self.c, "garbage", 1000000)
        t_garbage = time.monotonic() - t0
        self.assertTrue(g["answered"], g)
        rss2, log2 = rss_kb(self.c.broker), os.path.getsize(log)
        t0 = time.monotonic()
        d = self.c.admin("describe-agents", timeout=30)
        t_describe = time.monotonic() - t0
        self.assertEqual(d.rc, 0, d)
        self.assertEqual(len(d.json()["Agents"]), 5000)
        print(f"\nbroker RSS {rss0} -> {rss1} (5,000 registrations, {t_reg:.1f} s) -> {rss2} kB "
              f"(1,000,000 garbage frames, {t_garbage:.1f} s); log {log0} -> {log1} -> {log2} "
              f"bytes; describe-agents {t_describe:.2f} s")
        # A second million: the memory the first needed (ZeroMQ's queues
        # of refusals, up to the high-water mark) is reused, not added to.
        g = hostile(self.c, "garbage", 1000000)
        self.assertTrue(g["answered"], g)
        rss3 = rss_kb(self.c.broker)
        print(f"after a second million garbage frames: RSS {rss3} kB, log "
              f"{os.path.getsize(log)} bytes")
        # Registrations: about 2 kB each at most; garbage: nothing kept.
        # (Under AddressSanitizer memory is not the program's own: its
        # quarantine keeps what was freed.)
        if not sanitized():
            self.assertLess(rss1 - rss0, 5000 * 3)
            self.assertLess(rss2 - rss1, 32 * 1024)
            self.assertLess(rss3 - rss2, 16 * 1024)
        # A million garbage frames add a few rate-limited lines, not 111 MB.
        self.assertLess(log2 - log1, 20000)
        self.assertLess(log1 - log0, 200000)
        self.assertLess(t_describe, 3)
        # Linear: the old broker saved the whole list on every Hello (33 s).
        self.assertLess(t_reg, 15)
        # The lines held back are counted once their window is over.
        self.wait_for_log(log, "more like this (malformed messages")

    def wait_for_log(self, log, text, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(log, errors="replace") as f:
                if text in f.read():
                    return
            time.sleep(0.5)
        self.fail(f"{text!r} never appeared in {log}")

    def test_describe_agents_pages(self):
        hostile(self.c, "register", 5, 100000000000)
        r = self.c.admin("describe-agents", "--max-items", "2")
        self.assertEqual(r.rc, 0, r)
        page = r.json()
        self.assertEqual([a["AccountId"] for a in page["Agents"]], ["100000000000", "100000000001"])
        r = self.c.admin("describe-agents", "--max-items", "10", "--starting-token", page["NextToken"])
        self.assertEqual([a["AccountId"] for a in r.json()["Agents"]],
                         ["100000000002", "100000000003", "100000000004"])
        self.assertNotIn("NextToken", r.json())


if __name__ == "__main__":
    harness.main()
