"""Issue 11 end to end: the seed's scenario across two accounts, then its
trace, its topology and the live console in headless Chromium.

The console test loads http://127.0.0.1:PORT/console/ (served by
`vpcsim console --listen`; ConsoleOnGateway checks the same page, its
state and its live feed at the HTTP level as vpcsim-gateway serves them) in Debian's chromium, driven through the
DevTools protocol over a pipe (--remote-debugging-pipe: no extra Python
packages), checks that the page shows both accounts' VPCs and the pcx as
active, deletes the pcx from the CLI and checks that the page turns it to
deleted without a reload (a marker set on the page survives), and saves
screenshots in the build folder (console-active.png, console-deleted.png).
Set VPCSIM_DOCS_PICTURE=1 to also copy the first to docs/console.png.
"""
import base64
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest

import harness
from peering_util import A, B, C, TOKYO, WAIT_S, PcxTest

AMI = "ami-0abcdef1234567890"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """Headless Chromium driven over --remote-debugging-pipe (fds 3 and 4)."""

    def __init__(self, log_path, user_dir):
        to_r, to_w = os.pipe()     # we write commands, chromium reads fd 3
        from_r, from_w = os.pipe()  # chromium writes fd 4, we read
        # Move the child's ends above 3 and 4 so the dup2 below cannot clobber them.
        cr = fcntl.fcntl(to_r, fcntl.F_DUPFD, 100)
        cw = fcntl.fcntl(from_w, fcntl.F_DUPFD, 100)
        os.close(to_r)
        os.close(from_w)

        self.log = open(log_path, "ab")
        # bash (dash allows only fds 0-9) puts our pipe ends on the fds chromium expects (3 and 4).
        argv = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--remote-debugging-pipe", f"--user-data-dir={user_dir}",
                "--window-size=1400,1000", "about:blank"]
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$@" 3<&{cr} 4>&{cw} {cr}<&- {cw}>&-', "bash", *argv],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, pass_fds=(cr, cw))
        os.close(cr)
        os.close(cw)
        self.w, self.r = to_w, from_r
        self.buf = b""
        self.next_id = 0
        self.session = None

    def close(self):
        try:
            os.close(self.w)
            os.close(self.r)
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()

    def call(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\0" in self.buf:
                raw, self.buf = self.buf.split(b"\0", 1)
                m = json.loads(raw)
                if m.get("id") == self.next_id:
                    if "error" in m:
                        raise AssertionError(f"{method}: {m['error']}")
                    return m["result"]
            chunk = os.read(self.r, 1 << 16)
            if not chunk:
                raise AssertionError("chromium closed the DevTools pipe")
            self.buf += chunk
        raise AssertionError(f"{method}: no answer in {timeout}s")

    def open(self, url):
        target = self.call("Target.createTarget", {"url": url}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True}, session=False)["sessionId"]

    def eval(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise AssertionError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))


PAGE_STATE = """JSON.stringify({
  vpcs: [...document.querySelectorAll('[data-vpc]')].map(e => e.dataset.vpc),
  accounts: [...document.querySelectorAll('.card')].map(e => e.dataset.account),
  views: [...document.querySelectorAll('#row-%s [data-state]')].map(e => e.dataset.state),
  marker: window.__vpcsimMarker || null,
  live: (document.getElementById('live') || {}).textContent || ''
})"""


