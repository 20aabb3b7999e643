//! `[expose.*]`: the NLBs and endpoint services a spec offers, their AWS names and the tags ELB accepts.

use super::*;

/// `[expose.*]`, in spec order: load balancers, endpoint services,
/// principals, and the inputs they need. `vpc_cidr` is the VPC's CIDR,
/// read by the driver when [`creates_nlb`].
pub(super) fn lower_exposes(
    spec: &Spec,
    links: &Links,
    vpc_cidr: Option<&Value>,
    d: &mut Diagnostics,
) -> (Vec<Expose>, Vec<Input>) {
    let name = &spec.name.value;
    let mut inputs = Vec::new();
    let mut out = Vec::new();
    for (key, x) in &spec.expose {
        let ident = ident_of(key);
        let name_tag = if key == name {
            name.clone()
        } else {
            format!("{name}-{key}")
        };
        let vpc_cidr = vpc_cidr.cloned().unwrap_or(Value::VpcCidr);
        let at = Nlb {
            spec: name,
            key,
            ident: &ident,
            name_tag: &name_tag,
            vpc_cidr: &vpc_cidr,
        };
        let load_balancer = load_balancer(&at, x, links, &mut inputs);
        let acceptance_required = x.acceptance_required.as_ref().is_some_and(|a| a.value);
        lints::expose_principals(key, x, acceptance_required, d);
        lints::expose_ingress(key, x, d);
        let mut principals: Vec<Principal> = x
            .allowed_principals
            .iter()
            .map(|p| p.value.clone())
            .collect();
        principals.sort();
        principals.dedup();
        out.push(Expose {
            key: key.clone(),
            name_tag,
            ident,
            load_balancer,
            allowed_principals: principals,
            acceptance_required,
            private_dns_name: x.private_dns_name.as_ref().map(|p| p.value.clone()),
            notify: x.notify.as_ref().map(notification),
            ip_address_types: ip_types::families(x),
            supported_regions: cross_region::supported_regions(spec, key, x, d),
            gateway: x.gateway.is_some(),
            spans: ExposeSpans {
                key: Some(x.key_span),
                principals: x.allowed_principals.iter().map(|p| p.span).collect(),
                principals_list: x.allowed_principals_span,
                private_dns_name: x.private_dns_name.as_ref().map(|p| p.span),
                regions: x.regions_span,
            },
        });
    }
    (out, inputs)
}

/// `notify`: the topic, and the events in a fixed order.
fn notification(n: &crate::spec::Notify) -> Notification {
    let mut events: Vec<_> = n.events.iter().map(|e| e.value).collect();
    events.sort_unstable();
    events.dedup();
    Notification {
        topic_arn: n.sns_topic.value.to_string(),
        events,
    }
}

/// Whether any expose creates its NLB (whose group reads the VPC's CIDR).
pub(super) fn creates_nlb(spec: &Spec) -> bool {
    spec.expose
        .values()
        .any(|x| matches!(x.load_balancer.value, crate::spec::LoadBalancer::Create(_)))
}

/// Where an expose's NLB is made: the names it is known by, and the VPC's
/// CIDR its group reads.
struct Nlb<'a> {
    spec: &'a str,
    key: &'a str,
    ident: &'a str,
    name_tag: &'a str,
    vpc_cidr: &'a Value,
}

/// The NLB behind an expose: one created (named by [`nlb_name`]), or an
/// existing one by ARN or input.
fn load_balancer(
    at: &Nlb,
    x: &crate::spec::Expose,
    links: &Links,
    inputs: &mut Vec<Input>,
) -> LoadBalancer {
    use crate::spec::LoadBalancer as Lb;
    let key = at.key;
    match &x.load_balancer.value {
        Lb::Create(c) => {
            let port = c.port.value as u16;
            let target_port = c.target_port.as_ref().map_or(port, |p| p.value as u16);
            let target_type = c
                .target_type
                .as_ref()
                .map_or(crate::spec::TargetType::Ip, |t| t.value);
            let ingress: Vec<Value> = if c.ingress_cidrs.is_empty() {
                vec![at.vpc_cidr.clone()]
            } else {
                c.ingress_cidrs
                    .iter()
                    .map(|c| Value::Literal(c.value.to_string()))
                    .collect()
            };
            let egress = target_ports(target_port, target_type.health_check());
            LoadBalancer::Create {
                name: built_nlb_name(at.spec, key, links),
                port,
                target_port,
                target_type,
                deletion_protection: c.deletion_protection.as_ref().is_none_or(|p| p.value),
                dualstack: ip_types::families(x).contains(&crate::spec::IpFamily::Ipv6),
                security_group: nlb_group(at, port, &ingress, &egress),
            }
        }
        Lb::Arn(a) => LoadBalancer::Existing(Value::Literal(a.value.clone())),
        Lb::Input(i) => {
            let (kind, what) = match x.gateway {
                Some(_) => (InputKind::GatewayLoadBalancerArn, "Gateway"),
                None => (InputKind::LoadBalancerArn, "Network"),
            };
            add_input(
                inputs,
                i.value.as_str(),
                kind,
                &format!("ARN of the {what} Load Balancer behind {key}"),
                Some(i.span),
            );
            LoadBalancer::Existing(Value::Input(i.value.to_string()))
        }
    }
}

