//! Outputs: what each created resource gives back to the caller (IDs, DNS
//! names, ARNs), named and described the same way for both targets; and
//! one map of every endpoint by service.

use super::*;

/// Every output, in a fixed order: endpoints, the shared group, exposes,
/// connects, then the map of every endpoint.
pub(super) fn outputs(
    endpoints: &[Endpoint],
    security_groups: Option<&SecurityGroups>,
    exposes: &[Expose],
    connects: &[Endpoint],
) -> Vec<Output> {
    let mut outputs = Vec::new();
    endpoint_outputs(endpoints, &mut outputs);
    if matches!(security_groups, Some(SecurityGroups::Create { .. })) {
        outputs.push(Output {
            detail: false,
            name: "endpoints_security_group_id".into(),
            description: "ID of the security group created for the interface endpoints".into(),
            value: one(Ref::security_group_id(SHARED_GROUP)),
        });
    }
    expose_outputs(exposes, &mut outputs);
    connect_outputs(connects, &mut outputs);
    outputs.extend(endpoint_map(endpoints, connects));
    outputs
}

fn one(r: Ref) -> OutputValue {
    OutputValue::One(RefOrValue::Ref(r))
}

/// Each endpoint's ID, and an interface endpoint's DNS names, then what
/// came later: its ARN, DNS entries and network interfaces (interface) or
/// prefix list (gateway).
fn endpoint_outputs(endpoints: &[Endpoint], outputs: &mut Vec<Output>) {
    for e in endpoints {
        outputs.push(Output {
            detail: false,
            name: format!("{}_endpoint_id", e.ident),
            description: format!("ID of the {} endpoint for {}", type_word(e.kind), e.key),
            value: one(Ref::endpoint(&e.ident, Attr::Id)),
        });
        if e.kind == EndpointType::Interface {
            outputs.push(Output {
                detail: false,
                name: format!("{}_endpoint_dns_names", e.ident),
                description: format!(
                    "DNS names of the {} endpoint, the regional name first",
                    e.key
                ),
                value: one(Ref::endpoint(&e.ident, Attr::DnsNames)),
            });
        }
        outputs.extend(endpoint_details(e, &format!("for {}", e.key)));
    }
}

/// An endpoint's ARN, and its DNS entries and network interfaces
/// (interface) or its prefix list (gateway); `what` says which (`for s3`,
/// `connecting to ledger`).
fn endpoint_details(e: &Endpoint, what: &str) -> Vec<Output> {
    let output = |suffix: &str, description: String, attr| Output {
        detail: true,
        name: format!("{}_endpoint_{suffix}", e.ident),
        description,
        value: one(Ref::endpoint(&e.ident, attr)),
    };
    let mut out = vec![output(
        "arn",
        format!("ARN of the endpoint {what}"),
        Attr::Arn,
    )];
    match e.kind {
        EndpointType::Interface => {
            out.push(output(
                "dns_entries",
                format!("DNS entries of the endpoint {what}: each DNS name with its hosted zone ID"),
                Attr::DnsEntries,
            ));
            out.push(output(
                "network_interface_ids",
                format!("IDs of the network interfaces of the endpoint {what}, one per subnet"),
                Attr::NetworkInterfaceIds,
            ));
        }
        EndpointType::Gateway => out.push(output(
            "prefix_list_id",
            format!("ID of the prefix list of the endpoint {what}: the destination of workloads' egress rules to it"),
            Attr::PrefixListId,
        )),
    }
    out
}

/// Each Gateway Load Balancer endpoint's ID (the target of the routes
/// that send traffic to the appliances), or for a loop the IDs by subnet.
pub(super) fn gwlb_outputs(gwlb: &[super::GwlbEndpoint], outputs: &mut Vec<Output>) {
    for g in gwlb {
        let (name, description, attr) = match &g.subnet {
            super::GwlbSubnet::One(subnet) => (
                format!("{}_endpoint_id", g.ident),
                format!(
                    "ID of the Gateway Load Balancer endpoint connecting to {} in {subnet}: the target of routes to the appliances",
                    g.key
                ),
                Attr::Id,
            ),
            super::GwlbSubnet::Each => (
                format!("{}_endpoint_ids", g.ident),
                format!(
                    "IDs of the Gateway Load Balancer endpoints connecting to {}, by subnet: the targets of routes to the appliances",
                    g.key
                ),
                Attr::IdsBySubnet,
            ),
        };
        outputs.push(Output {
            detail: false,
            name,
            description,
            value: one(Ref::endpoint(&g.ident, attr)),
        });
    }
}

