"""Creates a VPC with existing endpoints on moto and prints the JSON of
describe-vpc-endpoints for it (the input of `vpcegen import`).

Usage: seed.py ENDPOINT_URL SPEC_NAME
"""
import json
import sys

import boto3

url, name = sys.argv[1], sys.argv[2]
ec2 = boto3.client(
    "ec2",
    endpoint_url=url,
    region_name="eu-west-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
)
vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
subnets = [
    ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
    for cidr, az in [("10.20.1.0/24", "eu-west-1a"), ("10.20.2.0/24", "eu-west-1b")]
]
table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
group = ec2.create_security_group(
    GroupName="endpoints", Description="existing endpoints", VpcId=vpc
)["GroupId"]


def tags(key):
    # The Name vpcegen gives the endpoint, so that adopting it changes nothing.
    return [
        {
            "ResourceType": "vpc-endpoint",
            "Tags": [
                {"Key": "Name", "Value": f"{name}-{key}"},
                {"Key": "team", "Value": "payments"},
            ],
        }
    ]


ec2.create_vpc_endpoint(
    VpcId=vpc,
    ServiceName="com.amazonaws.eu-west-1.s3",
    VpcEndpointType="Gateway",
    RouteTableIds=[table],
    TagSpecifications=tags("s3"),
)
for service, dns in [("sts", True), ("logs", False)]:
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.eu-west-1.{service}",
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        SecurityGroupIds=[group],
        PrivateDnsEnabled=dns,
        TagSpecifications=tags(service),
    )
found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
print(json.dumps({"VpcEndpoints": found["VpcEndpoints"]}, indent=2, default=str))