class Console(PcxTest):
    def setUp(self):
        super().setUp()
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(timeout=10)
        super().tearDown()

    # -- the seed's scenario, across two accounts ------------------------------
    def instance(self, acct, vpc, cidr, ip, name):
        sub = self.c.ok(acct, TOKYO, "create-subnet", "--vpc-id", vpc,
                        "--cidr-block", cidr)["Subnet"]["SubnetId"]
        out = self.c.ok(acct, TOKYO, "run-instances", "--image-id", AMI, "--count", "1",
                        "--subnet-id", sub, "--private-ip-address", ip, "--tag-specifications",
                        f"ResourceType=instance,Tags=[{{Key=Name,Value={name}}}]")
        return out["Instances"][0]["InstanceId"]

    def main_rtb(self, acct, vpc):
        t = self.c.ok(acct, TOKYO, "describe-route-tables", "--filters", f"Name=vpc-id,Values={vpc}")
        return t["RouteTables"][0]["RouteTableId"]

    def sg_allow(self, acct, vpc, cidr):
        g = self.c.ok(acct, TOKYO, "describe-security-groups", "--filters",
                      f"Name=vpc-id,Values={vpc}", "Name=group-name,Values=default")
        gid = g["SecurityGroups"][0]["GroupId"]
        self.c.ok(acct, TOKYO, "authorize-security-group-ingress", "--group-id", gid,
                  "--protocol", "-1", "--cidr", cidr)

    def seed_scenario(self):
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        va = self.vpc(A, TOKYO, "10.1.0.0/16", )
        vb = self.vpc(B, TOKYO, "10.2.0.0/16")
        ia = self.instance(A, va, "10.1.1.0/24", "10.1.1.12", "VPC-A")
        self.instance(B, vb, "10.2.1.0/24", "10.2.1.234", "VPC-B")
        pcx = self.create(A, TOKYO, va, vb, owner=B, name="joinc-test")["VpcPeeringConnectionId"]
        self.wait_code(B, TOKYO, pcx, "pending-acceptance")
        self.act_ok(B, TOKYO, "accept", pcx)
        self.wait_for(lambda: self.code(A, TOKYO, pcx) in ("provisioning", "active"), "accepted")
        self.advance(5)
        self.wait_code(A, TOKYO, pcx, "active")
        self.wait_code(B, TOKYO, pcx, "active")
        self.c.ok(A, TOKYO, "create-route", "--route-table-id", self.main_rtb(A, va),
                  "--destination-cidr-block", "10.2.0.0/16", "--vpc-peering-connection-id", pcx)
        self.c.ok(B, TOKYO, "create-route", "--route-table-id", self.main_rtb(B, vb),
                  "--destination-cidr-block", "10.1.0.0/16", "--vpc-peering-connection-id", pcx)
        path = self.c.ok(A, TOKYO, "create-network-insights-path", "--source", ia,
                         "--destination-ip", "10.2.1.234", "--protocol", "tcp",
                         "--destination-port", "22")["NetworkInsightsPath"]["NetworkInsightsPathId"]

        def analyse():
            return self.c.ok(A, TOKYO, "start-network-insights-analysis", "--network-insights-path-id",
                             path)["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
        # Before the security groups allow it: no path, and the analyzer says why.
        self.blocked = analyse()
        self.sg_allow(A, va, "10.2.0.0/16")
        self.sg_allow(B, vb, "10.1.0.0/16")
        self.reachable = analyse()
        return va, vb, pcx

    # -- tests -------------------------------------------------------------------
    def test_trace_and_topology_of_the_seed(self):
        va, vb, pcx = self.seed_scenario()
        r = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertEqual(r.rc, 0, r)
        for step in ("client 111111111111 ->  agent 111111111111 ap-northeast-1: "
                     "CreateVpcPeeringConnection",
                     "agent 111111111111 ap-northeast-1 ->  broker: Request",
                     "broker ->  agent 222222222222 ap-northeast-1: Request",
                     "[agent 222222222222 ap-northeast-1] pending-acceptance",
                     "broker ->  agent 111111111111 ap-northeast-1: Op",
                     "[agent 111111111111 ap-northeast-1] provisioning",
                     "[agent 111111111111 ap-northeast-1] active"):
            self.assertIn(step, r.out)
        # A sees that B accepted (the Op message), never B's own API call.
        self.assertNotIn("client 222222222222", r.out)
        rb = self.c.cli(B, TOKYO, "trace", pcx, "--format", "mermaid")
        self.assertEqual(rb.rc, 0, rb)
        self.assertTrue(rb.out.startswith("sequenceDiagram\n"), rb.out)
        self.assertIn("client_222222222222->>agent_222222222222_ap_northeast_1: "
                      "AcceptVpcPeeringConnection", rb.out)
        self.assertNotIn("client_111111111111", rb.out)
        svg = self.c.cli(A, TOKYO, "trace", pcx, "--format", "svg")
        self.assertEqual(svg.rc, 0, svg)
        self.assertTrue(svg.out.startswith("<svg "), svg.out[:80])
        # An account with an agent but no share in the connection sees nothing.
        self.c.start_agent("333333333333", TOKYO)
        rc = self.c.cli("333333333333", TOKYO, "trace", pcx)
        self.assertEqual(rc.rc, 254, rc)
        self.assertIn("InvalidVpcPeeringConnectionID.NotFound", rc.err)
        bad = self.c.cli(A, TOKYO, "trace", "pcx-nothex")
        self.assertEqual(bad.rc, 252, bad)

        topo = self.c.cli(A, TOKYO, "topology", "--format", "json")
        self.assertEqual(topo.rc, 0, topo)
        doc = json.loads(topo.out)
        self.assertEqual([a["AccountId"] for a in doc["Accounts"]], [A, B])
        self.assertEqual(doc["PeeringConnections"][0]["State"], "active")
        self.assertEqual([(r["VpcId"], r["DestinationCidrBlock"], r["State"]) for r in doc["Routes"]],
                         [(va, "10.2.0.0/16", "active")])
        dot = self.c.cli(A, TOKYO, "topology")
        self.assertIn(f'"{va}" -> "{vb}" [label="{pcx}\\nactive", color="#2e7d32"', dot.out)
        if shutil.which("dot"):
            svg = self.c.cli(A, TOKYO, "topology", "--format", "svg", timeout=30)
            self.assertEqual(svg.rc, 0, svg)
            self.assertIn("<svg", svg.out)
            self.assertIn(pcx.replace("-", "&#45;"), svg.out)   # dot escapes '-' 
        # Deleting turns the route into a blackhole, drawn so.
        self.act_ok(B, TOKYO, "delete", pcx)
        self.wait_code(A, TOKYO, pcx, "deleted")
        dot = self.c.cli(A, TOKYO, "topology")
        self.assertIn(f"via {pcx} (blackhole)", dot.out)
        r = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertIn("[agent 111111111111 ap-northeast-1] deleted", r.out)

    def test_trace_shows_resends_and_duplicates(self):
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        va = self.vpc(A, TOKYO, "10.1.0.0/16")
        vb = self.vpc(B, TOKYO, "10.2.0.0/16")
        # Every peer message lost for a while: the request is resent...
        self.assertEqual(self.c.admin("set-faults", "--drop", "1").rc, 0)
        pcx = self.create(A, TOKYO, va, vb, owner=B)["VpcPeeringConnectionId"]
        self.wait_for(lambda: "resend Request" in self.c.cli(A, TOKYO, "trace", pcx).out,
                      "a resend in the trace")
        # ...then every message doubled: the second copy is dropped as seen.
        self.assertEqual(self.c.admin("set-faults", "--clear").rc, 0)
        self.assertEqual(self.c.admin("set-faults", "--duplicate", "1").rc, 0)
        self.wait_code(B, TOKYO, pcx, "pending-acceptance")
        self.act_ok(B, TOKYO, "accept", pcx)
        self.advance(5)
        self.wait_code(A, TOKYO, pcx, "active")
        self.assertEqual(self.c.admin("set-faults", "--clear").rc, 0)
        r = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, r"agent 111111111111 ap-northeast-1 -x  broker: resend Request #[0-9a-f]{4}")
        self.assertRegex(r.out, r"-x  agent 1111111111\d\d ap-northeast-1: \w+ #[0-9a-f]{4} again: "
                                r"duplicate dropped")

    def test_follow_prints_steps_as_they_happen(self):
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        va = self.vpc(A, TOKYO, "10.1.0.0/16")
        vb = self.vpc(B, TOKYO, "10.2.0.0/16")
        pcx = self.create(A, TOKYO, va, vb, owner=B)["VpcPeeringConnectionId"]
        self.wait_code(B, TOKYO, pcx, "pending-acceptance")
        out_path = os.path.join(self.c.dir, "follow.txt")
        with open(out_path, "w") as out:
            p = subprocess.Popen([os.path.join(harness.BIN, "vpcsim"), "--broker", self.c.endpoint,
                                  "--account", A, "--region", TOKYO, "trace", pcx, "--follow"],
                                 stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(p)

        def printed():
            with open(out_path) as f:
                return f.read()
        self.wait_for(lambda: "pending-acceptance" in printed(), "the history so far")
        self.assertNotIn("provisioning", printed())
        self.act_ok(B, TOKYO, "accept", pcx)
        self.advance(5)
        self.wait_for(lambda: "[agent 111111111111 ap-northeast-1] active" in printed(),
                      "the accept and activation, followed")
        p.send_signal(signal.SIGINT)
        self.assertEqual(p.wait(timeout=10), 0)
        lines = printed().splitlines()
        self.assertEqual(len(lines), len(set(lines)), "a step printed twice")

    def test_trace_survives_kill9_of_the_agent(self):
        """Events are written in the turn's transaction (one batch row): what
        was answered is in the trace after a kill -9, read back the same, and
        the states known from before are not recorded again."""
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        va = self.vpc(A, TOKYO, "10.1.0.0/16")
        vb = self.vpc(B, TOKYO, "10.2.0.0/16")
        pcx = self.handshake(A, TOKYO, va, vb, owner=B)
        before = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertEqual(before.rc, 0, before)
        self.assertIn("[agent 111111111111 ap-northeast-1] active", before.out)
        self.c.kill9(self.c.agents[(A, TOKYO)])
        self.c.restart_agent(A, TOKYO)
        after = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertEqual(after.rc, 0, after)
        self.assertEqual(after.out, before.out)
        # Touching the connection again after the restart records no state
        # it already had; the deletion is recorded once.
        self.act_ok(B, TOKYO, "delete", pcx)
        self.wait_code(A, TOKYO, pcx, "deleted")
        r = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertEqual(r.out.count("[agent 111111111111 ap-northeast-1] active"), 1, r.out)
        self.assertEqual(r.out.count("[agent 111111111111 ap-northeast-1] deleted"), 1, r.out)

    def test_retention_bounds_the_log(self):
        self.c.start_agent(A, TOKYO, "--event-retention", "5")
        self.c.start_agent(B, TOKYO)
        va = self.vpc(A, TOKYO, "10.1.0.0/16")
        vb = self.vpc(B, TOKYO, "10.2.0.0/16")
        pcx = self.create(A, TOKYO, va, vb, owner=B)["VpcPeeringConnectionId"]
        self.wait_code(B, TOKYO, pcx, "pending-acceptance")
        # Successful reads are not logged: observers do not push history out.
        for _ in range(5):
            self.c.ok(A, TOKYO, "describe-vpcs")
        r = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("[agent 111111111111 ap-northeast-1] pending-acceptance", r.out)
        # Changes are: A keeps only its 5 newest events (the tag calls), the
        # connection's history is gone from it.
        for i in range(3):
            self.c.ok(A, TOKYO, "create-tags", "--resources", va, "--tags", f"Key=k{i},Value=v")
        r = self.c.cli(A, TOKYO, "trace", pcx)
        self.assertEqual(r.rc, 254, r)
        r = self.c.cli(B, TOKYO, "trace", pcx)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("broker ->  agent 222222222222 ap-northeast-1: Request", r.out)
        bad = subprocess.run([os.path.join(harness.BIN, "vpcsim-agent"), "--broker", self.c.endpoint,
                              "--account", C, "--region", TOKYO, "--data-dir",
                              os.path.join(self.c.dir, "c"), "--event-retention", "0"],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--event-retention must be", bad.stderr)

    @unittest.skipUnless(CHROMIUM, "Debian's chromium is not installed "
                                   "(bash scripts/install-deps.sh installs it)")
    def test_console_in_chromium(self):
        va, vb, pcx = self.seed_scenario()
        port = harness.free_port()
        self.procs.append(self.c._spawn("console", [
            os.path.join(harness.BIN, "vpcsim"), "--broker", self.c.endpoint,
            "console", "--listen", f"127.0.0.1:{port}"]))
        url = f"http://127.0.0.1:{port}/console/"
        self.wait_for(lambda: self.c.cli(None, None, "admin", "clock").rc == 0, "broker")
        browser = Chromium(os.path.join(self.c.dir, "chromium.log"),
                           os.path.join(self.c.dir, "chromium-profile"))
        try:
            self.procs.append(browser.proc)
            deadline = time.time() + WAIT_S
            while True:   # the console process may still be binding its port
                try:
                    browser.open(url)
                    break
                except AssertionError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.5)
            expr = PAGE_STATE % pcx

            def page():
                v = browser.eval(expr)
                return json.loads(v) if v else {}

            self.wait_for(lambda: set(page().get("views", [])) == {"active"} and
                          len(page()["views"]) == 2, "the pcx shown active in both views")
            st = page()
            self.assertIn(va, st["vpcs"])
            self.assertIn(vb, st["vpcs"])
            self.assertEqual(sorted(set(st["accounts"])), [A, B])
            self.wait_for(lambda: page()["live"] == "live", "the live feed connected")
            # The sequence diagram and the analyzer's verdict, for the picture.
            browser.eval(f"document.querySelector('#row-{pcx} button').click()")
            self.wait_for(lambda: browser.eval("!!document.querySelector('#trace svg')"),
                          "the sequence diagram")
            self.wait_for(lambda: browser.eval("document.getElementById('analyses').options.length") > 2,
                          "the analyses listed")

            def verdict(nia):
                self.wait_for(lambda: "running" not in browser.eval(
                    "fetch('api/analyses').then(r => r.text())"), "the analyses done")
                browser.eval("loadAnalyses()")
                return browser.eval(
                    "new Promise(ok => setTimeout(() => { const s = document.getElementById('analyses');"
                    f" s.value = [...s.options].find(o => o.text.includes('{nia}')).value;"
                    " s.dispatchEvent(new Event('change'));"
                    " ok(document.getElementById('verdict').textContent); }, 300))")
            why = verdict(self.blocked)
            self.assertIn("not reachable", why)
            self.assertIn("ENI_SG_RULES_MISMATCH", why)
            self.assertIn(": reachable", verdict(self.reachable))
            # The timeline: an agent's events, newest first.
            browser.eval(f"(() => {{ const s = document.getElementById('event-agent'); s.value = '{A}/{TOKYO}';"
                         " s.dispatchEvent(new Event('change')); })()")
            self.wait_for(lambda: browser.eval("document.querySelectorAll('#event-rows tr').length") > 10,
                          "the event timeline")
            kinds = browser.eval("[...document.querySelectorAll('#event-rows tr td:nth-child(3)')]"
                                 ".map(e => e.textContent)")
            self.assertIn("peer-send", kinds)
            self.assertIn("api-call", kinds)
            art = os.path.normpath(os.path.join(harness.BIN, ".."))
            browser.screenshot(os.path.join(art, "console-active.png"))
            if os.environ.get("VPCSIM_DOCS_PICTURE"):
                here = os.path.dirname(os.path.abspath(__file__))
                shutil.copy(os.path.join(art, "console-active.png"),
                            os.path.join(here, "..", "..", "docs", "console.png"))

            # Live: delete from the CLI, the page follows without a reload.
            browser.eval("window.__vpcsimMarker = 'no-reload'")
            self.act_ok(B, TOKYO, "delete", pcx)
            self.wait_for(lambda: set(page().get("views", [])) == {"deleted"},
                          "the pcx shown deleted")
            self.assertEqual(page()["marker"], "no-reload")
            browser.screenshot(os.path.join(art, "console-deleted.png"))
        finally:
            browser.close()


class SSE:
    """A raw HTTP/1.1 client of the live feed: the response head, then the
    chunked body's server-sent events one at a time."""

    def __init__(self, port, path="/console/api/stream"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.head = head.decode()
        self.text = ""

    def _recv(self):
        d = self.sock.recv(65536)
        if not d:
            raise AssertionError("the stream ended")
        self.buf += d

    def _chunk(self):
        while b"\r\n" not in self.buf:
            self._recv()
        size, rest = self.buf.split(b"\r\n", 1)
        n = int(size, 16)
        while len(rest) < n + 2:
            self._recv()
            size, rest = self.buf.split(b"\r\n", 1)
        self.buf = rest[n + 2:]
        return rest[:n].decode()

    def event(self):
        """The next named event as (name, data), past retry hints and comments."""
        while True:
            while "\n\n" not in self.text:
                self.text += self._chunk()
            ev, self.text = self.text.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in ev.split("\n")
                          if ": " in line and not line.startswith(":"))
            if "event" in fields:
                return fields["event"], fields.get("data")

    def close(self):
        self.sock.close()


class ConsoleOnGateway(PcxTest):
    """The console served by vpcsim-gateway on its own port, under /console/,
    in a keyed cluster (the gateway's --keys)."""
    KEYS = True

    def test_console_on_the_gateway_port(self):
        import urllib.error
        import urllib.request
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        va = self.vpc(A, TOKYO, "10.1.0.0/16")
        vb = self.vpc(B, TOKYO, "10.2.0.0/16")
        pcx = self.create(A, TOKYO, va, vb, owner=B)["VpcPeeringConnectionId"]
        self.wait_code(B, TOKYO, pcx, "pending-acceptance")
        port = harness.free_port()
        gw = self.c._spawn("gateway", [
            os.path.join(harness.BIN, "vpcsim-gateway"), "--listen", f"127.0.0.1:{port}",
            "--broker", self.c.endpoint, "--keys", self.c.keys])
        try:
            base = f"http://127.0.0.1:{port}"

            def get(path):
                try:
                    with urllib.request.urlopen(base + path, timeout=WAIT_S) as r:
                        return r.status, r.headers, r.read().decode()
                except urllib.error.HTTPError as e:
                    return e.code, e.headers, e.read().decode()
            self.wait_for(lambda: self._listening(port), "the gateway listening")
            # The page and its files.
            st, hd, body = get("/console/")
            self.assertEqual(st, 200)
            self.assertIn("text/html", hd["Content-Type"])
            self.assertIn("<title>vpcsim console</title>", body)
            self.assertEqual(get("/console/app.js")[0], 200)
            self.assertEqual(get("/console/nothing-here")[0], 404)
            # "/console" without the slash: urllib follows the redirect.
            self.assertIn("<title>vpcsim console</title>", get("/console")[2])
            # The state, as both accounts see it (the console has the admin key).
            st, hd, body = get("/console/api/state")
            self.assertEqual(st, 200, body)
            state = json.loads(body)
            self.assertEqual(sorted(a["AccountId"] for a in state["Agents"]), [A, B])
            self.assertIn(va, body)
            self.assertIn(vb, body)
            # The live feed: a streaming response, the state at once, then
            # each change without asking.
            feed = SSE(port)
            try:
                self.assertTrue(feed.head.startswith("HTTP/1.1 200 "), feed.head)
                heads = feed.head.lower()
                self.assertIn("content-type: text/event-stream", heads)
                self.assertIn("transfer-encoding: chunked", heads)
                self.assertNotIn("content-length", heads)
                name, data = feed.event()
                self.assertEqual(name, "state")
                self.assertIn(pcx, data)
                self.assertIn("pending-acceptance", data)
                self.act_ok(B, TOKYO, "accept", pcx)
                deadline = time.time() + WAIT_S
                while True:
                    name, data = feed.event()
                    if name == "state" and pcx in data and '"pending-acceptance"' not in data:
                        break
                    self.assertLess(time.time(), deadline, "no new state on the feed")
                # The gateway answers other requests while a stream is open.
                st, _, body = get("/console/api/state")
                self.assertEqual(st, 200)
            finally:
                feed.close()
            # Closed streams release their subscription: more streams one
            # after the other than the console takes at once.
            for i in range(VS_CONSOLE_MAX_SUBSCRIBERS + 4):
                f = SSE(port)
                try:
                    self.assertEqual(f.event()[0], "state", f"stream {i}")
                finally:
                    f.close()
                time.sleep(0.02)
            self.assertIsNone(gw.poll())
        finally:
            gw.send_signal(signal.SIGTERM)
            self.assertEqual(gw.wait(timeout=10), 0)

    @staticmethod
    def _listening(port):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False


VS_CONSOLE_MAX_SUBSCRIBERS = 64   # console/console.h


if __name__ == "__main__":
    harness.main()
