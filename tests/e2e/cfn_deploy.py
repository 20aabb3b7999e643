"""CloudFormation deploy and EC2 read-back for tests/e2e.rs, on moto.

Reads a JSON job from the file named on the command line:

    {"endpoint": "http://127.0.0.1:PORT",
     "stacks": [{"name", "region", "template", "parameters": {key: value}}],
     "vpcs":   [{"key", "region", "vpc_id"}]}

creates every stack, waits until none is in progress, then describes the
VPC endpoints of every listed VPC (filtered by vpc-id). Prints one JSON
object on stdout:

    {"stacks": {name: {"status", "reason", "failed_events": [...]}},
     "endpoints": {key: [{"service_name", "type", "private_dns",
                          "subnet_ids", "route_table_ids", "group_ids"}]}}

Exits non-zero only when the emulator cannot be talked to at all; a failed
stack is reported in the output and judged by the Rust test.
"""

import json
import sys
import time

import boto3


def client(job, service, region):
    return boto3.client(
        service,
        endpoint_url=job["endpoint"],
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    out = {"stacks": {}, "endpoints": {}}

    pending = []
    for s in job["stacks"]:
        cfn = client(job, "cloudformation", s["region"])
        with open(s["template"]) as t:
            body = t.read()
        try:
            cfn.create_stack(
                StackName=s["name"],
                TemplateBody=body,
                Parameters=[
                    {"ParameterKey": k, "ParameterValue": v}
                    for k, v in s["parameters"].items()
                ],
            )
            pending.append((s, cfn))
        except Exception as e:  # reported, judged by the test
            out["stacks"][s["name"]] = {
                "status": "CREATE_STACK_CALL_FAILED",
                "reason": str(e),
                "failed_events": [],
            }

    deadline = time.time() + 120
    while pending:
        still = []
        for s, cfn in pending:
            stack = cfn.describe_stacks(StackName=s["name"])["Stacks"][0]
            status = stack["StackStatus"]
            if status.endswith("_IN_PROGRESS") and time.time() < deadline:
                still.append((s, cfn))
                continue
            events = []
            if status != "CREATE_COMPLETE":
                for e in cfn.describe_stack_events(StackName=s["name"])["StackEvents"]:
                    if e.get("ResourceStatus", "").endswith("FAILED"):
                        events.append(
                            "%s %s: %s"
                            % (
                                e.get("LogicalResourceId"),
                                e.get("ResourceStatus"),
                                e.get("ResourceStatusReason"),
                            )
                        )
            out["stacks"][s["name"]] = {
                "status": status,
                "reason": stack.get("StackStatusReason"),
                "failed_events": events,
            }
        pending = still
        if pending:
            time.sleep(0.5)

    for v in job["vpcs"]:
        ec2 = client(job, "ec2", v["region"])
        found = []
        paginator = ec2.get_paginator("describe_vpc_endpoints")
        for page in paginator.paginate(
            Filters=[{"Name": "vpc-id", "Values": [v["vpc_id"]]}]
        ):
            for e in page["VpcEndpoints"]:
                found.append(
                    {
                        "id": e["VpcEndpointId"],
                        "vpc_id": e.get("VpcId"),
                        "service_name": e["ServiceName"],
                        "type": e.get("VpcEndpointType"),
                        "private_dns": e.get("PrivateDnsEnabled"),
                        "subnet_ids": sorted(e.get("SubnetIds") or []),
                        "route_table_ids": sorted(e.get("RouteTableIds") or []),
                        "group_ids": sorted(g["GroupId"] for g in e.get("Groups") or []),
                    }
                )
        out["endpoints"][v["key"]] = found

    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
