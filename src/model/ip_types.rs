//! IPv6 and dual stack: each interface endpoint's address type (and the
//! services that cannot be reached so), the endpoint services' address
//! families, and `vpc.ipv6_cidr` admitted beside the VPC's IPv4 CIDR.
//! Gateway endpoints and connects keep AWS's default (IPv4).

use super::*;
use crate::spec::{IpFamily, ServiceSettings};
use std::collections::BTreeSet;

/// Address families of an expose: as written, or IPv4 alone; sorted.
pub(super) fn families(x: &crate::spec::Expose) -> Vec<IpFamily> {
    let mut f: Vec<IpFamily> = x.ip_address_types.iter().map(|t| t.value).collect();
    if f.is_empty() {
        f.push(IpFamily::Ipv4);
    }
    f.sort_unstable();
    f.dedup();
    f
}

/// The default families (`skip_serializing_if`): IPv4 alone.
pub(super) fn ipv4_only(f: &[IpFamily]) -> bool {
    f == [IpFamily::Ipv4]
}

/// Sets each reach interface endpoint's address type: its service's
/// `ip_address_type`, else `reach.ip_address_type`. E077 where a catalog
/// service not known to support IPv6 is asked for it (one with its own
/// `service_name` is not checked); W104 where `ipv6` assumes IPv6-only
/// subnets. Returns where IPv6 was asked, for [`no_ipv6_cidr`].
pub(super) fn address_types(
    spec: &Spec,
    endpoints: &mut [Endpoint],
    d: &mut Diagnostics,
) -> BTreeSet<Span> {
    let mut asked_ipv6 = BTreeSet::new();
    let mut ipv6_only = BTreeSet::new();
    for e in endpoints.iter_mut() {
        let EndpointKey::Service(key) = &e.key else {
            continue;
        };
        let settings = spec.service.get(key);
        if e.kind != EndpointType::Interface {
            gateway_ignores(key, settings, d);
            continue;
        }
        let Some(asked) = settings
            .and_then(|s| s.ip_address_type.as_ref())
            .or(spec.reach.ip_address_type.as_ref())
        else {
            continue;
        };
        if asked.value.uses_ipv6() && !ipv6_allowed(key, settings) {
            d.push(no_ipv6(key, &e.service_name, asked));
            continue;
        }
        e.ip_address_type = asked.value;
        if asked.value.uses_ipv6() {
            asked_ipv6.insert(asked.span);
        }
        if asked.value == IpAddressType::Ipv6 {
            ipv6_only.insert(asked.span);
        }
    }
    for span in ipv6_only {
        d.push(assumed_ipv6_only(spec, span));
    }
    asked_ipv6
}

/// W113: a gateway endpoint's own `ip_address_type` asking IPv6, which
/// vpcegen never writes on a gateway endpoint.
fn gateway_ignores(key: &str, settings: Option<&ServiceSettings>, d: &mut Diagnostics) {
    let Some(t) = settings.and_then(|s| s.ip_address_type.as_ref()) else {
        return;
    };
    if t.value.uses_ipv6() {
        d.push(
            Diagnostic::new(
                Code::W113,
                format!("`{key}` is a gateway endpoint: `ip_address_type` has no effect on it"),
            )
            .at(t.span, "not written on a gateway endpoint")
            .help(format!("remove it, or set `[service.\"{key}\"] type = \"interface\"` for an endpoint with IPv6 addresses")),
        );
    }
}

/// Whether `key` may be asked for IPv6: a catalog service that supports
/// it, or one given by its own `service_name` (not checked, as Regions).
fn ipv6_allowed(key: &str, settings: Option<&ServiceSettings>) -> bool {
    if settings.is_some_and(|s| s.service_name.is_some()) {
        return true;
    }
    Catalog::get()
        .service(key)
        .is_none_or(|s| s.supports_ipv6())
}

/// E077: `key` asked for IPv6 at `asked`, which the catalog does not know
/// it to support.
fn no_ipv6(key: &str, name: &ServiceName, asked: &Sp<IpAddressType>) -> Diagnostic {
    let name = match name {
        ServiceName::Literal(n) => n.clone(),
        ServiceName::Regional(p) => p.replace("{region}", "<region>"),
        ServiceName::Input(_) => "<name>".into(),
    };
    Diagnostic::new(
        Code::E077,
        format!(
            "`{key}` is not known to support IPv6: `ip_address_type = \"{}\"` cannot apply to it",
            asked.value.as_str()
        ),
    )
    .at(asked.span, format!("asks IPv6 of `{key}` too"))
    .help(format!(
        "set `[service.\"{key}\"] ip_address_type = \"ipv4\"`; vpcegen's IPv6 facts come from botocore's dualstack endpoints and cited docs. \
         If AWS offers it over IPv6 (`aws ec2 describe-vpc-endpoint-services --service-names {name} --query 'ServiceDetails[].SupportedIpAddressTypes'`), \
         set `[service.\"{key}\"] service_name = \"{name}\"`, which is not checked"
    ))
}

