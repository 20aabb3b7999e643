//! Model → Terraform module: view model, then templates, then the
//! `terraform fmt` alignment pass.

use super::hcl::{Expr, Part};
use super::{Engine, File};
use crate::model::{
    Attr, CreatedSecurityGroup, Endpoint, Expose, Input, InputKind, LoadBalancer, Model,
    OutputValue, ReachGroups, Ref, RefOrValue, ResourceId, ResourceKind, ServiceName, Skip, Value,
};
use crate::spec::{AwsProvider, EndpointType, LatticeKind};
use serde::Serialize;

mod share;

#[derive(Serialize)]
struct View {
    header: String,
    tags: Expr,
    /// `required_providers`' constraint: the model's provider major only.
    aws_provider_version: Expr,
    /// Whether `data.aws_region.current` is read (for service names built
    /// at deploy time, or for the Region guard).
    needs_region: bool,
    region_guard: Option<RegionGuardView>,
    #[serde(flatten)]
    network: NetworkView,
    /// The group shared by the reach endpoints, when vpcegen creates it.
    security_group: Option<SecurityGroupView>,
    endpoints: Vec<EndpointView>,
    exposes: Vec<ExposeView>,
    connects: Vec<ConnectView>,
    gwlb_endpoints: Vec<GwlbView>,
    /// A hub's zones or profile, a spoke's associations.
    share: share::ShareView,
    variables: Vec<VariableView>,
    outputs: Vec<OutputView>,
}

/// A `postcondition` on `data.aws_region.current` that fails the plan
/// when the provider's Region is not the spec's. Not a top-level `check`
/// block: a failed check assertion is only a warning, and the plan goes on
/// to create endpoints for another Region's service names.
#[derive(Serialize)]
struct RegionGuardView {
    condition: Expr,
    error_message: Expr,
}

#[derive(Serialize)]
struct DataSource {
    /// `id = ...` for a VPC read by ID.
    id: Option<Expr>,
    vpc_id: Option<Expr>,
    filters: Vec<Filter>,
}

#[derive(Serialize)]
struct Filter {
    name: Expr,
    values: Expr,
}

#[derive(Serialize)]
struct SecurityGroupView {
    ident: String,
    /// What its rules' `security_group_id` reads.
    id: Expr,
    name: Expr,
    description: Expr,
    tags: Expr,
    rules: Vec<RuleView>,
}

#[derive(Serialize)]
struct RuleView {
    /// `aws_vpc_security_group_ingress_rule` or `..._egress_rule`.
    resource: &'static str,
    ident: String,
    description: Expr,
    cidr_attr: &'static str,
    cidr: Expr,
    port: Expr,
    tags: Expr,
}

#[derive(Serialize)]
struct EndpointView {
    ident: String,
    service_name: Expr,
    /// A VPC Lattice endpoint's ARN, under its own argument.
    resource_configuration_arn: Option<Expr>,
    service_network_arn: Option<Expr>,
    kind: Expr,
    interface: bool,
    /// `local.subnet_ids`, or with `reach.only_supported_azs` those of
    /// them in the AZs the service serves.
    subnet_ids: Expr,
    /// Whether `data.aws_vpc_endpoint_service.<ident>` looks the service's
    /// AZs up (`reach.only_supported_azs`).
    lookup_azs: bool,
    security_group_ids: Option<Expr>,
    private_dns: Option<Expr>,
    /// `ip_address_type` and `dns_options.dns_record_ip_type`, when not IPv4.
    ip_address_type: Option<Expr>,
    dns_options: bool,
    /// The service's Region for a cross-Region endpoint.
    service_region: Option<Expr>,
    /// `ips`, one `subnet_configuration` block each.
    subnet_configuration: Vec<SubnetConfigView>,
    policy: Option<Expr>,
    tags: Expr,
}

/// The provider pin: the major's, raised to 5.85 on provider 5 where an
/// endpoint has fixed addresses (`subnet_configuration` came in 5.85).
fn provider_constraint(model: &Model) -> String {
    // `resource_configuration_arn` and `service_network_arn` came before
    // 5.85 too (5.79), so the same pin covers them.
    let fixed = model.endpoints.iter().any(|e| !e.fixed_ips.is_empty())
        || model.connects.iter().any(|c| c.lattice.is_some());
    match model.aws_provider {
        AwsProvider::V5 if fixed => ">= 5.85, < 6.0".into(),
        major => major.version_constraint(),
    }
}

#[derive(Serialize)]
struct SubnetConfigView {
    ipv4: Expr,
    subnet_id: Expr,
}

