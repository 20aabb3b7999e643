"""CloudFormation deploy and EC2/ELBv2 read-back for tests/e2e.rs, on moto.

Reads a JSON job from the file named on the command line:

    {"endpoint": "http://127.0.0.1:PORT",
     "stacks":   [{"name", "region", "account"?, "wave"?, "template",
                   "parameters": {key: value}}],
     "vpcs":     [{"key", "region", "account"?, "vpc_id"}],
     "services": [{"key", "region", "account"?, "service_id"}],
     "zones":    [{"key", "region", "zone_id"}]?}

`account` (a 12-digit ID) means: call moto as that account (moto switches
accounts on AssumeRole into a role of another account); without it, moto's
default account. A parameter value, or a service's `service_id`, may be
`{"stack": name, "output": key}`: that stack's output, once it exists.

Creates the stacks wave by wave (a wave's stacks all at once, then waits
until none is in progress), then describes the VPC endpoints of every listed
VPC (filtered by vpc-id), with the ingress rules of their security groups,
and every listed endpoint service: its configuration, its allowed
principals, and its load balancers with their listeners and target groups.
Prints one JSON object on stdout:

    {"stacks": {name: {"status", "reason", "failed_events": [...],
                       "outputs": {key: value}}},
     "endpoints": {key: [{"id", "service_name", "type", "private_dns",
                          "subnet_ids", "route_table_ids", "group_ids",
                          "ingress": ["tcp:443-443:10.1.0.0/16", ...],
                          "dns_name": the first DnsEntries name or null}]},
     "zones": {key: {"vpcs": [VPC IDs], "records": [{"name", "type",
                     "alias": alias target DNS name or null}]}},
     "services": {key: {"config", "principals", "load_balancers": {arn: {...,
                        "subnet_ids", "listeners"}}, "target_groups": {arn}}
                       or {"error"}}}

Exits non-zero only when the emulator cannot be talked to at all; a failed
stack or a missing service is reported in the output and judged by the
Rust test.
"""

import json
import sys
import time

import boto3

_credentials = {}


def client(job, service, region, account=None):
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    if account:
        if account not in _credentials:
            sts = boto3.client(
                "sts", endpoint_url=job["endpoint"], region_name=region, **keys
            )
            c = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/e2e-cloudformation",
                RoleSessionName="e2e",
            )["Credentials"]
            _credentials[account] = {
                "aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"],
            }
        keys = _credentials[account]
    return boto3.client(
        service, endpoint_url=job["endpoint"], region_name=region, **keys
    )


def resolve(value, out):
    """A literal, or {"stack", "output"}: None when that is not there."""
    if isinstance(value, dict):
        return out["stacks"].get(value["stack"], {}).get("outputs", {}).get(
            value["output"]
        )
    return value


def deploy(job, out):
    waves = sorted({s.get("wave", 0) for s in job["stacks"]})
    for wave in waves:
        pending = []
        for s in job["stacks"]:
            if s.get("wave", 0) != wave:
                continue
            cfn = client(job, "cloudformation", s["region"], s.get("account"))
            with open(s["template"]) as t:
                body = t.read()
            params = []
            missing = []
            for k, v in s["parameters"].items():
                r = resolve(v, out)
                if r is None:
                    missing.append("%s (from %s)" % (k, json.dumps(v)))
                params.append({"ParameterKey": k, "ParameterValue": r})
            if missing:
                out["stacks"][s["name"]] = {
                    "status": "NOT_CREATED",
                    "reason": "no value for " + ", ".join(missing),
                    "failed_events": [],
                    "outputs": {},
                }
                continue
            try:
                cfn.create_stack(
                    StackName=s["name"], TemplateBody=body, Parameters=params
                )
                pending.append((s, cfn))
            except Exception as e:  # reported, judged by the test
                out["stacks"][s["name"]] = {
                    "status": "CREATE_STACK_CALL_FAILED",
                    "reason": str(e),
                    "failed_events": [],
                    "outputs": {},
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
                    for e in cfn.describe_stack_events(StackName=s["name"])[
                        "StackEvents"
                    ]:
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
                    "outputs": {
                        o["OutputKey"]: o.get("OutputValue")
                        for o in stack.get("Outputs") or []
                    },
                }
            pending = still
            if pending:
                time.sleep(0.5)


