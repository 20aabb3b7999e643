//! Spec → Model: every check that needs more than one field, then every
//! decision both targets share (names, ports, policies, inputs, outputs,
//! ordering). Renderers only translate a [`Model`]; they decide nothing.

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceMap, Span};
use crate::spec::{EndpointType, Net, Policy, SecurityGroup, Sp, Spec};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

mod connects;
mod endpoints;
mod exposes;
mod inputs;
mod network;
mod origins;
mod policies;

use connects::lower_connects;
pub use connects::{az_check, connect_group};
pub use endpoints::ident_of;
use endpoints::{custom_key_problem, identifiers, type_word};
use exposes::{elb_tags, lower_exposes};
pub use exposes::{nlb_name, short_hash};
use inputs::{add_input, dedupe_inputs};
use network::{net_list, net_value};
use origins::origins;
pub use policies::org_policy;
use policies::resolve_policy;

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
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub az_ids: Vec<String>,
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
}

#[derive(Debug, Serialize)]
pub struct Endpoint {
    /// Catalog name (`ecr.dkr`).
    pub key: String,
    /// Identifier for both targets, in snake_case (`ecr_dkr`).
    pub ident: String,
    /// Name tag value.
    pub name_tag: String,
    #[serde(rename = "type")]
    pub kind: EndpointType,
    pub service_name: ServiceName,
    /// Interface endpoints only.
    pub private_dns: Option<bool>,
    /// S3 interface endpoints with private DNS: write the inbound-resolver
    /// option explicitly (false), so they deploy with or without a gateway.
    pub dns_options_all_resolvers: bool,
    pub ports: Vec<u16>,
    /// Shared by every endpoint of a spec that uses the same document, so
    /// that a renderer writes each document out once.
    pub policy: Option<Arc<serde_json::Value>>,
    /// Where the policy came from, for `explain`.
    pub policy_source: Option<String>,
    /// Why the endpoint is there: the spec line or bundle that asked for it.
    pub reasons: Vec<String>,
    /// A connect's own security group (reach endpoints share one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_security_group: Option<CreatedSecurityGroup>,
    /// A connect to another spec's expose, resolved by [`crate::check`].
    #[serde(skip)]
    pub reference: Option<Reference>,
}

/// A security group vpcegen creates.
#[derive(Debug, Serialize, Clone)]
pub struct CreatedSecurityGroup {
    /// Base of the resource names (`connect_billing`).
    pub ident: String,
    pub name: String,
    pub description: String,
    pub rules: Vec<IngressRule>,
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
}

/// A service behind a Network Load Balancer, offered through a VPC
/// endpoint service.
#[derive(Debug, Serialize)]
pub struct Expose {
    pub key: String,
    pub ident: String,
    pub name_tag: String,
    pub load_balancer: LoadBalancer,
    pub allowed_principals: Vec<String>,
    pub acceptance_required: bool,
    pub private_dns_name: Option<String>,
    #[serde(skip)]
    pub spans: ExposeSpans,
}

#[derive(Debug, Default, Clone)]
pub struct ExposeSpans {
    pub key: Option<Span>,
    pub principals: Vec<Span>,
    pub principals_list: Option<Span>,
    pub private_dns_name: Option<Span>,
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
    SubnetIds,
    RouteTableIds,
    SecurityGroupIds,
    ServiceName,
    LoadBalancerArn,
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
    pub value: OutputValue,
}

#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "snake_case")]
pub enum OutputValue {
    EndpointId(String),
    EndpointDnsNames(String),
    SecurityGroupId,
    /// A connect's own group, by its ident.
    SecurityGroupOf(String),
    ServiceName(String),
    ServiceId(String),
    LoadBalancerArn(String),
    LoadBalancerDnsName(String),
    TargetGroupArn(String),
    DnsVerificationName(String),
    DnsVerificationValue(String),
}