#[derive(Serialize)]
struct ExposeView {
    ident: String,
    /// The endpoint service's checkov skips, as comment lines.
    skips: Vec<Expr>,
    create: Option<CreateLbView>,
    nlb_arn: Expr,
    /// `gateway_load_balancer_arns` rather than `network_load_balancer_arns`.
    gateway: bool,
    acceptance_required: Expr,
    allowed_principals: Expr,
    private_dns_name: Option<Expr>,
    /// `supported_ip_address_types`, when not IPv4 alone.
    supported_ip_address_types: Option<Expr>,
    /// `regions`: the home Region and the others consumers may be in.
    supported_regions: Option<Expr>,
    notify: Option<NotifyView>,
    tags: Expr,
}

/// `aws_vpc_endpoint_connection_notification` (it takes no tags).
#[derive(Serialize)]
struct NotifyView {
    service_id: Expr,
    topic_arn: Expr,
    events: Expr,
}

#[derive(Serialize)]
struct CreateLbView {
    /// The NLB's checkov skips, as comment lines.
    skips: Vec<Expr>,
    /// `"dualstack"` when the endpoint service supports IPv6.
    ip_address_type: Option<Expr>,
    name: Expr,
    /// From [`crate::spec::TargetType::health_check`].
    health_check_protocol: Expr,
    health_check_port: Expr,
    health_check_path: Option<Expr>,
    port: Expr,
    target_port: Expr,
    target_type: Expr,
    lb_tags: Expr,
    tg_tags: Expr,
    listener_tags: Expr,
    deletion_protection: Expr,
    /// The NLB's own group, and what its `security_groups` reads.
    security_group: SecurityGroupView,
    security_group_ids: Expr,
    /// What the listener reads.
    load_balancer_arn: Expr,
    target_group_arn: Expr,
}

#[derive(Serialize)]
struct ConnectView {
    security_group: SecurityGroupView,
    endpoint: EndpointView,
}

/// A Gateway Load Balancer endpoint: in its one literal subnet, or with
/// `for_each` over the module's subnets (`subnet` is then `None`).
#[derive(Serialize)]
struct GwlbView {
    ident: String,
    service_name: Expr,
    subnet: Option<Expr>,
    tags: Expr,
}

fn gwlb_view(g: &crate::model::GwlbEndpoint) -> GwlbView {
    GwlbView {
        ident: g.ident.clone(),
        service_name: match &g.service_name {
            ServiceName::Input(i) => r(format!("var.{i}")),
            ServiceName::Literal(n) | ServiceName::Regional(n) => s(n.clone()),
        },
        subnet: match &g.subnet {
            crate::model::GwlbSubnet::One(id) => Some(s(id.clone())),
            crate::model::GwlbSubnet::Each => None,
        },
        tags: tags_with_name(&g.name_tag),
    }
}

#[derive(Serialize)]
struct VariableView {
    name: String,
    kind: Expr,
    description: Expr,
    condition: Option<Expr>,
    error_message: Option<Expr>,
}

#[derive(Serialize)]
struct OutputView {
    name: String,
    description: Expr,
    value: Expr,
}

fn r(s: impl Into<String>) -> Expr {
    Expr::Ref(s.into())
}

fn s(s: impl Into<String>) -> Expr {
    Expr::Str(s.into())
}

fn tags_with_name(name: &str) -> Expr {
    Expr::Call(
        "merge".into(),
        vec![r("local.tags"), Expr::Map(vec![("Name".into(), s(name))])],
    )
}

fn lookup_filters(tags: &[(String, Vec<String>)]) -> Vec<Filter> {
    tags.iter()
        .map(|(k, vs)| Filter {
            name: s(format!("tag:{k}")),
            values: Expr::List(vs.iter().map(|v| s(v.clone())).collect()),
        })
        .collect()
}

/// The expression for a network value; `data` is the data source attribute
/// a tag lookup reads.
fn network(v: &Value, data: &str) -> Expr {
    match v {
        Value::Literal(x) => s(x.clone()),
        Value::LiteralList(xs) => Expr::List(xs.iter().map(|x| s(x.clone())).collect()),
        Value::Input(name) => r(format!("var.{name}")),
        Value::Lookup(_) => r(data.to_string()),
        Value::VpcCidr => r("data.aws_vpc.this.cidr_block"),
    }
}

/// A created group and its rules, inbound then outbound. With no outbound
/// rule it allows no outbound traffic: `aws_security_group` removes the
/// allow-all rule AWS adds.
fn group_view(g: &CreatedSecurityGroup) -> SecurityGroupView {
    let ingress = g
        .rules
        .iter()
        .map(|r| ("aws_vpc_security_group_ingress_rule", r));
    let egress = g
        .egress
        .iter()
        .map(|r| ("aws_vpc_security_group_egress_rule", r));
    SecurityGroupView {
        ident: g.ident.clone(),
        id: reference(&g.id_ref()),
        name: s(g.name.clone()),
        description: s(g.description.clone()),
        tags: tags_with_name(&g.name),
        rules: ingress
            .chain(egress)
            .map(|(resource, rule)| RuleView {
                resource,
                ident: format!("{}_{}", g.ident, rule.id),
                description: s(rule.description.clone()),
                cidr_attr: if rule.is_ipv6() {
                    "cidr_ipv6"
                } else {
                    "cidr_ipv4"
                },
                cidr: network(&rule.cidr, ""),
                port: Expr::Num(rule.port as i64),
                tags: tags_with_name(&format!("{}-{}", g.name, rule.id.replace('_', "-"))),
            })
            .collect(),
    }
}

