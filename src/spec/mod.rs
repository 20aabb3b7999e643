//! The spec as the user wrote it: TOML read into typed values that keep
//! their spans, with `extends` already merged. Only this module knows TOML.
//!
//! The types double as the JSON Schema (`vpcegen schema`): their doc comments
//! are what an editor shows on hover.

mod connect_target;
pub mod folders;
mod gateway_lb;
mod load;
mod read;
mod share;
#[cfg(test)]
mod testing;
mod types;
mod unread;
pub mod value;

pub use load::{Loaded, io_reason, load, load_referenced};
pub use share::{Share, ShareDns};
pub use types::{
    AccountId, AwsProvider, AzId, Cidr, ConnectionEvent, InputName, IpAddressType, IpFamily,
    LatticeArn, LatticeKind, Principal, Region, SnsTopicArn,
};
pub use unread::Unread;

use crate::source::Span;
use indexmap::IndexMap;
use schemars::JsonSchema;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A value with the place in the spec it was read from.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(g)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// A vpcegen spec: one VPC, the AWS services it reaches privately, the
/// services it offers through PrivateLink and the ones it consumes.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields, title = "vpcegen spec")]
pub struct Spec {
    /// Spec format version. Only `1` exists.
    #[schemars(range(min = 1, max = 1))]
    pub version: Sp<i64>,
    /// Lowercase letters, digits and hyphens: the output folder's name and
    /// the prefix of every generated name and Name tag.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"))]
    pub name: Sp<String>,
    /// AWS Region, such as `eu-west-1`. Omit it for region-agnostic output:
    /// service names are then built at deploy time.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[a-z]{2}(-[a-z]+)+-[0-9]$")
    )]
    pub region: Option<Sp<Region>>,
    /// Twelve-digit AWS account ID of this VPC, for the cross-spec checks.
    #[schemars(with = "Option<String>", regex(pattern = r"^[0-9]{12}$"))]
    pub account: Option<Sp<AccountId>>,
    /// Baseline specs this one builds on, merged in order; this file wins.
    /// Paths are relative to this file.
    #[schemars(default)]
    pub extends: Vec<Sp<String>>,
    /// `true` for a baseline that is only ever extended: `vpcegen build`
    /// refuses it given alone and skips it in a folder. Not inherited by
    /// the specs that extend it.
    #[schemars(rename = "abstract", default, with = "bool")]
    pub is_abstract: Option<Sp<bool>>,
    /// Tags set on every resource that takes tags, besides `Name`.
    #[schemars(default, with = "BTreeMap<String, String>")]
    pub tags: Vec<(Sp<String>, Sp<String>)>,
    /// Where the endpoints live.
    #[schemars(default)]
    pub vpc: Vpc,
    /// AWS services this VPC reaches without leaving Amazon's network.
    #[schemars(default)]
    pub reach: Reach,
    /// Per-service settings, keyed by catalog name (`[service.s3]`).
    #[schemars(default, with = "BTreeMap<String, ServiceSettings>")]
    pub service: IndexMap<String, ServiceSettings>,
    /// Our own services offered to other VPCs and accounts through
    /// PrivateLink (`[expose.<name>]`).
    #[schemars(default, with = "BTreeMap<String, Expose>")]
    pub expose: IndexMap<String, Expose>,
    /// Services others expose that this VPC consumes (`[connect.<name>]`).
    #[schemars(default, with = "BTreeMap<String, Connect>")]
    pub connect: IndexMap<String, Connect>,
    /// This VPC is an endpoints hub: its interface endpoints serve the
    /// spokes that name it in `reach.via`.
    #[schemars(with = "Option<Share>")]
    pub share: Option<Share>,
    /// Settings of the Terraform output only.
    #[schemars(default)]
    pub terraform: TerraformSettings,
    /// Keys written but not read (their mistakes reported), which later
    /// checks do not report again as missing.
    #[schemars(skip)]
    pub unread: Unread,
}

/// `[terraform]`: how the Terraform module is written. A spec that
/// `extends` a baseline overrides the baseline's settings key by key.
#[derive(Clone, Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TerraformSettings {
    /// Major version of the hashicorp/aws provider the module is written
    /// for: `6` (default) or `5`. `required_providers` pins that major, and
    /// the module uses nothing it deprecates. `--aws-provider` on the
    /// command line wins over it.
    #[schemars(with = "Option<u8>", extend("enum" = [5, 6]))]
    pub aws_provider: Option<Sp<AwsProvider>>,
}