/// What kind of endpoint a connect is, in words (`interface`, or a VPC
/// Lattice `resource` or `service network` endpoint).
fn connect_word(c: &Endpoint) -> &'static str {
    match c.lattice {
        None => "interface",
        Some(crate::spec::LatticeKind::Resource) => "resource",
        Some(crate::spec::LatticeKind::ServiceNetwork) => "service network",
    }
}

/// One output, `endpoints`: every endpoint (connects as
/// `connect.<name>`) by service, with the fields of its own outputs.
fn endpoint_map(endpoints: &[Endpoint], connects: &[Endpoint]) -> Option<Output> {
    let entries: Vec<(String, Vec<(&'static str, Ref)>)> = endpoints
        .iter()
        .chain(connects)
        .map(|e| {
            let r = |attr| Ref::endpoint(&e.ident, attr);
            let mut fields = vec![("id", r(Attr::Id)), ("arn", r(Attr::Arn))];
            match e.kind {
                EndpointType::Interface => {
                    fields.push(("dns_entries", r(Attr::DnsEntries)));
                    fields.push(("network_interface_ids", r(Attr::NetworkInterfaceIds)));
                }
                EndpointType::Gateway => fields.push(("prefix_list_id", r(Attr::PrefixListId))),
            }
            (e.key.to_string(), fields)
        })
        .collect();
    (!entries.is_empty()).then(|| Output {
        detail: false,
        name: "endpoints".into(),
        description: "Every endpoint by service (a connect as connect.<name>): id and arn, dns_entries and network_interface_ids (interface), prefix_list_id (gateway)".into(),
        value: OutputValue::ByKey(entries),
    })
}

/// An endpoint service's name and ID, its NLB, and (when set) the TXT
/// record that verifies its private DNS name.
fn expose_outputs(exposes: &[Expose], outputs: &mut Vec<Output>) {
    for x in exposes {
        let i = &x.ident;
        let service = |attr| one(Ref::endpoint_service(i, attr));
        let mut push = |suffix: &str, description: String, value: OutputValue| {
            outputs.push(Output {
                detail: false,
                name: format!("{i}_{suffix}"),
                description,
                value,
            });
        };
        push(
            "service_name",
            format!(
                "Endpoint service name of {}, for consumers' interface endpoints",
                x.key
            ),
            service(Attr::ServiceName),
        );
        push(
            "service_id",
            format!("ID of the endpoint service of {}", x.key),
            service(Attr::Id),
        );
        push(
            "nlb_arn",
            format!(
                "ARN of the {} Load Balancer behind {}",
                if x.gateway { "Gateway" } else { "Network" },
                x.key
            ),
            OutputValue::One(x.nlb_arn()),
        );
        if let LoadBalancer::Create { security_group, .. } = &x.load_balancer {
            push(
                "nlb_security_group_id",
                format!(
                    "ID of the security group of the Network Load Balancer behind {}: let the targets' groups admit it",
                    x.key
                ),
                one(security_group.id_ref()),
            );
            push(
                "nlb_dns_name",
                format!("DNS name of the Network Load Balancer behind {}", x.key),
                one(Ref::load_balancer(i, Attr::DnsName)),
            );
            push(
                "target_group_arn",
                format!(
                    "ARN of the target group of {}: register its targets here",
                    x.key
                ),
                one(Ref::target_group_arn(i)),
            );
        }
        if x.private_dns_name.is_some() {
            push(
                "dns_verification_name",
                format!(
                    "Name of the TXT record that verifies the private DNS name of {}",
                    x.key
                ),
                service(Attr::PrivateDnsVerificationName),
            );
            push(
                "dns_verification_value",
                format!(
                    "Value of the TXT record that verifies the private DNS name of {}",
                    x.key
                ),
                service(Attr::PrivateDnsVerificationValue),
            );
        }
    }
}

/// A connect's endpoint ID, DNS names and security group, then its ARN,
/// DNS entries and network interfaces.
fn connect_outputs(connects: &[Endpoint], outputs: &mut Vec<Output>) {
    for c in connects {
        let key = c.key.name();
        outputs.push(Output {
            detail: false,
            name: format!("{}_endpoint_id", c.ident),
            description: format!("ID of the {} endpoint connecting to {key}", connect_word(c)),
            value: one(Ref::endpoint(&c.ident, Attr::Id)),
        });
        outputs.push(Output {
            detail: false,
            name: format!("{}_endpoint_dns_names", c.ident),
            description: format!(
                "DNS names of the endpoint connecting to {key}, the regional name first"
            ),
            value: one(Ref::endpoint(&c.ident, Attr::DnsNames)),
        });
        outputs.push(Output {
            detail: false,
            name: format!("{}_security_group_id", c.ident),
            description: format!("ID of the security group of the endpoint connecting to {key}"),
            value: one(Ref::security_group_id(&c.ident)),
        });
        outputs.extend(endpoint_details(c, &format!("connecting to {key}")));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::model;
    use super::*;

    /// The outputs of a spec with endpoints, an expose and a connect: names
    /// and values (in the model JSON's shape) as before outputs were [`Ref`]s.
    #[test]
    fn every_created_resource_has_its_outputs() {
        let m = model(
            r#"version = 1
name = "app"
[reach]
services = ["s3", "sts"]
[expose.orders]
load_balancer = { port = 443, target_port = 8443, target_type = "ip" }
allowed_principals = ["arn:aws:iam::444455556666:root"]
[expose.legacy]
load_balancer = { input = "legacy_nlb_arn" }
[connect.ledger]
service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123"
"#,
        );
        let got: Vec<(&str, String)> = m
            .outputs
            .iter()
            .map(|o| {
                (
                    o.name.as_str(),
                    serde_json::to_string(&o.value).expect("serializes"),
                )
            })
            .collect();
        let want = [
            ("s3_endpoint_id", r#"{"endpoint_id":"s3"}"#),
            ("s3_endpoint_arn", r#"{"endpoint_arn":"s3"}"#),
            (
                "s3_endpoint_prefix_list_id",
                r#"{"endpoint_prefix_list_id":"s3"}"#,
            ),
            ("sts_endpoint_id", r#"{"endpoint_id":"sts"}"#),
            ("sts_endpoint_dns_names", r#"{"endpoint_dns_names":"sts"}"#),
            ("sts_endpoint_arn", r#"{"endpoint_arn":"sts"}"#),
            (
                "sts_endpoint_dns_entries",
                r#"{"endpoint_dns_entries":"sts"}"#,
            ),
            (
                "sts_endpoint_network_interface_ids",
                r#"{"endpoint_network_interface_ids":"sts"}"#,
            ),
            ("endpoints_security_group_id", r#""security_group_id""#),
            ("orders_service_name", r#"{"service_name":"orders"}"#),
            ("orders_service_id", r#"{"service_id":"orders"}"#),
            ("orders_nlb_arn", r#"{"load_balancer_arn":"orders"}"#),
            (
                "orders_nlb_security_group_id",
                r#"{"security_group_of":"nlb_orders"}"#,
            ),
            (
                "orders_nlb_dns_name",
                r#"{"load_balancer_dns_name":"orders"}"#,
            ),
            (
                "orders_target_group_arn",
                r#"{"target_group_arn":"orders"}"#,
            ),
            ("legacy_service_name", r#"{"service_name":"legacy"}"#),
            ("legacy_service_id", r#"{"service_id":"legacy"}"#),
            ("legacy_nlb_arn", r#"{"load_balancer_arn":"legacy"}"#),
            (
                "connect_ledger_endpoint_id",
                r#"{"endpoint_id":"connect_ledger"}"#,
            ),
            (
                "connect_ledger_endpoint_dns_names",
                r#"{"endpoint_dns_names":"connect_ledger"}"#,
            ),
            (
                "connect_ledger_security_group_id",
                r#"{"security_group_of":"connect_ledger"}"#,
            ),
            (
                "connect_ledger_endpoint_arn",
                r#"{"endpoint_arn":"connect_ledger"}"#,
            ),
            (
                "connect_ledger_endpoint_dns_entries",
                r#"{"endpoint_dns_entries":"connect_ledger"}"#,
            ),
            (
                "connect_ledger_endpoint_network_interface_ids",
                r#"{"endpoint_network_interface_ids":"connect_ledger"}"#,
            ),
        ];
        let want: Vec<(&str, String)> = want.iter().map(|(n, v)| (*n, v.to_string())).collect();
        let (map, rest) = got.split_last().expect("outputs");
        assert_eq!(rest, want);
        assert_eq!(map.0, "endpoints");
        let map: serde_json::Value = serde_json::from_str(&map.1).expect("JSON");
        let fields = |k: &str| -> Vec<String> {
            map[k]
                .as_object()
                .expect("an entry")
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(fields("s3"), ["id", "arn", "prefix_list_id"]);
        let interface = ["id", "arn", "dns_entries", "network_interface_ids"];
        assert_eq!(fields("sts"), interface);
        assert_eq!(fields("connect.ledger"), interface);
        assert_eq!(
            map["sts"]["arn"],
            serde_json::json!({"endpoint_arn": "sts"})
        );
        let legacy = &m
            .outputs
            .iter()
            .find(|o| o.name == "legacy_nlb_arn")
            .expect("the legacy NLB's ARN")
            .value;
        let given = Value::Input("legacy_nlb_arn".into());
        assert!(
            matches!(legacy, OutputValue::One(RefOrValue::Given { value, .. }) if *value == given)
        );
    }
}