/// The Region's code as the model's provider major reads it from
/// `data.aws_region.current` (`region` in 6, `name` in 5).
fn current_region(model: &Model) -> String {
    format!(
        "data.aws_region.current.{}",
        model.aws_provider.region_attribute()
    )
}

/// The guard of a spec with a `region`: the condition on `self` and a
/// message naming both Regions' roles.
fn region_guard(model: &Model) -> Option<RegionGuardView> {
    let region = model.region.as_ref()?;
    let attr = format!("self.{}", model.aws_provider.region_attribute());
    Some(RegionGuardView {
        condition: Expr::Equals(Box::new(r(attr.clone())), Box::new(s(region.clone()))),
        error_message: Expr::Template(vec![
            Part::Lit(format!(
                "Region mismatch: the spec's Region is {region} (vpcegen wrote this module for it), but the provider's Region is "
            )),
            Part::Ref(attr),
            Part::Lit(format!(
                ". Configure the AWS provider for {region}, or set `region` in the spec to the Region you deploy to and build again."
            )),
        ]),
    })
}

fn endpoint(
    e: &Endpoint,
    security_group_ids: Option<Expr>,
    current_region: &str,
    needs_region: &mut bool,
    policies: &mut super::Policies<Expr>,
) -> EndpointView {
    let service_name = match &e.service_name {
        ServiceName::Literal(n) => s(n.clone()),
        ServiceName::Input(i) => r(format!("var.{i}")),
        ServiceName::Regional(p) => {
            *needs_region = true;
            let (before, after) = p
                .split_once("{region}")
                .expect("a regional name has {region}");
            Expr::Template(vec![
                Part::Lit(before.into()),
                Part::Ref(current_region.into()),
                Part::Lit(after.into()),
            ])
        }
    };
    let lattice = |k: LatticeKind| (e.lattice == Some(k)).then(|| service_name.clone());
    EndpointView {
        ident: e.ident.clone(),
        resource_configuration_arn: lattice(LatticeKind::Resource),
        service_network_arn: lattice(LatticeKind::ServiceNetwork),
        kind: s(e.lattice.map_or(e.kind.aws_name(), |k| k.aws_name())),
        service_name,
        interface: e.kind == EndpointType::Interface,
        subnet_ids: r("local.subnet_ids"),
        lookup_azs: false,
        security_group_ids,
        private_dns: e.private_dns.map(Expr::Bool),
        ip_address_type: (!e.ip_address_type.is_default()).then(|| s(e.ip_address_type.as_str())),
        dns_options: e.dns_options_all_resolvers,
        service_region: e.service_region.as_ref().map(|r| s(r.clone())),
        subnet_configuration: e
            .fixed_ips
            .iter()
            .map(|(subnet, ip)| SubnetConfigView {
                ipv4: s(ip),
                subnet_id: s(subnet),
            })
            .collect(),
        policy: e.policy.as_ref().map(|p| {
            policies.get(p, |doc| {
                Expr::Call("jsonencode".into(), vec![Expr::from_json(doc)]).shared()
            })
        }),
        tags: tags_with_name(&e.name_tag),
    }
}

/// An interface endpoint put only in the subnets whose AZ its service
/// serves: the service's AZs and each subnet's are read at plan time
/// (`reach.only_supported_azs`). Connects keep every subnet: their AZs are
/// checked at build time (`az_ids`, E052/W111).
fn in_supported_azs(view: EndpointView) -> EndpointView {
    let azs = format!(
        "data.aws_vpc_endpoint_service.{}.availability_zones",
        view.ident
    );
    EndpointView {
        subnet_ids: r(format!(
            "[for s in data.aws_subnet.this : s.id if contains({azs}, s.availability_zone)]"
        )),
        lookup_azs: true,
        ..view
    }
}

