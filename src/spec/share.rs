//! `[share]` (a hub serving its interface endpoints to other VPCs) and
//! `reach.via` (a spoke using a hub's endpoints), as written.

use super::read;
use super::value::Node;
use super::*;
use crate::diagnostic::Diagnostics;

/// `[share]`: this spec is an endpoints hub. Its interface endpoints serve
/// the spokes that name it in `reach.via`, over a Transit Gateway or
/// peering the spec does not manage.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Share {
    /// How the spokes resolve the services' names: `hosted-zones` (default:
    /// a private hosted zone per DNS name, with an alias to the hub's
    /// endpoint) or `profile` (a Route 53 Profile holding the endpoints,
    /// shared with the spokes' accounts through AWS RAM).
    #[schemars(with = "Option<ShareDnsSchema>")]
    pub dns: Option<Sp<ShareDns>>,
    /// CIDRs the hub's endpoints admit besides the VPC's own and those of
    /// the spokes built with it.
    #[schemars(default, with = "Vec<String>")]
    pub ingress_cidrs: Vec<Sp<Cidr>>,
    /// Where `[share]` was written.
    #[schemars(skip)]
    pub span: Span,
}

/// How a hub makes its endpoints' names resolve in the spokes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShareDns {
    #[default]
    HostedZones,
    Profile,
}

impl ShareDns {
    pub fn parse(s: &str) -> Result<ShareDns, String> {
        match s {
            "hosted-zones" => Ok(ShareDns::HostedZones),
            "profile" => Ok(ShareDns::Profile),
            _ => Err("use \"hosted-zones\" or \"profile\"".into()),
        }
    }
}

/// How a hub makes its endpoints' names resolve in the spokes.
#[derive(JsonSchema)]
#[schemars(rename = "ShareDns", rename_all = "kebab-case")]
#[allow(dead_code)]
enum ShareDnsSchema {
    HostedZones,
    Profile,
}

pub(super) fn read_share(n: &Node, d: &mut Diagnostics) -> Option<Share> {
    let mut r = read::table(n, "share", d)?;
    let dns = r
        .get("dns")
        .and_then(|n| load::parsed(n, "share.dns", d, ShareDns::parse));
    let ingress_cidrs = r
        .get("ingress_cidrs")
        .and_then(|n| read::strings(n, "share.ingress_cidrs", d, Cidr::parse))
        .unwrap_or_default();
    r.finish(d);
    Some(Share {
        dns,
        ingress_cidrs,
        span: n.span,
    })
}
