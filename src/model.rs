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

/// `[expose.*]`: load balancers, endpoint services, principals.
fn lower_exposes(spec: &Spec, inputs: &mut Vec<Input>, d: &mut Diagnostics) -> Vec<Expose> {
    use crate::spec::LoadBalancer as Lb;
    let name = &spec.name.value;
    let mut out = Vec::new();
    for (key, x) in &spec.expose {
        let ident = ident_of(key);
        let load_balancer = match &x.load_balancer.value {
            Lb::Create(c) => {
                let port = c.port.value as u16;
                LoadBalancer::Create {
                    name: nlb_name(name, key),
                    port,
                    target_port: c.target_port.as_ref().map_or(port, |p| p.value as u16),
                    target_type: c
                        .target_type
                        .as_ref()
                        .map_or(crate::spec::TargetType::Ip, |t| t.value),
                }
            }
            Lb::Arn(a) => LoadBalancer::Existing(Value::Literal(a.value.clone())),
            Lb::Input(i) => {
                add_input(
                    inputs,
                    &i.value,
                    InputKind::LoadBalancerArn,
                    &format!("ARN of the Network Load Balancer behind {key}"),
                    Some(i.span),
                );
                LoadBalancer::Existing(Value::Input(i.value.clone()))
            }
        };
        let acceptance_required = x.acceptance_required.as_ref().is_some_and(|a| a.value);
        if let Some(star) = x.allowed_principals.iter().find(|p| p.value == "*") {
            if !acceptance_required {
                let mut diag = Diagnostic::new(
                    Code::E050,
                    format!("`expose.{key}` lets any AWS account connect: `*` with `acceptance_required = false`"),
                )
                .at(star.span, "every AWS account may connect")
                .note("with `*` any account can create an endpoint to this service, and without acceptance each connection is live at once")
                .help("name the accounts or roles that may connect, or set `acceptance_required = true` to approve each connection");
                if let Some(a) = &x.acceptance_required {
                    diag = diag.also(a.span, "connections are accepted without review");
                }
                d.push(diag);
            }
        }
        if x.allowed_principals.is_empty() {
            d.push(
                Diagnostic::new(Code::W110, format!("`expose.{key}` allows no principals: no other account can connect"))
                    .at(x.key_span, "no `allowed_principals`")
                    .help("list the accounts or roles of the consumers, such as `allowed_principals = [\"arn:aws:iam::444455556666:root\"]`"),
            );
        }
        for root in x
            .allowed_principals
            .iter()
            .filter(|p| p.value.ends_with(":root"))
        {
            d.push(
                Diagnostic::new(Code::I203, format!("`{}` lets every role and user of the account connect", root.value))
                    .at(root.span, "a whole account")
                    .help("when you know which role creates the endpoint, name it (`arn:aws:iam::<account>:role/<name>`)"),
            );
        }
        let mut principals: Vec<String> = x
            .allowed_principals
            .iter()
            .map(|p| p.value.clone())
            .collect();
        principals.sort();
        principals.dedup();
        out.push(Expose {
            key: key.clone(),
            name_tag: if key == name {
                name.clone()
            } else {
                format!("{name}-{key}")
            },
            ident,
            load_balancer,
            allowed_principals: principals,
            acceptance_required,
            private_dns_name: x.private_dns_name.as_ref().map(|p| p.value.clone()),
            spans: ExposeSpans {
                key: Some(x.key_span),
                principals: x.allowed_principals.iter().map(|p| p.span).collect(),
                principals_list: x.allowed_principals_span,
                private_dns_name: x.private_dns_name.as_ref().map(|p| p.span),
            },
        });
    }
    out
}

