"""The docker-compose deployment (deploy/): the image built FROM scratch by
deploy/build-image.sh runs the seed's three agents and a broker in
containers, the host's `vpcsim` CLI drives a cross-account, inter-Region
peering lifecycle through the published port, and an agent's VPCs and
peering connections survive `docker compose kill` + `start` (its named
volume). Skipped only when Docker (with Compose) is not usable here.

The image is built from the binaries under test (--bin), under a tag and a
Compose project name of its own, so it neither clobbers a user's
vpcsim:latest nor collides with a concurrent run; tearDown always removes
the project's containers, network, volumes and that image.
"""
import json
import os
import shutil
import sys
import subprocess
import time
import unittest
import uuid

import harness
from peering_util import SEED, TOKYO, USE1, PcxTest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "deploy")
COMPOSE_FILE = os.path.join(DEPLOY, "docker-compose.yml")
B = "444455556666"
AGENTS = [(SEED, TOKYO), (B, TOKYO), (B, USE1)]


def s_run(argv, timeout=60, env=None):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.TimeoutExpired) as e:
        return subprocess.CompletedProcess(argv, 127, "", str(e))


def s_docker_status():
    """(compose argv prefix, None) when Docker and Compose work, else
    (None, why not)."""
    if not shutil.which("docker"):
        return None, "docker is not installed"
    r = s_run(["docker", "info"], timeout=30)
    if r.returncode != 0:
        return None, f"the Docker daemon is not usable: {(r.stderr or r.stdout).strip()[:200]}"
    if s_run(["docker", "compose", "version"], timeout=30).returncode == 0:
        return ["docker", "compose"], None
    if shutil.which("docker-compose") and \
            s_run(["docker-compose", "version"], timeout=30).returncode == 0:
        return ["docker-compose"], None
    return None, "neither `docker compose` nor `docker-compose` is installed"


COMPOSE, WHY_NOT = s_docker_status()


