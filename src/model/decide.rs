//! Decisions both backends need, made here once from the model, so that a
//! backend only translates them into its own syntax: whether a rule's CIDR
//! is IPv6, which security groups the reach endpoints use, how a created
//! NLB's targets are health-checked and named. (Which NLB an expose's ARN
//! names, and what any output reads, are references: `refs.rs`.)

use super::{CreatedSecurityGroup, Expose, IngressRule, Model, SecurityGroups, Value};
use crate::spec::{EndpointType, TargetType};

/// The ident of the group vpcegen creates for the reach endpoints (its
/// resource name in every target: `aws_security_group.endpoints`,
/// `EndpointsSecurityGroup`).
pub const SHARED_GROUP: &str = "endpoints";

impl IngressRule {
    /// An IPv6 CIDR, which AWS takes in its own field (`cidr_ipv6`,
    /// `CidrIpv6`): a literal one, or `vpc.ipv6_cidr` as an input (marked
    /// when the rule is made); any other input or the VPC's CIDR is IPv4.
    pub fn is_ipv6(&self) -> bool {
        self.ipv6 || matches!(&self.cidr, Value::Literal(c) if c.contains(':'))
    }
}

/// The security groups every reach interface endpoint is placed in.
pub enum ReachGroups<'a> {
    /// The one group vpcegen creates, named [`SHARED_GROUP`].
    Created(CreatedSecurityGroup),
    /// Groups the spec names (IDs or an input).
    Existing(&'a Value),
}

impl Model {
    /// A security group rule admits the VPC's own CIDR and the spec does not
    /// give it: each target reads it from the VPC at deploy time (a data
    /// source, a Parameter).
    pub fn reads_vpc_cidr(&self) -> bool {
        self.vpc_cidr == Some(Value::VpcCidr)
    }

    /// The reach endpoints' groups; `None` when the spec reaches no
    /// interface endpoint.
    pub fn reach_groups(&self) -> Option<ReachGroups<'_>> {
        Some(match self.security_groups.as_ref()? {
            SecurityGroups::Create {
                name,
                description,
                rules,
            } => ReachGroups::Created(CreatedSecurityGroup {
                ident: SHARED_GROUP.into(),
                name: name.clone(),
                description: description.clone(),
                rules: rules.clone(),
                egress: Vec::new(),
            }),
            SecurityGroups::Existing(v) => ReachGroups::Existing(v),
        })
    }
}

/// How a created NLB's target group checks its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthCheck {
    pub protocol: &'static str,
    pub port: &'static str,
    /// Only for HTTP checks.
    pub path: Option<&'static str>,
}

impl TargetType {
    /// The name AWS gives this target type (`ip`, `instance`, `alb`).
    pub fn name(self) -> &'static str {
        match self {
            TargetType::Ip => "ip",
            TargetType::Instance => "instance",
            TargetType::Alb => "alb",
        }
    }

    /// TCP on the traffic port, except for ALB targets, which AWS
    /// health-checks only over HTTP(S): HTTP on `/`.
    pub fn health_check(self) -> HealthCheck {
        let alb = self == TargetType::Alb;
        HealthCheck {
            protocol: if alb { "HTTP" } else { "TCP" },
            port: "traffic-port",
            path: alb.then_some("/"),
        }
    }
}

impl EndpointType {
    /// The endpoint type as AWS spells it (`Gateway`, `Interface`).
    pub fn aws_name(self) -> &'static str {
        match self {
            EndpointType::Gateway => "Gateway",
            EndpointType::Interface => "Interface",
        }
    }
}

impl crate::spec::LatticeKind {
    /// `vpc_endpoint_type` / `VpcEndpointType` of such an endpoint.
    pub fn aws_name(self) -> &'static str {
        match self {
            crate::spec::LatticeKind::Resource => "Resource",
            crate::spec::LatticeKind::ServiceNetwork => "ServiceNetwork",
        }
    }
}

impl Expose {
    /// Whether the endpoint service's address types are written: anything
    /// but IPv4 alone, AWS's default.
    pub fn writes_ip_address_types(&self) -> bool {
        self.ip_address_types != [crate::spec::IpFamily::Ipv4]
    }

    /// The Name tag of a created NLB's target group.
    pub fn target_group_tag(&self) -> String {
        format!("{}-targets", self.name_tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(cidr: Value) -> IngressRule {
        IngressRule {
            id: "tcp_443_1".into(),
            port: 443,
            cidr,
            description: String::new(),
            ipv6: false,
        }
    }

    #[test]
    fn only_a_literal_with_a_colon_is_ipv6() {
        assert!(rule(Value::Literal("2001:db8::/32".into())).is_ipv6());
        assert!(!rule(Value::Literal("10.0.0.0/16".into())).is_ipv6());
        assert!(!rule(Value::Input("cidr".into())).is_ipv6());
        assert!(!rule(Value::VpcCidr).is_ipv6());
    }

    #[test]
    fn alb_targets_are_checked_over_http_the_others_over_tcp() {
        let alb = TargetType::Alb.health_check();
        assert_eq!((alb.protocol, alb.path), ("HTTP", Some("/")));
        for t in [TargetType::Ip, TargetType::Instance] {
            assert_eq!(
                t.health_check(),
                HealthCheck {
                    protocol: "TCP",
                    port: "traffic-port",
                    path: None
                }
            );
        }
    }

    #[test]
    fn target_type_names_are_the_spec_words() {
        for t in [TargetType::Ip, TargetType::Instance, TargetType::Alb] {
            assert_eq!(serde_json::to_value(t).unwrap().as_str(), Some(t.name()));
        }
    }
}