/// Elastic Load Balancing refuses tags outside
/// `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (EC2 takes any character but a
/// newline in a key): when the spec creates a load balancer, its target
/// group and listener carry the spec's tags, so each tag must fit.
fn elb_tags(spec: &Spec, d: &mut Diagnostics) {
    let Some((expose, _)) = spec
        .expose
        .iter()
        .find(|(_, x)| matches!(x.load_balancer.value, crate::spec::LoadBalancer::Create(_)))
    else {
        return;
    };
    let creator = spec.expose[expose].key_span;
    for (k, v) in &spec.tags {
        for (what, text, span) in [("key", &k.value, k.span), ("value", &v.value, v.span)] {
            let Some(c) = text.chars().find(|&c| !elb_tag_char(c)) else {
                continue;
            };
            d.push(
                Diagnostic::new(
                    Code::E010,
                    format!(
                        "tag {what} `{}` is not accepted by Elastic Load Balancing",
                        text.escape_debug()
                    ),
                )
                .at(span, format!("`{}` is not allowed in a load balancer's tags", c.escape_debug()))
                .also(creator, "creates a load balancer, a target group and a listener, which carry the spec's tags")
                .help("load balancers accept only letters, digits, spaces and `_ . : / = + - @` in tag keys and values; change the tag, or put it on an existing load balancer (`load_balancer = { input = \"...\" }`)"),
            );
        }
    }
}

fn elb_tag_char(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    c.is_ascii_alphanumeric()
        || matches!(c, ' ' | '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || (!c.is_ascii()
            && matches!(
                get_general_category(c),
                G::UppercaseLetter
                    | G::LowercaseLetter
                    | G::TitlecaseLetter
                    | G::ModifierLetter
                    | G::OtherLetter
                    | G::SpaceSeparator
                    | G::LineSeparator
                    | G::ParagraphSeparator
                    | G::DecimalNumber
                    | G::LetterNumber
                    | G::OtherNumber
            ))
}

/// `[connect.*]`: interface endpoints to other services, each with its own
/// security group admitting its ports from the VPC CIDR.
fn lower_connects(
    spec: &Spec,
    file: crate::source::FileId,
    sources: &SourceMap,
    cidr: Option<Value>,
    inputs: &mut Vec<Input>,
    d: &mut Diagnostics,
) -> Vec<Endpoint> {
    use crate::spec::ServiceRef;
    let name = &spec.name.value;
    let mut out = Vec::new();
    for (key, c) in &spec.connect {
        let ident = format!("connect_{}", ident_of(key));
        let mut reference = None;
        let service_name = match &c.service_name.value {
            ServiceRef::Literal(s) => ServiceName::Literal(s.value.clone()),
            ServiceRef::Input(i) => {
                add_input(
                    inputs,
                    &i.value,
                    InputKind::ServiceName,
                    &format!("Endpoint service name that {key} connects to"),
                    Some(i.span),
                );
                ServiceName::Input(i.value.clone())
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
                    Some(c.service_name.span),
                );
                let dir = sources.get(path.span.file).dir();
                reference = Some(Reference {
                    path: crate::source::resolve(dir, &path.value),
                    spec: path.clone(),
                    expose: expose.clone(),
                    span: c.service_name.span,
                    default_ports: c.ports.is_empty(),
                    az_ids_span: c.az_ids_span,
                });
                ServiceName::Input(input)
            }
        };
        let _ = file;
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
            ports.push(443);
        }
        ports.sort_unstable();
        ports.dedup();
        let cidr = cidr.clone().unwrap_or(Value::VpcCidr);
        out.push(Endpoint {
            key: format!("connect.{key}"),
            name_tag: format!("{name}-{key}"),
            kind: EndpointType::Interface,
            service_name,
            private_dns: Some(c.private_dns.as_ref().is_some_and(|p| p.value)),
            dns_options_all_resolvers: false,
            own_security_group: Some(connect_group(name, key, &ident, &ports, &cidr)),
            ports,
            policy: None,
            policy_source: None,
            reasons: vec![format!("connect.{key}")],
            reference,
            ident,
        });
    }
    out
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
            })
            .collect(),
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

