//! The link stage: checks across specs built together (references from
//! `connect` to another spec's `expose`, the pairs they form: principals
//! and AZs; names that must be unique in one build), and the table of
//! cross-spec facts they resolve, [`Links`], which the plan passes read.
//! Nothing here changes a model: each spec is planned after the link,
//! from its spec and this table.

use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::model::{self, LoadBalancer, Model, Reference};
use crate::source::{FileId, SourceMap, Span};
use crate::spec::{AccountId, Principal};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

mod cross_region;
pub mod share;

/// How a spec's file is recognised when another spec names it.
pub fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| crate::source::normalize(path))
}

/// Cross-spec facts, resolved once by [`link`] and only read afterwards:
/// planning a spec needs them, and nothing else from other specs.
#[derive(Debug, Default)]
pub struct Links {
    /// The provider's listener port, for each connect (by its spec's file
    /// and key) that names another spec's expose without giving ports.
    listener_ports: HashMap<(FileId, String), u16>,
    /// Created NLB names that more than one spec of this build would get.
    colliding_nlb_names: HashSet<String>,
    /// The provider's Region, for each connect (by its spec's file and
    /// key) to another spec's expose in another Region.
    service_regions: HashMap<(FileId, String), String>,
    /// Each spoke's hub (by the spoke's file).
    hubs: HashMap<FileId, share::HubLink>,
    /// The spokes built with each hub (by the hub's file), and their
    /// literal CIDRs.
    spokes: HashMap<FileId, Vec<model::SpokeVpc>>,
    spoke_cidrs: HashMap<FileId, Vec<String>>,
}

impl Links {
    /// The port a connect reaches when the spec gives none, if the
    /// provider's expose decides it.
    pub fn listener_port(&self, file: FileId, connect: &str) -> Option<u16> {
        // One lookup per connect; a borrowed key would need a custom type.
        self.listener_ports
            .get(&(file, connect.to_string()))
            .copied()
    }

    /// The Region of the service a connect reaches, when the provider spec
    /// built with it is in another Region.
    pub fn service_region(&self, file: FileId, connect: &str) -> Option<String> {
        self.service_regions
            .get(&(file, connect.to_string()))
            .cloned()
    }

    /// Whether another spec of this build would create an NLB of this name.
    pub fn nlb_name_collides(&self, name: &str) -> bool {
        self.colliding_nlb_names.contains(name)
    }

    /// Whether planning the spec of these facts reads anything from this
    /// table, so that its model from before the link would differ.
    pub fn changes(&self, f: &Facts) -> bool {
        self.hubs.contains_key(&f.file)
            || self.spokes.contains_key(&f.file)
            || f.connects.iter().any(|(c, _)| {
                let k = (f.file, c.clone());
                self.listener_ports.contains_key(&k) || self.service_regions.contains_key(&k)
            })
            || f.exposes.iter().any(|x| {
                x.created
                    .as_ref()
                    .is_some_and(|(_, name)| self.nlb_name_collides(name))
            })
    }
}

/// What [`link`] needs to know of one checked spec: a few names, spans and
/// numbers, so that the models themselves need not be kept until the link.
#[derive(Debug)]
pub struct Facts {
    pub file: FileId,
    identity: PathBuf,
    /// The spec's path as the user gave it.
    pub shown: String,
    name: String,
    account: Option<(AccountId, Span)>,
    /// The spec's `region` and where it was written.
    region: Option<(String, Option<Span>)>,
    az_ids: Vec<String>,
    az_ids_span: Option<Span>,
    exposes: Vec<ExposeFacts>,
    /// `[connect.<key>]` sections that name another spec's expose.
    connects: Vec<(String, Reference)>,
    /// Interface, gateway and connect endpoints, for `validate`'s summary.
    pub endpoints: usize,
    /// `[share]`: what this hub serves.
    share: Option<share::ShareFacts>,
    /// `reach.via`, and the VPC's literal CIDR and ID.
    sharing: model::SharingFacts,
    /// The services this spec reaches through interface endpoints.
    interface_services: Vec<String>,
    /// Keys the spec wrote but that failed to read (reported then): not
    /// reported again here as missing.
    unread: crate::spec::Unread,
    /// The spec writes `[share]`, whether or not its hub could be planned.
    declares_share: bool,
}