/// W104: `ipv6` endpoints need IPv6-only subnets, which vpcegen cannot see.
fn assumed_ipv6_only(spec: &Spec, span: Span) -> Diagnostic {
    let which = match spec.vpc.subnets.as_ref().map(|s| &s.value) {
        Some(Net::Literal(_)) => "the subnets listed in `vpc.subnets`",
        _ => "the subnets given at deploy time",
    };
    Diagnostic::new(
        Code::W104,
        format!("`ip_address_type = \"ipv6\"`: vpcegen assumes {which} are IPv6-only"),
    )
    .at(span, "needs IPv6-only subnets")
    .help("AWS refuses an IPv6 endpoint in a subnet with IPv4 addresses; use \"dualstack\" for dual-stack subnets")
}

/// W105: something serves IPv6 but the group vpcegen creates for it
/// admits no IPv6 CIDR: by default (the VPC's CIDR) without
/// `vpc.ipv6_cidr`, or given `ingress_cidrs` that are all IPv4. Groups the
/// spec names (`ids`, `input`) are the user's.
pub(super) fn no_ipv6_cidr(spec: &Spec, asked_ipv6: &BTreeSet<Span>, d: &mut Diagnostics) {
    let misses = |given: &[Sp<Cidr>]| {
        if given.is_empty() {
            spec.vpc.ipv6_cidr.is_none()
        } else {
            given.iter().all(|c| c.value.net().addr().is_ipv4())
        }
    };
    let mut at: Vec<Span> = Vec::new();
    let shared = match spec.reach.security_group.as_ref().map(|g| &g.value) {
        Some(SecurityGroup::Create { ingress_cidrs }) => misses(ingress_cidrs),
        Some(_) => false,
        None => misses(&[]),
    };
    if shared {
        at.extend(asked_ipv6.iter().next());
    }
    for x in spec.expose.values() {
        let created = match &x.load_balancer.value {
            crate::spec::LoadBalancer::Create(c) => misses(&c.ingress_cidrs),
            _ => false,
        };
        if created && families(x).contains(&IpFamily::Ipv6) {
            at.extend(x.ip_address_types_span);
        }
    }
    for span in at {
        d.push(
            Diagnostic::new(
                Code::W105,
                "IPv6 is served, but the security group vpcegen creates for it admits no IPv6 client",
            )
            .at(span, "serves IPv6")
            .help("set `vpc.ipv6_cidr` to the VPC's IPv6 block (or `{ input = \"...\" }`), admitted where the VPC's CIDR is; or list IPv6 CIDRs in `ingress_cidrs`"),
        );
    }
}

/// `vpc.ipv6_cidr` as security group rules admit it, with the input it
/// needs; `None` when not given (E003 for a tag lookup).
pub(super) fn ipv6_cidr(spec: &Spec, d: &mut Diagnostics) -> Option<(Value, Option<Input>)> {
    let c = spec.vpc.ipv6_cidr.as_ref()?;
    match &c.value {
        Net::Literal(v) => Some((Value::Literal(v.value.to_string()), None)),
        Net::Input(i) => {
            let mut inputs = Vec::new();
            add_input(
                &mut inputs,
                i.input.value.as_str(),
                InputKind::VpcIpv6Cidr,
                "IPv6 CIDR block of the VPC, admitted by the security groups vpcegen creates",
                Some(i.input.span),
            );
            Some((Value::Input(i.input.value.to_string()), inputs.pop()))
        }
        Net::Lookup(_) => {
            d.push(
                Diagnostic::new(Code::E003, "`vpc.ipv6_cidr` cannot be a tag lookup")
                    .at(c.span, "a CIDR is given literally or as an input")
                    .help("give `vpc.ipv6_cidr` literally or as `{ input = \"...\" }`"),
            );
            None
        }
    }
}

/// Beside each rule admitting the VPC's IPv4 CIDR (`v4`), one admitting
/// `v6` on the same port (id suffixed `_ipv6`).
pub(super) fn admit_ipv6(rules: &mut Vec<IngressRule>, v4: &Value, v6: &Value) {
    let mut out = Vec::with_capacity(rules.len() * 2);
    for r in rules.drain(..) {
        let twin = (r.cidr == *v4).then(|| IngressRule {
            id: format!("{}_ipv6", r.id),
            port: r.port,
            cidr: v6.clone(),
            description: r.description.clone(),
            ipv6: matches!(v6, Value::Input(_)),
        });
        out.push(r);
        out.extend(twin);
    }
    *rules = out;
}

