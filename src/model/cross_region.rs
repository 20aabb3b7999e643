//! `[service.<name>] region`: a cross-Region interface endpoint to an AWS
//! service in another Region. Only the services the catalog marks
//! `cross_region` (PrivateLink Guide, "Cross-region enabled AWS services")
//! are offered so (E085); only interface endpoints (E086); the Region must
//! exist (E061) and offer the service (E062); the spec's own Region is
//! pointless (W121); some AZs do not offer cross-Region endpoints (W122).

use super::*;
use crate::catalog::Service;
use crate::spec::ServiceSettings;

/// AZ IDs where AWS offers no cross-Region endpoints (PrivateLink Guide,
/// "Cross-Region connectivity": considerations).
const NO_CROSS_REGION_AZS: &[&str] = &[
    "use1-az3",
    "usw1-az2",
    "apne1-az3",
    "apne2-az2",
    "apne2-az4",
];

/// The other Region `settings` asks for, once checked; `None` when none is
/// asked for, it is the spec's own, or it was refused (reported).
pub(super) fn service_region(
    spec: &Spec,
    key: &str,
    settings: Option<&ServiceSettings>,
    entry: Option<&Service>,
    d: &mut Diagnostics,
) -> Option<String> {
    let settings = settings?;
    let region = settings.region.as_ref()?;
    let name = region.value.as_str();
    if !entry.is_some_and(|e| e.cross_region) {
        d.push(not_cross_region(key, region.span));
        return None;
    }
    if let Some(k) = settings
        .kind
        .as_ref()
        .filter(|k| k.value == EndpointType::Gateway)
    {
        d.push(
            Diagnostic::new(
                Code::E086,
                format!("`{key}` in {name} needs an interface endpoint"),
            )
            .at(k.span, "a gateway endpoint stays in its Region")
            .also(region.span, "another Region")
            .help("remove `type`: a cross-Region endpoint is an interface endpoint"),
        );
        return None;
    }
    other_region(spec, &format!("service.{key}"), region, d)?;
    if let crate::regions::Offer::NotOffered { botocore } = crate::regions::offer(key, name) {
        d.push(regions::not_offered(key, name, botocore, None, region.span));
        return None;
    }
    warn_azs(spec, key, region.span, d);
    Some(name.to_owned())
}

/// A `region` naming another Region than the spec's: `None` for one that
/// does not exist (E061) or is the spec's own (W121, nothing to do).
pub(super) fn other_region(
    spec: &Spec,
    field: &str,
    region: &Sp<crate::spec::Region>,
    d: &mut Diagnostics,
) -> Option<String> {
    let name = region.value.as_str();
    if crate::regions::region(name).is_none() {
        d.push(crate::regions::unknown_region(name).at(region.span, "not a Region"));
        return None;
    }
    if spec
        .region
        .as_ref()
        .is_some_and(|r| r.value.as_str() == name)
    {
        d.push(
            Diagnostic::new(
                Code::W121,
                format!("`{field}` names the spec's own Region {name}"),
            )
            .at(region.span, "same as `region`")
            .help("remove it: this Region needs no cross-Region setting"),
        );
        return None;
    }
    Some(name.to_owned())
}

/// `expose.<key>.regions`: the spec's Region first, then each other one
/// that exists; empty when none is asked for or the spec has no `region`
/// (E089: the home Region must be known to list it and to compare).
pub(super) fn supported_regions(
    spec: &Spec,
    key: &str,
    x: &crate::spec::Expose,
    d: &mut Diagnostics,
) -> Vec<String> {
    let (Some(span), false) = (x.regions_span, x.regions.is_empty()) else {
        return Vec::new();
    };
    let Some(home) = &spec.region else {
        // A `region` written wrong was reported where it was read.
        if spec.unread.has("region") {
            return Vec::new();
        }
        d.push(
            Diagnostic::new(
                Code::E089,
                format!("`expose.{key}.regions` needs the spec's `region`"),
            )
            .at(span, "other Regions, but this spec's is not known")
            .help("set `region` at the top of the spec"),
        );
        return Vec::new();
    };
    let field = format!("expose.{key}.regions");
    let others = x
        .regions
        .iter()
        .filter_map(|r| other_region(spec, &field, r, d));
    std::iter::once(home.value.to_string())
        .chain(others)
        .collect()
}

