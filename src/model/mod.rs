//! Spec → Model: every check that needs more than one field, then every
//! decision both targets share (names, ports, policies, inputs, outputs,
//! ordering). Renderers only translate a [`Model`]; they decide nothing.
//!
//! [`lower`] runs one pass per concern, each in the file named after what it
//! decides: `services` (which services, and their endpoint types),
//! `regions` (whether the spec's Region exists and offers them),
//! `endpoints` (names, service names, private DNS), `policies`, `network`
//! (VPC, subnets, route tables, the VPC CIDR), `security_groups`, `exposes`,
//! `connects`, `lints`, `outputs` (each a [`Ref`] to a resource's
//! attribute, `refs`) and `inputs` (merging the inputs every pass declared);
//! `origins` records where each value was written, for `explain`.

use crate::catalog::Catalog;
use crate::check::Links;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceMap, Span};
use crate::spec::{
    AccountId, AwsProvider, Cidr, EndpointType, IpAddressType, Net, Policy, Principal,
    SecurityGroup, Sp, Spec,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

mod connects;
mod cross_region;
mod decide;
mod endpoints;
mod exposes;
mod fixed_ips;
mod gwlb;
mod inputs;
mod ip_types;
mod lints;
mod naming;
mod network;
mod origins;
mod outputs;
mod overlaps;
mod policies;
mod reasons;
mod refs;
mod regions;
mod scanner;
mod security_groups;
mod services;
mod share;

pub use connects::{az_check, connect_group};
pub use decide::{HealthCheck, ReachGroups, SHARED_GROUP};
pub use endpoints::ident_of;
pub use exposes::{built_nlb_name, nlb_name, short_hash};
pub use gwlb::{GwlbEndpoint, GwlbSubnet};
pub use naming::{Naming, SnakeCase};
pub use policies::org_policy;
pub use reasons::{Reason, connect_label};
pub use refs::{Attr, OutputValue, Ref, RefOrValue, ResourceId, ResourceKind};
pub use scanner::{Check, ResourceSkips, Skip};
pub use share::{
    HostedZone, Hub, PROFILE_INPUT, SharingFacts, Spoke, SpokeVpc, ViaRef, ZoneAssociation,
    zone_input,
};

// Helpers the passes share, in scope for each pass through `use super::*`.
use endpoints::type_word;
use inputs::{add_input, dedupe_inputs};
use origins::origins;

/// Interface (and Gateway Load Balancer) endpoints per VPC, by default.
pub const INTERFACE_ENDPOINT_QUOTA: usize = 50;

/// AWS's limit on an endpoint policy, in characters.
pub const MAX_POLICY_CHARS: usize = 20_480;
/// Policy files larger than this are refused; no more is ever read.
const MAX_POLICY_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Serialize)]
pub struct Model {
    pub name: String,
    /// The spec's path as given on the command line, for generated headers.
    pub source: String,
    pub region: Option<String>,
    /// The hashicorp/aws major the Terraform module is written for: the
    /// spec's `[terraform] aws_provider` (default 6); a build's
    /// `--aws-provider` replaces it (`Compiled::plan`, where every model
    /// that is rendered comes from). Unused by CloudFormation.
    #[serde(skip_serializing_if = "AwsProvider::is_default")]
    pub aws_provider: AwsProvider,
    /// Tags from the spec (after `extends`), in the order written.
    pub tags: Vec<(String, String)>,
    pub vpc_id: Value,
    /// Source of the default security group's ingress CIDR.
    pub vpc_cidr: Option<Value>,
    pub subnets: Option<Value>,
    pub route_tables: Option<Value>,
    /// Security groups attached to interface endpoints.
    pub security_groups: Option<SecurityGroups>,
    /// Sorted by catalog name, so a reordered spec gives the same output.
    pub endpoints: Vec<Endpoint>,
    /// Our services offered through PrivateLink, in spec order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exposes: Vec<Expose>,
    /// Interface endpoints to services others expose, each with its own
    /// security group.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub connects: Vec<Endpoint>,
    /// Gateway Load Balancer endpoints (`gateway_load_balancer` connects),
    /// one per subnet, without security groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gwlb_endpoints: Vec<GwlbEndpoint>,
    /// `[share]`: what this hub serves its spokes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hub: Option<Hub>,
    /// `reach.via`, once linked: what this spoke uses from its hub.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spoke: Option<Spoke>,
    /// `reach.via` as written, and the VPC's literal CIDR and ID, for the link.
    #[serde(skip)]
    pub sharing: SharingFacts,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    /// The scanner checks each created resource skips, with the reason
    /// (`scanner`); left out of the model JSON, which lists no resources.
    #[serde(skip)]
    pub scanner_skips: Vec<ResourceSkips>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub az_ids: Vec<String>,
    /// `reach.only_supported_azs`: each interface endpoint of an AWS
    /// service goes only into the subnets of the AZs the service serves,
    /// as looked up at plan time (Terraform only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub only_supported_azs: bool,
    #[serde(skip)]
    pub spans: ModelSpans,
    /// Every value the spec set, with the `file:line` it came from across
    /// `extends`, for `explain`.
    #[serde(skip)]
    pub origins: Vec<(String, String)>,
}