/// Admits `v6` in every created group (the reach endpoints', each
/// connect's, each created NLB's) wherever it admits `v4`.
pub(super) fn admit_ipv6_everywhere(
    groups: Option<&mut SecurityGroups>,
    exposes: &mut [Expose],
    connects: &mut [Endpoint],
    v4: &Value,
    v6: &Value,
) {
    if let Some(SecurityGroups::Create { rules, .. }) = groups {
        admit_ipv6(rules, v4, v6);
    }
    for x in exposes {
        if let LoadBalancer::Create { security_group, .. } = &mut x.load_balancer {
            admit_ipv6(&mut security_group.rules, v4, v6);
        }
    }
    for c in connects {
        if let Some(g) = c.own_security_group.as_mut() {
            admit_ipv6(&mut g.rules, v4, v6);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, lowered, model};
    use super::*;

    const SPEC: &str = "version = 1\nname = \"app\"\nregion = \"us-east-1\"\n";

    #[test]
    fn the_service_setting_wins_and_gateways_keep_the_default() {
        let m = model(&format!(
            "{SPEC}[vpc]\nipv6_cidr = \"2600:1f18::/56\"\n[reach]\nservices = [\"s3\", \"sqs\", \"logs\"]\nip_address_type = \"dualstack\"\n[service.sqs]\nip_address_type = \"ipv4\"\n"
        ));
        let got: Vec<(String, IpAddressType)> = m
            .endpoints
            .iter()
            .map(|e| (e.key.to_string(), e.ip_address_type))
            .collect();
        assert_eq!(
            got,
            [
                ("logs".into(), IpAddressType::Dualstack),
                ("s3".into(), IpAddressType::Ipv4),
                ("sqs".into(), IpAddressType::Ipv4),
            ]
        );
    }

    /// The first endpoint's address type, and the codes lowering reported.
    fn first_type(body: &str) -> (IpAddressType, Vec<Code>) {
        let (m, d) = lowered(&format!("{SPEC}{body}"), &[]);
        (m.expect("a model").endpoints[0].ip_address_type, codes(&d))
    }

    #[test]
    fn a_service_without_ipv6_is_e077_unless_named_by_hand() {
        let (m, d) = lowered(
            &format!("{SPEC}[reach]\nservices = [\"sts\"]\nip_address_type = \"dualstack\"\n"),
            &[],
        );
        assert!(m.is_none());
        assert_eq!(codes(&d), [Code::E077]);
        let own = format!(
            "{SPEC}[reach]\nservices = [\"sts\"]\nip_address_type = \"dualstack\"\n[service.sts]\nservice_name = \"com.amazonaws.us-east-1.sts\"\n"
        );
        let (m, d) = lowered(&own, &[]);
        assert!(m.is_some(), "not checked");
        assert_eq!(codes(&d), [Code::W105]);
        let listed = "[reach]\nservices = [\"logs\"]\nip_address_type = \"dualstack\"\nsecurity_group = { ingress_cidrs = [\"10.0.0.0/8\"] }\n";
        assert_eq!(
            codes(&lowered(&format!("{SPEC}{listed}"), &[]).1),
            [Code::W105]
        );
        let with_v6 = listed.replace("\"10.0.0.0/8\"", "\"10.0.0.0/8\", \"fd00::/8\"");
        assert!(codes(&lowered(&format!("{SPEC}{with_v6}"), &[]).1).is_empty());
    }

    #[test]
    fn ipv6_only_warns_of_its_assumption_and_gateways_ignore_their_own_type() {
        let cases = [
            (
                "[vpc]\nipv6_cidr = \"2600:1f18::/56\"\n[reach]\nservices = [\"kms\"]\nip_address_type = \"ipv6\"\n",
                (IpAddressType::Ipv6, vec![Code::W104]),
            ),
            (
                "[reach]\nservices = [\"s3\"]\n[service.s3]\nip_address_type = \"dualstack\"\n",
                (IpAddressType::Ipv4, vec![Code::W113]),
            ),
        ];
        for (body, want) in cases {
            assert_eq!(first_type(body), want, "{body}");
        }
    }

    #[test]
    fn the_ipv6_cidr_is_admitted_beside_the_vpc_cidr_in_every_created_group() {
        let m = model(&format!(
            "{SPEC}[vpc]\ncidr = \"10.0.0.0/16\"\nipv6_cidr = {{ input = \"vpc_ipv6\" }}\n[reach]\nservices = [\"sqs\"]\n[expose.api]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"arn:aws:iam::111122223333:root\"]\nip_address_types = [\"ipv4\", \"ipv6\"]\n"
        ));
        let Some(SecurityGroups::Create { rules, .. }) = &m.security_groups else {
            panic!("a created group");
        };
        let ids: Vec<(&str, bool)> = rules.iter().map(|r| (r.id.as_str(), r.is_ipv6())).collect();
        assert_eq!(ids, [("tcp_443_1", false), ("tcp_443_1_ipv6", true)]);
        let x = &m.exposes[0];
        assert_eq!(x.ip_address_types, [IpFamily::Ipv4, IpFamily::Ipv6]);
        let LoadBalancer::Create {
            dualstack,
            security_group,
            ..
        } = &x.load_balancer
        else {
            panic!("a created NLB");
        };
        assert!(*dualstack);
        assert_eq!(security_group.rules.len(), 2);
        assert_eq!(security_group.egress.len(), 1, "targets stay IPv4");
        assert!(m.inputs.iter().any(|i| i.kind == InputKind::VpcIpv6Cidr));
    }
}