/// A network input in one of three forms.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(untagged)]
pub enum Net<T> {
    /// Given literally.
    Literal(T),
    /// A module variable (Terraform) or stack Parameter (CloudFormation).
    Input(InputRef),
    /// Found by tags at plan time (Terraform only).
    Lookup(TagLookup),
}

/// `{ input = "name" }`: the value is supplied when the output is deployed.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct InputRef {
    /// Variable name: lowercase letters, digits and underscores. CloudFormation
    /// gets it in PascalCase.
    #[schemars(with = "String", regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub input: Sp<InputName>,
}

/// `{ tags = { Tier = "private" } }`: every resource carrying all these tags
/// (a list means any of its values).
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TagLookup {
    /// Tag key to one value or a list of accepted values.
    #[schemars(with = "BTreeMap<String, StringOrList>")]
    pub tags: Vec<TagValues>,
}

/// One tag key and the values it accepts.
pub type TagValues = (Sp<String>, Vec<Sp<String>>);

#[derive(JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)]
enum StringOrList {
    One(String),
    Many(Vec<String>),
}

/// `[vpc]`: the VPC, its subnets and route tables. Omitted fields are inputs.
#[derive(Clone, Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Vpc {
    /// VPC ID (`vpc-...`), `{ input = ... }` or `{ tags = ... }`. Default:
    /// `{ input = "vpc_id" }`.
    #[schemars(with = "Option<Net<String>>")]
    pub id: Option<Sp<Net<Sp<String>>>>,
    /// The VPC's IPv4 CIDR, source of the default security group rule.
    /// Default: read from the VPC (Terraform) or a Parameter (CloudFormation).
    #[schemars(with = "Option<Net<String>>")]
    pub cidr: Option<Sp<Net<Sp<Cidr>>>>,
    /// The VPC's IPv6 CIDR (literal or `{ input = ... }`): the security
    /// groups vpcegen creates admit it wherever they admit `cidr`.
    #[schemars(with = "Option<Net<String>>")]
    pub ipv6_cidr: Option<Sp<Net<Sp<Cidr>>>>,
    /// Subnets for interface endpoint ENIs (at most one per AZ): IDs, an input
    /// or a tag lookup. Default: `{ input = "subnet_ids" }`.
    #[schemars(with = "Option<Net<Vec<String>>>")]
    pub subnets: Option<Sp<Net<Vec<Sp<String>>>>>,
    /// Route tables for gateway endpoints: IDs, an input or a tag lookup.
    /// Default: `{ input = "route_table_ids" }`.
    #[schemars(with = "Option<Net<Vec<String>>>")]
    pub route_tables: Option<Sp<Net<Vec<Sp<String>>>>>,
    /// AZ IDs (not names) of the subnets, such as `euw1-az1`, for AZ checks.
    #[schemars(default, with = "Vec<String>")]
    pub az_ids: Vec<Sp<AzId>>,
    /// The whole `az_ids` list, for diagnostics.
    #[schemars(skip)]
    pub az_ids_span: Option<Span>,
}

/// `[reach]`: AWS services reached through VPC endpoints.
#[derive(Clone, Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Reach {
    /// Catalog names (`vpcegen services` lists them), such as `s3`, `logs`.
    #[schemars(default, with = "Vec<String>")]
    pub services: Vec<Sp<String>>,
    /// Named groups of services always deployed together, such as `ecr`.
    #[schemars(default, with = "Vec<String>")]
    pub bundles: Vec<Sp<String>>,
    /// Services to drop, typically ones inherited from a baseline.
    #[schemars(default, with = "Vec<String>")]
    pub without: Vec<Sp<String>>,
    /// Private DNS for interface endpoints (default true where the service
    /// supports it).
    #[schemars(with = "Option<bool>")]
    pub private_dns: Option<Sp<bool>>,
    /// The security group of the interface endpoints. Default: one group
    /// admitting the services' ports from the VPC CIDR.
    #[schemars(with = "Option<SecurityGroup>")]
    pub security_group: Option<Sp<SecurityGroup>>,
    /// Endpoint policy for every endpoint: a JSON file path relative to the
    /// spec, or `{ allow_org = "o-..." }`. Default: AWS's full-access policy.
    #[schemars(with = "Option<Policy>")]
    pub policy: Option<Sp<Policy>>,
    /// Terraform only: look up, at plan time, which AZs each AWS service
    /// serves, and put its interface endpoint only in subnets there.
    #[schemars(with = "Option<bool>")]
    pub only_supported_azs: Option<Sp<bool>>,
    /// Address type of the interface endpoints: `ipv4` (default),
    /// `dualstack` or `ipv6` (every subnet IPv6-only). Each service must
    /// support IPv6 for the other two.
    #[schemars(with = "Option<IpAddressTypeSchema>")]
    pub ip_address_type: Option<Sp<IpAddressType>>,
    /// An endpoints hub's spec (a path relative to this file): every
    /// interface endpoint it shares is used from there, not created here.
    #[schemars(with = "Option<String>")]
    pub via: Option<Sp<String>>,
}

