//! Specs built together in two Regions: a consumer's connect reaches the
//! provider's Region (decided here, once, for the plan), its own `region`
//! may not say otherwise (E087), and the provider's expose must list the
//! consumer's Region in `regions` (E088).

use super::{ExposeFacts, Facts};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::Reference;

/// The service Region of connect `r` of consumer `m` to expose `x` of
/// provider `p`, when both Regions are known and differ.
pub(super) fn pair(
    m: &Facts,
    p: &Facts,
    x: &ExposeFacts,
    r: &Reference,
    d: &mut Diagnostics,
) -> Option<String> {
    let (provider, provider_span) = p.region.as_ref()?;
    if let Some(own) = r.region.as_ref().filter(|own| own.value != *provider) {
        let mut diag = Diagnostic::new(
            Code::E087,
            format!(
                "`region = \"{}\"` of this connect, but `{}` is in {provider}",
                own.value, p.shown
            ),
        )
        .at(own.span, "the connect says this Region")
        .help("remove the connect's `region`: the spec it connects to decides");
        if let Some(span) = provider_span {
            diag = diag.also(*span, "the provider spec's Region");
        }
        d.push(diag);
    }
    let (consumer, _) = m.region.as_ref()?;
    if consumer == provider {
        return None;
    }
    if !x.regions.contains(consumer) {
        let mut diag = Diagnostic::new(
            Code::E088,
            format!(
                "`{}` in {consumer} connects to `{}` of `{}` in {provider}, which does not accept consumers from {consumer}",
                m.name, x.key, p.shown
            ),
        )
        .at(r.span, "a consumer in another Region")
        .help(format!(
            "add \"{consumer}\" to `regions` of `[expose.{}]`",
            x.key
        ));
        if let Some(span) = x.regions_span {
            diag = diag.also(span, format!("{consumer} is not among these Regions"));
        }
        d.push(diag);
    }
    Some(provider.clone())
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Code, Severity};
    use crate::render::Target;

    /// Builds a provider in eu-west-1 (expose `regions` as given) and a
    /// consumer in `consumer_region` whose AZ IDs share none with it; the
    /// errors and the connect's service Region.
    fn pair(regions: &str, consumer_region: &str, connect: &str) -> (Vec<Code>, Option<String>) {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("p.toml");
        std::fs::write(&p, format!("version = 1\nname = \"p\"\nregion = \"eu-west-1\"\n[vpc]\naz_ids = [\"euw1-az1\"]\n[expose.api]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"*\"]\nacceptance_required = true\n{regions}")).unwrap();
        let c = tmp.path().join("c.toml");
        std::fs::write(&c, format!("version = 1\nname = \"c\"\nregion = \"{consumer_region}\"\n[vpc]\naz_ids = [\"use1-az1\"]\n[connect.api]\nservice_name = {{ spec = \"p.toml\", expose = \"api\" }}\n{connect}")).unwrap();
        let built = crate::compile(&[c], Some(Target::Terraform), false);
        let errors = built
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code)
            .collect();
        let region = built
            .ok()
            .then(|| built.plan(0).ok())
            .flatten()
            .and_then(|m| m.connects[0].service_region.clone());
        (errors, region)
    }

    #[test]
    fn across_regions_the_provider_decides_and_azs_are_not_compared() {
        let listed = "regions = [\"us-east-1\"]\n";
        assert_eq!(
            pair(listed, "us-east-1", ""),
            (vec![], Some("eu-west-1".into()))
        );
        assert_eq!(pair("", "us-east-1", "").0, [Code::E088]);
        let conflict = "region = \"eu-central-1\"\n";
        assert_eq!(pair(listed, "us-east-1", conflict).0, [Code::E087]);
        // Within one Region, the AZ IDs are compared (none shared: E052).
        assert_eq!(pair("", "eu-west-1", "").0, [Code::E052]);
    }
}
