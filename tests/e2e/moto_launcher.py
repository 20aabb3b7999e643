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
