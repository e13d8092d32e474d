"""Authentication with real processes (issue 12): a keyring from
`vpcsim keys init`, a broker started with --keys, agents and the CLI with
their keys. A rogue holder of one account's key cannot register another
account's or Region's agent nor act as another account; connections with
no key or an unknown key are refused; one agent per (account, Region); a
call made while an agent restarts waits for it."""
import json
import os
import shutil
import subprocess
import threading
import time

import harness
from harness import ClusterTest

A = "111111111111"
B = "222222222222"
R = "us-east-1"
R2 = "eu-west-1"


def log_of(c, name):
    with open(os.path.join(c.dir, f"{name}.log"), errors="replace") as f:
        return f.read()


class Auth(ClusterTest):
    KEYS = True

    def rogue_keyring(self, copies):
        """A keyring holding the broker's public key and, for each
        (real stem, claimed stem), the real principal's secret key filed
        under the claimed name: what someone holding one key would try."""
        d = os.path.join(self.c.dir, "rogue")
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(self.c.keys, "broker.pub"), d)
        for real, claimed in copies:
            shutil.copy(os.path.join(self.c.keys, f"{real}.key"), os.path.join(d, f"{claimed}.key"))
        return d

    def wait_exit(self, p, timeout=15):
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.fail("the process should have given up and exited")

    def test_hostile_but_authenticated_client_leaves_everyone_serving(self):
        # Issue 12: malformed frames and forged bodies from a client that
        # holds a valid key (of account A) change nothing and stop nobody.
        self.c.start_agent(A, R)
        self.c.start_agent(B, R)
        vpc_b = self.c.ok(B, R, "create-vpc", "--cidr-block", "10.2.0.0/16")["Vpc"]["VpcId"]
        tool = os.path.join(harness.BIN, "vpcsim-hostile")
        keyed = ["--keys", self.c.keys, "--client", A]
        runs = [["garbage", self.c.endpoint, "20000"],
                ["hello", self.c.endpoint, B, R, "0"],
                ["register", self.c.endpoint, "200", "300000000000"]]
        for args in runs:
            r = subprocess.run([tool, *keyed, *args], capture_output=True, text=True, timeout=60)
            self.assertIn(r.returncode, (0, 1), f"{args[0]}: {r.stderr}")
            if args[0] == "garbage":
                # The key was taken: the broker read the frames and answered.
                self.assertTrue(json.loads(r.stdout)["answered"], r.stdout)
        # Every process still serves its owners, and B's VPC is untouched.
        self.assertEqual(self.c.agents_status()[(A, R)]["Status"], "online")
        self.assertEqual(self.c.agents_status()[(B, R)]["Status"], "online")
        self.assertEqual([v["VpcId"] for v in self.c.ok(B, R, "describe-vpcs")["Vpcs"]], [vpc_b])
        self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")
        self.assertIsNone(self.c.broker.poll(), "the broker died")
        # The forged registration as B was refused, not taken.
        self.assertIn("refused", log_of(self.c, "broker"))

    def test_keyed_cluster_serves_its_owners(self):
        self.c.start_agent(A, R)
        vpc = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        self.assertEqual([v["VpcId"] for v in self.c.ok(A, R, "describe-vpcs")["Vpcs"]], [vpc])
        self.assertEqual(self.c.agents_status()[(A, R)]["Status"], "online")
        self.assertIn("authentication on", log_of(self.c, "broker"))

    def test_rogue_agent_with_a_key_of_A_cannot_register_B_or_another_Region(self):
        self.c.start_agent(A, R)
        self.c.keyring("--account", f"{B}:{R}", "--account", f"{A}:{R2}")
        for account, region in ((B, R), (A, R2)):
            rogue = self.rogue_keyring([(f"agent-{A}-{R}", f"agent-{account}-{region}")])
            p = self.c.start_agent(account, region, "--keys", rogue, wait=False)
            rc = self.wait_exit(p)
            self.assertNotEqual(rc, 0)
            log = log_of(self.c, f"agent-{account}-{region}")
            self.assertIn("refused registration", log)
            self.assertIn(f"may not register as the agent for account {account} in Region {region}",
                          log)
            self.assertNotIn((account, region), self.c.agents_status())
        # The real agent is untouched.
        self.assertEqual(self.c.agents_status()[(A, R)]["Status"], "online")

    def test_client_of_A_cannot_read_or_change_Bs_objects(self):
        self.c.start_agent(A, R)
        self.c.start_agent(B, R)
        vpc_b = self.c.ok(B, R, "create-vpc", "--cidr-block", "10.2.0.0/16")["Vpc"]["VpcId"]
        rogue = self.rogue_keyring([(f"client-{A}", f"client-{B}")])
        r = self.c.ec2(B, R, "describe-vpcs", keys=rogue)
        self.assertEqual(r.rc, 254, r)
        self.assertIn("(AuthFailure)", r.err)
        self.assertEqual(r.out, "")
        r = self.c.ec2(B, R, "delete-vpc", "--vpc-id", vpc_b, keys=rogue)
        self.assertEqual(r.rc, 254, r)
        self.assertIn("(AuthFailure)", r.err)
        # With A's own identity, B's VPC does not exist; B still has it.
        r = self.c.ec2(A, R, "describe-vpcs", "--vpc-ids", vpc_b)
        self.assertEqual(r.rc, 254, r)
        self.assertIn("InvalidVpcID.NotFound", r.err)
        self.assertEqual([v["VpcId"] for v in self.c.ok(B, R, "describe-vpcs")["Vpcs"]], [vpc_b])
        # Nor can a client key act as the admin.
        rogue_admin = self.rogue_keyring([(f"client-{A}", "admin")])
        r = self.c.cli(None, None, "admin", "advance-clock", "--seconds", "3600", keys=rogue_admin)
        self.assertEqual(r.rc, 254, r)
        self.assertIn("admin operations need the admin key", r.err)

    def test_no_key_and_unknown_key_are_refused(self):
        self.c.start_agent(A, R)
        r = self.c.ec2(A, R, "describe-vpcs", keys="", timeout=3)
        self.assertEqual(r.rc, 255, r)
        self.assertIn("requires a key", r.err)
        stranger = os.path.join(self.c.dir, "stranger")
        self.c.keyring("--account", f"{A}:{R}", keys_dir=stranger)
        shutil.copy(os.path.join(self.c.keys, "broker.pub"), stranger)
        r = self.c.ec2(A, R, "describe-vpcs", keys=stranger, timeout=3)
        self.assertEqual(r.rc, 255, r)
        self.assertIn("refused the key of client:" + A, r.err)
        r = self.c.cli(None, None, "admin", "describe-agents", keys=stranger, timeout=3)
        self.assertEqual(r.rc, 255, r)
        self.assertIn("refused the key of admin", r.err)
        self.assertIn("unknown key", log_of(self.c, "broker"))
        # An agent with an unknown key never registers, and says why.
        self.c.kill9(self.c.agents[(A, R)])
        p = self.c.start_agent(A, R, "--keys", stranger, wait=False)
        self.assertNotEqual(self.wait_exit(p), 0)
        self.assertIn("not in the broker's keyring", log_of(self.c, f"agent-{A}-{R}"))
        self.assertEqual(self.c.agents_status()[(A, R)]["Status"], "offline")

    def test_second_agent_for_a_live_account_and_region_is_refused(self):
        first = self.c.start_agent(A, R)
        vpc = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        argv = [os.path.join(harness.BIN, "vpcsim-agent"), "--broker", self.c.endpoint,
                "--account", A, "--region", R, "--keys", self.c.keys,
                "--data-dir", os.path.join(self.c.dir, "second")]
        second = self.c._spawn("second", argv)
        rc = self.wait_exit(second)
        self.assertNotEqual(rc, 0)
        log = log_of(self.c, "second")
        self.assertIn("already registered and alive", log)
        self.assertIn("exiting", log)
        # The first agent kept its registration and its VPCs.
        self.assertIsNone(first.poll())
        self.assertEqual([v["VpcId"] for v in self.c.ok(A, R, "describe-vpcs")["Vpcs"]], [vpc])

    def test_restarted_agent_takes_over_and_a_call_made_meanwhile_succeeds(self):
        p = self.c.start_agent(A, R)
        vpc = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        self.c.kill9(p)
        time.sleep(0.3)
        # The broker knows the connection is gone: never "online" now.
        self.assertEqual(self.c.agents_status()[(A, R)]["Status"], "offline")
        result = {}

        def call():
            result["r"] = self.c.ec2(A, R, "describe-vpcs", timeout=10)

        t = threading.Thread(target=call)
        t.start()
        time.sleep(1.5)      # the call is waiting for the agent
        self.c.restart_agent(A, R, wait=False)
        t.join(timeout=30)
        r = result["r"]
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([v["VpcId"] for v in r.json()["Vpcs"]], [vpc])
        self.assertNotIn("refused", log_of(self.c, f"agent-{A}-{R}").split("started")[-1])

    def test_keys_init_writes_pairs_and_refuses_bad_names(self):
        d = os.path.join(self.c.dir, "new-keys")
        vpcsim = os.path.join(harness.BIN, "vpcsim")
        r = subprocess.run([vpcsim, "keys", "init", d, "--account", f"{A}:{R}", "--client", B],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        names = sorted(os.listdir(d))
        self.assertEqual(names, sorted(f"{s}.{e}" for s in ("broker", "admin", f"agent-{A}-{R}",
                                                             f"client-{A}", f"client-{B}")
                                       for e in ("key", "pub")))
        self.assertEqual(os.stat(os.path.join(d, "broker.key")).st_mode & 0o777, 0o600)
        before = open(os.path.join(d, "broker.key")).read()
        # Again, with one more agent: existing pairs are kept.
        r = subprocess.run([vpcsim, "keys", "init", d, "--account", f"{B}:{R2}"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(open(os.path.join(d, "broker.key")).read(), before)
        self.assertTrue(os.path.exists(os.path.join(d, f"agent-{B}-{R2}.key")))
        for bad in (["--account", "1234:us-east-1"], ["--account", f"{A}:mars-1"],
                    ["--client", "abc"]):
            d2 = os.path.join(self.c.dir, "bad-keys")
            r = subprocess.run([vpcsim, "keys", "init", d2, *bad], capture_output=True, text=True)
            self.assertEqual(r.returncode, 252, r)
            self.assertFalse(os.path.exists(d2))   # a typo writes nothing

    def test_aws_max_attempts_limits_the_retries(self):
        p = self.c.start_agent(A, R)
        self.c.kill9(p)
        time.sleep(0.3)
        t0 = time.time()
        r = self.c.ec2(A, R, "describe-vpcs", timeout=10, env={"AWS_MAX_ATTEMPTS": "2"})
        self.assertEqual(r.rc, 255, r)
        self.assertIn("agent offline", r.err)
        self.assertLess(time.time() - t0, 5)


if __name__ == "__main__":
    harness.main()
