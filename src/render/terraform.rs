//! Model → Terraform module: view model, then templates, then the
//! `terraform fmt` alignment pass.

use super::hcl::{Expr, Part};
use super::{Engine, File};
use crate::model::{InputKind, Model, OutputValue, SecurityGroups, ServiceName, Value};
use crate::spec::EndpointType;
use serde::Serialize;

#[derive(Serialize)]
struct View {
    header: String,
    tags: Expr,
    needs_region: bool,
    vpc_id: Expr,
    subnet_ids: Option<Expr>,
    route_table_ids: Option<Expr>,
    data_vpc: Option<DataSource>,
    data_subnets: Option<DataSource>,
    data_route_tables: Option<DataSource>,
    security_group: Option<SecurityGroupView>,
    security_group_ids: Option<Expr>,
    endpoints: Vec<EndpointView>,
    variables: Vec<VariableView>,
    outputs: Vec<OutputView>,
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
    name: Expr,
    description: Expr,
    tags: Expr,
    rules: Vec<RuleView>,
}

#[derive(Serialize)]
struct RuleView {
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
    kind: Expr,
    interface: bool,
    private_dns: Option<Expr>,
    dns_options: bool,
    policy: Option<Expr>,
    tags: Expr,
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

/// The expression for a network value, and the data source it needs, if any.
fn network(v: &Value, data: &str) -> Expr {
    match v {
        Value::Literal(x) => s(x.clone()),
        Value::LiteralList(xs) => Expr::List(xs.iter().map(|x| s(x.clone())).collect()),
        Value::Input(name) => r(format!("var.{name}")),
        Value::Lookup(_) => r(data.to_string()),
        Value::VpcCidr => r("data.aws_vpc.this.cidr_block"),
    }
}

pub fn render(model: &Model, engine: &Engine) -> Result<Vec<File>, String> {
    let vpc_id = network(&model.vpc_id, "data.aws_vpc.this.id");
    let needs_vpc_data =
        matches!(model.vpc_id, Value::Lookup(_)) || model.vpc_cidr == Some(Value::VpcCidr);
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
    let local_vpc = r("local.vpc_id");
    let data_for = |v: &Option<Value>| match v {
        Some(Value::Lookup(tags)) => Some(DataSource {
            id: None,
            vpc_id: Some(local_vpc.clone()),
            filters: lookup_filters(tags),
        }),
        _ => None,
    };
    let data_subnets = data_for(&model.subnets);
    let data_route_tables = data_for(&model.route_tables);

    let (security_group, security_group_ids) = match &model.security_groups {
        Some(SecurityGroups::Create {
            name,
            description,
            rules,
        }) => (
            Some(SecurityGroupView {
                name: s(name.clone()),
                description: s(description.clone()),
                tags: tags_with_name(name),
                rules: rules
                    .iter()
                    .map(|rule| {
                        let v6 = matches!(&rule.cidr, Value::Literal(c) if c.contains(':'));
                        RuleView {
                            ident: format!("endpoints_{}", rule.id),
                            description: s(rule.description.clone()),
                            cidr_attr: if v6 { "cidr_ipv6" } else { "cidr_ipv4" },
                            cidr: network(&rule.cidr, ""),
                            port: Expr::Num(rule.port as i64),
                            tags: tags_with_name(&format!("{name}-{}", rule.id.replace('_', "-"))),
                        }
                    })
                    .collect(),
            }),
            Some(Expr::List(vec![r("aws_security_group.endpoints.id")])),
        ),
        Some(SecurityGroups::Existing(v)) => (None, Some(network(v, ""))),
        None => (None, None),
    };

    let mut needs_region = false;
    let endpoints = model
        .endpoints
        .iter()
        .map(|e| {
            let service_name = match &e.service_name {
                ServiceName::Literal(n) => s(n.clone()),
                ServiceName::Regional(p) => {
                    needs_region = true;
                    let (before, after) = p
                        .split_once("{region}")
                        .expect("a regional name has {region}");
                    Expr::Template(vec![
                        Part::Lit(before.into()),
                        Part::Ref("data.aws_region.current.name".into()),
                        Part::Lit(after.into()),
                    ])
                }
            };
            EndpointView {
                ident: e.ident.clone(),
                service_name,
                kind: s(match e.kind {
                    EndpointType::Gateway => "Gateway",
                    EndpointType::Interface => "Interface",
                }),
                interface: e.kind == EndpointType::Interface,
                private_dns: e.private_dns.map(Expr::Bool),
                dns_options: e.dns_options_all_resolvers,
                policy: e
                    .policy
                    .as_ref()
                    .map(|p| Expr::Call("jsonencode".into(), vec![Expr::from_json(p)])),
                tags: tags_with_name(&e.name_tag),
            }
        })
        .collect();

    let variables = model
        .inputs
        .iter()
        .map(|i| {
            let var = format!("var.{}", i.name);
            let (kind, condition, error) = match i.kind {
                InputKind::VpcId => (
                    "string",
                    Some(format!("can(regex(\"^vpc-[0-9a-f]+$\", {var}))")),
                    "must be a VPC ID (vpc-...).",
                ),
                InputKind::VpcCidr => (
                    "string",
                    Some(format!("can(cidrhost({var}, 0))")),
                    "must be a CIDR block such as 10.0.0.0/16.",
                ),
                InputKind::SubnetIds => (
                    "list(string)",
                    Some(format!("length({var}) > 0")),
                    "must name at least one subnet, at most one per Availability Zone.",
                ),
                InputKind::RouteTableIds => (
                    "list(string)",
                    Some(format!("length({var}) > 0")),
                    "must name at least one route table.",
                ),
                InputKind::SecurityGroupIds => (
                    "list(string)",
                    Some(format!("length({var}) > 0")),
                    "must name at least one security group.",
                ),
            };
            VariableView {
                name: i.name.clone(),
                kind: r(kind),
                description: s(i.description.clone()),
                condition: condition.map(r),
                error_message: Some(s(format!("The {} variable {error}", i.name))),
            }
        })
        .collect();

    let outputs = model
        .outputs
        .iter()
        .map(|o| OutputView {
            name: o.name.clone(),
            description: s(o.description.clone()),
            value: match &o.value {
                OutputValue::EndpointId(e) => r(format!("aws_vpc_endpoint.{e}.id")),
                OutputValue::EndpointDnsNames(e) => r(format!(
                    "[for entry in aws_vpc_endpoint.{e}.dns_entry : entry.dns_name]"
                )),
                OutputValue::SecurityGroupId => r("aws_security_group.endpoints.id"),
            },
        })
        .collect();

    let view = View {
        header: super::header("#", &model.source),
        tags: Expr::Map(
            model
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), s(v.clone())))
                .collect(),
        ),
        needs_region,
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
        data_subnets,
        data_route_tables,
        security_group,
        security_group_ids,
        endpoints,
        variables,
        outputs,
    };

    let mut files = Vec::new();
    for name in [
        "versions.tf",
        "variables.tf",
        "main.tf",
        "endpoints.tf",
        "outputs.tf",
    ] {
        let text = engine.render(&format!("terraform/{name}.tera"), &view)?;
        files.push(File {
            path: name.to_string(),
            contents: tidy(&super::hcl::align(&text)),
        });
    }
    Ok(files)
}

/// No trailing spaces, no runs of blank lines, one final newline: what
/// `terraform fmt` leaves, whatever the template's whitespace.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        // A blank line separates, so never right after an opening line
        // (`data "aws_vpc" "this" {`, `Resources:`) nor before a closing one.
        let opened = out.ends_with("{\n") || out.ends_with(":\n");
        if blank > 0 && !out.is_empty() && !opened && !line.starts_with('}') {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}
