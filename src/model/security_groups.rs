//! The security group the interface endpoints of `reach` share: an existing
//! one, or one created with a rule per port and admitted CIDR.

use super::*;

/// Whether the shared group is created admitting the VPC's own CIDR (no
/// `ingress_cidrs` given), so the driver reads the CIDR before this pass.
pub(super) fn needs_vpc_cidr(spec: &Spec, endpoints: &[Endpoint]) -> bool {
    let has_interface = endpoints.iter().any(|e| e.kind == EndpointType::Interface);
    has_interface
        && match spec.reach.security_group.as_ref().map(|s| &s.value) {
            Some(SecurityGroup::Ids { .. }) | Some(SecurityGroup::Input { .. }) => false,
            Some(SecurityGroup::Create { ingress_cidrs }) => ingress_cidrs.is_empty(),
            None => true,
        }
}

/// The group of the interface endpoints (none without one), and the input it
/// needs. `vpc_cidr` is the VPC's CIDR when [`needs_vpc_cidr`] said so;
/// a hub's group also admits `hub_cidrs` (its spokes', `share.ingress_cidrs`).
pub(super) fn shared_group(
    spec: &Spec,
    endpoints: &[Endpoint],
    vpc_cidr: Option<&Value>,
    hub_cidrs: &[Value],
    d: &mut Diagnostics,
) -> (Option<SecurityGroups>, Vec<Input>) {
    let mut inputs = Vec::new();
    if !endpoints.iter().any(|e| e.kind == EndpointType::Interface) {
        return (None, inputs);
    }
    let name = &spec.name.value;
    let group = match spec.reach.security_group.as_ref().map(|s| &s.value) {
        Some(SecurityGroup::Ids { ids }) => SecurityGroups::Existing(Value::LiteralList(
            ids.iter().map(|i| i.value.clone()).collect(),
        )),
        Some(SecurityGroup::Input { input }) => {
            add_input(
                &mut inputs,
                input.value.as_str(),
                InputKind::SecurityGroupIds,
                "Security groups for the interface endpoints",
                Some(input.span),
            );
            SecurityGroups::Existing(Value::Input(input.value.to_string()))
        }
        other => {
            let mut cidrs: Vec<Value> = match other {
                Some(SecurityGroup::Create { ingress_cidrs }) if !ingress_cidrs.is_empty() => {
                    lints::open_ingress(ingress_cidrs, d);
                    ingress_cidrs
                        .iter()
                        .map(|c| Value::Literal(c.value.to_string()))
                        .collect()
                }
                _ => vec![
                    vpc_cidr
                        .cloned()
                        .expect("read by the driver (needs_vpc_cidr)"),
                ],
            };
            // `hub_cidrs` has no repeats; only the group's own CIDRs may
            // be among them (a hub's spokes can be many: no scan per CIDR).
            let own: Vec<Value> = cidrs.clone();
            cidrs.extend(hub_cidrs.iter().filter(|c| !own.contains(c)).cloned());
            SecurityGroups::Create {
                name: format!("{name}-endpoints"),
                description: format!("Interface VPC endpoints of {name}"),
                rules: rules(endpoints, &cidrs),
            }
        }
    };
    (Some(group), inputs)
}

/// One rule per port any endpoint listens on and admitted CIDR, in port
/// order, each described by the endpoints that use the port.
pub(super) fn rules(endpoints: &[Endpoint], cidrs: &[Value]) -> Vec<IngressRule> {
    let mut ports: Vec<u16> = endpoints
        .iter()
        .flat_map(|e| e.ports.iter().copied())
        .collect();
    ports.sort_unstable();
    ports.dedup();
    let mut rules = Vec::new();
    for port in &ports {
        let users: Vec<&str> = endpoints
            .iter()
            .filter(|e| e.ports.contains(port))
            .map(|e| e.key.name())
            .collect();
        let description = format!("TCP {port} to {}", summarize(&users));
        for (i, cidr) in cidrs.iter().enumerate() {
            rules.push(IngressRule {
                id: format!("tcp_{port}_{}", i + 1),
                port: *port,
                cidr: cidr.clone(),
                description: description.clone(),
                ipv6: false,
            });
        }
    }
    rules
}

