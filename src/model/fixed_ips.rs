//! `[service.<name>] ips`: a fixed private address of an interface endpoint
//! per subnet. Checked here against the literal `vpc.subnets` and
//! `vpc.cidr`, since an address that does not fit fails only at deploy time.

use super::*;
use crate::spec::{FixedIp, ServiceSettings};
use std::net::Ipv4Addr;

/// Addresses already given, with where: one address serves one ENI.
pub(super) type Seen = BTreeMap<Ipv4Addr, Span>;

/// The endpoint's fixed addresses, sorted by subnet; entries that do not
/// fit (E071, E072, E073) are reported and left out.
pub(super) fn fixed_ips(
    spec: &Spec,
    kind: EndpointType,
    settings: Option<&ServiceSettings>,
    seen: &mut Seen,
    d: &mut Diagnostics,
) -> Vec<(String, String)> {
    let Some(s) = settings else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ip in &s.ips {
        let subnet_ok = subnet_fits(spec, kind, ip, d);
        let cidr_ok = address_fits(spec, ip, d);
        if unique(ip, seen, d) && subnet_ok && cidr_ok {
            out.push((ip.0.value.clone(), ip.1.value.to_string()));
        }
    }
    out.sort();
    out
}

/// E071 unless the key is one of the literal `vpc.subnets` of an interface
/// endpoint.
fn subnet_fits(
    spec: &Spec,
    kind: EndpointType,
    (subnet, _): &FixedIp,
    d: &mut Diagnostics,
) -> bool {
    let problem = match (kind, spec.vpc.subnets.as_ref().map(|s| &s.value)) {
        (EndpointType::Gateway, _) => "a gateway endpoint has no subnets, hence no addresses",
        (_, Some(Net::Literal(ids))) if ids.iter().any(|i| i.value == subnet.value) => {
            return true;
        }
        (_, Some(Net::Literal(_))) => "not one of `vpc.subnets`",
        _ => "`vpc.subnets` is not a list of subnet IDs, so the key cannot be checked",
    };
    d.push(
        Diagnostic::new(
            Code::E071,
            format!("`ips` names `{}`, which is not a subnet of this endpoint", subnet.value),
        )
        .at(subnet.span, problem)
        .help("use the subnet IDs listed in `vpc.subnets` (given literally), on an interface endpoint"),
    );
    false
}

/// E072 unless the address is inside the literal `vpc.cidr`. Without a
/// literal CIDR nothing proves the address fits, so it is refused too.
fn address_fits(spec: &Spec, (_, ip): &FixedIp, d: &mut Diagnostics) -> bool {
    let problem = match spec.vpc.cidr.as_ref().map(|c| &c.value) {
        Some(Net::Literal(c)) if c.value.net().contains(&std::net::IpAddr::V4(ip.value)) => {
            return true;
        }
        Some(Net::Literal(c)) => format!("outside `vpc.cidr` ({})", c.value),
        _ => "`vpc.cidr` is not given literally, so the address cannot be checked".into(),
    };
    d.push(
        Diagnostic::new(
            Code::E072,
            format!("`{}` is not an address of the VPC", ip.value),
        )
        .at(ip.span, problem)
        .help("give `vpc.cidr` literally and an address inside it (and inside the subnet)"),
    );
    false
}

/// E073 for an address given before, pointing at both.
fn unique((_, ip): &FixedIp, seen: &mut Seen, d: &mut Diagnostics) -> bool {
    let Some(first) = seen.get(&ip.value) else {
        seen.insert(ip.value, ip.span);
        return true;
    };
    d.push(
        Diagnostic::new(
            Code::E073,
            format!("`{}` is given twice in `ips`", ip.value),
        )
        .at(ip.span, "given again here")
        .also(*first, "first given here")
        .help("give each endpoint network interface its own address"),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, lowered, model};
    use super::*;

    fn spec(vpc: &str, services: &str) -> String {
        format!(
            "version = 1\nname = \"a\"\n[vpc]\n{vpc}[reach]\nservices = [\"kms\", \"sts\", \"s3\"]\n{services}"
        )
    }

    const VPC: &str = "cidr = \"10.20.0.0/16\"\nsubnets = [\"subnet-0a1b2c3d4e5f60002\", \"subnet-0a1b2c3d4e5f60001\"]\n";

    fn lowered_codes(vpc: &str, services: &str) -> Vec<Code> {
        codes(&lowered(&spec(vpc, services), &[]).1)
    }

    #[test]
    fn addresses_are_kept_sorted_by_subnet() {
        let m = model(&spec(
            VPC,
            "[service.kms]\nips = { \"subnet-0a1b2c3d4e5f60002\" = \"10.20.2.10\", \"subnet-0a1b2c3d4e5f60001\" = \"10.20.1.10\" }\n",
        ));
        let kms = m.endpoints.iter().find(|e| e.ident == "kms").expect("kms");
        assert_eq!(
            kms.fixed_ips,
            [
                (
                    "subnet-0a1b2c3d4e5f60001".to_owned(),
                    "10.20.1.10".to_owned()
                ),
                (
                    "subnet-0a1b2c3d4e5f60002".to_owned(),
                    "10.20.2.10".to_owned()
                ),
            ]
        );
        assert!(kms.fixed_ips_span.is_some());
        let sts = m.endpoints.iter().find(|e| e.ident == "sts").expect("sts");
        assert!(sts.fixed_ips.is_empty() && sts.fixed_ips_span.is_none());
    }

    #[test]
    fn a_key_that_is_not_a_literal_subnet_of_an_interface_endpoint_is_e071() {
        let other = "[service.kms]\nips = { \"subnet-0a1b2c3d4e5f60009\" = \"10.20.1.10\" }\n";
        assert_eq!(lowered_codes(VPC, other), [Code::E071]);
        let ok = "[service.kms]\nips = { \"subnet-0a1b2c3d4e5f60001\" = \"10.20.1.10\" }\n";
        let input = "cidr = \"10.20.0.0/16\"\nsubnets = { input = \"subnets\" }\n";
        assert_eq!(
            lowered_codes(input, ok),
            [Code::E071],
            "subnets as an input"
        );
        let gateway = "[service.s3]\nips = { \"subnet-0a1b2c3d4e5f60001\" = \"10.20.1.10\" }\n";
        assert_eq!(lowered_codes(VPC, gateway), [Code::E071], "a gateway");
    }

    #[test]
    fn an_address_outside_a_literal_cidr_is_e072() {
        let outside = "[service.kms]\nips = { \"subnet-0a1b2c3d4e5f60001\" = \"10.30.1.10\" }\n";
        assert_eq!(lowered_codes(VPC, outside), [Code::E072]);
        let ok = "[service.kms]\nips = { \"subnet-0a1b2c3d4e5f60001\" = \"10.20.1.10\" }\n";
        let no_cidr = "subnets = [\"subnet-0a1b2c3d4e5f60001\"]\n";
        assert_eq!(lowered_codes(no_cidr, ok), [Code::E072], "no cidr to check");
    }

    #[test]
    fn an_address_given_twice_is_e073_pointing_at_both() {
        let twice = "[service.kms]\nips = { \"subnet-0a1b2c3d4e5f60001\" = \"10.20.1.10\" }\n[service.sts]\nips = { \"subnet-0a1b2c3d4e5f60002\" = \"10.20.1.10\" }\n";
        let d = lowered(&spec(VPC, twice), &[]).1;
        assert_eq!(codes(&d), [Code::E073]);
        let e = d.iter().next().expect("one");
        assert!(e.primary.is_some(), "points at the repeat");
        assert_eq!(e.secondary.len(), 1, "and at the first");
    }
}