/// The AWS name of a created NLB: at most 32 letters, digits and hyphens,
/// no hyphen at either end, never `internal-...`, the same on every run.
/// Long names keep a prefix and end in a hash of the whole, so two long
/// names that share a prefix stay distinct.
pub fn nlb_name(spec: &str, expose: &str) -> String {
    let full = if spec == expose {
        spec.to_string()
    } else {
        format!("{spec}-{expose}")
    };
    let full = if full.starts_with("internal-") {
        format!("nlb-{full}")
    } else {
        full
    };
    if full.len() <= 32 {
        return full;
    }
    let hash = short_hash(&format!("{spec}\0{expose}"));
    let keep = 32 - 1 - hash.len();
    let prefix = full[..keep].trim_end_matches('-');
    format!("{prefix}-{hash}")
}

/// Six base-36 characters of a stable (FNV-1a) hash.
pub fn short_hash(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    let mut out = String::new();
    for _ in 0..6 {
        out.push(char::from_digit((h % 36) as u32, 36).expect("digit < 36"));
        h /= 36;
    }
    out
}

/// Who would get each CloudFormation identifier: the endpoints of a spec
/// (by key, in order), then its connects. Built once per spec, so that
/// checking every custom key stays linear.
type Identifiers<'a> = std::collections::HashMap<String, Vec<(Option<&'a str>, String)>>;

fn identifiers<'a, T>(wanted: &'a BTreeMap<String, T>, spec: &Spec) -> Identifiers<'a> {
    let mut ids: Identifiers = std::collections::HashMap::new();
    for k in wanted.keys() {
        ids.entry(crate::render::pascal(&ident_of(k)))
            .or_default()
            .push((Some(k.as_str()), format!("`{k}`")));
    }
    for c in spec.connect.keys() {
        ids.entry(crate::render::pascal(&format!("connect_{}", ident_of(c))))
            .or_default()
            .push((None, format!("`[connect.{c}]`")));
    }
    ids
}

/// A `[service.<key>]` the catalog does not know names its endpoint's
/// resources, logical IDs and outputs, which cannot be escaped: the key must
/// be identifier-safe and must not give another endpoint's (or a connect's)
/// identifier in either target.
fn custom_key_problem(key: &str, ids: &Identifiers) -> Option<String> {
    let safe = key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    if !safe {
        return Some("name it with 1 to 64 lowercase letters, digits, `.`, `-` and `_`, starting with a letter, such as `example.orders`".into());
    }
    let id = crate::render::pascal(&ident_of(key));
    let clash = ids.get(&id).and_then(|owners| {
        owners
            .iter()
            .find(|(k, _)| *k != Some(key))
            .map(|(_, label)| label.clone())
    });
    clash.map(|other| {
        format!(
            "`{key}` and {other} would get the same identifier (`{}`, `{id}Endpoint`); rename one",
            ident_of(key)
        )
    })
}

/// Each value the spec sets and where it was written, in spec order.
fn origins(spec: &Spec, sources: &SourceMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut at = |key: String, span: Span| out.push((key, sources.location(span)));
    at("name".into(), spec.name.span);
    if let Some(r) = &spec.region {
        at("region".into(), r.span);
    }
    if let Some(a) = &spec.account {
        at("account".into(), a.span);
    }
    for (k, v) in &spec.tags {
        at(format!("tags.{}", k.value), v.span);
    }
    let vpc = &spec.vpc;
    for (key, span) in [
        ("vpc.id", vpc.id.as_ref().map(|v| v.span)),
        ("vpc.cidr", vpc.cidr.as_ref().map(|v| v.span)),
        ("vpc.subnets", vpc.subnets.as_ref().map(|v| v.span)),
        (
            "vpc.route_tables",
            vpc.route_tables.as_ref().map(|v| v.span),
        ),
        ("vpc.az_ids", vpc.az_ids_span),
        (
            "reach.private_dns",
            spec.reach.private_dns.as_ref().map(|v| v.span),
        ),
        (
            "reach.security_group",
            spec.reach.security_group.as_ref().map(|v| v.span),
        ),
        ("reach.policy", spec.reach.policy.as_ref().map(|v| v.span)),
    ] {
        if let Some(span) = span {
            at(key.into(), span);
        }
    }
    for w in &spec.reach.without {
        at(format!("reach.without {}", w.value), w.span);
    }
    for (k, s) in &spec.service {
        for (field, span) in [
            ("type", s.kind.as_ref().map(|v| v.span)),
            ("private_dns", s.private_dns.as_ref().map(|v| v.span)),
            ("policy", s.policy.as_ref().map(|v| v.span)),
            ("service_name", s.service_name.as_ref().map(|v| v.span)),
        ] {
            if let Some(span) = span {
                at(format!("service.{k}.{field}"), span);
            }
        }
    }
    for (k, x) in &spec.expose {
        at(format!("expose.{k}"), x.key_span);
    }
    for (k, c) in &spec.connect {
        at(format!("connect.{k}"), c.key_span);
    }
    out
}

