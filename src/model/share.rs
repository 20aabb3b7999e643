//! Centralized endpoints: what a hub (`[share]`) serves and how its names
//! resolve in the spokes, and what a spoke (`reach.via`) uses from its hub
//! instead of creating it. Decided once here for both targets; what other
//! specs of the build decide (the spokes of a hub, the hub of a spoke)
//! comes from the link table.

use super::services::Wanted;
use super::*;
use crate::spec::ShareDns;

/// What a hub serves to its spokes.
#[derive(Debug, Serialize)]
pub struct Hub {
    pub dns: ShareDns,
    /// The services shared, by catalog name.
    pub services: Vec<String>,
    /// Where `[share]` was written.
    #[serde(skip)]
    pub span: Option<Span>,
    /// The shared interface endpoints, by ident (a Route 53 Profile holds
    /// each of them; with hosted zones, each zone's records alias one).
    pub endpoints: Vec<String>,
    /// `hosted-zones`: one private hosted zone per DNS name, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<HostedZone>,
    /// The spokes built with the hub, in command-line order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spokes: Vec<SpokeVpc>,
}

impl Hub {
    /// The accounts of the spokes outside the hub's, sorted, each once:
    /// those a profile is shared with.
    pub fn other_accounts(&self) -> Vec<&str> {
        let mut accounts: Vec<&str> = self
            .spokes
            .iter()
            .filter_map(|s| s.other_account.as_deref())
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        accounts
    }
}

/// A private hosted zone for one of a service's DNS names, associated
/// with the hub's VPC, whose records alias the hub's endpoint.
#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct HostedZone {
    /// The service's endpoint ident, with `_2`, `_3` for further zones.
    pub ident: String,
    /// The zone's name (`sts.eu-west-1.amazonaws.com`).
    pub name: String,
    /// The endpoint its records alias.
    pub endpoint: String,
    /// `""` for the zone's apex, `"*"` for every name under it.
    pub records: Vec<String>,
    /// `A`, and `AAAA` where the endpoint has IPv6 addresses.
    pub record_types: Vec<&'static str>,
}

/// A spoke's VPC as the hub built with it sees it.
#[derive(Debug, Serialize, Clone)]
pub struct SpokeVpc {
    pub name: String,
    /// Its VPC's ID when the spoke gives it literally.
    pub vpc_id: Option<String>,
    pub region: String,
    /// In another account than the hub's: the hub authorizes its VPC to
    /// associate each zone, or shares the profile with its account.
    pub other_account: Option<String>,
}

/// What a spoke uses from its hub.
#[derive(Debug, Serialize)]
pub struct Spoke {
    /// The hub's `name`.
    pub hub: String,
    pub dns: ShareDns,
    /// The services the hub serves, whose endpoints this spoke does not
    /// create.
    pub services: Vec<String>,
    /// `hosted-zones`: each hub zone to associate with this VPC, with the
    /// input giving its ID.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<ZoneAssociation>,
    /// `profile`: the input giving the Route 53 Profile's ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_input: Option<String>,
    /// The hub, built with this spoke, associates its zones with this VPC
    /// itself (same account, literal VPC ID): what CloudFormation, which
    /// cannot associate another stack's zone, needs.
    pub associated_by_hub: bool,
}

#[derive(Debug, Serialize, Clone)]
pub struct ZoneAssociation {
    pub ident: String,
    pub name: String,
    pub input: String,
}

/// The input (and the hub's output) that carries a zone's ID.
pub fn zone_input(ident: &str) -> String {
    format!("hub_zone_{ident}")
}

/// The input (and the hub's output) that carries the profile's ID.
pub const PROFILE_INPUT: &str = "hub_profile_id";

/// `reach.via` as written, for the link: where the hub is, and the
/// services this spoke lists itself (W123 points at them).
#[derive(Debug, Clone)]
pub struct ViaRef {
    pub path: std::path::PathBuf,
    pub span: Span,
    pub listed: Vec<(String, Span)>,
}

/// What the link compares between a hub and its spokes, from the spec:
/// the VPC's CIDR and ID when given literally.
#[derive(Debug, Clone, Default)]
pub struct SharingFacts {
    pub via: Option<ViaRef>,
    pub cidr: Option<(crate::spec::Cidr, Span)>,
    pub vpc_id: Option<String>,
}