/// The one place a [`Ref`] becomes HCL: the resource type per kind, then
/// the expression per attribute.
fn reference(x: &Ref) -> Expr {
    let kind = match x.id.kind {
        ResourceKind::Endpoint => "aws_vpc_endpoint",
        ResourceKind::SecurityGroup => "aws_security_group",
        ResourceKind::LoadBalancer => "aws_lb",
        ResourceKind::TargetGroup => "aws_lb_target_group",
        ResourceKind::Listener => "aws_lb_listener",
        ResourceKind::EndpointService => "aws_vpc_endpoint_service",
        ResourceKind::HostedZone => "aws_route53_zone",
        ResourceKind::Profile => "aws_route53profiles_profile",
    };
    let res = format!("{kind}.{}", x.id.name);
    if x.id.kind == ResourceKind::HostedZone {
        return r(format!("{res}.zone_id"));
    }
    let dns_config = |field| format!("try({res}.private_dns_name_configuration[0].{field}, null)");
    r(match x.attr {
        Attr::Id => format!("{res}.id"),
        Attr::Arn => format!("{res}.arn"),
        Attr::DnsName => format!("{res}.dns_name"),
        Attr::ServiceName => format!("{res}.service_name"),
        Attr::DnsNames => format!("[for entry in {res}.dns_entry : entry.dns_name]"),
        Attr::DnsEntries => format!("{res}.dns_entry"),
        Attr::NetworkInterfaceIds => format!("{res}.network_interface_ids"),
        Attr::PrefixListId => format!("{res}.prefix_list_id"),
        Attr::IdsBySubnet => format!("{{ for subnet, e in {res} : subnet => e.id }}"),
        Attr::PrivateDnsVerificationName => dns_config("name"),
        Attr::PrivateDnsVerificationValue => dns_config("value"),
    })
}

/// A reference, or the value the spec gave in its place.
fn ref_or_value(v: &RefOrValue) -> Expr {
    match v {
        RefOrValue::Ref(x) => reference(x),
        RefOrValue::Given { value, .. } => network(value, ""),
    }
}

/// An output's value: one reference, or an object of objects (the map of
/// every endpoint by service).
fn output_value(v: &OutputValue) -> Expr {
    match v {
        OutputValue::One(v) => ref_or_value(v),
        OutputValue::ByKey(entries) => Expr::Map(
            entries
                .iter()
                .map(|(key, fields)| {
                    let fields = fields.iter().map(|(f, x)| (f.to_string(), reference(x)));
                    (key.clone(), Expr::Map(fields.collect()))
                })
                .collect(),
        ),
    }
}

fn group_ids(g: &CreatedSecurityGroup) -> Expr {
    Expr::List(vec![reference(&g.id_ref())])
}

/// The Terraform backend: a module that expresses every model (tag
/// lookups become data sources), so `check` and `names` find nothing.
pub struct Terraform;

impl super::Backend for Terraform {
    fn check(&self, _: &Model, _: &mut crate::diagnostic::Diagnostics) {}

    fn names(&self, _: &Model, _: &mut crate::diagnostic::Diagnostics) {}

    fn emit(
        &self,
        model: &Model,
        engine: &Engine,
        _: super::CfnFormat,
    ) -> Result<Vec<File>, String> {
        render(model, engine)
    }
}

fn render(model: &Model, engine: &Engine) -> Result<Vec<File>, String> {
    let (security_group, reach_groups) = match model.reach_groups() {
        Some(ReachGroups::Created(g)) => (Some(group_view(&g)), Some(group_ids(&g))),
        Some(ReachGroups::Existing(v)) => (None, Some(network(v, ""))),
        None => (None, None),
    };
    let region_guard = region_guard(model);
    let mut needs_region = region_guard.is_some();
    let current_region = current_region(model);
    let mut policies = super::Policies::new();
    let endpoints = model
        .endpoints
        .iter()
        .map(|e| {
            let groups = (e.kind == EndpointType::Interface)
                .then(|| reach_groups.clone())
                .flatten();
            let view = endpoint(e, groups, &current_region, &mut needs_region, &mut policies);
            // A cross-Region service's AZs are another Region's: no lookup.
            if model.only_supported_azs && view.interface && e.service_region.is_none() {
                in_supported_azs(view)
            } else {
                view
            }
        })
        .collect();
    let connects = model
        .connects
        .iter()
        .map(|c| {
            let g = c
                .own_security_group
                .as_ref()
                .expect("a connect has its own group");
            ConnectView {
                security_group: group_view(g),
                endpoint: endpoint(
                    c,
                    Some(group_ids(g)),
                    &current_region,
                    &mut needs_region,
                    &mut policies,
                ),
            }
        })
        .collect();
    let header = super::header("#", &model.source);
    let view = View {
        header: header.clone(),
        tags: Expr::Map(
            model
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), s(v.clone())))
                .collect(),
        ),
        aws_provider_version: s(provider_constraint(model)),
        needs_region,
        region_guard,
        network: network_view(model),
        security_group,
        endpoints,
        exposes: model
            .exposes
            .iter()
            .map(|x| expose_view(model, x))
            .collect(),
        connects,
        gwlb_endpoints: model.gwlb_endpoints.iter().map(gwlb_view).collect(),
        share: share::view(model),
        variables: model.inputs.iter().map(variable).collect(),
        outputs: model
            .outputs
            .iter()
            .map(|o| OutputView {
                name: o.name.clone(),
                description: s(o.description.clone()),
                value: output_value(&o.value),
            })
            .collect(),
    };
    write(model, engine, &view, &header)
}

