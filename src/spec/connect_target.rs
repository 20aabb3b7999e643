//! A `[connect.*]`'s target: exactly one of `service_name`,
//! `resource_configuration`, `service_network`, read once into
//! [`ConnectTarget`] so that later passes match on it.

use super::load::{parsed, read_input, read_service_ref};
use super::read::{self, TableReader};
use super::value::{Kind, Node};
use super::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};

impl ConnectTarget {
    /// The VPC Lattice kind of endpoint, if it is one.
    pub fn lattice_kind(&self) -> Option<LatticeKind> {
        match self {
            ConnectTarget::Service(_) | ConnectTarget::GatewayLoadBalancer(_) => None,
            ConnectTarget::Lattice(kind, _) => Some(*kind),
        }
    }
}

/// The keys that name a connect's target, in the order errors list them.
pub(super) const TARGET_KEYS: &[&str] = &[
    "service_name",
    "resource_configuration",
    "service_network",
    "gateway_load_balancer",
];

/// Reads the one target key of a connect table; none or several is E090 or
/// E091 (pointing at the connect and at each key given).
pub(super) fn read_target(
    r: &mut TableReader<'_>,
    field: &str,
    key_span: Span,
    d: &mut Diagnostics,
) -> Option<Sp<ConnectTarget>> {
    let given: Vec<(&'static str, &Node)> = TARGET_KEYS
        .iter()
        .filter_map(|k| r.get(k).map(|n| (*k, n)))
        .collect();
    match given.as_slice() {
        [] => {
            d.push(
                Diagnostic::new(Code::E090, format!("`{field}` names no service to connect to"))
                    .at(key_span, "no target")
                    .help("add one of `service_name = \"com.amazonaws.vpce....\"`, `resource_configuration = \"arn:aws:vpc-lattice:...\"`, `service_network = \"arn:aws:vpc-lattice:...\"` or `gateway_load_balancer = \"com.amazonaws.vpce....\"`"),
            );
            None
        }
        [(key, n)] => read_one(key, n, &format!("{field}.{key}"), d),
        several => {
            let keys: Vec<String> = several.iter().map(|(k, _)| format!("`{k}`")).collect();
            let mut diag = Diagnostic::new(
                Code::E091,
                format!(
                    "`{field}` names {} targets: {}",
                    several.len(),
                    keys.join(", ")
                ),
            )
            .at(key_span, "one endpoint reaches one target");
            let mut spans: Vec<(Span, &str)> = several
                .iter()
                .filter_map(|(k, _)| Some((r.key_span(k)?, *k)))
                .collect();
            spans.sort_by_key(|(s, _)| s.start);
            for (span, k) in spans {
                diag = diag.also(span, format!("`{k}` given"));
            }
            d.push(diag.help("keep one key, and make a `[connect.*]` section per target"));
            None
        }
    }
}

fn read_one(key: &str, n: &Node, field: &str, d: &mut Diagnostics) -> Option<Sp<ConnectTarget>> {
    let kind = match key {
        "resource_configuration" => LatticeKind::Resource,
        "service_network" => LatticeKind::ServiceNetwork,
        "gateway_load_balancer" => {
            let s = read_service_ref(n, field, d)?;
            return Some(Sp::new(ConnectTarget::GatewayLoadBalancer(s.value), s.span));
        }
        _ => {
            let s = read_service_ref(n, field, d)?;
            return Some(Sp::new(ConnectTarget::Service(s.value), s.span));
        }
    };
    let target = read_lattice_ref(kind, n, field, d)?;
    Some(Sp::new(ConnectTarget::Lattice(kind, target), n.span))
}

/// A Lattice ARN as written, or `{ input = "..." }`.
fn read_lattice_ref(
    kind: LatticeKind,
    n: &Node,
    field: &str,
    d: &mut Diagnostics,
) -> Option<LatticeRef> {
    match &n.kind {
        Kind::Str(_) => {
            parsed(n, field, d, |s| LatticeArn::parse(kind, s)).map(LatticeRef::Literal)
        }
        Kind::Table(t) => read_input(t, n, field, &[], d).map(LatticeRef::Input),
        _ => {
            d.push(read::type_error(
                n,
                field,
                "a VPC Lattice ARN or `{ input = \"...\" }`",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes loading a spec with `[connect.x]` holding `body` reports.
    fn codes(body: &str) -> Vec<Code> {
        let toml = format!("version = 1\nname = \"a\"\n[connect.x]\n{body}\n");
        let (_, d) = super::super::testing::load_text(&toml);
        d.iter().map(|x| x.code).collect()
    }

    #[test]
    fn a_connect_names_exactly_one_target() {
        let svc = r#"service_name = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0""#;
        let rc = r#"resource_configuration = "arn:aws:vpc-lattice:eu-west-1:111122223333:resourceconfiguration/rcfg-0123456789abcdef0""#;
        let sn = r#"service_network = { input = "mesh_arn" }"#;
        for one in [svc, rc, sn] {
            assert_eq!(codes(one), [] as [Code; 0], "{one}");
        }
        assert_eq!(codes("ports = [443]"), [Code::E090]);
        assert_eq!(codes(&format!("{svc}\n{sn}")), [Code::E091]);
        assert_eq!(codes(&format!("{rc}\n{sn}\n{svc}")), [Code::E091]);
    }

    #[test]
    fn lattice_arns_are_checked_by_kind() {
        let rc = "arn:aws:vpc-lattice:eu-west-1:111122223333:resourceconfiguration/rcfg-0123456789abcdef0";
        let sn = "arn:aws:vpc-lattice:eu-west-1:111122223333:servicenetwork/sn-0123456789abcdef0";
        assert!(LatticeArn::parse(LatticeKind::Resource, rc).is_ok());
        assert!(LatticeArn::parse(LatticeKind::ServiceNetwork, sn).is_ok());
        assert!(LatticeArn::parse(LatticeKind::Resource, sn).is_err());
        assert!(LatticeArn::parse(LatticeKind::ServiceNetwork, rc).is_err());
        assert!(
            LatticeArn::parse(
                LatticeKind::Resource,
                "arn:aws:vpc-lattice:eu-west-1:1:resourceconfiguration/rcfg-1"
            )
            .is_err()
        );
        assert!(
            LatticeArn::parse(
                LatticeKind::Resource,
                "arn:aws:vpc-lattice:eu-west-1:111122223333:resourceconfiguration/rcfg-"
            )
            .is_err()
        );
    }
}