pub(super) fn sharing_facts(spec: &Spec, sources: &SourceMap) -> SharingFacts {
    let via = spec.reach.via.as_ref().map(|via| ViaRef {
        path: crate::source::resolve(sources.get(via.span.file).dir(), &via.value),
        span: via.span,
        listed: spec
            .reach
            .services
            .iter()
            .map(|s| (s.value.clone(), s.span))
            .collect(),
    });
    let cidr = spec.vpc.cidr.as_ref().and_then(|c| match &c.value {
        crate::spec::Net::Literal(v) => Some((v.value.clone(), v.span)),
        _ => None,
    });
    let vpc_id = spec.vpc.id.as_ref().and_then(|c| match &c.value {
        crate::spec::Net::Literal(v) => Some(v.value.clone()),
        _ => None,
    });
    SharingFacts { via, cidr, vpc_id }
}

/// The hub's zones for its interface endpoints of catalog services, and
/// W124 for each whose private DNS names vpcegen does not know (it is not
/// shared: the hub keeps it with its own private DNS).
pub(super) fn zones(
    spec: &Spec,
    endpoints: &[Endpoint],
    region: &str,
    d: &mut Diagnostics,
    spans: &Wanted,
) -> (Vec<String>, Vec<HostedZone>) {
    let mut shared = Vec::new();
    let mut zones: Vec<HostedZone> = Vec::new();
    for e in endpoints.iter().filter(|e| shareable(spec, e)) {
        let EndpointKey::Service(key) = &e.key else {
            continue;
        };
        let Some(names) = crate::regions::private_dns_names(key, region) else {
            let mut diag = Diagnostic::new(
                Code::W124,
                format!("`{key}` is not shared: vpcegen does not know its private DNS names"),
            )
            .help(format!("the hub keeps its own `{key}` endpoint with private DNS; spokes that need it list it themselves (`vpcegen services --dns` shows what is known)"));
            if let Some((span, _)) = spans.get(key) {
                diag = diag.at(*span, "reached by the hub");
            }
            d.push(diag);
            continue;
        };
        shared.push(e.ident.clone());
        let first = zones.len();
        for n in names {
            let (zone, record) = match n.strip_prefix("*.") {
                Some(rest) => (rest.to_string(), "*"),
                None => (n, ""),
            };
            match zones[first..].iter_mut().find(|z| z.name == zone) {
                Some(z) if !z.records.iter().any(|r| r == record) => z.records.push(record.into()),
                Some(_) => {}
                None => {
                    let ident = match zones.len() - first {
                        0 => e.ident.clone(),
                        n => format!("{}_{}", e.ident, n + 1),
                    };
                    zones.push(HostedZone {
                        ident,
                        name: zone,
                        endpoint: e.ident.clone(),
                        records: vec![record.into()],
                        record_types: record_types(e.ip_address_type),
                    });
                }
            }
        }
    }
    for z in &mut zones {
        z.records.sort();
    }
    zones.sort_by(|a, b| a.name.cmp(&b.name));
    (shared, zones)
}

/// The alias records an endpoint's addresses need.
fn record_types(t: crate::spec::IpAddressType) -> Vec<&'static str> {
    use crate::spec::IpAddressType as T;
    match t {
        T::Ipv4 => vec!["A"],
        T::Dualstack => vec!["A", "AAAA"],
        T::Ipv6 => vec!["AAAA"],
    }
}

/// An interface endpoint of a catalog service (not one named by its own
/// `service_name`) in the hub's own Region: what a hub can serve (gateway
/// endpoints are reachable only from their own VPC).
fn shareable(spec: &Spec, e: &Endpoint) -> bool {
    e.kind == EndpointType::Interface
        && e.service_region.is_none()
        && matches!(&e.key, EndpointKey::Service(k)
            if spec.service.get(k).is_none_or(|s| s.service_name.is_none()))
}

