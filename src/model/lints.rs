//! Security and quota lints: settings that are valid but probably not what
//! the author meant (open security groups, full-access policies, private DNS
//! off, anyone may connect, too many endpoints for one VPC). Each lint reads
//! what a pass decided and only reports.

use super::*;

/// W204: one warning per place that turned private DNS off, naming its services.
pub(super) fn private_dns_off(dns_off: &endpoints::DnsOff, d: &mut Diagnostics) {
    for (span, keys) in dns_off {
        let names = keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (what, them) = if keys.len() == 1 {
            ("endpoint", "its")
        } else {
            ("endpoints", "their")
        };
        d.push(
            Diagnostic::new(Code::W204, format!("private DNS is off for the {names} interface {what}"))
                .at(*span, "private DNS off")
                .note(format!(
                    "SDKs and the CLI still resolve {them} public names, so calls leave the VPC through a NAT gateway (or fail) instead of using the endpoint, and nothing shows it"
                ))
                .help("turn private DNS on, or make sure every client is configured with the endpoint's own DNS names"),
        );
    }
}

/// W201: the endpoints' security group admits every address.
pub(super) fn open_ingress(cidrs: &[Sp<Cidr>], d: &mut Diagnostics) {
    for c in cidrs
        .iter()
        .filter(|c| c.value.as_str() == "0.0.0.0/0" || c.value.as_str() == "::/0")
    {
        d.push(
            Diagnostic::new(Code::W201, format!("the endpoints' security group admits `{}`, every address", c.value))
                .at(c.span, "open to any source")
                .note("anything that can route into the VPC (peering, transit gateway, VPN, a misconfigured route) may then call AWS through these endpoints with your endpoint policies")
                .help("admit the VPC CIDR or your organisation's ranges instead"),
        );
    }
}

/// W202: a hand-written policy that is AWS's full-access default.
pub(super) fn permissive_policy(
    shown: &str,
    span: Span,
    doc: Option<&serde_json::Value>,
    d: &mut Diagnostics,
) {
    if doc.is_some_and(allows_everything) {
        d.push(
            Diagnostic::new(Code::W202, format!("policy `{shown}` allows every action on every resource to every principal"))
                .at(span, "a statement with `*` principal, action and resource, and no condition")
                .note("that is AWS's default full-access policy written out: it restricts nothing, which a reviewer may not expect of a hand-written policy")
                .help("narrow `Action` and `Resource`, or add a `Condition` such as `aws:PrincipalOrgID` (or use `{ allow_org = \"o-...\" }`)"),
        );
    }
}

/// A statement that allows `*` to `*` on `*` with no condition.
fn allows_everything(doc: &serde_json::Value) -> bool {
    let star = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s == "*",
        serde_json::Value::Array(a) => a.iter().any(|x| x == "*"),
        serde_json::Value::Object(o) => o
            .get("AWS")
            .is_some_and(|x| x == "*" || x.as_array().is_some_and(|a| a.iter().any(|y| y == "*"))),
        _ => false,
    };
    let statements: Vec<&serde_json::Value> = match doc.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    statements.iter().any(|st| {
        st.get("Effect").is_some_and(|e| e == "Allow")
            && st.get("Principal").is_some_and(star)
            && st.get("Action").is_some_and(star)
            && st.get("Resource").is_some_and(star)
            && st.get("Condition").is_none()
    })
}

/// W205: more interface and Gateway Load Balancer endpoints (reach and
/// connect; they share one quota) than the default per-VPC quota. VPC
/// Lattice endpoints have quotas of their own.
pub(super) fn interface_quota(
    spec: &Spec,
    endpoints: &[Endpoint],
    connects: &[Endpoint],
    gwlb_endpoints: usize,
    d: &mut Diagnostics,
) {
    let interface_count = endpoints
        .iter()
        .filter(|e| e.kind == EndpointType::Interface)
        .count()
        + connects.iter().filter(|c| c.lattice.is_none()).count()
        + gwlb_endpoints;
    if interface_count > INTERFACE_ENDPOINT_QUOTA {
        d.push(
            Diagnostic::new(
                Code::W205,
                format!("{interface_count} interface endpoints in one VPC; the default quota is {INTERFACE_ENDPOINT_QUOTA}"),
            )
            .at(spec.name.span, "this VPC")
            .note("the quota counts interface and Gateway Load Balancer endpoints per VPC; creating more fails at apply time")
            .help("request an increase of \"Interface and Gateway Load Balancer endpoints per VPC\" in Service Quotas before deploying, or split the services across VPCs"),
        );
    }
}