/// How an interface endpoint is addressed.
#[derive(JsonSchema)]
#[schemars(rename = "IpAddressType", rename_all = "lowercase")]
#[allow(dead_code)]
enum IpAddressTypeSchema {
    Ipv4,
    Dualstack,
    Ipv6,
}

/// An address family consumers connect over.
#[derive(JsonSchema)]
#[schemars(rename = "IpFamily", rename_all = "lowercase")]
#[allow(dead_code)]
enum IpFamilySchema {
    Ipv4,
    Ipv6,
}

/// Which security groups the interface endpoints get.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(untagged, deny_unknown_fields)]
pub enum SecurityGroup {
    /// Create one group admitting the endpoints' ports from these CIDRs.
    Create {
        #[schemars(with = "Vec<String>")]
        ingress_cidrs: Vec<Sp<Cidr>>,
    },
    /// Use existing groups (`sg-...`).
    Ids {
        #[schemars(with = "Vec<String>")]
        ids: Vec<Sp<String>>,
    },
    /// Existing groups supplied at deploy time.
    Input {
        #[schemars(with = "String")]
        input: Sp<InputName>,
    },
}

/// An endpoint policy.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(untagged, deny_unknown_fields)]
pub enum Policy {
    /// Path of a JSON policy document, relative to the spec that names it.
    File(#[schemars(with = "String")] Sp<String>),
    /// Allow every principal of this AWS Organization (`o-...`).
    AllowOrg {
        #[schemars(with = "String")]
        allow_org: Sp<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, JsonSchema, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointType {
    Gateway,
    Interface,
}

/// `[service.<name>]`: settings for one service.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ServiceSettings {
    #[schemars(skip)]
    pub key_span: Span,
    /// `gateway` (s3, dynamodb only) or `interface`. Default: gateway where
    /// the service offers it.
    #[schemars(rename = "type", with = "Option<EndpointType>")]
    pub kind: Option<Sp<EndpointType>>,
    /// Private DNS for this interface endpoint.
    #[schemars(with = "Option<bool>")]
    pub private_dns: Option<Sp<bool>>,
    /// Endpoint policy for this service, overriding `reach.policy`.
    #[schemars(with = "Option<Policy>")]
    pub policy: Option<Sp<Policy>>,
    /// Full endpoint service name, for a service the catalog does not know yet.
    #[schemars(with = "Option<String>")]
    pub service_name: Option<Sp<String>>,
    /// Fixed private IPv4 address of the interface endpoint in each subnet:
    /// subnet ID (one of the literal `vpc.subnets`) to an address inside
    /// `vpc.cidr`. Terraform only.
    #[schemars(default, with = "BTreeMap<String, String>")]
    pub ips: Vec<FixedIp>,
    /// The whole `ips` table, for diagnostics.
    #[schemars(skip)]
    pub ips_span: Option<Span>,
    /// This interface endpoint's address type, overriding
    /// `reach.ip_address_type`.
    #[schemars(with = "Option<IpAddressTypeSchema>")]
    pub ip_address_type: Option<Sp<IpAddressType>>,
    /// Another Region whose service to reach (cross-Region interface
    /// endpoint; only services AWS offers so).
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[a-z]{2}(-[a-z]+)+-[0-9]$")
    )]
    pub region: Option<Sp<Region>>,
}

/// One `ips` entry: a subnet ID and the endpoint's address there.
pub type FixedIp = (Sp<String>, Sp<std::net::Ipv4Addr>);