/// The hub: its shared endpoints (private DNS off with hosted zones, which
/// take their names; on with a profile, which shares the endpoints' own
/// private DNS), and the spokes built with it.
pub(super) fn hub(
    spec: &Spec,
    file: crate::source::FileId,
    endpoints: &mut [Endpoint],
    links: &Links,
    wanted: &Wanted,
    d: &mut Diagnostics,
) -> Option<Hub> {
    let share = spec.share.as_ref()?;
    let Some(region) = &spec.region else {
        // A `region` written wrong was reported where it was read.
        if spec.unread.has("region") {
            return None;
        }
        d.push(
            Diagnostic::new(
                Code::E103,
                "`[share]` without `region`: the names the hub's zones take are per Region",
            )
            .at(share.span, "this spec shares its endpoints")
            .help("set `region` (such as `region = \"eu-west-1\"`)"),
        );
        return None;
    };
    let dns = share.dns.as_ref().map(|d| d.value).unwrap_or_default();
    let (shared, zones) = zones(spec, endpoints, region.value.as_str(), d, wanted);
    let services = endpoints
        .iter()
        .filter(|e| shared.contains(&e.ident))
        .map(|e| e.key.name().to_string())
        .collect();
    if dns == ShareDns::HostedZones {
        for e in endpoints.iter_mut().filter(|e| shared.contains(&e.ident)) {
            e.private_dns = Some(false);
            e.dns_options_all_resolvers = false;
        }
    }
    Some(Hub {
        dns,
        services,
        span: Some(share.span),
        endpoints: shared,
        zones: if dns == ShareDns::HostedZones {
            zones
        } else {
            Vec::new()
        },
        spokes: links.spokes_of(file).to_vec(),
    })
}

/// The spoke: drops the interface endpoints its hub serves (gateway
/// endpoints stay: they serve only their own VPC), and declares the
/// inputs its zone or profile associations read.
pub(super) fn spoke(
    file: crate::source::FileId,
    endpoints: &mut Vec<Endpoint>,
    links: &Links,
    inputs: &mut Vec<Input>,
) -> Option<Spoke> {
    let hub = links.hub_of(file)?;
    endpoints.retain(|e| {
        !(e.kind == EndpointType::Interface
            && matches!(&e.key, EndpointKey::Service(k) if hub.services.contains(k)))
    });
    let zones: Vec<ZoneAssociation> = hub
        .zones
        .iter()
        .map(|(ident, name)| ZoneAssociation {
            ident: ident.clone(),
            name: name.clone(),
            input: zone_input(ident),
        })
        .collect();
    for z in &zones {
        add_input(
            inputs,
            &z.input,
            InputKind::HostedZoneId,
            &format!("ID of the hub's private hosted zone {}", z.name),
            None,
        );
    }
    let profile_input = (hub.dns == ShareDns::Profile).then(|| {
        add_input(
            inputs,
            PROFILE_INPUT,
            InputKind::ProfileId,
            "ID of the hub's Route 53 Profile",
            None,
        );
        PROFILE_INPUT.to_string()
    });
    Some(Spoke {
        hub: hub.name.clone(),
        dns: hub.dns,
        services: hub.services.clone(),
        zones,
        profile_input,
        associated_by_hub: hub.associated_by_hub,
    })
}

/// E107: a spec that both shares endpoints and uses another hub's.
pub(super) fn hub_and_spoke(spec: &Spec, d: &mut Diagnostics) {
    if let (Some(share), Some(via)) = (&spec.share, &spec.reach.via) {
        d.push(
            Diagnostic::new(
                Code::E107,
                "a spec with `[share]` uses another hub (`reach.via`)",
            )
            .at(via.span, "uses a hub")
            .also(share.span, "and is a hub")
            .help("a hub serves its own endpoints: remove `reach.via`, or `[share]`"),
        );
    }
}

/// The CIDRs a hub's endpoints admit besides its VPC's: `share.ingress_cidrs`
/// and the spokes built with it (those that give their CIDR literally).
pub(super) fn admitted(spec: &Spec, file: crate::source::FileId, links: &Links) -> Vec<Value> {
    let Some(share) = &spec.share else {
        return Vec::new();
    };
    // A hub may have a thousand spokes: repeats are found in one pass.
    let mut seen = std::collections::HashSet::new();
    let given = share.ingress_cidrs.iter().map(|c| c.value.to_string());
    let spokes = links.spoke_cidrs_of(file).iter().cloned();
    given
        .chain(spokes)
        .filter(|c| seen.insert(c.clone()))
        .map(Value::Literal)
        .collect()
}

