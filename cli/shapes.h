/* shapes: botocore input shapes of the ec2 operations vpcsim implements,
 * in the schema notation of schema.h, one macro per botocore shape (named
 * after it) so the option table in cmdtable.c stays one line per option.
 * Generated once from the ec2 service model (botocore 1.43) and kept by
 * hand since; member order is the model's.
 */
#ifndef CLI_SHAPES_H
#define CLI_SHAPES_H

#define T_VPC_ENCRYPTION_CONTROL_CONFIGURATION \
    "{Mode:s,InternetGatewayExclusion:s,EgressOnlyInternetGatewayExclusion:s," \
    "NatGatewayExclusion:s,VirtualPrivateGatewayExclusion:s,VpcPeeringExclusion:s," \
    "LambdaExclusion:s,VpcLatticeExclusion:s,ElasticFileSystemExclusion:s}"
#define T_TAG "{Key:s,Value:s}"
#define T_TAG_SPECIFICATION "{ResourceType:s,Tags:[" T_TAG "]}"
#define T_FILTER "{Name:s,Values:[s]}"
#define T_ICMP_TYPE_CODE "{Code:i,Type:i}"
#define T_PORT_RANGE "{From:i,To:i}"
#define T_ATTRIBUTE_BOOLEAN_VALUE "{Value:b}"
#define T_PEERING_CONNECTION_OPTIONS_REQUEST \
    "{AllowDnsResolutionFromRemoteVpc:b,AllowEgressFromLocalClassicLinkToRemoteVpc:b," \
    "AllowEgressFromLocalVpcToRemoteClassicLink:b}"
#define T_USER_ID_GROUP_PAIR \
    "{Description:s,UserId:s,GroupName:s,GroupId:s,VpcId:s," \
    "VpcPeeringConnectionId:s,PeeringStatus:s}"
#define T_IP_RANGE "{Description:s,CidrIp:s}"
#define T_IPV6_RANGE "{Description:s,CidrIpv6:s}"
#define T_PREFIX_LIST_ID "{Description:s,PrefixListId:s}"
#define T_IP_PERMISSION \
    "{IpProtocol:s,FromPort:i,ToPort:i,UserIdGroupPairs:[" T_USER_ID_GROUP_PAIR "]," \
    "IpRanges:[" T_IP_RANGE "],Ipv6Ranges:[" T_IPV6_RANGE "],PrefixListIds:[" \
    T_PREFIX_LIST_ID "]}"
#define T_EBS_BLOCK_DEVICE \
    "{DeleteOnTermination:b,Iops:i,SnapshotId:s,VolumeSize:i,VolumeType:s," \
    "KmsKeyId:s,Throughput:i,OutpostArn:s,AvailabilityZone:s,Encrypted:b," \
    "VolumeInitializationRate:i,AvailabilityZoneId:s,EbsCardIndex:i}"
#define T_BLOCK_DEVICE_MAPPING "{Ebs:" T_EBS_BLOCK_DEVICE ",NoDevice:s,DeviceName:s,VirtualName:s}"
#define T_INSTANCE_IPV6_ADDRESS "{Ipv6Address:s,IsPrimaryIpv6:b}"
#define T_RUN_INSTANCES_MONITORING_ENABLED "{Enabled:b}"
#define T_PLACEMENT \
    "{AvailabilityZoneId:s,Affinity:s,GroupName:s,PartitionNumber:i,HostId:s," \
    "Tenancy:s,SpreadDomain:s,HostResourceGroupArn:s,GroupId:s,AvailabilityZone:s}"
#define T_ELASTIC_GPU_SPECIFICATION "{Type:s}"
#define T_ELASTIC_INFERENCE_ACCELERATOR "{Type:s,Count:i}"
#define T_LAUNCH_TEMPLATE_SPECIFICATION "{LaunchTemplateId:s,LaunchTemplateName:s,Version:s}"
#define T_SPOT_MARKET_OPTIONS \
    "{MaxPrice:s,SpotInstanceType:s,BlockDurationMinutes:i,ValidUntil:t," \
    "InstanceInterruptionBehavior:s}"
#define T_INSTANCE_MARKET_OPTIONS_REQUEST "{MarketType:s,SpotOptions:" T_SPOT_MARKET_OPTIONS "}"
#define T_CREDIT_SPECIFICATION_REQUEST "{CpuCredits:s}"
#define T_CPU_OPTIONS_REQUEST "{CoreCount:i,ThreadsPerCore:i,AmdSevSnp:s,NestedVirtualization:s}"
#define T_CAPACITY_RESERVATION_TARGET \
    "{CapacityReservationId:s,CapacityReservationResourceGroupArn:s}"
