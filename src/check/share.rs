//! Hubs and spokes built together (`[share]`, `reach.via`): each spoke's
//! hub is resolved once, the pair checked (same Region, accounts known,
//! CIDRs disjoint, services the spoke lists that the hub serves), and the
//! link table told what each plan reads: a spoke its hub's services and
//! zones, a hub its spokes' VPCs and CIDRs.

use super::{Facts, Links, identity};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::SpokeVpc;
use crate::source::{FileId, Span};
use crate::spec::ShareDns;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a hub's facts tell its spokes.
#[derive(Debug, Clone)]
pub struct ShareFacts {
    pub dns: ShareDns,
    pub services: Vec<String>,
    /// Each zone's ident and name (`hosted-zones`).
    pub zones: Vec<(String, String)>,
    pub span: Option<Span>,
}

/// What a spoke's plan reads of its hub.
#[derive(Debug, Clone)]
pub struct HubLink {
    pub name: String,
    pub dns: ShareDns,
    pub services: Vec<String>,
    pub zones: Vec<(String, String)>,
    pub associated_by_hub: bool,
    /// How many of the spoke's own interface endpoints the hub replaces.
    pub replaced: usize,
}

/// Resolves every spoke's hub and checks each pair. `facts` holds the
/// specs being built (the first `built`) and then the ones only referenced.
pub(super) fn link(facts: &[Facts], built: usize, links: &mut Links, d: &mut Diagnostics) {
    let by_path: HashMap<&Path, (usize, &Facts)> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.identity.as_path(), (i, f)))
        .collect();
    let mut resolved: HashMap<&Path, PathBuf> = HashMap::new();
    for (i, spoke) in facts.iter().enumerate() {
        let Some(via) = &spoke.sharing.via else {
            continue;
        };
        let id = resolved
            .entry(via.path.as_path())
            .or_insert_with(|| identity(&via.path));
        // A missing file is reported while loading.
        let Some(&(h, hub)) = by_path.get(id.as_path()) else {
            continue;
        };
        let Some(share) = &hub.share else {
            // A hub whose `[share]` (or `region`) failed was reported there.
            if hub.declares_share {
                continue;
            }
            d.push(
                Diagnostic::new(Code::E101, format!("`{}` shares no endpoints", hub.shown))
                    .at(via.span, "named as this spec's hub")
                    .help("name the endpoints hub's spec (the one with `[share]`), or add `[share]` to that spec"),
            );
            continue;
        };
        if !pair_ok(spoke, hub, via.span, d) {
            continue;
        }
        used_from_hub(spoke, hub, share, d);
        let other_account = match (&spoke.account, &hub.account) {
            (Some((a, _)), Some((b, _))) if a != b => Some(a.to_string()),
            _ => None,
        };
        let spoke_built = i < built;
        let hub_built = h < built;
        if spoke_built && hub_built {
            admitted(spoke, hub, share, other_account.is_some(), links, d);
            let region = hub.region.as_ref().map(|r| r.0.clone()).unwrap_or_default();
            links.spokes.entry(hub.file).or_default().push(SpokeVpc {
                name: spoke.name.clone(),
                vpc_id: spoke.sharing.vpc_id.clone(),
                region,
                other_account: other_account.clone(),
            });
        }
        links.hubs.insert(
            spoke.file,
            HubLink {
                name: hub.name.clone(),
                dns: share.dns,
                services: share.services.clone(),
                zones: share.zones.clone(),
                associated_by_hub: hub_built
                    && spoke_built
                    && other_account.is_none()
                    && spoke.sharing.vpc_id.is_some(),
                replaced: spoke
                    .interface_services
                    .iter()
                    .filter(|s| share.services.contains(s))
                    .count(),
            },
        );
    }
}