def endpoints(job, out):
    for v in job["vpcs"]:
        ec2 = client(job, "ec2", v["region"], v.get("account"))
        found = []
        paginator = ec2.get_paginator("describe_vpc_endpoints")
        for page in paginator.paginate(
            Filters=[{"Name": "vpc-id", "Values": [v["vpc_id"]]}]
        ):
            for e in page["VpcEndpoints"]:
                groups = sorted(g["GroupId"] for g in e.get("Groups") or [])
                ingress = set()
                if groups:
                    for g in ec2.describe_security_groups(GroupIds=groups)[
                        "SecurityGroups"
                    ]:
                        for p in g.get("IpPermissions") or []:
                            ports = "%s-%s" % (p.get("FromPort"), p.get("ToPort"))
                            for r in p.get("IpRanges") or []:
                                ingress.add("%s:%s:%s" % (p["IpProtocol"], ports, r["CidrIp"]))
                            for r in p.get("Ipv6Ranges") or []:
                                ingress.add("%s:%s:%s" % (p["IpProtocol"], ports, r["CidrIpv6"]))
                found.append(
                    {
                        "id": e["VpcEndpointId"],
                        "vpc_id": e.get("VpcId"),
                        "service_name": e["ServiceName"],
                        "type": e.get("VpcEndpointType"),
                        "private_dns": e.get("PrivateDnsEnabled"),
                        "subnet_ids": sorted(e.get("SubnetIds") or []),
                        "route_table_ids": sorted(e.get("RouteTableIds") or []),
                        "group_ids": groups,
                        "ingress": sorted(ingress),
                        "dns_name": next(
                            (d.get("DnsName") for d in e.get("DnsEntries") or []), None
                        ),
                    }
                )
        out["endpoints"][v["key"]] = found


def services(job, out):
    for s in job.get("services", []):
        service_id = resolve(s["service_id"], out)
        if not service_id:
            out["services"][s["key"]] = {
                "error": "no service ID (from %s)" % json.dumps(s["service_id"])
            }
            continue
        ec2 = client(job, "ec2", s["region"], s.get("account"))
        elb = client(job, "elbv2", s["region"], s.get("account"))
        try:
            config = ec2.describe_vpc_endpoint_service_configurations(
                ServiceIds=[service_id]
            )["ServiceConfigurations"][0]
            principals = [
                p["Principal"]
                for p in ec2.describe_vpc_endpoint_service_permissions(
                    ServiceId=service_id
                )["AllowedPrincipals"]
            ]
        except Exception as e:  # reported, judged by the test
            out["services"][s["key"]] = {"error": "%s: %s" % (service_id, e)}
            continue
        lbs = {}
        tgs = {}
        arns = config.get("NetworkLoadBalancerArns") or []
        if arns:
            for lb in elb.describe_load_balancers(LoadBalancerArns=arns)[
                "LoadBalancers"
            ]:
                listeners = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])[
                    "Listeners"
                ]
                lbs[lb["LoadBalancerArn"]] = {
                    "LoadBalancerName": lb.get("LoadBalancerName"),
                    "Type": lb.get("Type"),
                    "Scheme": lb.get("Scheme"),
                    "VpcId": lb.get("VpcId"),
                    "subnet_ids": sorted(
                        z["SubnetId"] for z in lb.get("AvailabilityZones") or []
                    ),
                    "listeners": [
                        {
                            "Port": l.get("Port"),
                            "Protocol": l.get("Protocol"),
                            "DefaultActions": [
                                {
                                    "Type": a.get("Type"),
                                    "TargetGroupArn": a.get("TargetGroupArn"),
                                }
                                for a in l.get("DefaultActions") or []
                            ],
                        }
                        for l in listeners
                    ],
                }
                tg_arns = sorted(
                    {
                        a["TargetGroupArn"]
                        for l in listeners
                        for a in l.get("DefaultActions") or []
                        if a.get("TargetGroupArn")
                    }
                )
                if tg_arns:
                    for tg in elb.describe_target_groups(TargetGroupArns=tg_arns)[
                        "TargetGroups"
                    ]:
                        tgs[tg["TargetGroupArn"]] = {
                            k: tg.get(k)
                            for k in (
                                "TargetGroupName",
                                "Port",
                                "Protocol",
                                "TargetType",
                                "VpcId",
                            )
                        }
        out["services"][s["key"]] = {
            "config": {
                k: config.get(k)
                for k in (
                    "ServiceId",
                    "ServiceName",
                    "ServiceType",
                    "AcceptanceRequired",
                    "NetworkLoadBalancerArns",
                )
            },
            "principals": principals,
            "load_balancers": lbs,
            "target_groups": tgs,
        }


def zones(job, out):
    """Each private hosted zone's VPCs and records (a hub's, tests/e2e.rs)."""
    for z in job.get("zones", []):
        r53 = client(job, "route53", z["region"])
        zone = r53.get_hosted_zone(Id=z["zone_id"])
        records = r53.list_resource_record_sets(HostedZoneId=z["zone_id"])
        out["zones"][z["key"]] = {
            "vpcs": sorted(v["VPCId"] for v in zone.get("VPCs") or []),
            "records": [
                {
                    "name": r["Name"],
                    "type": r["Type"],
                    "alias": (r.get("AliasTarget") or {}).get("DNSName"),
                }
                for r in records["ResourceRecordSets"]
            ],
        }


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    out = {"stacks": {}, "endpoints": {}, "services": {}, "zones": {}}
    deploy(job, out)
    endpoints(job, out)
    services(job, out)
    zones(job, out)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
