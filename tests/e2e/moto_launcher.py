"""Runs moto's server (what `moto_server` runs) for tests/e2e.rs, after
filling in two gaps of moto 5.2.x that the generated outputs hit.

moto's AWS::EC2::VPCEndpoint has no `get_cfn_attribute`, so any
`!GetAtt <Endpoint>.DnsEntries` (a documented attribute: a list of
"<hosted zone ID>:<DNS name>" strings) makes CreateStack fail with a 500.
The templates are deployed unchanged; the emulator gets the attribute.
The patch is skipped when moto implements the method itself.

moto writes tag values into its XML responses as they are, so a tag with
a control character (tests/cases/hostile-tags has U+0007) makes the body
invalid XML 1.0, and the AWS provider's decoder fails the apply. Each such
byte (0x00-0x08, 0x0B, 0x0C, 0x0E-0x1F, which in UTF-8 never occur inside a
multi-byte character) is replaced by "?" in XML responses, which keeps
Content-Length right. Only the emulator's answers change, never a request.

moto's CloudFormation has no AWS::EC2::VPCEndpointService nor
AWS::EC2::VPCEndpointServicePermissions: it skips them with a warning,
the stack still reaches CREATE_COMPLETE, and no endpoint service exists.
Both are added here on moto's own EC2 backend calls (the ones its
CreateVpcEndpointServiceConfiguration and ModifyVpcEndpointServicePermissions
actions use): `Ref` is the service ID (vpce-svc-...), as on AWS, and
`!GetAtt <Service>.ServiceId` is too; `PrivateDnsName` is passed on, and
`!GetAtt <Service>.PrivateDnsNameConfiguration.Name` (or `.Value`) reads
moto's verification record.

moto's AWS::ElasticLoadBalancingV2::LoadBalancer reads only Name,
SecurityGroups, Subnets and Scheme: `Type: network` is dropped, so the
stack's NLB is an application load balancer, which moto's endpoint service
then treats as a Gateway Load Balancer. `Type` is passed on (and `Tags`);
`LoadBalancerAttributes` stay ignored (the test does not read them).

moto builds every load balancer's ARN as `...:loadbalancer/app/<name>/<id>`;
AWS gives a Network Load Balancer `...:loadbalancer/net/<name>/<id>`, and the
generated Terraform variable and CloudFormation Parameter for an existing
NLB check for `loadbalancer/net/`. A network load balancer's ARN is given
the `net/` form as it is created (before anything else refers to it).

moto's Route 53 has no CreateVPCAssociationAuthorization (nor its List and
Delete), which a hosted-zones hub calls for a spoke VPC of another account.
The three are added here, kept per account and zone in memory, so the
hub's Terraform applies; moto associates any VPC with any zone anyway, so
they prove nothing, and tests/e2e.rs checks the authorizations in a plan.
moto also makes a zone private only when HostedZoneConfig.PrivateZone is
true, and then reads its VPC; AWS makes any zone created with a VPC
private (the AWS provider sends the VPC alone): the flag is read as true
when a VPC is given. And moto draws a zone ID's first character at random, where AWS's start
with "Z" (which the spokes' `hub_zone_*` variables check): new zone IDs
get "Z" as their first character.

Usage: python3 moto_launcher.py -H 127.0.0.1 -p PORT
"""

import re
import sys

from moto.ec2.models.vpcs import VPCEndPoint
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

if "get_cfn_attribute" not in VPCEndPoint.__dict__ and not hasattr(
    VPCEndPoint, "get_cfn_attribute"
):

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "DnsEntries":
            return [
                f"{e['hosted_zone_id']}:{e['dns_name']}" for e in (self.dns_entries or [])
            ]
        if attribute_name == "Id":
            return self.id
        if attribute_name == "NetworkInterfaceIds":
            return list(self.network_interface_ids or [])
        if attribute_name == "CreationTimestamp":
            return str(self.creation_timestamp)
        raise UnformattedGetAttTemplateException()

    VPCEndPoint.get_cfn_attribute = get_cfn_attribute

from moto.core.common_models import CloudFormationModel  # noqa: E402
from moto.ec2.models.vpc_service_configuration import (  # noqa: E402
    VPCServiceConfiguration,
)
from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer, elbv2_backends  # noqa: E402


def _ec2(account_id, region_name):
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region_name]