impl Model {
    /// Whether anything is created in the VPC (endpoints, load balancers,
    /// security groups); an endpoint service in front of an existing NLB
    /// alone is not.
    pub fn uses_vpc(&self) -> bool {
        !self.endpoints.is_empty()
            || !self.connects.is_empty()
            || !self.gwlb_endpoints.is_empty()
            || self.hub.is_some()
            || self.spoke.is_some()
            || self
                .exposes
                .iter()
                .any(|x| matches!(x.load_balancer, LoadBalancer::Create { .. }))
    }
}

/// Where the network fields were written, for target-specific diagnostics.
#[derive(Debug, Default)]
pub struct ModelSpans {
    /// The spec file, normalised, for resolving references to it.
    pub path: std::path::PathBuf,
    /// The spec's path as the user gave it, for messages and `explain`.
    pub shown: String,
    pub name: Option<Span>,
    pub account: Option<Span>,
    pub az_ids: Option<Span>,
    pub vpc_id: Option<Span>,
    pub subnets: Option<Span>,
    pub route_tables: Option<Span>,
    pub cidr: Option<Span>,
    /// `reach.only_supported_azs`, when set to true.
    pub only_supported_azs: Option<Span>,
    pub region: Option<Span>,
}

/// A network value in one of its three forms; `Vpc` is "read it from the VPC".
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Literal(String),
    LiteralList(Vec<String>),
    Input(String),
    Lookup(Vec<(String, Vec<String>)>),
    /// The VPC's own CIDR block (a data source or Parameter, per target).
    VpcCidr,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityGroups {
    /// One group created for the endpoints.
    Create {
        name: String,
        description: String,
        rules: Vec<IngressRule>,
    },
    Existing(Value),
}

#[derive(Debug, Serialize, Clone)]
pub struct IngressRule {
    /// Identifier-safe suffix: `tcp_443_1`.
    pub id: String,
    pub port: u16,
    pub cidr: Value,
    pub description: String,
    /// `cidr` is IPv6 though not a literal (`vpc.ipv6_cidr` as an input).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ipv6: bool,
}

