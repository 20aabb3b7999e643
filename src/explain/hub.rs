//! The cost of centralized endpoints in `explain`: a hub (`[share]`) and
//! the spokes explained with it, against every VPC having its own
//! endpoints. Only the hourly interface endpoint price enters: data
//! processing and Transit Gateway charges are said to be left out.

use super::*;

/// One VPC's figures in the comparison.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct VpcCost {
    pub name: String,
    pub az_count: usize,
    pub az_count_assumed: bool,
    /// Its endpoints as built, a month (the hub's include the shared ones).
    pub own_monthly: f64,
    /// The hub: the interface endpoints it shares; a spoke: the services it
    /// uses from the hub, each an endpoint of its own without the hub.
    pub shared: usize,
    /// A spoke's own copies of the shared endpoints, a month (the hub: 0).
    pub copies_monthly: f64,
}

/// A hub and its spokes: what they cost centralized, and separately.
#[derive(Debug, Serialize, PartialEq)]
pub struct HubComparison {
    pub hub: VpcCost,
    pub spokes: Vec<VpcCost>,
    pub centralized_monthly: f64,
    pub separate_monthly: f64,
    pub saving_monthly: f64,
}

/// The comparison for a hub and its spokes (pure: the figures in, the
/// totals out). Centralized: the hub's endpoints plus each spoke's own;
/// separately, without the hub: each spoke's own plus one interface
/// endpoint per shared service in each of its AZs. The saving is negative
/// when too few spokes share the hub to pay for it.
pub fn compare(
    hub: VpcCost,
    mut spokes: Vec<VpcCost>,
    per_az_hour: f64,
    hours: f64,
) -> HubComparison {
    for s in &mut spokes {
        s.copies_monthly = cents(s.shared as f64 * s.az_count as f64 * hours * per_az_hour);
    }
    let spokes_own: f64 = spokes.iter().map(|s| s.own_monthly).sum();
    let copies: f64 = spokes.iter().map(|s| s.copies_monthly).sum();
    let centralized = cents(hub.own_monthly + spokes_own);
    let separate = cents(spokes_own + copies);
    HubComparison {
        hub,
        spokes,
        centralized_monthly: centralized,
        separate_monthly: separate,
        saving_monthly: cents(separate - centralized),
    }
}

/// One comparison per hub explained with at least one of its spokes
/// (`spoke.hub` naming the hub), the spokes in the order given.
pub(super) fn comparisons(built: &[Model], views: &[SpecView], p: &Pricing) -> Vec<HubComparison> {
    let figures = |m: &Model, v: &SpecView, shared: usize| VpcCost {
        name: m.name.clone(),
        az_count: v.az_count,
        az_count_assumed: v.az_count_assumed,
        own_monthly: v.cost.endpoints_monthly,
        shared,
        copies_monthly: 0.0,
    };
    let specs = || built.iter().zip(views);
    specs()
        .filter_map(|(m, v)| Some((m, v, m.hub.as_ref()?)))
        .filter_map(|(hm, hv, hub)| {
            let spokes: Vec<VpcCost> = specs()
                .filter_map(|(m, v)| {
                    let s = m.spoke.as_ref().filter(|s| s.hub == hm.name)?;
                    Some(figures(m, v, s.services.len()))
                })
                .collect();
            let hub = figures(hm, hv, hub.endpoints.len());
            (!spokes.is_empty()).then(|| {
                compare(
                    hub,
                    spokes,
                    p.interface_endpoint.per_az_hour,
                    p.hours_per_month,
                )
            })
        })
        .collect()
}

/// How a VPC's AZ count was found, as `write_network` says it.
fn azs(v: &VpcCost) -> String {
    let n = v.az_count;
    if v.az_count_assumed {
        format!("{n} AZs (assumed; set vpc.az_ids)")
    } else {
        format!("{n} AZs")
    }
}