#[derive(Debug)]
struct ExposeFacts {
    key: String,
    /// A created NLB's listener port and name.
    created: Option<(u16, String)>,
    principals: Vec<Principal>,
    principals_span: Option<Span>,
    /// `regions`, the home Region included; where they were written.
    regions: Vec<String>,
    regions_span: Option<Span>,
    /// In front of a Gateway Load Balancer: no interface endpoint reaches it.
    gateway: bool,
}

impl Facts {
    /// The facts of a model lowered before the link.
    pub fn of(m: &Model, file: FileId, sources: &SourceMap, spec: &crate::spec::Spec) -> Facts {
        Facts {
            file,
            identity: sources.get(file).identity().to_path_buf(),
            shown: m.spans.shown.clone(),
            name: m.name.clone(),
            account: m.account.clone().zip(m.spans.account),
            region: m.region.clone().map(|r| (r, m.spans.region)),
            az_ids: m.az_ids.clone(),
            az_ids_span: m.spans.az_ids,
            exposes: m.exposes.iter().map(ExposeFacts::of).collect(),
            connects: m
                .connects
                .iter()
                .map(|c| (&c.ident, &c.reference))
                .chain(m.gwlb_endpoints.iter().map(|g| (&g.ident, &g.reference)))
                .filter_map(|(ident, r)| Some((ident.clone(), r.clone()?)))
                .collect(),
            endpoints: m.endpoints.len() + m.connects.len(),
            share: m.hub.as_ref().map(|h| share::ShareFacts {
                dns: h.dns,
                services: h.services.clone(),
                zones: h
                    .zones
                    .iter()
                    .map(|z| (z.ident.clone(), z.name.clone()))
                    .collect(),
                span: h.span,
            }),
            sharing: m.sharing.clone(),
            interface_services: m
                .endpoints
                .iter()
                .filter(|e| e.kind == crate::spec::EndpointType::Interface)
                .map(|e| e.key.name().to_string())
                .collect(),
            unread: spec.unread.clone(),
            declares_share: spec.share.is_some() || spec.unread.has("share"),
        }
    }
}

impl ExposeFacts {
    fn of(x: &model::Expose) -> ExposeFacts {
        ExposeFacts {
            key: x.key.clone(),
            created: match &x.load_balancer {
                LoadBalancer::Create { port, name, .. } => Some((*port, name.clone())),
                LoadBalancer::Existing(_) => None,
            },
            principals: x.allowed_principals.clone(),
            principals_span: x.spans.principals_list.or(x.spans.key),
            regions: x.supported_regions.clone(),
            regions_span: x.spans.regions.or(x.spans.key),
            gateway: x.gateway,
        }
    }
}

/// Resolves every `{ spec, expose }` reference, checks each pair, and
/// returns the facts the plans read. `facts` holds the specs being built
/// (the first `built`) and then the ones only referenced.
pub fn link(facts: &[Facts], built: usize, d: &mut Diagnostics) -> Links {
    let by_path: HashMap<&Path, &Facts> = facts.iter().map(|f| (f.identity.as_path(), f)).collect();
    let mut links = Links::default();
    // Many connects name the same few specs: each path is resolved once.
    let mut resolved: HashMap<&Path, PathBuf> = HashMap::new();
    for consumer in facts {
        for (connect, r) in &consumer.connects {
            let id = resolved
                .entry(r.path.as_path())
                .or_insert_with(|| identity(&r.path));
            // Missing files are reported while loading.
            let Some(provider) = by_path.get(id.as_path()) else {
                continue;
            };
            let Some(x) = provider.exposes.iter().find(|x| x.key == r.expose.value) else {
                // An expose that failed to read was reported there.
                if !provider.unread.section("expose", &r.expose.value) {
                    d.push(no_such_expose(provider, r));
                }
                continue;
            };
            if x.gateway != r.gateway {
                d.push(kind_mismatch(provider, r));
                continue;
            }
            if let (true, Some((port, _))) = (r.default_ports, &x.created) {
                links
                    .listener_ports
                    .insert((consumer.file, connect.clone()), *port);
            }
            if let Some(region) = cross_region::pair(consumer, provider, x, r, d) {
                links
                    .service_regions
                    .insert((consumer.file, connect.clone()), region);
            }
            check_pair(consumer, provider, x, d);
        }
    }
    share::link(facts, built, &mut links, d);
    links.colliding_nlb_names = colliding_nlb_names(&facts[..built.min(facts.len())]);
    links
}