/// Checks one spec against the catalog and its own files, and lowers it.
/// Returns `None` when anything was wrong: no later stage sees a bad spec.
pub fn lower(
    spec: &Spec,
    file: crate::source::FileId,
    sources: &SourceMap,
    d: &mut Diagnostics,
) -> Option<Model> {
    let errors_before = d.count(crate::diagnostic::Severity::Error);
    let catalog = Catalog::get();
    let name = spec.name.value.clone();

    // Which services, and why.
    let mut wanted: BTreeMap<String, (Span, Vec<String>)> = BTreeMap::new();
    for s in &spec.reach.services {
        let known = catalog.service(&s.value).is_some()
            || spec
                .service
                .get(&s.value)
                .is_some_and(|x| x.service_name.is_some());
        if !known {
            let mut diag = Diagnostic::new(
                Code::E020,
                format!("unknown service `{}`", s.value.escape_debug()),
            )
            .at(s.span, "not in the built-in catalog");
            // Past the diagnostics shown, the hint (a scan of the catalog) is not worth its time.
            let suggestion = if d.is_full() {
                None
            } else {
                catalog.suggest_service(&s.value)
            };
            diag = match suggestion {
                Some(m) => diag.help(format!("did you mean `{m}`? (`vpcegen services` lists the catalog)")),
                None => diag.help(format!(
                    "`vpcegen services` lists the catalog; for a service it does not know yet, set `[service.{}] service_name = \"...\"`",
                    s.value
                )),
            };
            d.push(diag);
            continue;
        }
        wanted
            .entry(s.value.clone())
            .or_insert_with(|| (s.span, Vec::new()))
            .1
            .push(format!(
                "listed in reach.services ({})",
                sources.location(s.span)
            ));
    }
    for b in &spec.reach.bundles {
        match catalog.bundle(&b.value) {
            Some(bundle) => {
                for m in bundle.services.iter() {
                    wanted
                        .entry(m.to_string())
                        .or_insert_with(|| (b.span, Vec::new()))
                        .1
                        .push(format!(
                            "bundle `{}` ({})",
                            bundle.name,
                            sources.location(b.span)
                        ));
                }
            }
            None => {
                let mut diag = Diagnostic::new(
                    Code::E021,
                    format!("unknown bundle `{}`", b.value.escape_debug()),
                )
                .at(b.span, "not a built-in bundle");
                let names: Vec<&str> = catalog.bundles.iter().map(|b| b.name.as_ref()).collect();
                diag = match catalog.suggest_bundle(&b.value) {
                    Some(m) => diag.help(format!("did you mean `{m}`?")),
                    None => diag.help(format!("bundles: {}", names.join(", "))),
                };
                d.push(diag);
            }
        }
    }
    for w in &spec.reach.without {
        if wanted.remove(&w.value).is_none() {
            let known = catalog.service(&w.value).is_some();
            let mut diag = Diagnostic::new(
                Code::W103,
                format!(
                    "`reach.without` names `{}`, which nothing adds",
                    w.value.escape_debug()
                ),
            )
            .at(w.span, "has no effect");
            if !known && !d.is_full() {
                if let Some(m) = catalog.suggest_service(&w.value) {
                    diag = diag.help(format!("did you mean `{m}`?"));
                }
            } else {
                diag = diag.help("remove it, or check the baseline this spec extends");
            }
            d.push(diag);
        }
    }
    let without: std::collections::HashSet<&str> = spec
        .reach
        .without
        .iter()
        .map(|w| w.value.as_str())
        .collect();
    for (key, settings) in &spec.service {
        if !wanted.contains_key(key) && !without.contains(key.as_str()) {
            let mut diag = Diagnostic::new(
                Code::W102,
                format!("settings for `{key}`, which is not reached"),
            )
            .at(settings.key_span, "no endpoint uses these settings");
            diag = match catalog
                .suggest_service(key)
                .filter(|m| wanted.contains_key(*m))
            {
                Some(m) => diag.help(format!("did you mean `[service.{m}]`?")),
                None => diag.help(format!(
                    "add `{key}` to `reach.services`, or remove `[service.{key}]`"
                )),
            };
            d.push(diag);
        }
    }

    // Endpoints.
    let mut dns_off: BTreeMap<Span, Vec<String>> = BTreeMap::new();
    let mut endpoints = Vec::new();
    let mut policy_cache: BTreeMap<String, Option<Arc<serde_json::Value>>> = BTreeMap::new();
    let mut custom_ids = None;
    for (key, (span, reasons)) in &wanted {
        let settings = spec.service.get(key);
        let entry = catalog.service(key);
        let ident = ident_of(key);
        let kind = match (settings.and_then(|s| s.kind.as_ref()), entry) {
            (Some(k), Some(e)) => {
                let offered = match k.value {
                    EndpointType::Gateway => e.has_gateway(),
                    EndpointType::Interface => e.has_interface(),
                };
                if !offered {
                    d.push(
                        Diagnostic::new(
                            Code::E022,
                            format!("`{key}` has no {} endpoint", type_word(k.value)),
                        )
                        .at(k.span, "not offered by this service")
                        .help(format!(
                            "`{key}` offers: {}",
                            e.types.join(", ").to_lowercase()
                        )),
                    );
                }
                k.value
            }
            (Some(k), None) => k.value,
            (None, Some(e)) if e.has_gateway() => EndpointType::Gateway,
            _ => EndpointType::Interface,
        };

        let service_name = match (settings.and_then(|s| s.service_name.as_ref()), entry) {
            (Some(sn), Some(_)) => ServiceName::Literal(sn.value.clone()),
            (Some(sn), None) => {
                let ids = custom_ids.get_or_insert_with(|| identifiers(&wanted, spec));
                let problem = custom_key_problem(key, ids);
                if let Some(help) = problem {
                    let settings = settings.expect("a service_name comes with settings");
                    d.push(
                        Diagnostic::new(
                            Code::E010,
                            format!(
                                "`{}` is not a valid name for a service the catalog does not know",
                                key.escape_debug()
                            ),
                        )
                        .at(settings.key_span, "becomes an identifier in the output")
                        .help(help),
                    );
                    continue;
                }
                d.push(
                    Diagnostic::new(Code::W101, format!("`{key}` is not in the built-in catalog; using `service_name` as written"))
                        .at(sn.span, "not checked against the catalog")
                        .help("check the name with `aws ec2 describe-vpc-endpoint-services`"),
                );
                ServiceName::Literal(sn.value.clone())
            }
            (None, Some(e)) => match e.name_pattern() {
                Some(p) => match &spec.region {
                    Some(r) => ServiceName::Literal(p.replace("{region}", &r.value)),
                    None if p.contains("{region}") => ServiceName::Regional(p),
                    None => ServiceName::Literal(p),
                },
                None => {
                    d.push(
                        Diagnostic::new(Code::E023, format!("`{key}` has an account-specific endpoint service name"))
                            .at(*span, "cannot be built from the Region")
                            .help(format!(
                                "set `[service.\"{key}\"] service_name = \"...\"` with the name your account gets ({})",
                                e.name_format.as_deref().unwrap_or_default()
                            )),
                    );
                    continue;
                }
            },
            (None, None) => continue, // reported above
        };

        let private_dns = match kind {
            EndpointType::Gateway => {
                if let Some(p) = settings.and_then(|s| s.private_dns.as_ref()) {
                    d.push(
                        Diagnostic::new(
                            Code::E024,
                            format!("`{key}` is a gateway endpoint, which has no private DNS"),
                        )
                        .at(p.span, "only for interface endpoints")
                        .help(format!(
                            "remove it, or set `[service.{key}] type = \"interface\"`"
                        )),
                    );
                }
                None
            }
            EndpointType::Interface => {
                let supported = entry.is_none_or(|e| e.supports_private_dns());
                let explicit = settings.and_then(|s| s.private_dns.as_ref());
                let dns = match explicit {
                    Some(p) if p.value && !supported => {
                        d.push(
                            Diagnostic::new(Code::E024, format!("AWS does not support private DNS for `{key}` interface endpoints"))
                                .at(p.span, "private DNS cannot be enabled")
                                .help("set `private_dns = false` and call the endpoint's own DNS names"),
                        );
                        Some(false)
                    }
                    Some(p) => Some(p.value),
                    None if !supported => Some(false),
                    None => Some(spec.reach.private_dns.as_ref().is_none_or(|p| p.value)),
                };
                let off_by = explicit
                    .or(spec.reach.private_dns.as_ref())
                    .filter(|p| !p.value);
                if let (true, Some(off)) = (supported, off_by) {
                    dns_off.entry(off.span).or_default().push(key.clone());
                }
                dns
            }
        };

        // Policy: the service's own, else the spec's default.
        let (policy_spec, from_default) = match settings.and_then(|s| s.policy.as_ref()) {
            Some(p) => (Some(p), false),
            None => (spec.reach.policy.as_ref(), true),
        };
        let mut policy = None;
        let mut policy_source = None;
        if let Some(p) = policy_spec {
            if entry.is_some_and(|e| !e.supports_policy()) {
                if !from_default {
                    d.push(
                        Diagnostic::new(
                            Code::E032,
                            format!("`{key}` does not accept endpoint policies"),
                        )
                        .at(p.span, "AWS rejects a policy here")
                        .help("remove the policy for this service"),
                    );
                }
            } else {
                let (doc, source) = resolve_policy(p, sources, d, &mut policy_cache);
                policy = doc;
                policy_source = Some(source);
            }
        }

        let ports = match kind {
            EndpointType::Gateway => Vec::new(),
            EndpointType::Interface => entry.map(|e| e.ports()).unwrap_or_else(|| vec![443]),
        };
        endpoints.push(Endpoint {
            key: key.clone(),
            name_tag: format!("{name}-{}", key.replace(['.', '_'], "-")),
            ident,
            kind,
            service_name,
            private_dns,
            dns_options_all_resolvers: key == "s3"
                && kind == EndpointType::Interface
                && private_dns == Some(true),
            ports,
            policy,
            policy_source,
            reasons: reasons.clone(),
            own_security_group: None,
            reference: None,
        });
    }

    // One warning per place that turned private DNS off, naming its services.
    for (span, keys) in &dns_off {
        let names = keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (what, them) = if keys.len() == 1 {
            ("endpoint", "its")
        } else {
            ("endpoints", "their")
        };
        d.push(
            Diagnostic::new(Code::W204, format!("private DNS is off for the {names} interface {what}"))
                .at(*span, "private DNS off")
                .note(format!(
                    "SDKs and the CLI still resolve {them} public names, so calls leave the VPC through a NAT gateway (or fail) instead of using the endpoint, and nothing shows it"
                ))
                .help("turn private DNS on, or make sure every client is configured with the endpoint's own DNS names"),
        );
    }

    // Network values and the inputs they need.
    let mut inputs: Vec<Input> = Vec::new();
    let mut spans = ModelSpans {
        path: sources.get(file).path.clone(),
        shown: sources.get(file).display.clone(),
        name: Some(spec.name.span),
        account: spec.account.as_ref().map(|a| a.span),
        az_ids: spec.vpc.az_ids_span.filter(|_| !spec.vpc.az_ids.is_empty()),
        ..ModelSpans::default()
    };
    let has_interface = endpoints.iter().any(|e| e.kind == EndpointType::Interface);
    let has_gateway = endpoints.iter().any(|e| e.kind == EndpointType::Gateway);
    let creates_nlb = spec
        .expose
        .values()
        .any(|e| matches!(e.load_balancer.value, crate::spec::LoadBalancer::Create(_)));
    // An endpoint service in front of an existing NLB needs no VPC: then
    // the VPC ID is neither an input nor a lookup (see `Model::uses_vpc`).
    let uses_vpc = !endpoints.is_empty() || creates_nlb || !spec.connect.is_empty();
    let mut unused_inputs = Vec::new();
    let vpc_id = net_value(
        spec.vpc.id.as_ref(),
        "vpc_id",
        InputKind::VpcId,
        "ID of the VPC the endpoints are created in",
        if uses_vpc {
            &mut inputs
        } else {
            &mut unused_inputs
        },
        &mut spans.vpc_id,
    );
    if !uses_vpc {
        spans.vpc_id = None;
    }
    let subnets = (has_interface || creates_nlb || !spec.connect.is_empty()).then(|| {
        net_list(
            spec.vpc.subnets.as_ref(),
            "subnet_ids",
            InputKind::SubnetIds,
            "Subnets for endpoint network interfaces and load balancers, at most one per Availability Zone",
            &mut inputs,
            &mut spans.subnets,
        )
    });
    let route_tables = has_gateway.then(|| {
        net_list(
            spec.vpc.route_tables.as_ref(),
            "route_table_ids",
            InputKind::RouteTableIds,
            "Route tables that get routes to the gateway endpoints",
            &mut inputs,
            &mut spans.route_tables,
        )
    });

    // The VPC's CIDR, read once and only if a security group rule needs it.
    let mut vpc_cidr: Option<Value> = None;
    let mut cidr_of_vpc = |inputs: &mut Vec<Input>,
                           spans: &mut ModelSpans,
                           d: &mut Diagnostics|
     -> Value {
        if let Some(v) = &vpc_cidr {
            return v.clone();
        }
        let v = match spec.vpc.cidr.as_ref() {
            Some(c) => {
                spans.cidr = Some(c.span);
                match &c.value {
                    Net::Literal(v) => Value::Literal(v.value.clone()),
                    Net::Input(i) => {
                        add_input(
                            inputs,
                            &i.input.value,
                            InputKind::VpcCidr,
                            "IPv4 CIDR block of the VPC, admitted by the endpoints' security groups",
                            Some(i.input.span),
                        );
                        Value::Input(i.input.value.clone())
                    }
                    Net::Lookup(_) => {
                        d.push(
                            Diagnostic::new(Code::E003, "`vpc.cidr` cannot be a tag lookup")
                                .at(c.span, "a CIDR is read from the VPC itself")
                                .help("leave `vpc.cidr` out to read it from the VPC, or give it literally or as an input"),
                        );
                        Value::VpcCidr
                    }
                }
            }
            None => Value::VpcCidr,
        };
        vpc_cidr = Some(v.clone());
        v
    };

    let security_groups = if !has_interface {
        None
    } else {
        match spec.reach.security_group.as_ref().map(|s| &s.value) {
            Some(SecurityGroup::Ids { ids }) => Some(SecurityGroups::Existing(Value::LiteralList(
                ids.iter().map(|i| i.value.clone()).collect(),
            ))),
            Some(SecurityGroup::Input { input }) => {
                add_input(
                    &mut inputs,
                    &input.value,
                    InputKind::SecurityGroupIds,
                    "Security groups for the interface endpoints",
                    Some(input.span),
                );
                Some(SecurityGroups::Existing(Value::Input(input.value.clone())))
            }
            other => {
                let cidrs: Vec<Value> = match other {
                    Some(SecurityGroup::Create { ingress_cidrs }) if !ingress_cidrs.is_empty() => {
                        for c in ingress_cidrs
                            .iter()
                            .filter(|c| c.value == "0.0.0.0/0" || c.value == "::/0")
                        {
                            d.push(
                                Diagnostic::new(Code::W201, format!("the endpoints' security group admits `{}`, every address", c.value))
                                    .at(c.span, "open to any source")
                                    .note("anything that can route into the VPC (peering, transit gateway, VPN, a misconfigured route) may then call AWS through these endpoints with your endpoint policies")
                                    .help("admit the VPC CIDR or your organisation's ranges instead"),
                            );
                        }
                        ingress_cidrs
                            .iter()
                            .map(|c| Value::Literal(c.value.clone()))
                            .collect()
                    }
                    _ => vec![cidr_of_vpc(&mut inputs, &mut spans, d)],
                };
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
                        .map(|e| e.key.as_str())
                        .collect();
                    let description = format!("TCP {port} to {}", summarize(&users));
                    for (i, cidr) in cidrs.iter().enumerate() {
                        rules.push(IngressRule {
                            id: format!("tcp_{port}_{}", i + 1),
                            port: *port,
                            cidr: cidr.clone(),
                            description: description.clone(),
                        });
                    }
                }
                Some(SecurityGroups::Create {
                    name: format!("{name}-endpoints"),
                    description: format!("Interface VPC endpoints of {name}"),
                    rules,
                })
            }
        }
    };

    let exposes = lower_exposes(spec, &mut inputs, d);
    elb_tags(spec, d);
    let connect_cidr = (!spec.connect.is_empty()).then(|| cidr_of_vpc(&mut inputs, &mut spans, d));
    let connects = lower_connects(spec, file, sources, connect_cidr, &mut inputs, d);

    let interface_count = endpoints
        .iter()
        .filter(|e| e.kind == EndpointType::Interface)
        .count()
        + connects.len();
    if interface_count > INTERFACE_ENDPOINT_QUOTA {
        d.push(
            Diagnostic::new(
                Code::W205,
                format!("{interface_count} interface endpoints in one VPC; the default quota is {INTERFACE_ENDPOINT_QUOTA}"),
            )
            .at(spec.name.span, "this VPC")
            .note("the quota counts interface and Gateway Load Balancer endpoints per VPC; creating more fails at apply time")
            .help("request an increase of \"Interface and Gateway Load Balancer endpoints per VPC\" in Service Quotas before deploying, or split the services across VPCs"),
        );
    }

    // Outputs: each endpoint's ID and DNS names, and the created group.
    let mut outputs = Vec::new();
    for e in &endpoints {
        outputs.push(Output {
            name: format!("{}_endpoint_id", e.ident),
            description: format!("ID of the {} endpoint for {}", type_word(e.kind), e.key),
            value: OutputValue::EndpointId(e.ident.clone()),
        });
        if e.kind == EndpointType::Interface {
            outputs.push(Output {
                name: format!("{}_endpoint_dns_names", e.ident),
                description: format!(
                    "DNS names of the {} endpoint, the regional name first",
                    e.key
                ),
                value: OutputValue::EndpointDnsNames(e.ident.clone()),
            });
        }
    }
    if matches!(security_groups, Some(SecurityGroups::Create { .. })) {
        outputs.push(Output {
            name: "endpoints_security_group_id".into(),
            description: "ID of the security group created for the interface endpoints".into(),
            value: OutputValue::SecurityGroupId,
        });
    }
    for x in &exposes {
        let i = &x.ident;
        let mut push = |suffix: &str, description: String, value: OutputValue| {
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
            OutputValue::ServiceName(i.clone()),
        );
        push(
            "service_id",
            format!("ID of the endpoint service of {}", x.key),
            OutputValue::ServiceId(i.clone()),
        );
        push(
            "nlb_arn",
            format!("ARN of the Network Load Balancer behind {}", x.key),
            OutputValue::LoadBalancerArn(i.clone()),
        );
        if matches!(x.load_balancer, LoadBalancer::Create { .. }) {
            push(
                "nlb_dns_name",
                format!("DNS name of the Network Load Balancer behind {}", x.key),
                OutputValue::LoadBalancerDnsName(i.clone()),
            );
            push(
                "target_group_arn",
                format!(
                    "ARN of the target group of {}: register its targets here",
                    x.key
                ),
                OutputValue::TargetGroupArn(i.clone()),
            );
        }
        if x.private_dns_name.is_some() {
            push(
                "dns_verification_name",
                format!(
                    "Name of the TXT record that verifies the private DNS name of {}",
                    x.key
                ),
                OutputValue::DnsVerificationName(i.clone()),
            );
            push(
                "dns_verification_value",
                format!(
                    "Value of the TXT record that verifies the private DNS name of {}",
                    x.key
                ),
                OutputValue::DnsVerificationValue(i.clone()),
            );
        }
    }
    for c in &connects {
        let key = c.key.trim_start_matches("connect.");
        outputs.push(Output {
            name: format!("{}_endpoint_id", c.ident),
            description: format!("ID of the interface endpoint connecting to {key}"),
            value: OutputValue::EndpointId(c.ident.clone()),
        });
        outputs.push(Output {
            name: format!("{}_endpoint_dns_names", c.ident),
            description: format!(
                "DNS names of the endpoint connecting to {key}, the regional name first"
            ),
            value: OutputValue::EndpointDnsNames(c.ident.clone()),
        });
        outputs.push(Output {
            name: format!("{}_security_group_id", c.ident),
            description: format!("ID of the security group of the endpoint connecting to {key}"),
            value: OutputValue::SecurityGroupOf(c.ident.clone()),
        });
    }
    let mut inputs = dedupe_inputs(inputs, vpc_cidr == Some(Value::VpcCidr), d);
    inputs.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));

    if d.count(crate::diagnostic::Severity::Error) > errors_before {
        return None;
    }
    Some(Model {
        name,
        source: crate::source::portable(&sources.get(file).path),
        region: spec.region.as_ref().map(|r| r.value.clone()),
        tags: spec
            .tags
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect(),
        vpc_id,
        vpc_cidr,
        subnets,
        route_tables,
        security_groups,
        endpoints,
        exposes,
        connects,
        inputs,
        outputs,
        origins: origins(spec, sources),
        account: spec.account.as_ref().map(|a| a.value.clone()),
        az_ids: spec.vpc.az_ids.iter().map(|a| a.value.clone()).collect(),
        spans,
    })
}

fn summarize(keys: &[&str]) -> String {
    match keys.len() {
        0 => "endpoints".into(),
        1..=3 => keys.join(", "),
        n => format!("{} and {} more", keys[..2].join(", "), n - 2),
    }
}