/// A rule's description names up to three endpoints, then counts the rest,
/// so a description stays short however many endpoints share a port.
fn summarize(keys: &[&str]) -> String {
    match keys.len() {
        0 => "endpoints".into(),
        1..=3 => keys.join(", "),
        n => format!("{} and {} more", keys[..2].join(", "), n - 2),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, load};
    use super::*;

    /// The endpoints of a spec, through the passes that come before this one.
    fn endpoints_of(t: &super::super::testing::Loaded) -> Vec<Endpoint> {
        let mut d = Diagnostics::default();
        let wanted = services::wanted(&t.spec, &t.sources, &mut d);
        let (endpoints, _) =
            endpoints::lower_endpoints(&t.spec, &wanted, &t.sources, &SnakeCase, &mut d);
        assert_eq!(codes(&d), [] as [Code; 0]);
        endpoints
    }

    #[test]
    fn one_rule_per_port_and_cidr_described_by_its_users() {
        let t = load(
            r#"version = 1
name = "app"
region = "us-east-1"
[reach]
services = ["s3", "sts", "cassandra"]
security_group = { ingress_cidrs = ["10.0.0.0/8", "0.0.0.0/0"] }
"#,
            &[],
        );
        let endpoints = endpoints_of(&t);
        assert!(!needs_vpc_cidr(&t.spec, &endpoints));
        let mut d = Diagnostics::default();
        let (group, inputs) = shared_group(&t.spec, &endpoints, None, &[], &mut d);
        assert!(inputs.is_empty());
        assert_eq!(codes(&d), [Code::W201]);
        let Some(SecurityGroups::Create { name, rules, .. }) = group else {
            panic!("a created group, got {group:?}");
        };
        assert_eq!(name, "app-endpoints");
        let got: Vec<(&str, u16, &str)> = rules
            .iter()
            .map(|r| (r.id.as_str(), r.port, r.description.as_str()))
            .collect();
        // s3 is a gateway endpoint: no rule names it.
        assert_eq!(
            got,
            [
                ("tcp_443_1", 443, "TCP 443 to cassandra, sts"),
                ("tcp_443_2", 443, "TCP 443 to cassandra, sts"),
                ("tcp_9142_1", 9142, "TCP 9142 to cassandra"),
                ("tcp_9142_2", 9142, "TCP 9142 to cassandra"),
            ]
        );
        assert_eq!(rules[1].cidr, Value::Literal("0.0.0.0/0".into()));
    }

    #[test]
    fn the_vpc_cidr_is_admitted_by_default_and_gateways_need_no_group() {
        let t = load(
            "version = 1\nname = \"app\"\n[reach]\nservices = [\"sts\"]\n",
            &[],
        );
        let endpoints = endpoints_of(&t);
        assert!(needs_vpc_cidr(&t.spec, &endpoints));
        let mut d = Diagnostics::default();
        let (group, _) = shared_group(&t.spec, &endpoints, Some(&Value::VpcCidr), &[], &mut d);
        let Some(SecurityGroups::Create { rules, .. }) = group else {
            panic!("a created group, got {group:?}");
        };
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].cidr, Value::VpcCidr);

        let t = load(
            "version = 1\nname = \"app\"\n[reach]\nservices = [\"s3\"]\n",
            &[],
        );
        let endpoints = endpoints_of(&t);
        assert!(!needs_vpc_cidr(&t.spec, &endpoints));
        assert!(
            shared_group(&t.spec, &endpoints, None, &[], &mut d)
                .0
                .is_none()
        );
    }

    #[test]
    fn descriptions_name_three_endpoints_then_count() {
        assert_eq!(summarize(&["a", "b", "c"]), "a, b, c");
        assert_eq!(summarize(&["a", "b", "c", "d", "e"]), "a, b and 3 more");
    }
}