/// E016: the referenced spec has no such expose.
fn no_such_expose(p: &Facts, r: &Reference) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::E016,
        format!("`{}` has no `[expose.{}]`", p.shown, r.expose.value),
    )
    .at(r.expose.span, "no such expose in that spec");
    match did_you_mean(&r.expose.value, p.exposes.iter().map(|x| x.key.as_str())) {
        Some(m) => diag.help(format!("did you mean `{m}`?")),
        None if p.exposes.is_empty() => diag.help("that spec exposes nothing"),
        None => diag.help(format!(
            "it exposes {}",
            p.exposes
                .iter()
                .map(|x| format!("`{}`", x.key))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// E098: an interface connect (`service_name = { spec, expose }`) to an
/// expose in front of a Gateway Load Balancer, which only GWLB endpoints
/// reach; E094: a `gateway_load_balancer` connect to one in front of an NLB.
fn kind_mismatch(p: &Facts, r: &Reference) -> Diagnostic {
    let x = &r.expose.value;
    if r.gateway {
        Diagnostic::new(
            Code::E094,
            format!("`[expose.{x}]` of `{}` is in front of a Network Load Balancer: a Gateway Load Balancer endpoint cannot reach it", p.shown),
        )
        .at(r.span, "a Gateway Load Balancer endpoint (`gateway_load_balancer`)")
        .help("connect with `service_name = { spec = \"...\", expose = \"...\" }` (an interface endpoint), or point at an expose in front of a Gateway Load Balancer")
    } else {
        Diagnostic::new(
            Code::E098,
            format!("`[expose.{x}]` of `{}` is a Gateway Load Balancer endpoint service: an interface endpoint cannot reach it", p.shown),
        )
        .at(r.span, "an interface endpoint (`service_name`)")
        .help("connect with `gateway_load_balancer = { spec = \"...\", expose = \"...\" }` (one endpoint per subnet), or point at an expose in front of a Network Load Balancer")
    }
}

/// One consumer and the expose it connects to: may its account connect
/// (E051), and do their AZs overlap.
fn check_pair(m: &Facts, p: &Facts, x: &ExposeFacts, d: &mut Diagnostics) {
    if let Some((account, account_span)) = &m.account {
        if !x.principals.iter().any(|p| p.covers(account)) {
            let mut diag = Diagnostic::new(
                Code::E051,
                format!(
                    "account {account} of `{}` may not connect to `{}` of `{}`",
                    m.name, x.key, p.name
                ),
            )
            .at(*account_span, "the consumer's account")
            .help(format!(
                "add `arn:aws:iam::{account}:root` (or a role in that account) to `allowed_principals` of `[expose.{}]`",
                x.key
            ));
            if let Some(span) = x.principals_span {
                diag = diag.also(span, "not among these allowed principals");
            }
            d.push(diag);
        }
    }
    // AZ IDs are per Region: across Regions there is nothing to compare.
    let same_region = match (&m.region, &p.region) {
        (Some((a, _)), Some((b, _))) => a == b,
        _ => true,
    };
    if let (true, Some(consumer_span), Some(provider_span)) =
        (same_region, m.az_ids_span, p.az_ids_span)
    {
        let ours: Vec<&str> = m.az_ids.iter().map(String::as_str).collect();
        let theirs: Vec<&str> = p.az_ids.iter().map(String::as_str).collect();
        model::az_check(
            &format!("`{}`", x.key),
            &ours,
            &theirs,
            consumer_span,
            provider_span,
            d,
        );
    }
}

/// Created NLB names that two specs (or two exposes) built together would
/// both get: the plan gives each of them a hash of its full identity.
fn colliding_nlb_names(built: &[Facts]) -> HashSet<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for x in built.iter().flat_map(|f| &f.exposes) {
        if let Some((_, name)) = &x.created {
            *seen.entry(name.as_str()).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(name, _)| name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Target;

    /// Writes a spec with one expose.
    fn spec(dir: &Path, file: &str, spec: &str, expose: &str) -> PathBuf {
        let path = dir.join(file);
        std::fs::write(
            &path,
            format!(
                "version = 1\nname = \"{spec}\"\n\n[expose.{expose}]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"arn:aws:iam::444455556666:root\"]\n"
            ),
        )
        .unwrap();
        path
    }

    /// The created NLB names of specs built together, in order.
    fn nlbs(paths: &[PathBuf]) -> Vec<String> {
        let c = crate::compile(paths, Some(Target::Terraform), false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        c.models()
            .unwrap()
            .iter()
            .map(|m| match &m.exposes[0].load_balancer {
                LoadBalancer::Create { name, .. } => name.clone(),
                LoadBalancer::Existing(_) => panic!("a created NLB"),
            })
            .collect()
    }

    #[test]
    fn colliding_nlb_names_are_made_unique() {
        let tmp = tempfile::tempdir().unwrap();
        let a = spec(tmp.path(), "a.toml", "a-b", "c");
        let b = spec(tmp.path(), "b.toml", "a", "b-c");
        let other = spec(tmp.path(), "c.toml", "shop", "orders");
        // Alone, each keeps its plain name.
        assert_eq!(nlbs(std::slice::from_ref(&a)), ["a-b-c"]);
        assert_eq!(nlbs(std::slice::from_ref(&b)), ["a-b-c"]);
        let names = nlbs(&[a.clone(), b.clone(), other]);
        assert_ne!(names[0], names[1]);
        for name in &names[..2] {
            assert!(name.starts_with("a-b-c-") && name.len() <= 32, "{name}");
        }
        assert_eq!(names[2], "shop-orders", "names that do not collide stay");

        // Stable: the same specs get the same names again.
        assert_eq!(nlbs(&[a, b]), names[..2]);
    }

    #[test]
    fn an_interface_connect_to_a_gateway_expose_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let provider = tmp.path().join("p.toml");
        std::fs::write(&provider, "version = 1\nname = \"p\"\n\n[expose.fw]\nload_balancer = { input = \"fw_arn\", type = \"gateway\" }\nallowed_principals = [\"*\"]\nacceptance_required = true\n").unwrap();
        let consumer = tmp.path().join("c.toml");
        std::fs::write(&consumer, "version = 1\nname = \"c\"\n[vpc]\ncidr = \"10.0.0.0/16\"\n\n[connect.fw]\nservice_name = { spec = \"p.toml\", expose = \"fw\" }\n").unwrap();
        let c = crate::compile(&[consumer, provider], Some(Target::Terraform), false);
        let codes: Vec<Code> = c.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::E098), "{codes:?}");
    }

    #[test]
    fn the_link_table_gives_a_connect_the_providers_listener_port() {
        let tmp = tempfile::tempdir().unwrap();
        let provider = tmp.path().join("p.toml");
        std::fs::write(&provider, "version = 1\nname = \"p\"\n\n[expose.api]\nload_balancer = { port = 8443 }\nallowed_principals = [\"*\"]\nacceptance_required = true\n").unwrap();
        let consumer = tmp.path().join("c.toml");
        std::fs::write(&consumer, "version = 1\nname = \"c\"\n[vpc]\ncidr = \"10.0.0.0/16\"\n\n[connect.api]\nservice_name = { spec = \"p.toml\", expose = \"api\" }\n").unwrap();
        let c = crate::compile(&[consumer], Some(Target::Terraform), false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        let m = c.plan(0).unwrap();
        assert_eq!(m.connects[0].ports, [8443]);
        let group = m.connects[0].own_security_group.as_ref().unwrap();
        assert_eq!(group.rules[0].port, 8443);
        // Checked alone, before the link, the connect has the default port.
        let mut d = Diagnostics::default();
        let mut sources = crate::source::SourceMap::default();
        let loaded = crate::spec::load(&[tmp.path().join("c.toml")], &mut sources, &mut d);
        let unlinked = model::lower(
            &loaded[0].spec,
            loaded[0].file,
            &sources,
            &Links::default(),
            crate::pipeline::NAMING,
            &mut d,
        )
        .unwrap();
        assert_eq!(unlinked.connects[0].ports, [443]);
    }
}