/// Where the VPC, subnets and route tables come from: literals, variables
/// or data sources (tag lookups, and the VPC's CIDR when a rule reads it).
#[derive(Serialize)]
struct NetworkView {
    /// `None` when nothing is created in the VPC.
    vpc_id: Option<Expr>,
    subnet_ids: Option<Expr>,
    route_table_ids: Option<Expr>,
    data_vpc: Option<DataSource>,
    data_subnets: Option<DataSource>,
    data_route_tables: Option<DataSource>,
    /// `data.aws_subnet.this`, one per subnet, for its AZ
    /// (`reach.only_supported_azs` with an interface endpoint).
    data_subnet_azs: bool,
}

fn network_view(model: &Model) -> NetworkView {
    let uses_vpc = model.uses_vpc();
    let vpc_id = uses_vpc.then(|| network(&model.vpc_id, "data.aws_vpc.this.id"));
    let needs_vpc_data =
        (uses_vpc && matches!(model.vpc_id, Value::Lookup(_))) || model.reads_vpc_cidr();
    let data_vpc = needs_vpc_data.then(|| match &model.vpc_id {
        Value::Lookup(tags) => DataSource {
            id: None,
            vpc_id: None,
            filters: lookup_filters(tags),
        },
        other => DataSource {
            id: Some(network(other, "")),
            vpc_id: None,
            filters: Vec::new(),
        },
    });
    let data_for = |v: &Option<Value>| match v {
        Some(Value::Lookup(tags)) => Some(DataSource {
            id: None,
            vpc_id: Some(r("local.vpc_id")),
            filters: lookup_filters(tags),
        }),
        _ => None,
    };

    NetworkView {
        vpc_id,
        subnet_ids: model
            .subnets
            .as_ref()
            .map(|v| network(v, "data.aws_subnets.this.ids")),
        route_table_ids: model
            .route_tables
            .as_ref()
            .map(|v| network(v, "data.aws_route_tables.this.ids")),
        data_vpc,
        data_subnets: data_for(&model.subnets),
        data_route_tables: data_for(&model.route_tables),
        data_subnet_azs: model.only_supported_azs
            && model.subnets.is_some()
            && model
                .endpoints
                .iter()
                .any(|e| e.kind == EndpointType::Interface),
    }
}

/// The checks skipped on a resource, as checkov reads them: one
/// `#checkov:skip=<id>:<reason>` line each inside its block.
fn skips(model: &Model, kind: ResourceKind, ident: &str) -> Vec<Expr> {
    let id = ResourceId::new(kind, ident);
    let line = |s: &Skip| Expr::Comment(format!("checkov:skip={}:{}", s.check.id(), s.reason));
    model.skips_of(&id).iter().map(line).collect()
}

/// An expose: its NLB, target group and listener when created, the
/// endpoint service, its connection notification.
fn expose_view(model: &Model, x: &Expose) -> ExposeView {
    let i = &x.ident;
    let create = match &x.load_balancer {
        LoadBalancer::Create {
            name,
            port,
            target_port,
            target_type,
            deletion_protection,
            dualstack,
            security_group,
        } => Some(CreateLbView {
            ip_address_type: dualstack.then(|| s("dualstack")),
            skips: skips(model, ResourceKind::LoadBalancer, i),
            deletion_protection: Expr::Bool(*deletion_protection),
            security_group: group_view(security_group),
            security_group_ids: group_ids(security_group),
            name: s(name.clone()),
            health_check_protocol: s(target_type.health_check().protocol),
            health_check_port: s(target_type.health_check().port),
            health_check_path: target_type.health_check().path.map(s),
            port: Expr::Num(*port as i64),
            target_port: Expr::Num(*target_port as i64),
            target_type: s(target_type.name()),
            lb_tags: tags_with_name(&x.name_tag),
            tg_tags: tags_with_name(&x.target_group_tag()),
            listener_tags: tags_with_name(&format!("{}-tcp-{port}", x.name_tag)),
            load_balancer_arn: reference(&Ref::load_balancer(i, Attr::Arn)),
            target_group_arn: reference(&Ref::target_group_arn(i)),
        }),
        LoadBalancer::Existing(_) => None,
    };
    ExposeView {
        ident: i.clone(),
        skips: skips(model, ResourceKind::EndpointService, i),
        create,
        nlb_arn: ref_or_value(&x.nlb_arn()),
        gateway: x.gateway,
        acceptance_required: Expr::Bool(x.acceptance_required),
        allowed_principals: Expr::List(
            x.allowed_principals.iter().map(|p| s(p.as_str())).collect(),
        ),
        private_dns_name: x.private_dns_name.as_ref().map(|n| s(n.clone())),
        supported_ip_address_types: x
            .writes_ip_address_types()
            .then(|| Expr::List(x.ip_address_types.iter().map(|t| s(t.as_str())).collect())),
        supported_regions: (!x.supported_regions.is_empty())
            .then(|| Expr::List(x.supported_regions.iter().map(|r| s(r.clone())).collect())),
        notify: x.notify.as_ref().map(|n| NotifyView {
            service_id: reference(&Ref::endpoint_service(i, Attr::Id)),
            topic_arn: s(n.topic_arn.clone()),
            events: Expr::List(n.events.iter().map(|e| s(e.as_str())).collect()),
        }),
        tags: tags_with_name(&x.name_tag),
    }
}