/// The comparison as text, after the specs.
pub(super) fn write(out: &mut String, c: &HubComparison, p: &Pricing) {
    let (h, per) = (p.hours_per_month, p.interface_endpoint.per_az_hour);
    let _ = writeln!(
        out,
        "\ncentralized endpoints: hub {} and {} spoke{} ({} list prices in {}, {h} h a month):",
        c.hub.name,
        c.spokes.len(),
        if c.spokes.len() == 1 { "" } else { "s" },
        p.region,
        p.currency
    );
    let width = c
        .spokes
        .iter()
        .map(|s| s.name.len())
        .fold(c.hub.name.len(), usize::max);
    let _ = writeln!(
        out,
        "  {:<width$}  hub, {}: its endpoints {} a month, {} interface endpoint{} shared",
        c.hub.name,
        azs(&c.hub),
        money(c.hub.own_monthly),
        c.hub.shared,
        if c.hub.shared == 1 { "" } else { "s" },
    );
    for s in &c.spokes {
        let _ = writeln!(
            out,
            "  {:<width$}  spoke, {}: its own endpoints {} a month; on its own + {} × {} AZ × {h} h × ${per} = {}",
            s.name,
            azs(s),
            money(s.own_monthly),
            s.shared,
            s.az_count,
            money(s.copies_monthly)
        );
    }
    let _ = writeln!(
        out,
        "  centralized (the hub's endpoints + the spokes' own): {} a month",
        money(c.centralized_monthly)
    );
    let _ = writeln!(
        out,
        "  every spoke with its own endpoints instead (no hub): {} a month",
        money(c.separate_monthly)
    );
    if c.saving_monthly >= 0.0 {
        let _ = writeln!(out, "  saving: {} a month", money(c.saving_monthly));
    } else {
        let _ = writeln!(
            out,
            "  no saving: the hub costs {} a month more than the spokes' own endpoints would",
            money(-c.saving_monthly)
        );
    }
    let _ = writeln!(
        out,
        "  assumed: ${per} per interface endpoint per AZ per hour, {h} h a month, each VPC in the AZ count shown"
    );
    let _ = writeln!(
        out,
        "  not included: data processed per GB, Transit Gateway attachments and data processing (not in the price file)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vpc(name: &str, az_count: usize, own_monthly: f64, shared: usize) -> VpcCost {
        VpcCost {
            name: name.into(),
            az_count,
            az_count_assumed: false,
            own_monthly,
            shared,
            copies_monthly: 0.0,
        }
    }

    /// Hub 4 shared in 2 AZs ($58.40); spokes: 2 AZs with $14.60 of their
    /// own, 3 AZs with nothing; copies 4 × 2 × 730 × 0.01 = $58.40 and
    /// 4 × 3 × 730 × 0.01 = $87.60.
    #[test]
    fn the_saving_is_each_spokes_copies_in_its_own_azs() {
        let c = compare(
            vpc("hub", 2, 58.4, 4),
            vec![vpc("a", 2, 14.6, 4), vpc("b", 3, 0.0, 4)],
            0.01,
            730.0,
        );
        assert_eq!(c.spokes[0].copies_monthly, 58.4);
        assert_eq!(c.spokes[1].copies_monthly, 87.6);
        assert_eq!(c.centralized_monthly, 73.0);
        assert_eq!(c.separate_monthly, 160.6);
        assert_eq!(c.saving_monthly, 87.6);
    }

    /// One small spoke does not pay for a hub: the saving is negative.
    #[test]
    fn too_few_spokes_cost_more_than_they_save() {
        let c = compare(
            vpc("hub", 3, 87.6, 4),
            vec![vpc("a", 2, 0.0, 4)],
            0.01,
            730.0,
        );
        assert_eq!(c.separate_monthly, 58.4);
        assert_eq!(c.saving_monthly, -29.2);
        let mut out = String::new();
        write(&mut out, &c, Pricing::get());
        assert!(
            out.contains("no saving: the hub costs $29.20 a month more"),
            "{out}"
        );
    }
}
