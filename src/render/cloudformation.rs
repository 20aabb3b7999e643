//! Model → CloudFormation template (YAML or JSON) through a view model.

use super::yaml::Cfn;
use super::{CfnFormat, Engine, File, pascal};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{InputKind, Model, OutputValue, SecurityGroups, ServiceName, Value};
use crate::spec::EndpointType;
use serde::Serialize;

#[derive(Serialize)]
struct View {
    header: String,
    generated: Cfn,
    description: Cfn,
    parameters: Vec<ParameterView>,
    security_group: Option<SecurityGroupView>,
    endpoints: Vec<EndpointView>,
    outputs: Vec<OutputView>,
}

#[derive(Serialize)]
struct ParameterView {
    logical_id: String,
    kind: Cfn,
    description: Cfn,
    allowed_pattern: Option<Cfn>,
}

#[derive(Serialize)]
struct SecurityGroupView {
    logical_id: String,
    description: Cfn,
    vpc_id: Cfn,
    ingress: Cfn,
    tags: Cfn,
}

#[derive(Serialize)]
struct EndpointView {
    logical_id: String,
    properties: Cfn,
}

#[derive(Serialize)]
struct OutputView {
    logical_id: String,
    description: Cfn,
    value: Cfn,
    export: Cfn,
}

const SG_ID: &str = "EndpointsSecurityGroup";

/// Network values CloudFormation cannot express are errors naming the field.
pub fn check(model: &Model, d: &mut Diagnostics) {
    let fields = [
        ("vpc.id", &Some(model.vpc_id.clone()), model.spans.vpc_id),
        ("vpc.subnets", &model.subnets, model.spans.subnets),
        (
            "vpc.route_tables",
            &model.route_tables,
            model.spans.route_tables,
        ),
    ];
    for (field, value, span) in fields {
        if let (Some(Value::Lookup(_)), Some(span)) = (value, span) {
            d.push(
                Diagnostic::error("E040", format!("`{field}` is a tag lookup, which has no CloudFormation equivalent"))
                    .at(span, "CloudFormation cannot look resources up by tag")
                    .help(format!(
                        "for CloudFormation, give `{field}` as IDs or as `{{ input = \"...\" }}` (a stack Parameter); or build with `--target terraform`"
                    )),
            );
        }
    }
}

fn tags(model: &Model, name: &str) -> Cfn {
    let mut list: Vec<Cfn> = model
        .tags
        .iter()
        .map(|(k, v)| {
            Cfn::Map(vec![
                ("Key".into(), Cfn::Str(k.clone())),
                ("Value".into(), Cfn::Str(v.clone())),
            ])
        })
        .collect();
    list.push(Cfn::Map(vec![
        ("Key".into(), Cfn::Str("Name".into())),
        ("Value".into(), Cfn::Str(name.into())),
    ]));
    Cfn::List(list)
}

fn network(v: &Value) -> Cfn {
    match v {
        Value::Literal(x) => Cfn::Str(x.clone()),
        Value::LiteralList(xs) => Cfn::List(xs.iter().map(|x| Cfn::Str(x.clone())).collect()),
        Value::Input(name) => Cfn::Ref(pascal(name)),
        Value::VpcCidr => Cfn::Ref("VpcCidr".into()),
        Value::Lookup(_) => unreachable!("rejected by check()"),
    }
}

