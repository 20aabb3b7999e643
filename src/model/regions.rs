//! `region` against the Region facts (`crate::regions`): a Region that does
//! not exist (E061), and services, bundle members (E063) and FIPS variants
//! (E064) botocore does not list there (E062). Only what the catalog knows
//! is checked: a service botocore does not know, one with its own
//! `service_name`, one reached in another Region (`region`, checked in
//! that Region by `cross_region`), and every `connect` (whose service may live in another
//! Region) are never refused. Specs without `region` are not checked.

use super::*;
use crate::regions::{Offer, offer, offered_in};
use services::Wanted;

/// Reports what `spec.region` cannot offer.
pub(super) fn check(spec: &Spec, wanted: &Wanted, d: &mut Diagnostics) {
    let Some(region) = &spec.region else {
        return;
    };
    let name = region.value.to_string();
    if crate::regions::region(&name).is_none() {
        d.push(crate::regions::unknown_region(&name).at(region.span, "not a Region"));
        return;
    }
    for (key, (span, reasons)) in wanted {
        // A cross-Region service is checked in its own Region.
        let own_name = spec
            .service
            .get(key)
            .is_some_and(|s| s.service_name.is_some() || s.region.is_some());
        if own_name {
            continue;
        }
        if let Offer::NotOffered { botocore } = offer(key, &name) {
            let bundle = reasons.first().and_then(|r| match r {
                Reason::Bundle { name, .. } => Some(name.as_str()),
                _ => None,
            });
            d.push(not_offered(key, &name, botocore, bundle, *span));
        }
    }
}

/// E062, E063 or E064 for `key`, asked for at `span` (a bundle's, when
/// `bundle` brought it in).
pub(super) fn not_offered(
    key: &str,
    region: &str,
    botocore: &str,
    bundle: Option<&str>,
    span: Span,
) -> Diagnostic {
    let fips = Catalog::get().service(key).is_some_and(|s| s.fips);
    let source = format!("botocore {}'s endpoint data", crate::regions::BOTOCORE);
    if fips {
        let regions = offered_in(key);
        return Diagnostic::new(
            Code::E064,
            format!("`{key}` (a FIPS endpoint) is not offered in {region}"),
        )
        .at(
            span,
            bundle.map_or("asked for here".into(), |b| {
                format!("bundle `{b}` includes `{key}`")
            }),
        )
        .note(format!(
            "{source} lists FIPS endpoints of `{botocore}` only in: {}",
            regions.join(", ")
        ))
        .help("use the standard endpoint, or deploy in one of those Regions");
    }
    let note = format!("{source} lists no `{botocore}` endpoint in {region}");
    match bundle {
        Some(b) => Diagnostic::new(
            Code::E063,
            format!("bundle `{b}` includes `{key}`, which is not offered in {region}"),
        )
        .at(span, format!("`{key}` comes from this bundle"))
        .note(note)
        .help(format!("add `{key}` to `reach.without`, or build for a Region that offers it")),
        None => Diagnostic::new(
            Code::E062,
            format!("`{key}` is not offered in {region}"),
        )
        .at(span, "asked for here")
        .note(note)
        .help(format!(
            "remove it, or build for a Region that offers it (`vpcegen services --region {region}` lists what {region} offers)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, lowered};
    use super::*;

    fn spec(region: &str, reach: &str) -> String {
        format!("version = 1\nname = \"app\"\nregion = \"{region}\"\n[reach]\n{reach}\n")
    }

    #[test]
    fn an_unknown_region_is_e061_with_the_closest_name() {
        let (m, d) = lowered(&spec("eu-west-9", "services = [\"sqs\"]"), &[]);
        assert!(m.is_none());
        assert_eq!(codes(&d), [Code::E061]);
        let diag = d.iter().next().expect("one");
        assert_eq!(diag.help.as_deref(), Some("did you mean `eu-west-1`?"));
    }

    #[test]
    fn a_listed_service_not_offered_is_e062() {
        // botocore lists no `kms` endpoint of FIPS in ap-east-2; `sqs` is there.
        let (_, d) = lowered(
            &spec("ap-east-2", "services = [\"sqs\", \"kms-fips\"]"),
            &[],
        );
        assert_eq!(codes(&d), [Code::E064]);
        let (m, d) = lowered(&spec("ap-east-2", "services = [\"sqs\", \"kms\"]"), &[]);
        assert!(m.is_some(), "{:?}", codes(&d));
    }

    #[test]
    fn fips_variants_only_where_botocore_lists_them() {
        let (_, d) = lowered(&spec("eu-west-1", "services = [\"sts-fips\"]"), &[]);
        assert_eq!(codes(&d), [Code::E064]);
        let note = &d.iter().next().expect("one").notes[0];
        assert!(note.contains("us-east-1"), "{note}");
        let (m, _) = lowered(&spec("us-east-1", "services = [\"sts-fips\"]"), &[]);
        assert!(m.is_some());
    }

    #[test]
    fn a_bundle_member_not_offered_is_e063_at_the_bundle() {
        // No bundle of today's catalog misses a member in any Region botocore
        // knows, so the diagnostic is checked as `check` would build it.
        let span = Span::new(crate::source::FileId(0), 0..0);
        let d = not_offered("ecs", "eu-west-1", "ecs", Some("ecs-fargate"), span);
        assert_eq!(d.code, Code::E063);
        assert!(d.message.starts_with("bundle `ecs-fargate` includes `ecs`"));
        assert!(d.help.is_some_and(|h| h.contains("reach.without")));
        let d = not_offered("sqs", "eu-west-1", "sqs", None, span);
        assert_eq!(d.code, Code::E062);
    }

    #[test]
    fn unknown_services_own_names_other_partitions_and_no_region_are_not_checked() {
        // ssmmessages: botocore does not know it.
        let (m, _) = lowered(&spec("eu-west-1", "services = [\"ssmmessages\"]"), &[]);
        assert!(m.is_some());
        let own = "services = [\"sts-fips\"]\n[service.sts-fips]\nservice_name = \"com.example.x\"";
        let (m, d) = lowered(&spec("eu-west-1", own), &[]);
        assert!(m.is_some(), "{:?}", codes(&d));
        let (m, _) = lowered(&spec("us-gov-west-1", "services = [\"sts-fips\"]"), &[]);
        assert!(m.is_some());
        let (m, _) = lowered(
            "version = 1\nname = \"app\"\n[reach]\nservices = [\"sts-fips\"]\n",
            &[],
        );
        assert!(m.is_some());
    }
}
