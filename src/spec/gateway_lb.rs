//! An expose in front of an existing Gateway Load Balancer: a
//! `loadbalancer/gwy/` ARN, or `{ input = "...", type = "gateway" }`. Its
//! endpoint service takes `gateway_load_balancer_arns`; what does not apply
//! to it (private DNS, a load balancer vpcegen would create) is refused.

use super::read;
use super::value::{Kind, Node};
use super::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};

/// Where `load_balancer` says "an existing Gateway Load Balancer", if it
/// does; `type = "gateway"` on a load balancer to create is E096.
pub(super) fn gateway_span(n: &Node, field: &str, d: &mut Diagnostics) -> Option<Span> {
    match &n.kind {
        Kind::Str(s) => s.contains(":loadbalancer/gwy/").then_some(n.span),
        Kind::Table(t) => {
            let kind = t.get("type")?;
            let tf = format!("{field}.type");
            let s = read::string(&kind.value, &tf, d)?;
            match s.value.as_str() {
                "network" => None,
                "gateway" if t.get("input").is_some() => Some(s.span),
                "gateway" => {
                    d.push(
                        Diagnostic::new(Code::E096, format!("`{tf} = \"gateway\"` on a load balancer vpcegen would create"))
                            .at(s.span, "vpcegen creates Network Load Balancers only")
                            .help("give an existing Gateway Load Balancer (its ARN, or `{ input = \"...\", type = \"gateway\" }`), or remove `type` to create an NLB"),
                    );
                    None
                }
                _ => {
                    d.push(read::invalid(
                        &kind.value,
                        &tf,
                        "use \"network\" or \"gateway\"".into(),
                    ));
                    None
                }
            }
        }
        _ => None,
    }
}

/// E097: a Gateway Load Balancer endpoint service has no private DNS name.
pub(super) fn refuse_private_dns(
    gateway: Option<Span>,
    private_dns_name: Option<&Sp<String>>,
    field: &str,
    d: &mut Diagnostics,
) {
    if let (Some(gwy), Some(name)) = (gateway, private_dns_name) {
        d.push(
            Diagnostic::new(
                Code::E097,
                format!("`{field}.private_dns_name` on a Gateway Load Balancer endpoint service"),
            )
            .at(name.span, "GWLB endpoint services have no private DNS")
            .also(gwy, "a Gateway Load Balancer")
            .help("remove `private_dns_name`: consumers reach the appliances through route tables, not names"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `[expose.x]` with `body` reads as a gateway, and the codes.
    fn read(body: &str) -> (Option<bool>, Vec<Code>) {
        let toml = format!("version = 1\nname = \"a\"\n[expose.x]\n{body}\n");
        let (loaded, d) = super::super::testing::load_text(&toml);
        let gateway = loaded
            .first()
            .and_then(|l| l.spec.expose.get("x"))
            .map(|x| x.gateway.is_some());
        (gateway, d.iter().map(|x| x.code).collect())
    }

    #[test]
    fn a_gateway_load_balancer_is_told_by_its_arn_or_type() {
        let gwy = r#"load_balancer = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/gwy/fw/0123456789abcdef""#;
        assert_eq!(read(gwy), (Some(true), vec![]));
        let net = gwy.replace("/gwy/", "/net/");
        assert_eq!(read(&net), (Some(false), vec![]));
        let input = r#"load_balancer = { input = "fw_arn", type = "gateway" }"#;
        assert_eq!(read(input), (Some(true), vec![]));
        let created = r#"load_balancer = { port = 6081, type = "gateway" }"#;
        assert_eq!(read(created).1, [Code::E096]);
        let dns = format!("{gwy}\nprivate_dns_name = \"fw.example.com\"");
        assert_eq!(read(&dns).1, [Code::E097]);
    }
}
