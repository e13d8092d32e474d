"""--cpu LIST (common/cpu.h): vpcsim-broker and vpcsim-agent keep every
thread they run (their loop, ZeroMQ's I/O and reaper threads, the store's
checkpointer) on the CPUs listed, still do their work there, and refuse a
list they cannot use with exit status 2 and a one-line reason."""
import json
import os
import subprocess

import harness
from harness import Cluster
from peering_util import PcxTest

A = "111111111111"
B = "222222222222"
R = "us-east-1"


def threads_cpus(pid):
    """{thread name: Cpus_allowed_list} of every thread of pid."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            name = f.read().strip()
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    out[f"{name}/{tid}"] = line.split(":", 1)[1].strip()
    return out


class Cpu(PcxTest):
    def setUp(self):
        # The last CPU this test may use: not the first, so that a process
        # left to the default would show the whole set, not this one.
        self.cpu = str(max(os.sched_getaffinity(0)))
        self.c = Cluster(keys=self.KEYS)
        self.c.start_broker(opts=["--cpu", self.cpu])

    def test_every_thread_stays_on_the_cpu_and_work_goes_on(self):
        pa = self.c.start_agent(A, R, "--cpu", self.cpu)
        pb = self.c.start_agent(B, R)
        va = self.vpc(A, R, "10.1.0.0/16")
        vb = self.vpc(B, R, "10.2.0.0/16")
        pcx = self.handshake(A, R, va, vb, owner=B)
        for p in (self.c.broker, pa):
            cpus = threads_cpus(p.pid)
            # The loop and ZeroMQ's two threads at least.
            self.assertGreaterEqual(len(cpus), 3, cpus)
            self.assertEqual(set(cpus.values()), {self.cpu}, cpus)
        # The agent started without --cpu keeps the whole set.
        allowed = threads_cpus(pb.pid)
        if len(os.sched_getaffinity(0)) > 1:
            self.assertNotIn(self.cpu, set(allowed.values()), allowed)

    def test_a_list_it_cannot_use_is_refused(self):
        beyond = str(max(os.sched_getaffinity(0)) + 1)
        for prog, argv in (
                ("vpcsim-agent", ["--broker", self.c.endpoint, "--account", A, "--region", R,
                                  "--data-dir", os.path.join(self.c.dir, "x")]),
                ("vpcsim-broker", ["--listen", f"tcp://127.0.0.1:{harness.free_port()}"])):
            for bad, why in ((beyond, f"CPU {beyond} is not one this process may run on"),
                             ("1-", "--cpu needs CPU numbers"),
                             ("", "--cpu needs CPU numbers"),
                             ("0;1", "--cpu needs CPU numbers")):
                r = subprocess.run([os.path.join(harness.BIN, prog), *argv, "--cpu", bad],
                                   capture_output=True, text=True, timeout=10)
                self.assertEqual(r.returncode, 2, (prog, bad, r.stderr))
                self.assertIn(why, r.stderr.splitlines()[0], (prog, bad))

    def test_a_cluster_file_passes_cpu_to_broker_and_agents(self):
        d = os.path.join(self.c.dir, "cluster")
        os.makedirs(d)
        conf = os.path.join(d, "cluster.json")
        with open(conf, "w") as f:
            json.dump({"broker": {"listen": f"tcp://127.0.0.1:{harness.free_port()}",
                                  "options": ["--cpu", self.cpu]},
                       "data_dir": "./data",
                       "agents": [{"account": A, "region": R, "options": ["--cpu", self.cpu]}]}, f)
        vpcsim = os.path.join(harness.BIN, "vpcsim")
        up = subprocess.run([vpcsim, "cluster", "up", "--config", conf],
                            capture_output=True, text=True, timeout=60)
        try:
            self.assertEqual(up.returncode, 0, up.stderr)
            doc = json.loads(up.stdout)
            for pid in [doc["Broker"]["Pid"]] + [a["Pid"] for a in doc["Agents"]]:
                cpus = threads_cpus(pid)
                self.assertGreaterEqual(len(cpus), 3, cpus)
                self.assertEqual(set(cpus.values()), {self.cpu}, cpus)
        finally:
            subprocess.run([vpcsim, "cluster", "down", "--config", conf],
                           capture_output=True, timeout=60)


if __name__ == "__main__":
    harness.main()
