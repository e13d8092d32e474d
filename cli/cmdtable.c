/* cmdtable: the ec2 command table (see cmdtable.h). The option rows were
 * generated from the ec2 service model in the model's member order, which
 * is the order `aws ec2 SUB help` lists them in; the AWS CLI's own
 * customizations (--count, the security-group shortcuts, pagination) are
 * appended as '@' rows, as the AWS CLI appends them.
 */
#include "cmdtable.h"

#include <string.h>

#include "shapes.h"

/* awscli/customizations/ec2/secgroupsimplify.py */
#define SECURITY_GROUP_SIMPLE_OPTS \
    { "--protocol", NULL, "@protocol" }, { "--port", NULL, "@port" }, \
    { "--cidr", NULL, "@cidr" }, { "--source-group", NULL, "@source-group" }, \
    { "--group-owner", NULL, "@group-owner" }

/* awscli/customizations/paginate.py: added to every paginated operation. */
#define PAGING_OPTS \
    { "--starting-token", NULL, "@starting-token" }, { "--page-size", NULL, "@page-size" }, \
    { "--max-items", NULL, "@max-items" }

static const cli_opt_t s_create_vpc[] = {
    { "--cidr-block",                           "CidrBlock",                       "s" },
    { "--ipv6-pool",                            "Ipv6Pool",                        "s" },
    { "--ipv6-cidr-block",                      "Ipv6CidrBlock",                   "s" },
    { "--ipv4-ipam-pool-id",                    "Ipv4IpamPoolId",                  "s" },
    { "--ipv4-netmask-length",                  "Ipv4NetmaskLength",               "i" },
    { "--ipv6-ipam-pool-id",                    "Ipv6IpamPoolId",                  "s" },
    { "--ipv6-netmask-length",                  "Ipv6NetmaskLength",               "i" },
    { "--ipv6-cidr-block-network-border-group", "Ipv6CidrBlockNetworkBorderGroup", "s" },
    { "--vpc-encryption-control",               "VpcEncryptionControl",            T_VPC_ENCRYPTION_CONTROL_CONFIGURATION },
    { "--tag-specifications",                   "TagSpecifications",               "[" T_TAG_SPECIFICATION "]" },
    { "--dry-run",                              "DryRun",                          "b" },
    { "--instance-tenancy",                     "InstanceTenancy",                 "s" },
    { "--amazon-provided-ipv6-cidr-block",      "AmazonProvidedIpv6CidrBlock",     "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_vpcs[] = {
    { "--filters",     "Filters",    "[" T_FILTER "]" },
    { "--vpc-ids",     "VpcIds",     "[s]" },
    { "--next-token",  "NextToken",  "s" },
    { "--max-results", "MaxResults", "i" },
    { "--dry-run",     "DryRun",     "b" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_delete_vpc[] = {
    { "*--vpc-id", "VpcId",  "s" },
    { "--dry-run", "DryRun", "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_associate_vpc_cidr_block[] = {
    { "--cidr-block",                           "CidrBlock",                       "s" },
    { "--ipv6-cidr-block-network-border-group", "Ipv6CidrBlockNetworkBorderGroup", "s" },
    { "--ipv6-pool",                            "Ipv6Pool",                        "s" },
    { "--ipv6-cidr-block",                      "Ipv6CidrBlock",                   "s" },
    { "--ipv4-ipam-pool-id",                    "Ipv4IpamPoolId",                  "s" },
    { "--ipv4-netmask-length",                  "Ipv4NetmaskLength",               "i" },
    { "--ipv6-ipam-pool-id",                    "Ipv6IpamPoolId",                  "s" },
    { "--ipv6-netmask-length",                  "Ipv6NetmaskLength",               "i" },
    { "*--vpc-id",                              "VpcId",                           "s" },
    { "--amazon-provided-ipv6-cidr-block",      "AmazonProvidedIpv6CidrBlock",     "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_disassociate_vpc_cidr_block[] = {
    { "*--association-id", "AssociationId", "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_modify_vpc_attribute[] = {
    { "--enable-dns-hostnames",                 "EnableDnsHostnames",               T_ATTRIBUTE_BOOLEAN_VALUE },
    { "--enable-dns-support",                   "EnableDnsSupport",                 T_ATTRIBUTE_BOOLEAN_VALUE },
    { "*--vpc-id",                              "VpcId",                            "s" },
    { "--enable-network-address-usage-metrics", "EnableNetworkAddressUsageMetrics", T_ATTRIBUTE_BOOLEAN_VALUE },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_tags[] = {
    { "--dry-run",    "DryRun",    "b" },
    { "*--resources", "Resources", "[s]" },
    { "*--tags",      "Tags",      "[" T_TAG "]" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_delete_tags[] = {
    { "--dry-run",    "DryRun",    "b" },
    { "*--resources", "Resources", "[s]" },
    { "--tags",       "Tags",      "[" T_TAG "]" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_vpc_peering_connection[] = {
    { "--peer-region",        "PeerRegion",        "s" },
    { "--tag-specifications", "TagSpecifications", "[" T_TAG_SPECIFICATION "]" },
    { "--dry-run",            "DryRun",            "b" },
    { "*--vpc-id",            "VpcId",             "s" },
    { "--peer-vpc-id",        "PeerVpcId",         "s" },
    { "--peer-owner-id",      "PeerOwnerId",       "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_accept_vpc_peering_connection[] = {
    { "--dry-run",                    "DryRun",                 "b" },
    { "*--vpc-peering-connection-id", "VpcPeeringConnectionId", "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_reject_vpc_peering_connection[] = {
    { "--dry-run",                    "DryRun",                 "b" },
    { "*--vpc-peering-connection-id", "VpcPeeringConnectionId", "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_delete_vpc_peering_connection[] = {
    { "--dry-run",                    "DryRun",                 "b" },
    { "*--vpc-peering-connection-id", "VpcPeeringConnectionId", "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_vpc_peering_connections[] = {
    { "--next-token",                 "NextToken",               "s" },
    { "--max-results",                "MaxResults",              "i" },
    { "--dry-run",                    "DryRun",                  "b" },
    { "--vpc-peering-connection-ids", "VpcPeeringConnectionIds", "[s]" },
    { "--filters",                    "Filters",                 "[" T_FILTER "]" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_modify_vpc_peering_connection_options[] = {
    { "--accepter-peering-connection-options",  "AccepterPeeringConnectionOptions",  T_PEERING_CONNECTION_OPTIONS_REQUEST },
    { "--dry-run",                              "DryRun",                            "b" },
    { "--requester-peering-connection-options", "RequesterPeeringConnectionOptions", T_PEERING_CONNECTION_OPTIONS_REQUEST },
    { "*--vpc-peering-connection-id",           "VpcPeeringConnectionId",            "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_subnet[] = {
    { "--tag-specifications",   "TagSpecifications",  "[" T_TAG_SPECIFICATION "]" },
    { "--availability-zone",    "AvailabilityZone",   "s" },
    { "--availability-zone-id", "AvailabilityZoneId", "s" },
    { "--cidr-block",           "CidrBlock",          "s" },
    { "--ipv6-cidr-block",      "Ipv6CidrBlock",      "s" },
    { "--outpost-arn",          "OutpostArn",         "s" },
    { "*--vpc-id",              "VpcId",              "s" },
    { "--ipv6-native",          "Ipv6Native",         "b" },
    { "--ipv4-ipam-pool-id",    "Ipv4IpamPoolId",     "s" },
    { "--ipv4-netmask-length",  "Ipv4NetmaskLength",  "i" },
    { "--ipv6-ipam-pool-id",    "Ipv6IpamPoolId",     "s" },
    { "--ipv6-netmask-length",  "Ipv6NetmaskLength",  "i" },
    { "--dry-run",              "DryRun",             "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_subnets[] = {
    { "--filters",     "Filters",    "[" T_FILTER "]" },
    { "--subnet-ids",  "SubnetIds",  "[s]" },
    { "--next-token",  "NextToken",  "s" },
    { "--max-results", "MaxResults", "i" },
    { "--dry-run",     "DryRun",     "b" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_delete_subnet[] = {
    { "*--subnet-id", "SubnetId", "s" },
    { "--dry-run",    "DryRun",   "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_internet_gateway[] = {
    { "--tag-specifications", "TagSpecifications", "[" T_TAG_SPECIFICATION "]" },
    { "--dry-run",            "DryRun",            "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_attach_internet_gateway[] = {
    { "--dry-run",              "DryRun",            "b" },
    { "*--internet-gateway-id", "InternetGatewayId", "s" },
    { "*--vpc-id",              "VpcId",             "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_route_table[] = {
    { "--tag-specifications", "TagSpecifications", "[" T_TAG_SPECIFICATION "]" },
    { "~--client-token",      "ClientToken",       "s" },
    { "--dry-run",            "DryRun",            "b" },
    { "*--vpc-id",            "VpcId",             "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_associate_route_table[] = {
    { "--gateway-id",       "GatewayId",      "s" },
    { "--public-ipv4-pool", "PublicIpv4Pool", "s" },
    { "--dry-run",          "DryRun",         "b" },
    { "--subnet-id",        "SubnetId",       "s" },
    { "*--route-table-id",  "RouteTableId",   "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_route_tables[] = {
    { "--next-token",      "NextToken",     "s" },
    { "--max-results",     "MaxResults",    "i" },
    { "--dry-run",         "DryRun",        "b" },
    { "--route-table-ids", "RouteTableIds", "[s]" },
    { "--filters",         "Filters",       "[" T_FILTER "]" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_route[] = {
    { "--destination-prefix-list-id",      "DestinationPrefixListId",     "s" },
    { "--vpc-endpoint-id",                 "VpcEndpointId",               "s" },
    { "--transit-gateway-id",              "TransitGatewayId",            "s" },
    { "--local-gateway-id",                "LocalGatewayId",              "s" },
    { "--carrier-gateway-id",              "CarrierGatewayId",            "s" },
    { "--core-network-arn",                "CoreNetworkArn",              "s" },
    { "--odb-network-arn",                 "OdbNetworkArn",               "s" },
    { "--dry-run",                         "DryRun",                      "b" },
    { "*--route-table-id",                 "RouteTableId",                "s" },
    { "--destination-cidr-block",          "DestinationCidrBlock",        "s" },
    { "--gateway-id",                      "GatewayId",                   "s" },
    { "--destination-ipv6-cidr-block",     "DestinationIpv6CidrBlock",    "s" },
    { "--egress-only-internet-gateway-id", "EgressOnlyInternetGatewayId", "s" },
    { "--instance-id",                     "InstanceId",                  "s" },
    { "--network-interface-id",            "NetworkInterfaceId",          "s" },
    { "--vpc-peering-connection-id",       "VpcPeeringConnectionId",      "s" },
    { "--nat-gateway-id",                  "NatGatewayId",                "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_replace_route[] = {
    { "--destination-prefix-list-id",      "DestinationPrefixListId",     "s" },
    { "--vpc-endpoint-id",                 "VpcEndpointId",               "s" },
    { "--local-target",                    "LocalTarget",                 "b" },
    { "--transit-gateway-id",              "TransitGatewayId",            "s" },
    { "--local-gateway-id",                "LocalGatewayId",              "s" },
    { "--carrier-gateway-id",              "CarrierGatewayId",            "s" },
    { "--core-network-arn",                "CoreNetworkArn",              "s" },
    { "--odb-network-arn",                 "OdbNetworkArn",               "s" },
    { "--dry-run",                         "DryRun",                      "b" },
    { "*--route-table-id",                 "RouteTableId",                "s" },
    { "--destination-cidr-block",          "DestinationCidrBlock",        "s" },
    { "--gateway-id",                      "GatewayId",                   "s" },
    { "--destination-ipv6-cidr-block",     "DestinationIpv6CidrBlock",    "s" },
    { "--egress-only-internet-gateway-id", "EgressOnlyInternetGatewayId", "s" },
    { "--instance-id",                     "InstanceId",                  "s" },
    { "--network-interface-id",            "NetworkInterfaceId",          "s" },
    { "--vpc-peering-connection-id",       "VpcPeeringConnectionId",      "s" },
    { "--nat-gateway-id",                  "NatGatewayId",                "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_delete_route[] = {
    { "--destination-prefix-list-id",  "DestinationPrefixListId",  "s" },
    { "--dry-run",                     "DryRun",                   "b" },
    { "*--route-table-id",             "RouteTableId",             "s" },
    { "--destination-cidr-block",      "DestinationCidrBlock",     "s" },
    { "--destination-ipv6-cidr-block", "DestinationIpv6CidrBlock", "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_security_group[] = {
    { "*--description",       "Description",       "s" },
    { "*--group-name",        "GroupName",         "s" },
    { "--vpc-id",             "VpcId",             "s" },
    { "--tag-specifications", "TagSpecifications", "[" T_TAG_SPECIFICATION "]" },
    { "--dry-run",            "DryRun",            "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_security_groups[] = {
    { "--group-ids",   "GroupIds",   "[s]" },
    { "--group-names", "GroupNames", "[s]" },
    { "--next-token",  "NextToken",  "s" },
    { "--max-results", "MaxResults", "i" },
    { "--dry-run",     "DryRun",     "b" },
    { "--filters",     "Filters",    "[" T_FILTER "]" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_authorize_security_group_ingress[] = {
    { "--cidr-ip",                        "CidrIp",                     "s" },
    { "--from-port",                      "FromPort",                   "i" },
    { "--group-id",                       "GroupId",                    "s" },
    { "--group-name",                     "GroupName",                  "s" },
    { "--ip-permissions",                 "IpPermissions",              "[" T_IP_PERMISSION "]" },
    { "--ip-protocol",                    "IpProtocol",                 "s" },
    { "--source-security-group-name",     "SourceSecurityGroupName",    "s" },
    { "--source-security-group-owner-id", "SourceSecurityGroupOwnerId", "s" },
    { "--to-port",                        "ToPort",                     "i" },
    { "--tag-specifications",             "TagSpecifications",          "[" T_TAG_SPECIFICATION "]" },
    { "--dry-run",                        "DryRun",                     "b" },
    SECURITY_GROUP_SIMPLE_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_authorize_security_group_egress[] = {
    { "--tag-specifications",             "TagSpecifications",          "[" T_TAG_SPECIFICATION "]" },
    { "--dry-run",                        "DryRun",                     "b" },
    { "*--group-id",                      "GroupId",                    "s" },
    { "--source-security-group-name",     "SourceSecurityGroupName",    "s" },
    { "--source-security-group-owner-id", "SourceSecurityGroupOwnerId", "s" },
    { "--ip-protocol",                    "IpProtocol",                 "s" },
    { "--from-port",                      "FromPort",                   "i" },
    { "--to-port",                        "ToPort",                     "i" },
    { "--cidr-ip",                        "CidrIp",                     "s" },
    { "--ip-permissions",                 "IpPermissions",              "[" T_IP_PERMISSION "]" },
    SECURITY_GROUP_SIMPLE_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_revoke_security_group_ingress[] = {
    { "--cidr-ip",                        "CidrIp",                     "s" },
    { "--from-port",                      "FromPort",                   "i" },
    { "--group-id",                       "GroupId",                    "s" },
    { "--group-name",                     "GroupName",                  "s" },
    { "--ip-permissions",                 "IpPermissions",              "[" T_IP_PERMISSION "]" },
    { "--ip-protocol",                    "IpProtocol",                 "s" },
    { "--source-security-group-name",     "SourceSecurityGroupName",    "s" },
    { "--source-security-group-owner-id", "SourceSecurityGroupOwnerId", "s" },
    { "--to-port",                        "ToPort",                     "i" },
    { "--security-group-rule-ids",        "SecurityGroupRuleIds",       "[s]" },
    { "--dry-run",                        "DryRun",                     "b" },
    SECURITY_GROUP_SIMPLE_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_stale_security_groups[] = {
    { "--dry-run",     "DryRun",     "b" },
    { "--max-results", "MaxResults", "i" },
    { "--next-token",  "NextToken",  "s" },
    { "*--vpc-id",     "VpcId",      "s" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_security_group_references[] = {
    { "--dry-run",   "DryRun",  "b" },
    { "*--group-id", "GroupId", "[s]" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_network_acl[] = {
    { "--tag-specifications", "TagSpecifications", "[" T_TAG_SPECIFICATION "]" },
    { "~--client-token",      "ClientToken",       "s" },
    { "--dry-run",            "DryRun",            "b" },
    { "*--vpc-id",            "VpcId",             "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_delete_network_acl[] = {
    { "--dry-run",          "DryRun",       "b" },
    { "*--network-acl-id",  "NetworkAclId", "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_network_acls[] = {
    { "--next-token",      "NextToken",     "s" },
    { "--max-results",     "MaxResults",    "i" },
    { "--dry-run",         "DryRun",        "b" },
    { "--network-acl-ids", "NetworkAclIds", "[s]" },
    { "--filters",         "Filters",       "[" T_FILTER "]" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

/* Create and Replace take the same members in the same order. */
#define NETWORK_ACL_ENTRY_OPTS \
    { "--dry-run",          "DryRun",        "b" }, \
    { "*--network-acl-id",  "NetworkAclId",  "s" }, \
    { "*--rule-number",     "RuleNumber",    "i" }, \
    { "*--protocol",        "Protocol",      "s" }, \
    { "*--rule-action",     "RuleAction",    "s" }, \
    { "*--egress",          "Egress",        "b" }, \
    { "--cidr-block",       "CidrBlock",     "s" }, \
    { "--ipv6-cidr-block",  "Ipv6CidrBlock", "s" }, \
    { "--icmp-type-code",   "IcmpTypeCode",  T_ICMP_TYPE_CODE }, \
    { "--port-range",       "PortRange",     T_PORT_RANGE }

static const cli_opt_t s_create_network_acl_entry[] = {
    NETWORK_ACL_ENTRY_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_replace_network_acl_entry[] = {
    NETWORK_ACL_ENTRY_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_delete_network_acl_entry[] = {
    { "--dry-run",         "DryRun",       "b" },
    { "*--network-acl-id", "NetworkAclId", "s" },
    { "*--rule-number",    "RuleNumber",   "i" },
    { "*--egress",         "Egress",       "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_replace_network_acl_association[] = {
    { "--dry-run",         "DryRun",        "b" },
    { "*--association-id", "AssociationId", "s" },
    { "*--network-acl-id", "NetworkAclId",  "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_run_instances[] = {
    { "--block-device-mappings",                "BlockDeviceMappings",               "[" T_BLOCK_DEVICE_MAPPING "]" },
    { "--image-id",                             "ImageId",                           "s" },
    { "--instance-type",                        "InstanceType",                      "s" },
    { "--ipv6-address-count",                   "Ipv6AddressCount",                  "i" },
    { "--ipv6-addresses",                       "Ipv6Addresses",                     "[" T_INSTANCE_IPV6_ADDRESS "]" },
    { "--kernel-id",                            "KernelId",                          "s" },
    { "--key-name",                             "KeyName",                           "s" },
    { "--monitoring",                           "Monitoring",                        T_RUN_INSTANCES_MONITORING_ENABLED },
    { "--placement",                            "Placement",                         T_PLACEMENT },
    { "--ramdisk-id",                           "RamdiskId",                         "s" },
    { "--security-group-ids",                   "SecurityGroupIds",                  "[s]" },
    { "--security-groups",                      "SecurityGroups",                    "[s]" },
    { "--subnet-id",                            "SubnetId",                          "s" },
    { "--user-data",                            "UserData",                          "s" },
    { "--elastic-gpu-specification",            "ElasticGpuSpecification",           "[" T_ELASTIC_GPU_SPECIFICATION "]" },
    { "--elastic-inference-accelerators",       "ElasticInferenceAccelerators",      "[" T_ELASTIC_INFERENCE_ACCELERATOR "]" },
    { "--tag-specifications",                   "TagSpecifications",                 "[" T_TAG_SPECIFICATION "]" },
    { "--launch-template",                      "LaunchTemplate",                    T_LAUNCH_TEMPLATE_SPECIFICATION },
    { "--instance-market-options",              "InstanceMarketOptions",             T_INSTANCE_MARKET_OPTIONS_REQUEST },
    { "--credit-specification",                 "CreditSpecification",               T_CREDIT_SPECIFICATION_REQUEST },
    { "--cpu-options",                          "CpuOptions",                        T_CPU_OPTIONS_REQUEST },
    { "--capacity-reservation-specification",   "CapacityReservationSpecification",  T_CAPACITY_RESERVATION_SPECIFICATION },
    { "--hibernation-options",                  "HibernationOptions",                T_HIBERNATION_OPTIONS_REQUEST },
    { "--license-specifications",               "LicenseSpecifications",             "[" T_LICENSE_CONFIGURATION_REQUEST "]" },
    { "--metadata-options",                     "MetadataOptions",                   T_INSTANCE_METADATA_OPTIONS_REQUEST },
    { "--enclave-options",                      "EnclaveOptions",                    T_ENCLAVE_OPTIONS_REQUEST },
    { "--private-dns-name-options",             "PrivateDnsNameOptions",             T_PRIVATE_DNS_NAME_OPTIONS_REQUEST },
    { "--maintenance-options",                  "MaintenanceOptions",                T_INSTANCE_MAINTENANCE_OPTIONS_REQUEST },
    { "--disable-api-stop",                     "DisableApiStop",                    "b" },
    { "--enable-primary-ipv6",                  "EnablePrimaryIpv6",                 "b" },
    { "--network-performance-options",          "NetworkPerformanceOptions",         T_INSTANCE_NETWORK_PERFORMANCE_OPTIONS_REQUEST },
    { "--operator",                             "Operator",                          T_OPERATOR_REQUEST },
    { "--secondary-interfaces",                 "SecondaryInterfaces",               "[" T_INSTANCE_SECONDARY_INTERFACE_SPECIFICATION_REQUEST "]" },
    { "--dry-run",                              "DryRun",                            "b" },
    { "--disable-api-termination",              "DisableApiTermination",             "b" },
    { "--instance-initiated-shutdown-behavior", "InstanceInitiatedShutdownBehavior", "s" },
    { "--private-ip-address",                   "PrivateIpAddress",                  "s" },
    { "~--client-token",                        "ClientToken",                       "s" },
    { "--additional-info",                      "AdditionalInfo",                    "s" },
    { "--network-interfaces",                   "NetworkInterfaces",                 "[" T_INSTANCE_NETWORK_INTERFACE_SPECIFICATION "]" },
    { "--iam-instance-profile",                 "IamInstanceProfile",                T_IAM_INSTANCE_PROFILE_SPECIFICATION },
    { "--ebs-optimized",                        "EbsOptimized",                      "b" },
    { "--count",                                NULL,                                "@count" },
    { "!--max-count",                           "MaxCount",                          "i" },
    { "!--min-count",                           "MinCount",                          "i" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_instances[] = {
    { "--instance-ids",              "InstanceIds",             "[s]" },
    { "--include-managed-resources", "IncludeManagedResources", "b" },
    { "--dry-run",                   "DryRun",                  "b" },
    { "--filters",                   "Filters",                 "[" T_FILTER "]" },
    { "--next-token",                "NextToken",               "s" },
    { "--max-results",               "MaxResults",              "i" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};

static const cli_opt_t s_terminate_instances[] = {
    { "*--instance-ids",    "InstanceIds",    "[s]" },
    { "--force",            "Force",          "b" },
    { "--skip-os-shutdown", "SkipOsShutdown", "b" },
    { "--dry-run",          "DryRun",         "b" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_create_network_insights_path[] = {
    { "--source-ip",             "SourceIp",            "s" },
    { "--destination-ip",        "DestinationIp",       "s" },
    { "*--source",               "Source",              "s" },
    { "--destination",           "Destination",         "s" },
    { "*--protocol",             "Protocol",            "s" },
    { "--destination-port",      "DestinationPort",     "i" },
    { "--tag-specifications",    "TagSpecifications",   "[" T_TAG_SPECIFICATION "]" },
    { "--dry-run",               "DryRun",              "b" },
    { "~--client-token",         "ClientToken",         "s" },
    { "--filter-at-source",      "FilterAtSource",      T_PATH_REQUEST_FILTER },
    { "--filter-at-destination", "FilterAtDestination", T_PATH_REQUEST_FILTER },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_start_network_insights_analysis[] = {
    { "*--network-insights-path-id", "NetworkInsightsPathId", "s" },
    { "--additional-accounts",       "AdditionalAccounts",    "[s]" },
    { "--filter-in-arns",            "FilterInArns",          "[s]" },
    { "--filter-out-arns",           "FilterOutArns",         "[s]" },
    { "--dry-run",                   "DryRun",                "b" },
    { "--tag-specifications",        "TagSpecifications",     "[" T_TAG_SPECIFICATION "]" },
    { "~--client-token",             "ClientToken",           "s" },
    { NULL, NULL, NULL }
};

static const cli_opt_t s_describe_network_insights_analyses[] = {
    { "--network-insights-analysis-ids", "NetworkInsightsAnalysisIds", "[s]" },
    { "--network-insights-path-id",      "NetworkInsightsPathId",      "s" },
    { "--analysis-start-time",           "AnalysisStartTime",          "t" },
    { "--analysis-end-time",             "AnalysisEndTime",            "t" },
    { "--filters",                       "Filters",                    "[" T_FILTER "]" },
    { "--max-results",                   "MaxResults",                 "i" },
    { "--dry-run",                       "DryRun",                     "b" },
    { "--next-token",                    "NextToken",                  "s" },
    PAGING_OPTS,
    { NULL, NULL, NULL }
};
static const cli_cmd_t s_commands[] = {
    /* VPCs */
    { "create-vpc", "CreateVpc", "Creates a VPC with the specified CIDR blocks.", NULL, s_create_vpc },
    { "describe-vpcs", "DescribeVpcs", "Describes your VPCs.", "Vpcs", s_describe_vpcs },
    { "delete-vpc", "DeleteVpc", "Deletes the specified VPC.", NULL, s_delete_vpc },
    { "associate-vpc-cidr-block", "AssociateVpcCidrBlock",
      "Associates a CIDR block with your VPC.", NULL, s_associate_vpc_cidr_block },
    { "disassociate-vpc-cidr-block", "DisassociateVpcCidrBlock",
      "Disassociates a CIDR block from a VPC.", NULL, s_disassociate_vpc_cidr_block },
    { "modify-vpc-attribute", "ModifyVpcAttribute",
      "Modifies the specified attribute of the specified VPC.", NULL, s_modify_vpc_attribute },
    { "create-tags", "CreateTags",
      "Adds or overwrites tags for the specified resources.", NULL, s_create_tags },
    { "delete-tags", "DeleteTags",
      "Deletes the specified set of tags from the specified resources.", NULL, s_delete_tags },
    /* peering */
    { "create-vpc-peering-connection", "CreateVpcPeeringConnection",
      "Requests a VPC peering connection between two VPCs.", NULL, s_create_vpc_peering_connection },
    { "accept-vpc-peering-connection", "AcceptVpcPeeringConnection",
      "Accepts a VPC peering connection request.", NULL, s_accept_vpc_peering_connection },
    { "reject-vpc-peering-connection", "RejectVpcPeeringConnection",
      "Rejects a VPC peering connection request.", NULL, s_reject_vpc_peering_connection },
    { "delete-vpc-peering-connection", "DeleteVpcPeeringConnection",
      "Deletes a VPC peering connection.", NULL, s_delete_vpc_peering_connection },
    { "describe-vpc-peering-connections", "DescribeVpcPeeringConnections",
      "Describes your VPC peering connections.", "VpcPeeringConnections",
      s_describe_vpc_peering_connections },
    { "modify-vpc-peering-connection-options", "ModifyVpcPeeringConnectionOptions",
      "Modifies the VPC peering connection options on one side of a VPC peering connection.", NULL,
      s_modify_vpc_peering_connection_options },
    /* network */
    { "create-subnet", "CreateSubnet", "Creates a subnet in the specified VPC.", NULL, s_create_subnet },
    { "describe-subnets", "DescribeSubnets", "Describes your subnets.", "Subnets", s_describe_subnets },
    { "delete-subnet", "DeleteSubnet", "Deletes the specified subnet.", NULL, s_delete_subnet },
    { "create-internet-gateway", "CreateInternetGateway",
      "Creates an internet gateway for use with a VPC.", NULL, s_create_internet_gateway },
    { "attach-internet-gateway", "AttachInternetGateway",
      "Attaches an internet gateway to a VPC.", NULL, s_attach_internet_gateway },
    { "create-route-table", "CreateRouteTable",
      "Creates a route table for the specified VPC.", NULL, s_create_route_table },
    { "associate-route-table", "AssociateRouteTable",
      "Associates a subnet or gateway with a route table.", NULL, s_associate_route_table },
    { "describe-route-tables", "DescribeRouteTables",
      "Describes your route tables.", "RouteTables", s_describe_route_tables },
    { "create-route", "CreateRoute", "Creates a route in a route table within a VPC.", NULL, s_create_route },
    { "replace-route", "ReplaceRoute",
      "Replaces an existing route within a route table in a VPC.", NULL, s_replace_route },
    { "delete-route", "DeleteRoute",
      "Deletes the specified route from the specified route table.", NULL, s_delete_route },
    { "create-security-group", "CreateSecurityGroup",
      "Creates a security group.", NULL, s_create_security_group },
    { "describe-security-groups", "DescribeSecurityGroups",
      "Describes the specified security groups or all of your security groups.", "SecurityGroups",
      s_describe_security_groups },
    { "authorize-security-group-ingress", "AuthorizeSecurityGroupIngress",
      "Adds the specified inbound (ingress) rules to a security group.", NULL,
      s_authorize_security_group_ingress },
    { "authorize-security-group-egress", "AuthorizeSecurityGroupEgress",
      "Adds the specified outbound (egress) rules to a security group.", NULL,
      s_authorize_security_group_egress },
    { "revoke-security-group-ingress", "RevokeSecurityGroupIngress",
      "Removes the specified inbound (ingress) rules from a security group.", NULL,
      s_revoke_security_group_ingress },
    { "describe-stale-security-groups", "DescribeStaleSecurityGroups",
      "Describes the stale security group rules for security groups referenced across a VPC "
      "peering connection, transit gateway connection, or with a security group VPC association.",
      "StaleSecurityGroupSet", s_describe_stale_security_groups },
    { "describe-security-group-references", "DescribeSecurityGroupReferences",
      "Describes the VPCs on the other side of a VPC peering or Transit Gateway connection that "
      "are referencing the security groups you've specified in this request.", NULL,
      s_describe_security_group_references },
    { "create-network-acl", "CreateNetworkAcl",
      "Creates a network ACL in a VPC.", NULL, s_create_network_acl },
    { "delete-network-acl", "DeleteNetworkAcl",
      "Deletes the specified network ACL.", NULL, s_delete_network_acl },
    { "describe-network-acls", "DescribeNetworkAcls",
      "Describes your network ACLs.", "NetworkAcls", s_describe_network_acls },
    { "create-network-acl-entry", "CreateNetworkAclEntry",
      "Creates an entry (a rule) in a network ACL with the specified rule number.", NULL,
      s_create_network_acl_entry },
    { "replace-network-acl-entry", "ReplaceNetworkAclEntry",
      "Replaces an entry (rule) in a network ACL.", NULL, s_replace_network_acl_entry },
    { "delete-network-acl-entry", "DeleteNetworkAclEntry",
      "Deletes the specified ingress or egress entry (rule) from the specified network ACL.",
      NULL, s_delete_network_acl_entry },
    { "replace-network-acl-association", "ReplaceNetworkAclAssociation",
      "Changes which network ACL a subnet is associated with.", NULL,
      s_replace_network_acl_association },
    { "run-instances", "RunInstances",
      "Launches the specified number of instances using an AMI.", NULL, s_run_instances },
    { "describe-instances", "DescribeInstances",
      "Describes the specified instances or all instances.", "Reservations", s_describe_instances },
    { "terminate-instances", "TerminateInstances",
      "Terminates (deletes) the specified instances.", NULL, s_terminate_instances },
    /* reachability */
    { "create-network-insights-path", "CreateNetworkInsightsPath",
      "Creates a path to analyze for reachability.", NULL, s_create_network_insights_path },
    { "start-network-insights-analysis", "StartNetworkInsightsAnalysis",
      "Starts analyzing the specified path.", NULL, s_start_network_insights_analysis },
    { "describe-network-insights-analyses", "DescribeNetworkInsightsAnalyses",
      "Describes one or more of your network insights analyses.", "NetworkInsightsAnalyses",
      s_describe_network_insights_analyses },
};

#define S_NCOMMANDS (sizeof s_commands / sizeof s_commands[0])

const cli_cmd_t *cli_cmdtable_find(const char *name)
{
    for (size_t i = 0; i < S_NCOMMANDS; i++)
        if (strcmp(s_commands[i].name, name) == 0)
            return &s_commands[i];
    return NULL;
}

const cli_cmd_t *cli_cmdtable_at(size_t i)
{
    return i < S_NCOMMANDS ? &s_commands[i] : NULL;
}

const char *cli_opt_flag(const cli_opt_t *o)
{
    return o->name[0] == '-' ? o->name : o->name + 1;
}

bool cli_opt_required(const cli_opt_t *o) { return o->name[0] == '*'; }
bool cli_opt_token(const cli_opt_t *o) { return o->name[0] == '~'; }
bool cli_opt_custom(const cli_opt_t *o) { return o->type[0] == '@'; }
bool cli_opt_hidden(const cli_opt_t *o) { return o->name[0] == '!'; }

const cli_opt_t *cli_cmd_find_opt(const cli_cmd_t *cmd, const char *flag)
{
    for (const cli_opt_t *o = cmd->opts; o->name; o++)
        if (!cli_opt_hidden(o) && strcmp(cli_opt_flag(o), flag) == 0)
            return o;
    return NULL;
}
