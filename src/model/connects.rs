//! `[connect.*]`: interface endpoints to services others expose, each with its own security group.

use super::*;

/// `[connect.*]`: interface endpoints to other services, each with its own
/// security group admitting its ports from the VPC CIDR.
pub(super) fn lower_connects(
    spec: &Spec,
    file: crate::source::FileId,
    sources: &SourceMap,
    links: &Links,
    cidr: Option<&Value>,
    d: &mut Diagnostics,
) -> (Vec<Endpoint>, Vec<Input>) {
    let name = &spec.name.value;
    let mut inputs = Vec::new();
    let mut out = Vec::new();
    for (key, c) in &spec.connect {
        if matches!(
            c.target.value,
            crate::spec::ConnectTarget::GatewayLoadBalancer(_)
        ) {
            continue; // `gwlb.rs`
        }
        let ident = format!("connect_{}", ident_of(key));
        let (service_name, reference) = service(key, c, sources, &mut inputs);
        // Literal and input services: the AZs the user says the service is in.
        if reference.is_none() && !c.az_ids.is_empty() && !spec.vpc.az_ids.is_empty() {
            let offered: Vec<&str> = c.az_ids.iter().map(|a| a.value.as_str()).collect();
            let ours: Vec<&str> = spec.vpc.az_ids.iter().map(|a| a.value.as_str()).collect();
            az_check(
                &format!("`connect.{key}`"),
                &ours,
                &offered,
                spec.vpc.az_ids_span.unwrap_or(spec.vpc.az_ids[0].span),
                c.az_ids_span.unwrap_or(c.az_ids[0].span),
                d,
            );
        }
        let mut ports: Vec<u16> = c.ports.iter().map(|p| p.value as u16).collect();
        if ports.is_empty() {
            // Another spec's expose decides (the link read its listener).
            ports.push(links.listener_port(file, &ident).unwrap_or(443));
        }
        ports.sort_unstable();
        ports.dedup();
        let cidr = cidr.cloned().unwrap_or(Value::VpcCidr);
        out.push(Endpoint {
            key: EndpointKey::Connect(key.clone()),
            name_tag: format!("{name}-{key}"),
            kind: EndpointType::Interface,
            service_name,
            private_dns: private_dns(key, c, d),
            ip_address_type: IpAddressType::Ipv4,
            dns_options_all_resolvers: false,
            own_security_group: Some(connect_group(name, key, &ident, &ports, &cidr)),
            ports,
            fixed_ips: Vec::new(),
            fixed_ips_span: None,
            service_region: cross_region::connect_region(
                spec,
                key,
                c,
                links.service_region(file, &ident),
                d,
            ),
            policy: None,
            policy_source: None,
            reasons: vec![Reason::Connect { key: key.clone() }],
            reference,
            lattice: c.target.value.lattice_kind(),
            ident,
        });
    }
    (out, inputs)
}

/// The service a connect reaches: a literal name, an input, or another
/// spec's expose (an input named after it, checked by [`crate::check`]).
pub(super) fn service(
    key: &str,
    c: &crate::spec::Connect,
    sources: &SourceMap,
    inputs: &mut Vec<Input>,
) -> (ServiceName, Option<Reference>) {
    use crate::spec::{ConnectTarget, LatticeKind, LatticeRef, ServiceRef};
    let mut reference = None;
    let span = c.target.span;
    let service = match &c.target.value {
        ConnectTarget::Service(s) | ConnectTarget::GatewayLoadBalancer(s) => s,
        ConnectTarget::Lattice(_, LatticeRef::Literal(arn)) => {
            return (ServiceName::Literal(arn.value.to_string()), None);
        }
        ConnectTarget::Lattice(kind, LatticeRef::Input(i)) => {
            let input_kind = match kind {
                LatticeKind::Resource => InputKind::ResourceConfigurationArn,
                LatticeKind::ServiceNetwork => InputKind::ServiceNetworkArn,
            };
            add_input(
                inputs,
                i.value.as_str(),
                input_kind,
                &format!(
                    "ARN of the VPC Lattice {} that {key} connects to",
                    kind.what()
                ),
                Some(i.span),
            );
            return (ServiceName::Input(i.value.to_string()), None);
        }
    };
    let service_name = match service {
        ServiceRef::Literal(s) => ServiceName::Literal(s.value.clone()),
        ServiceRef::Input(i) => {
            add_input(
                inputs,
                i.value.as_str(),
                InputKind::ServiceName,
                &format!("Endpoint service name that {key} connects to"),
                Some(i.span),
            );
            ServiceName::Input(i.value.to_string())
        }
        ServiceRef::Spec { spec: path, expose } => {
            let input = format!("{}_service_name", ident_of(&expose.value));
            add_input(
                inputs,
                &input,
                InputKind::ServiceName,
                &format!(
                    "Endpoint service name of {} (the `{}_service_name` output of {})",
                    expose.value,
                    ident_of(&expose.value),
                    path.value
                ),
                Some(span),
            );
            let dir = sources.get(path.span.file).dir();
            reference = Some(Reference {
                path: crate::source::resolve(dir, &path.value),
                spec: path.clone(),
                expose: expose.clone(),
                span,
                default_ports: c.ports.is_empty(),
                az_ids_span: c.az_ids_span,
                region: c
                    .region
                    .as_ref()
                    .map(|r| Sp::new(r.value.to_string(), r.span)),
                gateway: matches!(c.target.value, ConnectTarget::GatewayLoadBalancer(_)),
            });
            ServiceName::Input(input)
        }
    };
    (service_name, reference)
}