fn type_word(t: EndpointType) -> &'static str {
    match t {
        EndpointType::Gateway => "gateway",
        EndpointType::Interface => "interface",
    }
}

/// `ecr.dkr` → `ecr_dkr`: an identifier in HCL, and the base of CloudFormation logical IDs.
pub fn ident_of(key: &str) -> String {
    let mut s: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

fn summarize(keys: &[&str]) -> String {
    match keys.len() {
        0 => "endpoints".into(),
        1..=3 => keys.join(", "),
        n => format!("{} and {} more", keys[..2].join(", "), n - 2),
    }
}

fn add_input(
    inputs: &mut Vec<Input>,
    name: &str,
    kind: InputKind,
    description: &str,
    span: Option<Span>,
) {
    inputs.push(Input {
        name: name.into(),
        kind,
        description: description.into(),
        span,
    });
}

/// One input per name, and names that stay distinct as CloudFormation
/// Parameters (PascalCase) and from the `VpcCidr` Parameter vpcegen adds.
fn dedupe_inputs(all: Vec<Input>, adds_vpc_cidr: bool, d: &mut Diagnostics) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    // Index in `out` by name and by CloudFormation Parameter name.
    let mut by_name: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut by_pascal: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for input in all {
        let pascal = crate::render::pascal(&input.name);
        if let Some(prev) = by_name.get(&input.name).map(|&i| &out[i]) {
            if prev.kind != input.kind {
                let mut diag = Diagnostic::new(
                    Code::E014,
                    format!("input `{}` is used for two different values", input.name),
                )
                .help("give each network value its own input name");
                if let Some(span) = input.span.or(prev.span) {
                    diag = diag.at(span, format!("used here as {}", kind_word(input.kind)));
                }
                if let (Some(a), Some(b)) = (prev.span, input.span) {
                    if a != b {
                        diag = diag.also(a, format!("and here as {}", kind_word(prev.kind)));
                    }
                }
                d.push(diag);
            }
            continue;
        }
        if let Some(prev) = by_pascal.get(&pascal).map(|&i| &out[i]) {
            let mut diag = Diagnostic::new(
                Code::E017,
                format!(
                    "inputs `{}` and `{}` would both be the CloudFormation Parameter `{pascal}`",
                    prev.name, input.name
                ),
            )
            .help("rename one of them");
            if let Some(span) = input.span.or(prev.span) {
                diag = diag.at(span, "clashes with another input");
            }
            d.push(diag);
            continue;
        }
        if adds_vpc_cidr && pascal == "VpcCidr" {
            let mut diag = Diagnostic::new(Code::E018, format!("input `{}` clashes with the `VpcCidr` Parameter vpcegen adds for the VPC's CIDR", input.name))
                .help("rename the input, or set `vpc.cidr`");
            if let Some(span) = input.span {
                diag = diag.at(span, "reserved name");
            }
            d.push(diag);
            continue;
        }
        by_name.insert(input.name.clone(), out.len());
        by_pascal.insert(pascal, out.len());
        out.push(input);
    }
    out
}