@unittest.skipUnless(COMPOSE, f"Docker is not usable on this machine: {WHY_NOT}")
class ComposeCluster(PcxTest):
    """PcxTest's peering helpers, but self.c talks to the containerised
    broker through its published port instead of a local process."""

    def setUp(self):
        self.project = f"vpcsimit{os.getpid()}{uuid.uuid4().hex[:8]}"
        self.tag = f"vpcsim-it:{self.project}"
        self.port = harness.free_port()
        self.gw_port = harness.free_port()
        self.c = harness.Cluster()      # only its CLI helpers; it starts nothing
        self.c.port = self.port
        self.c.endpoint = f"tcp://127.0.0.1:{self.port}"
        # The deployment is authenticated: a keyring of its own, whose files
        # compose mounts into each container; the host CLI uses it too.
        self.c.keys = os.path.join(self.c.dir, "keys")
        self.env = dict(os.environ, VPCSIM_IMAGE=self.tag, VPCSIM_PORT=str(self.port),
                        VPCSIM_GATEWAY_PORT=str(self.gw_port), VPCSIM_KEYS_DIR=self.c.keys)
        try:
            r = s_run(["bash", os.path.join(DEPLOY, "init-keys.sh"), self.c.keys], timeout=60,
                      env=dict(os.environ, PATH=harness.BIN + os.pathsep + os.environ["PATH"]))
            self.assertEqual(r.returncode, 0, f"init-keys.sh failed:\n{r.stderr}")
            r = s_run([os.path.join(DEPLOY, "build-image.sh"), "--bin", harness.BIN,
                       "--tag", self.tag], timeout=300)
            self.assertEqual(r.returncode, 0, f"build-image.sh failed:\n{r.stderr}")
            r = self.compose("up", "-d", timeout=180)
            self.assertEqual(r.returncode, 0, f"compose up failed:\n{r.stdout}{r.stderr}")
        except BaseException:
            self.tearDown()
            raise

    def tearDown(self):
        if self.failed():
            print(self.compose("logs", "--no-color", "--tail", "60").stdout,
                  file=sys.stderr)
        # SIGTERM first: the processes exit cleanly (and a sanitizer build
        # gets to report), then the logs are read, then everything goes.
        self.compose("stop", "-t", "10", timeout=120)
        logs = self.compose("logs", "--no-color").stdout
        self.compose("down", "-v", "--remove-orphans", timeout=120)
        s_run(["docker", "image", "rm", "-f", self.tag], timeout=60)
        self.c.close()
        reports = [ln for ln in logs.splitlines()
                   if "Sanitizer" in ln or "runtime error:" in ln]
        if reports and not self.failed():
            self.fail("sanitizer reports:\n" + "\n".join(reports[:20]))

    def failed(self):
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        return bool(result) and any(t is self for t, _ in result.failures + result.errors)

    def compose(self, *args, timeout=60):
        return s_run([*COMPOSE, "-f", COMPOSE_FILE, "-p", self.project, *args],
                     timeout=timeout, env=self.env)

    def service(self, acct, region):
        return f"agent-{acct}-{region}"

    def wait_agents(self, want, timeout=60):
        """Until describe-agents lists exactly AGENTS with these statuses."""
        deadline = time.time() + timeout
        while True:
            got = {k: a["Status"] for k, a in self.c.agents_status().items()}
            if got == want:
                return
            if time.time() > deadline:
                self.fail(f"describe-agents says {got}, not {want} within {timeout}s")
            time.sleep(0.2)

    def test_cluster_in_containers(self):
        c = self.c
        # The broker is published on loopback only, on the port asked for.
        r = self.compose("port", "broker", "5555")
        self.assertEqual(r.stdout.strip(), f"127.0.0.1:{self.port}", r)

        # Three agents register with the broker by its service name.
        self.wait_agents({k: "online" for k in AGENTS})
        for acct, region in AGENTS:
            c.wait_online(acct, region, timeout=30)
        # The CLI in the image works against its own broker, too.
        r = self.compose("exec", "-T", "broker", "vpcsim", "--keys", "/keys", "admin",
                         "describe-agents")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.stdout.count('"Status": "online"'), 3, r.stdout)
        # Without a key the broker lets nobody in.
        r = c.cli(SEED, TOKYO, "ec2", "describe-vpcs", keys="", timeout=3)
        self.assertEqual(r.rc, 255, r)
        self.assertIn("requires a key", r.err)

        vpc_a = self.vpc(SEED, TOKYO, "10.1.0.0/16")
        # The gateway service answers the EC2 Query API on its published port.
        self.assertEqual(self.compose("port", "gateway", "4566").stdout.strip(),
                         f"127.0.0.1:{self.gw_port}")
        self.assertIn(f"<vpcId>{vpc_a}</vpcId>", self.gateway_call(SEED, TOKYO, "Action=DescribeVpcs"))
        # It acts as each account with that account's key: another account
        # does not see SEED's VPC, and the console (admin key) sees every agent.
        self.assertNotIn(vpc_a, self.gateway_call(B, TOKYO, "Action=DescribeVpcs"))
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{self.gw_port}/console/api/state",
                                    timeout=30) as r:
            state = json.loads(r.read())
        self.assertEqual(sorted((a["AccountId"], a["Region"]) for a in state["Agents"]),
                         sorted(AGENTS))
        vpc_b = self.vpc(B, TOKYO, "10.2.0.0/16")
        vpc_c = self.vpc(B, USE1, "10.3.0.0/16")

        # Cross-account in Tokyo: request, pending in the accepter's view,
        # accept, active in both.
        p1 = self.create(SEED, TOKYO, vpc_a, vpc_b, owner=B, name="compose-tokyo")
        pcx1 = p1["VpcPeeringConnectionId"]
        self.assertEqual(p1["Status"], {"Code": "initiating-request",
                                        "Message": f"Initiating Request to {B}"})
        v = self.wait_code(B, TOKYO, pcx1, "pending-acceptance")
        self.assertEqual(v["Status"]["Message"], f"Pending Acceptance by {B}")
        self.act_ok(B, TOKYO, "accept", pcx1)
        for acct in (SEED, B):
            v = self.wait_code(acct, TOKYO, pcx1, "active")
            self.assertEqual(v["Status"], {"Code": "active", "Message": "Active"})

        # Cross-account and inter-Region, to the agent that will be killed.
        p2 = self.create(SEED, TOKYO, vpc_a, vpc_c, owner=B, peer_region=USE1)
        pcx2 = p2["VpcPeeringConnectionId"]
        self.wait_code(B, USE1, pcx2, "pending-acceptance")
        self.act_ok(B, USE1, "accept", pcx2)
        self.wait_code(SEED, TOKYO, pcx2, "active")
        before = c.ok(B, USE1, "describe-vpcs")["Vpcs"]
        before_pcx = self.get(B, USE1, pcx2)
        self.assertEqual(before_pcx["Status"]["Code"], "active")

        # docker compose kill (SIGKILL) + start: the agent's named volume
        # keeps its VPC and its side of the peering connection.
        svc = self.service(B, USE1)
        r = self.compose("kill", svc)
        self.assertEqual(r.returncode, 0, r)
        r = c.ec2(B, USE1, "describe-vpcs", timeout=2)
        self.assertEqual(r.rc, 255, r)
        self.wait_status(B, USE1, "offline")
        r = self.compose("start", svc)
        self.assertEqual(r.returncode, 0, r)
        c.wait_online(B, USE1, timeout=30)
        self.assertEqual(c.ok(B, USE1, "describe-vpcs")["Vpcs"], before)
        self.assertEqual(self.get(B, USE1, pcx2), before_pcx)
        self.assertEqual(self.c.agents_status()[(B, USE1)]["VpcCount"], 1)

        # docker compose pause: the broker reports the agent offline; unpause
        # brings it back.
        svc = self.service(SEED, TOKYO)
        self.assertEqual(self.compose("pause", svc).returncode, 0)
        self.wait_status(SEED, TOKYO, "offline")
        self.assertEqual(self.compose("unpause", svc).returncode, 0)
        c.wait_online(SEED, TOKYO, timeout=30)

        # The lifecycle ends: the accepter deletes, both views say so.
        self.act_ok(B, TOKYO, "delete", pcx1)
        for acct in (SEED, B):
            v = self.wait_code(acct, TOKYO, pcx1, "deleted")
            self.assertEqual(v["Status"]["Message"], f"Deleted by {B}")
        self.wait_code(B, USE1, pcx2, "active")

    def gateway_call(self, acct, region, body, timeout=30):
        """POSTs an EC2 Query request to the gateway service (the default mode
        takes the 12-digit key id as the account and checks no secret)."""
        import http.client
        auth = (f"AWS4-HMAC-SHA256 Credential={acct}/20261127/{region}/ec2/aws4_request, "
                f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}")
        deadline = time.time() + timeout
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.gw_port, timeout=10)
                conn.request("POST", "/", body=body, headers={
                    "Authorization": auth, "X-Amz-Date": "20261127T000000Z",
                    "Content-Type": "application/x-www-form-urlencoded"})
                r = conn.getresponse()
                text = r.read().decode()
                conn.close()
                if r.status == 200 or time.time() > deadline:
                    self.assertEqual(r.status, 200, text)
                    return text
            except OSError:
                if time.time() > deadline:
                    raise
            time.sleep(0.5)

    def wait_status(self, acct, region, status, timeout=30):
        return self.c.wait_status(acct, region, status, timeout=timeout)


if __name__ == "__main__":
    harness.main()
