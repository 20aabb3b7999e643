//! `vpcegen services --format json`: what the table shows, as one JSON
//! object for scripts (written by `serde_json`, which escapes every value).

use super::{Only, Selection, dns_names, region_note, service_name};
use crate::catalog::{Bundle, Catalog, Service};
use serde_json::{Value, json};

/// `{ services: [...], bundles: [...], total, region?, note? }`.
pub(super) fn render(kept: &Selection, only: Only) -> String {
    let mut doc = json!({
        "services": kept.services.iter().map(|s| service(s, only)).collect::<Vec<_>>(),
        "bundles": kept.bundles.iter().map(|b| bundle(b)).collect::<Vec<_>>(),
        "total": Catalog::get().services.len(),
    });
    if let Some(r) = only.region {
        doc["region"] = json!(r);
        doc["note"] = json!(region_note(r));
    }
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// A row: name, title, types, ports, endpoint service name, what a spec
/// may ask of it; with `--dns`, its private DNS names (`null`: unknown).
fn service(s: &Service, only: Only) -> Value {
    let mut v = json!({
        "name": s.suffix,
        "title": s.title,
        "types": s.types.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>(),
        "ports": s.ports(),
        "service_name": service_name(s),
        "aliases": s.aliases,
        "ipv6": s.supports_ipv6(),
        "cross_region": s.cross_region,
    });
    if only.dns {
        v["private_dns_names"] = json!(dns_names(&s.suffix, only.region));
    }
    v
}

fn bundle(b: &Bundle) -> Value {
    json!({ "name": b.name, "services": b.services })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_what_the_table_shows() {
        let only = Only {
            dns: true,
            ..Only::default()
        };
        let doc: Value =
            serde_json::from_str(&render(&Selection::of(Some("sqs"), only), only)).expect("JSON");
        let sqs = &doc["services"][0];
        assert_eq!(sqs["name"], "sqs");
        assert_eq!(sqs["types"], json!(["interface"]));
        assert_eq!(sqs["ports"], json!([443]));
        assert_eq!(sqs["service_name"], "com.amazonaws.{region}.sqs");
        assert_eq!(sqs["ipv6"], true);
        assert_eq!(
            sqs["private_dns_names"],
            json!(["sqs.{region}.amazonaws.com"])
        );
        assert!(doc.get("region").is_none());
        let plain: Value = serde_json::from_str(&render(
            &Selection::of(Some("sqs"), Only::default()),
            Only::default(),
        ))
        .expect("JSON");
        assert!(plain["services"][0].get("private_dns_names").is_none());
    }
}
