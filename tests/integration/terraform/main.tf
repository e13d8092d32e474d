# Two accounts, two Regions, one endpoint: the configuration test_gateway_terraform.py
# applies, plans again (no changes expected) and destroys through vpcsim-gateway.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "endpoint" { type = string }

provider "aws" {
  region                  = "us-east-1"
  access_key              = "111111111111"
  secret_key              = "test"
  skip_metadata_api_check = true
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
  }
}

provider "aws" {
  alias                   = "peer"
  region                  = "eu-west-1"
  access_key              = "222222222222"
  secret_key              = "test"
  skip_metadata_api_check = true
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
  }
}

resource "aws_vpc" "a" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "VPC-A" }
}

resource "aws_vpc" "b" {
  provider             = aws.peer
  cidr_block           = "10.2.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "VPC-B" }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.1.1.0/24"
}

resource "aws_internet_gateway" "a" {
  vpc_id = aws_vpc.a.id
}

resource "aws_route_table" "a" {
  vpc_id = aws_vpc.a.id
}

resource "aws_route" "a_internet" {
  route_table_id         = aws_route_table.a.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.a.id
}

resource "aws_security_group" "b" {
  provider    = aws.peer
  name        = "from-vpc-a"
  description = "ssh from VPC-A"
  vpc_id      = aws_vpc.b.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.1.0.0/16"]
  }
}

resource "aws_vpc_peering_connection" "ab" {
  vpc_id        = aws_vpc.a.id
  peer_vpc_id   = aws_vpc.b.id
  peer_owner_id = "222222222222"
  peer_region   = "eu-west-1"
  tags          = { Name = "joinc-test" }
}

resource "aws_vpc_peering_connection_accepter" "ab" {
  provider                  = aws.peer
  vpc_peering_connection_id = aws_vpc_peering_connection.ab.id
  auto_accept               = true
  tags                      = { Side = "accepter" }
}

resource "aws_vpc_peering_connection_options" "requester" {
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.ab.id
  requester {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_route" "a_to_b" {
  route_table_id            = aws_route_table.a.id
  destination_cidr_block    = "10.2.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.ab.id
}

output "pcx" { value = aws_vpc_peering_connection.ab.id }
