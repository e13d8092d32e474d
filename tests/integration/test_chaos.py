"""`vpcsim chaos run`: a seeded chaos test starts its own cluster, races
peering operations under network faults and kill -9, heals, and must find
nothing lost, no diverged views, no broken invariant and no history that is
not linearizable. Also: its report's shape, its exit status, and that it
leaves no process and (without --keep) no files behind."""
import json
import os
import shutil
import subprocess
import time
import unittest

import harness

REPORT_KEYS = ["Seed", "Operations", "Acknowledged", "Unknown", "LostAcknowledged",
               "DivergedViews", "InvariantViolations", "LinearizabilityViolations",
               "ConvergenceSeconds", "Passed"]


def chaos(*args, timeout=170):
    argv = [os.path.join(harness.BIN, "vpcsim"), "chaos", "run", *args]
    started = time.time()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.time() - started


def data_dir(stderr):
    """The temporary directory the run announced on stderr."""
    for line in stderr.splitlines():
        if ", data in " in line:
            return line.rsplit(", data in ", 1)[1].strip()
    return None


def processes_using(path):
    """Pids of live processes whose command line mentions path."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if path in cmd and state not in ("Z", "X"):
            pids.append(int(pid))
    return pids


def sanitizer_reports(logs_dir):
    found = []
    for name in sorted(os.listdir(logs_dir)):
        with open(os.path.join(logs_dir, name), errors="replace") as f:
            for line in f:
                if "Sanitizer" in line or "runtime error:" in line:
                    found.append(f"{name}: {line.strip()}")
    return found


class Chaos(unittest.TestCase):
    def check_report(self, rc, out, err, seed, ops):
        self.assertTrue(out.strip(), f"no report on stdout; stderr:\n{err[-4000:]}")
        rep = json.loads(out)
        for k in REPORT_KEYS:
            self.assertIn(k, rep)
        self.assertEqual(rep["Seed"], seed)
        self.assertEqual(rep["Operations"], ops)
        self.assertEqual(rep["LostAcknowledged"], 0, json.dumps(rep["Problems"], indent=2))
        self.assertEqual(rep["DivergedViews"], 0, json.dumps(rep["Problems"], indent=2))
        self.assertEqual(rep["InvariantViolations"], 0, json.dumps(rep["Problems"], indent=2))
        self.assertEqual(rep["LinearizabilityViolations"], 0, json.dumps(rep["Problems"], indent=2))
        self.assertTrue(rep["Passed"], err[-4000:])
        self.assertEqual(rc, 0, err[-4000:])
        # The workload really ran: most calls were answered, and peering
        # connections were made and judged.
        self.assertGreater(rep["Acknowledged"], ops // 4)
        self.assertGreater(rep["PeeringConnections"], 5)
        self.assertIsInstance(rep["ConvergenceSeconds"], (int, float))
        self.assertTrue(out.startswith("{\n    \"Seed\": "), "indent 4")
        return rep

    def test_agents_killed_under_network_faults(self):
        rc, out, err, took = chaos("--seed", "7", "--operations", "300", "--accounts", "2",
                                   "--regions", "2", "--kill-agents",
                                   "--faults", "drop=0.1,duplicate=0.1,delay=1-20")
        rep = self.check_report(rc, out, err, 7, 300)
        self.assertGreaterEqual(rep["AgentKills"], 1)
        self.assertEqual(rep["BrokerKills"], 0)
        self.assertEqual(rep["Faults"]["Drop"], 0.1)
        self.assertEqual(rep["Faults"]["DelayMs"], [1, 20])
        # The broker really injected faults into agent-to-agent traffic.
        self.assertGreater(rep["Faults"]["Counters"]["Dropped"], 0)
        self.assertGreater(rep["Faults"]["Counters"]["Duplicated"], 0)
        self.assertLess(took, 150)
        # Progress went to stderr; everything it started is gone.
        self.assertIn("300/300", err)
        d = data_dir(err)
        self.assertIsNotNone(d, err[-2000:])
        self.assertFalse(os.path.exists(d), "the temporary directory is removed without --keep")
        self.assertEqual(processes_using(d), [])

    def test_broker_killed(self):
        rc, out, err, took = chaos("--seed", "11", "--operations", "200", "--kill-broker",
                                   "--faults", "drop=0.05,delay=0-10,reorder=0.1", "--keep")
        d = data_dir(err)
        try:
            rep = self.check_report(rc, out, err, 11, 200)
            self.assertGreaterEqual(rep["BrokerKills"], 1)
            self.assertEqual(rep["AgentKills"], 0)
            self.assertEqual(rep["DataDir"], d)
            # --keep leaves a cluster file that restarts the final state.
            self.assertTrue(os.path.isfile(os.path.join(d, "cluster.json")))
            # The run is authenticated: a keyring, and a broker enforcing it.
            self.assertTrue(os.path.isfile(os.path.join(d, "keys", "broker.key")))
            with open(os.path.join(d, "logs", "broker.log"), errors="replace") as f:
                self.assertIn("authentication on", f.read())
            self.assertEqual(processes_using(d), [])
            self.assertEqual(sanitizer_reports(os.path.join(d, "logs")), [])
            self.assertLess(took, 150)
        finally:
            if d and d.startswith("/"):
                shutil.rmtree(d, ignore_errors=True)

    def test_not_converging_in_time_fails(self):
        """Views that cannot be shown stable within the timeout fail the run
        (exit 1), with the reason in the report and on stderr."""
        rc, out, err, took = chaos("--seed", "3", "--operations", "60", "--faults",
                                   "drop=0.5,delay=100-200", "--convergence-timeout", "1")
        self.assertEqual(rc, 1, err[-3000:])
        rep = json.loads(out)
        self.assertFalse(rep["Passed"])
        self.assertFalse(rep["Converged"])
        self.assertIn("NotConverged", [p["Kind"] for p in rep["Problems"]])
        self.assertIn("NotConverged", err)
        d = data_dir(err)
        self.assertFalse(os.path.exists(d))
        self.assertEqual(processes_using(d), [])

    def test_usage_errors(self):
        rc, out, err, _ = chaos("--operations", "10")
        self.assertEqual(rc, 252)
        self.assertIn("--seed", err)
        rc, out, err, _ = chaos("--seed", "1", "--operations", "10", "--faults", "drop=2")
        self.assertEqual(rc, 252)
        self.assertIn("--faults", err)
        rc, out, err, _ = chaos("--seed", "1", "--operations", "10", "--faults", "loss=0.1")
        self.assertEqual(rc, 252)
        self.assertEqual(out, "")


if __name__ == "__main__":
    harness.main()
