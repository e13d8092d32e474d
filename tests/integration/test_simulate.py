"""`vpcsim simulate`, the seeded deterministic simulation, as a user runs it:
it passes on the peering code, the same seed gives the same report byte for
byte, the planted stale-replica bug is caught and the failing pcx named, and
--replay traces one schedule. No broker or agents: it runs in-process."""
import json
import os
import re
import subprocess
import unittest

import harness

KEYS = ["Seed", "Schedules", "Operations", "Acknowledged", "Unknown", "LostAcknowledged",
        "DivergedViews", "InvariantViolations", "LinearizabilityViolations",
        "FailedSchedules", "Passed"]
PCX = re.compile(r"pcx-[0-9a-f]{17}")


def simulate(*args, timeout=120):
    argv = [os.path.join(harness.BIN, "vpcsim"), "simulate", *args]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return harness.Result(p.returncode, p.stdout, p.stderr)


class Simulate(unittest.TestCase):
    def test_short_run_passes(self):
        r = simulate("--seed", "3", "--schedules", "40", "--operations", "40")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(list(doc.keys()), KEYS)
        self.assertEqual(doc["Seed"], 3)
        self.assertEqual(doc["Schedules"], 40)
        self.assertTrue(doc["Passed"])
        self.assertEqual(doc["FailedSchedules"], [])
        for k in ("LostAcknowledged", "DivergedViews", "InvariantViolations",
                  "LinearizabilityViolations"):
            self.assertEqual(doc[k], 0, k)
        self.assertGreater(doc["Operations"], 40 * 30)
        self.assertGreater(doc["Acknowledged"], 0)
        self.assertLessEqual(doc["Acknowledged"] + doc["Unknown"], doc["Operations"])
        # Indented by 4 spaces, as every vpcsim JSON document.
        self.assertTrue(r.out.startswith('{\n    "Seed": 3,'), r.out[:40])
        # The progress indicator goes to stderr, never into the report.
        self.assertIn("40/40 schedules", r.err)

    def test_faults_and_crashes_pass(self):
        r = simulate("--seed", "11", "--schedules", "30", "--faults",
                     "drop=0.3,duplicate=0.2,delay=0-500", "--crash", "0.1")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertTrue(doc["Passed"])
        self.assertGreater(doc["Unknown"], 0)

    def test_same_seed_same_bytes(self):
        args = ("--seed", "42", "--schedules", "25", "--crash", "0.05")
        a, b = simulate(*args), simulate(*args)
        self.assertEqual(a.rc, b.rc)
        self.assertEqual(a.out, b.out)
        c = simulate("--seed", "43", "--schedules", "25", "--crash", "0.05")
        self.assertNotEqual(a.out, c.out)

    def test_planted_bug_is_caught_and_named(self):
        r = simulate("--seed", "1", "--schedules", "100", "--planted-bug", "stale-replica")
        self.assertNotEqual(r.rc, 0, r)
        doc = r.json()
        self.assertFalse(doc["Passed"])
        self.assertTrue(doc["FailedSchedules"])
        for name in doc["FailedSchedules"]:
            self.assertRegex(name, r"^1:\d+$")
        self.assertGreater(doc["DivergedViews"] + doc["InvariantViolations"] +
                           doc["LinearizabilityViolations"], 0)
        # stderr names the failing schedule, its pcx, and how to replay it.
        first = doc["FailedSchedules"][0]
        line = next(l for l in r.err.splitlines() if l.startswith(f"FAILED {first}:"))
        self.assertRegex(line, PCX)
        self.assertIn(f"--replay {first}", r.err)
        pcx = PCX.search(line).group(0)

        # The same schedules without the bug pass.
        sched = int(first.split(":")[1])
        ok = simulate("--seed", "1", "--schedules", str(sched + 1))
        self.assertEqual(ok.rc, 0, ok)

        # Replaying the failing schedule fails the same way, with the
        # failing pcx's history after the trace.
        rp = simulate("--replay", first, "--planted-bug", "stale-replica")
        self.assertNotEqual(rp.rc, 0)
        self.assertEqual(rp.json()["FailedSchedules"], [first])
        self.assertIn(pcx, rp.err)
        self.assertIn("--- report ---", rp.err)
        report = rp.err.split("--- report ---", 1)[1]
        self.assertIn(pcx, report)
        self.assertRegex(report, r"#\d+ c\d+ \d{12}/[a-z0-9-]+ create " + pcx)

    def test_replay_prints_a_trace(self):
        r = simulate("--replay", "7:3")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["Seed"], 7)
        self.assertEqual(doc["Schedules"], 1)
        self.assertTrue(doc["Passed"])
        lines = r.err.splitlines()
        self.assertGreater(len(lines), 50)
        for needle in (" call #", " reply #", " send ", " recv ", " view: ", "history #", "heal:"):
            self.assertTrue(any(needle in l for l in lines), needle)
        self.assertTrue(all(l.startswith("t=") for l in lines if l), lines[:3])
        # A replay is deterministic too, trace included.
        again = simulate("--replay", "7:3")
        self.assertEqual(again.err, r.err)
        self.assertEqual(again.out, r.out)

    def test_usage_errors(self):
        for args in (["--faults", "drop=2"], ["--faults", "loss=0.1"], ["--crash", "x"],
                     ["--replay", "7"], ["--planted-bug", "other"], ["--schedules", "0"],
                     ["--bogus", "1"]):
            r = simulate(*args)
            self.assertEqual(r.rc, 252, (args, r))
            self.assertEqual(r.out, "")
            self.assertIn("usage: vpcsim simulate", r.err)


if __name__ == "__main__":
    harness.main()