/// Same Region (E102), the spoke's account known when the hub's is
/// (E104), CIDRs disjoint (E105). False when the pair cannot be linked.
fn pair_ok(spoke: &Facts, hub: &Facts, via: Span, d: &mut Diagnostics) -> bool {
    let mut ok = true;
    // A hub without `region` said so itself (E103).
    if let (Some((region, hub_span)), false) = (&hub.region, spoke.unread.has("region")) {
        if spoke.region.as_ref().map(|r| &r.0) != Some(region) {
            let mut diag = Diagnostic::new(
                Code::E102,
                format!("`{}` uses the hub `{}` of {region} from another Region", spoke.shown, hub.shown),
            )
            .help(format!("interface endpoints serve their own Region: set `region = \"{region}\"`, or use a hub in this spec's Region"));
            diag = match &spoke.region {
                Some((r, Some(span))) => diag
                    .at(*span, format!("this spec is in {r}"))
                    .also(via, "uses this hub"),
                _ => diag.at(via, "this spec has no `region`"),
            };
            if let Some(span) = hub_span {
                diag = diag.also(*span, "the hub's Region");
            }
            d.push(diag);
            ok = false;
        }
    }
    let account_unread = spoke.unread.has("account");
    if let (None, Some((account, span)), false) = (&spoke.account, &hub.account, account_unread) {
        d.push(
            Diagnostic::new(
                Code::E104,
                format!("`{}` gives no `account`, and its hub is in account {account}", spoke.shown),
            )
            .at(via, "uses this hub")
            .also(*span, "the hub's account")
            .help("set `account`: a spoke of another account needs the hub to authorize its VPC (or share its profile)"),
        );
        ok = false;
    }
    if let (Some((a, a_span)), Some((b, b_span))) = (&spoke.sharing.cidr, &hub.sharing.cidr) {
        let (a_net, b_net) = (a.net(), b.net());
        if a_net.contains(&b_net.network()) || b_net.contains(&a_net.network()) {
            d.push(
                Diagnostic::new(
                    Code::E105,
                    format!("the VPC CIDR {a} of `{}` overlaps its hub's, {b}", spoke.shown),
                )
                .at(*a_span, "the spoke's CIDR")
                .also(*b_span, "the hub's CIDR")
                .help("a spoke reaches its hub over a Transit Gateway or peering, which cannot route between overlapping CIDRs: give the VPCs disjoint ranges"),
            );
            ok = false;
        }
    }
    ok
}

/// W123: a spoke lists a service the hub serves: it uses the hub's.
fn used_from_hub(spoke: &Facts, hub: &Facts, share: &ShareFacts, d: &mut Diagnostics) {
    let Some(via) = &spoke.sharing.via else {
        return;
    };
    for (service, span) in &via.listed {
        if share.services.contains(service) && spoke.interface_services.contains(service) {
            d.push(
                Diagnostic::new(
                    Code::W123,
                    format!("`{service}` is served by the hub `{}`: this spec uses the hub's endpoint and creates none", hub.name),
                )
                .at(*span, "listed here")
                .also(via.span, "the hub")
                .help(format!("remove `{service}` from `reach.services`; list only what the hub does not share")),
            );
        }
    }
}

/// The spoke's CIDR for the hub's group, and W125 where the hub cannot
/// read what it needs of the spoke (its CIDR, or its VPC's ID to authorize).
fn admitted(
    spoke: &Facts,
    hub: &Facts,
    share: &ShareFacts,
    other_account: bool,
    links: &mut Links,
    d: &mut Diagnostics,
) {
    let via = spoke.sharing.via.as_ref().map(|v| v.span);
    match &spoke.sharing.cidr {
        Some((cidr, _)) => links
            .spoke_cidrs
            .entry(hub.file)
            .or_default()
            .push(cidr.to_string()),
        None => d.push(unreadable(spoke, hub, via, "`vpc.cidr`", "the hub's endpoints' security group cannot admit the spoke: list the spoke's range in the hub's `share.ingress_cidrs`")),
    }
    if other_account && share.dns == ShareDns::HostedZones && spoke.sharing.vpc_id.is_none() {
        d.push(unreadable(spoke, hub, via, "`vpc.id`", "the hub cannot authorize the spoke's VPC to associate its zones: run `aws route53 create-vpc-association-authorization` in the hub's account for each zone"));
    }
}