#[derive(Debug, Serialize)]
pub struct Endpoint {
    /// Catalog name (`ecr.dkr`), or a connect's key (`connect.billing`).
    pub key: EndpointKey,
    /// Identifier for both targets, in snake_case (`ecr_dkr`).
    pub ident: String,
    /// Name tag value.
    pub name_tag: String,
    #[serde(rename = "type")]
    pub kind: EndpointType,
    pub service_name: ServiceName,
    /// Interface endpoints only.
    pub private_dns: Option<bool>,
    /// `ip_address_type` of an interface endpoint, which its DNS record
    /// type follows; IPv4 (AWS's default) is not written.
    #[serde(skip_serializing_if = "IpAddressType::is_default")]
    pub ip_address_type: IpAddressType,
    /// S3 interface endpoints with private DNS: write the inbound-resolver
    /// option explicitly (false), so they deploy with or without a gateway.
    pub dns_options_all_resolvers: bool,
    pub ports: Vec<u16>,
    /// The service's Region when it is not the VPC's (cross-Region
    /// endpoint): Terraform `service_region`, CloudFormation `ServiceRegion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_region: Option<String>,
    /// `ips`: (subnet ID, IPv4 address), sorted by subnet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixed_ips: Vec<(String, String)>,
    /// Where `ips` was given, for a target that cannot write it.
    #[serde(skip)]
    pub fixed_ips_span: Option<Span>,
    /// Shared by every endpoint of a spec that uses the same document, so
    /// that a renderer writes each document out once.
    pub policy: Option<Arc<serde_json::Value>>,
    /// Where the policy came from, for `explain`.
    pub policy_source: Option<String>,
    /// Why the endpoint is there: the spec line or bundle that asked for it.
    pub reasons: Vec<Reason>,
    /// A connect's own security group (reach endpoints share one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_security_group: Option<CreatedSecurityGroup>,
    /// A connect to another spec's expose, checked by [`crate::check`].
    #[serde(skip)]
    pub reference: Option<Reference>,
    /// A VPC Lattice endpoint (`resource_configuration`, `service_network`):
    /// `service_name` then holds the ARN it reaches (or the input giving it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lattice: Option<crate::spec::LatticeKind>,
}

/// Which endpoint this is: a service the spec reaches, by catalog name
/// (`ecr.dkr`), or a `[connect.<key>]`, by its key (`billing`). Printed
/// (and serialized) as people see it: `ecr.dkr`, `connect.billing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointKey {
    Service(String),
    Connect(String),
}

impl EndpointKey {
    /// The name as written in the spec, without the section it is under.
    pub fn name(&self) -> &str {
        match self {
            EndpointKey::Service(k) | EndpointKey::Connect(k) => k,
        }
    }
}

impl std::fmt::Display for EndpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndpointKey::Service(k) => f.write_str(k),
            EndpointKey::Connect(k) => f.write_str(&connect_label(k)),
        }
    }
}

impl Serialize for EndpointKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A security group vpcegen creates.
#[derive(Debug, Serialize, Clone)]
pub struct CreatedSecurityGroup {
    /// Base of the resource names (`connect_billing`).
    pub ident: String,
    pub name: String,
    pub description: String,
    pub rules: Vec<IngressRule>,
    /// Outbound rules (same shape, the CIDR being the destination). None:
    /// the group allows no outbound traffic, in every target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<IngressRule>,
}

/// `{ spec = "..", expose = ".." }`, with the places it was written.
#[derive(Debug, Clone)]
pub struct Reference {
    pub path: std::path::PathBuf,
    pub spec: Sp<String>,
    pub expose: Sp<String>,
    pub span: Span,
    /// Ports were not given: the provider's listener port decides.
    pub default_ports: bool,
    pub az_ids_span: Option<Span>,
    /// The connect's own `region`, checked against the provider spec's.
    pub region: Option<Sp<String>>,
    /// A `gateway_load_balancer` connect: it needs an expose in front of a
    /// Gateway Load Balancer (and the others one in front of an NLB).
    pub gateway: bool,
}

/// A service behind a Network Load Balancer, offered through a VPC
/// endpoint service.
#[derive(Debug, Serialize)]
pub struct Expose {
    pub key: String,
    pub ident: String,
    pub name_tag: String,
    pub load_balancer: LoadBalancer,
    pub allowed_principals: Vec<Principal>,
    pub acceptance_required: bool,
    pub private_dns_name: Option<String>,
    /// Connection notifications to an SNS topic, when the spec asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<Notification>,
    /// Address families consumers connect over; only IPv4 is not written.
    #[serde(skip_serializing_if = "ip_types::ipv4_only")]
    pub ip_address_types: Vec<crate::spec::IpFamily>,
    /// `regions`: the spec's own Region first, then the others whose
    /// consumers may connect (AWS lists the home Region too).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub supported_regions: Vec<String>,
    /// In front of an existing Gateway Load Balancer: a GWLB endpoint
    /// service (`gateway_load_balancer_arns`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gateway: bool,
    #[serde(skip)]
    pub spans: ExposeSpans,
}