/// The ports a created NLB reaches its targets on: the target port, and
/// the health check's when it is another.
fn target_ports(target_port: u16, check: HealthCheck) -> Vec<u16> {
    let mut ports = vec![target_port];
    if let Ok(p) = check.port.parse::<u16>() {
        if p != target_port {
            ports.push(p);
        }
    }
    ports
}

/// A created NLB's own group: TCP on the listener port from each admitted
/// CIDR; TCP on the targets' ports to the VPC's CIDR (where its targets
/// are), and nothing else out.
fn nlb_group(at: &Nlb, port: u16, ingress: &[Value], egress: &[u16]) -> CreatedSecurityGroup {
    let key = at.key;
    CreatedSecurityGroup {
        ident: format!("nlb_{}", at.ident),
        name: format!("{}-nlb", at.name_tag),
        description: format!("Network Load Balancer of {}", at.name_tag),
        rules: ingress
            .iter()
            .enumerate()
            .map(|(i, cidr)| IngressRule {
                id: format!("tcp_{port}_{}", i + 1),
                port,
                cidr: cidr.clone(),
                description: format!("TCP {port} to the listener of {key}"),
                ipv6: false,
            })
            .collect(),
        egress: egress
            .iter()
            .enumerate()
            .map(|(i, p)| IngressRule {
                id: format!("egress_tcp_{p}_1"),
                port: *p,
                cidr: at.vpc_cidr.clone(),
                description: if i == 0 {
                    format!("TCP {p} to the targets of {key}")
                } else {
                    format!("TCP {p} to health-check the targets of {key}")
                },
                ipv6: false,
            })
            .collect(),
    }
}

/// Elastic Load Balancing refuses tags outside
/// `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (EC2 takes any character but a
/// newline in a key): when the spec creates a load balancer, its target
/// group and listener carry the spec's tags, so each tag must fit.
pub(super) fn elb_tags(spec: &Spec, d: &mut Diagnostics) {
    let Some((expose, _)) = spec
        .expose
        .iter()
        .find(|(_, x)| matches!(x.load_balancer.value, crate::spec::LoadBalancer::Create(_)))
    else {
        return;
    };
    let creator = spec.expose[expose].key_span;
    for (k, v) in &spec.tags {
        for (what, text, span) in [("key", &k.value, k.span), ("value", &v.value, v.span)] {
            let Some(c) = text.chars().find(|&c| !elb_tag_char(c)) else {
                continue;
            };
            d.push(
                Diagnostic::new(
                    Code::E010,
                    format!(
                        "tag {what} `{}` is not accepted by Elastic Load Balancing",
                        text.escape_debug()
                    ),
                )
                .at(span, format!("`{}` is not allowed in a load balancer's tags", c.escape_debug()))
                .also(creator, "creates a load balancer, a target group and a listener, which carry the spec's tags")
                .help("load balancers accept only letters, digits, spaces and `_ . : / = + - @` in tag keys and values; change the tag, or put it on an existing load balancer (`load_balancer = { input = \"...\" }`)"),
            );
        }
    }
}

fn elb_tag_char(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    c.is_ascii_alphanumeric()
        || matches!(c, ' ' | '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || (!c.is_ascii()
            && matches!(
                get_general_category(c),
                G::UppercaseLetter
                    | G::LowercaseLetter
                    | G::TitlecaseLetter
                    | G::ModifierLetter
                    | G::OtherLetter
                    | G::SpaceSeparator
                    | G::LineSeparator
                    | G::ParagraphSeparator
                    | G::DecimalNumber
                    | G::LetterNumber
                    | G::OtherNumber
            ))
}

/// The AWS name of a created NLB: at most 32 letters, digits and hyphens,
/// no hyphen at either end, never `internal-...`, the same on every run.
/// Long names keep a prefix and end in a hash of the whole, so two long
/// names that share a prefix stay distinct (see [`with_hash`]).
pub fn nlb_name(spec: &str, expose: &str) -> String {
    let full = if spec == expose {
        spec.to_string()
    } else {
        format!("{spec}-{expose}")
    };
    let full = if full.starts_with("internal-") {
        format!("nlb-{full}")
    } else {
        full
    };
    if full.len() <= 32 {
        return full;
    }
    with_hash(&full, spec, expose)
}