/// Private DNS of a connect: off unless asked; unset on a VPC Lattice
/// endpoint, whose private DNS (a resource configuration's custom domain)
/// vpcegen does not model yet, so asking for it is E092.
fn private_dns(key: &str, c: &crate::spec::Connect, d: &mut Diagnostics) -> Option<bool> {
    let asked = c.private_dns.as_ref();
    let Some(kind) = c.target.value.lattice_kind() else {
        return Some(asked.is_some_and(|p| p.value));
    };
    if let Some(p) = asked {
        d.push(
            Diagnostic::new(
                Code::E092,
                format!("`connect.{key}.private_dns` on a `{}` endpoint", kind.key()),
            )
            .at(p.span, "not modelled for VPC Lattice endpoints")
            .help("remove `private_dns`: vpcegen leaves private DNS of resource and service-network endpoints to AWS's default"),
        );
    }
    None
}

/// The security group of one connect: its ports from the VPC CIDR.
pub fn connect_group(
    spec_name: &str,
    key: &str,
    ident: &str,
    ports: &[u16],
    cidr: &Value,
) -> CreatedSecurityGroup {
    CreatedSecurityGroup {
        ident: ident.to_string(),
        name: format!("{spec_name}-{key}-endpoint"),
        description: format!("Endpoint of {spec_name} connecting to {key}"),
        rules: ports
            .iter()
            .map(|p| IngressRule {
                id: format!("tcp_{p}_1"),
                port: *p,
                cidr: cidr.clone(),
                description: format!("TCP {p} to {key}"),
                ipv6: false,
            })
            .collect(),
        egress: Vec::new(),
    }
}

