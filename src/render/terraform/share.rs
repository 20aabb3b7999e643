//! The Terraform of centralized endpoints: a hub's private hosted zones,
//! their alias records and cross-account authorizations, or its Route 53
//! Profile and RAM share; a spoke's zone or profile associations.

use super::{r, s, tags_with_name};
use crate::model::{Attr, Model, Ref};
use crate::render::hcl::Expr;
use crate::spec::ShareDns;
use serde::Serialize;

#[derive(Serialize, Default)]
pub(super) struct ShareView {
    zones: Vec<ZoneView>,
    records: Vec<RecordView>,
    authorizations: Vec<AuthorizationView>,
    profile: Option<ProfileView>,
    /// A spoke's associations of its hub's zones.
    zone_associations: Vec<ZoneAssociationView>,
    /// A spoke's association of its hub's profile.
    profile_association: Option<ProfileAssociationView>,
}

#[derive(Serialize)]
struct ZoneView {
    ident: String,
    name: Expr,
    comment: Expr,
    tags: Expr,
}

#[derive(Serialize)]
struct RecordView {
    ident: String,
    zone_id: Expr,
    name: Expr,
    kind: Expr,
    alias_name: Expr,
    alias_zone_id: Expr,
}

#[derive(Serialize)]
struct AuthorizationView {
    ident: String,
    zone_id: Expr,
    vpc_id: Expr,
    vpc_region: Expr,
}

#[derive(Serialize)]
struct ProfileView {
    /// What the associations read.
    id: Expr,
    arn: Expr,
    name: Expr,
    tags: Expr,
    resources: Vec<ProfileResourceView>,
    /// The accounts the profile is shared with (none: no RAM share).
    share_name: Expr,
    principals: Vec<PrincipalView>,
}

#[derive(Serialize)]
struct ProfileResourceView {
    ident: String,
    name: Expr,
    resource_arn: Expr,
}

#[derive(Serialize)]
struct PrincipalView {
    ident: String,
    principal: Expr,
}

#[derive(Serialize)]
struct ZoneAssociationView {
    ident: String,
    zone_id: Expr,
}

#[derive(Serialize)]
struct ProfileAssociationView {
    name: Expr,
    profile_id: Expr,
}

/// The view of what a hub shares or a spoke uses; empty for other specs.
pub(super) fn view(model: &Model) -> ShareView {
    let mut v = ShareView::default();
    if let Some(hub) = &model.hub {
        match hub.dns {
            ShareDns::HostedZones => zones(model, hub, &mut v),
            ShareDns::Profile => v.profile = Some(profile(model, hub)),
        }
    }
    if let Some(spoke) = &model.spoke {
        v.zone_associations = spoke
            .zones
            .iter()
            .map(|z| ZoneAssociationView {
                ident: z.ident.clone(),
                zone_id: r(format!("var.{}", z.input)),
            })
            .collect();
        v.profile_association = spoke
            .profile_input
            .as_ref()
            .map(|input| ProfileAssociationView {
                name: s(format!("{}-{}", model.name, spoke.hub)),
                profile_id: r(format!("var.{input}")),
            });
    }
    v
}

/// A field of an endpoint's first (regional) DNS entry, which the zone's
/// alias records point at.
fn endpoint_entry(ident: &str, field: &str) -> Expr {
    match super::reference(&Ref::endpoint(ident, Attr::DnsEntries)) {
        Expr::Ref(entries) => r(format!("{entries}[0].{field}")),
        other => other,
    }
}

fn zones(model: &Model, hub: &crate::model::Hub, v: &mut ShareView) {
    for z in &hub.zones {
        let zone_id = super::reference(&Ref::hosted_zone_id(&z.ident));
        v.zones.push(ZoneView {
            ident: z.ident.clone(),
            name: s(z.name.clone()),
            comment: s(format!(
                "{} through the endpoint of {}, shared by {}",
                z.name, z.endpoint, model.name
            )),
            tags: tags_with_name(&format!("{}-{}", model.name, z.name)),
        });
        for record in &z.records {
            for kind in &z.record_types {
                let suffix = match (record.as_str(), *kind) {
                    ("", "A") => String::new(),
                    ("", k) => format!("_{}", k.to_lowercase()),
                    (_, "A") => "_wildcard".into(),
                    (_, k) => format!("_wildcard_{}", k.to_lowercase()),
                };
                v.records.push(RecordView {
                    ident: format!("{}{suffix}", z.ident),
                    zone_id: zone_id.clone(),
                    name: s(if record.is_empty() {
                        z.name.clone()
                    } else {
                        format!("{record}.{}", z.name)
                    }),
                    kind: s(*kind),
                    alias_name: endpoint_entry(&z.endpoint, "dns_name"),
                    alias_zone_id: endpoint_entry(&z.endpoint, "hosted_zone_id"),
                });
            }
        }
        for spoke in hub.spokes.iter().filter(|sp| sp.other_account.is_some()) {
            let Some(vpc) = &spoke.vpc_id else { continue };
            v.authorizations.push(AuthorizationView {
                ident: format!("{}_{}", z.ident, crate::model::ident_of(&spoke.name)),
                zone_id: zone_id.clone(),
                vpc_id: s(vpc.clone()),
                vpc_region: s(spoke.region.clone()),
            });
        }
    }
}

fn profile(model: &Model, hub: &crate::model::Hub) -> ProfileView {
    let accounts = hub.other_accounts();
    ProfileView {
        name: s(format!("{}-endpoints", model.name)),
        tags: tags_with_name(&format!("{}-endpoints", model.name)),
        resources: hub
            .endpoints
            .iter()
            .map(|e| ProfileResourceView {
                ident: e.clone(),
                name: s(format!("{}-{}", model.name, e.replace('_', "-"))),
                resource_arn: super::reference(&Ref::endpoint(e, Attr::Arn)),
            })
            .collect(),
        share_name: s(format!("{}-endpoints-profile", model.name)),
        principals: accounts
            .into_iter()
            .map(|a| PrincipalView {
                ident: format!("account_{a}"),
                principal: s(a),
            })
            .collect(),
        id: super::reference(&Ref::profile(Attr::Id)),
        arn: super::reference(&Ref::profile(Attr::Arn)),
    }
}
