//! `vpcegen services`: the catalog as a table, then the bundles; with
//! `--region`, only what botocore's endpoint data lists in that Region.

use crate::catalog;
use crate::diagnostic::Diagnostics;
use crate::regions::{Offer, offer};
use std::io::Write;

mod json;

pub(crate) use crate::cli::ServicesFormat;

/// What `--region`, `--ipv6` and `--cross-region` keep: the facts the
/// spec's checks read, so the table lists what a spec may ask for. `dns`
/// keeps nothing: it shows each service's private DNS names.
#[derive(Clone, Copy, Default)]
pub(crate) struct Only<'a> {
    pub region: Option<&'a str>,
    pub ipv6: bool,
    pub cross_region: bool,
    pub dns: bool,
}

impl Only<'_> {
    fn keeps(&self, s: &catalog::Service) -> bool {
        let refused = self
            .region
            .is_some_and(|r| matches!(offer(&s.suffix, r), Offer::NotOffered { .. }));
        !refused && (!self.ipv6 || s.supports_ipv6()) && (!self.cross_region || s.cross_region)
    }
}

/// Prints the table (or its JSON); an unknown `--region` is E061, as in a
/// spec; a filter that keeps nothing fails, so a script notices a typo.
pub(crate) fn run(
    filter: Option<&str>,
    only: Only,
    format: ServicesFormat,
    report: super::Report,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    if let Some(r) = only.region.filter(|r| crate::regions::region(r).is_none()) {
        let mut d = Diagnostics::default();
        d.push(crate::regions::unknown_region(r));
        report.print_diagnostics(&d, &crate::source::SourceMap::default(), stderr);
        return crate::EXIT_INVALID;
    }
    let kept = Selection::of(filter, only);
    if kept.services.is_empty() && kept.bundles.is_empty() {
        let _ = writeln!(
            stderr,
            "error: {}",
            super::escape_controls(&nothing(filter, only))
        );
        return crate::EXIT_INVALID;
    }
    let text = match format {
        ServicesFormat::Text => table(&kept, only),
        ServicesFormat::Json => json::render(&kept, only),
    };
    let _ = stdout.write_all(text.as_bytes());
    0
}

/// What was asked for that nothing in the catalog is.
fn nothing(filter: Option<&str>, only: Only) -> String {
    let mut what = match filter {
        Some(f) => format!("no catalog service or bundle matches `{f}`"),
        None => "no catalog service or bundle is left".to_string(),
    };
    let flags: Vec<&str> = [(only.ipv6, "--ipv6"), (only.cross_region, "--cross-region")]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
    if !flags.is_empty() {
        what.push_str(&format!(" with {}", flags.join(" ")));
    }
    if let Some(r) = only.region {
        what.push_str(&format!(" in {r}"));
    }
    what + "; `vpcegen services` lists the whole catalog"
}

/// `vpcegen services`: the catalog as a table, then the bundles.
pub fn services_table(filter: Option<&str>) -> String {
    table(&Selection::of(filter, Only::default()), Only::default())
}

/// The services and bundles a filter and `Only` keep, limited to `region`
/// (a Region that exists) when given: a service or bundle member botocore
/// does not list there is left out; one botocore does not know stays
/// (vpcegen never refuses it).
pub(crate) struct Selection {
    pub services: Vec<&'static catalog::Service>,
    pub bundles: Vec<&'static catalog::Bundle>,
}

impl Selection {
    fn of(filter: Option<&str>, only: Only) -> Selection {
        let c = catalog::Catalog::get();
        let refused = |s: &str| {
            only.region
                .is_some_and(|r| matches!(offer(s, r), Offer::NotOffered { .. }))
        };
        let matches = |s: &catalog::Service| {
            only.keeps(s)
                && filter.is_none_or(|f| {
                    let f = f.to_lowercase();
                    s.suffix.contains(&f)
                        || s.title.to_lowercase().contains(&f)
                        || s.aliases.iter().any(|a| a.contains(&f))
                })
        };
        let bundle = |b: &catalog::Bundle| {
            filter.is_none_or(|f| b.name.contains(f) || b.services.iter().any(|s| s.contains(f)))
                && !b.services.iter().any(|s| refused(s))
        };
        Selection {
            services: c.services.iter().filter(|s| matches(s)).collect(),
            bundles: c.bundles.iter().filter(|b| bundle(b)).collect(),
        }
    }
}