fn unreadable(spoke: &Facts, hub: &Facts, via: Option<Span>, what: &str, then: &str) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::W125,
        format!(
            "`{}` is built with its hub `{}`, but gives {what} as an input or lookup",
            spoke.shown, hub.shown
        ),
    )
    .help(format!("give {what} literally; otherwise {then}"));
    match via {
        Some(span) => diag.at(span, "uses this hub"),
        None => diag,
    }
}

/// E106 (CloudFormation): a spoke whose hub's zones CloudFormation cannot
/// associate with its VPC: no resource type associates another stack's
/// zone, so the hub's template lists the spoke's VPC, which it can only do
/// for a spoke of its own account built with it, with a literal VPC ID.
pub fn cloudformation_spokes(facts: &[Facts], links: &Links, d: &mut Diagnostics) {
    for f in facts {
        let Some(hub) = links.hubs.get(&f.file) else {
            continue;
        };
        if hub.dns != ShareDns::HostedZones || hub.associated_by_hub {
            continue;
        }
        let mut diag = Diagnostic::new(
            Code::E106,
            format!("CloudFormation cannot associate the hosted zones of the hub `{}` with the VPC of `{}`", hub.name, f.shown),
        )
        .help("build the hub and this spec together, in one account, with a literal `vpc.id` (the hub's zones then list this VPC); or use `[share] dns = \"profile\"` on the hub, which CloudFormation expresses across accounts; or `--target terraform`");
        if let Some(via) = &f.sharing.via {
            diag = diag.at(via.span, "uses this hub");
        }
        d.push(diag);
    }
}

impl Links {
    /// The hub a spoke uses, once linked.
    pub fn hub_of(&self, spoke: FileId) -> Option<&HubLink> {
        self.hubs.get(&spoke)
    }

    /// The spokes built with a hub, in command-line order.
    pub fn spokes_of(&self, hub: FileId) -> &[SpokeVpc] {
        self.spokes.get(&hub).map_or(&[], Vec::as_slice)
    }

