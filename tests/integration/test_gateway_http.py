"""vpcsim-gateway at the HTTP level: signatures verified with
--credentials (a wrong secret, an unknown key, a stale date are refused
with AWS's errors), malformed requests (bad form encoding, unknown Action,
an oversize body, too many headers, garbage that is not HTTP) get AWS's
error envelope and the gateway keeps serving, keep-alive serves many
requests on one connection."""
import http.client
import os
import socket

import gateway_util
from gateway_util import GatewayTest

A, B = "111111111111", "222222222222"
USE1 = "us-east-1"
ZERO_SIG = "0" * 64


def fake_auth(akid=A, region=USE1, service="ec2"):
    """A well-formed Authorization header (the default mode checks no secret)."""
    return (f"AWS4-HMAC-SHA256 Credential={akid}/20261127/{region}/{service}/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={ZERO_SIG}")


class GatewayHttpTest(GatewayTest):
    def post(self, conn, body, auth=None, headers=None):
        h = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
             "X-Amz-Date": "20261127T153431Z", "Authorization": auth or fake_auth()}
        h.update(headers or {})
        conn.request("POST", "/", body=body, headers=h)
        r = conn.getresponse()
        return r.status, r.read().decode()

    def test_malformed_requests_and_keep_alive(self):
        self.c.start_agent(A, USE1)
        self.start_gateway()
        conn = http.client.HTTPConnection("127.0.0.1", self.gw_port, timeout=10)
        cases = [
            ("Action=DescribeVpcs&Filter.1.Name=%ZZ", 400, "MalformedQueryString"),
            ("Action=LaunchRockets&Version=2016-11-15", 400, "InvalidAction"),
            ("Version=2016-11-15", 400, "MissingAction"),
            ("Action=DescribeVpcs&Filter.1.Frobnicate=1", 400, "UnknownParameter"),
            ("Action=DescribeVpcs&MaxResults=many", 400, "InvalidParameterValue"),
        ]
        for body, status, code in cases:
            st, text = self.post(conn, body)
            self.assertEqual(st, status, text)
            self.assertIn(f"<Code>{code}</Code>", text)
            self.assertIn("<RequestID>", text)
        # Same connection, still serving: one keep-alive connection, many requests.
        for _ in range(50):
            st, text = self.post(conn, "Action=DescribeVpcs&Version=2016-11-15")
            self.assertEqual(st, 200, text)
            self.assertIn("<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">", text)
        # GET with the parameters in the query string (EC2 documents both).
        conn.request("GET", "/?Action=DescribeVpcs&Version=2016-11-15&MaxResults=5",
                     headers={"Authorization": fake_auth(), "X-Amz-Date": "20261127T153431Z"})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn("<DescribeVpcsResponse", r.read().decode())
        # No Authorization header at all.
        conn.request("POST", "/", body="Action=DescribeVpcs", headers={"Content-Type": "x"})
        r = conn.getresponse()
        self.assertEqual(r.status, 401)
        self.assertIn("<Code>MissingAuthenticationToken</Code>", r.read().decode())
        conn.close()

        # Pipelined requests are answered in order, one after the other.
        def raw(body):
            return (f"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {fake_auth()}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n{body}").encode()
        with socket.create_connection(("127.0.0.1", self.gw_port), timeout=10) as s:
            s.sendall(raw("Action=DescribeVpcs") + raw("Action=Nope") + raw("Action=DescribeVpcs&MaxResults=5"))
            got = b""
            while got.count(b"HTTP/1.1 ") < 3 or not got.endswith(b"</DescribeVpcsResponse>"):
                chunk = s.recv(65536)
                self.assertTrue(chunk, got)
                got += chunk
        text = got.decode()
        self.assertLess(text.index("HTTP/1.1 200"), text.index("HTTP/1.1 400"))
        self.assertEqual(text.count("HTTP/1.1 200"), 2)
        self.assertIn("<Code>InvalidAction</Code>", text)

        # An oversize body is refused before it is read; the connection closes.
        conn = http.client.HTTPConnection("127.0.0.1", self.gw_port, timeout=10)
        big = "Action=DescribeVpcs&" + "x" * (2 << 20)
        try:
            st, text = self.post(conn, big)
            self.assertEqual(st, 413)
            self.assertIn("<Code>RequestEntityTooLarge</Code>", text)
        except (BrokenPipeError, ConnectionResetError):
            pass    # the server may close while the client is still sending
        conn.close()
        # Too many headers, and bytes that are not HTTP at all.
        conn = http.client.HTTPConnection("127.0.0.1", self.gw_port, timeout=10)
        st, text = self.post(conn, "Action=DescribeVpcs", headers={f"X-H{i}": "v" for i in range(150)})
        self.assertEqual(st, 431)
        self.assertIn("<Code>RequestHeaderFieldsTooLarge</Code>", text)
        conn.close()
        with socket.create_connection(("127.0.0.1", self.gw_port), timeout=10) as s:
            s.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
            reply = s.recv(65536).decode(errors="replace")
        self.assertTrue(reply.startswith("HTTP/1.1 400 "), reply)
        self.assertIn("<Code>MalformedHTTPRequest</Code>", reply)
        # ... and the gateway still serves.
        conn = http.client.HTTPConnection("127.0.0.1", self.gw_port, timeout=10)
        self.assertEqual(self.post(conn, "Action=DescribeVpcs")[0], 200)
        conn.close()
        self.assertIsNone(self.gateway.poll())

    def test_idle_and_stalled_connections_are_closed(self):
        self.c.start_agent(A, USE1)
        self.start_gateway("--idle-timeout", "1")
        import time
        idle = socket.create_connection(("127.0.0.1", self.gw_port), timeout=10)
        stalled = socket.create_connection(("127.0.0.1", self.gw_port), timeout=10)
        stalled.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Le")      # and then nothing
        t0 = time.time()
        for s in (idle, stalled):
            self.assertEqual(s.recv(100), b"")        # the server closed it
            s.close()
        self.assertLess(time.time() - t0, 8)
        # A connection in use is not closed between requests sent in time.
        conn = http.client.HTTPConnection("127.0.0.1", self.gw_port, timeout=10)
        for _ in range(4):
            self.assertEqual(self.post(conn, "Action=DescribeVpcs")[0], 200)
            time.sleep(0.4)
        conn.close()

    def test_credentials_file_verifies_signatures(self):
        from botocore.exceptions import ClientError
        self.c.start_agent(A, USE1)
        path = os.path.join(self.c.dir, "credentials")
        with open(path, "w") as f:
            f.write("# ACCESS_KEY_ID SECRET ACCOUNT_ID\nAKIAVPCSIMEXAMPLE01 s3cret/+key " + A + "\n")
        self.start_gateway("--credentials", path)
        good = self.boto("AKIAVPCSIMEXAMPLE01", USE1, secret="s3cret/+key")
        vpc = good.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]
        self.assertEqual(vpc["OwnerId"], A)
        self.assertEqual(self.boto("AKIAVPCSIMEXAMPLE01", USE1, service="sts", secret="s3cret/+key")
                         .get_caller_identity()["Account"], A)
        for akid, secret in (("AKIAVPCSIMEXAMPLE01", "wrong"), (A, "test")):
            with self.assertRaises(ClientError) as cm:
                self.boto(akid, USE1, secret=secret, attempts=1).describe_vpcs()
            self.assertEqual(cm.exception.response["Error"]["Code"], "AuthFailure")
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 401)
        with self.assertRaises(ClientError) as cm:
            self.boto("AKIAVPCSIMEXAMPLE01", USE1, service="sts", secret="wrong", attempts=1).get_caller_identity()
        self.assertEqual(cm.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        # The AWS CLI: a wrong secret exits 254 with AWS's message.
        r = self.aws("AKIAVPCSIMEXAMPLE01", USE1, "ec2", "describe-vpcs", secret="wrong")
        self.assertEqual(r.rc, 254, r)
        self.assertIn("An error occurred (AuthFailure) when calling the DescribeVpcs operation", r.err)
        r = self.aws("AKIAVPCSIMEXAMPLE01", USE1, "ec2", "describe-vpcs", "--query", "Vpcs[].VpcId",
                     secret="s3cret/+key")
        self.assertEqual((r.rc, r.out.split()), (0, ["[", f'"{vpc["VpcId"]}"', "]"]), r)
        # A request signed 10 minutes ago (a replay) is refused: RequestExpired.
        conn = http.client.HTTPConnection("127.0.0.1", self.gw_port, timeout=10)
        import datetime
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        req = AWSRequest(method="POST", url=self.url + "/", data="Action=DescribeVpcs&Version=2016-11-15",
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials("AKIAVPCSIMEXAMPLE01", "s3cret/+key"), "ec2", USE1).add_auth(req)
        hdrs = dict(req.headers.items())
        conn.request("POST", "/", body=req.body, headers=hdrs)
        r = conn.getresponse()
        self.assertEqual(r.status, 200, r.read())
        r.read()
        old = (datetime.datetime.utcnow() - datetime.timedelta(minutes=10)).strftime("%Y%m%dT%H%M%SZ")
        req = AWSRequest(method="POST", url=self.url + "/", data="Action=DescribeVpcs&Version=2016-11-15",
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                  "X-Amz-Date": old})
        signer = SigV4Auth(Credentials("AKIAVPCSIMEXAMPLE01", "s3cret/+key"), "ec2", USE1)
        req.context["timestamp"] = old
        signer._modify_request_before_signing = lambda request: None   # keep our X-Amz-Date
        request_headers = dict(req.headers.items())
        sts = signer.string_to_sign(req, signer.canonical_request(req))
        sig = signer.signature(sts, req)
        request_headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential=AKIAVPCSIMEXAMPLE01/{old[:8]}/{USE1}/ec2/aws4_request, "
            f"SignedHeaders={signer.signed_headers(signer.headers_to_sign(req))}, Signature={sig}")
        conn.request("POST", "/", body=req.body, headers=request_headers)
        r = conn.getresponse()
        text = r.read().decode()
        self.assertEqual(r.status, 400, text)
        self.assertIn("<Code>RequestExpired</Code>", text)
        conn.close()


if __name__ == "__main__":
    gateway_util.main()
