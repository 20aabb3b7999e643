//! `vpcegen import`: existing endpoints → the spec that reproduces them.
//! Every value is written by `toml`'s own writer; whatever the spec
//! language cannot say becomes a `# not expressed:` comment.

use super::{Existing, sorted};
use crate::catalog::Catalog;
use std::collections::BTreeMap;
use std::fmt::Write;

/// How an existing endpoint enters the spec.
enum Place {
    /// `reach.services`: the catalog (or `service_name`) key.
    Service { key: String, custom: bool },
    /// `[connect.<key>]`.
    Connect { key: String },
}

/// The spec for `name` reproducing `endpoints` (one VPC's; the caller
/// refuses several). `source` names the file in the header.
pub fn spec(name: &str, source: &str, endpoints: &[Existing]) -> String {
    let region = region_of(endpoints);
    let mut notes = Vec::new();
    let mut services: BTreeMap<String, (&Existing, bool)> = BTreeMap::new();
    let mut connects: BTreeMap<String, &Existing> = BTreeMap::new();
    for e in endpoints {
        if !e.is("Interface") && !e.is("Gateway") {
            notes.push(format!(
                "{} ({}, {}): vpcegen imports interface and gateway endpoints only",
                e.vpc_endpoint_id, e.vpc_endpoint_type, e.service_name
            ));
            continue;
        }
        match place(e, region.as_deref()) {
            Some(Place::Service { key, custom }) => {
                if let Some((first, _)) = services.get(&key) {
                    notes.push(format!(
                        "{} ({}): a second endpoint of `{key}` besides {}; a spec has one per service",
                        e.vpc_endpoint_id, e.vpc_endpoint_type, first.vpc_endpoint_id
                    ));
                } else {
                    services.insert(key, (e, custom));
                }
            }
            Some(Place::Connect { key }) => {
                let key = distinct(&key, &connects);
                connects.insert(key, e);
            }
            None => notes.push(format!(
                "{} ({}): a gateway endpoint of a service that is not an AWS service in {}",
                e.vpc_endpoint_id,
                e.service_name,
                region.as_deref().unwrap_or("this Region")
            )),
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Written by `vpcegen import` from {}: {} endpoint(s) of {}.",
        comment(source),
        endpoints.len(),
        comment(endpoints.first().map_or("no VPC", |e| e.vpc_id.as_str()))
    );
    let _ = writeln!(out, "version = 1\nname = {}", v(name));
    if let Some(r) = &region {
        let _ = writeln!(out, "region = {}", v(r));
    }
    let all: Vec<&Existing> = services
        .values()
        .map(|(e, _)| *e)
        .chain(connects.values().copied())
        .collect();
    write_tags(&mut out, &all, &mut notes);
    write_vpc(&mut out, endpoints, &services, &mut notes);
    write_reach(&mut out, &services, &mut notes);
    for (key, (e, custom)) in &services {
        write_service(&mut out, name, key, e, *custom, &mut notes);
    }
    for (key, e) in &connects {
        write_connect(&mut out, name, key, e, &mut notes);
    }
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            let _ = writeln!(out, "# not expressed: {}", comment(&n));
        }
    }
    out
}

/// The Region of the AWS service names (`com.amazonaws.<region>.<service>`),
/// else of the endpoint service names (`com.amazonaws.vpce.<region>.`): the
/// first in sorted order.
fn region_of(endpoints: &[Existing]) -> Option<String> {
    let aws = sorted(
        endpoints
            .iter()
            .filter_map(|e| aws_service(&e.service_name).map(|(r, _)| r.to_string())),
    );
    let vpce = sorted(endpoints.iter().filter_map(|e| {
        e.service_name
            .strip_prefix("com.amazonaws.vpce.")
            .and_then(|rest| rest.split_once('.'))
            .map(|(r, _)| r.to_string())
    }));
    aws.into_iter().next().or_else(|| vpce.into_iter().next())
}

/// `com.amazonaws.<region>.<service>` → (region, service).
fn aws_service(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("com.amazonaws.")?;
    let (region, service) = rest.split_once('.')?;
    (region != "vpce" && region.contains('-') && !service.is_empty()).then_some((region, service))
}