    /// The literal CIDRs of the spokes built with a hub.
    pub fn spoke_cidrs_of(&self, hub: FileId) -> &[String] {
        self.spoke_cidrs.get(&hub).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::model::{Model, SecurityGroups, Value};
    use crate::render::Target;
    use std::path::{Path, PathBuf};

    const HUB: &str = "version = 1\nname = \"hub\"\nregion = \"eu-west-1\"\naccount = \"999988887777\"\n[vpc]\nid = \"vpc-0123456789abcdef0\"\ncidr = \"10.255.0.0/20\"\n[reach]\nservices = [\"sts\", \"kms\"]\n[share]\n";

    fn spoke(name: &str, account: &str, cidr: &str) -> String {
        format!(
            "version = 1\nname = \"{name}\"\nregion = \"eu-west-1\"\naccount = \"{account}\"\n[vpc]\nid = \"vpc-0aaaaaaaaaaaaaaa1\"\ncidr = \"{cidr}\"\n[reach]\nvia = \"hub.toml\"\nservices = [\"sqs\"]\n"
        )
    }

    fn write(dir: &Path, files: &[(&str, &str)]) -> Vec<PathBuf> {
        files
            .iter()
            .map(|(name, text)| {
                let p = dir.join(name);
                std::fs::write(&p, text).unwrap();
                p
            })
            .collect()
    }

    fn models(paths: &[PathBuf], target: Target) -> Vec<Model> {
        let c = crate::compile(paths, Some(target), false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        c.models().unwrap()
    }

    fn admitted(m: &Model) -> Vec<String> {
        let Some(SecurityGroups::Create { rules, .. }) = &m.security_groups else {
            panic!("a created group");
        };
        rules
            .iter()
            .filter_map(|r| match &r.cidr {
                Value::Literal(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn built_together_the_hub_admits_and_knows_its_spokes() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = write(
            tmp.path(),
            &[
                ("hub.toml", HUB),
                ("a.toml", &spoke("a", "999988887777", "10.1.0.0/16")),
                ("b.toml", &spoke("b", "111122223333", "10.2.0.0/16")),
            ],
        );
        let m = models(&paths, Target::Terraform);
        let hub = m[0].hub.as_ref().unwrap();
        let spokes: Vec<(&str, Option<&str>)> = hub
            .spokes
            .iter()
            .map(|s| (s.name.as_str(), s.other_account.as_deref()))
            .collect();
        assert_eq!(spokes, [("a", None), ("b", Some("111122223333"))]);
        // Two ports (sts, kms share 443): one rule per CIDR.
        assert_eq!(
            admitted(&m[0]),
            ["10.255.0.0/20", "10.1.0.0/16", "10.2.0.0/16"]
        );
        for s in &m[1..] {
            let keys: Vec<&str> = s.endpoints.iter().map(|e| e.key.name()).collect();
            assert_eq!(keys, ["sqs"], "the hub's services are not created");
            let spoke = s.spoke.as_ref().unwrap();
            assert_eq!(spoke.services, ["kms", "sts"]);
            let inputs: Vec<&str> = s
                .inputs
                .iter()
                .filter(|i| i.kind == crate::model::InputKind::HostedZoneId)
                .map(|i| i.name.as_str())
                .collect();
            assert_eq!(inputs, ["hub_zone_kms", "hub_zone_sts"]);
        }
        // Only the spoke of the hub's own account is associated by the hub.
        let by_hub: Vec<bool> = m[1..]
            .iter()
            .map(|s| s.spoke.as_ref().unwrap().associated_by_hub)
            .collect();
        assert_eq!(by_hub, [true, false]);
    }

    #[test]
    fn a_spoke_built_alone_still_uses_its_hub_and_the_hub_alone_admits_no_spoke() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = write(
            tmp.path(),
            &[
                ("hub.toml", HUB),
                ("a.toml", &spoke("a", "999988887777", "10.1.0.0/16")),
            ],
        );
        // `validate` counts what the spoke creates: sqs, not the hub's sts.
        let listed =
            spoke("a", "999988887777", "10.1.0.0/16").replace("[\"sqs\"]", "[\"sqs\", \"sts\"]");
        let listing = write(tmp.path(), &[("listing.toml", &listed)]);
        let c = crate::compile(&listing, None, false);
        assert_eq!(c.summaries().map(|s| s.1).collect::<Vec<_>>(), [1]);
        let a = &models(&paths[1..], Target::Terraform)[0];
        assert_eq!(a.spoke.as_ref().unwrap().services, ["kms", "sts"]);
        assert!(!a.spoke.as_ref().unwrap().associated_by_hub);
        let hub = &models(&paths[..1], Target::Terraform)[0];
        assert!(hub.hub.as_ref().unwrap().spokes.is_empty());
        assert_eq!(admitted(hub), ["10.255.0.0/20"]);
    }

    #[test]
    fn overlapping_cidrs_either_way_are_refused_and_cloudformation_says_what_it_cannot_do() {
        let tmp = tempfile::tempdir().unwrap();
        let codes = |files: &[(&str, &str)], target| {
            let paths = write(tmp.path(), files);
            let c = crate::compile(&paths, Some(target), false);
            c.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
        };
        let inside = spoke("a", "999988887777", "10.255.4.0/24");
        assert_eq!(
            codes(&[("hub.toml", HUB), ("a.toml", &inside)], Target::Terraform),
            [Code::E105]
        );
        let around = spoke("a", "999988887777", "10.0.0.0/8");
        assert_eq!(
            codes(&[("hub.toml", HUB), ("a.toml", &around)], Target::Terraform),
            [Code::E105]
        );
        let other = spoke("a", "111122223333", "10.1.0.0/16");
        let files = [("hub.toml", HUB), ("a.toml", other.as_str())];
        assert!(codes(&files, Target::Terraform).is_empty());
        assert_eq!(codes(&files, Target::Cloudformation), [Code::E106]);
    }
}
