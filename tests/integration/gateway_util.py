"""Helpers for the vpcsim-gateway integration tests (test_gateway*.py):
a cluster (broker + agents, see harness.py) with a gateway in front of it,
and the real clients pointed at it: the AWS CLI v2 (Debian's awscli,
/usr/bin/aws) and boto3.

Clients never see a config file or the instance metadata service: every
process gets a private HOME-less environment with only the variables set
here.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import unittest

import harness
from harness import ClusterTest, Result, free_port


def aws_cli_v2():
    """Path of an AWS CLI v2, or None. (A pyenv shim may put a CLI v1 first
    on PATH; Debian's package installs v2 as /usr/bin/aws.)"""
    for cand in ("/usr/bin/aws", shutil.which("aws")):
        if not cand or not os.path.exists(cand):
            continue
        try:
            v = subprocess.run([cand, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if (v.stdout + v.stderr).startswith("aws-cli/2."):
            return cand
    return None


def client_env(tmpdir, akid, secret, region, extra=None):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith("AWS_") and k not in ("VPCSIM_BROKER", "VPCSIM_ACCOUNT")}
    e.update({
        "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region, "AWS_PAGER": "", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(tmpdir, "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmpdir, "no-aws-credentials"),
        "AWS_MAX_ATTEMPTS": "2",
    })
    if extra:
        e.update(extra)
    return e


class GatewayTest(ClusterTest):
    """A broker, the agents a test starts, and one gateway."""

    SECRET = "test"

    def setUp(self):
        super().setUp()
        self.gateway = None
        self.gw_port = None
        self.aws_bin = aws_cli_v2()

    def start_gateway(self, *opts):
        self.gw_port = free_port()
        argv = [os.path.join(harness.BIN, "vpcsim-gateway"), "--listen", f"127.0.0.1:{self.gw_port}",
                "--broker", self.c.endpoint, *opts]
        self.gateway = self.c._spawn("gateway", argv)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.gw_port), timeout=1).close()
                return self.gateway
            except OSError:
                if self.gateway.poll() is not None:
                    break
                time.sleep(0.05)
        self.c.dump_logs()
        raise AssertionError("gateway did not start listening")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.gw_port}"

    def tearDown(self):
        if self.gateway is not None and self.gateway.poll() is None:
            self.gateway.send_signal(signal.SIGTERM)
            try:
                rc = self.gateway.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.gateway.kill()
                rc = None
            self.gateway_exit = rc
        super().tearDown()

    # -- the AWS CLI v2 ---------------------------------------------------
    def aws(self, akid, region, *args, secret=None, timeout=60):
        if not self.aws_bin:
            self.skipTest("AWS CLI v2 not installed (Debian package awscli; scripts/install-deps.sh)")
        argv = [self.aws_bin, "--endpoint-url", self.url, *args]
        env = client_env(self.c.dir, akid, secret or self.SECRET, region)
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
        return Result(p.returncode, p.stdout, p.stderr)

    def aws_ok(self, akid, region, *args, **kw):
        r = self.aws(akid, region, *args, **kw)
        if r.rc != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {r}")
        return r.json() if r.out.strip().startswith(("{", "[")) else r.out.strip()

    # -- boto3 -------------------------------------------------------------
    def boto(self, akid, region, service="ec2", secret=None, attempts=2):
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            self.skipTest("boto3 not installed (Debian package python3-boto3; scripts/install-deps.sh)")
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        return boto3.session.Session().client(
            service, endpoint_url=self.url, region_name=region, aws_access_key_id=akid,
            aws_secret_access_key=secret or self.SECRET,
            config=Config(retries={"max_attempts": attempts, "mode": "standard"}))

    def wait_for(self, what, fn, timeout=40):
        deadline = time.time() + timeout
        while True:
            v = fn()
            if v:
                return v
            if time.time() > deadline:
                self.fail(f"timed out waiting for {what}")
            time.sleep(0.2)


def main():
    # boto3 may live only in Debian's python3 (python3-boto3) while the
    # test runs under another interpreter: run under that one then.
    try:
        import boto3  # noqa: F401
    except ImportError:
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != \
                os.path.realpath("/usr/bin/python3") and not os.environ.get("VPCSIM_GW_REEXEC"):
            os.environ["VPCSIM_GW_REEXEC"] = "1"
            os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    harness.main()
