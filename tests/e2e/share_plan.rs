// Plan checks of centralized endpoints (a `[share]` hub and the spokes built
// with it), `include!`d by tests/e2e.rs: moto 5.2.5 has neither Route 53
// VPC association authorizations nor Route 53 Profiles (`NOT_EMULATED`), so
// what a hub and its spokes create is checked resource by resource in the
// plan, against what the model decided. References (which endpoint a record
// aliases, which zone a record is in) are read from the plan's
// configuration, where Terraform keeps them.

use vpcegen::model::{HostedZone, Hub, Spoke};
use vpcegen::spec::ShareDns;

/// The VPC ID a module is planned with: the spec's literal, else the
/// literal input [`literal_input`] gives.
fn planned_vpc_id(model: &Model) -> String {
    match &model.vpc_id {
        Value::Literal(v) => v.clone(),
        _ => literal_input(InputKind::VpcId)
            .as_str()
            .unwrap_or_default()
            .to_string(),
    }
}

/// The planned resources of one type: (name, what it creates).
fn planned_of<'a>(planned: &[&'a Json], kind: &str) -> Vec<(&'a str, &'a Json)> {
    planned
        .iter()
        .filter(|r| r["type"] == kind)
        .map(|r| (r["name"].as_str().unwrap_or_default(), &r["change"]["after"]))
        .collect()
}

