//! Where each value of a spec was written, for `explain`.

use super::*;

/// Each value the spec sets and where it was written, in spec order.
pub(super) fn origins(spec: &Spec, sources: &SourceMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut at = |key: String, span: Span| out.push((key, sources.location(span)));
    at("name".into(), spec.name.span);
    if let Some(r) = &spec.region {
        at("region".into(), r.span);
    }
    if let Some(a) = &spec.account {
        at("account".into(), a.span);
    }
    for (k, v) in &spec.tags {
        at(format!("tags.{}", k.value), v.span);
    }
    let vpc = &spec.vpc;
    for (key, span) in [
        ("vpc.id", vpc.id.as_ref().map(|v| v.span)),
        ("vpc.cidr", vpc.cidr.as_ref().map(|v| v.span)),
        ("vpc.subnets", vpc.subnets.as_ref().map(|v| v.span)),
        (
            "vpc.route_tables",
            vpc.route_tables.as_ref().map(|v| v.span),
        ),
        ("vpc.az_ids", vpc.az_ids_span),
        (
            "reach.private_dns",
            spec.reach.private_dns.as_ref().map(|v| v.span),
        ),
        (
            "reach.security_group",
            spec.reach.security_group.as_ref().map(|v| v.span),
        ),
        ("reach.policy", spec.reach.policy.as_ref().map(|v| v.span)),
        (
            "terraform.aws_provider",
            spec.terraform.aws_provider.as_ref().map(|v| v.span),
        ),
    ] {
        if let Some(span) = span {
            at(key.into(), span);
        }
    }
    for w in &spec.reach.without {
        at(format!("reach.without {}", w.value), w.span);
    }
    for (k, s) in &spec.service {
        for (field, span) in [
            ("type", s.kind.as_ref().map(|v| v.span)),
            ("private_dns", s.private_dns.as_ref().map(|v| v.span)),
            ("policy", s.policy.as_ref().map(|v| v.span)),
            ("service_name", s.service_name.as_ref().map(|v| v.span)),
            ("ips", s.ips_span),
            ("region", s.region.as_ref().map(|v| v.span)),
        ] {
            if let Some(span) = span {
                at(format!("service.{k}.{field}"), span);
            }
        }
    }
    for (k, x) in &spec.expose {
        at(format!("expose.{k}"), x.key_span);
    }
    for (k, c) in &spec.connect {
        at(format!("connect.{k}"), c.key_span);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::load;
    use super::*;

    #[test]
    fn a_value_from_a_baseline_is_traced_to_the_baseline() {
        let t = load(
            "version = 1\nname = \"app\"\nextends = [\"base.toml\"]\n[reach]\nservices = [\"sts\"]\n",
            &[(
                "base.toml",
                "version = 1\nname = \"base\"\nregion = \"eu-west-1\"\n",
            )],
        );
        let o = origins(&t.spec, &t.sources);
        let find = |k: &str| {
            o.iter()
                .find(|(key, _)| key == k)
                .map(|(_, at)| at.as_str())
        };
        assert!(
            find("region").is_some_and(|at| at.ends_with("base.toml:3")),
            "{o:?}"
        );
        assert!(
            find("name").is_some_and(|at| at.ends_with("spec.toml:2")),
            "{o:?}"
        );
        assert_eq!(o[0].0, "name", "in spec order");
    }
}