fn place(e: &Existing, region: Option<&str>) -> Option<Place> {
    let catalog = Catalog::get();
    if let Some(r) = region {
        let known = catalog.services.iter().find(|s| {
            s.name_pattern()
                .is_some_and(|p| p.replace("{region}", r) == e.service_name)
        });
        if let Some(s) = known {
            return Some(Place::Service {
                key: s.suffix.to_string(),
                custom: false,
            });
        }
        if let Some((sr, service)) = aws_service(&e.service_name)
            && sr == r
        {
            return Some(Place::Service {
                key: service.to_string(),
                custom: true,
            });
        }
    }
    if e.is("Gateway") {
        return None;
    }
    let last = e.service_name.rsplit('.').next().unwrap_or("");
    // Lowercase letters, digits and hyphens, as a connect key reads best.
    let key = crate::model::ident_of(last).replace('_', "-");
    let key = key.trim_matches('-').to_string();
    Some(Place::Connect {
        key: if key.is_empty() {
            "service".into()
        } else {
            key
        },
    })
}

/// `key`, or `key-2`, `key-3`... when taken.
fn distinct<T>(key: &str, taken: &BTreeMap<String, T>) -> String {
    (1..)
        .map(|i| {
            if i == 1 {
                key.to_string()
            } else {
                format!("{key}-{i}")
            }
        })
        .find(|k| !taken.contains_key(k))
        .unwrap_or_else(|| key.to_string())
}

/// Tags other than `Name` that every endpoint carries with the same value
/// go to `[tags]`; the others are noted.
fn write_tags(out: &mut String, all: &[&Existing], notes: &mut Vec<String>) {
    let mut common: BTreeMap<&str, &str> = BTreeMap::new();
    if let Some(first) = all.first() {
        for t in first.tags.iter().filter(|t| t.key != "Name") {
            if all
                .iter()
                .all(|e| e.tags.iter().any(|u| u.key == t.key && u.value == t.value))
            {
                common.insert(&t.key, &t.value);
            }
        }
    }
    for e in all {
        for t in e
            .tags
            .iter()
            .filter(|t| t.key != "Name" && !common.contains_key(t.key.as_str()))
        {
            notes.push(format!(
                "tag {}={} of {} (only on some endpoints)",
                t.key, t.value, e.vpc_endpoint_id
            ));
        }
    }
    if !common.is_empty() {
        out.push_str("\n[tags]\n");
        for (k, val) in common {
            let _ = writeln!(out, "{} = {}", toml_key(k), v(val));
        }
    }
}

fn write_vpc(
    out: &mut String,
    endpoints: &[Existing],
    services: &BTreeMap<String, (&Existing, bool)>,
    notes: &mut Vec<String>,
) {
    let interface: Vec<&Existing> = endpoints.iter().filter(|e| e.is("Interface")).collect();
    let gateway: Vec<&Existing> = services
        .values()
        .map(|(e, _)| *e)
        .filter(|e| e.is("Gateway"))
        .collect();
    let subnets = sorted(interface.iter().flat_map(|e| e.subnet_ids.clone()));
    let tables = sorted(gateway.iter().flat_map(|e| e.route_table_ids.clone()));
    for e in &interface {
        if sorted(e.subnet_ids.clone()) != subnets {
            notes.push(format!("{} is only in subnets {}; vpcegen puts every interface endpoint in all of `vpc.subnets`", e.vpc_endpoint_id, e.subnet_ids.join(", ")));
        }
    }
    for e in &gateway {
        if sorted(e.route_table_ids.clone()) != tables {
            notes.push(format!("{} is only in route tables {}; vpcegen gives every gateway endpoint all of `vpc.route_tables`", e.vpc_endpoint_id, e.route_table_ids.join(", ")));
        }
    }
    out.push_str("\n[vpc]\n");
    if let Some(e) = endpoints.first() {
        let _ = writeln!(out, "id = {}", v(&e.vpc_id));
    }
    if !subnets.is_empty() {
        let _ = writeln!(out, "subnets = {}", list(&subnets));
    }
    if !tables.is_empty() {
        let _ = writeln!(out, "route_tables = {}", list(&tables));
    }
}