/// Compares the AZ IDs of a consumer with those where a service is offered:
/// none shared is an error, some not served a warning naming them.
pub fn az_check(
    what: &str,
    consumer: &[&str],
    service: &[&str],
    consumer_span: Span,
    service_span: Span,
    d: &mut Diagnostics,
) {
    let what = what.to_string();
    let offered: std::collections::HashSet<&str> = service.iter().copied().collect();
    let shared: Vec<&str> = consumer
        .iter()
        .copied()
        .filter(|a| offered.contains(a))
        .collect();
    let missing: Vec<&str> = consumer
        .iter()
        .copied()
        .filter(|a| !offered.contains(a))
        .collect();
    if shared.is_empty() {
        d.push(
            Diagnostic::new(
                Code::E052,
                format!(
                    "no AZ in common with {what}: the consumer's AZ IDs ({}) share none with the service's ({})",
                    consumer.join(", "),
                    service.join(", ")
                ),
            )
            .at(consumer_span, "the consumer's subnets are in these AZs")
            .also(service_span, "the service is offered in these AZs")
            .note("an interface endpoint reaches an endpoint service only in an Availability Zone both have")
            .help("put the consumer's subnets in an AZ the service serves, or offer the service in the consumer's AZs"),
        );
    } else if !missing.is_empty() {
        d.push(
            Diagnostic::new(
                Code::W111,
                format!("subnets in {} cannot reach {what}, which is offered only in {}", missing.join(", "), service.join(", ")),
            )
            .at(consumer_span, "some of these AZs are not served")
            .also(service_span, "the service's AZs")
            .help("traffic from those AZs must cross to another AZ's endpoint, or the service must be offered there too"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, model};
    use super::*;
    use crate::source::FileId;

    #[test]
    fn a_connect_gets_its_ports_once_each_and_a_group_admitting_them() {
        let m = model(
            r#"version = 1
name = "app"
[vpc]
cidr = "10.1.0.0/16"
[connect.ledger]
service_name = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
ports = [8443, 443]
"#,
        );
        let c = &m.connects[0];
        assert_eq!(c.key, EndpointKey::Connect("ledger".into()));
        assert_eq!(c.ident, "connect_ledger");
        assert_eq!(c.name_tag, "app-ledger");
        assert_eq!(c.ports, [443, 8443], "sorted");
        let g = c.own_security_group.as_ref().expect("its own group");
        assert_eq!(g.name, "app-ledger-endpoint");
        let rules: Vec<(u16, &Value)> = g.rules.iter().map(|r| (r.port, &r.cidr)).collect();
        let cidr = Value::Literal("10.1.0.0/16".into());
        assert_eq!(rules, [(443, &cidr), (8443, &cidr)]);
        assert!(m.inputs.iter().all(|i| i.kind != InputKind::ServiceName));
    }

    #[test]
    fn a_lattice_connect_is_its_kind_of_endpoint_without_private_dns() {
        let m = model(
            r#"version = 1
name = "app"
[connect.db]
resource_configuration = "arn:aws:vpc-lattice:eu-west-1:111122223333:resourceconfiguration/rcfg-0123456789abcdef0"
ports = [5432]
[connect.mesh]
service_network = { input = "mesh_arn" }
"#,
        );
        let db = &m.connects[0];
        assert_eq!(db.lattice, Some(crate::spec::LatticeKind::Resource));
        assert_eq!(db.private_dns, None);
        assert_eq!(db.ports, [5432]);
        let mesh = &m.connects[1];
        assert_eq!(mesh.lattice, Some(crate::spec::LatticeKind::ServiceNetwork));
        assert_eq!(mesh.service_name, ServiceName::Input("mesh_arn".into()));
        let kinds: Vec<InputKind> = m.inputs.iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&InputKind::ServiceNetworkArn));
    }

    #[test]
    fn private_dns_on_a_lattice_connect_is_refused() {
        let (_, d) = super::super::testing::lowered(
            r#"version = 1
name = "app"
[connect.db]
resource_configuration = "arn:aws:vpc-lattice:eu-west-1:111122223333:resourceconfiguration/rcfg-0123456789abcdef0"
private_dns = false
"#,
            &[],
        );
        assert_eq!(codes(&d), [Code::E092]);
    }

    #[test]
    fn a_connect_by_input_asks_for_the_service_name() {
        let m = model(
            r#"version = 1
name = "app"
[connect.ledger]
service_name = { input = "ledger_service" }
"#,
        );
        assert_eq!(
            m.connects[0].service_name,
            ServiceName::Input("ledger_service".into())
        );
        assert_eq!(m.connects[0].ports, [443], "the default port");
        assert!(
            m.inputs
                .iter()
                .any(|i| i.name == "ledger_service" && i.kind == InputKind::ServiceName)
        );
    }

    #[test]
    fn az_check_reports_no_shared_az_as_an_error_and_some_as_a_warning() {
        let span = Span::new(FileId(0), 0..1);
        let check = |ours: &[&str], theirs: &[&str]| {
            let mut d = Diagnostics::default();
            az_check("`x`", ours, theirs, span, span, &mut d);
            codes(&d)
        };
        assert_eq!(check(&["use1-az1"], &["use1-az2"]), [Code::E052]);
        assert_eq!(
            check(&["use1-az1", "use1-az2"], &["use1-az2"]),
            [Code::W111]
        );
        assert!(check(&["use1-az2"], &["use1-az1", "use1-az2"]).is_empty());
    }
}
