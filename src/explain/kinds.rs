//! The kinds of endpoint besides interface and gateway endpoints in
//! `explain`: VPC Lattice resource and service-network endpoints, and
//! Gateway Load Balancer endpoints, each with its price from
//! `data/pricing.toml` and the price list it comes from.

use super::*;
use crate::model::GwlbSubnet;
use crate::spec::LatticeKind;

/// A kind of endpoint the price lists read give no figure for.
#[derive(Debug, Deserialize, Serialize, Clone)]
pub struct Unpriced {
    pub source: String,
    pub date: String,
}

pub(super) fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The kind an endpoint's view shows (`type` in JSON).
pub(super) fn kind_name(e: &Endpoint) -> &'static str {
    match (e.lattice, e.kind) {
        (Some(LatticeKind::Resource), _) => "resource",
        (Some(LatticeKind::ServiceNetwork), _) => "service_network",
        (None, EndpointType::Gateway) => "gateway",
        (None, EndpointType::Interface) => "interface",
    }
}

/// A VPC Lattice endpoint's monthly figure and how it is made.
pub(super) fn lattice_cost(kind: LatticeKind, p: &Pricing) -> (f64, String) {
    let cost = match kind {
        LatticeKind::Resource => format!(
            "no hourly charge (resource endpoint); data from ${}/GB, tiered",
            p.resource_endpoint.per_gb
        ),
        LatticeKind::ServiceNetwork => {
            "not priced: no service-network endpoint figure in the price list read".into()
        }
    };
    (0.0, cost)
}

/// How many GWLB endpoints a spec has: one per literal subnet, else one
/// per AZ it is priced in (the subnets are given at deploy time).
pub(super) fn gwlb_count(m: &Model, az_count: usize) -> usize {
    m.gwlb_endpoints
        .iter()
        .map(|g| match g.subnet {
            GwlbSubnet::One(_) => 1,
            GwlbSubnet::Each => az_count,
        })
        .sum()
}

/// One view per `gateway_load_balancer` connect, with its endpoints' cost.
pub(super) fn gwlb_views(m: &Model, az_count: usize, p: &Pricing) -> Vec<EndpointView> {
    let mut keys: Vec<&str> = m.gwlb_endpoints.iter().map(|g| g.key.as_str()).collect();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let mine: Vec<_> = m.gwlb_endpoints.iter().filter(|g| g.key == key).collect();
            let subnets: Vec<&str> = mine
                .iter()
                .filter_map(|g| match &g.subnet {
                    GwlbSubnet::One(s) => Some(s.as_str()),
                    GwlbSubnet::Each => None,
                })
                .collect();
            let (count, lands_in) = if subnets.len() == mine.len() {
                (
                    mine.len(),
                    format!("one endpoint per subnet ({})", subnets.join(", ")),
                )
            } else {
                let given = m.subnets.as_ref().map(describe).unwrap_or_default();
                (
                    az_count,
                    format!("one endpoint per subnet ({given}; priced as {az_count})"),
                )
            };
            let monthly = count as f64 * p.hours_per_month * p.gwlb_endpoint.per_hour;
            EndpointView {
                name: crate::model::connect_label(key),
                kind: "gateway_load_balancer",
                service_name: service_name(&mine[0].service_name),
                private_dns: None,
                policy: None,
                ports: Vec::new(),
                service_region: None,
                ip_address_type: None,
                lands_in: format!("{lands_in}, no security group"),
                why: vec![crate::model::connect_label(key)],
                checks: Vec::new(),
                monthly: cents(monthly),
                cost: format!(
                    "{count} endpoint{} × {} h × ${} = {} + ${}/GB",
                    if count == 1 { "" } else { "s" },
                    p.hours_per_month,
                    p.gwlb_endpoint.per_hour,
                    money(monthly),
                    p.gwlb_endpoint.per_gb
                ),
            }
        })
        .collect()
}

/// `, 2 Gateway Load Balancer, 1 VPC Lattice` after the interface and
/// gateway counts, when there are any.
pub(super) fn more_counts(c: &CostView) -> String {
    let mut s = String::new();
    if c.gwlb_endpoints > 0 {
        let _ = write!(s, ", {} Gateway Load Balancer", c.gwlb_endpoints);
    }
    if c.lattice_endpoints > 0 {
        let _ = write!(s, ", {} VPC Lattice", c.lattice_endpoints);
    }
    s
}

/// What the data figure leaves out: GWLB endpoints' own per-GB price.
pub(super) fn write_data_notes(out: &mut String, c: &CostView, p: &Pricing) {
    if c.gwlb_endpoints > 0 {
        let _ = writeln!(
            out,
            "    Gateway Load Balancer endpoints: ${}/GB of what they process, on top",
            p.gwlb_endpoint.per_gb
        );
    }
}

/// The price lists of the kinds the specs have, after the usual line.
pub(super) fn write_prices(out: &mut String, e: &Explanation) {
    let p = &e.prices;
    let has = |f: fn(&CostView) -> bool| e.specs.iter().any(|s| f(&s.cost));
    if has(|c| c.gwlb_endpoints > 0) {
        let g = &p.gwlb_endpoint;
        let _ = writeln!(
            out,
            "prices of Gateway Load Balancer endpoints: {}, {}",
            g.source, g.date
        );
    }
    if has(|c| c.lattice_endpoints > 0) {
        let (r, n) = (&p.resource_endpoint, &p.service_network_endpoint);
        let _ = writeln!(
            out,
            "prices of VPC Lattice endpoints: resource: {}, {}; service network: {}, {}",
            r.source, r.date, n.source, n.date
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::model;

    #[test]
    fn each_new_kind_is_shown_with_its_price() {
        let m = model(
            r#"version = 1
name = "app"
[vpc]
id = "vpc-0a1b2c3d4e5f60718"
cidr = "10.0.0.0/16"
subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
[connect.inspection]
gateway_load_balancer = "com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210"
[connect.db]
resource_configuration = { input = "db_arn" }
[connect.mesh]
service_network = { input = "mesh_arn" }
[connect.billing]
service_name = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
"#,
        );
        let e = explain(&[m], &[], None);
        let s = &e.specs[0];
        let kinds: Vec<(&str, &str)> = s
            .connects
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("connect.db", "resource"),
                ("connect.mesh", "service_network"),
                ("connect.billing", "interface"),
                ("connect.inspection", "gateway_load_balancer"),
            ]
        );
        // One interface endpoint in 2 AZs, 2 GWLB endpoints, Lattice free by the hour.
        assert_eq!(s.cost.interface_endpoints, 1);
        assert_eq!(s.cost.gwlb_endpoints, 2);
        assert_eq!(s.cost.lattice_endpoints, 2);
        assert_eq!(s.cost.endpoints_monthly, 14.6 + 14.6);
        let text = render_text(&e);
        assert!(
            text.contains("2 endpoints × 730 h × $0.01 = $14.60 + $0.0035/GB"),
            "{text}"
        );
        assert!(
            text.contains("prices of Gateway Load Balancer endpoints: AWS PrivateLink pricing")
        );
        assert!(text.contains("prices of VPC Lattice endpoints: resource:"));
        assert!(
            text.contains("check: VPC Lattice ARN given directly"),
            "{text}"
        );
    }
}