/// A created NLB's name in this build: [`nlb_name`], unless another spec
/// built with it would get the same name (the link finds those), when it
/// ends in a hash of its own spec and expose instead.
pub fn built_nlb_name(spec: &str, expose: &str, links: &Links) -> String {
    let name = nlb_name(spec, expose);
    if links.nlb_name_collides(&name) {
        with_hash(&name, spec, expose)
    } else {
        name
    }
}

/// As much of `name` as fits in 32 characters with `-` and a hash of the
/// spec and expose names, with no hyphen before the hash's own.
fn with_hash(name: &str, spec: &str, expose: &str) -> String {
    let hash = short_hash(&format!("{spec}\0{expose}"));
    let keep = 32 - 1 - hash.len();
    // NLB names are ASCII: a byte is a character.
    let prefix = name.get(..keep).unwrap_or(name).trim_end_matches('-');
    format!("{prefix}-{hash}")
}

/// Six base-36 characters of a stable (FNV-1a) hash.
pub fn short_hash(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    let mut out = String::new();
    for _ in 0..6 {
        out.push(char::from_digit((h % 36) as u32, 36).expect("digit < 36"));
        h /= 36;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What AWS accepts as a load balancer or target group name.
    fn assert_valid_nlb_name(name: &str) {
        assert!(
            !name.is_empty() && name.len() <= 32,
            "`{name}` is {} characters",
            name.len()
        );
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "`{name}` has a character outside [a-z0-9-]"
        );
        assert!(
            !name.starts_with('-') && !name.ends_with('-'),
            "`{name}` starts or ends with a hyphen"
        );
        assert!(
            !name.starts_with("internal-"),
            "`{name}` starts with internal-"
        );
    }

    #[test]
    fn short_names_are_spec_and_expose() {
        assert_eq!(nlb_name("shop", "orders"), "shop-orders");
        assert_eq!(nlb_name("a", "b"), "a-b");
        // Exactly 32 characters: kept as is.
        let spec = "s".repeat(20);
        let expose = "e".repeat(11);
        assert_eq!(nlb_name(&spec, &expose), format!("{spec}-{expose}"));
        assert_eq!(nlb_name(&spec, &expose).len(), 32);
    }

    #[test]
    fn an_expose_named_like_its_spec_gives_the_spec_name() {
        assert_eq!(nlb_name("payments", "payments"), "payments");
        assert_eq!(nlb_name("service-b", "service-b"), "service-b");
    }

    #[test]
    fn names_never_start_with_internal() {
        assert_eq!(nlb_name("internal-foo", "api"), "nlb-internal-foo-api");
        assert_eq!(nlb_name("internal-foo", "internal-foo"), "nlb-internal-foo");
        for (spec, expose) in [
            ("internal-foo", "api"),
            ("internal-foo", "internal-foo"),
            ("internal", "api"),
            (
                "internal-settlement-platform-production",
                "reconciliation-api",
            ),
            (&"internal-x".repeat(6), &"y".repeat(32)),
        ] {
            assert_valid_nlb_name(&nlb_name(spec, expose));
        }
        // Only the `internal-` prefix is reserved.
        assert_eq!(nlb_name("internals", "api"), "internals-api");
    }

    #[test]
    fn long_names_are_shortened_to_valid_names() {
        let cases = [
            ("payments-platform-production", "settlement-api"),
            (&"a".repeat(63), &"b".repeat(32)),
            (&"a-".repeat(31)[..61], "x"),
            // A hyphen right where the prefix is cut.
            (&format!("{}-{}", "a".repeat(24), "b".repeat(20)), "c"),
            (&format!("{}-{}", "a".repeat(23), "b".repeat(20)), "c"),
            ("x", &"y".repeat(32)),
            (&"9".repeat(40), &"0".repeat(32)),
        ];
        for (spec, expose) in cases {
            let name = nlb_name(spec, expose);
            assert_valid_nlb_name(&name);
            assert!(name.len() > 20, "`{name}` keeps a useful prefix");
        }
    }

    #[test]
    fn names_are_stable() {
        let long = ("payments-platform-production", "settlement-reconciliation");
        assert_eq!(nlb_name(long.0, long.1), nlb_name(long.0, long.1));
        assert_eq!(short_hash("payments"), short_hash("payments"));
        // The hash is part of the output contract (renaming an NLB replaces
        // it), so it may never change between versions.
        assert_eq!(
            nlb_name(long.0, long.1),
            format!(
                "payments-platform-product-{}",
                short_hash("payments-platform-production\0settlement-reconciliation")
            )
        );
        assert_eq!(short_hash(""), "54xu4j");
    }

    #[test]
    fn long_names_sharing_a_prefix_stay_distinct() {
        let spec = "settlement-reconciliation-platform-prod"; // 39 characters
        let prefix40 = format!("{spec}-");
        let a = nlb_name(spec, "api-primary");
        let b = nlb_name(spec, "api-secondary");
        assert!(format!("{spec}-api-primary").starts_with(&prefix40));
        assert!(format!("{spec}-api-secondary").starts_with(&prefix40));
        assert_ne!(a, b);
        assert_valid_nlb_name(&a);
        assert_valid_nlb_name(&b);
        // Where the spec ends and the expose begins matters too.
        assert_ne!(
            nlb_name(&"a".repeat(40), &"b".repeat(10)),
            nlb_name(&"a".repeat(41), &"b".repeat(9))
        );
    }

    /// The created load balancer of the spec's first expose.
    fn created(toml: &str) -> (bool, CreatedSecurityGroup) {
        let m = super::super::testing::model(toml);
        match &m.exposes[0].load_balancer {
            LoadBalancer::Create {
                deletion_protection,
                security_group,
                ..
            } => (*deletion_protection, security_group.clone()),
            other => panic!("a created NLB, got {other:?}"),
        }
    }

    /// (id, port, CIDR) of each rule.
    fn rules(rules: &[IngressRule]) -> Vec<(&str, u16, &Value)> {
        rules
            .iter()
            .map(|r| (r.id.as_str(), r.port, &r.cidr))
            .collect()
    }

    #[test]
    fn a_created_nlb_has_its_own_group_from_the_vpc_cidr_and_deletion_protection() {
        let (protected, g) = created(
            r#"version = 1
name = "shop"
[vpc]
cidr = { input = "cidr" }
[expose.orders]
load_balancer = { port = 443, target_port = 8443 }
"#,
        );
        assert!(protected, "deletion protection is on by default");
        assert_eq!(
            (g.ident.as_str(), g.name.as_str()),
            ("nlb_orders", "shop-orders-nlb")
        );
        let cidr = Value::Input("cidr".into());
        assert_eq!(rules(&g.rules), [("tcp_443_1", 443, &cidr)]);
        assert_eq!(rules(&g.egress), [("egress_tcp_8443_1", 8443, &cidr)]);
    }

    #[test]
    fn ingress_cidrs_replace_the_vpc_cidr_but_targets_stay_in_the_vpc() {
        let (protected, g) = created(
            r#"version = 1
name = "shop"
[expose.orders]
load_balancer = { port = 443, ingress_cidrs = ["10.0.0.0/8", "2001:db8::/32"], deletion_protection = false }
"#,
        );
        assert!(!protected);
        let got: Vec<(&str, &Value)> = g.rules.iter().map(|r| (r.id.as_str(), &r.cidr)).collect();
        assert_eq!(
            got,
            [
                ("tcp_443_1", &Value::Literal("10.0.0.0/8".into())),
                ("tcp_443_2", &Value::Literal("2001:db8::/32".into())),
            ]
        );
        assert!(g.rules[1].is_ipv6());
        assert_eq!(
            rules(&g.egress),
            [("egress_tcp_443_1", 443, &Value::VpcCidr)]
        );
    }

    #[test]
    fn a_health_check_on_another_port_is_let_out_too() {
        let on = |port| HealthCheck {
            protocol: "TCP",
            port,
            path: None,
        };
        assert_eq!(target_ports(8443, on("traffic-port")), [8443]);
        assert_eq!(target_ports(8443, on("8443")), [8443]);
        assert_eq!(target_ports(8443, on("8080")), [8443, 8080]);
    }

    #[test]
    fn notifications_name_each_event_once_in_a_fixed_order() {
        let t = super::super::testing::load(
            r#"version = 1
name = "shop"
[expose.orders]
load_balancer = { port = 443 }
allowed_principals = ["arn:aws:iam::444455556666:root"]
notify = { sns_topic = "arn:aws:sns:us-east-1:111122223333:events", events = ["Reject", "Connect", "Accept"] }
"#,
            &[],
        );
        let mut d = Diagnostics::default();
        let (exposes, _) = lower_exposes(&t.spec, &Links::default(), None, &mut d);
        let n = exposes[0].notify.as_ref().expect("a notification");
        assert_eq!(n.topic_arn, "arn:aws:sns:us-east-1:111122223333:events");
        let events: Vec<&str> = n.events.iter().map(|e| e.as_str()).collect();
        assert_eq!(events, ["Accept", "Connect", "Reject"]);
    }
}
