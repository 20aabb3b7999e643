//! Stable resource identities and typed references between resources, so
//! that the plan says *what* an output or a property reads (an endpoint's
//! ID, an NLB's ARN) and each backend has one function that says *how* its
//! target writes it (`aws_lb.orders.arn`, `!Ref OrdersLoadBalancer`).

use super::{CreatedSecurityGroup, Expose, LoadBalancer, SHARED_GROUP, Value};
use serde::Serialize;

/// The kinds of resource vpcegen creates, whatever the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Endpoint,
    SecurityGroup,
    LoadBalancer,
    TargetGroup,
    Listener,
    EndpointService,
    /// A hub's private hosted zone (`[share]`, `hosted-zones`).
    HostedZone,
    /// A hub's Route 53 Profile (`[share]`, `profile`).
    Profile,
}

/// One created resource: its kind and the ident both targets name it by
/// (`ecr_dkr`, `connect_billing`, `orders`), stable across builds because
/// it comes from the spec's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceId {
    pub kind: ResourceKind,
    pub name: String,
}

/// The attributes of a resource that outputs and other resources read.
/// Named for what they are, not for how a target spells them (a security
/// group's ID is `Id`, though CloudFormation reads it as `GroupId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    Id,
    Arn,
    /// An endpoint's DNS names, the regional name first.
    DnsNames,
    /// An endpoint's DNS entries: each DNS name with its hosted zone ID.
    DnsEntries,
    /// The network interfaces of an interface endpoint, one per subnet.
    NetworkInterfaceIds,
    /// A gateway endpoint's prefix list (for security group egress rules).
    PrefixListId,
    /// The IDs of a looped Gateway Load Balancer endpoint, by subnet
    /// (Terraform `for_each`; CloudFormation refuses such a loop, E093).
    IdsBySubnet,
    /// A load balancer's DNS name.
    DnsName,
    /// An endpoint service's name, for consumers' endpoints.
    ServiceName,
    /// The TXT record that verifies an endpoint service's private DNS name.
    PrivateDnsVerificationName,
    PrivateDnsVerificationValue,
}

/// An attribute of a created resource: what a backend translates into its
/// own reference syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub id: ResourceId,
    pub attr: Attr,
}

impl ResourceId {
    pub fn new(kind: ResourceKind, name: &str) -> ResourceId {
        ResourceId {
            kind,
            name: name.into(),
        }
    }
}

impl Ref {
    fn new(kind: ResourceKind, name: &str, attr: Attr) -> Ref {
        Ref {
            id: ResourceId::new(kind, name),
            attr,
        }
    }

    /// The endpoint `ident`'s attribute `attr` (`Id`, `Arn`, `DnsNames`,
    /// `DnsEntries`, `NetworkInterfaceIds`, `PrefixListId`).
    pub fn endpoint(ident: &str, attr: Attr) -> Ref {
        Ref::new(ResourceKind::Endpoint, ident, attr)
    }

    /// The ID of the security group `ident` ([`SHARED_GROUP`] or a
    /// connect's own).
    pub fn security_group_id(ident: &str) -> Ref {
        Ref::new(ResourceKind::SecurityGroup, ident, Attr::Id)
    }

    /// The NLB created for the expose `ident` (`Arn` or `DnsName`).
    pub fn load_balancer(ident: &str, attr: Attr) -> Ref {
        Ref::new(ResourceKind::LoadBalancer, ident, attr)
    }

    /// The ARN of the target group created for the expose `ident`.
    pub fn target_group_arn(ident: &str) -> Ref {
        Ref::new(ResourceKind::TargetGroup, ident, Attr::Arn)
    }

    /// The ID of the hub's hosted zone `ident`.
    pub fn hosted_zone_id(ident: &str) -> Ref {
        Ref::new(ResourceKind::HostedZone, ident, Attr::Id)
    }

    /// The hub's Route 53 Profile (one per hub): `Id` or `Arn`.
    pub fn profile(attr: Attr) -> Ref {
        Ref::new(ResourceKind::Profile, "this", attr)
    }

    /// The endpoint service of the expose `ident`.
    pub fn endpoint_service(ident: &str, attr: Attr) -> Ref {
        Ref::new(ResourceKind::EndpointService, ident, attr)
    }

    /// The name the model JSON has always given this reference
    /// (`endpoint_id`, `security_group_of`), and whether it carries the
    /// ident (the shared group's ID is a bare `security_group_id`).
    fn legacy_name(&self) -> (&'static str, bool) {
        use {Attr as A, ResourceKind as K};
        match (self.id.kind, self.attr) {
            (K::SecurityGroup, A::Id) if self.id.name == SHARED_GROUP => {
                ("security_group_id", false)
            }
            (K::SecurityGroup, _) => ("security_group_of", true),
            (K::Endpoint, A::DnsNames) => ("endpoint_dns_names", true),
            (K::Endpoint, A::Arn) => ("endpoint_arn", true),
            (K::Endpoint, A::DnsEntries) => ("endpoint_dns_entries", true),
            (K::Endpoint, A::NetworkInterfaceIds) => ("endpoint_network_interface_ids", true),
            (K::Endpoint, A::PrefixListId) => ("endpoint_prefix_list_id", true),
            (K::Endpoint, _) => ("endpoint_id", true),
            (K::EndpointService, A::ServiceName) => ("service_name", true),
            (K::EndpointService, A::PrivateDnsVerificationName) => ("dns_verification_name", true),
            (K::EndpointService, A::PrivateDnsVerificationValue) => {
                ("dns_verification_value", true)
            }
            (K::EndpointService, _) => ("service_id", true),
            (K::LoadBalancer, A::DnsName) => ("load_balancer_dns_name", true),
            (K::LoadBalancer, _) => ("load_balancer_arn", true),
            (K::TargetGroup, _) => ("target_group_arn", true),
            (K::Listener, _) => ("listener_arn", true),
            (K::HostedZone, _) => ("hosted_zone_id", true),
            (K::Profile, _) => ("profile_id", false),
        }
    }
}

