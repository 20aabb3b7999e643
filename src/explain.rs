//! `vpcegen explain`: what a build would create, for people. Every endpoint
//! with why it is there and where it lands, bundles expanded, exposes and
//! connects with their checks, and a monthly cost estimate beside what the
//! same traffic would cost through NAT gateways.

use crate::catalog::Catalog;
use crate::check;
use crate::model::{Endpoint, Expose, LoadBalancer, Model, Reason, ServiceName, Value};
use crate::spec::EndpointType;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

mod hub;
mod kinds;

pub use hub::{HubComparison, VpcCost, compare};

const PRICING_TOML: &str = include_str!("../data/pricing.toml");

#[derive(Debug, Deserialize, Serialize, Clone)]
pub struct Pricing {
    pub region: String,
    pub currency: String,
    pub hours_per_month: f64,
    pub interface_endpoint: InterfacePrices,
    pub gateway_endpoint: FlatPrices,
    pub nat_gateway: FlatPrices,
    pub gwlb_endpoint: FlatPrices,
    pub resource_endpoint: FlatPrices,
    pub service_network_endpoint: kinds::Unpriced,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
pub struct InterfacePrices {
    pub per_az_hour: f64,
    pub data_tiers: Vec<Tier>,
    pub source: String,
    pub date: String,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
pub struct Tier {
    pub up_to_gb: Option<f64>,
    pub per_gb: f64,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
pub struct FlatPrices {
    pub per_hour: f64,
    pub per_gb: f64,
    pub source: String,
    pub date: String,
}

impl Pricing {
    pub fn get() -> &'static Pricing {
        static P: OnceLock<Pricing> = OnceLock::new();
        P.get_or_init(|| {
            toml::from_str(PRICING_TOML).expect("the embedded price file is valid (tested)")
        })
    }