fn kind_word(k: InputKind) -> &'static str {
    match k {
        InputKind::VpcId => "a VPC ID",
        InputKind::VpcCidr => "a CIDR",
        InputKind::SubnetIds => "subnet IDs",
        InputKind::RouteTableIds => "route table IDs",
        InputKind::SecurityGroupIds => "security group IDs",
        InputKind::ServiceName => "an endpoint service name",
        InputKind::LoadBalancerArn => "a load balancer ARN",
    }
}

fn net_value(
    v: Option<&Sp<Net<Sp<String>>>>,
    default: &str,
    kind: InputKind,
    desc: &str,
    inputs: &mut Vec<Input>,
    span: &mut Option<Span>,
) -> Value {
    *span = v.map(|v| v.span);
    match v.map(|v| &v.value) {
        Some(Net::Literal(s)) => Value::Literal(s.value.clone()),
        Some(Net::Input(i)) => {
            add_input(inputs, &i.input.value, kind, desc, Some(i.input.span));
            Value::Input(i.input.value.clone())
        }
        Some(Net::Lookup(l)) => Value::Lookup(lookup(&l.tags)),
        None => {
            add_input(inputs, default, kind, desc, None);
            Value::Input(default.into())
        }
    }
}

fn net_list(
    v: Option<&Sp<Net<Vec<Sp<String>>>>>,
    default: &str,
    kind: InputKind,
    desc: &str,
    inputs: &mut Vec<Input>,
    span: &mut Option<Span>,
) -> Value {
    *span = v.map(|v| v.span);
    match v.map(|v| &v.value) {
        Some(Net::Literal(list)) => {
            Value::LiteralList(list.iter().map(|s| s.value.clone()).collect())
        }
        Some(Net::Input(i)) => {
            add_input(inputs, &i.input.value, kind, desc, Some(i.input.span));
            Value::Input(i.input.value.clone())
        }
        Some(Net::Lookup(l)) => Value::Lookup(lookup(&l.tags)),
        None => {
            add_input(inputs, default, kind, desc, None);
            Value::Input(default.into())
        }
    }
}

fn lookup(tags: &[(Sp<String>, Vec<Sp<String>>)]) -> Vec<(String, Vec<String>)> {
    tags.iter()
        .map(|(k, vs)| {
            (
                k.value.clone(),
                vs.iter().map(|v| v.value.clone()).collect(),
            )
        })
        .collect()
}

/// Reads a policy file (relative to the spec that names it) or builds the
/// organisation preset. Each file is read once per spec.
fn resolve_policy(
    p: &Sp<Policy>,
    sources: &SourceMap,
    d: &mut Diagnostics,
    cache: &mut BTreeMap<String, Option<Arc<serde_json::Value>>>,
) -> (Option<Arc<serde_json::Value>>, String) {
    match &p.value {
        Policy::AllowOrg { allow_org } => {
            let shown = format!("allow_org {}", allow_org.value);
            // Keyed apart from file paths, which cannot hold a NUL.
            let doc = cache
                .entry(format!("\0{shown}"))
                .or_insert_with(|| Some(Arc::new(org_policy(&allow_org.value))));
            (doc.clone(), shown)
        }
        Policy::File(path) => {
            let dir = sources.get(path.span.file).dir();
            let full = crate::source::resolve(dir, &path.value);
            let shown = crate::source::display_path(&full);
            if let Some(doc) = cache.get(&shown) {
                return (doc.clone(), shown);
            }
            let doc = read_policy_file(&full, &shown, path.span, d);
            if doc.as_ref().is_some_and(allows_everything) {
                d.push(
                    Diagnostic::new(Code::W202, format!("policy `{shown}` allows every action on every resource to every principal"))
                        .at(path.span, "a statement with `*` principal, action and resource, and no condition")
                        .note("that is AWS's default full-access policy written out: it restricts nothing, which a reviewer may not expect of a hand-written policy")
                        .help("narrow `Action` and `Resource`, or add a `Condition` such as `aws:PrincipalOrgID` (or use `{ allow_org = \"o-...\" }`)"),
                );
            }
            let doc = doc.map(Arc::new);
            cache.insert(shown.clone(), doc.clone());
            (doc, shown)
        }
    }
}

