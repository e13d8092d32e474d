"""`vpcsim scenario run|compose`: every shipped scenario (scenarios/*.yaml)
passes on a fresh local cluster with a keyring (the broker's log says
authentication is on; --no-keys runs an open one); the accept-vs-delete race passes under
--faults; broken files are refused with exit 252, naming the line and the
field, before anything starts; a wrong expectation fails with exit 1 and
says which step and why; `scenario compose` writes a compose file for the
scenario's agents with their key files and the gateway; and two scenarios
pass with --compose (keys mounted into the containers) on the real Docker
engine (skipped, saying why, where Docker is not usable).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import uuid

import harness

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))
HEAD = 'agents:\n  a: {account: "111111111111", region: us-east-1}\nsteps:\n'


def s_run(argv, timeout=300, env=None):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
        return harness.Result(p.returncode, p.stdout, p.stderr)
    except (OSError, subprocess.TimeoutExpired) as e:
        return harness.Result(127, "", str(e))


def scenario(*args, env=None, timeout=300):
    return s_run([os.path.join(harness.BIN, "vpcsim"), "scenario", *args], env=env, timeout=timeout)


def sanitizer_lines(text):
    return [ln for ln in text.splitlines() if "Sanitizer" in ln or "runtime error:" in ln]


class ScenarioFiles(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vpcsim-scn-it-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_every_shipped_scenario_passes(self):
        self.assertGreaterEqual(len(SCENARIOS), 7, SCENARIOS)
        for path in SCENARIOS:
            with self.subTest(scenario=os.path.basename(path)):
                r = scenario("run", path, "--output", "json")
                self.assertEqual(r.rc, 0, f"{path}:\n{r.err}")
                report = json.loads(r.out)
                self.assertTrue(report["Passed"], r.err)
                self.assertEqual(report["StepsFailed"], 0)
                self.assertEqual(report["Mode"], "local")
                self.assertTrue(report["Keys"], "a scenario runs with a keyring by default")
                self.assertRegex(r.err, r"cluster up in [0-9.]+s, broker tcp://127\.0\.0\.1:\d+, keyring /")
                self.assertEqual(len(report["Steps"]), report["StepsPassed"])
                self.assertTrue(all(s["Passed"] and not s["Failures"] for s in report["Steps"]))
                # progress goes to stderr with --output json, one line a step
                self.assertEqual(r.err.count("✔ "), report["StepsPassed"], r.err)
                self.assertEqual(sanitizer_lines(r.err), [])

    def kept_dir(self, err):
        m = re.search(r"vpcsim scenario: kept (/\S+)", err)
        self.assertIsNotNone(m, err)
        self.addCleanup(shutil.rmtree, m.group(1), True)
        return m.group(1)

    def test_keys_by_default_and_the_broker_says_so(self):
        path = os.path.join(ROOT, "scenarios", "inter-region.yaml")
        r = scenario("run", path, "--keep", "--output", "json")
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(json.loads(r.out)["Keys"])
        kept = self.kept_dir(r.err)
        keys = os.path.join(kept, "keys")
        with open(os.path.join(kept, "logs", "broker.log")) as f:
            log = f.read()
        self.assertIn(f"authentication on: CURVE keys from {keys} (5 principals)", log)
        self.assertNotIn("authentication OFF", log)
        for stem in ["broker", "admin", "agent-111111111111-us-east-1", "agent-222222222222-eu-west-1",
                     "client-111111111111", "client-222222222222"]:
            self.assertTrue(os.path.isfile(os.path.join(keys, stem + ".key")), stem)
            self.assertEqual(os.stat(os.path.join(keys, stem + ".key")).st_mode & 0o077, 0, stem)
        # The agents were started with the keyring, and registered through it.
        for agent in ["111111111111/us-east-1", "222222222222/eu-west-1"]:
            self.assertIn(f"agent {agent} registered", log)
        # The kept folder is a cluster file of `vpcsim cluster up` that uses the same keyring.
        with open(os.path.join(kept, "cluster.json")) as f:
            self.assertNotIn("keys", json.load(f))

    def test_no_keys_runs_an_open_cluster(self):
        path = os.path.join(ROOT, "scenarios", "seed.yaml")
        r = scenario("run", path, "--no-keys", "--keep", "--output", "json")
        self.assertEqual(r.rc, 0, r)
        self.assertFalse(json.loads(r.out)["Keys"])
        self.assertIn("open (no keys)", r.err)
        kept = self.kept_dir(r.err)
        self.assertFalse(os.path.exists(os.path.join(kept, "keys")))
        with open(os.path.join(kept, "logs", "broker.log")) as f:
            self.assertIn("authentication OFF", f.read())
        with open(os.path.join(kept, "cluster.json")) as f:
            self.assertIs(json.load(f)["keys"], False)

    def test_race_under_faults_from_the_command_line(self):
        path = os.path.join(ROOT, "scenarios", "accept-vs-delete.yaml")
        r = scenario("run", path, "--faults", "drop=0.2,duplicate=0.1", "--seed", "7")
        self.assertEqual(r.rc, 0, r)
        self.assertIn('✔ faults: {"drop":0.2,"duplicate":0.1,"seed":7}', r.out)
        self.assertIn("results: [", r.out)
        self.assertIn("outcome: the one at line", r.out)
        self.assertIn("PASSED", r.out)

    def test_broken_files_are_refused_before_anything_starts(self):
        cases = {
            "bad-yaml": (HEAD + "  - ec2: create-vpc\n    name: x: y\n",
                         ":5: not valid YAML: mapping values are not allowed"),
            "unknown-command": (HEAD + "  - ec2: create-vpcc --cidr-block 10.1.0.0/16\n",
                                ":4: step 1, field 'ec2': unknown ec2 command 'create-vpcc'"),
            "unknown-option": (HEAD + "  - ec2: create-vpc --cidr-blok 10.1.0.0/16\n",
                               ":4: step 1, field 'ec2': create-vpc: Unknown options: --cidr-blok"),
            "unknown-variable": (HEAD + "  - {ec2: create-vpc --cidr-block 10.1.0.0/16, name: vpc_a}\n"
                                 "  - ec2: create-subnet --vpc-id ${vpc_b.Vpc.VpcId} --cidr-block 10.1.1.0/24\n",
                                 ":5: step 2, field 'ec2': unknown variable 'vpc_b' in ${vpc_b.Vpc.VpcId}"),
            "wrong-type": (HEAD + "  - advance-clock: one hour\n",
                           ":4: step 1, field 'advance-clock': expected a whole number, got 'one hour'"),
            "wrong-type-list": (HEAD + "  - ec2: create-vpc --cidr-block 10.1.0.0/16\n    expect: [1]\n",
                                ":5: step 1, field 'expect': expected a mapping"),
            "unknown-agent": (HEAD + "  - {as: b, ec2: create-vpc --cidr-block 10.1.0.0/16}\n",
                              ":4: step 1, field 'as': unknown agent 'b' (agents: a)"),
        }
        for name, (text, want) in cases.items():
            with self.subTest(case=name):
                path = self.write(name + ".yaml", text)
                r = scenario("run", path)
                self.assertEqual(r.rc, 252, r)
                self.assertIn(path + want, r.err)
                self.assertEqual(r.out, "", "nothing may start for a bad file")
        r = scenario("run", os.path.join(self.dir, "missing.yaml"))
        self.assertEqual(r.rc, 252, r)
        self.assertIn("cannot read the scenario file", r.err)
        r = scenario("run")
        self.assertEqual(r.rc, 252, r)

    def test_a_wrong_expectation_fails_naming_the_step(self):
        path = self.write("wrong.yaml", HEAD +
                          "  - ec2: create-vpc --cidr-block 10.1.0.0/16\n"
                          "    name: vpc\n"
                          "  - ec2: describe-vpcs --vpc-ids ${vpc.Vpc.VpcId}\n"
                          "    expect: {output: {'Vpcs[0].CidrBlock': 10.9.0.0/16}}\n"
                          "  - ec2: delete-vpc --vpc-id ${vpc.Vpc.VpcId}\n"
                          "    expect: {error: DependencyViolation}\n"
                          "  - ec2: describe-vpcs --vpc-ids ${vpc.Vpc.VpcId}\n"
                          "    expect: {error: InvalidVpcID.NotFound}\n")
        r = scenario("run", path)
        self.assertEqual(r.rc, 1, r)
        lines = r.out.splitlines()
        self.assertTrue(any(ln.startswith("✔ 1 ") for ln in lines), r.out)
        self.assertTrue(any(ln.startswith("✘ 2 ") for ln in lines), r.out)
        self.assertIn('Vpcs[0].CidrBlock: expected "10.9.0.0/16", got "10.1.0.0/16" (line 7)', r.out)
        self.assertIn("expected the error DependencyViolation, but the call succeeded", r.out)
        self.assertTrue(any(ln.startswith("✔ 4 ") for ln in lines), r.out)
        self.assertIn("FAILED: 2 of 4 steps passed; first failure: step 2 (line 6): Vpcs[0].CidrBlock", r.out)
        r = scenario("run", path, "--output", "json")
        self.assertEqual(r.rc, 1, r)
        report = json.loads(r.out)
        self.assertFalse(report["Passed"])
        self.assertEqual([s["Passed"] for s in report["Steps"]], [True, False, False, True])
        self.assertEqual(report["Steps"][1]["Line"], 6)
        self.assertIn("expected", report["Steps"][1]["Failures"][0])

    def test_a_peering_expectation_that_never_holds_fails_within_its_bound(self):
        path = self.write("pending.yaml",
                          'agents:\n  a: {account: "111111111111", region: us-east-1}\n'
                          '  b: {account: "222222222222", region: us-east-1}\nsteps:\n'
                          "  - {as: a, ec2: create-vpc --cidr-block 10.1.0.0/16, name: va}\n"
                          "  - {as: b, ec2: create-vpc --cidr-block 10.2.0.0/16, name: vb}\n"
                          "  - as: a\n"
                          "    ec2: create-vpc-peering-connection --vpc-id ${va.Vpc.VpcId} --peer-vpc-id "
                          "${vb.Vpc.VpcId} --peer-owner-id 222222222222\n"
                          "    name: pcx\n"
                          "  - expect:\n"
                          "      peering: {id: '${pcx.VpcPeeringConnection.VpcPeeringConnectionId}', "
                          "state: active, within: 1}\n")
        r = scenario("run", path)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("expected active (views agreeing) within 1s, got a: pending-acceptance, "
                      "b: pending-acceptance (line 11)", r.out)

    def test_compose_file(self):
        r = scenario("compose", os.path.join(ROOT, "scenarios", "china-rule.yaml"))
        self.assertEqual(r.rc, 0, r)
        for acct, region in [("111111111111", "cn-north-1"), ("444444444444", "cn-northwest-1"),
                             ("555555555555", "ap-northeast-1")]:
            self.assertIn(f"  agent-{acct}-{region}:", r.out)
            self.assertIn(f"      - agent-{acct}-{region}:/data/agent", r.out)
        self.assertEqual(r.out.count('"--modern-rules"'), 3)
        self.assertEqual(r.out.count("healthcheck:"), 6)
        self.assertIn('"127.0.0.1:${VPCSIM_PORT:-5555}:5555"', r.out)
        # keys: every process with --keys /keys, its key files mounted read-only
        # commands and health checks of the broker and the agents, and the gateway's command
        self.assertEqual(r.out.count('"--keys", "/keys"'), 2 * (1 + 5) + 1)
        self.assertIn("      - ${VPCSIM_KEYS_DIR:-./keys}/broker.key:/keys/broker.key:ro", r.out)
        self.assertEqual(r.out.count("/keys/broker.key:ro"), 1)
        self.assertEqual(r.out.count("/keys/broker.pub:ro"), 1 + 5 + 1)   # broker, agents, gateway
        for acct, region in [("111111111111", "cn-north-1"), ("444444444444", "cn-northwest-1"),
                             ("555555555555", "ap-northeast-1")]:
            self.assertEqual(r.out.count(f"/keys/agent-{acct}-{region}.key:ro"), 1)
            self.assertEqual(r.out.count(f"/keys/agent-{acct}-{region}.pub:ro"), 1)
        self.assertIn("  gateway:", r.out)
        self.assertIn('"127.0.0.1:${VPCSIM_GATEWAY_PORT:-4566}:4566"', r.out)
        r = scenario("compose", os.path.join(ROOT, "scenarios", "china-rule.yaml"), "--no-keys")
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn("/keys", r.out)
        self.assertIn("  gateway:", r.out)
        r = scenario("compose", self.write("bad.yaml", HEAD + "  - kill: nobody\n"))
        self.assertEqual(r.rc, 252, r)
        self.assertEqual(r.out, "")


def s_docker_status():
    if not shutil.which("docker"):
        return "docker is not installed"
    r = s_run(["docker", "info"], timeout=30)
    if r.rc != 0:
        return f"the Docker daemon is not usable: {(r.err or r.out).strip()[:200]}"
    if s_run(["docker", "compose", "version"], timeout=30).rc != 0 and \
            s_run(["docker-compose", "version"], timeout=30).rc != 0:
        return "neither `docker compose` nor `docker-compose` is installed"
    return None


WHY_NO_DOCKER = s_docker_status()


@unittest.skipIf(WHY_NO_DOCKER, f"Docker is not usable on this machine: {WHY_NO_DOCKER}")
class ScenarioCompose(unittest.TestCase):
    """Scenarios in containers of an image built from the binaries under
    test, under a tag of its own that is removed afterwards."""

    @classmethod
    def setUpClass(cls):
        cls.tag = f"vpcsim-scn-it:{os.getpid()}{uuid.uuid4().hex[:8]}"
        r = s_run([os.path.join(ROOT, "deploy", "build-image.sh"), "--bin", harness.BIN, "--tag", cls.tag])
        if r.rc != 0:
            raise AssertionError(f"build-image.sh failed:\n{r.err}")
        cls.env = dict(os.environ, VPCSIM_IMAGE=cls.tag)

    @classmethod
    def tearDownClass(cls):
        # Fails if a container still uses the image: the runs must leave none.
        r = s_run(["docker", "image", "rm", cls.tag], timeout=60)
        if r.rc != 0:
            s_run(["docker", "image", "rm", "-f", cls.tag], timeout=60)
            raise AssertionError(f"the image was still in use after the runs: {r.err}")

    def run_compose(self, name, *args):
        r = scenario("run", os.path.join(ROOT, "scenarios", name), "--compose", "--output", "json", *args,
                     env=self.env, timeout=600)
        self.assertEqual(r.rc, 0, r)
        report = json.loads(r.out)
        self.assertTrue(report["Passed"])
        self.assertEqual(report["Mode"], "compose")
        self.assertTrue(report["Keys"])
        return report, r.err

    def test_missing_image(self):
        env = dict(self.env, VPCSIM_IMAGE="vpcsim-scn-it:does-not-exist")
        r = scenario("run", os.path.join(ROOT, "scenarios", "seed.yaml"), "--compose", env=env)
        self.assertEqual(r.rc, 255, r)
        self.assertIn("the image vpcsim-scn-it:does-not-exist does not exist: build it with "
                      "deploy/build-image.sh", r.err)

    def test_seed_in_containers(self):
        report, err = self.run_compose("seed.yaml", "--keep")
        # Kept: read the broker's log in its container, then take it down.
        m = re.search(r"stop it with:\n  (.+ -f (\S+) -p (\S+)) down -v\n", err)
        self.assertIsNotNone(m, err)
        compose, kept = m.group(1).split(), os.path.dirname(m.group(2))
        self.addCleanup(shutil.rmtree, kept, True)
        self.addCleanup(s_run, compose + ["down", "-v", "--remove-orphans"], 180, self.env)
        self.assertEqual(report["StepsFailed"], 0)
        logs = s_run(compose + ["logs", "--no-color", "broker"], timeout=60, env=self.env)
        self.assertEqual(logs.rc, 0, logs)
        self.assertIn("authentication on: CURVE keys from /keys (3 principals)", logs.out)
        self.assertNotIn("authentication OFF", logs.out)

    def test_inter_region_with_kill_restart_and_partition_in_containers(self):
        report, err = self.run_compose("inter-region.yaml")
        commands = [s["Command"] for s in report["Steps"]]
        self.assertIn("kill -9 b", commands)
        self.assertIn("restart b", commands)
        self.assertIn("in docker-compose", err)


if __name__ == "__main__":
    harness.main()
