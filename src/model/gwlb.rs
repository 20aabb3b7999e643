//! `[connect.*]` with `gateway_load_balancer`: Gateway Load Balancer
//! endpoints. Such an endpoint sits in exactly one subnet (AWS cannot
//! change it later) and has no security group, so a connect makes one
//! endpoint per subnet of the VPC.

use super::*;
use crate::spec::ConnectTarget;

/// One Gateway Load Balancer endpoint (or, with subnets given at deploy
/// time, one per subnet through the target's loop).
#[derive(Debug, Serialize)]
pub struct GwlbEndpoint {
    /// The connect's key.
    pub key: String,
    /// `connect_<key>_<n>` per literal subnet, `connect_<key>` for a loop.
    pub ident: String,
    pub name_tag: String,
    pub service_name: ServiceName,
    pub subnet: GwlbSubnet,
    /// The connect's target, for a target that cannot write the loop.
    #[serde(skip)]
    pub span: Span,
    /// `{ spec, expose }`: checked by [`crate::check`] (on the first
    /// endpoint of the connect only).
    #[serde(skip)]
    pub reference: Option<Reference>,
}

/// Where a GWLB endpoint sits.
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum GwlbSubnet {
    /// A literal subnet of `vpc.subnets`: this endpoint's one.
    One(String),
    /// Each subnet of `vpc.subnets` (an input or a lookup): one endpoint
    /// each, which only a target that loops (Terraform) can write.
    Each,
}

/// The GWLB endpoints of a spec's `gateway_load_balancer` connects, in
/// spec order, and the inputs they read.
pub(super) fn lower_gwlb_connects(
    spec: &Spec,
    sources: &SourceMap,
    subnets: Option<&Value>,
    d: &mut Diagnostics,
) -> (Vec<GwlbEndpoint>, Vec<Input>) {
    let mut out = Vec::new();
    let mut inputs = Vec::new();
    for (key, c) in &spec.connect {
        if !matches!(c.target.value, ConnectTarget::GatewayLoadBalancer(_)) {
            continue;
        }
        refuse_interface_keys(key, c, d);
        let _ = super::cross_region::connect_region(spec, key, c, None, d); // E099
        let (service_name, mut reference) = super::connects::service(key, c, sources, &mut inputs);
        let base = format!("connect_{}", ident_of(key));
        let tag = format!("{}-{key}", spec.name.value);
        match subnets {
            Some(Value::LiteralList(ids)) => {
                out.extend(ids.iter().enumerate().map(|(i, id)| GwlbEndpoint {
                    key: key.clone(),
                    ident: format!("{base}_{}", i + 1),
                    name_tag: format!("{tag}-{}", i + 1),
                    service_name: service_name.clone(),
                    subnet: GwlbSubnet::One(id.clone()),
                    span: c.target.span,
                    reference: reference.take(),
                }))
            }
            _ => out.push(GwlbEndpoint {
                key: key.clone(),
                ident: base,
                name_tag: tag,
                service_name,
                subnet: GwlbSubnet::Each,
                span: c.target.span,
                reference,
            }),
        }
    }
    (out, inputs)
}

/// E095: keys of an interface endpoint a GWLB endpoint has no use for.
fn refuse_interface_keys(key: &str, c: &crate::spec::Connect, d: &mut Diagnostics) {
    let ports = c
        .ports
        .first()
        .map(|p| (p.span, "ports", "no security group"));
    let dns = c
        .private_dns
        .as_ref()
        .map(|p| (p.span, "private_dns", "no private DNS"));
    for (span, field, why) in ports.into_iter().chain(dns) {
        d.push(
            Diagnostic::new(
                Code::E095,
                format!("`connect.{key}.{field}` on a Gateway Load Balancer endpoint"),
            )
            .at(span, format!("a GWLB endpoint has {why}"))
            .help(format!(
                "remove `{field}`: traffic reaches the endpoint through route tables"
            )),
        );
    }
}

/// Whether a connect has a security group (all but GWLB endpoints), whose
/// rules read the VPC's CIDR.
pub(super) fn has_grouped_connect(spec: &Spec) -> bool {
    spec.connect
        .values()
        .any(|c| !matches!(c.target.value, ConnectTarget::GatewayLoadBalancer(_)))
}

/// How many GWLB endpoints count towards the per-VPC quota: one per
/// literal subnet, at least one for a loop.
pub(super) fn quota_count(gwlb: &[GwlbEndpoint]) -> usize {
    gwlb.len()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, lowered, model};
    use super::*;

    const SPEC: &str = r#"version = 1
name = "app"
[vpc]
id = "vpc-0a1b2c3d4e5f60718"
subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
[connect.inspection]
gateway_load_balancer = "com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210"
"#;

    #[test]
    fn one_endpoint_per_literal_subnet_and_no_security_group() {
        let m = model(SPEC);
        assert!(m.connects.is_empty(), "not an interface connect");
        let idents: Vec<&str> = m.gwlb_endpoints.iter().map(|g| g.ident.as_str()).collect();
        assert_eq!(idents, ["connect_inspection_1", "connect_inspection_2"]);
        assert_eq!(
            m.gwlb_endpoints[1].subnet,
            GwlbSubnet::One("subnet-0a1b2c3d4e5f60002".into())
        );
        assert!(m.security_groups.is_none());
        assert_eq!(m.vpc_cidr, None, "no security group reads the VPC's CIDR");
    }

    #[test]
    fn input_subnets_make_one_looped_endpoint() {
        let spec = SPEC.replace(
            r#"subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]"#,
            r#"subnets = { input = "subnets" }"#,
        );
        let m = model(&spec);
        assert_eq!(m.gwlb_endpoints.len(), 1);
        assert_eq!(m.gwlb_endpoints[0].subnet, GwlbSubnet::Each);
    }

    #[test]
    fn gwlb_endpoints_count_towards_the_interface_quota_and_lattice_ones_do_not() {
        let subnets: Vec<String> = (0..51).map(|i| format!("\"subnet-{i:017x}\"")).collect();
        let spec = SPEC.replace(
            r#"["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]"#,
            &format!("[{}]", subnets.join(", ")),
        );
        assert_eq!(
            codes(&lowered(&spec, &[]).1),
            [Code::W205],
            "51 GWLB endpoints"
        );
        let lattice: String = (0..51)
            .map(|i| format!("[connect.r{i}]\nresource_configuration = {{ input = \"r{i}\" }}\n"))
            .collect();
        let spec = format!("version = 1\nname = \"app\"\n[vpc]\ncidr = \"10.0.0.0/16\"\n{lattice}");
        assert_eq!(
            codes(&lowered(&spec, &[]).1),
            [] as [Code; 0],
            "resource endpoints"
        );
    }

    #[test]
    fn ports_and_private_dns_are_refused_and_spec_references_kept() {
        let spec = format!("{SPEC}ports = [443]\nprivate_dns = true\n");
        assert_eq!(codes(&lowered(&spec, &[]).1), [Code::E095, Code::E095]);
        let reference = SPEC.replace(
            r#""com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210""#,
            r#"{ spec = "p.toml", expose = "x" }"#,
        );
        let m = lowered(&reference, &[]).0.expect("a model");
        let r = m.gwlb_endpoints[0]
            .reference
            .as_ref()
            .expect("checked by the link");
        assert!(r.gateway);
        assert!(m.gwlb_endpoints[1].reference.is_none(), "once per connect");
        assert_eq!(
            m.gwlb_endpoints[0].service_name,
            ServiceName::Input("x_service_name".into())
        );
    }
}