if VPCServiceConfiguration.cloudformation_type() != "AWS::EC2::VPCEndpointService":

    def _service_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        return _ec2(account_id, region_name).create_vpc_endpoint_service_configuration(
            lb_arns=list(p.get("NetworkLoadBalancerArns") or [])
            + list(p.get("GatewayLoadBalancerArns") or []),
            acceptance_required=str(p.get("AcceptanceRequired", True)).lower() == "true",
            private_dns_name=p.get("PrivateDnsName"),
            tags=p.get("Tags") or [],
            supported_regions=[],
        )

    def _service_attr(self, attribute_name):
        if attribute_name == "ServiceId":
            return self.id
        # moto splits `!GetAtt X.PrivateDnsNameConfiguration.Name` at every
        # dot and asks for `PrivateDnsNameConfiguration` alone: the
        # verification record's name and value then both read as its name.
        if attribute_name.startswith("PrivateDnsNameConfiguration"):
            field = attribute_name.partition(".")[2] or "Name"
            return (self.private_dns_name_configuration or {}).get(field, "")
        raise UnformattedGetAttTemplateException()

    VPCServiceConfiguration.cloudformation_type = staticmethod(
        lambda: "AWS::EC2::VPCEndpointService"
    )
    VPCServiceConfiguration.cloudformation_name_type = staticmethod(lambda: "")
    VPCServiceConfiguration.create_from_cloudformation_json = classmethod(_service_create)
    VPCServiceConfiguration.has_cfn_attr = classmethod(
        lambda cls, a: a == "ServiceId" or a.startswith("PrivateDnsNameConfiguration")
    )
    VPCServiceConfiguration.get_cfn_attribute = _service_attr
    VPCServiceConfiguration.physical_resource_id = property(lambda self: self.id)

    class _EndpointServicePermissions(CloudFormationModel):
        """AWS::EC2::VPCEndpointServicePermissions: the principals, added."""

        # moto files its models by the service in their module's name.
        __module__ = "moto.ec2.e2e_launcher"

        def __init__(self, service_id):
            self.service_id = service_id
            self.id = f"{service_id}-permissions"

        @property
        def physical_resource_id(self):
            return self.id

        @staticmethod
        def cloudformation_name_type():
            return ""

        @staticmethod
        def cloudformation_type():
            return "AWS::EC2::VPCEndpointServicePermissions"

        @classmethod
        def has_cfn_attr(cls, attr):
            return False

        @classmethod
        def create_from_cloudformation_json(
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        ):
            p = cloudformation_json["Properties"]
            _ec2(account_id, region_name).modify_vpc_endpoint_service_permissions(
                p["ServiceId"], list(p.get("AllowedPrincipals") or []), []
            )
            return cls(p["ServiceId"])


_lb_create = FakeLoadBalancer.create_from_cloudformation_json.__func__


def _lb_create_typed(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    p = cloudformation_json["Properties"]
    kind = p.get("Type", "application")
    if kind == "application":
        return _lb_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    return elbv2_backends[account_id][region_name].create_load_balancer(
        resource_name,
        p.get("SecurityGroups"),
        p.get("Subnets"),
        scheme=p.get("Scheme", "internet-facing"),
        loadbalancer_type=kind,
        tags=p.get("Tags"),
    )


FakeLoadBalancer.create_from_cloudformation_json = classmethod(_lb_create_typed)

_lb_backend_create = ELBv2Backend.create_load_balancer


def _create_load_balancer(self, *args, **kwargs):
    lb = _lb_backend_create(self, *args, **kwargs)
    if lb.type == "network" and ":loadbalancer/app/" in lb.arn:
        old = lb.arn
        tags = self.tagging_service.list_tags_for_resource(old).get("Tags") or []
        self.tagging_service.delete_all_tags_for_resource(old)
        del self.load_balancers[old]
        lb.arn = old.replace(":loadbalancer/app/", ":loadbalancer/net/", 1)
        self.load_balancers[lb.arn] = lb
        self.tagging_service.tag_resource(lb.arn, tags)
    return lb


ELBv2Backend.create_load_balancer = _create_load_balancer

import moto.route53.models as _r53_models  # noqa: E402
import moto.route53.urls as _r53_urls  # noqa: E402
from moto.core.responses import ActionResult  # noqa: E402
from moto.route53.responses import Route53  # noqa: E402

_zone_id = _r53_models.create_route53_zone_id


def _zone_id_with_z(*args, **kwargs):
    return "Z" + _zone_id(*args, **kwargs)[1:]


_r53_models.create_route53_zone_id = _zone_id_with_z

_create_hosted_zone = Route53.create_hosted_zone


def _create_hosted_zone_private_with_vpc(self):
    if self._get_param("VPC.VPCId"):
        read = self._get_bool_param

        def private(name, default=None):
            return True if name == "HostedZoneConfig.PrivateZone" else read(name, default)

        self._get_bool_param = private
    return _create_hosted_zone(self)


Route53.create_hosted_zone = _create_hosted_zone_private_with_vpc

_authorizations = {}


def _authorized(self):
    zone = self._get_param("HostedZoneId")
    self.backend.get_hosted_zone(zone)  # NoSuchHostedZone, as on AWS
    return zone, _authorizations.setdefault((self.current_account, zone), [])


def _vpc(self):
    return {"VPCRegion": self._get_param("VPC.VPCRegion"), "VPCId": self._get_param("VPC.VPCId")}


def create_vpc_association_authorization(self):
    zone, vpcs = _authorized(self)
    if _vpc(self) not in vpcs:
        vpcs.append(_vpc(self))
    return ActionResult({"HostedZoneId": zone, "VPC": _vpc(self)})


def list_vpc_association_authorizations(self):
    zone, vpcs = _authorized(self)
    return ActionResult({"HostedZoneId": zone, "VPCs": list(vpcs)})


def delete_vpc_association_authorization(self):
    _, vpcs = _authorized(self)
    if _vpc(self) in vpcs:
        vpcs.remove(_vpc(self))
    return ActionResult({})


for _f in (
    create_vpc_association_authorization,
    list_vpc_association_authorizations,
    delete_vpc_association_authorization,
):
    setattr(Route53, _f.__name__, _f)
for _path in ("authorizevpcassociation", "deauthorizevpcassociation"):
    _r53_urls.url_paths[
        r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/" + _path + "$"
    ] = Route53.dispatch

import moto.server  # noqa: E402

_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _XmlSafe(moto.server.DomainDispatcherApplication):
    def __call__(self, environ, start_response):
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["xml"] = any(
                k.lower() == "content-type" and "xml" in v.lower() for k, v in headers
            )
            return start_response(status, headers, exc_info)

        body = super().__call__(environ, remember)
        if not seen.get("xml"):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return [_NOT_XML.sub(b"?", data)]


moto.server.DomainDispatcherApplication = _XmlSafe
moto.server.main(sys.argv[1:])
