//! One endpoint per reached service: its name tag, identifier, service name,
//! private DNS and ports, and the checks that keep custom service keys
//! identifier-safe.

use super::*;
use crate::catalog::Service;
use crate::spec::ServiceSettings;
use services::Wanted;

/// Where private DNS was turned off (an explicit `false`, per service or for
/// the spec), with the services it turned it off for: one W204 each.
pub(super) type DnsOff = BTreeMap<Span, Vec<String>>;

/// Lowers each wanted service to an endpoint, sorted by key. A service whose
/// name cannot be decided is reported and left out.
pub(super) fn lower_endpoints(
    spec: &Spec,
    wanted: &Wanted,
    sources: &SourceMap,
    naming: &dyn Naming,
    d: &mut Diagnostics,
) -> (Vec<Endpoint>, DnsOff) {
    let catalog = Catalog::get();
    let mut dns_off = DnsOff::new();
    let mut endpoints = Vec::new();
    let mut policy_cache = policies::Cache::new();
    let mut custom_ids = CustomIds { naming, ids: None };
    let mut seen_ips = fixed_ips::Seen::new();
    for (key, (span, reasons)) in wanted {
        let settings = spec.service.get(key);
        let entry = catalog.service(key);
        let service_region = cross_region::service_region(spec, key, settings, entry, d);
        let kind = match service_region {
            Some(_) => EndpointType::Interface,
            None => services::endpoint_type(key, settings, entry, d),
        };
        let Some(service_name) = service_name(
            spec,
            key,
            *span,
            settings,
            entry,
            service_region.as_deref(),
            wanted,
            &mut custom_ids,
            d,
        ) else {
            continue;
        };
        let (private_dns, off_by) = private_dns(spec, key, kind, settings, entry, d);
        if let Some(off) = off_by {
            dns_off.entry(off).or_default().push(key.clone());
        }
        let (policy, policy_source) =
            policies::endpoint_policy(spec, key, settings, entry, sources, &mut policy_cache, d);
        let fixed_ips = fixed_ips::fixed_ips(spec, kind, settings, &mut seen_ips, d);
        let ports = match kind {
            EndpointType::Gateway => Vec::new(),
            EndpointType::Interface => entry.map(|e| e.ports()).unwrap_or_else(|| vec![443]),
        };
        endpoints.push(Endpoint {
            key: EndpointKey::Service(key.clone()),
            name_tag: format!("{}-{}", spec.name.value, key.replace(['.', '_'], "-")),
            ident: ident_of(key),
            kind,
            service_name,
            private_dns,
            ip_address_type: IpAddressType::Ipv4,
            dns_options_all_resolvers: key == "s3"
                && kind == EndpointType::Interface
                && private_dns == Some(true),
            ports,
            fixed_ips,
            fixed_ips_span: settings.and_then(|s| s.ips_span),
            service_region,
            policy,
            policy_source,
            reasons: reasons.clone(),
            own_security_group: None,
            reference: None,
            lattice: None,
        });
    }
    (endpoints, dns_off)
}

/// The endpoint service name: `service_name` as written, else the catalog's
/// pattern with the Region filled in (`other_region` for a cross-Region
/// endpoint; else the spec's, or left to deploy time). `None` when
/// it cannot be decided (E010 for an unsafe custom key, E023 for an
/// account-specific name) or the service is unknown (reported already).
#[allow(clippy::too_many_arguments)]
fn service_name<'a>(
    spec: &Spec,
    key: &str,
    span: Span,
    settings: Option<&ServiceSettings>,
    entry: Option<&Service>,
    other_region: Option<&str>,
    wanted: &'a Wanted,
    custom_ids: &mut CustomIds<'a>,
    d: &mut Diagnostics,
) -> Option<ServiceName> {
    match (settings.and_then(|s| s.service_name.as_ref()), entry) {
        (Some(sn), Some(_)) => Some(ServiceName::Literal(sn.value.clone())),
        (Some(sn), None) => {
            let naming = custom_ids.naming;
            let ids = custom_ids
                .ids
                .get_or_insert_with(|| identifiers(wanted, spec, naming));
            if let Some(help) = custom_key_problem(key, ids, naming) {
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
                return None;
            }
            d.push(
                Diagnostic::new(
                    Code::W101,
                    format!(
                        "`{key}` is not in the built-in catalog; using `service_name` as written"
                    ),
                )
                .at(sn.span, "not checked against the catalog")
                .help("check the name with `aws ec2 describe-vpc-endpoint-services`"),
            );
            Some(ServiceName::Literal(sn.value.clone()))
        }
        (None, Some(e)) => match e.name_pattern() {
            Some(p) => Some(
                match other_region.or(spec.region.as_ref().map(|r| r.value.as_str())) {
                    Some(r) => ServiceName::Literal(p.replace("{region}", r)),
                    None if p.contains("{region}") => ServiceName::Regional(p),
                    None => ServiceName::Literal(p),
                },
            ),
            None => {
                d.push(
                    Diagnostic::new(Code::E023, format!("`{key}` has an account-specific endpoint service name"))
                        .at(span, "cannot be built from the Region")
                        .help(format!(
                            "set `[service.\"{key}\"] service_name = \"...\"` with the name your account gets ({})",
                            e.name_format.as_deref().unwrap_or_default()
                        )),
                );
                None
            }
        },
        (None, None) => None, // reported by `services`
    }
}