/// `[expose.<name>]`: a service behind a Network Load Balancer, offered
/// through a VPC endpoint service.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Expose {
    #[schemars(skip)]
    pub key_span: Span,
    /// A table creates an internal NLB in `vpc.subnets`; an ARN string or
    /// `{ input = ... }` uses an existing Network Load Balancer.
    #[schemars(with = "LoadBalancerSchema")]
    pub load_balancer: Sp<LoadBalancer>,
    /// Who may connect: account roots (`arn:aws:iam::111122223333:root`),
    /// roles, users, or `"*"` (only with `acceptance_required = true`).
    #[schemars(default, with = "Vec<String>")]
    pub allowed_principals: Vec<Sp<Principal>>,
    #[schemars(skip)]
    pub allowed_principals_span: Option<Span>,
    /// Whether each connection waits for the provider's approval (default false).
    #[schemars(with = "Option<bool>")]
    pub acceptance_required: Option<Sp<bool>>,
    /// Private DNS name for consumers; the outputs carry the domain
    /// verification record.
    #[schemars(with = "Option<String>")]
    pub private_dns_name: Option<Sp<String>>,
    /// Connection notifications: an SNS topic told of the events listed
    /// (the topic's policy must let `vpce.amazonaws.com` publish).
    #[schemars(with = "Option<NotifySchema>")]
    pub notify: Option<Notify>,
    /// Address families consumers may connect over: `["ipv4"]` (default),
    /// `["ipv4", "ipv6"]` or `["ipv6"]`. With `ipv6`, a created NLB is
    /// dualstack; an existing one must be.
    #[schemars(default, with = "Option<Vec<IpFamilySchema>>", length(min = 1))]
    pub ip_address_types: Vec<Sp<IpFamily>>,
    #[schemars(skip)]
    pub ip_address_types_span: Option<Span>,
    /// Other Regions whose consumers may connect (cross-Region
    /// PrivateLink); needs the spec's `region`.
    #[schemars(default, with = "Vec<String>")]
    pub regions: Vec<Sp<Region>>,
    #[schemars(skip)]
    pub regions_span: Option<Span>,
    /// Where `load_balancer` says it is an existing Gateway Load Balancer
    /// (a `loadbalancer/gwy/` ARN, or `type = "gateway"` with `input`).
    #[schemars(skip)]
    pub gateway: Option<Span>,
}

/// `notify = { sns_topic = "arn:aws:sns:...", events = ["Connect", ...] }`.
#[derive(Clone, Debug)]
pub struct Notify {
    pub sns_topic: Sp<SnsTopicArn>,
    /// At least one.
    pub events: Vec<Sp<ConnectionEvent>>,
}

// The schema of `Notify` for editors; the doc comment is what they show.
/// Connection notifications of an endpoint service, to an SNS topic.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Notify")]
#[allow(dead_code)]
struct NotifySchema {
    /// ARN of the SNS topic to notify: `arn:aws:sns:<region>:<account>:<topic>`.
    #[schemars(regex(
        pattern = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+(\.fifo)?$"
    ))]
    sns_topic: String,
    /// Which connection events to notify of.
    #[schemars(length(min = 1))]
    events: Vec<ConnectionEventSchema>,
}

/// A connection event, as AWS names it.
#[derive(JsonSchema)]
#[schemars(rename = "ConnectionEvent")]
#[allow(dead_code)]
enum ConnectionEventSchema {
    Accept,
    Connect,
    Delete,
    Reject,
}

#[derive(Clone, Debug)]
pub enum LoadBalancer {
    Create(CreateLoadBalancer),
    Arn(Sp<String>),
    Input(Sp<InputName>),
}

#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CreateLoadBalancer {
    /// TCP port of the listener consumers connect to.
    #[schemars(with = "u16", range(min = 1, max = 65535))]
    pub port: Sp<i64>,
    /// Port on the targets (default: `port`); health checks use it too.
    #[schemars(with = "Option<u16>", range(min = 1, max = 65535))]
    pub target_port: Option<Sp<i64>>,
    /// `ip` (default), `instance` or `alb`.
    #[schemars(with = "Option<TargetType>")]
    pub target_type: Option<Sp<TargetType>>,
    /// CIDRs the NLB's security group admits on the listener port, checked
    /// on PrivateLink traffic too, against the consumers' own addresses
    /// (default: the VPC's CIDR).
    #[schemars(default, with = "Option<Vec<String>>", length(min = 1))]
    pub ingress_cidrs: Vec<Sp<Cidr>>,
    /// Refuse to delete the NLB until this is turned off (default true:
    /// consumers in other accounts lose the service with it).
    #[schemars(with = "Option<bool>")]
    pub deletion_protection: Option<Sp<bool>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, JsonSchema, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetType {
    Ip,
    Instance,
    Alb,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)]
