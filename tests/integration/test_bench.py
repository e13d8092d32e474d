"""bench/run.sh (issue 9's benchmark) runs to the end on a real cluster and
prints one JSON document with every figure, the machine it ran on, and the
issue's targets judged against this run's own figures. Timed figures are
not asserted (they move with the machine); what is asserted is that each
target names the figure the document reports and judges it by its bound."""
import json
import os
import subprocess
import unittest

import harness

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Bench(unittest.TestCase):
    def run_bench(self, *opts):
        """bench/run.sh --quick OPTS on this build; its JSON document."""
        build = os.path.dirname(harness.BIN)
        r = subprocess.run(["bash", os.path.join(ROOT, "bench", "run.sh"), "--quick", *opts, build],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        return json.loads(r.stdout)

    def test_a_quick_run_reports_its_figures_and_the_targets(self):
        doc = self.run_bench()

        m = doc["Machine"]
        self.assertEqual(m["Cpus"], os.cpu_count())
        self.assertEqual(m["CpusUsable"], len(os.sched_getaffinity(0)))

        t = doc["Targets"]
        self.assertTrue(t["QuickSizes"])
        judged = []
        for key in ("SameRegion", "InterRegion"):
            many = doc[key]["ManyInFlight"]
            figures = {
                "AnsweredPerSecond": (many["Answered"]["AnsweredPerSecond"], ">=", 20000),
                "SettledPerSecond": (many["Settled"]["SettledPerSecond"], ">=", 15000),
                "OneAtATimeAnsweredP50Ms": (doc[key]["OneAtATime"]["AnsweredMs"]["p50"], "<=", 1.0),
            }
            for name, (fig, op, bound) in figures.items():
                judged.append(self.check(t[key][name], fig, op, bound))
        scale = doc["Scale"]
        judged.append(self.check(t["Scale"]["AgentRssAtRestMedianMB"],
                                 scale["AgentRssAtRestMB"]["median"], "<", 10))
        judged.append(self.check(t["Scale"]["ReachabilityAnalysisP50Ms"],
                                 scale["Reachability"]["AnalysisMs"]["p50"], "<=", 10))
        self.assertEqual(t["AllHold"], all(judged))

    def check(self, got, figure, op, bound):
        """got is {"Figure", "Target", "Holds"} for figure against op bound."""
        self.assertEqual(got["Figure"], figure)
        self.assertEqual(got["Target"], f"{op} {bound}")
        want = {"<": figure < bound, "<=": figure <= bound, ">=": figure >= bound}[op]
        self.assertIs(got["Holds"], want)
        return want

    def test_without_the_scale_run_its_targets_are_not_judged(self):
        t = self.run_bench("--no-scale")["Targets"]
        for name in ("AgentRssAtRestMedianMB", "ReachabilityAnalysisP50Ms"):
            self.assertIsNone(t["Scale"][name]["Figure"])
            self.assertIsNone(t["Scale"][name]["Holds"])
        self.assertIsNone(t["AllHold"])
        self.assertIsInstance(t["SameRegion"]["SettledPerSecond"]["Holds"], bool)


if __name__ == "__main__":
    harness.main()