/// Private DNS: none for gateways (E024 if asked for), off where AWS does not
/// support it, else the service's setting, the spec's, or on. Also returns
/// the span of a setting that turned supported private DNS off.
fn private_dns(
    spec: &Spec,
    key: &str,
    kind: EndpointType,
    settings: Option<&ServiceSettings>,
    entry: Option<&Service>,
    d: &mut Diagnostics,
) -> (Option<bool>, Option<Span>) {
    let explicit = settings.and_then(|s| s.private_dns.as_ref());
    if kind == EndpointType::Gateway {
        if let Some(p) = explicit {
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
        return (None, None);
    }
    let supported = entry.is_none_or(|e| e.supports_private_dns());
    let dns = match explicit {
        Some(p) if p.value && !supported => {
            d.push(
                Diagnostic::new(
                    Code::E024,
                    format!("AWS does not support private DNS for `{key}` interface endpoints"),
                )
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
        .filter(|p| !p.value && supported)
        .map(|p| p.span);
    (dns, off_by)
}

/// Who would get each endpoint identifier, as the target writes it: the
/// endpoints of a spec (by key, in order), then its connects. Built once per
/// spec, so that checking every custom key stays linear.
type Identifiers<'a> = std::collections::HashMap<String, Vec<(Option<&'a str>, String)>>;

/// The target's naming, and the identifiers once a custom key needs them.
struct CustomIds<'a> {
    naming: &'a dyn Naming,
    ids: Option<Identifiers<'a>>,
}

fn identifiers<'a, T>(
    wanted: &'a BTreeMap<String, T>,
    spec: &Spec,
    naming: &dyn Naming,
) -> Identifiers<'a> {
    let mut ids: Identifiers = std::collections::HashMap::new();
    for k in wanted.keys() {
        ids.entry(naming.endpoint(&ident_of(k)))
            .or_default()
            .push((Some(k.as_str()), format!("`{k}`")));
    }
    for c in spec.connect.keys() {
        ids.entry(naming.endpoint(&format!("connect_{}", ident_of(c))))
            .or_default()
            .push((None, format!("`[connect.{c}]`")));
    }
    ids
}

/// A `[service.<key>]` the catalog does not know names its endpoint's
/// resources, logical IDs and outputs, which cannot be escaped: the key must
/// be identifier-safe and must not give another endpoint's (or a connect's)
/// identifier as `naming` writes it.
fn custom_key_problem(key: &str, ids: &Identifiers, naming: &dyn Naming) -> Option<String> {
    let safe = key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    if !safe {
        return Some("name it with 1 to 64 lowercase letters, digits, `.`, `-` and `_`, starting with a letter, such as `example.orders`".into());
    }
    let ident = ident_of(key);
    let id = naming.endpoint(&ident);
    let clash = ids.get(&id).and_then(|owners| {
        owners
            .iter()
            .find(|(k, _)| *k != Some(key))
            .map(|(_, label)| label.clone())
    });
    clash.map(|other| {
        format!("`{key}` and {other} would get the same identifier (`{ident}`, `{id}`); rename one")
    })
}

pub(super) fn type_word(t: EndpointType) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::super::testing::model;
    use super::*;

    #[test]
    fn endpoints_are_sorted_named_and_typed_from_the_catalog() {
        let m = model(
            r#"version = 1
name = "app"
[reach]
services = ["sts", "s3", "ecr.dkr"]
"#,
        );
        let keys: Vec<String> = m.endpoints.iter().map(|e| e.key.to_string()).collect();
        assert_eq!(keys, ["ecr.dkr", "s3", "sts"], "sorted by key");
        let ecr = &m.endpoints[0];
        assert_eq!(ecr.ident, "ecr_dkr");
        assert_eq!(ecr.name_tag, "app-ecr-dkr");
        assert_eq!(ecr.kind, EndpointType::Interface);
        assert_eq!(ecr.ports, [443]);
        assert_eq!(ecr.private_dns, Some(true));
        let s3 = &m.endpoints[1];
        assert_eq!(s3.kind, EndpointType::Gateway, "S3 is a gateway by default");
        assert!(s3.ports.is_empty() && s3.private_dns.is_none());
        assert!(!s3.dns_options_all_resolvers);
    }

    #[test]
    fn an_s3_interface_endpoint_with_private_dns_writes_the_resolver_option() {
        let m = model(
            r#"version = 1
name = "app"
[reach]
services = ["s3"]
[service.s3]
type = "interface"
"#,
        );
        let s3 = &m.endpoints[0];
        assert_eq!(s3.kind, EndpointType::Interface);
        assert_eq!(s3.private_dns, Some(true));
        assert!(s3.dns_options_all_resolvers);
    }

    #[test]
    fn identifiers_are_snake_case_keys() {
        assert_eq!(ident_of("ecr.dkr"), "ecr_dkr");
        assert_eq!(ident_of("execute-api"), "execute_api");
        assert_eq!(ident_of("s3"), "s3");
    }
}
