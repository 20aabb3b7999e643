//! Scanner skips: the checkov checks a created resource fails on purpose or
//! to which it does not apply, each with the reason a reviewer reads next
//! to the resource. Decided here once; each backend writes them in
//! checkov's own form (a `#checkov:skip=` line in Terraform, the resource's
//! `Metadata.checkov.skip` in CloudFormation), escaped for its target.

use super::*;

/// A checkov check vpcegen's output may skip. Only checks listed here can
/// be skipped, and each skip carries its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// CKV_AWS_91: load balancer access logs.
    LbAccessLogs,
    /// CKV_AWS_150: load balancer deletion protection.
    LbDeletionProtection,
    /// CKV2_AWS_20: an ALB's port-80 listener redirects HTTP to HTTPS.
    AlbHttpsRedirect,
    /// CKV_AWS_123: endpoint service acceptance.
    EndpointServiceAcceptance,
}

impl Check {
    /// The ID checkov knows the check by.
    pub fn id(self) -> &'static str {
        match self {
            Check::LbAccessLogs => "CKV_AWS_91",
            Check::LbDeletionProtection => "CKV_AWS_150",
            Check::AlbHttpsRedirect => "CKV2_AWS_20",
            Check::EndpointServiceAcceptance => "CKV_AWS_123",
        }
    }
}

/// One skipped check and why, on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub check: Check,
    pub reason: String,
}

/// The skips of one created resource, in the order they are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSkips {
    pub resource: ResourceId,
    pub skips: Vec<Skip>,
}

const ACCESS_LOGS: &str = "an NLB writes access logs only for TLS listeners; this one's listener is TCP, so there is nothing to log";
const DELETION_PROTECTION: &str =
    "deletion protection is turned off in the spec (load_balancer.deletion_protection = false)";
const HTTPS_REDIRECT: &str = "a network load balancer's TCP listener carries no HTTP: the redirect to HTTPS exists only on application load balancers";
const ACCEPTANCE: &str = "connections are accepted automatically by design: only the allowed_principals may connect at all; set acceptance_required = true to review each";

/// The skips of every expose's resources: its created NLB, its endpoint
/// service.
pub(super) fn skips(exposes: &[Expose]) -> Vec<ResourceSkips> {
    let mut out = Vec::new();
    for x in exposes {
        if let LoadBalancer::Create {
            port,
            deletion_protection,
            ..
        } = &x.load_balancer
        {
            let mut lb = vec![skip(Check::LbAccessLogs, ACCESS_LOGS)];
            // On by default; off only where the spec says so.
            if !deletion_protection {
                lb.push(skip(Check::LbDeletionProtection, DELETION_PROTECTION));
            }
            if *port == 80 {
                lb.push(skip(Check::AlbHttpsRedirect, HTTPS_REDIRECT));
            }
            out.push(ResourceSkips {
                resource: ResourceId::new(ResourceKind::LoadBalancer, &x.ident),
                skips: lb,
            });
        }
        if !x.acceptance_required {
            out.push(ResourceSkips {
                resource: ResourceId::new(ResourceKind::EndpointService, &x.ident),
                skips: vec![skip(Check::EndpointServiceAcceptance, ACCEPTANCE)],
            });
        }
    }
    out
}

fn skip(check: Check, reason: &str) -> Skip {
    Skip {
        check,
        reason: reason.into(),
    }
}

impl Model {
    /// The checks skipped on `resource`, none for most.
    pub fn skips_of(&self, resource: &ResourceId) -> &[Skip] {
        self.scanner_skips
            .iter()
            .find(|r| r.resource == *resource)
            .map_or(&[], |r| &r.skips)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::model;
    use super::*;

    fn ids(m: &Model, kind: ResourceKind, ident: &str) -> Vec<&'static str> {
        let id = ResourceId::new(kind, ident);
        m.skips_of(&id).iter().map(|s| s.check.id()).collect()
    }

    #[test]
    fn created_nlbs_and_auto_accepting_services_carry_their_skips() {
        let m = model(
            r#"version = 1
name = "app"
[expose.web]
load_balancer = { port = 80, target_port = 8080, target_type = "ip" }
allowed_principals = ["arn:aws:iam::444455556666:root"]
[expose.orders]
load_balancer = { port = 443, target_port = 8443, target_type = "ip", deletion_protection = false }
allowed_principals = ["arn:aws:iam::444455556666:root"]
acceptance_required = true
[expose.legacy]
load_balancer = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/legacy/0123456789abcdef"
allowed_principals = ["arn:aws:iam::444455556666:root"]
"#,
        );
        use ResourceKind::{EndpointService as S, LoadBalancer as L};
        assert_eq!(ids(&m, L, "web"), ["CKV_AWS_91", "CKV2_AWS_20"]);
        assert_eq!(ids(&m, S, "web"), ["CKV_AWS_123"]);
        assert_eq!(ids(&m, L, "orders"), ["CKV_AWS_91", "CKV_AWS_150"]);
        assert!(ids(&m, S, "orders").is_empty(), "it requires acceptance");
        assert!(ids(&m, L, "legacy").is_empty(), "not created here");
        assert_eq!(ids(&m, S, "legacy"), ["CKV_AWS_123"]);
        assert!(
            m.scanner_skips
                .iter()
                .flat_map(|r| &r.skips)
                .all(|s| !s.reason.is_empty())
        );
    }
}
