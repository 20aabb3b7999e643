"""Runs moto's server (what `moto_server` runs) for tests/e2e.rs, after
filling in one gap of moto 5.2.x that the generated CloudFormation hits.

moto's AWS::EC2::VPCEndpoint has no `get_cfn_attribute`, so any
`!GetAtt <Endpoint>.DnsEntries` (a documented attribute: a list of
"<hosted zone ID>:<DNS name>" strings) makes CreateStack fail with a 500.
The templates are deployed unchanged; the emulator gets the attribute.
The patch is skipped when moto implements the method itself.

Usage: python3 moto_launcher.py -H 127.0.0.1 -p PORT
"""

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

from moto.server import main  # noqa: E402

main(sys.argv[1:])