fn write_reach(
    out: &mut String,
    services: &BTreeMap<String, (&Existing, bool)>,
    notes: &mut Vec<String>,
) {
    if services.is_empty() {
        return;
    }
    let keys: Vec<String> = services.keys().cloned().collect();
    out.push_str("\n[reach]\n");
    let _ = writeln!(out, "services = {}", list(&keys));
    let interface: Vec<&Existing> = services
        .values()
        .map(|(e, _)| *e)
        .filter(|e| e.is("Interface"))
        .collect();
    let groups = sorted(interface.iter().flat_map(|e| e.group_ids()));
    for e in &interface {
        if e.group_ids() != groups {
            notes.push(format!(
                "{} has security groups {}; vpcegen gives every interface endpoint the same groups",
                e.vpc_endpoint_id,
                e.group_ids().join(", ")
            ));
        }
    }
    if !groups.is_empty() {
        let _ = writeln!(out, "security_group = {{ ids = {} }}", list(&groups));
    }
}

/// `[service.<key>]` with what differs from the catalog's defaults.
fn write_service(
    out: &mut String,
    spec: &str,
    key: &str,
    e: &Existing,
    custom: bool,
    notes: &mut Vec<String>,
) {
    let entry = Catalog::get().service(key);
    let default_gateway = entry.is_some_and(|s| s.has_gateway());
    let gateway = e.is("Gateway");
    let mut lines = Vec::new();
    if custom {
        lines.push(format!("service_name = {}", v(&e.service_name)));
    }
    if gateway != default_gateway {
        lines.push(format!(
            "type = {}",
            v(if gateway { "gateway" } else { "interface" })
        ));
    }
    let default_dns = entry.is_none_or(|s| s.supports_private_dns());
    if !gateway && e.private_dns_enabled.unwrap_or(false) != default_dns {
        lines.push(format!(
            "private_dns = {}",
            e.private_dns_enabled.unwrap_or(false)
        ));
    }
    common_notes(
        e,
        &format!("{spec}-{}", key.replace(['.', '_'], "-")),
        notes,
    );
    if !lines.is_empty() {
        let _ = writeln!(out, "\n[service.{}]", toml_key(key));
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
    }
}

fn write_connect(out: &mut String, spec: &str, key: &str, e: &Existing, notes: &mut Vec<String>) {
    let _ = writeln!(out, "\n[connect.{}]", toml_key(key));
    let _ = writeln!(out, "service_name = {}", v(&e.service_name));
    if e.private_dns_enabled == Some(true) {
        let _ = writeln!(out, "private_dns = true");
    }
    if !e.groups.is_empty() {
        notes.push(format!(
            "security groups {} of {}: vpcegen creates a group for each connect",
            e.group_ids().join(", "),
            e.vpc_endpoint_id
        ));
    }
    common_notes(e, &format!("{spec}-{key}"), notes);
}

/// What any endpoint may carry that a spec does not say: another Name, an
/// endpoint policy, an IP address type.
fn common_notes(e: &Existing, name_tag: &str, notes: &mut Vec<String>) {
    let id = &e.vpc_endpoint_id;
    match e.name_tag() {
        Some(n) if n == name_tag => {}
        Some(n) => notes.push(format!(
            "Name tag {n:?} of {id} (vpcegen tags it {name_tag:?})"
        )),
        None => notes.push(format!(
            "{id} has no Name tag (vpcegen tags it {name_tag:?})"
        )),
    }
    if e.policy_document
        .as_deref()
        .is_some_and(|p| !is_full_access(p))
    {
        notes.push(format!("the endpoint policy of {id} (not full access): save it as a JSON file and set `policy = \"<file>\"` in its section; until then Terraform leaves it as it is"));
    }
    if let Some(t) = e
        .ip_address_type
        .as_deref()
        .filter(|t| !t.eq_ignore_ascii_case("ipv4"))
    {
        notes.push(format!("IP address type {t} of {id}"));
    }
}