/// An endpoint service's connection notifications: where, and of what.
#[derive(Debug, Serialize)]
pub struct Notification {
    pub topic_arn: String,
    /// Sorted, each once, whatever order the spec gave.
    pub events: Vec<crate::spec::ConnectionEvent>,
}

#[derive(Debug, Default, Clone)]
pub struct ExposeSpans {
    pub key: Option<Span>,
    pub principals: Vec<Span>,
    pub principals_list: Option<Span>,
    pub private_dns_name: Option<Span>,
    pub regions: Option<Span>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancer {
    /// An internal NLB created for the service.
    Create {
        /// AWS name of the NLB and its target group (at most 32 characters).
        name: String,
        port: u16,
        target_port: u16,
        target_type: crate::spec::TargetType,
        /// AWS refuses to delete it until this is turned off.
        deletion_protection: bool,
        /// Serves IPv6 too (the endpoint service supports `ipv6`).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        dualstack: bool,
        /// Its own group, given at creation (AWS cannot add one later):
        /// the listener port from the admitted CIDRs, the targets' ports to
        /// the VPC's CIDR; rules enforced on PrivateLink traffic too.
        security_group: CreatedSecurityGroup,
    },
    /// An existing NLB, by ARN or input.
    Existing(Value),
}

#[derive(Debug, Serialize, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ServiceName {
    Literal(String),
    /// Supplied at deploy time (connects).
    Input(String),
    /// A pattern with `{region}` filled in at deploy time.
    Regional(String),
}

#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    VpcId,
    VpcCidr,
    VpcIpv6Cidr,
    SubnetIds,
    RouteTableIds,
    SecurityGroupIds,
    ServiceName,
    LoadBalancerArn,
    ResourceConfigurationArn,
    ServiceNetworkArn,
    GatewayLoadBalancerArn,
    /// A hub's private hosted zone (`reach.via`, `hosted-zones`).
    HostedZoneId,
    /// A hub's Route 53 Profile (`reach.via`, `profile`).
    ProfileId,
}

#[derive(Debug, Serialize)]
pub struct Input {
    pub name: String,
    pub kind: InputKind,
    pub description: String,
    /// Where the spec names it; `None` for a default input.
    #[serde(skip)]
    pub span: Option<Span>,
}

#[derive(Debug, Serialize)]
pub struct Output {
    pub name: String,
    pub description: String,
    /// What it reads; its JSON keeps the shape it had before [`Ref`].
    pub value: OutputValue,
    /// An endpoint's ARN, DNS entries, network interfaces or prefix list:
    /// an output of its own in Terraform, but in CloudFormation only a
    /// field of the `endpoints` map, so that a template keeps within the
    /// 200 Outputs CloudFormation allows (about 100 endpoints, as before
    /// these fields came).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub detail: bool,
}

