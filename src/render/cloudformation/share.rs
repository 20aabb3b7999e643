//! The CloudFormation of centralized endpoints: a hub's private hosted
//! zones (listing its own VPC and the spokes built with it) and their
//! alias records, or its Route 53 Profile and RAM share; a spoke's profile
//! association. A spoke of a hosted-zones hub gets nothing: no resource
//! type associates another stack's zone, so the hub's zone lists the
//! spoke's VPC (and E106 refuses the spokes it cannot list).

use super::{DnsEntryPart, ResourceView, dns_entry, logical_id, network, pascal, reference, tags};
use crate::model::{Attr, HostedZone, Hub, Model, Ref, ResourceId, ResourceKind, Value};
use crate::render::yaml::Cfn;
use crate::spec::ShareDns;
use std::borrow::Cow;

type Props = Vec<(Cow<'static, str>, Cfn)>;

/// What a hub shares or a spoke uses, in a fixed order; none for other
/// specs. `vpc_id` is the VPC's ID as the other resources read it.
pub(super) fn resources(model: &Model, vpc_id: &Cfn) -> Result<Vec<ResourceView<Cfn>>, String> {
    let mut out = Vec::new();
    if let Some(hub) = &model.hub {
        match hub.dns {
            ShareDns::HostedZones => {
                for z in &hub.zones {
                    out.push(zone(model, hub, z, vpc_id));
                    out.extend(records(z)?);
                }
            }
            ShareDns::Profile => out.extend(profile(model, hub)?),
        }
    }
    if let Some(spoke) = &model.spoke {
        if let Some(input) = &spoke.profile_input {
            out.push(resource(
                HUB_PROFILE_ASSOCIATION,
                "AWS::Route53Profiles::ProfileAssociation",
                vec![
                    ("Name".into(), text(format!("{}-{}", model.name, spoke.hub))),
                    ("ProfileId".into(), network(&Value::Input(input.clone()))?),
                    ("ResourceId".into(), vpc_id.clone()),
                ],
            ));
        }
    }
    Ok(out)
}

/// The logical IDs [`resources`] writes, for the checks of names (a
/// model it cannot render fails again, with the reason, when rendered).
pub(super) fn resource_ids(model: &Model) -> Vec<String> {
    resources(model, &Cfn::Str("".into()))
        .map(|rs| rs.into_iter().map(|r| r.logical_id).collect())
        .unwrap_or_default()
}

/// The inputs this template has no use for: a spoke whose hub's zones list
/// its VPC (`associated_by_hub`) takes their IDs for Terraform, which
/// associates them from the spoke, but a CloudFormation Parameter nothing
/// reads is only noise (cfn-lint W2001).
pub(super) fn unused_inputs(model: &Model) -> Vec<&str> {
    match &model.spoke {
        Some(s) if s.associated_by_hub => s.zones.iter().map(|z| z.input.as_str()).collect(),
        _ => Vec::new(),
    }
}

const HUB_PROFILE_ASSOCIATION: &str = "HubRoute53ProfileAssociation";
const PROFILE_SHARE: &str = "Route53ProfileShare";

fn resource(logical_id: impl Into<String>, kind: &str, props: Props) -> ResourceView<Cfn> {
    ResourceView {
        logical_id: logical_id.into(),
        kind: kind.into(),
        metadata: None,
        properties: Cfn::Map(props),
    }
}

fn text(s: impl Into<String>) -> Cfn {
    Cfn::Str(Cow::Owned(s.into()))
}

/// The VPCs a zone lists: the hub's own, and each spoke built with it in
/// its account with a literal VPC ID (E106 refuses the others).
fn zone_vpcs(hub: &Hub, vpc_id: &Cfn) -> Cfn {
    let vpc =
        |id: Cfn, region: Cfn| Cfn::Map(vec![("VPCId".into(), id), ("VPCRegion".into(), region)]);
    let mut list = vec![vpc(vpc_id.clone(), Cfn::Ref("AWS::Region".into()))];
    for s in hub.spokes.iter().filter(|s| s.other_account.is_none()) {
        if let Some(id) = &s.vpc_id {
            list.push(vpc(text(id.clone()), text(s.region.clone())));
        }
    }
    Cfn::List(list)
}

fn zone(model: &Model, hub: &Hub, z: &HostedZone, vpc_id: &Cfn) -> ResourceView<Cfn> {
    let comment = format!(
        "{} through the endpoint of {}, shared by {}",
        z.name, z.endpoint, model.name
    );
    resource(
        zone_id(z),
        "AWS::Route53::HostedZone",
        vec![
            ("Name".into(), text(z.name.clone())),
            (
                "HostedZoneConfig".into(),
                Cfn::Map(vec![("Comment".into(), text(comment))]),
            ),
            ("VPCs".into(), zone_vpcs(hub, vpc_id)),
            (
                "HostedZoneTags".into(),
                tags(model, &format!("{}-{}", model.name, z.name)),
            ),
        ],
    )
}

fn zone_id(z: &HostedZone) -> String {
    logical_id(&ResourceId::new(ResourceKind::HostedZone, &z.ident))
}

/// The zone's alias records, per record (apex, wildcard) and type (A,
/// AAAA), to the endpoint's regional DNS name.
fn records(z: &HostedZone) -> Result<Vec<ResourceView<Cfn>>, String> {
    let entries = Ref::endpoint(&z.endpoint, Attr::DnsEntries);
    let alias = Cfn::Map(vec![
        (
            "DNSName".into(),
            dns_entry(&entries, DnsEntryPart::DnsName)?,
        ),
        (
            "HostedZoneId".into(),
            dns_entry(&entries, DnsEntryPart::HostedZoneId)?,
        ),
        ("EvaluateTargetHealth".into(), Cfn::Bool(true)),
    ]);
    let zone = reference(&Ref::hosted_zone_id(&z.ident))?;
    let mut out = Vec::new();
    for record in &z.records {
        let (which, name) = match record.as_str() {
            "" => ("Apex", z.name.clone()),
            r => ("Wildcard", format!("{r}.{}", z.name)),
        };
        for kind in &z.record_types {
            let kind_part = if *kind == "A" { "" } else { "Aaaa" };
            out.push(resource(
                format!("{}{which}{kind_part}Record", pascal(&z.ident)),
                "AWS::Route53::RecordSet",
                vec![
                    ("HostedZoneId".into(), zone.clone()),
                    ("Name".into(), text(name.clone())),
                    ("Type".into(), Cfn::Str((*kind).into())),
                    ("AliasTarget".into(), alias.clone()),
                ],
            ));
        }
    }
    Ok(out)
}

/// The profile, one resource association per shared endpoint, and a RAM
/// share with the spokes' other accounts (none when every spoke is in the
/// hub's). The hub's own VPC resolves through its endpoints' private DNS:
/// the profile is not associated with it.
fn profile(model: &Model, hub: &Hub) -> Result<Vec<ResourceView<Cfn>>, String> {
    let profile = Ref::profile(Attr::Id);
    let id = reference(&profile)?;
    let name = format!("{}-endpoints", model.name);
    let mut out = vec![resource(
        logical_id(&profile.id),
        "AWS::Route53Profiles::Profile",
        vec![
            ("Name".into(), text(name.clone())),
            ("Tags".into(), tags(model, &name)),
        ],
    )];
    for e in &hub.endpoints {
        out.push(resource(
            format!("{}ProfileResource", pascal(e)),
            "AWS::Route53Profiles::ProfileResourceAssociation",
            vec![
                (
                    "Name".into(),
                    text(format!("{}-{}", model.name, e.replace('_', "-"))),
                ),
                ("ProfileId".into(), id.clone()),
                (
                    "ResourceArn".into(),
                    reference(&Ref::endpoint(e, Attr::Arn))?,
                ),
            ],
        ));
    }
    let accounts = hub.other_accounts();
    if !accounts.is_empty() {
        let name = format!("{}-endpoints-profile", model.name);
        out.push(resource(
            PROFILE_SHARE,
            "AWS::RAM::ResourceShare",
            vec![
                ("Name".into(), text(name.clone())),
                (
                    "ResourceArns".into(),
                    Cfn::List(vec![reference(&Ref::profile(Attr::Arn))?]),
                ),
                (
                    "Principals".into(),
                    Cfn::List(accounts.into_iter().map(text).collect()),
                ),
                ("AllowExternalPrincipals".into(), Cfn::Bool(false)),
                ("Tags".into(), tags(model, &name)),
            ],
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{Cfn, ResourceView, resources};
    use crate::model::Model;
    use crate::render::Target;

    /// The models of a scenario's specs built together (`None`: checked
    /// by no backend, so E106 lets a cross-account spoke through).
    fn models(case: &str, specs: &[&str], target: Option<Target>) -> Vec<Model> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
        let paths: Vec<_> = specs.iter().map(|s| dir.join(case).join(s)).collect();
        let c = crate::compile(&paths, target, false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        c.models().expect("plans")
    }

    /// hub-profile's hub, payments and orders (spokes in other accounts).
    fn profile_build() -> Vec<Model> {
        let specs = ["hub.toml", "payments.toml", "orders.toml"];
        models("hub-profile", &specs, Some(Target::Cloudformation))
    }

    fn shared(model: &Model) -> Vec<ResourceView<Cfn>> {
        resources(model, &Cfn::Ref("VpcId".into())).expect("renders")
    }

    fn find<'a>(rs: &'a [ResourceView<Cfn>], id: &str) -> &'a Cfn {
        let r = rs.iter().find(|r| r.logical_id == id);
        &r.unwrap_or_else(|| panic!("no {id}")).properties
    }

    fn prop<'a>(c: &'a Cfn, key: &str) -> &'a Cfn {
        let Cfn::Map(m) = c else {
            panic!("not a map: {c:?}")
        };
        let v = m.iter().find(|(k, _)| k == key);
        &v.unwrap_or_else(|| panic!("no {key} in {c:?}")).1
    }

    fn s(x: &str) -> Cfn {
        Cfn::Str(x.to_string().into())
    }

    #[test]
    fn a_zone_lists_the_hub_and_its_same_account_spokes_only() {
        let hub = &models(
            "hub-hosted-zones",
            &["hub.toml", "payments.toml", "orders.toml"],
            None,
        )[0];
        assert_eq!(hub.hub.as_ref().map(|h| h.spokes.len()), Some(2));
        let rs = shared(hub);
        let Cfn::List(vpcs) = prop(find(&rs, "StsHostedZone"), "VPCs") else {
            panic!("a list");
        };
        let ids: Vec<&Cfn> = vpcs.iter().map(|v| prop(v, "VPCId")).collect();
        // payments (same account) is listed; orders (another) is not.
        assert_eq!(
            ids,
            [&Cfn::Ref("VpcId".into()), &s("vpc-0aaaaaaaaaaaaaaa1")]
        );
        assert_eq!(prop(&vpcs[0], "VPCRegion"), &Cfn::Ref("AWS::Region".into()));
        assert_eq!(prop(&vpcs[1], "VPCRegion"), &s("eu-west-1"));
    }

    #[test]
    fn a_record_aliases_the_endpoints_first_dns_entry() {
        let hub = &models(
            "hub-cfn-same-account",
            &["hub.toml"],
            Some(Target::Cloudformation),
        )[0];
        let rs = shared(hub);
        let first = || {
            let entries = Cfn::GetAtt("KmsEndpoint".into(), "DnsEntries".into());
            let first = Cfn::Select(0, Box::new(entries));
            Box::new(Cfn::Split(":".into(), Box::new(first)))
        };
        for id in ["KmsApexRecord", "KmsApexAaaaRecord"] {
            let record = find(&rs, id);
            assert_eq!(
                prop(record, "HostedZoneId"),
                &Cfn::Ref("KmsHostedZone".into())
            );
            let alias = prop(record, "AliasTarget");
            assert_eq!(prop(alias, "DNSName"), &Cfn::Select(1, first()));
            assert_eq!(prop(alias, "HostedZoneId"), &Cfn::Select(0, first()));
        }
        assert_eq!(prop(find(&rs, "KmsApexAaaaRecord"), "Type"), &s("AAAA"));
        let wildcard = find(&rs, "ExecuteApiWildcardRecord");
        assert_eq!(
            prop(wildcard, "Name"),
            &s("*.execute-api.eu-west-1.amazonaws.com")
        );
    }

    #[test]
    fn the_profile_is_shared_with_the_other_accounts_only() {
        let mut hub = profile_build().into_iter().next().expect("the hub");
        let principals = |hub: &Model| {
            let rs = shared(hub);
            rs.iter()
                .find(|r| r.logical_id == "Route53ProfileShare")
                .map(|r| prop(&r.properties, "Principals").clone())
        };
        let two = Cfn::List(vec![s("111122223333"), s("444455556666")]);
        assert_eq!(principals(&hub), Some(two.clone()));
        let spokes = &mut hub.hub.as_mut().expect("a hub").spokes;
        let mut same = spokes[0].clone();
        same.other_account = None;
        spokes.push(same);
        // Twice the same account, and one of the hub's: no change.
        let mut again = spokes[1].clone();
        again.name = "again".into();
        spokes.push(again);
        assert_eq!(principals(&hub), Some(two));
        hub.hub
            .as_mut()
            .expect("a hub")
            .spokes
            .retain(|s| s.other_account.is_none());
        assert_eq!(principals(&hub), None, "no share within the account");
    }

    #[test]
    fn a_profile_spoke_associates_the_profile_from_its_parameter() {
        let rs = shared(&profile_build()[2]);
        let association = find(&rs, "HubRoute53ProfileAssociation");
        assert_eq!(
            prop(association, "ProfileId"),
            &Cfn::Ref("HubProfileId".into())
        );
        assert_eq!(prop(association, "ResourceId"), &Cfn::Ref("VpcId".into()));
    }

    /// A Parameter named like a zone is refused (E019), as one named like
    /// an endpoint is.
    #[test]
    fn an_input_named_like_a_zone_is_refused() {
        for (input, refused) in [("sts_hosted_zone", true), ("hub_vpc", false)] {
            let codes = super::super::tests::codes_of(&format!(
                "version = 1\nname = \"hub\"\nregion = \"eu-west-1\"\n[vpc]\nid = {{ input = \"{input}\" }}\ncidr = \"10.0.0.0/16\"\nsubnets = [\"subnet-0a1b2c3d4e5f60001\"]\n[reach]\nservices = [\"sts\"]\n[share]\ndns = \"hosted-zones\"\n"
            ));
            let e019 = codes.contains(&crate::diagnostic::Code::E019);
            assert_eq!(e019, refused, "{input}: {codes:?}");
        }
    }

    /// The hub's zones list the spoke's VPC: its template reads no zone
    /// ID (Terraform's still does, associating them from the spoke).
    #[test]
    fn a_spoke_listed_by_its_hub_takes_no_zone_parameters() {
        let built = models(
            "hub-cfn-same-account",
            &["hub.toml", "billing.toml"],
            Some(Target::Cloudformation),
        );
        let spoke = &built[1];
        assert!(spoke.inputs.iter().any(|i| i.name == "hub_zone_kms"));
        assert!(shared(spoke).is_empty());
        let names: Vec<String> = super::super::parameters(spoke)
            .into_iter()
            .map(|p| p.logical_id)
            .collect();
        assert!(!names.iter().any(|n| n.starts_with("HubZone")), "{names:?}");
    }
}