fn read_policy_file(
    full: &std::path::Path,
    shown: &str,
    span: Span,
    d: &mut Diagnostics,
) -> Option<serde_json::Value> {
    use crate::source::ReadError;
    let text = match crate::source::read_limited(full, MAX_POLICY_FILE_BYTES) {
        Ok(t) => t,
        Err(e @ ReadError::NotUtf8 { .. }) => {
            d.push(
                Diagnostic::new(
                    Code::E031,
                    format!("policy file `{shown}` is not UTF-8 text"),
                )
                .at(span, "named here")
                .note(format!("{shown}: {}", e.reason("policy files"))),
            );
            return None;
        }
        Err(e) => {
            d.push(
                Diagnostic::new(
                    Code::E030,
                    format!(
                        "cannot read policy file `{shown}`: {}",
                        e.reason("policy files")
                    ),
                )
                .at(span, "named here")
                .help("policy paths are relative to the spec file that names them"),
            );
            return None;
        }
    };
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            d.push(
                Diagnostic::new(Code::E031, format!("policy file `{shown}` is not valid JSON"))
                    .at(span, "named here")
                    .note(format!("{shown}:{}:{}: {e}", e.line(), e.column()))
                    .help("an endpoint policy is a JSON IAM policy document with `Version` and `Statement`"),
            );
            return None;
        }
    };
    if !doc.as_object().is_some_and(|o| o.contains_key("Statement")) {
        d.push(
            Diagnostic::new(
                Code::E031,
                format!("policy file `{shown}` is not a policy document"),
            )
            .at(span, "named here")
            .help("an endpoint policy is a JSON object with `Version` and `Statement`"),
        );
        return None;
    }
    let compact = serde_json::to_string(&doc)
        .map(|s| s.chars().count())
        .unwrap_or(0);
    if compact > MAX_POLICY_CHARS {
        d.push(policy_too_long(span, compact));
        return None;
    }
    Some(doc)
}

/// A statement that allows `*` to `*` on `*` with no condition.
fn allows_everything(doc: &serde_json::Value) -> bool {
    let star = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s == "*",
        serde_json::Value::Array(a) => a.iter().any(|x| x == "*"),
        serde_json::Value::Object(o) => o
            .get("AWS")
            .is_some_and(|x| x == "*" || x.as_array().is_some_and(|a| a.iter().any(|y| y == "*"))),
        _ => false,
    };
    let statements: Vec<&serde_json::Value> = match doc.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    statements.iter().any(|st| {
        st.get("Effect").is_some_and(|e| e == "Allow")
            && st.get("Principal").is_some_and(star)
            && st.get("Action").is_some_and(star)
            && st.get("Resource").is_some_and(star)
            && st.get("Condition").is_none()
    })
}

fn policy_too_long(span: Span, chars: usize) -> Diagnostic {
    Diagnostic::new(Code::E033, format!("endpoint policy is {chars} characters; AWS accepts at most {MAX_POLICY_CHARS}"))
        .at(span, "too long for an endpoint policy")
        .help("shorten the policy (wildcards in resources, fewer statements), or move the restriction to bucket or key policies")
}