enum LoadBalancerSchema {
    /// Create an internal Network Load Balancer.
    Create(CreateLoadBalancer),
    /// ARN of an existing Network Load Balancer (`loadbalancer/net/`) or
    /// Gateway Load Balancer (`loadbalancer/gwy/`).
    Arn(String),
    /// An existing load balancer's ARN, supplied at deploy time.
    Input(ExistingLbSchema),
}

/// `{ input = "...", type = "gateway" }`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct ExistingLbSchema {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    input: String,
    /// `network` (default) or `gateway`: a Gateway Load Balancer's
    /// endpoint service.
    #[serde(rename = "type")]
    kind: Option<LbKindSchema>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum LbKindSchema {
    Network,
    Gateway,
}

/// `[connect.<name>]`: an interface endpoint to someone else's endpoint service.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Connect {
    #[schemars(skip)]
    pub key_span: Span,
    /// What the endpoint reaches: exactly one of `service_name`,
    /// `resource_configuration`, `service_network` (read once, see
    /// `connect_target.rs`); its span is the value's.
    #[schemars(flatten, with = "ConnectTargetSchema")]
    pub target: Sp<ConnectTarget>,
    /// AZ IDs where the service is offered, checked against `vpc.az_ids`.
    #[schemars(default, with = "Vec<String>")]
    pub az_ids: Vec<Sp<AzId>>,
    #[schemars(skip)]
    pub az_ids_span: Option<Span>,
    /// TCP ports the endpoint's security group admits from the VPC CIDR.
    #[schemars(default, with = "Vec<u16>")]
    pub ports: Vec<Sp<i64>>,
    /// Private DNS on the endpoint (default false).
    #[schemars(with = "Option<bool>")]
    pub private_dns: Option<Sp<bool>>,
    /// The service's Region, when it is not this VPC's (cross-Region).
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[a-z]{2}(-[a-z]+)+-[0-9]$")
    )]
    pub region: Option<Sp<Region>>,
}

#[derive(Clone, Debug)]
pub enum ServiceRef {
    Literal(Sp<String>),
    Input(Sp<InputName>),
    /// Another spec's expose; `spec` is relative to the file that wrote it.
    Spec {
        spec: Sp<String>,
        expose: Sp<String>,
    },
}

/// What a `[connect.*]` endpoint reaches.
#[derive(Clone, Debug)]
pub enum ConnectTarget {
    /// `service_name`: an endpoint service (interface endpoint).
    Service(ServiceRef),
    /// `resource_configuration` or `service_network`: a VPC Lattice
    /// endpoint (`Resource`, `ServiceNetwork`).
    Lattice(LatticeKind, LatticeRef),
    /// `gateway_load_balancer`: a GWLB endpoint service, one endpoint per
    /// subnet and no security group.
    GatewayLoadBalancer(ServiceRef),
}

/// A VPC Lattice ARN as written or a deploy-time input.
#[derive(Clone, Debug)]
pub enum LatticeRef {
    Literal(Sp<LatticeArn>),
    Input(Sp<InputName>),
}

/// The keys that name a connect's target, for editors: exactly one.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ConnectTargetSchema {
    /// The endpoint service name, an input, or `{ spec = "..", expose = ".." }`
    /// for a service another spec exposes.
    service_name: Option<ServiceRefSchema>,
    /// A VPC Lattice resource configuration
    /// (`arn:aws:vpc-lattice:<region>:<account>:resourceconfiguration/rcfg-...`)
    /// or `{ input = "..." }`: a resource endpoint.
    resource_configuration: Option<LatticeRefSchema>,
    /// A VPC Lattice service network
    /// (`arn:aws:vpc-lattice:<region>:<account>:servicenetwork/sn-...`)
    /// or `{ input = "..." }`: a service-network endpoint.
    service_network: Option<LatticeRefSchema>,
    /// A Gateway Load Balancer endpoint service
    /// (`com.amazonaws.vpce.<region>.vpce-svc-...`), `{ input = "..." }` or
    /// `{ spec = "..", expose = ".." }`: one endpoint per subnet.
    gateway_load_balancer: Option<ServiceRefSchema>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)]
enum LatticeRefSchema {
    Literal(String),
    Input(InputRef),
}

#[derive(JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)]
enum ServiceRefSchema {
    /// `com.amazonaws.vpce.<region>.vpce-svc-...`
    Literal(String),
    Input(InputRef),
    /// A service another spec exposes.
    Spec {
        /// Path of the providing spec, relative to this file.
        spec: String,
        /// Name of the `[expose.<name>]` section in that spec.
        expose: String,
    },
}