/// Written as the model JSON has always shown an output's value
/// (`{"endpoint_id": "s3"}`, `"security_group_id"`), so that the model
/// snapshots did not change when outputs became references.
impl Serialize for Ref {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.legacy_name() {
            (name, false) => s.serialize_unit_variant("OutputValue", 0, name),
            (name, true) => s.serialize_newtype_variant("OutputValue", 0, name, &self.id.name),
        }
    }
}

/// What a backend writes where a resource's attribute is read: usually a
/// created resource's, but an existing NLB's ARN is the value the spec
/// gave.
#[derive(Debug, Clone, PartialEq)]
pub enum RefOrValue {
    Ref(Ref),
    /// A value given in the spec (an ARN, an input) that stands where the
    /// attribute `of` of a created resource would.
    Given {
        of: Ref,
        value: Value,
    },
}

/// Written as `of` (see [`Ref`]'s `Serialize`): the model JSON names what
/// an output is, not where its value comes from.
impl Serialize for RefOrValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RefOrValue::Ref(r) | RefOrValue::Given { of: r, .. } => r.serialize(s),
        }
    }
}

/// What an output gives: one attribute (or the value given in its place),
/// or one object per key, each of a few named attributes (every endpoint
/// by its service).
#[derive(Debug, Clone, PartialEq)]
pub enum OutputValue {
    One(RefOrValue),
    ByKey(Vec<(String, Vec<(&'static str, Ref)>)>),
}

/// `One` as [`RefOrValue`] (the shape outputs always had); `ByKey` as an
/// object of objects whose values are [`Ref`]s.
impl Serialize for OutputValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            OutputValue::One(v) => v.serialize(s),
            OutputValue::ByKey(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (key, fields) in entries {
                    let fields: serde_json::Map<String, serde_json::Value> = fields
                        .iter()
                        .map(|(f, r)| serde_json::to_value(r).map(|v| (f.to_string(), v)))
                        .collect::<Result<_, _>>()
                        .map_err(serde::ser::Error::custom)?;
                    map.serialize_entry(key, &fields)?;
                }
                map.end()
            }
        }
    }
}

impl CreatedSecurityGroup {
    /// This group's ID, as the endpoints placed in it read it.
    pub fn id_ref(&self) -> Ref {
        Ref::security_group_id(&self.ident)
    }
}

impl Expose {
    /// The ARN of the NLB behind this expose, for its endpoint service and
    /// its `nlb_arn` output: the created NLB's, or the one the spec gave.
    pub fn nlb_arn(&self) -> RefOrValue {
        let of = Ref::load_balancer(&self.ident, Attr::Arn);
        match &self.load_balancer {
            LoadBalancer::Create { .. } => RefOrValue::Ref(of),
            LoadBalancer::Existing(value) => RefOrValue::Given {
                of,
                value: value.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: &impl Serialize) -> String {
        serde_json::to_string(v).expect("serializes")
    }

    #[test]
    fn refs_serialize_as_the_output_values_they_replaced() {
        let cases = [
            (Ref::endpoint("s3", Attr::Id), r#"{"endpoint_id":"s3"}"#),
            (
                Ref::endpoint("s3", Attr::DnsNames),
                r#"{"endpoint_dns_names":"s3"}"#,
            ),
            (Ref::endpoint("s3", Attr::Arn), r#"{"endpoint_arn":"s3"}"#),
            (
                Ref::endpoint("s3", Attr::DnsEntries),
                r#"{"endpoint_dns_entries":"s3"}"#,
            ),
            (
                Ref::endpoint("s3", Attr::NetworkInterfaceIds),
                r#"{"endpoint_network_interface_ids":"s3"}"#,
            ),
            (
                Ref::endpoint("s3", Attr::PrefixListId),
                r#"{"endpoint_prefix_list_id":"s3"}"#,
            ),
            (
                Ref::security_group_id(SHARED_GROUP),
                r#""security_group_id""#,
            ),
            (
                Ref::security_group_id("connect_b"),
                r#"{"security_group_of":"connect_b"}"#,
            ),
            (
                Ref::endpoint_service("x", Attr::ServiceName),
                r#"{"service_name":"x"}"#,
            ),
            (
                Ref::endpoint_service("x", Attr::Id),
                r#"{"service_id":"x"}"#,
            ),
            (
                Ref::load_balancer("x", Attr::Arn),
                r#"{"load_balancer_arn":"x"}"#,
            ),
            (
                Ref::load_balancer("x", Attr::DnsName),
                r#"{"load_balancer_dns_name":"x"}"#,
            ),
            (Ref::target_group_arn("x"), r#"{"target_group_arn":"x"}"#),
            (
                Ref::endpoint_service("x", Attr::PrivateDnsVerificationName),
                r#"{"dns_verification_name":"x"}"#,
            ),
            (
                Ref::endpoint_service("x", Attr::PrivateDnsVerificationValue),
                r#"{"dns_verification_value":"x"}"#,
            ),
        ];
        for (r, want) in cases {
            assert_eq!(json(&r), want, "{r:?}");
        }
    }

    #[test]
    fn a_given_value_serializes_as_what_it_stands_for() {
        let v = RefOrValue::Given {
            of: Ref::load_balancer("x", Attr::Arn),
            value: Value::Input("nlb".into()),
        };
        assert_eq!(json(&v), r#"{"load_balancer_arn":"x"}"#);
    }
}