    /// Interface endpoint data processing for `gb` in a month, through the tiers.
    pub fn interface_data(&self, gb: f64) -> f64 {
        let mut left = gb;
        let mut floor = 0.0;
        let mut cost = 0.0;
        for t in &self.interface_endpoint.data_tiers {
            let width = t.up_to_gb.map_or(f64::INFINITY, |u| u - floor);
            let used = left.min(width);
            cost += used * t.per_gb;
            left -= used;
            floor = t.up_to_gb.unwrap_or(floor);
            if left <= 0.0 {
                break;
            }
        }
        cost
    }
}

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub specs: Vec<SpecView>,
    /// Each hub explained with its spokes, against every VPC on its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hubs: Vec<HubComparison>,
    pub prices: Pricing,
}

#[derive(Debug, Serialize)]
pub struct SpecView {
    pub name: String,
    pub source: String,
    pub region: Option<String>,
    pub vpc: String,
    pub subnets: Option<String>,
    pub route_tables: Option<String>,
    pub az_ids: Vec<String>,
    /// Each value the spec sets, with the `file:line` it comes from.
    pub origins: Vec<Origin>,
    /// How many AZs the interface endpoints are priced in.
    pub az_count: usize,
    /// True when neither `vpc.az_ids` nor literal subnets tell the count.
    pub az_count_assumed: bool,
    pub endpoints: Vec<EndpointView>,
    pub bundles: Vec<BundleView>,
    pub exposes: Vec<ExposeView>,
    pub connects: Vec<EndpointView>,
    pub cost: CostView,
}

#[derive(Debug, Serialize)]
pub struct Origin {
    pub value: String,
    pub from: String,
}

#[derive(Debug, Serialize)]
pub struct EndpointView {
    pub name: String,
    /// `gateway`, `interface`, `resource`, `service_network` or
    /// `gateway_load_balancer`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub service_name: String,
    /// The service's Region, for a cross-Region endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_region: Option<String>,
    pub private_dns: Option<bool>,
    /// `dualstack` or `ipv6`; IPv4 (the default) is not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<&'static str>,
    pub policy: Option<String>,
    pub ports: Vec<u16>,
    pub lands_in: String,
    pub why: Vec<String>,
    pub checks: Vec<String>,
    pub monthly: f64,
    pub cost: String,
}

#[derive(Debug, Serialize)]
pub struct BundleView {
    pub name: String,
    pub services: Vec<String>,
    pub optional: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ExposeView {
    pub name: String,
    pub load_balancer: String,
    pub allowed_principals: Vec<String>,
    pub acceptance_required: bool,
    pub private_dns_name: Option<String>,
    /// Address families consumers connect over, when not IPv4 alone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ip_address_types: Vec<&'static str>,
    /// Regions whose consumers may connect, the home Region first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    pub checks: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CostView {
    pub interface_endpoints: usize,
    /// Gateway Load Balancer endpoints (one per subnet).
    #[serde(skip_serializing_if = "kinds::is_zero")]
    pub gwlb_endpoints: usize,
    /// VPC Lattice resource and service-network endpoints.
    #[serde(skip_serializing_if = "kinds::is_zero")]
    pub lattice_endpoints: usize,
    pub gateway_endpoints: usize,
    pub endpoints_monthly: f64,
    pub data_gb: Option<f64>,
    pub data_monthly: f64,
    pub total_monthly: f64,
    pub nat_gateways: usize,
    pub nat_hours_monthly: f64,
    pub nat_data_monthly: f64,
    pub nat_total_monthly: f64,
}

fn describe(v: &Value) -> String {
    match v {
        Value::Literal(x) => x.clone(),
        Value::LiteralList(xs) => xs.join(", "),
        Value::Input(name) => format!("input `{name}`"),
        Value::Lookup(tags) => {
            let t: Vec<String> = tags
                .iter()
                .map(|(k, vs)| format!("{k}={}", vs.join("|")))
                .collect();
            format!("tag lookup {}", t.join(", "))
        }
        Value::VpcCidr => "the VPC's CIDR".into(),
    }
}

/// Cents, so JSON shows 109.5 and not 109.50000000000001.
fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn money(x: f64) -> String {
    format!("${x:.2}")
}

fn service_name(s: &ServiceName) -> String {
    match s {
        ServiceName::Literal(n) => n.clone(),
        ServiceName::Regional(p) => p.replace("{region}", "<region>"),
        ServiceName::Input(i) => format!("input `{i}`"),
    }
}

/// Builds the explanation of `built` (the specs named) with `all` (those
/// and the specs they reference) for the pair checks.
pub fn explain(built: &[Model], all: &[&Model], gb_per_month: Option<f64>) -> Explanation {
    let p = Pricing::get();
    let pairs = Pairs::new(all);
    let specs: Vec<SpecView> = built
        .iter()
        .map(|m| spec_view(m, &pairs, gb_per_month, p))
        .collect();
    Explanation {
        hubs: hub::comparisons(built, &specs, p),
        specs,
        prices: p.clone(),
    }
}

/// How many AZs a spec's interface endpoints are priced in: its AZ IDs,
/// else its literal subnets, else two (assumed, and said so).
fn az_count(m: &Model) -> (usize, bool) {
    if !m.az_ids.is_empty() {
        return (m.az_ids.len(), false);
    }
    match &m.subnets {
        Some(Value::LiteralList(xs)) => (xs.len(), false),
        _ => (2, true),
    }
}

/// One spec: its network, endpoints, bundles, exposes, connects and cost.
fn spec_view(m: &Model, pairs: &Pairs, gb_per_month: Option<f64>, p: &Pricing) -> SpecView {
    let (az_count, az_count_assumed) = az_count(m);
    let per_endpoint = az_count as f64 * p.hours_per_month * p.interface_endpoint.per_az_hour;
    let view = |e: &Endpoint, checks| endpoint_view(m, e, checks, az_count, per_endpoint, p);
    let endpoints: Vec<EndpointView> = m.endpoints.iter().map(|e| view(e, Vec::new())).collect();
    let mut connects: Vec<EndpointView> = m
        .connects
        .iter()
        .map(|c| view(c, connect_checks(m, c, pairs)))
        .collect();
    connects.extend(kinds::gwlb_views(m, az_count, p));
    SpecView {
        name: m.name.clone(),
        source: m.spans.shown.clone(),
        region: m.region.clone(),
        vpc: describe(&m.vpc_id),
        subnets: m.subnets.as_ref().map(describe),
        route_tables: m.route_tables.as_ref().map(describe),
        az_ids: m.az_ids.clone(),
        origins: m
            .origins
            .iter()
            .map(|(value, from)| Origin {
                value: value.clone(),
                from: from.clone(),
            })
            .collect(),
        az_count,
        az_count_assumed,
        endpoints,
        bundles: bundle_views(m),
        exposes: expose_views(m, pairs),
        connects,
        cost: cost_view(m, az_count, per_endpoint, gb_per_month, p),
    }
}

/// An endpoint or connect: what it reaches, where it lands, why, its cost.
fn endpoint_view(
    m: &Model,
    e: &Endpoint,
    checks: Vec<String>,
    az_count: usize,
    per_endpoint: f64,
    p: &Pricing,
) -> EndpointView {
    let interface = e.kind == EndpointType::Interface;
    let azs = if m.az_ids.is_empty() {
        format!("{az_count} AZs")
    } else {
        m.az_ids.join(", ")
    };
    let mut view = EndpointView {
        name: e.key.to_string(),
        kind: kinds::kind_name(e),
        service_name: service_name(&e.service_name),
        service_region: e.service_region.clone(),
        private_dns: e.private_dns,
        ip_address_type: (!e.ip_address_type.is_default()).then(|| e.ip_address_type.as_str()),
        policy: e.policy_source.clone(),
        ports: e.ports.clone(),
        lands_in: if interface {
            format!(
                "one network interface per subnet ({}) in {azs}",
                m.subnets.as_ref().map(describe).unwrap_or_default()
            )
        } else {
            format!(
                "routes in {}",
                m.route_tables.as_ref().map(describe).unwrap_or_default()
            )
        },
        why: e.reasons.iter().map(Reason::to_string).collect(),
        checks,
        monthly: if interface { cents(per_endpoint) } else { 0.0 },
        cost: if interface {
            format!(
                "{az_count} AZ × {} h × ${} = {}{}",
                p.hours_per_month,
                p.interface_endpoint.per_az_hour,
                money(per_endpoint),
                if e.service_region.is_some() {
                    " + inter-Region data transfer"
                } else {
                    ""
                }
            )
        } else {
            "free (gateway endpoint)".into()
        },
    };
    if let Some(kind) = e.lattice {
        (view.monthly, view.cost) = kinds::lattice_cost(kind, p);
    }
    view
}

/// The bundles that brought services in, from the catalog.
fn bundle_views(m: &Model) -> Vec<BundleView> {
    let catalog = Catalog::get();
    bundle_names(m.endpoints.iter().flat_map(|e| &e.reasons))
        .iter()
        .filter_map(|b| catalog.bundle(b))
        .map(|b| BundleView {
            name: b.name.to_string(),
            services: b.services.iter().map(|s| s.to_string()).collect(),
            optional: b.optional.iter().map(|s| s.to_string()).collect(),
            reason: b.reason.to_string(),
        })
        .collect()
}

/// Each expose: its NLB, principals and the checks of its pairs.
fn expose_views(m: &Model, pairs: &Pairs) -> Vec<ExposeView> {
    let provider_id = check::identity(&m.spans.path);
    m.exposes
        .iter()
        .map(|x| ExposeView {
            name: x.key.clone(),
            load_balancer: match &x.load_balancer {
                LoadBalancer::Create {
                    name,
                    port,
                    target_port,
                    target_type,
                    deletion_protection,
                    dualstack,
                    security_group,
                } => format!(
                    "new internal {}NLB `{name}`: TCP {port} → {} targets on port {target_port}; its security group admits {} (on PrivateLink traffic too); deletion protection {}",
                    if *dualstack { "dualstack " } else { "" },
                    target_type.name(),
                    security_group
                        .rules
                        .iter()
                        .map(|r| describe(&r.cidr))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if *deletion_protection { "on" } else { "off" }
                ),
                LoadBalancer::Existing(v) if x.gateway => {
                    format!("existing Gateway Load Balancer {}", describe(v))
                }
                LoadBalancer::Existing(v) => format!("existing NLB {}", describe(v)),
            },
            allowed_principals: x.allowed_principals.iter().map(|p| p.to_string()).collect(),
            acceptance_required: x.acceptance_required,
            private_dns_name: x.private_dns_name.clone(),
            ip_address_types: if x.writes_ip_address_types() {
                x.ip_address_types.iter().map(|t| t.as_str()).collect()
            } else {
                Vec::new()
            },
            regions: x.supported_regions.clone(),
            checks: expose_checks(m, &provider_id, x, pairs),
        })
        .collect()
}

/// The monthly cost of the endpoints, and of the same through NAT gateways.
fn cost_view(
    m: &Model,
    az_count: usize,
    per_endpoint: f64,
    gb_per_month: Option<f64>,
    p: &Pricing,
) -> CostView {
    let interfaces = m
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointType::Interface)
        .count();
    let lattice = m.connects.iter().filter(|c| c.lattice.is_some()).count();
    let interface_count = interfaces + m.connects.len() - lattice;
    let gwlb = kinds::gwlb_count(m, az_count);
    let endpoints_monthly = interface_count as f64 * per_endpoint
        + gwlb as f64 * p.hours_per_month * p.gwlb_endpoint.per_hour;
    let data_monthly = gb_per_month.map_or(0.0, |gb| p.interface_data(gb));
    let nat_hours_monthly = az_count as f64 * p.hours_per_month * p.nat_gateway.per_hour;
    let nat_data_monthly = gb_per_month.map_or(0.0, |gb| gb * p.nat_gateway.per_gb);
    CostView {
        gwlb_endpoints: gwlb,
        lattice_endpoints: lattice,
        interface_endpoints: interface_count,
        gateway_endpoints: m.endpoints.len() - interfaces,
        endpoints_monthly: cents(endpoints_monthly),
        data_gb: gb_per_month,
        data_monthly: cents(data_monthly),
        total_monthly: cents(endpoints_monthly + data_monthly),
        nat_gateways: az_count,
        nat_hours_monthly: cents(nat_hours_monthly),
        nat_data_monthly: cents(nat_data_monthly),
        nat_total_monthly: cents(nat_hours_monthly + nat_data_monthly),
    }
}

/// The bundles that brought in any of `reasons`, by name, sorted, once each.
fn bundle_names<'a>(reasons: impl Iterator<Item = &'a Reason>) -> Vec<&'a str> {
    let mut names: Vec<&str> = reasons
        .filter_map(|r| match r {
            Reason::Bundle { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The specs given, their exposes, and who connects to each, indexed once
/// so that every connect and expose finds its other side without a search.
struct Pairs<'a> {
    /// Each spec with its exposes by key, by its file's identity; the
    /// first of a file wins.
    specs: HashMap<PathBuf, (&'a Model, HashMap<&'a str, &'a Expose>)>,
    /// The consumers of each expose (spec identity, then key), once per
    /// connect, in the order the specs and their connects are given.
    consumers: HashMap<PathBuf, HashMap<&'a str, Vec<&'a Model>>>,
}

impl<'a> Pairs<'a> {
    fn new(all: &[&'a Model]) -> Self {
        let mut pairs = Pairs {
            specs: HashMap::new(),
            consumers: HashMap::new(),
        };
        for &m in all {
            let id = check::identity(&m.spans.path);
            pairs.specs.entry(id).or_insert_with(|| {
                let by_key = m.exposes.iter().map(|x| (x.key.as_str(), x));
                (m, by_key.collect())
            });
        }
        for &m in all {
            for r in m.connects.iter().filter_map(|c| c.reference.as_ref()) {
                pairs
                    .consumers
                    .entry(check::identity(&r.path))
                    .or_default()
                    .entry(r.expose.value.as_str())
                    .or_default()
                    .push(m);
            }
        }
        pairs
    }
}

fn connect_checks(m: &Model, c: &Endpoint, pairs: &Pairs) -> Vec<String> {
    let Some(r) = &c.reference else {
        if c.lattice.is_some() {
            return vec![
                "VPC Lattice ARN given directly: no provider spec to check against".into(),
            ];
        }
        return vec!["service name given directly: no provider spec to check against".into()];
    };
    let Some((p, exposes)) = pairs.specs.get(&check::identity(&r.path)) else {
        return vec![format!("provider spec {} not loaded", r.spec.value)];
    };
    let Some(x) = exposes.get(r.expose.value.as_str()) else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "provider: `{}` of {} ({})",
        x.key, p.name, p.spans.shown
    )];
    out.push(match &m.account {
        Some(a) if x.allowed_principals.iter().any(|pr| pr.covers(a)) => {
            format!("account {a} is an allowed principal")
        }
        Some(a) => format!("account {a} is NOT an allowed principal"),
        None => "account not set: principal check skipped".into(),
    });
    out.push(pair_az_line(m, p));
    out
}

/// One line per connect to `x` of `provider` (whose file is `provider_id`).
fn expose_checks(
    provider: &Model,
    provider_id: &std::path::Path,
    x: &Expose,
    pairs: &Pairs,
) -> Vec<String> {
    let consumers = pairs
        .consumers
        .get(provider_id)
        .and_then(|by_key| by_key.get(x.key.as_str()));
    let mut out = Vec::new();
    for m in consumers.into_iter().flatten() {
        let principal = match &m.account {
            Some(a) if x.allowed_principals.iter().any(|p| p.covers(a)) => {
                format!("account {a} allowed")
            }
            Some(a) => format!("account {a} NOT allowed"),
            None => "account not set".into(),
        };
        out.push(format!(
            "consumer {} ({}): {principal}; {}",
            m.name,
            m.spans.shown,
            pair_az_line(m, provider)
        ));
    }
    if out.is_empty() {
        out.push("no consumer among the specs given".into());
    }
    out
}

/// The AZ line of a consumer and its provider: AZ IDs only compare within
/// one Region.
fn pair_az_line(consumer: &Model, provider: &Model) -> String {
    match (&consumer.region, &provider.region) {
        (Some(a), Some(b)) if a != b => format!("across Regions ({a} to {b}): AZ check skipped"),
        _ => az_line(&consumer.az_ids, &provider.az_ids),
    }
}

fn az_line(consumer: &[String], service: &[String]) -> String {
    if consumer.is_empty() || service.is_empty() {
        return "AZ IDs not given on both sides: AZ check skipped".into();
    }
    let offered: std::collections::HashSet<&str> = service.iter().map(String::as_str).collect();
    let shared: Vec<&str> = consumer
        .iter()
        .map(String::as_str)
        .filter(|a| offered.contains(a))
        .collect();
    let missing: Vec<&str> = consumer
        .iter()
        .map(String::as_str)
        .filter(|a| !offered.contains(a))
        .collect();
    match (shared.is_empty(), missing.is_empty()) {
        (true, _) => format!(
            "no shared AZ (consumer {}, service {})",
            consumer.join(", "),
            service.join(", ")
        ),
        (false, true) => format!("AZs shared: {}", shared.join(", ")),
        (false, false) => format!(
            "AZs shared: {}; not served: {}",
            shared.join(", "),
            missing.join(", ")
        ),
    }
}

/// The explanation as text for a terminal.
pub fn render_text(e: &Explanation) -> String {
    let p = &e.prices;
    let mut out = String::new();
    for (i, s) in e.specs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_network(&mut out, s);
        write_endpoints_and_bundles(&mut out, s);
        write_exposes(&mut out, s);
        write_connects(&mut out, s);
        write_origins(&mut out, s);
        write_cost(&mut out, s, p);
    }
    for c in &e.hubs {
        hub::write(&mut out, c, p);
    }
    let _ = writeln!(
        out,
        "\nprices: {} (interface endpoints: {}, {}; NAT gateway: {}, {})",
        p.region,
        p.interface_endpoint.source,
        p.interface_endpoint.date,
        p.nat_gateway.source,
        p.nat_gateway.date
    );
    kinds::write_prices(&mut out, e);
    out
}

/// The spec's name, Region and network.
fn write_network(out: &mut String, s: &SpecView) {
    let _ = writeln!(out, "{} ({})", s.name, s.source);
    let _ = writeln!(
        out,
        "  region: {}",
        s.region
            .as_deref()
            .unwrap_or("any (service names are resolved at deploy time)")
    );
    let _ = writeln!(out, "  VPC: {}", s.vpc);
    if let Some(sub) = &s.subnets {
        let _ = writeln!(out, "  subnets: {sub}");
    }
    if let Some(rt) = &s.route_tables {
        let _ = writeln!(out, "  route tables: {rt}");
    }
    let azs = if s.az_ids.is_empty() {
        if s.az_count_assumed {
            format!("not given (priced as {} AZs; set vpc.az_ids)", s.az_count)
        } else {
            format!("not given ({} subnets)", s.az_count)
        }
    } else {
        s.az_ids.join(", ")
    };
    let _ = writeln!(out, "  AZ IDs: {azs}");
}

/// What the spec reaches, and the bundles that brought services in.
fn write_endpoints_and_bundles(out: &mut String, s: &SpecView) {
    if !s.endpoints.is_empty() {
        let _ = writeln!(out, "\n  endpoints ({}):", s.endpoints.len());
        for ep in &s.endpoints {
            write_endpoint(out, ep);
        }
    }
    if !s.bundles.is_empty() {
        let _ = writeln!(out, "\n  bundles:");
        for b in &s.bundles {
            let _ = writeln!(out, "    {} = {}", b.name, b.services.join(" + "));
            let _ = writeln!(out, "      {}", b.reason);
            if !b.optional.is_empty() {
                let _ = writeln!(out, "      often added: {}", b.optional.join(", "));
            }
        }
    }
}

/// Each expose: its NLB, who may connect, the checks of its pairs.
fn write_exposes(out: &mut String, s: &SpecView) {
    if !s.exposes.is_empty() {
        let _ = writeln!(out, "\n  exposes:");
        for x in &s.exposes {
            let _ = writeln!(out, "    {}: {}", x.name, x.load_balancer);
            let _ = writeln!(
                out,
                "      principals: {}; acceptance {}",
                if x.allowed_principals.is_empty() {
                    "none".into()
                } else {
                    x.allowed_principals.join(", ")
                },
                if x.acceptance_required {
                    "required"
                } else {
                    "automatic"
                }
            );
            if let Some(n) = &x.private_dns_name {
                let _ = writeln!(
                    out,
                    "      private DNS name: {n} (verify the domain with the TXT record in the outputs)"
                );
            }
            if !x.ip_address_types.is_empty() {
                let _ = writeln!(
                    out,
                    "      consumers connect over: {}",
                    x.ip_address_types.join(", ")
                );
            }
            if !x.regions.is_empty() {
                let _ = writeln!(
                    out,
                    "      consumers may connect from: {} (cross-Region: inter-Region data transfer is charged)",
                    x.regions.join(", ")
                );
            }
            for c in &x.checks {
                let _ = writeln!(out, "      check: {c}");
            }
        }
    }
}

/// Each connect, with the checks of its pair.
fn write_connects(out: &mut String, s: &SpecView) {
    if !s.connects.is_empty() {
        let _ = writeln!(out, "\n  connects:");
        for c in &s.connects {
            write_endpoint(out, c);
            for ch in &c.checks {
                let _ = writeln!(out, "      check: {ch}");
            }
        }
    }
}

/// Where each value was written, when a baseline set any.
fn write_origins(out: &mut String, s: &SpecView) {
    if s.origins
        .iter()
        .any(|o| !o.from.starts_with(&format!("{}:", s.source)))
    {
        // Only worth a section when a baseline set something.
        let _ = writeln!(out, "\n  where each value comes from:");
        let w = s
            .origins
            .iter()
            .map(|o| o.value.chars().count())
            .max()
            .unwrap_or(0);
        for o in &s.origins {
            let _ = writeln!(out, "    {:<w$}  {}", o.value, o.from);
        }
    }
}

/// The monthly cost, against the same traffic through NAT gateways.
fn write_cost(out: &mut String, s: &SpecView, p: &Pricing) {
    let _ = writeln!(
        out,
        "\n  monthly cost estimate ({} list prices in {}, {} h a month):",
        p.region, p.currency, p.hours_per_month
    );
    let width = s
        .endpoints
        .iter()
        .chain(&s.connects)
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0);
    for ep in s.endpoints.iter().chain(&s.connects) {
        let _ = writeln!(out, "    {:<width$}  {}", ep.name, ep.cost);
    }
    let c = &s.cost;
    let _ = writeln!(
        out,
        "    endpoints: {} a month ({} interface, {} gateway{})",
        money(c.endpoints_monthly),
        c.interface_endpoints,
        c.gateway_endpoints,
        kinds::more_counts(c)
    );
    match c.data_gb {
        Some(gb) => {
            let _ = writeln!(
                out,
                "    data processed: {gb} GB → {} (tiered from ${}/GB)",
                money(c.data_monthly),
                p.interface_endpoint.data_tiers[0].per_gb
            );
            let _ = writeln!(out, "    total: {} a month", money(c.total_monthly));
        }
        None => {
            let _ = writeln!(
                out,
                "    data processed: ${}/GB on top (give --gb-per-month for a figure)",
                p.interface_endpoint.data_tiers[0].per_gb
            );
        }
    }
    kinds::write_data_notes(out, c, p);
    let _ = write!(
        out,
        "    the same through NAT gateways: {} × {} h × ${} = {}",
        c.nat_gateways,
        p.hours_per_month,
        p.nat_gateway.per_hour,
        money(c.nat_hours_monthly)
    );
    match c.data_gb {
        Some(gb) => {
            let _ = writeln!(
                out,
                " + {gb} GB × ${} = {} a month",
                p.nat_gateway.per_gb,
                money(c.nat_total_monthly)
            );
        }
        None => {
            let _ = writeln!(out, " a month + ${}/GB", p.nat_gateway.per_gb);
        }
    }
}

