//! Outputs: what each created resource gives back to the caller (IDs, DNS
//! names, ARNs), named and described the same way for both targets.

use super::*;

/// Every output, in a fixed order: endpoints, the shared group, exposes,
/// connects.
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
            name: "endpoints_security_group_id".into(),
            description: "ID of the security group created for the interface endpoints".into(),
            value: RefOrValue::Ref(Ref::security_group_id(SHARED_GROUP)),
        });
    }
    expose_outputs(exposes, &mut outputs);
    connect_outputs(connects, &mut outputs);
    outputs
}

/// Each endpoint's ID, and an interface endpoint's DNS names.
fn endpoint_outputs(endpoints: &[Endpoint], outputs: &mut Vec<Output>) {
    for e in endpoints {
        outputs.push(Output {
            name: format!("{}_endpoint_id", e.ident),
            description: format!("ID of the {} endpoint for {}", type_word(e.kind), e.key),
            value: RefOrValue::Ref(Ref::endpoint(&e.ident, Attr::Id)),
        });
        if e.kind == EndpointType::Interface {
            outputs.push(Output {
                name: format!("{}_endpoint_dns_names", e.ident),
                description: format!(
                    "DNS names of the {} endpoint, the regional name first",
                    e.key
                ),
                value: RefOrValue::Ref(Ref::endpoint(&e.ident, Attr::DnsNames)),
            });
        }
    }
}

/// An endpoint service's name and ID, its NLB, and (when set) the TXT
/// record that verifies its private DNS name.
fn expose_outputs(exposes: &[Expose], outputs: &mut Vec<Output>) {
    for x in exposes {
        let i = &x.ident;
        let service = |attr| RefOrValue::Ref(Ref::endpoint_service(i, attr));
        let mut push = |suffix: &str, description: String, value: RefOrValue| {
            outputs.push(Output {
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
            format!("ARN of the Network Load Balancer behind {}", x.key),
            x.nlb_arn(),
        );
        if matches!(x.load_balancer, LoadBalancer::Create { .. }) {
            push(
                "nlb_dns_name",
                format!("DNS name of the Network Load Balancer behind {}", x.key),
                RefOrValue::Ref(Ref::load_balancer(i, Attr::DnsName)),
            );
            push(
                "target_group_arn",
                format!(
                    "ARN of the target group of {}: register its targets here",
                    x.key
                ),
                RefOrValue::Ref(Ref::target_group_arn(i)),
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

/// A connect's endpoint ID, DNS names and security group.
fn connect_outputs(connects: &[Endpoint], outputs: &mut Vec<Output>) {
    for c in connects {
        let key = c.key.name();
        outputs.push(Output {
            name: format!("{}_endpoint_id", c.ident),
            description: format!("ID of the interface endpoint connecting to {key}"),
            value: RefOrValue::Ref(Ref::endpoint(&c.ident, Attr::Id)),
        });
        outputs.push(Output {
            name: format!("{}_endpoint_dns_names", c.ident),
            description: format!(
                "DNS names of the endpoint connecting to {key}, the regional name first"
            ),
            value: RefOrValue::Ref(Ref::endpoint(&c.ident, Attr::DnsNames)),
        });
        outputs.push(Output {
            name: format!("{}_security_group_id", c.ident),
            description: format!("ID of the security group of the endpoint connecting to {key}"),
            value: RefOrValue::Ref(Ref::security_group_id(&c.ident)),
        });
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
            ("sts_endpoint_id", r#"{"endpoint_id":"sts"}"#),
            ("sts_endpoint_dns_names", r#"{"endpoint_dns_names":"sts"}"#),
            ("endpoints_security_group_id", r#""security_group_id""#),
            ("orders_service_name", r#"{"service_name":"orders"}"#),
            ("orders_service_id", r#"{"service_id":"orders"}"#),
            ("orders_nlb_arn", r#"{"load_balancer_arn":"orders"}"#),
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
        ];
        let want: Vec<(&str, String)> = want.iter().map(|(n, v)| (*n, v.to_string())).collect();
        assert_eq!(got, want);
        let legacy = &m.outputs[11].value;
        let given = Value::Input("legacy_nlb_arn".into());
        assert!(matches!(legacy, RefOrValue::Given { value, .. } if *value == given));
    }
}