/// The service Region of `[connect.<key>]`: its own `region`, else the
/// one the link decided (`linked`, the provider spec's); W122 when the
/// VPC's AZs include one without cross-Region endpoints.
pub(super) fn connect_region(
    spec: &Spec,
    key: &str,
    c: &crate::spec::Connect,
    linked: Option<String>,
    d: &mut Diagnostics,
) -> Option<String> {
    let field = format!("connect.{key}");
    if let (Some(r), Some(kind)) = (&c.region, region_refused(c)) {
        d.push(
            Diagnostic::new(Code::E099, format!("`{field}.region` on a {kind} connect"))
                .at(r.span, "only `service_name` connects reach another Region")
                .help("remove `region`: this endpoint reaches a target in the VPC's own Region"),
        );
        return None;
    }
    name_region_mismatch(spec, &field, c, d);
    let own = c
        .region
        .as_ref()
        .and_then(|r| other_region(spec, &field, r, d));
    let region = own.or(linked)?;
    let span = c.region.as_ref().map_or(c.target.span, |r| r.span);
    warn_azs(spec, &field, span, d);
    Some(region)
}

/// E100 when a literal endpoint service name (`com.amazonaws.vpce.<region>.
/// vpce-svc-...`) names another Region than the one the endpoint reaches
/// (the connect's `region`, else the spec's): AWS would not find the
/// service at apply time.
fn name_region_mismatch(spec: &Spec, field: &str, c: &crate::spec::Connect, d: &mut Diagnostics) {
    use crate::spec::{ConnectTarget, ServiceRef};
    let (ConnectTarget::Service(ServiceRef::Literal(name))
    | ConnectTarget::GatewayLoadBalancer(ServiceRef::Literal(name))) = &c.target.value
    else {
        return;
    };
    let Some(named) = name
        .value
        .strip_prefix("com.amazonaws.vpce.")
        .and_then(|rest| rest.split_once(".vpce-svc-"))
        .map(|(region, _)| region)
    else {
        return;
    };
    let (reached, span, whose) = match (&c.region, &spec.region) {
        (Some(r), _) => (r.value.to_string(), r.span, format!("`{field}.region`")),
        (None, Some(r)) => (
            r.value.to_string(),
            r.span,
            "the spec's `region`".to_string(),
        ),
        (None, None) => return,
    };
    if named == reached {
        return;
    }
    d.push(
        Diagnostic::new(
            Code::E100,
            format!("`{field}` names an endpoint service in {named}, but the endpoint reaches {reached}"),
        )
        .at(name.span, format!("a service in {named}"))
        .also(span, format!("{whose}: {reached}"))
        .help(if c.region.is_none() && matches!(c.target.value, ConnectTarget::Service(_)) {
            format!("if the service is in {named}, set `{field}.region = \"{named}\"` (a cross-Region endpoint); else correct the service name")
        } else {
            "make the service name and the Region agree".to_string()
        }),
    );
}

/// The kind of connect target that cannot be in another Region: VPC
/// Lattice targets and Gateway Load Balancer endpoint services.
fn region_refused(c: &crate::spec::Connect) -> Option<&'static str> {
    use crate::spec::ConnectTarget;
    match &c.target.value {
        ConnectTarget::Service(_) => None,
        ConnectTarget::GatewayLoadBalancer(_) => Some("`gateway_load_balancer`"),
        ConnectTarget::Lattice(..) => Some("VPC Lattice"),
    }
}

/// E085, naming the service and the ones that are offered across Regions.
fn not_cross_region(key: &str, span: Span) -> Diagnostic {
    let offered: Vec<&str> = Catalog::get()
        .services
        .iter()
        .filter(|s| s.cross_region)
        .map(|s| s.suffix.as_ref())
        .collect();
    Diagnostic::new(Code::E085, format!("`{key}` is not offered across Regions"))
        .at(span, "AWS offers no cross-Region endpoint for this service")
        .note(format!(
            "the PrivateLink Guide (\"Cross-region enabled AWS services\") lists: {}",
            offered.join(", ")
        ))
        .help("remove `region`, or reach the service from a VPC in its Region")
}

