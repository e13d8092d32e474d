"""Terraform drives vpcsim through vpcsim-gateway: a configuration with two
provider aliases (two accounts in two Regions, one endpoints block) with a
VPC in each, a subnet, an internet gateway, a route table with routes, a
security group with a rule, and a peering connection with its accepter and
options, is applied, planned again (no changes: each side keeps its own
tags) and destroyed.

Terraform runs offline: the hashicorp/aws provider comes from a local
filesystem mirror (the `terraform-provider-aws` plugin directory of this
machine, or VPCSIM_TF_PLUGIN_MIRROR), never from the registry. The test is
skipped, saying why, where terraform or the provider is missing.
"""
import glob
import os
import shutil
import subprocess

import gateway_util
from gateway_util import GatewayTest

A, B = "111111111111", "222222222222"
USE1, EUW1 = "us-east-1", "eu-west-1"
HERE = os.path.dirname(os.path.abspath(__file__))

MIRRORS = ["/opt/tf-plugins", os.path.expanduser("~/.terraform.d/plugins"),
           "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins"]


def provider_mirror():
    """A filesystem_mirror dir holding registry.terraform.io/hashicorp/aws, or None."""
    cands = [os.environ["VPCSIM_TF_PLUGIN_MIRROR"]] if os.environ.get("VPCSIM_TF_PLUGIN_MIRROR") else MIRRORS
    for d in cands:
        if glob.glob(os.path.join(d, "registry.terraform.io", "hashicorp", "aws", "*", "*",
                                  "terraform-provider-aws*")):
            return d
    return None


class GatewayTerraformTest(GatewayTest):
    def tf(self, workdir, env, cmd, *args, timeout=600):
        flags = ["-no-color"] + (["-input=false"] if cmd != "output" else [])
        p = subprocess.run([self.terraform, cmd, *flags, *args], cwd=workdir, env=env,
                           capture_output=True, text=True, timeout=timeout)
        return p

    def test_apply_plan_destroy(self):
        self.terraform = shutil.which("terraform")
        if not self.terraform:
            self.skipTest("terraform is not on PATH")
        mirror = provider_mirror()
        if not mirror:
            self.skipTest("no offline copy of the hashicorp/aws provider (terraform-provider-aws plugin "
                          "dir; set VPCSIM_TF_PLUGIN_MIRROR)")
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, EUW1)
        self.start_gateway()
        work = os.path.join(self.c.dir, "tf")
        os.makedirs(work)
        shutil.copy(os.path.join(HERE, "terraform", "main.tf"), work)
        rc = os.path.join(self.c.dir, "terraform.rc")
        with open(rc, "w") as f:
            f.write('provider_installation {\n'
                    f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
                    '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
                    '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
                    'disable_checkpoint = true\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
        env.update({"TF_CLI_CONFIG_FILE": rc, "CHECKPOINT_DISABLE": "1", "AWS_EC2_METADATA_DISABLED": "true",
                    "TF_IN_AUTOMATION": "1", "TF_VAR_endpoint": self.url,
                    "TF_DATA_DIR": os.path.join(work, ".terraform")})
        p = self.tf(work, env, "init")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        p = self.tf(work, env, "apply", "-auto-approve")
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr)
        self.assertIn("Apply complete! Resources: 11 added, 0 changed, 0 destroyed.", p.stdout)
        pcx = self.tf(work, env, "output", "-raw", "pcx").stdout.strip()
        self.assertRegex(pcx, r"^pcx-[0-9a-f]{17}$")
        # What Terraform built is what the accounts see.
        a = self.boto(A, USE1)
        got = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
        self.assertEqual(got["Status"]["Code"], "active")
        self.assertEqual(got["Tags"], [{"Key": "Name", "Value": "joinc-test"}])
        self.assertTrue(got["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"])
        got_b = self.boto(B, EUW1).describe_vpc_peering_connections(
            VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
        self.assertEqual(got_b["Tags"], [{"Key": "Side", "Value": "accepter"}])
        routes = [r for t in a.describe_route_tables(Filters=[{"Name": "route.vpc-peering-connection-id",
                                                                "Values": [pcx]}])["RouteTables"]
                  for r in t["Routes"] if r.get("VpcPeeringConnectionId") == pcx]
        self.assertEqual([(r["DestinationCidrBlock"], r["State"]) for r in routes], [("10.2.0.0/16", "active")])
        # A second plan finds nothing to change.
        p = self.tf(work, env, "plan", "-detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr)
        self.assertIn("No changes.", p.stdout)
        p = self.tf(work, env, "destroy", "-auto-approve")
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr)
        self.assertIn("Destroy complete! Resources: 11 destroyed.", p.stdout)
        self.assertEqual(a.describe_vpcs()["Vpcs"], [])
        self.assertEqual(self.boto(B, EUW1).describe_vpcs()["Vpcs"], [])


if __name__ == "__main__":
    gateway_util.main()