/// Checks one spec against the catalog and its own files, and lowers it.
/// Returns `None` when anything was wrong: no later stage sees a bad spec.
/// `links` holds what other specs decide (see [`crate::check::Links`]):
/// empty when a spec is checked before the link, complete when it is
/// planned for rendering.
/// Inputs and endpoint identifiers must stay distinct as `naming` writes them.
///
/// The passes run in a fixed order, which is also the order of their
/// diagnostics and of the inputs before they are sorted.
pub fn lower(
    spec: &Spec,
    file: crate::source::FileId,
    sources: &SourceMap,
    links: &Links,
    naming: &dyn Naming,
    d: &mut Diagnostics,
) -> Option<Model> {
    let errors_before = d.count(crate::diagnostic::Severity::Error);
    let wanted = services::wanted(spec, sources, d);
    overlaps::check(spec, Catalog::get(), d);
    regions::check(spec, &wanted, d);
    let (mut endpoints, dns_off) = endpoints::lower_endpoints(spec, &wanted, sources, naming, d);
    lints::private_dns_off(&dns_off, d);
    let asked_ipv6 = ip_types::address_types(spec, &mut endpoints, d);
    share::hub_and_spoke(spec, d);
    let mut inputs = Vec::new();
    let spoke = share::spoke(file, &mut endpoints, links, &mut inputs);
    let hub = share::hub(spec, file, &mut endpoints, links, &wanted, d);

    let net = network::network(spec, &endpoints, spoke.is_some() || hub.is_some());
    inputs.extend(net.inputs);
    // The VPC's CIDR is read once, by the first pass that needs it.
    let mut cidr =
        security_groups::needs_vpc_cidr(spec, &endpoints).then(|| network::vpc_cidr(spec, d));
    inputs.extend(cidr.as_mut().and_then(|c| c.input.take()));
    let hub_cidrs = hub
        .as_ref()
        .map(|_| share::admitted(spec, file, links))
        .unwrap_or_default();
    let (mut security_groups, sg_inputs) = security_groups::shared_group(
        spec,
        &endpoints,
        cidr.as_ref().map(|c| &c.value),
        &hub_cidrs,
        d,
    );
    inputs.extend(sg_inputs);

    // Connects' groups and created NLBs' groups read it too.
    if (gwlb::has_grouped_connect(spec) || exposes::creates_nlb(spec)) && cidr.is_none() {
        let mut c = network::vpc_cidr(spec, d);
        inputs.extend(c.input.take());
        cidr = Some(c);
    }
    let (mut exposes, expose_inputs) =
        exposes::lower_exposes(spec, links, cidr.as_ref().map(|c| &c.value), d);
    inputs.extend(expose_inputs);
    exposes::elb_tags(spec, d);

    let (mut connects, connect_inputs) = connects::lower_connects(
        spec,
        file,
        sources,
        links,
        cidr.as_ref().map(|c| &c.value),
        d,
    );
    inputs.extend(connect_inputs);
    ip_types::no_ipv6_cidr(spec, &asked_ipv6, d);
    if let Some(v4) = cidr.as_ref().map(|c| c.value.clone()) {
        if let Some((v6, input)) = ip_types::ipv6_cidr(spec, d) {
            inputs.extend(input);
            let groups = security_groups.as_mut();
            ip_types::admit_ipv6_everywhere(groups, &mut exposes, &mut connects, &v4, &v6);
        }
    }
    let (gwlb_endpoints, gwlb_inputs) =
        gwlb::lower_gwlb_connects(spec, sources, net.subnets.as_ref(), d);
    inputs.extend(gwlb_inputs);
    lints::interface_quota(
        spec,
        &endpoints,
        &connects,
        gwlb::quota_count(&gwlb_endpoints),
        d,
    );

    let mut outputs = outputs::outputs(&endpoints, security_groups.as_ref(), &exposes, &connects);
    outputs::gwlb_outputs(&gwlb_endpoints, &mut outputs);
    outputs.extend(hub.as_ref().map(share::outputs).unwrap_or_default());
    let scanner_skips = scanner::skips(&exposes);
    let vpc_cidr = cidr.as_ref().map(|c| c.value.clone());
    let mut inputs = dedupe_inputs(inputs, vpc_cidr == Some(Value::VpcCidr), naming, d);
    inputs.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));

    if d.count(crate::diagnostic::Severity::Error) > errors_before {
        return None;
    }
    let only_supported_azs = only_supported_azs(spec);
    let spans = ModelSpans {
        path: sources.get(file).path.clone(),
        shown: sources.get(file).display.clone(),
        name: Some(spec.name.span),
        account: spec.account.as_ref().map(|a| a.span),
        az_ids: spec.vpc.az_ids_span.filter(|_| !spec.vpc.az_ids.is_empty()),
        vpc_id: net.vpc_id_span,
        subnets: net.subnets_span,
        route_tables: net.route_tables_span,
        cidr: cidr.and_then(|c| c.span),
        only_supported_azs: only_supported_azs.map(|f| f.span),
        region: spec.region.as_ref().map(|r| r.span),
    };
    Some(Model {
        name: spec.name.value.clone(),
        source: sources.get(file).portable().to_string(),
        region: spec.region.as_ref().map(|r| r.value.to_string()),
        aws_provider: spec
            .terraform
            .aws_provider
            .as_ref()
            .map_or_else(AwsProvider::default, |p| p.value),
        tags: spec
            .tags
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect(),
        vpc_id: net.vpc_id,
        vpc_cidr,
        subnets: net.subnets,
        route_tables: net.route_tables,
        security_groups,
        endpoints,
        exposes,
        connects,
        gwlb_endpoints,
        hub,
        spoke,
        sharing: share::sharing_facts(spec, sources),
        inputs,
        outputs,
        scanner_skips,
        origins: origins(spec, sources),
        account: spec.account.as_ref().map(|a| a.value.clone()),
        az_ids: spec
            .vpc
            .az_ids
            .iter()
            .map(|a| a.value.to_string())
            .collect(),
        only_supported_azs: only_supported_azs.is_some(),
        spans,
    })
}

