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