/// What `address`'s `arg` refers to in the module's configuration
/// (`alias.name` for a block's argument), e.g. `aws_vpc_endpoint.kms`.
fn references(plan: &Json, address: &str, arg: &str) -> Vec<String> {
    let resources = &plan["configuration"]["root_module"]["module_calls"]["case"]["module"]
        ["resources"];
    let Some(r) = resources
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
    else {
        return Vec::new();
    };
    let mut at = &r["expressions"];
    for part in arg.split('.') {
        at = match &at[part] {
            Json::Array(blocks) => blocks.first().unwrap_or(&Json::Null),
            other => other,
        };
    }
    at["references"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// A hub's and a spoke's share resources; `build` is every model built
/// with `model` (the hub admits its spokes' CIDRs).
fn share_planned(case: &str, model: &Model, build: &[Model], plan: &Json, planned: &[&Json]) {
    if let Some(hub) = &model.hub {
        hub_endpoints_planned(case, model, hub, planned);
        hub_ingress_planned(case, build, planned);
        match hub.dns {
            ShareDns::HostedZones => {
                zones_planned(case, model, hub, planned);
                records_planned(case, hub, plan, planned);
                authorizations_planned(case, hub, planned);
            }
            ShareDns::Profile => {
                profile_planned(case, hub, planned);
                ram_share_planned(case, hub, planned);
            }
        }
    }
    if let Some(spoke) = &model.spoke {
        spoke_endpoints_planned(case, model, spoke, planned);
        match spoke.dns {
            ShareDns::HostedZones => zone_associations_planned(case, model, spoke, planned),
            ShareDns::Profile => profile_association_planned(case, model, spoke, planned),
        }
    }
    if model.hub.is_some() || model.spoke.is_some() {
        eprintln!("{case}: {}: shared endpoints planned as the model says", model.name);
    }
}

/// Each shared interface endpoint: private DNS off when the hub's zones
/// answer for it, on when the profile shares the endpoint's own.
fn hub_endpoints_planned(case: &str, model: &Model, hub: &Hub, planned: &[&Json]) {
    let want = hub.dns == ShareDns::Profile;
    for ident in &hub.endpoints {
        let a = planned_after(case, planned, "aws_vpc_endpoint", ident);
        assert_eq!(a["vpc_id"], planned_vpc_id(model).as_str(), "{case}: {ident}");
        assert_eq!(
            a["private_dns_enabled"], want,
            "{case}: hub endpoint {ident}: private DNS"
        );
    }
}

/// The hub's endpoint group admits every spoke built with it on 443.
fn hub_ingress_planned(case: &str, build: &[Model], planned: &[&Json]) {
    let admitted: Vec<&str> = planned_of(planned, "aws_vpc_security_group_ingress_rule")
        .into_iter()
        .filter(|(_, a)| a["ip_protocol"] == "tcp" && a["from_port"] == 443)
        .filter_map(|(_, a)| a["cidr_ipv4"].as_str())
        .collect();
    for spoke in build.iter().filter(|m| m.spoke.is_some()) {
        let Some(Value::Literal(cidr)) = &spoke.vpc_cidr else {
            continue;
        };
        assert!(
            admitted.contains(&cidr.as_str()),
            "{case}: the hub admits {admitted:?} on 443, not spoke {}'s {cidr}",
            spoke.name
        );
    }
}

/// One private zone per name, in the hub's VPC.
fn zones_planned(case: &str, model: &Model, hub: &Hub, planned: &[&Json]) {
    assert_eq!(
        planned_of(planned, "aws_route53_zone").len(),
        hub.zones.len(),
        "{case}: one zone per shared name"
    );
    for z in &hub.zones {
        let a = planned_after(case, planned, "aws_route53_zone", &z.ident);
        assert_eq!(a["name"], z.name.as_str(), "{case}: zone {}", z.ident);
        let vpcs = a["vpc"].as_array().map_or(0, Vec::len);
        assert_eq!(
            (vpcs, &a["vpc"][0]["vpc_id"]),
            (1, &json!(planned_vpc_id(model))),
            "{case}: zone {} is private to the hub's VPC",
            z.ident
        );
    }
}

/// Per zone, record and type: an alias to its endpoint's first DNS entry,
/// in its zone.
fn records_planned(case: &str, hub: &Hub, plan: &Json, planned: &[&Json]) {
    let records = planned_of(planned, "aws_route53_record");
    let mut want = 0;
    for z in &hub.zones {
        for r in &z.records {
            let fqdn = match r.as_str() {
                "" => z.name.clone(),
                r => format!("{r}.{}", z.name),
            };
            for t in &z.record_types {
                want += 1;
                let (name, a) = records
                    .iter()
                    .find(|(_, a)| a["name"] == fqdn.as_str() && a["type"] == *t)
                    .unwrap_or_else(|| panic!("{case}: no {t} record {fqdn} planned"));
                assert_eq!(a["alias"][0]["evaluate_target_health"], true, "{case}: {fqdn}");
                let address = format!("aws_route53_record.{name}");
                let alias = references(plan, &address, "alias.name");
                let endpoint = format!("aws_vpc_endpoint.{}", z.endpoint);
                assert!(
                    alias.contains(&format!("{endpoint}.dns_entry[0].dns_name")),
                    "{case}: {fqdn} {t} aliases {alias:?}, not {endpoint}'s first DNS entry"
                );
                let zone = format!("aws_route53_zone.{}", z.ident);
                assert!(
                    references(plan, &address, "zone_id").contains(&zone),
                    "{case}: {fqdn} {t} is not in {zone}"
                );
            }
        }
    }
    assert_eq!(records.len(), want, "{case}: no other record");
}

/// Per zone and spoke in another account with a literal VPC ID: an
/// authorization of that VPC (the spoke associates it).
fn authorizations_planned(case: &str, hub: &Hub, planned: &[&Json]) {
    let found = planned_of(planned, "aws_route53_vpc_association_authorization");
    let mut want = Vec::new();
    for s in hub.spokes.iter().filter(|s| s.other_account.is_some()) {
        let Some(vpc) = &s.vpc_id else { continue };
        want.extend(hub.zones.iter().map(|_| (vpc.as_str(), s.region.as_str())));
    }
    let mut got: Vec<(&str, &str)> = found
        .iter()
        .map(|(_, a)| {
            (
                a["vpc_id"].as_str().unwrap_or_default(),
                a["vpc_region"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "{case}: one authorization per zone and other-account spoke");
}

/// One profile holding each shared endpoint, not associated with the
/// hub's own VPC (which resolves through the endpoints' private DNS).
fn profile_planned(case: &str, hub: &Hub, planned: &[&Json]) {
    assert_eq!(planned_of(planned, "aws_route53profiles_profile").len(), 1, "{case}");
    assert!(
        planned_of(planned, "aws_route53profiles_association").is_empty(),
        "{case}: the hub's VPC is not associated with its own profile"
    );
    let mut held: Vec<&str> = planned_of(planned, "aws_route53profiles_resource_association")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    held.sort_unstable();
    let mut shared: Vec<&str> = hub.endpoints.iter().map(String::as_str).collect();
    shared.sort_unstable();
    assert_eq!(held, shared, "{case}: the profile holds each shared endpoint");
}

/// The profile shared through RAM with each other account of a spoke.
fn ram_share_planned(case: &str, hub: &Hub, planned: &[&Json]) {
    assert_eq!(planned_of(planned, "aws_ram_resource_share").len(), 1, "{case}");
    assert_eq!(planned_of(planned, "aws_ram_resource_association").len(), 1, "{case}");
    let mut principals: Vec<&str> = planned_of(planned, "aws_ram_principal_association")
        .into_iter()
        .filter_map(|(_, a)| a["principal"].as_str())
        .collect();
    principals.sort_unstable();
    assert_eq!(principals, hub.other_accounts(), "{case}: one principal per other account");
}

/// A spoke creates no interface endpoint for what it uses from the hub.
fn spoke_endpoints_planned(case: &str, model: &Model, spoke: &Spoke, planned: &[&Json]) {
    let region = model.region.as_deref().unwrap_or(DEFAULT_REGION);
    for (name, a) in planned_of(planned, "aws_vpc_endpoint") {
        let service = a["service_name"].as_str().unwrap_or_default();
        let from_hub = spoke
            .services
            .iter()
            .any(|s| service == format!("com.amazonaws.{region}.{s}"));
        assert!(
            !(from_hub && a["vpc_endpoint_type"] == "Interface"),
            "{case}: spoke {} plans interface endpoint {name} for {service}, which the hub shares",
            model.name
        );
    }
}

/// One association of the spoke's VPC per hub zone, from its input.
fn zone_associations_planned(case: &str, model: &Model, spoke: &Spoke, planned: &[&Json]) {
    let zone = literal_input(InputKind::HostedZoneId);
    assert_eq!(
        planned_of(planned, "aws_route53_zone_association").len(),
        spoke.zones.len(),
        "{case}: one association per hub zone"
    );
    for z in &spoke.zones {
        let a = planned_after(case, planned, "aws_route53_zone_association", &z.ident);
        assert_eq!(a["zone_id"], zone, "{case}: {} from its input", z.ident);
        assert_eq!(a["vpc_id"], planned_vpc_id(model).as_str(), "{case}");
    }
}

/// The spoke's VPC associated with the hub's profile, from its input.
fn profile_association_planned(case: &str, model: &Model, spoke: &Spoke, planned: &[&Json]) {
    assert!(spoke.profile_input.is_some(), "{case}: a profile input");
    let a = planned_after(case, planned, "aws_route53profiles_association", "hub");
    assert_eq!(a["profile_id"], literal_input(InputKind::ProfileId), "{case}");
    assert_eq!(a["resource_id"], planned_vpc_id(model).as_str(), "{case}");
}

/// Why a spec cannot be deployed here when it shares endpoints or uses a
/// hub's: the suite deploys single specs, a hub's zones and profile need
/// Route 53 calls moto lacks, and a spoke's inputs are the hub's outputs.
fn shares(model: &Model) -> Option<&'static str> {
    let why = "a [share] hub or a spoke (reach.via): this suite deploys single specs, and moto 5.2.5 lacks Route 53 VPC association authorizations and Route 53 Profiles; plan its case folder instead (NOT_EMULATED, with the hub and spokes in a `build` file)";
    (model.hub.is_some() || model.spoke.is_some()).then_some(why)
}

/// A spoke's hub input (zone or profile ID) has no value in a deployment
/// here: [`shares`] keeps spokes out of it, so this is never reached.
fn no_hub_output(s: &Scenario, input: &str) -> Json {
    panic!(
        "{}: input {input} is a hub's output, which this suite does not deploy",
        s.spec.display()
    )
}

/// The templates of a hub and its spokes hold what the model shares: a
/// profile hub its profile, resource associations and RAM share (and no
/// association of its own VPC), a hosted-zones hub its zones and alias
/// records; a profile spoke its association and the `HubProfileId`
/// parameter. (A hosted-zones hub builds for CloudFormation only with
/// spokes of its account, E106.)
fn share_in_template(case: &str, model: &Model, text: &str) {
    let count = |kind: &str| text.matches(&format!("Type: {kind}\n")).count();
    if let Some(hub) = model.hub.as_ref().filter(|h| h.dns == ShareDns::HostedZones) {
        assert_eq!(count("AWS::Route53::HostedZone"), hub.zones.len(), "{case}");
        let records: usize = hub
            .zones
            .iter()
            .map(|z| z.records.len() * z.record_types.len())
            .sum();
        assert_eq!(count("AWS::Route53::RecordSet"), records, "{case}");
    }
    if let Some(hub) = model.hub.as_ref().filter(|h| h.dns == ShareDns::Profile) {
        assert_eq!(count("AWS::Route53Profiles::Profile"), 1, "{case}");
        assert_eq!(count("AWS::Route53Profiles::ProfileAssociation"), 0, "{case}");
        assert_eq!(
            count("AWS::Route53Profiles::ProfileResourceAssociation"),
            hub.endpoints.len(),
            "{case}: one per shared endpoint"
        );
        assert_eq!(count("AWS::RAM::ResourceShare"), 1, "{case}");
    }
    if let Some(spoke) = model.spoke.as_ref().filter(|s| s.dns == ShareDns::Profile) {
        assert_eq!(count("AWS::Route53Profiles::ProfileAssociation"), 1, "{case}");
        let input = spoke.profile_input.as_deref().unwrap_or_default();
        let parameter = format!("\n  {}:\n", vpcegen::render::pascal(input));
        assert!(text.contains(&parameter), "{case}: parameter {parameter:?}");
    }
}