/// Who may connect to an expose: E050 for anyone without review, W110 for
/// no one, I203 for each whole account.
pub(super) fn expose_principals(
    key: &str,
    x: &crate::spec::Expose,
    acceptance_required: bool,
    d: &mut Diagnostics,
) {
    if let Some(star) = x
        .allowed_principals
        .iter()
        .find(|p| p.value.as_str() == "*")
    {
        if !acceptance_required {
            let mut diag = Diagnostic::new(
                Code::E050,
                format!("`expose.{key}` lets any AWS account connect: `*` with `acceptance_required = false`"),
            )
            .at(star.span, "every AWS account may connect")
            .note("with `*` any account can create an endpoint to this service, and without acceptance each connection is live at once")
            .help("name the accounts or roles that may connect, or set `acceptance_required = true` to approve each connection");
            if let Some(a) = &x.acceptance_required {
                diag = diag.also(a.span, "connections are accepted without review");
            }
            d.push(diag);
        }
    }
    if x.allowed_principals.is_empty() {
        d.push(
            Diagnostic::new(Code::W110, format!("`expose.{key}` allows no principals: no other account can connect"))
                .at(x.key_span, "no `allowed_principals`")
                .help("list the accounts or roles of the consumers, such as `allowed_principals = [\"arn:aws:iam::444455556666:root\"]`"),
        );
    }
    for root in x
        .allowed_principals
        .iter()
        .filter(|p| p.value.as_str().ends_with(":root"))
    {
        d.push(
            Diagnostic::new(Code::I203, format!("`{}` lets every role and user of the account connect", root.value))
                .at(root.span, "a whole account")
                .help("when you know which role creates the endpoint, name it (`arn:aws:iam::<account>:role/<name>`)"),
        );
    }
}

/// A created NLB admits, by default, only its own VPC's CIDR on the
/// listener; AWS checks PrivateLink traffic against the consumers' own
/// addresses (its "Security groups for your Network Load Balancer"), so
/// consumers in other VPCs need their CIDRs listed: W112.
pub(super) fn expose_ingress(key: &str, x: &crate::spec::Expose, d: &mut Diagnostics) {
    let crate::spec::LoadBalancer::Create(c) = &x.load_balancer.value else {
        return;
    };
    if x.allowed_principals.is_empty() || !c.ingress_cidrs.is_empty() {
        return;
    }
    d.push(
        Diagnostic::new(
            Code::W112,
            format!("`expose.{key}` admits only its own VPC's CIDR: consumers in other VPCs will be refused"),
        )
        .at(x.load_balancer.span, "no `ingress_cidrs`: the NLB's group admits the VPC's CIDR")
        .note("the NLB's security group is enforced on PrivateLink traffic, and AWS checks it against the consumers' private addresses, not the endpoint's")
        .help("list the consumers' VPC CIDRs, such as `ingress_cidrs = [\"10.0.0.0/8\"]`"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, load};
    use super::*;

    #[test]
    fn private_dns_off_for_the_spec_is_one_warning_naming_each_service() {
        let t = load(
            r#"version = 1
name = "app"
[reach]
services = ["sts", "kms", "s3"]
private_dns = false
"#,
            &[],
        );
        let mut d = Diagnostics::default();
        let wanted = services::wanted(&t.spec, &t.sources, &mut d);
        let (endpoints, dns_off) =
            endpoints::lower_endpoints(&t.spec, &wanted, &t.sources, &SnakeCase, &mut d);
        assert!(endpoints.iter().all(|e| e.private_dns != Some(true)));
        private_dns_off(&dns_off, &mut d);
        assert_eq!(codes(&d), [Code::W204]);
        let w204 = d.iter().next().expect("one diagnostic");
        // s3 is a gateway endpoint, which has no private DNS to turn off.
        assert_eq!(
            w204.message,
            "private DNS is off for the `kms`, `sts` interface endpoints"
        );
    }

    #[test]
    fn only_an_unconditional_full_access_policy_is_permissive() {
        let full = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
        ]});
        let mut d = Diagnostics::default();
        permissive_policy(
            "p.json",
            Span::new(crate::source::FileId(0), 0..1),
            Some(&full),
            &mut d,
        );
        assert_eq!(codes(&d), [Code::W202]);
        let mut d = Diagnostics::default();
        permissive_policy(
            "org",
            Span::new(crate::source::FileId(0), 0..1),
            Some(&org_policy("o-abc")),
            &mut d,
        );
        let scoped = serde_json::json!({"Statement": {
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"
        }});
        permissive_policy(
            "p.json",
            Span::new(crate::source::FileId(0), 0..1),
            Some(&scoped),
            &mut d,
        );
        assert_eq!(codes(&d), [] as [Code; 0]);
    }

    #[test]
    fn a_created_nlb_open_to_other_accounts_without_ingress_cidrs_warns() {
        let t = load(
            r#"version = 1
name = "app"
[expose.open]
load_balancer = { port = 443 }
allowed_principals = ["arn:aws:iam::444455556666:root"]
[expose.listed]
load_balancer = { port = 443, ingress_cidrs = ["10.0.0.0/8"] }
allowed_principals = ["arn:aws:iam::444455556666:root"]
[expose.nobody]
load_balancer = { port = 443 }
[expose.existing]
load_balancer = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/x/0123456789abcdef"
allowed_principals = ["arn:aws:iam::444455556666:root"]
"#,
            &[],
        );
        let mut d = Diagnostics::default();
        for (key, x) in &t.spec.expose {
            expose_ingress(key, x, &mut d);
        }
        assert_eq!(codes(&d), [Code::W112]);
        let w = d.iter().next().expect("one diagnostic");
        assert!(w.message.starts_with("`expose.open`"), "{}", w.message);
    }
}