/// AWS's default policy: one statement allowing everything to everyone.
fn is_full_access(doc: &str) -> bool {
    let Ok(p) = serde_json::from_str::<serde_json::Value>(doc) else {
        return false;
    };
    let star = |x: Option<&serde_json::Value>| {
        x.is_some_and(|x| x == "*" || x.get("AWS").is_some_and(|a| a == "*"))
    };
    match p
        .get("Statement")
        .and_then(|s| s.as_array())
        .map(Vec::as_slice)
    {
        Some([s]) => {
            s.get("Effect").is_some_and(|e| e == "Allow")
                && star(s.get("Principal"))
                && star(s.get("Action"))
                && star(s.get("Resource"))
                && s.get("Condition").is_none()
        }
        _ => false,
    }
}

/// A TOML string, escaped by `toml`.
fn v(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect()).to_string()
}

/// A key: bare where TOML allows, else quoted.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        v(k)
    }
}

/// Text in a `#` comment: one line, controls escaped.
fn comment(s: &str) -> String {
    crate::diagnostic::printable(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn fixture() -> Vec<Existing> {
        let mut s = SourceMap::default();
        let f = s.add(
            "d.json".into(),
            // Read at test time: the fixture is not part of the package.
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/adopt/describe-vpc-endpoints.json"
            ))
            .expect("the fixture is readable"),
        );
        crate::adopt::read(&s, f).expect("the fixture reads")
    }

    /// Catalog names and custom ones, types against the catalog's default,
    /// private DNS, connects, shared tags and groups, and a comment for the
    /// rest, escaped.
    #[test]
    fn a_vpcs_endpoints_become_the_spec_that_reproduces_them() {
        let got = spec("payments-prod", "d.json", &fixture());
        let want = r#"# Written by `vpcegen import` from d.json: 8 endpoint(s) of vpc-0123456789abcdef0.
version = 1
name = "payments-prod"
region = "eu-west-1"

[tags]
team = "payments"

[vpc]
id = "vpc-0123456789abcdef0"
subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
route_tables = ["rtb-0123456789abcdef0"]

[reach]
services = ["dynamodb", "ecr.dkr", "logs", "new-thing", "s3"]
security_group = { ids = ["sg-0123456789abcdef0"] }

[service.dynamodb]
type = "interface"

[service.logs]
private_dns = false

[service.new-thing]
service_name = "com.amazonaws.eu-west-1.new-thing"

[connect.vpce-svc-0123456789abcdef0]
service_name = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
"#;
        let (spec_part, notes) = got.split_at(got.find("\n# not expressed").expect("notes"));
        assert_eq!(spec_part, want);
        let notes: Vec<&str> = notes.trim().lines().collect();
        assert!(notes.iter().all(|n| n.starts_with("# not expressed: ")));
        for part in [
            "vpce-0aaaaaaaaaaaaaaa5 (GatewayLoadBalancer,",
            "vpce-0aaaaaaaaaaaaaaa7 (Gateway): a second endpoint of `s3`",
            "tag cost-center=42 of vpce-0aaaaaaaaaaaaaaa3",
            "vpce-0aaaaaaaaaaaaaaa3 is only in subnets subnet-0123456789abcdef0;",
            r#"Name tag "ecr \"docker\"\nregistry" of vpce-0aaaaaaaaaaaaaaa2"#,
            "the endpoint policy of vpce-0aaaaaaaaaaaaaaa3 (not full access)",
            "security groups sg-0fedcba9876543210 of vpce-0aaaaaaaaaaaaaaa4",
        ] {
            assert!(notes.iter().any(|n| n.contains(part)), "{part}\n{notes:#?}");
        }
        // The spec reads back as TOML, and the output never varies.
        assert!(toml::from_str::<toml::Value>(&got).is_ok());
        assert_eq!(got, spec("payments-prod", "d.json", &fixture()));
    }

    #[test]
    fn the_default_policy_is_full_access_in_either_principal_form() {
        assert!(is_full_access(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}]}"#
        ));
        assert!(!is_full_access(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{}}]}"#
        ));
        assert!(!is_full_access("not json"));
    }
}