/// The table of what `kept` holds.
fn table(kept: &Selection, only: Only) -> String {
    use std::fmt::Write as _;
    let c = catalog::Catalog::get();
    let region = only.region;
    let rows = &kept.services;
    let width = rows
        .iter()
        .map(|s| s.suffix.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:<17}  {:<11}  ENDPOINT SERVICE NAME / TITLE",
        "NAME", "TYPES", "PORTS"
    );
    for s in rows {
        let ports: Vec<String> = s.ports().iter().map(u16::to_string).collect();
        let _ = writeln!(
            out,
            "{:<width$}  {:<17}  {:<11}  {} ({})",
            s.suffix,
            s.types.join(", ").to_lowercase(),
            ports.join(","),
            service_name(s),
            s.title
        );
        if only.dns {
            let _ = writeln!(out, "{}", dns_line(&s.suffix, region));
        }
    }
    if !kept.bundles.is_empty() {
        let _ = writeln!(out, "\nBUNDLES");
        for b in &kept.bundles {
            let _ = writeln!(out, "{:<width$}  {}", b.name, b.services.join(", "));
        }
    }
    let _ = writeln!(out, "\n{} of {} services", rows.len(), c.services.len());
    if let Some(r) = region {
        let _ = writeln!(out, "{}", region_note(r));
    }
    out
}

/// The endpoint service name as the catalog writes it (`{region}`, and
/// `{cell}` for cell-based names).
fn service_name(s: &catalog::Service) -> String {
    s.name_format.as_ref().map_or_else(
        || format!("com.amazonaws.{{region}}.{}", s.suffix),
        |f| f.to_string(),
    )
}

/// `--dns`: the private DNS names of `service` in `region` (`{region}`
/// kept without one), indented under its row.
fn dns_line(service: &str, region: Option<&str>) -> String {
    let names = dns_names(service, region);
    let names = names.map_or_else(|| "unknown".to_string(), |n| n.join(", "));
    format!("    private DNS: {names}")
}

/// The private DNS names of `service` in `region` (`{region}` kept
/// without one); `None` when unknown.
fn dns_names(service: &str, region: Option<&str>) -> Option<Vec<String>> {
    crate::regions::private_dns_names(service, region.unwrap_or("{region}"))
}

/// What `--region` left out, and what it could not judge.
fn region_note(region: &str) -> String {
    let known = crate::regions::region(region).is_some_and(|(_, r)| r.services_known);
    let version = crate::regions::BOTOCORE;
    if known {
        format!(
            "in {region}: services botocore {version}'s endpoint data does not list there are left out; services it does not know are kept (vpcegen never refuses them)"
        )
    } else {
        format!(
            "in {region}: botocore {version}'s endpoint data has no service facts for this Region, so nothing is left out"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(filter: Option<&str>, only: Only) -> String {
        super::table(&Selection::of(filter, only), only)
    }

    fn in_region(r: &str) -> Only<'_> {
        Only {
            region: Some(r),
            ..Only::default()
        }
    }

    #[test]
    fn a_region_leaves_out_what_botocore_does_not_list_there() {
        let all = table(Some("fips"), Only::default());
        let east = table(Some("fips"), in_region("us-east-1"));
        let ireland = table(Some("fips"), in_region("eu-west-1"));
        assert!(all.contains("\nsts-fips ") && east.contains("\nsts-fips "));
        assert!(!ireland.contains("\nsts-fips "), "{ireland}");
        // Not known to botocore: kept.
        assert!(table(Some("ssmmessages"), in_region("eu-west-1")).contains("\nssmmessages "));
        assert!(ireland.contains("left out"));
        assert!(table(None, in_region("us-gov-west-1")).contains("nothing is left out"));
    }

    #[test]
    fn dns_shows_private_dns_names_under_each_service_only_when_asked() {
        let dns = |region| Only {
            region,
            dns: true,
            ..Only::default()
        };
        let plain = table(Some("sqs"), Only::default());
        assert!(!plain.contains("private DNS"), "{plain}");
        let anywhere = table(Some("sqs"), dns(None));
        assert!(
            anywhere.contains("\nsqs ")
                && anywhere.contains("    private DNS: sqs.{region}.amazonaws.com\n"),
            "{anywhere}"
        );
        let ireland = table(Some("ecr"), dns(Some("eu-west-1")));
        assert!(
            ireland.contains("    private DNS: *.dkr.ecr.eu-west-1.amazonaws.com\n"),
            "{ireland}"
        );
        assert!(table(Some("sqs-fips"), dns(None)).contains("    private DNS: unknown\n"));
    }

    #[test]
    fn nothing_names_every_filter_given() {
        let only = Only {
            region: Some("eu-west-1"),
            ipv6: true,
            cross_region: true,
            dns: true,
        };
        assert_eq!(
            nothing(None, only),
            "no catalog service or bundle is left with --ipv6 --cross-region in eu-west-1; `vpcegen services` lists the whole catalog"
        );
    }

    #[test]
    fn an_unknown_region_is_e061_and_fails() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let report = super::super::Report {
            format: crate::cli::MessageFormat::Human,
            building: false,
        };
        let text = ServicesFormat::Text;
        let code = run(
            None,
            in_region("eu-west-9"),
            text,
            report,
            &mut out,
            &mut err,
        );
        assert_eq!(code, crate::EXIT_INVALID);
        assert!(out.is_empty());
        let err = String::from_utf8(err).expect("utf-8");
        assert!(
            err.starts_with("error[E061]: `eu-west-9` is not an AWS Region"),
            "{err}"
        );
        assert!(err.contains("did you mean `eu-west-1`?"), "{err}");
    }
}