/// The hub's outputs: each zone's ID, or the profile's, named as the
/// spokes' inputs that take them.
pub(super) fn outputs(hub: &Hub) -> Vec<Output> {
    let one = |r: Ref| OutputValue::One(RefOrValue::Ref(r));
    match hub.dns {
        ShareDns::HostedZones => hub
            .zones
            .iter()
            .map(|z| Output {
                name: zone_input(&z.ident),
                description: format!("ID of the private hosted zone {}, for the spokes", z.name),
                value: one(Ref::hosted_zone_id(&z.ident)),
                detail: false,
            })
            .collect(),
        ShareDns::Profile => vec![Output {
            name: PROFILE_INPUT.into(),
            description: "ID of the Route 53 Profile holding the shared endpoints, for the spokes"
                .into(),
            value: one(Ref::profile(Attr::Id)),
            detail: false,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, lowered, model};
    use super::*;

    const HUB: &str =
        "version = 1\nname = \"hub\"\nregion = \"eu-west-1\"\n[vpc]\ncidr = \"10.255.0.0/20\"\n";

    fn hub_model(reach: &str, share: &str) -> Model {
        model(&format!("{HUB}[reach]\n{reach}\n[share]\n{share}\n"))
    }

    #[test]
    fn a_service_gets_a_zone_per_name_with_its_wildcard_under_one_ident() {
        let m = hub_model(
            "services = [\"ecr.dkr\", \"sts\", \"s3\"]\n[service.s3]\ntype = \"interface\"",
            "",
        );
        let zones = &m.hub.as_ref().unwrap().zones;
        let by_name: Vec<(&str, &str, Vec<&str>)> = zones
            .iter()
            .map(|z| {
                let records = z.records.iter().map(String::as_str).collect();
                (z.name.as_str(), z.ident.as_str(), records)
            })
            .collect();
        assert_eq!(
            by_name,
            [
                ("dkr.ecr.eu-west-1.amazonaws.com", "ecr_dkr", vec!["*"]),
                ("s3.eu-west-1.amazonaws.com", "s3", vec!["", "*"]),
                ("sts.eu-west-1.amazonaws.com", "sts", vec![""]),
            ]
        );
        assert!(zones.iter().all(|z| z.record_types == ["A"]));
    }

    #[test]
    fn hosted_zones_turn_private_dns_off_a_profile_keeps_it() {
        let zones = hub_model("services = [\"sts\"]", "dns = \"hosted-zones\"");
        assert_eq!(zones.endpoints[0].private_dns, Some(false));
        assert_eq!(zones.hub.as_ref().unwrap().zones.len(), 1);
        let profile = hub_model("services = [\"sts\"]", "dns = \"profile\"");
        assert_eq!(profile.endpoints[0].private_dns, Some(true));
        let hub = profile.hub.as_ref().unwrap();
        assert!(hub.zones.is_empty());
        assert_eq!(hub.endpoints, ["sts"]);
        let names: Vec<&str> = profile.outputs.iter().map(|o| o.name.as_str()).collect();
        assert!(names.contains(&PROFILE_INPUT), "{names:?}");
    }

    #[test]
    fn gateway_and_unknown_dns_services_are_not_shared() {
        let (m, d) = lowered(
            &format!("{HUB}[reach]\nservices = [\"s3\", \"finspace\", \"sts\"]\n[share]\n"),
            &[],
        );
        let hub = m.unwrap().hub.unwrap();
        assert_eq!(hub.services, ["sts"], "s3 is a gateway endpoint");
        assert_eq!(codes(&d), [Code::W124]);
    }

    #[test]
    fn dual_stack_endpoints_get_aaaa_records_too() {
        let m = hub_model("services = [\"kms\"]\nip_address_type = \"dualstack\"", "");
        assert_eq!(m.hub.unwrap().zones[0].record_types, ["A", "AAAA"]);
    }

    #[test]
    fn the_hub_group_admits_ingress_cidrs_once_each() {
        let m = hub_model(
            "services = [\"sts\"]",
            "ingress_cidrs = [\"10.0.0.0/8\", \"10.255.0.0/20\"]",
        );
        let Some(SecurityGroups::Create { rules, .. }) = &m.security_groups else {
            panic!("a created group");
        };
        let cidrs: Vec<&Value> = rules.iter().map(|r| &r.cidr).collect();
        assert_eq!(
            cidrs,
            [
                &Value::Literal("10.255.0.0/20".into()),
                &Value::Literal("10.0.0.0/8".into()),
            ]
        );
    }

    #[test]
    fn share_needs_a_region_and_cannot_be_a_spoke_too() {
        let no_region = "version = 1\nname = \"hub\"\n[reach]\nservices = [\"sts\"]\n[share]\n";
        assert_eq!(codes(&lowered(no_region, &[]).1), [Code::E103]);
        let both = format!("{HUB}[reach]\nservices = [\"sts\"]\nvia = \"other.toml\"\n[share]\n");
        assert!(codes(&lowered(&both, &[]).1).contains(&Code::E107));
    }
}