/// W122 when `vpc.az_ids` include an AZ without cross-Region endpoints.
fn warn_azs(spec: &Spec, key: &str, span: Span, d: &mut Diagnostics) {
    for az in &spec.vpc.az_ids {
        if NO_CROSS_REGION_AZS.contains(&az.value.as_str()) {
            d.push(
                Diagnostic::new(
                    Code::W122,
                    format!(
                        "cross-Region endpoints are not offered in {}",
                        az.value.as_str()
                    ),
                )
                .at(az.span, "listed in `vpc.az_ids`")
                .also(span, format!("`{key}` is reached in another Region"))
                .help("put the endpoint's subnets in other AZs"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, lowered, model};
    use super::*;

    fn spec(extra: &str) -> String {
        format!(
            "version = 1\nname = \"a\"\nregion = \"eu-west-1\"\n[reach]\nservices = [\"s3\", \"sqs\"]\n{extra}"
        )
    }

    #[test]
    fn s3_in_another_region_is_an_interface_endpoint_named_there() {
        let m = model(&spec("[service.s3]\nregion = \"us-east-1\"\n"));
        let e = m.endpoints.iter().find(|e| e.ident == "s3").expect("s3");
        assert_eq!(e.kind, EndpointType::Interface);
        assert_eq!(e.service_region.as_deref(), Some("us-east-1"));
        assert_eq!(
            e.service_name,
            ServiceName::Literal("com.amazonaws.us-east-1.s3".into())
        );
    }

    #[test]
    fn refusals_and_warnings() {
        let c = |s: &str| codes(&lowered(&spec(s), &[]).1);
        assert_eq!(c("[service.sqs]\nregion = \"us-east-1\"\n"), [Code::E085]);
        assert_eq!(
            c("[service.s3]\nregion = \"us-east-1\"\ntype = \"gateway\"\n"),
            [Code::E086]
        );
        assert_eq!(c("[service.s3]\nregion = \"us-east-9\"\n"), [Code::E061]);
        assert_eq!(c("[service.s3]\nregion = \"eu-west-1\"\n"), [Code::W121]);
        let azs = "[vpc]\naz_ids = [\"use1-az3\"]\n[service.s3]\nregion = \"us-east-1\"\n";
        assert!(c(azs).contains(&Code::W122));
    }

    #[test]
    fn a_connect_region_and_expose_regions() {
        let m = model(&spec(
            "[connect.billing]\nservice_name = \"com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0\"\nregion = \"us-east-1\"\n[expose.api]\nload_balancer = { port = 443 }\nallowed_principals = [\"*\"]\nacceptance_required = true\nregions = [\"us-east-1\", \"ap-south-1\"]\n",
        ));
        assert_eq!(m.connects[0].service_region.as_deref(), Some("us-east-1"));
        assert_eq!(
            m.exposes[0].supported_regions,
            ["eu-west-1", "us-east-1", "ap-south-1"],
            "the home Region first"
        );
        let own = "[expose.api]\nload_balancer = { port = 443 }\nallowed_principals = [\"*\"]\nacceptance_required = true\nregions = [\"eu-west-1\"]\n";
        assert!(codes(&lowered(&spec(own), &[]).1).contains(&Code::W121));
        let no_region = format!("version = 1\nname = \"a\"\n{own}");
        assert!(codes(&lowered(&no_region, &[]).1).contains(&Code::E089));
    }

    /// W122 for a connect across Regions too, pointing at the AZ and at
    /// the connect's `region`; E086 points at `type` and at `region`.
    #[test]
    fn labels_point_at_both_places() {
        let connect = "[vpc]\naz_ids = [\"use1-az3\"]\n[connect.x]\nservice_name = \"com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0\"\nregion = \"us-east-1\"\n";
        let (_, d) = lowered(&spec(connect), &[]);
        let w = d
            .iter()
            .find(|x| x.code == Code::W122)
            .expect("the warning");
        assert_eq!(w.secondary.len(), 1);
        let gateway = "[service.s3]\nregion = \"us-east-1\"\ntype = \"gateway\"\n";
        let (_, d) = lowered(&spec(gateway), &[]);
        let e = d.iter().find(|x| x.code == Code::E086).expect("the error");
        assert_eq!(e.secondary.len(), 1);
    }
}