pub fn render(model: &Model, engine: &Engine, format: CfnFormat) -> Result<Vec<File>, String> {
    let mut parameters: Vec<ParameterView> = model
        .inputs
        .iter()
        .map(|i| {
            let (kind, pattern) = match i.kind {
                InputKind::VpcId => ("AWS::EC2::VPC::Id", None),
                InputKind::VpcCidr => ("String", Some(CIDR_PATTERN)),
                InputKind::SubnetIds => ("List<AWS::EC2::Subnet::Id>", None),
                InputKind::RouteTableIds => ("CommaDelimitedList", None),
                InputKind::SecurityGroupIds => ("List<AWS::EC2::SecurityGroup::Id>", None),
            };
            ParameterView {
                logical_id: pascal(&i.name),
                kind: Cfn::Str(kind.into()),
                description: Cfn::Str(i.description.clone()),
                allowed_pattern: pattern.map(|p| Cfn::Str(p.into())),
            }
        })
        .collect();
    if model.vpc_cidr == Some(Value::VpcCidr) {
        parameters.push(ParameterView {
            logical_id: "VpcCidr".into(),
            kind: Cfn::Str("String".into()),
            description: Cfn::Str(
                "IPv4 CIDR block of the VPC, admitted by the endpoints' security group".into(),
            ),
            allowed_pattern: Some(Cfn::Str(CIDR_PATTERN.into())),
        });
    }

    let vpc_id = network(&model.vpc_id);
    let (security_group, sg_ids) = match &model.security_groups {
        Some(SecurityGroups::Create {
            name,
            description,
            rules,
        }) => (
            Some(SecurityGroupView {
                logical_id: SG_ID.into(),
                description: Cfn::Str(description.clone()),
                vpc_id: vpc_id.clone(),
                ingress: Cfn::List(
                    rules
                        .iter()
                        .map(|r| {
                            let v6 = matches!(&r.cidr, Value::Literal(c) if c.contains(':'));
                            Cfn::Map(vec![
                                ("IpProtocol".into(), Cfn::Str("tcp".into())),
                                ("FromPort".into(), Cfn::Int(r.port as i64)),
                                ("ToPort".into(), Cfn::Int(r.port as i64)),
                                (
                                    (if v6 { "CidrIpv6" } else { "CidrIp" }).into(),
                                    network(&r.cidr),
                                ),
                                ("Description".into(), Cfn::Str(r.description.clone())),
                            ])
                        })
                        .collect(),
                ),
                tags: tags(model, name),
            }),
            Some(Cfn::List(vec![Cfn::GetAtt(SG_ID.into(), "GroupId".into())])),
        ),
        Some(SecurityGroups::Existing(v)) => (None, Some(network(v))),
        None => (None, None),
    };

    let endpoints = model
        .endpoints
        .iter()
        .map(|e| {
            let mut props: Vec<(String, Cfn)> = vec![
                ("VpcId".into(), vpc_id.clone()),
                (
                    "ServiceName".into(),
                    match &e.service_name {
                        ServiceName::Literal(n) => Cfn::Str(n.clone()),
                        ServiceName::Regional(p) => {
                            Cfn::Sub(p.replace("{region}", "${AWS::Region}"))
                        }
                    },
                ),
            ];
            match e.kind {
                EndpointType::Gateway => {
                    props.push(("VpcEndpointType".into(), Cfn::Str("Gateway".into())));
                    props.push((
                        "RouteTableIds".into(),
                        network(
                            model
                                .route_tables
                                .as_ref()
                                .expect("gateway endpoints have route tables"),
                        ),
                    ));
                }
                EndpointType::Interface => {
                    props.push(("VpcEndpointType".into(), Cfn::Str("Interface".into())));
                    props.push((
                        "SubnetIds".into(),
                        network(
                            model
                                .subnets
                                .as_ref()
                                .expect("interface endpoints have subnets"),
                        ),
                    ));
                    props.push((
                        "SecurityGroupIds".into(),
                        sg_ids
                            .clone()
                            .expect("interface endpoints have security groups"),
                    ));
                    props.push((
                        "PrivateDnsEnabled".into(),
                        Cfn::Bool(e.private_dns == Some(true)),
                    ));
                }
            }
            if e.dns_options_all_resolvers {
                props.push((
                    "DnsOptions".into(),
                    Cfn::Map(vec![(
                        "PrivateDnsOnlyForInboundResolverEndpoint".into(),
                        Cfn::Str("AllResolvers".into()),
                    )]),
                ));
            }
            if let Some(p) = &e.policy {
                props.push(("PolicyDocument".into(), Cfn::from_json(p)));
            }
            props.push(("Tags".into(), tags(model, &e.name_tag)));
            EndpointView {
                logical_id: endpoint_id(&e.ident),
                properties: Cfn::Map(props),
            }
        })
        .collect();

    let outputs = model
        .outputs
        .iter()
        .map(|o| {
            let logical_id = pascal(&o.name);
            OutputView {
                description: Cfn::Str(match &o.value {
                    // CloudFormation gives `hosted-zone-id:dns-name` entries, not bare names.
                    OutputValue::EndpointDnsNames(_) => o.description.replace(
                        "DNS names",
                        "DNS entries (hosted-zone-id:dns-name, comma-separated)",
                    ),
                    _ => o.description.clone(),
                }),
                value: match &o.value {
                    OutputValue::EndpointId(e) => Cfn::Ref(endpoint_id(e)),
                    OutputValue::EndpointDnsNames(e) => Cfn::Join(
                        ",".into(),
                        Box::new(Cfn::GetAtt(endpoint_id(e), "DnsEntries".into())),
                    ),
                    OutputValue::SecurityGroupId => Cfn::GetAtt(SG_ID.into(), "GroupId".into()),
                },
                export: Cfn::Map(vec![(
                    "Name".into(),
                    Cfn::Sub(format!("${{AWS::StackName}}-{logical_id}")),
                )]),
                logical_id,
            }
        })
        .collect();

    let view = View {
        header: super::header("#", &model.source),
        generated: Cfn::Str(super::header("", &model.source).trim().to_string()),
        description: Cfn::Str(format!(
            "VPC endpoints of {} (generated by vpcegen)",
            model.name
        )),
        parameters,
        security_group,
        endpoints,
        outputs,
    };
    let (template, file) = match format {
        CfnFormat::Yaml => ("cloudformation/template.yaml.tera", "template.yaml"),
        CfnFormat::Json => ("cloudformation/template.json.tera", "template.json"),
    };
    let text = engine.render(template, &view)?;
    Ok(vec![File {
        path: file.into(),
        contents: super::terraform::tidy(&text),
    }])
}

fn endpoint_id(ident: &str) -> String {
    format!("{}Endpoint", pascal(ident))
}

const CIDR_PATTERN: &str = r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$";