/// `reach.only_supported_azs = true`, decided once: where it is set, for
/// the targets that cannot honour it (`false` is the default, not set).
fn only_supported_azs(spec: &Spec) -> Option<&Sp<bool>> {
    spec.reach.only_supported_azs.as_ref().filter(|f| f.value)
}

/// Builds specs for the passes' unit tests through the real loader.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::source::FileId;

    /// One spec loaded from TOML, with the sources its spans point into.
    pub struct Loaded {
        pub spec: Spec,
        pub file: FileId,
        pub sources: SourceMap,
        _dir: tempfile::TempDir,
    }

    /// Loads `toml` as `spec.toml` in a fresh folder (policy files named by
    /// `files` are written next to it); panics if the loader reports anything.
    pub fn load(toml: &str, files: &[(&str, &str)]) -> Loaded {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("spec.toml");
        std::fs::write(&path, toml).expect("write spec");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write file");
        }
        let mut sources = SourceMap::default();
        let mut d = Diagnostics::default();
        let mut loaded = crate::spec::load(&[path], &mut sources, &mut d);
        assert!(d.is_empty(), "{}", d.render(&sources, false));
        let one = loaded.pop().expect("one spec");
        Loaded {
            spec: one.spec,
            file: one.file,
            sources,
            _dir: dir,
        }
    }

    /// The model of `toml` (no other specs linked); panics if it has none.
    pub fn model(toml: &str) -> Model {
        lowered(toml, &[]).0.expect("a model")
    }

    /// Lowers `toml` (with `files` beside it), no other specs linked: the
    /// model, if any, and what lowering said.
    pub fn lowered(toml: &str, files: &[(&str, &str)]) -> (Option<Model>, Diagnostics) {
        let t = load(toml, files);
        let mut d = Diagnostics::default();
        let m = lower(
            &t.spec,
            t.file,
            &t.sources,
            &Links::default(),
            &SnakeCase,
            &mut d,
        );
        (m, d)
    }

    /// The codes reported, in order.
    pub fn codes(d: &Diagnostics) -> Vec<Code> {
        d.iter().map(|x| x.code).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::model;
    use super::*;

    #[test]
    fn the_provider_major_is_the_specs_its_baselines_or_6() {
        let spec = |extra: &str| {
            format!("version = 1\nname = \"a\"\n{extra}[reach]\nservices = [\"sts\"]\n")
        };
        assert_eq!(model(&spec("")).aws_provider, AwsProvider::V6);
        let five = spec("[terraform]\naws_provider = 5\n");
        assert_eq!(model(&five).aws_provider, AwsProvider::V5);
        let base = ("base.toml", five.as_str());
        let of = |extra: &str| {
            let child = spec(&format!("extends = [\"base.toml\"]\n{extra}"));
            let m = testing::lowered(&child, &[base]).0.expect("a model");
            m.aws_provider
        };
        assert_eq!(of(""), AwsProvider::V5, "inherited from the baseline");
        assert_eq!(
            of("[terraform]\naws_provider = 6\n"),
            AwsProvider::V6,
            "the child wins"
        );
    }

    #[test]
    fn only_supported_azs_is_the_specs_or_its_baselines_and_off_by_default() {
        let off = "version = 1\nname = \"a\"\n[reach]\nservices = [\"sts\"]\n";
        let on =
            "version = 1\nname = \"a\"\n[reach]\nservices = [\"sts\"]\nonly_supported_azs = true\n";
        assert!(!model(off).only_supported_azs);
        let m = model(on);
        assert!(m.only_supported_azs && m.spans.only_supported_azs.is_some());
        let child = |reach: &str| {
            let text =
                format!("version = 1\nname = \"b\"\nextends = [\"base.toml\"]\n[reach]\n{reach}");
            testing::lowered(&text, &[("base.toml", on)])
                .0
                .expect("a model")
        };
        assert!(child("").only_supported_azs, "inherited from the baseline");
        let off = child("only_supported_azs = false\n");
        assert!(
            !off.only_supported_azs && off.spans.only_supported_azs.is_none(),
            "the child wins"
        );
    }

    #[test]
    fn a_provider_major_vpcegen_does_not_write_for_is_e057() {
        for bad in ["7", "4", "\"6\"", "6.0", "true", "[6]"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("spec.toml");
            let text = format!("version = 1\nname = \"a\"\n[terraform]\naws_provider = {bad}\n");
            std::fs::write(&path, text).expect("write spec");
            let (mut sources, mut d) = (SourceMap::default(), Diagnostics::default());
            crate::spec::load(&[path], &mut sources, &mut d);
            assert_eq!(testing::codes(&d), [Code::E057], "aws_provider = {bad}");
        }
    }

    #[test]
    fn a_connect_keeps_its_own_key_and_prints_under_its_section() {
        let m = model(
            r#"version = 1
name = "app"
[reach]
services = ["sts"]
[connect.ledger]
service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123"
"#,
        );
        let c = &m.connects[0];
        assert_eq!(c.key, EndpointKey::Connect("ledger".into()));
        assert_eq!(
            (c.key.name(), c.key.to_string()),
            ("ledger", "connect.ledger".into())
        );
        let json = serde_json::to_value(&c.key).expect("serializes");
        assert_eq!(json, serde_json::json!("connect.ledger"));
        assert_eq!(
            c.reasons,
            [Reason::Connect {
                key: "ledger".into()
            }]
        );
        let e = &m.endpoints[0];
        assert_eq!((e.key.name(), e.key.to_string()), ("sts", "sts".into()));
        let described = |name: &str| {
            let o = m.outputs.iter().find(|o| o.name == name);
            o.map(|o| o.description.clone())
        };
        assert_eq!(
            described("connect_ledger_endpoint_id").as_deref(),
            Some("ID of the interface endpoint connecting to ledger")
        );
    }

    #[test]
    fn the_vpc_cidr_is_read_once_for_every_group_that_admits_it() {
        let m = model(
            r#"version = 1
name = "app"
[vpc]
cidr = { input = "vpc_cidr_block" }
[reach]
services = ["sts"]
[connect.ledger]
service_name = { input = "ledger_service_name" }
"#,
        );
        let inputs: Vec<(&str, InputKind)> =
            m.inputs.iter().map(|i| (i.name.as_str(), i.kind)).collect();
        // Sorted by kind, then name; the CIDR input once though two groups use it.
        assert_eq!(
            inputs,
            [
                ("vpc_id", InputKind::VpcId),
                ("vpc_cidr_block", InputKind::VpcCidr),
                ("subnet_ids", InputKind::SubnetIds),
                ("ledger_service_name", InputKind::ServiceName),
            ]
        );
        let cidr = Value::Input("vpc_cidr_block".into());
        assert_eq!(m.vpc_cidr, Some(cidr.clone()));
        let Some(SecurityGroups::Create { rules, .. }) = &m.security_groups else {
            panic!("a created group");
        };
        assert_eq!(rules[0].cidr, cidr);
        let own = m.connects[0]
            .own_security_group
            .as_ref()
            .expect("own group");
        assert_eq!(own.rules[0].cidr, cidr);
        assert!(m.spans.cidr.is_some());
    }
}
