//! Which services a spec reaches (`reach.services`, bundles, `without`) and
//! why, and which endpoint type each one gets.

use super::*;
use crate::catalog::Service;
use crate::spec::ServiceSettings;

/// The services a spec reaches, by catalog key: the span that first asked for
/// each, and every reason it is there (for `explain`).
pub(super) type Wanted = BTreeMap<String, (Span, Vec<Reason>)>;

/// Expands `reach.services` and `reach.bundles`, removes `reach.without`,
/// and reports names that mean nothing and settings no endpoint uses.
pub(super) fn wanted(spec: &Spec, sources: &SourceMap, d: &mut Diagnostics) -> Wanted {
    let catalog = Catalog::get();
    let mut wanted = Wanted::new();
    listed(spec, sources, catalog, &mut wanted, d);
    bundles(spec, sources, catalog, &mut wanted, d);
    without(spec, catalog, &mut wanted, d);
    unused_settings(spec, catalog, &wanted, d);
    wanted
}

/// `reach.services`: each known service (or one with its own `service_name`),
/// and E020 for the rest.
fn listed(
    spec: &Spec,
    sources: &SourceMap,
    catalog: &Catalog,
    wanted: &mut Wanted,
    d: &mut Diagnostics,
) {
    for s in &spec.reach.services {
        let known = catalog.service(&s.value).is_some()
            || spec
                .service
                .get(&s.value)
                .is_some_and(|x| x.service_name.is_some());
        // `[service.<name>]` failed to read: its `service_name` may be what
        // would make the name known, and its mistake was reported.
        if !known && !spec.unread.section("service", &s.value) {
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
            .push(Reason::Listed {
                at: sources.location(s.span),
            });
    }
}

/// `reach.bundles`: every member of each known bundle, and E021 for the rest.
fn bundles(
    spec: &Spec,
    sources: &SourceMap,
    catalog: &Catalog,
    wanted: &mut Wanted,
    d: &mut Diagnostics,
) {
    for b in &spec.reach.bundles {
        match catalog.bundle(&b.value) {
            Some(bundle) => {
                for m in bundle.services.iter() {
                    wanted
                        .entry(m.to_string())
                        .or_insert_with(|| (b.span, Vec::new()))
                        .1
                        .push(Reason::Bundle {
                            name: bundle.name.to_string(),
                            at: sources.location(b.span),
                        });
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
}

/// `reach.without`: removes services, and W103 for one nothing added.
fn without(spec: &Spec, catalog: &Catalog, wanted: &mut Wanted, d: &mut Diagnostics) {
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
}

/// W102: `[service.<key>]` settings for a service that is not reached (and
/// not removed on purpose with `without`), usually a typo.
fn unused_settings(spec: &Spec, catalog: &Catalog, wanted: &Wanted, d: &mut Diagnostics) {
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
}

/// The endpoint type: the one asked for (E022 when the catalog says the
/// service does not offer it), else gateway where the service has one.
pub(super) fn endpoint_type(
    key: &str,
    settings: Option<&ServiceSettings>,
    entry: Option<&Service>,
    d: &mut Diagnostics,
) -> EndpointType {
    match (settings.and_then(|s| s.kind.as_ref()), entry) {
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
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, load};
    use super::*;

    #[test]
    fn bundles_expand_without_removes_and_reasons_accumulate() {
        let t = load(
            r#"version = 1
name = "app"
region = "us-east-1"
[reach]
services = ["s3", "sts"]
bundles = ["ecr"]
without = ["ecr.api"]
"#,
            &[],
        );
        let mut d = Diagnostics::default();
        let w = wanted(&t.spec, &t.sources, &mut d);
        assert_eq!(codes(&d), [] as [Code; 0]);
        assert_eq!(w.keys().collect::<Vec<_>>(), ["ecr.dkr", "s3", "sts"]);
        // s3 is asked for twice: one service, both reasons, in order.
        let reasons = &w["s3"].1;
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(matches!(&reasons[0], Reason::Listed { .. }));
        assert!(matches!(&reasons[1], Reason::Bundle { name, .. } if name == "ecr"));
        assert_eq!(w["ecr.dkr"].1.len(), 1);
    }

    #[test]
    fn names_that_mean_nothing_are_reported_in_pass_order() {
        let t = load(
            r#"version = 1
name = "app"
[reach]
services = ["sts", "no-such-service"]
bundles = ["no-such-bundle"]
without = ["logs"]
[service.kms]
private_dns = false
"#,
            &[],
        );
        let mut d = Diagnostics::default();
        let w = wanted(&t.spec, &t.sources, &mut d);
        assert_eq!(codes(&d), [Code::E020, Code::E021, Code::W103, Code::W102]);
        assert_eq!(w.keys().collect::<Vec<_>>(), ["sts"]);
    }

    #[test]
    fn types_default_to_gateway_where_offered_and_refuse_what_is_not() {
        let t = load(
            r#"version = 1
name = "app"
[reach]
services = ["s3", "sts", "dynamodb"]
[service.sts]
type = "gateway"
[service.dynamodb]
type = "interface"
"#,
            &[],
        );
        let catalog = Catalog::get();
        let mut d = Diagnostics::default();
        let kind = |key: &str, d: &mut Diagnostics| {
            endpoint_type(key, t.spec.service.get(key), catalog.service(key), d)
        };
        assert_eq!(kind("s3", &mut d), EndpointType::Gateway);
        assert_eq!(kind("dynamodb", &mut d), EndpointType::Interface);
        assert_eq!(codes(&d), [] as [Code; 0]);
        // Kept as asked, so later passes see the user's choice, but an error.
        assert_eq!(kind("sts", &mut d), EndpointType::Gateway);
        assert_eq!(codes(&d), [Code::E022]);
    }
}