/// A variable per input, with the type and validation its kind needs.
fn variable(i: &Input) -> VariableView {
    let var = format!("var.{}", i.name);
    let (kind, condition, error) = match i.kind {
        InputKind::VpcId => (
            "string",
            format!("can(regex(\"^vpc-[0-9a-f]+$\", {var}))"),
            "must be a VPC ID (vpc-...).",
        ),
        InputKind::VpcCidr => (
            "string",
            format!("can(cidrhost({var}, 0))"),
            "must be a CIDR block such as 10.0.0.0/16.",
        ),
        InputKind::VpcIpv6Cidr => (
            "string",
            format!("can(cidrhost({var}, 0)) && can(regex(\":\", {var}))"),
            "must be an IPv6 CIDR block such as 2600:1f18:abcd:1200::/56.",
        ),
        InputKind::SubnetIds => (
            "list(string)",
            format!("length({var}) > 0"),
            "must name at least one subnet, at most one per Availability Zone.",
        ),
        InputKind::RouteTableIds => (
            "list(string)",
            format!("length({var}) > 0"),
            "must name at least one route table.",
        ),
        InputKind::SecurityGroupIds => (
            "list(string)",
            format!("length({var}) > 0"),
            "must name at least one security group.",
        ),
        InputKind::ServiceName => (
            "string",
            format!("length({var}) > 0"),
            "must be an endpoint service name such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0.",
        ),
        InputKind::LoadBalancerArn => (
            "string",
            format!("can(regex(\":loadbalancer/net/\", {var}))"),
            "must be the ARN of a Network Load Balancer.",
        ),
        InputKind::GatewayLoadBalancerArn => (
            "string",
            format!("can(regex(\":loadbalancer/gwy/\", {var}))"),
            "must be the ARN of a Gateway Load Balancer.",
        ),
        InputKind::ResourceConfigurationArn => (
            "string",
            format!("can(regex(\":resourceconfiguration/rcfg-\", {var}))"),
            "must be the ARN of a VPC Lattice resource configuration.",
        ),
        InputKind::ServiceNetworkArn => (
            "string",
            format!("can(regex(\":servicenetwork/sn-\", {var}))"),
            "must be the ARN of a VPC Lattice service network.",
        ),
        InputKind::HostedZoneId => (
            "string",
            format!("can(regex(\"^Z[0-9A-Z]+$\", {var}))"),
            "must be a hosted zone ID (Z...), the hub's output of the same name.",
        ),
        InputKind::ProfileId => (
            "string",
            format!("can(regex(\"^rp-[0-9a-z]+$\", {var}))"),
            "must be a Route 53 Profile ID (rp-...), the hub's output of the same name.",
        ),
    };
    VariableView {
        name: i.name.clone(),
        kind: r(kind),
        description: s(i.description.clone()),
        condition: Some(r(condition)),
        error_message: Some(s(format!("The {} variable {error}", i.name))),
    }
}