/// The `allow_org` preset: everything, for principals of one organisation.
/// An Allow with a condition, never a Deny-only policy (which denies nothing
/// it does not name and allows nothing at all).
pub fn org_policy(org: &str) -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowOrganization",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": { "StringEquals": { "aws:PrincipalOrgID": org } }
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What AWS accepts as a load balancer or target group name.
    fn assert_valid_nlb_name(name: &str) {
        assert!(
            !name.is_empty() && name.len() <= 32,
            "`{name}` is {} characters",
            name.len()
        );
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "`{name}` has a character outside [a-z0-9-]"
        );
        assert!(
            !name.starts_with('-') && !name.ends_with('-'),
            "`{name}` starts or ends with a hyphen"
        );
        assert!(
            !name.starts_with("internal-"),
            "`{name}` starts with internal-"
        );
    }

    #[test]
    fn short_names_are_spec_and_expose() {
        assert_eq!(nlb_name("shop", "orders"), "shop-orders");
        assert_eq!(nlb_name("a", "b"), "a-b");
        // Exactly 32 characters: kept as is.
        let spec = "s".repeat(20);
        let expose = "e".repeat(11);
        assert_eq!(nlb_name(&spec, &expose), format!("{spec}-{expose}"));
        assert_eq!(nlb_name(&spec, &expose).len(), 32);
    }

    #[test]
    fn an_expose_named_like_its_spec_gives_the_spec_name() {
        assert_eq!(nlb_name("payments", "payments"), "payments");
        assert_eq!(nlb_name("service-b", "service-b"), "service-b");
    }

    #[test]
    fn names_never_start_with_internal() {
        assert_eq!(nlb_name("internal-foo", "api"), "nlb-internal-foo-api");
        assert_eq!(nlb_name("internal-foo", "internal-foo"), "nlb-internal-foo");
        for (spec, expose) in [
            ("internal-foo", "api"),
            ("internal-foo", "internal-foo"),
            ("internal", "api"),
            (
                "internal-settlement-platform-production",
                "reconciliation-api",
            ),
            (&"internal-x".repeat(6), &"y".repeat(32)),
        ] {
            assert_valid_nlb_name(&nlb_name(spec, expose));
        }
        // Only the `internal-` prefix is reserved.
        assert_eq!(nlb_name("internals", "api"), "internals-api");
    }

    #[test]
    fn long_names_are_shortened_to_valid_names() {
        let cases = [
            ("payments-platform-production", "settlement-api"),
            (&"a".repeat(63), &"b".repeat(32)),
            (&"a-".repeat(31)[..61], "x"),
            // A hyphen right where the prefix is cut.
            (&format!("{}-{}", "a".repeat(24), "b".repeat(20)), "c"),
            (&format!("{}-{}", "a".repeat(23), "b".repeat(20)), "c"),
            ("x", &"y".repeat(32)),
            (&"9".repeat(40), &"0".repeat(32)),
        ];
        for (spec, expose) in cases {
            let name = nlb_name(spec, expose);
            assert_valid_nlb_name(&name);
            assert!(name.len() > 20, "`{name}` keeps a useful prefix");
        }
    }

    #[test]
    fn names_are_stable() {
        let long = ("payments-platform-production", "settlement-reconciliation");
        assert_eq!(nlb_name(long.0, long.1), nlb_name(long.0, long.1));
        assert_eq!(short_hash("payments"), short_hash("payments"));
        // The hash is part of the output contract (renaming an NLB replaces
        // it), so it may never change between versions.
        assert_eq!(
            nlb_name(long.0, long.1),
            format!(
                "payments-platform-product-{}",
                short_hash("payments-platform-production\0settlement-reconciliation")
            )
        );
        assert_eq!(short_hash(""), "54xu4j");
    }

    #[test]
    fn long_names_sharing_a_prefix_stay_distinct() {
        let spec = "settlement-reconciliation-platform-prod"; // 39 characters
        let prefix40 = format!("{spec}-");
        let a = nlb_name(spec, "api-primary");
        let b = nlb_name(spec, "api-secondary");
        assert!(format!("{spec}-api-primary").starts_with(&prefix40));
        assert!(format!("{spec}-api-secondary").starts_with(&prefix40));
        assert_ne!(a, b);
        assert_valid_nlb_name(&a);
        assert_valid_nlb_name(&b);
        // Where the spec ends and the expose begins matters too.
        assert_ne!(
            nlb_name(&"a".repeat(40), &"b".repeat(10)),
            nlb_name(&"a".repeat(41), &"b".repeat(9))
        );
    }
}