fn write_endpoint(out: &mut String, ep: &EndpointView) {
    let kind = ep.kind.replace('_', " ");
    let _ = writeln!(out, "    {} ({kind}): {}", ep.name, ep.service_name);
    let mut facts = vec![ep.lands_in.clone()];
    if let Some(region) = &ep.service_region {
        facts.push(format!(
            "service in {region} (cross-Region: no premium, but inter-Region data transfer is charged)"
        ));
    }
    if let Some(dns) = ep.private_dns {
        facts.push(format!("private DNS {}", if dns { "on" } else { "off" }));
    }
    if let Some(t) = ep.ip_address_type {
        facts.push(format!("addresses: {t} (DNS records {t})"));
    }
    if !ep.ports.is_empty() {
        facts.push(format!(
            "TCP {}",
            ep.ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(pol) = &ep.policy {
        facts.push(format!("policy: {pol}"));
    }
    let _ = writeln!(out, "      {}", facts.join("; "));
    if !ep.why.is_empty() {
        let _ = writeln!(out, "      why: {}", ep.why.join("; "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_are_read_from_typed_reasons_sorted_and_once_each() {
        let at = || "spec.toml:4".to_string();
        let reasons = [
            Reason::Bundle {
                name: "ecr".into(),
                at: at(),
            },
            // Text that looks like a bundle is not one: only the variant counts.
            Reason::Listed {
                at: "bundle `fake` (x.toml:1)".into(),
            },
            Reason::Connect {
                key: "bundle `fake2`".into(),
            },
            Reason::Bundle {
                name: "ssm".into(),
                at: at(),
            },
            Reason::Bundle {
                name: "ecr".into(),
                at: "base.toml:9".into(),
            },
        ];
        assert_eq!(bundle_names(reasons.iter()), ["ecr", "ssm"]);
    }

    /// A cross-Region endpoint names its service Region and the
    /// inter-Region data transfer charge, in the text and the JSON.
    #[test]
    fn a_cross_region_endpoint_shows_its_region_and_the_transfer_charge() {
        let m = crate::model::testing::model(
            "version = 1\nname = \"a\"\nregion = \"eu-west-1\"\n[reach]\nservices = [\"kms\", \"sqs\"]\n[service.kms]\nregion = \"us-east-1\"\n",
        );
        let e = explain(std::slice::from_ref(&m), &[&m], None);
        let kms = &e.specs[0].endpoints[0];
        assert_eq!(kms.service_region.as_deref(), Some("us-east-1"));
        assert!(kms.cost.ends_with("+ inter-Region data transfer"));
        assert!(e.specs[0].endpoints[1].service_region.is_none(), "sqs");
        let text = render_text(&e);
        assert!(
            text.contains("service in us-east-1 (cross-Region"),
            "{text}"
        );
    }

    /// Across Regions the AZ IDs are not compared; an expose lists the
    /// Regions its consumers may connect from.
    #[test]
    fn across_regions_no_az_comparison_and_the_regions_are_shown() {
        let spec = |region: &str, rest: &str| {
            crate::model::testing::model(&format!(
                "version = 1\nname = \"a\"\nregion = \"{region}\"\n[vpc]\naz_ids = [\"use1-az1\"]\n{rest}"
            ))
        };
        let provider = spec(
            "eu-west-1",
            "[expose.api]\nload_balancer = { port = 443 }\nallowed_principals = [\"*\"]\nacceptance_required = true\nregions = [\"us-east-1\"]\n",
        );
        let consumer = spec("us-east-1", "");
        assert_eq!(
            pair_az_line(&consumer, &provider),
            "across Regions (us-east-1 to eu-west-1): AZ check skipped"
        );
        assert_eq!(pair_az_line(&consumer, &consumer), "AZs shared: use1-az1");
        let e = explain(std::slice::from_ref(&provider), &[&provider], None);
        assert_eq!(e.specs[0].exposes[0].regions, ["eu-west-1", "us-east-1"]);
        assert!(render_text(&e).contains("consumers may connect from: eu-west-1, us-east-1"));
    }
}