#define T_CAPACITY_RESERVATION_SPECIFICATION \
    "{CapacityReservationPreference:s,CapacityReservationTarget:" \
    T_CAPACITY_RESERVATION_TARGET "}"
#define T_HIBERNATION_OPTIONS_REQUEST "{Configured:b}"
#define T_LICENSE_CONFIGURATION_REQUEST "{LicenseConfigurationArn:s}"
#define T_INSTANCE_METADATA_OPTIONS_REQUEST \
    "{HttpTokens:s,HttpPutResponseHopLimit:i,HttpEndpoint:s,HttpProtocolIpv6:s," \
    "InstanceMetadataTags:s}"
#define T_ENCLAVE_OPTIONS_REQUEST "{Enabled:b}"
#define T_PRIVATE_DNS_NAME_OPTIONS_REQUEST \
    "{HostnameType:s,EnableResourceNameDnsARecord:b,EnableResourceNameDnsAAAARecord:b}"
#define T_INSTANCE_MAINTENANCE_OPTIONS_REQUEST "{AutoRecovery:s}"
#define T_INSTANCE_NETWORK_PERFORMANCE_OPTIONS_REQUEST "{BandwidthWeighting:s}"
#define T_OPERATOR_REQUEST "{Principal:s}"
#define T_INSTANCE_SECONDARY_INTERFACE_PRIVATE_IP_ADDRESS_REQUEST "{PrivateIpAddress:s}"
#define T_INSTANCE_SECONDARY_INTERFACE_SPECIFICATION_REQUEST \
    "{DeleteOnTermination:b,DeviceIndex:i,PrivateIpAddresses:[" \
    T_INSTANCE_SECONDARY_INTERFACE_PRIVATE_IP_ADDRESS_REQUEST "],PrivateIpAddressCount:i," \
    "SecondarySubnetId:s,InterfaceType:s,NetworkCardIndex:i}"
#define T_PRIVATE_IP_ADDRESS_SPECIFICATION "{Primary:b,PrivateIpAddress:s}"
#define T_IPV4_PREFIX_SPECIFICATION_REQUEST "{Ipv4Prefix:s}"
#define T_IPV6_PREFIX_SPECIFICATION_REQUEST "{Ipv6Prefix:s}"
#define T_ENA_SRD_UDP_SPECIFICATION_REQUEST "{EnaSrdUdpEnabled:b}"
#define T_ENA_SRD_SPECIFICATION_REQUEST \
    "{EnaSrdEnabled:b,EnaSrdUdpSpecification:" T_ENA_SRD_UDP_SPECIFICATION_REQUEST "}"
#define T_CONNECTION_TRACKING_SPECIFICATION_REQUEST \
    "{TcpEstablishedTimeout:i,UdpStreamTimeout:i,UdpTimeout:i}"
#define T_INSTANCE_NETWORK_INTERFACE_SPECIFICATION \
    "{AssociatePublicIpAddress:b,DeleteOnTermination:b,Description:s,DeviceIndex:i," \
    "Groups:[s],Ipv6AddressCount:i,Ipv6Addresses:[" T_INSTANCE_IPV6_ADDRESS "]," \
    "NetworkInterfaceId:s,PrivateIpAddress:s,PrivateIpAddresses:[" \
    T_PRIVATE_IP_ADDRESS_SPECIFICATION "],SecondaryPrivateIpAddressCount:i,SubnetId:s," \
    "AssociateCarrierIpAddress:b,InterfaceType:s,NetworkCardIndex:i,Ipv4Prefixes:[" \
    T_IPV4_PREFIX_SPECIFICATION_REQUEST "],Ipv4PrefixCount:i,Ipv6Prefixes:[" \
    T_IPV6_PREFIX_SPECIFICATION_REQUEST "],Ipv6PrefixCount:i,PrimaryIpv6:b," \
    "EnaSrdSpecification:" T_ENA_SRD_SPECIFICATION_REQUEST "," \
    "ConnectionTrackingSpecification:" T_CONNECTION_TRACKING_SPECIFICATION_REQUEST "," \
    "EnaQueueCount:i}"
#define T_IAM_INSTANCE_PROFILE_SPECIFICATION "{Arn:s,Name:s}"
#define T_REQUEST_FILTER_PORT_RANGE "{FromPort:i,ToPort:i}"
#define T_PATH_REQUEST_FILTER \
    "{SourceAddress:s,SourcePortRange:" T_REQUEST_FILTER_PORT_RANGE "," \
    "DestinationAddress:s,DestinationPortRange:" T_REQUEST_FILTER_PORT_RANGE "}"

#endif