/// The module's files through their templates, laid out as `terraform
/// fmt` would, each with the mark.
fn write(model: &Model, engine: &Engine, view: &View, header: &str) -> Result<Vec<File>, String> {
    let mut names = vec!["versions.tf", "variables.tf", "main.tf"];
    if !model.endpoints.is_empty() {
        names.push("endpoints.tf");
    }
    if !model.exposes.is_empty() || !model.connects.is_empty() || !model.gwlb_endpoints.is_empty() {
        names.push("privatelink.tf");
    }
    if model.hub.is_some() || model.spoke.is_some() {
        names.push("share.tf");
    }
    names.push("outputs.tf");
    let templates: Vec<String> = names
        .iter()
        .map(|name| format!("terraform/{name}.tera"))
        .collect();
    let templates: Vec<&str> = templates.iter().map(String::as_str).collect();
    // A large spec's files render side by side; small ones are not worth a
    // thread, and many specs already render in parallel.
    let spread = model.endpoints.len() + model.connects.len() >= 64;
    let texts = engine.render_all(
        &templates,
        view,
        |t| super::with_header(super::hcl::format(&t), header),
        spread,
    )?;
    Ok(names
        .into_iter()
        .zip(texts)
        .map(|(name, contents)| File {
            path: name.to_string(),
            contents,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::Backend;
    use super::*;

    /// The Terraform files of scenario `case`, for provider `major`.
    fn files(case: &str, major: crate::spec::AwsProvider) -> Vec<File> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases")
            .join(case)
            .join("spec.toml");
        let c = crate::compile(&[path], None, false).with_aws_provider(Some(major));
        let engine = Engine::new(None).expect("built-in templates");
        render(&c.plan(0).expect("a plan"), &engine).expect("renders")
    }

    fn text(files: &[File], name: &str) -> String {
        let f = files.iter().find(|f| f.path == name);
        f.expect("the file").contents.clone()
    }

    /// `reach.only_supported_azs`: each interface endpoint looks its
    /// service's AZs up and keeps the subnets there; the gateway endpoint
    /// and a build without the key look nothing up.
    #[test]
    fn only_supported_azs_filters_interface_endpoints_subnets() {
        let v6 = crate::spec::AwsProvider::V6;
        let built = files("only-supported-azs", v6);
        let endpoints = text(&built, "endpoints.tf");
        assert!(
            endpoints.contains("data \"aws_vpc_endpoint_service\" \"logs\" {"),
            "{endpoints}"
        );
        assert!(endpoints.contains("subnet_ids          = [for s in data.aws_subnet.this : s.id if contains(data.aws_vpc_endpoint_service.logs.availability_zones, s.availability_zone)]"), "{endpoints}");
        assert!(
            !endpoints.contains("aws_vpc_endpoint_service\" \"s3\""),
            "{endpoints}"
        );
        assert!(!endpoints.contains("local.subnet_ids"), "{endpoints}");
        let main = text(&built, "main.tf");
        assert!(main.contains("data \"aws_subnet\" \"this\" {"), "{main}");
        let plain = files("interface-only", v6);
        assert!(!text(&plain, "endpoints.tf").contains("aws_vpc_endpoint_service"));
        assert!(!text(&plain, "main.tf").contains("aws_subnet\""));
    }

    /// Fixed addresses need provider 5.85 (`subnet_configuration`): the
    /// provider 5 pin is raised for them, provider 6's is not.
    #[test]
    fn fixed_ips_raise_the_provider_5_pin() {
        let pin = |major| text(&files("fixed-ips", major), "versions.tf");
        assert!(pin(AwsProvider::V5).contains("version = \">= 5.85, < 6.0\""));
        assert!(pin(AwsProvider::V6).contains("version = \">= 6.0, < 7.0\""));
        let plain = text(&files("aws-provider-5", AwsProvider::V5), "versions.tf");
        assert!(plain.contains("version = \">= 5.0, < 6.0\""));
    }

    /// A spec with a `region` fails the plan in another Region, reading
    /// the major's attribute; one without has no guard, and reads the
    /// same attribute for its service names. `versions.tf` pins the major.
    #[test]
    fn each_major_reads_its_region_attribute_and_pins_itself() {
        use crate::spec::AwsProvider;
        for (major, attr) in [(AwsProvider::V6, "region"), (AwsProvider::V5, "name")] {
            let main = text(&files("region-guard", major), "main.tf");
            let want = format!(
                "    postcondition {{\n      condition     = self.{attr} == \"eu-west-1\"\n      error_message = \"Region mismatch: the spec's Region is eu-west-1 (vpcegen wrote this module for it), but the provider's Region is ${{self.{attr}}}. "
            );
            assert!(main.contains(&want), "{main}");
            let plain = files("aws-provider-5", major);
            assert!(!text(&plain, "main.tf").contains("postcondition"));
            let read = format!("${{data.aws_region.current.{attr}}}");
            assert!(text(&plain, "endpoints.tf").contains(&read), "reads {read}");
            let pin = format!("version = \"{}\"", major.version_constraint());
            assert!(text(&plain, "versions.tf").contains(&pin), "{pin}");
        }
    }

    /// checkov reads a skip from a comment line inside the resource's block.
    #[test]
    fn skipped_checks_are_comments_in_their_blocks() {
        use crate::render::{CfnFormat, Engine, Target};
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases/expose-no-principals/spec.toml");
        let c = crate::compile(&[path], Some(Target::Terraform), false);
        let engine = Engine::new(None).expect("built-in templates");
        let files = Terraform
            .emit(&c.plan(0).expect("a plan"), &engine, CfnFormat::Yaml)
            .expect("renders");
        let tf = &files
            .iter()
            .find(|f| f.path == "privatelink.tf")
            .expect("privatelink.tf");
        let block = |head: &str| {
            let at = tf.contents.find(head).expect("the block");
            tf.contents[at..]
                .split("\n}\n")
                .next()
                .expect("its body")
                .to_string()
        };
        let lb = block("resource \"aws_lb\" \"preview\" {");
        assert!(
            lb.contains("\n  #checkov:skip=CKV_AWS_91:an NLB writes access logs only for TLS"),
            "{lb}"
        );
        let service = block("resource \"aws_vpc_endpoint_service\" \"preview\" {");
        assert!(
            service.contains("\n  #checkov:skip=CKV_AWS_123:"),
            "{service}"
        );
        assert!(!block("resource \"aws_lb_listener\"").contains("checkov"));
    }

    /// A Terraform file of a case's module.
    fn file(case: &str, name: &str) -> String {
        use super::super::{Backend, CfnFormat};
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases")
            .join(case)
            .join("spec.toml");
        let c = crate::compile(&[path], Some(super::super::Target::Terraform), false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        let engine = Engine::new(None).expect("built-in templates");
        let files = Terraform
            .emit(&c.plan(0).expect("a plan"), &engine, CfnFormat::Yaml)
            .expect("emits");
        let f = files.into_iter().find(|f| f.path == name);
        f.expect("the file").contents
    }

    /// A created NLB's group lets out only its targets' port; no other
    /// group has an egress rule (none lets anything out).
    #[test]
    fn a_created_nlb_has_its_own_group_with_egress_to_its_targets() {
        let tf = file("expose-nlb-ingress", "privatelink.tf");
        let egress = "resource \"aws_vpc_security_group_egress_rule\"";
        assert_eq!(tf.matches(egress).count(), 1, "{tf}");
        assert!(tf.contains(&format!("{egress} \"nlb_api_egress_tcp_8443_1\"")));
        let lb = tf
            .split("resource \"aws_lb\" \"api\"")
            .nth(1)
            .expect("the NLB");
        let setting = |key: &str| {
            let line = lb.lines().find(|l| l.trim_start().starts_with(key));
            line.map(|l| l.split('=').nth(1).unwrap_or("").trim().to_string())
        };
        assert_eq!(
            setting("security_groups").as_deref(),
            Some("[aws_security_group.nlb_api.id]")
        );
        assert_eq!(
            setting("enforce_security_group_inbound_rules_on_private_link_traffic").as_deref(),
            Some("\"on\"")
        );
        assert_eq!(
            setting("enable_deletion_protection").as_deref(),
            Some("false")
        );
        let tf = file("connect-literal", "privatelink.tf");
        assert!(!tf.contains(egress), "{tf}");
    }

    /// Each attribute as the outputs and resources wrote it before [`Ref`].
    #[test]
    fn each_reference_translates_as_before() {
        let given = Value::Input("reports_nlb_arn".into());
        let cases = [
            (Ref::endpoint("s3", Attr::Id), "aws_vpc_endpoint.s3.id"),
            (
                Ref::endpoint("s3", Attr::DnsNames),
                "[for entry in aws_vpc_endpoint.s3.dns_entry : entry.dns_name]",
            ),
            (
                Ref::security_group_id("endpoints"),
                "aws_security_group.endpoints.id",
            ),
            (
                Ref::security_group_id("connect_b"),
                "aws_security_group.connect_b.id",
            ),
            (
                Ref::endpoint_service("x", Attr::ServiceName),
                "aws_vpc_endpoint_service.x.service_name",
            ),
            (
                Ref::endpoint_service("x", Attr::Id),
                "aws_vpc_endpoint_service.x.id",
            ),
            (Ref::load_balancer("x", Attr::Arn), "aws_lb.x.arn"),
            (Ref::endpoint("s3", Attr::Arn), "aws_vpc_endpoint.s3.arn"),
            (
                Ref::endpoint("s3", Attr::DnsEntries),
                "aws_vpc_endpoint.s3.dns_entry",
            ),
            (
                Ref::endpoint("s3", Attr::NetworkInterfaceIds),
                "aws_vpc_endpoint.s3.network_interface_ids",
            ),
            (
                Ref::endpoint("s3", Attr::PrefixListId),
                "aws_vpc_endpoint.s3.prefix_list_id",
            ),
            (Ref::load_balancer("x", Attr::DnsName), "aws_lb.x.dns_name"),
            (Ref::target_group_arn("x"), "aws_lb_target_group.x.arn"),
            (
                Ref::endpoint_service("x", Attr::PrivateDnsVerificationName),
                "try(aws_vpc_endpoint_service.x.private_dns_name_configuration[0].name, null)",
            ),
            (
                Ref::endpoint_service("x", Attr::PrivateDnsVerificationValue),
                "try(aws_vpc_endpoint_service.x.private_dns_name_configuration[0].value, null)",
            ),
        ];
        for (x, want) in cases {
            assert_eq!(ref_or_value(&RefOrValue::Ref(x)), r(want));
        }
        let existing = RefOrValue::Given {
            of: Ref::load_balancer("x", Attr::Arn),
            value: given,
        };
        assert_eq!(ref_or_value(&existing), r("var.reports_nlb_arn"));
    }
}
