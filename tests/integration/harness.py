"""Multi-process test harness: real brokers and agents on loopback.

Every process is started by this harness, on a random free port, with its
data in a temporary directory, and ended by pid when the test ends (also
when it fails). Tests talk to the cluster only through the `vpcsim` CLI, as a
user would.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BIN = None  # set by main()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"Result(rc={self.rc}, out={self.out!r}, err={self.err!r})"


class Cluster:
    """A broker and any number of agents, each a real process."""

    def __init__(self, test=None, keys=False):
        self.dir = tempfile.mkdtemp(prefix="vpcsim-it-")
        # keys=True: a keyring (vpcsim keys init) that the broker, every
        # agent and every CLI call use.
        self.keys = os.path.join(self.dir, "keys") if keys else None
        if self.keys:
            self.keyring()
        self.port = free_port()
        self.endpoint = f"tcp://127.0.0.1:{self.port}"
        self.broker = None
        self.agents = {}   # (account, region) -> Popen
        self.agent_opts = {}
        self.logs = []

    def keyring(self, *args, keys_dir=None):
        """vpcsim keys init KEYS ARGS (adds key pairs to the keyring)."""
        subprocess.run([os.path.join(BIN, "vpcsim"), "keys", "init", keys_dir or self.keys, *args],
                       check=True, capture_output=True)

    # -- processes ----------------------------------------------------
    def _spawn(self, name, argv):
        log = open(os.path.join(self.dir, f"{name}.log"), "ab")
        self.logs.append(log)
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)

    def start_broker(self, data_dir=True, capture=None, opts=()):
        """capture: a file the broker appends every relayed PeerMessage to;
        opts: more options for vpcsim-broker."""
        argv = [os.path.join(BIN, "vpcsim-broker"), "--listen", self.endpoint, *opts]
        if data_dir:
            argv += ["--data-dir", os.path.join(self.dir, "broker")]
        if capture:
            argv += ["--capture", capture]
        if self.keys:
            argv += ["--keys", self.keys]
        self.broker = self._spawn("broker", argv)
        return self.broker

    def agent_dir(self, account, region):
        return os.path.join(self.dir, f"agent-{account}-{region}")

    def start_agent(self, account, region, *opts, wait=True):
        self.agent_opts[(account, region)] = opts
        argv = [os.path.join(BIN, "vpcsim-agent"), "--broker", self.endpoint,
                "--account", account, "--region", region,
                "--data-dir", self.agent_dir(account, region), *opts]
        if self.keys and "--keys" not in opts:
            self.keyring("--account", f"{account}:{region}")
            argv += ["--keys", self.keys]
        p = self._spawn(f"agent-{account}-{region}", argv)
        self.agents[(account, region)] = p
        if wait:
            self.wait_online(account, region)
        return p

    def restart_agent(self, account, region, wait=True):
        return self.start_agent(account, region, *self.agent_opts[(account, region)], wait=wait)

    def kill9(self, proc):
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self, proc, timeout=10):
        """SIGTERM; returns the exit status."""
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout=timeout)

    def sanitizer_reports(self):
        """Lines where AddressSanitizer, LeakSanitizer or UBSan complained in
        any process of this cluster (empty in a normal build)."""
        found = []
        for name in sorted(os.listdir(self.dir)):
            if not name.endswith(".log"):
                continue
            with open(os.path.join(self.dir, name), errors="replace") as f:
                for line in f:
                    if "Sanitizer" in line or "runtime error:" in line:
                        found.append(f"{name}: {line.strip()}")
        return found

    def close(self):
        procs = list(self.agents.values()) + ([self.broker] if self.broker else [])
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for f in self.logs:
            f.close()
        if os.environ.get("VPCSIM_KEEP_TMP"):
            print(f"kept {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def dump_logs(self):
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".log"):
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    tail = f.read()[-3000:]
                print(f"----- {name} -----\n{tail}", file=sys.stderr)

    # -- the CLI ----------------------------------------------------------
    def cli(self, account, region, *args, timeout=5, env=None, keys=None):
        argv = [os.path.join(BIN, "vpcsim"), "--broker", self.endpoint]
        keys = self.keys if keys is None else keys
        if keys:
            argv += ["--keys", keys]
        if account:
            argv += ["--account", account]
        if region:
            argv += ["--region", region]
        argv += ["--timeout", str(timeout), *args]
        e = dict(os.environ)
        for k in ("VPCSIM_BROKER", "VPCSIM_ACCOUNT", "AWS_REGION", "AWS_DEFAULT_REGION",
                  "VPCSIM_KEYS", "AWS_MAX_ATTEMPTS"):
            e.pop(k, None)
        if env:
            e.update(env)
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + 30, env=e)
        return Result(p.returncode, p.stdout, p.stderr)

    def ec2(self, account, region, *args, **kw):
        return self.cli(account, region, "ec2", *args, **kw)

    def ok(self, account, region, *args, **kw):
        """Runs an ec2 command that must succeed; returns its JSON (or None)."""
        r = self.ec2(account, region, *args, **kw)
        if r.rc != 0:
            raise AssertionError(f"vpcsim ec2 {' '.join(args)} failed: {r}")
        return r.json() if r.out.strip() else None

    def bench_handshake(self, requester, accepter, *args, timeout=300):
        """Runs `vpcsim-bench handshake` from requester to accepter ("account:region")
        against this cluster, with args; returns its JSON report."""
        r = subprocess.run([os.path.join(BIN, "vpcsim-bench"), "handshake", "--broker",
                            self.endpoint, "--requester", requester, "--accepter", accepter,
                            *args], capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise AssertionError(f"vpcsim-bench handshake failed: {r.stderr}")
        return json.loads(r.stdout)

    def admin(self, *args, **kw):
        return self.cli(None, None, "admin", *args, **kw)

    def agents_status(self):
        r = self.admin("describe-agents")
        if r.rc != 0:
            return {}
        return {(a["AccountId"], a["Region"]): a for a in r.json()["Agents"]}

    def wait_online(self, account, region, timeout=15):
        """Until the broker lists the agent online AND the agent answers a
        call (a restarted agent may still be listed under its old, dead
        connection for a moment)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            a = self.agents_status().get((account, region))
            if a and a["Status"] == "online" and \
                    self.ec2(account, region, "describe-vpcs", "--max-results", "5", timeout=2).rc == 0:
                return self.agents_status().get((account, region))
            time.sleep(0.1)
        self.dump_logs()
        raise AssertionError(f"agent {account}/{region} not online within {timeout}s")

    def wait_status(self, account, region, status, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            a = self.agents_status().get((account, region))
            if a and a["Status"] == status:
                return a
            time.sleep(0.2)
        raise AssertionError(f"agent {account}/{region} not {status} within {timeout}s")


class ClusterTest(unittest.TestCase):
    """Base class: self.c is a fresh cluster with a broker; logs are shown
    when a test fails."""

    KEYS = False   # a subclass sets True to run with a keyring

    def setUp(self):
        self.c = Cluster(keys=self.KEYS)
        self.c.start_broker()

    def tearDown(self):
        outcome = getattr(self, "_outcome", None)
        failed = False
        if outcome is not None:
            result = getattr(outcome, "result", None)
            if result is not None:
                failed = any(t is self for t, _ in result.failures + result.errors)
        if failed:
            self.c.dump_logs()
        # Stop everything gently first, so leak checkers get to report.
        for p in list(self.c.agents.values()) + [self.c.broker]:
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in list(self.c.agents.values()) + [self.c.broker]:
            if p is not None:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        reports = self.c.sanitizer_reports()
        self.c.close()
        if reports and not failed:
            self.fail("sanitizer reports:\n" + "\n".join(reports[:20]))


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="folder with vpcsim, vpcsim-broker, vpcsim-agent")
    args, rest = ap.parse_known_args()
    BIN = os.path.abspath(args.bin)
    unittest.main(argv=[sys.argv[0], "-v", *rest])
