//! Model → CloudFormation template (YAML or JSON) through a view model.

use super::yaml::{Cfn, Written, json_quoted};
use super::{CfnFormat, Engine, File, pascal};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{
    Attr, CreatedSecurityGroup, Expose, Input, InputKind, LoadBalancer, Model, Naming, OutputValue,
    ReachGroups, Ref, RefOrValue, ResourceId, ResourceKind, SHARED_GROUP, SecurityGroups,
    ServiceName, Value,
};
use crate::spec::{EndpointType, LatticeKind, TargetType};
use serde::Serialize;
use std::borrow::Cow;

mod share;

/// The view model, built with [`Cfn`] values, then turned into one whose
/// values are written out for YAML (`V` = [`Written`]), or into one JSON
/// document ([`JsonView`]).
#[derive(Serialize)]
struct View<V> {
    header: String,
    generated: V,
    description: V,
    parameters: Vec<ParameterView<V>>,
    /// `Rules`: the Region guard of a spec with a `region`.
    rules: Option<V>,
    /// Every resource, in order: logical ID, type and properties.
    resources: Vec<ResourceView<V>>,
    outputs: Vec<OutputView<V>>,
}

#[derive(Serialize)]
struct ParameterView<V> {
    logical_id: String,
    kind: V,
    description: V,
    allowed_pattern: Option<V>,
}

#[derive(Serialize)]
struct ResourceView<V> {
    logical_id: String,
    kind: String,
    /// `checkov: { skip: [...] }`, when a check is skipped on it.
    metadata: Option<V>,
    properties: V,
}

#[derive(Serialize)]
struct OutputView<V> {
    logical_id: String,
    description: V,
    value: V,
    export: V,
}

/// What the JSON template gets: the whole template as one document, and
/// the mark and description for a custom template that lays out its own.
#[derive(Serialize)]
struct JsonView {
    header: String,
    generated: Written,
    description: Written,
    document: Written,
}

impl View<Cfn> {
    /// Every value written out for YAML. (On one thread: a second one
    /// freeing what the first allocated made it slower, not faster.)
    fn yaml(self) -> Result<View<Written>, String> {
        let w = |c: Cfn| c.written(CfnFormat::Yaml);
        Ok(View {
            header: self.header,
            generated: w(self.generated)?,
            description: w(self.description)?,
            parameters: self
                .parameters
                .into_iter()
                .map(|p| {
                    Ok(ParameterView {
                        logical_id: p.logical_id,
                        kind: w(p.kind)?,
                        description: w(p.description)?,
                        allowed_pattern: p.allowed_pattern.map(w).transpose()?,
                    })
                })
                .collect::<Result<_, String>>()?,
            rules: self.rules.map(w).transpose()?,
            resources: self
                .resources
                .into_iter()
                .map(|r| {
                    Ok(ResourceView {
                        logical_id: r.logical_id,
                        kind: r.kind,
                        metadata: r.metadata.map(w).transpose()?,
                        properties: w(r.properties)?,
                    })
                })
                .collect::<Result<_, String>>()?,
            outputs: self
                .outputs
                .into_iter()
                .map(|o| {
                    Ok(OutputView {
                        logical_id: o.logical_id,
                        description: w(o.description)?,
                        value: w(o.value)?,
                        export: w(o.export)?,
                    })
                })
                .collect::<Result<_, String>>()?,
        })
    }

    /// The template as one JSON document, written by serde_json.
    fn json(self) -> Result<JsonView, String> {
        let w = |c: &Cfn| c.written(CfnFormat::Json);
        Ok(JsonView {
            generated: w(&self.generated)?,
            description: w(&self.description)?,
            header: self.header.clone(),
            document: self.document()?.json_template()?,
        })
    }

    /// The members of a template, in the order CloudFormation documents them.
    fn document(self) -> Result<Cfn, String> {
        let mut top = vec![
            (
                "AWSTemplateFormatVersion".into(),
                Cfn::Str("2010-09-09".into()),
            ),
            ("Description".into(), self.description),
            (
                "Metadata".into(),
                Cfn::Map(vec![("vpcegen".into(), self.generated)]),
            ),
        ];
        let parameters = self.parameters.into_iter().map(|p| {
            let mut m = vec![
                ("Type".into(), p.kind),
                ("Description".into(), p.description),
            ];
            m.extend(p.allowed_pattern.map(|a| ("AllowedPattern".into(), a)));
            Ok((checked_logical_id(p.logical_id)?, Cfn::Map(m)))
        });
        let parameters = parameters.collect::<Result<Vec<_>, String>>()?;
        if !parameters.is_empty() {
            top.push(("Parameters".into(), Cfn::Map(parameters)));
        }
        if let Some(rules) = self.rules {
            top.push(("Rules".into(), rules));
        }
        let resources = self.resources.into_iter().map(|r| {
            if !super::is_cfn_type(&r.kind) {
                return Err(format!(
                    "`{}` is not a CloudFormation resource type",
                    r.kind
                ));
            }
            let mut m = vec![("Type".into(), Cfn::Str(r.kind.into()))];
            m.extend(r.metadata.map(|x| ("Metadata".into(), x)));
            m.push(("Properties".into(), r.properties));
            Ok((checked_logical_id(r.logical_id)?, Cfn::Map(m)))
        });
        top.push((
            "Resources".into(),
            Cfn::Map(resources.collect::<Result<_, String>>()?),
        ));
        let outputs = self.outputs.into_iter().map(|o| {
            let m = vec![
                ("Description".into(), o.description),
                ("Value".into(), o.value),
                ("Export".into(), o.export),
            ];
            Ok((checked_logical_id(o.logical_id)?, Cfn::Map(m)))
        });
        let outputs = outputs.collect::<Result<Vec<_>, String>>()?;
        if !outputs.is_empty() {
            top.push(("Outputs".into(), Cfn::Map(outputs)));
        }
        Ok(Cfn::Map(top))
    }
}

/// A logical ID as a JSON key: checked, as the `logical_id` filter does.
fn checked_logical_id(id: String) -> Result<Cow<'static, str>, String> {
    if super::is_logical_id(&id) {
        Ok(id.into())
    } else {
        Err(format!("`{id}` is not a CloudFormation logical ID"))
    }
}

/// The CloudFormation backend: one template, YAML or JSON.
pub struct Cloudformation;

impl super::Backend for Cloudformation {
    fn check(&self, model: &Model, d: &mut Diagnostics) {
        check(model, d)
    }

    fn names(&self, model: &Model, d: &mut Diagnostics) {
        names(model, d)
    }

    fn emit(&self, model: &Model, engine: &Engine, format: CfnFormat) -> Result<Vec<File>, String> {
        render(model, engine, format)
    }
}

/// Network values CloudFormation cannot express (tag lookups) are errors
/// naming the field, never silently dropped.
fn check(model: &Model, d: &mut Diagnostics) {
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
                Diagnostic::new(Code::E040, format!("`{field}` is a tag lookup, which has no CloudFormation equivalent"))
                    .at(span, "CloudFormation cannot look resources up by tag")
                    .help(format!(
                        "for CloudFormation, give `{field}` as IDs or as `{{ input = \"...\" }}` (a stack Parameter); or build with `--target terraform`"
                    )),
            );
        }
    }
    check_only_supported_azs(model, d);
    check_fixed_ips(model, d);
    check_gwlb_loops(model, d);
    check_output_count(model, d);
}

/// E093: a GWLB endpoint per subnet of a list given at deploy time needs a
/// loop, which a template has not (without a transform).
fn check_gwlb_loops(model: &Model, d: &mut Diagnostics) {
    let looped = model
        .gwlb_endpoints
        .iter()
        .filter(|g| g.subnet == crate::model::GwlbSubnet::Each);
    for g in looped {
        let mut diag = Diagnostic::new(
            Code::E093,
            format!("`connect.{}` needs one Gateway Load Balancer endpoint per subnet, and CloudFormation cannot loop over `vpc.subnets` given at deploy time", g.key),
        )
        .at(g.span, "a GWLB endpoint sits in exactly one subnet");
        if let Some(span) = model.spans.subnets {
            diag = diag.also(span, "not a literal list of subnet IDs");
        }
        d.push(diag.help("list the subnet IDs in `vpc.subnets` for CloudFormation, or build with `--target terraform` (one endpoint per subnet with `for_each`)"));
    }
}

/// `reach.only_supported_azs` needs a plan-time lookup of the AZs each
/// service serves, which a template cannot make: an error at the key.
fn check_only_supported_azs(model: &Model, d: &mut Diagnostics) {
    if let (true, Some(span)) = (model.only_supported_azs, model.spans.only_supported_azs) {
        d.push(
            Diagnostic::new(
                Code::E074,
                "`reach.only_supported_azs` has no CloudFormation equivalent",
            )
            .at(span, "CloudFormation cannot look up which AZs a service serves")
            .help("for CloudFormation, remove the key and list only subnets in AZs the services serve; or build with `--target terraform`"),
        );
    }
}

/// `AWS::EC2::VPCEndpoint` has no fixed addresses: `ips` would be dropped.
fn check_fixed_ips(model: &Model, d: &mut Diagnostics) {
    for e in &model.endpoints {
        if let Some(span) = e.fixed_ips_span {
            d.push(
                Diagnostic::new(
                    Code::E076,
                    format!("`ips` of `{}` has no CloudFormation equivalent", e.key),
                )
                .at(span, "CloudFormation cannot fix an endpoint's addresses")
                .help("remove `ips` for CloudFormation, or build with `--target terraform`"),
            );
        }
    }
}

/// CloudFormation's quota on Outputs per template.
pub const MAX_OUTPUTS: usize = 200;

/// A template over [`MAX_OUTPUTS`] fails at deploy time: say so at build
/// time, with what adds up.
fn check_output_count(model: &Model, d: &mut Diagnostics) {
    let n = model.outputs.iter().filter(|o| writes(o)).count();
    if n <= MAX_OUTPUTS {
        return;
    }
    let mut diag = Diagnostic::new(
        Code::E070,
        format!("the CloudFormation template of `{}` would declare {n} Outputs; CloudFormation allows {MAX_OUTPUTS}", model.name),
    )
    .note("an interface endpoint has 2 Outputs (ID, DNS names), a gateway endpoint 1, a connect 3, an expose 3 to 8, and one more maps every endpoint with its ARN, DNS entries and network interfaces")
    .help("split the endpoints over two specs (one stack each), or build with `--target terraform`, whose outputs have no such limit");
    if let Some(span) = model.spans.name {
        diag = diag.at(span, "this spec's template");
    }
    d.push(diag);
}

/// Parameters and resources share one namespace of logical IDs. (Inputs
/// that collide with each other or with the `VpcCidr` Parameter, E017 and
/// E018, are refused while lowering, through [`Names`], for every target:
/// checking them only here would let a Terraform build through that fails
/// today.)
fn names(model: &Model, d: &mut Diagnostics) {
    let resources: std::collections::HashSet<String> = resource_ids(model).into_iter().collect();
    for i in &model.inputs {
        let id = pascal(&i.name);
        if resources.contains(&id) {
            let mut diag = Diagnostic::new(
                Code::E019,
                format!("input `{}` would be the CloudFormation Parameter `{id}`, which is also the logical ID of a resource", i.name),
            )
            .help("rename the input");
            if let Some(span) = i.span {
                diag = diag.at(span, "clashes with a resource");
            }
            d.push(diag);
        }
    }
}

/// CloudFormation's names for inputs (Parameters, in PascalCase) and
/// endpoints (logical IDs), which the pipeline hands to lowering for every
/// build: two inputs that would be one Parameter (E017), an input that would
/// be the `VpcCidr` Parameter vpcegen adds (E018), and two endpoints with
/// one logical ID (E010) are refused before any target is chosen.
pub struct Names;

impl Naming for Names {
    fn input(&self, name: &str) -> String {
        pascal(name)
    }

    fn endpoint(&self, ident: &str) -> String {
        endpoint_id(ident)
    }

    fn refuse(
        &self,
        input: &Input,
        written: &str,
        kept: Option<&Input>,
        adds_vpc_cidr: bool,
    ) -> Option<Diagnostic> {
        if let Some(prev) = kept {
            let mut diag = Diagnostic::new(
                Code::E017,
                format!(
                    "inputs `{}` and `{}` would both be the CloudFormation Parameter `{written}`",
                    prev.name, input.name
                ),
            )
            .help("rename one of them");
            if let Some(span) = input.span.or(prev.span) {
                diag = diag.at(span, "clashes with another input");
            }
            return Some(diag);
        }
        if !(adds_vpc_cidr && written == "VpcCidr") {
            return None;
        }
        let mut diag = Diagnostic::new(
            Code::E018,
            format!(
                "input `{}` clashes with the `VpcCidr` Parameter vpcegen adds for the VPC's CIDR",
                input.name
            ),
        )
        .help("rename the input, or set `vpc.cidr`");
        if let Some(span) = input.span {
            diag = diag.at(span, "reserved name");
        }
        Some(diag)
    }
}

/// The logical IDs of the resources [`render`] writes, in no order.
fn resource_ids(model: &Model) -> Vec<String> {
    let mut ids = Vec::new();
    if matches!(model.security_groups, Some(SecurityGroups::Create { .. })) {
        ids.push(group_id(SHARED_GROUP));
    }
    ids.extend(model.endpoints.iter().map(|e| endpoint_id(&e.ident)));
    for x in &model.exposes {
        let base = pascal(&x.ident);
        if let LoadBalancer::Create { security_group, .. } = &x.load_balancer {
            ids.extend(["LoadBalancer", "TargetGroup", "Listener"].map(|s| format!("{base}{s}")));
            ids.push(group_id(&security_group.ident));
        }
        ids.push(format!("{base}EndpointService"));
        if x.notify.is_some() {
            ids.push(format!("{base}ConnectionNotification"));
        }
        if !x.allowed_principals.is_empty() {
            ids.push(format!("{base}Permissions"));
        }
    }
    for c in &model.connects {
        if let Some(g) = &c.own_security_group {
            ids.push(group_id(&g.ident));
        }
        ids.push(endpoint_id(&c.ident));
    }
    ids.extend(model.gwlb_endpoints.iter().map(|g| endpoint_id(&g.ident)));
    ids.extend(share::resource_ids(model));
    if ids.is_empty() {
        ids.push(NOTHING.into());
    }
    // Not a resource, but a logical ID in the template all the same: an
    // input is never named like the Region rule either.
    if model.region.is_some() {
        ids.push(REGION_RULE.into());
    }
    ids
}

/// The logical ID of the Region guard's rule.
const REGION_RULE: &str = "DeployRegion";

fn tags(model: &Model, name: &str) -> Cfn {
    let mut list: Vec<Cfn> = model
        .tags
        .iter()
        .map(|(k, v)| {
            Cfn::Map(vec![
                ("Key".into(), Cfn::Str(k.clone().into())),
                ("Value".into(), Cfn::Str(v.clone().into())),
            ])
        })
        .collect();
    list.push(Cfn::Map(vec![
        ("Key".into(), Cfn::Str("Name".into())),
        ("Value".into(), Cfn::Str(name.to_string().into())),
    ]));
    Cfn::List(list)
}

/// A network value as CloudFormation writes it. A tag lookup has no
/// equivalent: `check` reports it with its span (E040) before any emit, so
/// meeting one here is a bug, returned as an error rather than a panic.
fn network(v: &Value) -> Result<Cfn, String> {
    Ok(match v {
        Value::Literal(x) => Cfn::Str(x.clone().into()),
        Value::LiteralList(xs) => {
            Cfn::List(xs.iter().map(|x| Cfn::Str(x.clone().into())).collect())
        }
        Value::Input(name) => Cfn::Ref(pascal(name)),
        Value::VpcCidr => Cfn::Ref("VpcCidr".into()),
        Value::Lookup(_) => {
            return Err(format!(
                "internal error: a tag lookup reached the CloudFormation backend, whose check refuses it ({})",
                Code::E040
            ));
        }
    })
}

/// The logical ID of a created resource: the ident in PascalCase, then
/// the kind (`OrdersLoadBalancer`).
fn logical_id(id: &ResourceId) -> String {
    let kind = match id.kind {
        ResourceKind::Endpoint => "Endpoint",
        ResourceKind::SecurityGroup => "SecurityGroup",
        ResourceKind::LoadBalancer => "LoadBalancer",
        ResourceKind::TargetGroup => "TargetGroup",
        ResourceKind::Listener => "Listener",
        ResourceKind::EndpointService => "EndpointService",
        ResourceKind::HostedZone => "HostedZone",
        ResourceKind::Profile => "Route53Profile",
    };
    format!("{}{kind}", pascal(&id.name))
}

/// The one place a [`Ref`] becomes CloudFormation: the logical ID, then
/// `Ref`, `GetAtt`, `Sub` or `Join` per attribute.
fn reference(x: &Ref) -> Result<Cfn, String> {
    let id = logical_id(&x.id);
    Ok(match (x.id.kind, x.attr) {
        (ResourceKind::SecurityGroup, Attr::Id) => Cfn::GetAtt(id, "GroupId".into()),
        // Ref of AWS::Route53Profiles::Profile is its ID: the ARN is read.
        (ResourceKind::Profile, Attr::Id) => Cfn::GetAtt(id, "Id".into()),
        (ResourceKind::Profile, Attr::Arn) => Cfn::GetAtt(id, "Arn".into()),
        // AWS::EC2::VPCEndpoint has no Arn attribute: built from its ID.
        (ResourceKind::Endpoint, Attr::Arn) => Cfn::Sub(format!(
            "arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:vpc-endpoint/${{{id}}}"
        )),
        (_, Attr::Id | Attr::Arn) => Cfn::Ref(id),
        (_, Attr::DnsName) => Cfn::GetAtt(id, "DNSName".into()),
        (_, Attr::DnsNames | Attr::DnsEntries | Attr::NetworkInterfaceIds) => {
            Cfn::Join(",".into(), Box::new(list_attribute(x)))
        }
        // Not readable in CloudFormation: `outputs` leaves such outputs out.
        (_, Attr::IdsBySubnet) => {
            return Err(format!(
                "internal error: the looped endpoint `{}` reached the CloudFormation backend, whose check refuses it ({})",
                x.id.name,
                Code::E093
            ));
        }
        (_, Attr::PrefixListId) => {
            return Err(format!(
                "internal error: endpoint `{}`'s prefix list ID reached the CloudFormation backend, which cannot read it",
                x.id.name
            ));
        }
        (_, Attr::ServiceName) => {
            Cfn::Sub(format!("com.amazonaws.vpce.${{AWS::Region}}.${{{id}}}"))
        }
        (_, Attr::PrivateDnsVerificationName) => {
            Cfn::GetAtt(id, "PrivateDnsNameConfiguration.Name".into())
        }
        (_, Attr::PrivateDnsVerificationValue) => {
            Cfn::GetAtt(id, "PrivateDnsNameConfiguration.Value".into())
        }
    })
}

/// A part of an endpoint's first (regional) DNS entry, which CloudFormation
/// gives as `hosted-zone-id:dns-name`.
#[derive(Clone, Copy)]
enum DnsEntryPart {
    HostedZoneId = 0,
    DnsName = 1,
}

/// The `part` of the first entry of `x` (an endpoint's `DnsEntries`): what
/// an alias record points at.
fn dns_entry(x: &Ref, part: DnsEntryPart) -> Result<Cfn, String> {
    if x.id.kind != ResourceKind::Endpoint || x.attr != Attr::DnsEntries {
        return Err(format!(
            "internal error: a DNS entry read from `{}`, which is not an endpoint's DNS entries",
            logical_id(&x.id)
        ));
    }
    let first = Cfn::Select(0, Box::new(list_attribute(x)));
    let split = Cfn::Split(":".into(), Box::new(first));
    Ok(Cfn::Select(part as usize, Box::new(split)))
}

/// The list attribute a list [`Attr`] reads (`DnsEntries` for DNS names
/// too: CloudFormation has no bare names).
fn list_attribute(x: &Ref) -> Cfn {
    let attr = match x.attr {
        Attr::NetworkInterfaceIds => "NetworkInterfaceIds",
        _ => "DnsEntries",
    };
    Cfn::GetAtt(logical_id(&x.id), attr.into())
}

/// What CloudFormation cannot read: a gateway endpoint's prefix list ID
/// (`AWS::EC2::VPCEndpoint` has no such attribute).
fn unreadable(x: &Ref) -> bool {
    matches!(x.attr, Attr::PrefixListId | Attr::IdsBySubnet)
}

/// Whether the template has this output: not if it reads what
/// CloudFormation cannot.
fn writes(o: &crate::model::Output) -> bool {
    !o.detail && !matches!(&o.value, OutputValue::One(RefOrValue::Ref(x)) if unreadable(x))
}

/// A reference, or the value the spec gave in its place.
fn ref_or_value(v: &RefOrValue) -> Result<Cfn, String> {
    match v {
        RefOrValue::Ref(x) => reference(x),
        RefOrValue::Given { value, .. } => network(value),
    }
}

/// The groups an endpoint placed in `g` lists.
fn group_ids(g: &CreatedSecurityGroup) -> Result<Cfn, String> {
    Ok(Cfn::List(vec![reference(&g.id_ref())?]))
}

fn group_id(ident: &str) -> String {
    logical_id(&ResourceId::new(ResourceKind::SecurityGroup, ident))
}

fn endpoint_id(ident: &str) -> String {
    logical_id(&ResourceId::new(ResourceKind::Endpoint, ident))
}

fn security_group(
    model: &Model,
    g: &CreatedSecurityGroup,
    vpc_id: &Cfn,
) -> Result<ResourceView<Cfn>, String> {
    let ingress = g.rules.iter().map(rule).collect::<Result<_, String>>()?;
    let egress = if g.egress.is_empty() {
        vec![no_egress()]
    } else {
        g.egress.iter().map(rule).collect::<Result<_, String>>()?
    };
    Ok(ResourceView {
        metadata: None,
        logical_id: group_id(&g.ident),
        kind: "AWS::EC2::SecurityGroup".into(),
        properties: Cfn::Map(vec![
            (
                "GroupDescription".into(),
                Cfn::Str(g.description.clone().into()),
            ),
            ("VpcId".into(), vpc_id.clone()),
            ("SecurityGroupIngress".into(), Cfn::List(ingress)),
            ("SecurityGroupEgress".into(), Cfn::List(egress)),
            ("Tags".into(), tags(model, &g.name)),
        ]),
    })
}

/// One TCP rule on a port, to or from a CIDR.
fn rule(r: &crate::model::IngressRule) -> Result<Cfn, String> {
    Ok(Cfn::Map(vec![
        ("IpProtocol".into(), Cfn::Str("tcp".into())),
        ("FromPort".into(), Cfn::Int(r.port as i64)),
        ("ToPort".into(), Cfn::Int(r.port as i64)),
        (
            (if r.is_ipv6() { "CidrIpv6" } else { "CidrIp" }).into(),
            network(&r.cidr)?,
        ),
        ("Description".into(), Cfn::Str(r.description.clone().into())),
    ]))
}

/// A group with no outbound rule allows no outbound traffic, as Terraform's
/// `aws_security_group` makes it. CloudFormation keeps AWS's allow-all
/// rule unless `SecurityGroupEgress` is given, so it gets the rule AWS
/// documents for removing it: all protocols to 127.0.0.1/32, which matches
/// no traffic leaving an interface.
fn no_egress() -> Cfn {
    Cfn::Map(vec![
        ("IpProtocol".into(), Cfn::Str("-1".into())),
        ("CidrIp".into(), Cfn::Str("127.0.0.1/32".into())),
        (
            "Description".into(),
            Cfn::Str("No outbound traffic: replaces the default allow-all rule".into()),
        ),
    ])
}

/// A Gateway Load Balancer endpoint in its one subnet; a loop over subnets
/// given at deploy time is refused by `check` (E093).
fn gwlb_endpoint(
    model: &Model,
    g: &crate::model::GwlbEndpoint,
    vpc_id: &Cfn,
) -> Result<ResourceView<Cfn>, String> {
    let crate::model::GwlbSubnet::One(subnet) = &g.subnet else {
        return Err(format!(
            "internal error: the looped endpoint `{}` reached the CloudFormation backend, whose check refuses it ({})",
            g.ident,
            Code::E093
        ));
    };
    let service = match &g.service_name {
        ServiceName::Input(i) => Cfn::Ref(pascal(i)),
        ServiceName::Literal(n) | ServiceName::Regional(n) => Cfn::Str(n.clone().into()),
    };
    let props = vec![
        ("VpcId".into(), vpc_id.clone()),
        ("ServiceName".into(), service),
        (
            "VpcEndpointType".into(),
            Cfn::Str("GatewayLoadBalancer".into()),
        ),
        (
            "SubnetIds".into(),
            Cfn::List(vec![Cfn::Str(subnet.clone().into())]),
        ),
        ("Tags".into(), tags(model, &g.name_tag)),
    ];
    Ok(ResourceView {
        metadata: None,
        logical_id: endpoint_id(&g.ident),
        kind: "AWS::EC2::VPCEndpoint".into(),
        properties: Cfn::Map(props),
    })
}

fn endpoint(
    model: &Model,
    e: &crate::model::Endpoint,
    vpc_id: &Cfn,
    groups: Option<Cfn>,
    policies: &mut super::Policies<Cfn>,
) -> Result<ResourceView<Cfn>, String> {
    let target = match &e.service_name {
        ServiceName::Literal(n) => Cfn::Str(n.clone().into()),
        ServiceName::Input(i) => Cfn::Ref(pascal(i)),
        ServiceName::Regional(p) => Cfn::Sub(p.replace("{region}", "${AWS::Region}")),
    };
    let target_key = match e.lattice {
        None => "ServiceName",
        Some(LatticeKind::Resource) => "ResourceConfigurationArn",
        Some(LatticeKind::ServiceNetwork) => "ServiceNetworkArn",
    };
    let mut props: Vec<(Cow<'static, str>, Cfn)> = vec![
        ("VpcId".into(), vpc_id.clone()),
        (target_key.into(), target),
    ];
    match e.kind {
        EndpointType::Gateway => {
            props.push(("VpcEndpointType".into(), Cfn::Str(e.kind.aws_name().into())));
            props.push((
                "RouteTableIds".into(),
                network(
                    model
                        .route_tables
                        .as_ref()
                        .expect("gateway endpoints have route tables"),
                )?,
            ));
        }
        EndpointType::Interface => {
            let kind = e.lattice.map_or(e.kind.aws_name(), |k| k.aws_name());
            props.push(("VpcEndpointType".into(), Cfn::Str(kind.into())));
            if let Some(region) = &e.service_region {
                props.push(("ServiceRegion".into(), Cfn::Str(region.clone().into())));
            }
            props.push((
                "SubnetIds".into(),
                network(
                    model
                        .subnets
                        .as_ref()
                        .expect("interface endpoints have subnets"),
                )?,
            ));
            props.push((
                "SecurityGroupIds".into(),
                groups.expect("interface endpoints have security groups"),
            ));
            if e.lattice.is_none() {
                props.push((
                    "PrivateDnsEnabled".into(),
                    Cfn::Bool(e.private_dns == Some(true)),
                ));
            }
            if !e.ip_address_type.is_default() {
                let t = Cfn::Str(e.ip_address_type.as_str().into());
                props.push(("IpAddressType".into(), t));
            }
        }
    }
    if let Some(dns) = dns_options(e) {
        props.push(("DnsOptions".into(), dns));
    }
    if let Some(p) = &e.policy {
        props.push((
            "PolicyDocument".into(),
            policies.get(p, |doc| Cfn::from_json(doc).shared()),
        ));
    }
    props.push(("Tags".into(), tags(model, &e.name_tag)));
    Ok(ResourceView {
        metadata: None,
        logical_id: endpoint_id(&e.ident),
        kind: "AWS::EC2::VPCEndpoint".into(),
        properties: Cfn::Map(props),
    })
}

/// An NLB's properties with `IpAddressType: dualstack` after `Scheme`
/// when it serves IPv6 (IPv4, the default, is not written).
fn dualstack_after_scheme(
    dualstack: bool,
    mut props: Vec<(Cow<'static, str>, Cfn)>,
) -> Vec<(Cow<'static, str>, Cfn)> {
    if dualstack {
        let at = props
            .iter()
            .position(|(k, _)| k == "Scheme")
            .map_or(0, |i| i + 1);
        props.insert(at, ("IpAddressType".into(), Cfn::Str("dualstack".into())));
    }
    props
}

/// `DnsOptions`: the record type matching a non-IPv4 address type, and
/// the S3 inbound-resolver option written explicitly; `None` if neither.
fn dns_options(e: &crate::model::Endpoint) -> Option<Cfn> {
    let mut options: Vec<(Cow<'static, str>, Cfn)> = Vec::new();
    if !e.ip_address_type.is_default() {
        let t = Cfn::Str(e.ip_address_type.as_str().into());
        options.push(("DnsRecordIpType".into(), t));
    }
    if e.dns_options_all_resolvers {
        options.push((
            "PrivateDnsOnlyForInboundResolverEndpoint".into(),
            Cfn::Str("AllResolvers".into()),
        ));
    }
    (!options.is_empty()).then_some(Cfn::Map(options))
}

fn target_group(name: &str, port: u16, target_type: TargetType, vpc_id: &Cfn, tags: Cfn) -> Cfn {
    let kind = target_type.name();
    let mut props: Vec<(Cow<'static, str>, Cfn)> = vec![
        ("Name".into(), Cfn::Str(name.to_string().into())),
        ("Port".into(), Cfn::Int(port as i64)),
        ("Protocol".into(), Cfn::Str("TCP".into())),
        ("TargetType".into(), Cfn::Str(kind.to_string().into())),
        ("VpcId".into(), vpc_id.clone()),
    ];
    let check = target_type.health_check();
    props.push((
        "HealthCheckProtocol".into(),
        Cfn::Str(check.protocol.into()),
    ));
    props.push(("HealthCheckPort".into(), Cfn::Str(check.port.into())));
    if let Some(path) = check.path {
        props.push(("HealthCheckPath".into(), Cfn::Str(path.into())));
    }
    props.push(("Tags".into(), tags));
    Cfn::Map(props)
}

fn parameter(
    logical_id: String,
    kind: &str,
    description: &str,
    pattern: Option<&str>,
) -> ParameterView<Cfn> {
    ParameterView {
        logical_id,
        kind: Cfn::Str(kind.to_string().into()),
        description: Cfn::Str(description.to_string().into()),
        allowed_pattern: pattern.map(|p| Cfn::Str(p.to_string().into())),
    }
}

fn render(model: &Model, engine: &Engine, format: CfnFormat) -> Result<Vec<File>, String> {
    let header = super::header("#", &model.source);
    let mark = super::header("", &model.source).trim().to_string();
    let view = View {
        header: header.clone(),
        generated: Cfn::Str(mark.clone().into()),
        description: Cfn::Str(
            format!("VPC endpoints of {} (generated by vpcegen)", model.name).into(),
        ),
        parameters: parameters(model),
        rules: region_rule(model),
        resources: resources(model)?,
        outputs: outputs(model)?,
    };
    unique_ids(&view)?;
    write(view, engine, format, &header, &mark)
}

/// Parameters and resources share one namespace, where a second entry
/// would silently replace the first: two with one logical ID are a bug.
fn unique_ids(view: &View<Cfn>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    let parameters = view.parameters.iter().map(|p| &p.logical_id);
    for id in parameters.chain(view.resources.iter().map(|r| &r.logical_id)) {
        if !seen.insert(id) {
            return Err(format!(
                "internal error: two entries of the template have the logical ID `{id}`"
            ));
        }
    }
    Ok(())
}

/// A spec with a `region` deploys only there: a rule that refuses to
/// create or update the stack in any other Region, before anything is made.
fn region_rule(model: &Model) -> Option<Cfn> {
    let region = model.region.as_ref()?;
    let assertion = Cfn::Map(vec![
        (
            "Assert".into(),
            Cfn::Equals(
                Box::new(Cfn::Ref("AWS::Region".into())),
                Box::new(Cfn::Str(region.clone().into())),
            ),
        ),
        (
            "AssertDescription".into(),
            Cfn::Str(
                format!(
                    "Region mismatch: the spec's Region is {region} (vpcegen wrote this template for it), but the stack is being deployed in another Region. Deploy the stack in {region}, or set `region` in the spec to the Region you deploy to and build again."
                )
                .into(),
            ),
        ),
    ]);
    Some(Cfn::Map(vec![(
        REGION_RULE.into(),
        Cfn::Map(vec![("Assertions".into(), Cfn::List(vec![assertion]))]),
    )]))
}

/// A Parameter per input this template reads (with the type and pattern
/// its kind needs), and `VpcCidr` when a security group admits the VPC's
/// CIDR.
fn parameters(model: &Model) -> Vec<ParameterView<Cfn>> {
    let unused = share::unused_inputs(model);
    let mut parameters: Vec<ParameterView<Cfn>> = model
        .inputs
        .iter()
        .filter(|i| !unused.contains(&i.name.as_str()))
        .map(|i| {
            let (kind, pattern) = match i.kind {
                InputKind::VpcId => ("AWS::EC2::VPC::Id", None),
                InputKind::VpcCidr => ("String", Some(CIDR_PATTERN)),
                InputKind::VpcIpv6Cidr => ("String", Some(r"^[0-9a-fA-F:]+/\d{1,3}$")),
                InputKind::SubnetIds => ("List<AWS::EC2::Subnet::Id>", None),
                InputKind::RouteTableIds => ("CommaDelimitedList", None),
                InputKind::SecurityGroupIds => ("List<AWS::EC2::SecurityGroup::Id>", None),
                InputKind::ServiceName => ("String", Some(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")),
                InputKind::LoadBalancerArn => ("String", Some(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/net/.+$")),
                InputKind::GatewayLoadBalancerArn => ("String", Some(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/gwy/.+$")),
                InputKind::ResourceConfigurationArn => ("String", Some(r"^arn:aws[a-z-]*:vpc-lattice:[a-z0-9-]+:\d{12}:resourceconfiguration/rcfg-[0-9a-z]+$")),
                InputKind::ServiceNetworkArn => ("String", Some(r"^arn:aws[a-z-]*:vpc-lattice:[a-z0-9-]+:\d{12}:servicenetwork/sn-[0-9a-z]+$")),
                InputKind::HostedZoneId => ("AWS::Route53::HostedZone::Id", None),
                InputKind::ProfileId => ("String", Some(r"^rp-[0-9a-z]+$")),
            };
            parameter(pascal(&i.name), kind, &i.description, pattern)
        })
        .collect();
    if model.reads_vpc_cidr() {
        parameters.push(parameter(
            "VpcCidr".into(),
            "String",
            "IPv4 CIDR block of the VPC, admitted by the security groups vpcegen creates",
            Some(CIDR_PATTERN),
        ));
    }
    parameters
}

/// Every resource, in a fixed order: the endpoints' shared group, the
/// endpoints, each expose's NLB and endpoint service, each connect, each
/// GWLB endpoint, then what a hub shares or a spoke uses.
fn resources(model: &Model) -> Result<Vec<ResourceView<Cfn>>, String> {
    // When nothing is created in the VPC its ID is unused, and may be a tag
    // lookup that check() does not report: never read it then.
    let vpc_id = match &model.vpc_id {
        Value::Lookup(_) if !model.uses_vpc() => Cfn::Str("".into()),
        v => network(v)?,
    };
    let mut resources = Vec::new();
    let mut policies = super::Policies::new();
    let reach_groups = match model.reach_groups() {
        Some(ReachGroups::Created(g)) => {
            resources.push(security_group(model, &g, &vpc_id)?);
            Some(group_ids(&g)?)
        }
        Some(ReachGroups::Existing(v)) => Some(network(v)?),
        None => None,
    };
    for e in &model.endpoints {
        let groups = (e.kind == EndpointType::Interface)
            .then(|| reach_groups.clone())
            .flatten();
        resources.push(endpoint(model, e, &vpc_id, groups, &mut policies)?);
    }
    for x in &model.exposes {
        expose_resources(model, x, &vpc_id, &mut resources)?;
    }
    for c in &model.connects {
        let g = c
            .own_security_group
            .as_ref()
            .expect("a connect has its own group");
        resources.push(security_group(model, g, &vpc_id)?);
        let groups = group_ids(g)?;
        resources.push(endpoint(model, c, &vpc_id, Some(groups), &mut policies)?);
    }
    for g in &model.gwlb_endpoints {
        resources.push(gwlb_endpoint(model, g, &vpc_id)?);
    }
    resources.extend(share::resources(model, &vpc_id)?);
    if resources.is_empty() {
        resources.push(nothing_to_create());
    }
    for r in &mut resources {
        r.metadata = skips(model, &r.logical_id);
    }
    Ok(resources)
}

/// The logical ID of [`nothing_to_create`].
const NOTHING: &str = "NothingToCreate";

/// A template must have a resource: one that creates nothing (and costs
/// nothing) stands in when the spec creates nothing in this target, such
/// as a spoke whose hub's zones list its VPC, so the stack still deploys.
fn nothing_to_create() -> ResourceView<Cfn> {
    ResourceView {
        logical_id: NOTHING.into(),
        kind: "AWS::CloudFormation::WaitConditionHandle".into(),
        metadata: None,
        properties: Cfn::Map(Vec::new()),
    }
}

/// The checks skipped on the resource `logical_id`, as checkov reads them:
/// `Metadata: { checkov: { skip: [{ id, comment }] } }`.
fn skips(model: &Model, logical_id: &str) -> Option<Cfn> {
    let of = model
        .scanner_skips
        .iter()
        .find(|r| self::logical_id(&r.resource) == logical_id)?;
    let skip = |s: &crate::model::Skip| {
        Cfn::Map(vec![
            ("id".into(), Cfn::Str(s.check.id().into())),
            ("comment".into(), Cfn::Str(s.reason.clone().into())),
        ])
    };
    let list = Cfn::List(of.skips.iter().map(skip).collect());
    let checkov = Cfn::Map(vec![("skip".into(), list)]);
    Some(Cfn::Map(vec![("checkov".into(), checkov)]))
}

/// An expose: its NLB, target group and listener when created, the
/// endpoint service, its connection notification and its permissions.
fn expose_resources(
    model: &Model,
    x: &Expose,
    vpc_id: &Cfn,
    resources: &mut Vec<ResourceView<Cfn>>,
) -> Result<(), String> {
    let base = pascal(&x.ident);
    if let LoadBalancer::Create {
        name,
        port,
        target_port,
        target_type,
        deletion_protection,
        dualstack,
        security_group: group,
    } = &x.load_balancer
    {
        let subnets = network(model.subnets.as_ref().expect("a created NLB has subnets"))?;
        resources.push(security_group(model, group, vpc_id)?);
        let attribute = |key: &'static str, on: bool| {
            Cfn::Map(vec![
                ("Key".into(), Cfn::Str(key.into())),
                ("Value".into(), Cfn::Str(on.to_string().into())),
            ])
        };
        resources.push(ResourceView {
            metadata: None,
            logical_id: format!("{base}LoadBalancer"),
            kind: "AWS::ElasticLoadBalancingV2::LoadBalancer".into(),
            properties: Cfn::Map(dualstack_after_scheme(
                *dualstack,
                vec![
                    ("Name".into(), Cfn::Str(name.clone().into())),
                    ("Type".into(), Cfn::Str("network".into())),
                    ("Scheme".into(), Cfn::Str("internal".into())),
                    ("Subnets".into(), subnets),
                    ("SecurityGroups".into(), group_ids(group)?),
                    (
                        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic".into(),
                        Cfn::Str("on".into()),
                    ),
                    (
                        "LoadBalancerAttributes".into(),
                        Cfn::List(vec![
                            attribute("load_balancing.cross_zone.enabled", true),
                            attribute("deletion_protection.enabled", *deletion_protection),
                        ]),
                    ),
                    ("Tags".into(), tags(model, &x.name_tag)),
                ],
            )),
        });
        resources.push(ResourceView {
            metadata: None,
            logical_id: format!("{base}TargetGroup"),
            kind: "AWS::ElasticLoadBalancingV2::TargetGroup".into(),
            properties: target_group(
                name,
                *target_port,
                *target_type,
                vpc_id,
                tags(model, &x.target_group_tag()),
            ),
        });
        resources.push(ResourceView {
            metadata: None,
            logical_id: format!("{base}Listener"),
            kind: "AWS::ElasticLoadBalancingV2::Listener".into(),
            properties: Cfn::Map(vec![
                (
                    "LoadBalancerArn".into(),
                    reference(&Ref::load_balancer(&x.ident, Attr::Arn))?,
                ),
                ("Port".into(), Cfn::Int(*port as i64)),
                ("Protocol".into(), Cfn::Str("TCP".into())),
                (
                    "DefaultActions".into(),
                    Cfn::List(vec![Cfn::Map(vec![
                        ("Type".into(), Cfn::Str("forward".into())),
                        (
                            "TargetGroupArn".into(),
                            reference(&Ref::target_group_arn(&x.ident))?,
                        ),
                    ])]),
                ),
            ]),
        });
    }
    let mut service = vec![
        (
            "AcceptanceRequired".into(),
            Cfn::Bool(x.acceptance_required),
        ),
        (
            if x.gateway {
                "GatewayLoadBalancerArns".into()
            } else {
                "NetworkLoadBalancerArns".into()
            },
            Cfn::List(vec![ref_or_value(&x.nlb_arn())?]),
        ),
    ];
    if let Some(n) = &x.private_dns_name {
        service.push(("PrivateDnsName".into(), Cfn::Str(n.clone().into())));
    }
    if x.writes_ip_address_types() {
        let types = x.ip_address_types.iter();
        let list = types.map(|t| Cfn::Str(t.as_str().into())).collect();
        service.push(("SupportedIpAddressTypes".into(), Cfn::List(list)));
    }
    if !x.supported_regions.is_empty() {
        let regions = x.supported_regions.iter();
        let list = regions.map(|r| Cfn::Str(r.clone().into())).collect();
        service.push(("SupportedRegions".into(), Cfn::List(list)));
    }
    service.push(("Tags".into(), tags(model, &x.name_tag)));
    resources.push(ResourceView {
        metadata: None,
        logical_id: format!("{base}EndpointService"),
        kind: "AWS::EC2::VPCEndpointService".into(),
        properties: Cfn::Map(service),
    });
    if let Some(n) = &x.notify {
        resources.push(ResourceView {
            metadata: None,
            logical_id: format!("{base}ConnectionNotification"),
            kind: "AWS::EC2::VPCEndpointConnectionNotification".into(),
            properties: Cfn::Map(vec![
                (
                    "ServiceId".into(),
                    reference(&Ref::endpoint_service(&x.ident, Attr::Id))?,
                ),
                (
                    "ConnectionNotificationArn".into(),
                    Cfn::Str(n.topic_arn.clone().into()),
                ),
                (
                    "ConnectionEvents".into(),
                    Cfn::List(
                        n.events
                            .iter()
                            .map(|e| Cfn::Str(e.as_str().into()))
                            .collect(),
                    ),
                ),
            ]),
        });
    }
    if !x.allowed_principals.is_empty() {
        resources.push(ResourceView {
            metadata: None,
            logical_id: format!("{base}Permissions"),
            kind: "AWS::EC2::VPCEndpointServicePermissions".into(),
            properties: Cfn::Map(vec![
                (
                    "ServiceId".into(),
                    reference(&Ref::endpoint_service(&x.ident, Attr::Id))?,
                ),
                (
                    "AllowedPrincipals".into(),
                    Cfn::List(
                        x.allowed_principals
                            .iter()
                            .map(|p| Cfn::Str(p.to_string().into()))
                            .collect(),
                    ),
                ),
            ]),
        });
    }
    Ok(())
}

/// Each output CloudFormation can express, exported as
/// `<stack>-<OutputName>`; an output it cannot read (a prefix list ID) is
/// left out.
fn outputs(model: &Model) -> Result<Vec<OutputView<Cfn>>, String> {
    model
        .outputs
        .iter()
        .filter(|o| writes(o))
        .map(|o| {
            let logical_id = pascal(&o.name);
            Ok(OutputView {
                description: Cfn::Str(output_description(o).into()),
                value: match &o.value {
                    OutputValue::One(v) => ref_or_value(v)?,
                    OutputValue::ByKey(entries) => json_map(entries)?,
                },
                export: Cfn::Map(vec![(
                    "Name".into(),
                    Cfn::Sub(format!("${{AWS::StackName}}-{logical_id}")),
                )]),
                logical_id,
            })
        })
        .collect()
}

/// An output's description, saying how CloudFormation writes lists (comma
/// separated) and DNS entries (`hosted-zone-id:dns-name`, not bare names).
fn output_description(o: &crate::model::Output) -> String {
    let attr = match &o.value {
        OutputValue::One(RefOrValue::Ref(x)) => Some(x.attr),
        _ => None,
    };
    match (attr, &o.value) {
        (Some(Attr::DnsNames), _) => o.description.replace(
            "DNS names",
            "DNS entries (hosted-zone-id:dns-name, comma-separated)",
        ),
        (Some(Attr::DnsEntries), _) => format!(
            "{} (hosted-zone-id:dns-name, comma-separated)",
            o.description
        ),
        (Some(Attr::NetworkInterfaceIds), _) => format!("{} (comma-separated)", o.description),
        (_, OutputValue::ByKey(_)) => format!(
            "{}, as a JSON string; DNS entries are hosted-zone-id:dns-name, and a gateway's prefix_list_id is left out (CloudFormation cannot read it)",
            o.description
        ),
        _ => o.description.clone(),
    }
}

/// Literal text and functions, joined with `Fn::Join` into one string;
/// adjacent literals are merged.
#[derive(Default)]
struct Joined(Vec<Cfn>);

impl Joined {
    fn text(&mut self, s: &str) {
        match self.0.last_mut() {
            Some(Cfn::Str(last)) => last.to_mut().push_str(s),
            _ => self.0.push(Cfn::Str(s.to_string().into())),
        }
    }

    fn function(&mut self, f: Cfn) {
        self.0.push(f);
    }
}

/// The map of every endpoint by service as one JSON string (Outputs are
/// strings): `{"s3":{"id":"vpce-...","arn":"arn:..."},"sts":{...,
/// "dns_entries":["Z...:vpce-...",...],"network_interface_ids":[...]}}`.
/// Keys are JSON-quoted here; the values AWS gives need no escaping.
fn json_map(entries: &[(String, Vec<(&'static str, Ref)>)]) -> Result<Cfn, String> {
    let mut j = Joined::default();
    j.text("{");
    for (i, (key, fields)) in entries.iter().enumerate() {
        j.text(if i > 0 { "," } else { "" });
        j.text(&format!("{}:{{", json_quoted(key)));
        let readable = fields.iter().filter(|(_, x)| !unreadable(x));
        for (n, (field, x)) in readable.enumerate() {
            j.text(&format!(
                "{}{}:",
                if n > 0 { "," } else { "" },
                json_quoted(field)
            ));
            match x.attr {
                Attr::DnsNames | Attr::DnsEntries | Attr::NetworkInterfaceIds => {
                    j.text("[\"");
                    j.function(Cfn::Join("\",\"".into(), Box::new(list_attribute(x))));
                    j.text("\"]");
                }
                _ => {
                    j.text("\"");
                    j.function(reference(x)?);
                    j.text("\"");
                }
            }
        }
        j.text("}");
    }
    j.text("}");
    Ok(Cfn::Join("".into(), Box::new(Cfn::List(j.0))))
}

/// The template through its tera template, with the mark: the header line
/// in YAML, the `Metadata` entry in JSON (which has no comments).
fn write(
    view: View<Cfn>,
    engine: &Engine,
    format: CfnFormat,
    header: &str,
    mark: &str,
) -> Result<Vec<File>, String> {
    let (template, file) = match format {
        CfnFormat::Yaml => ("cloudformation/template.yaml.tera", "template.yaml"),
        CfnFormat::Json => ("cloudformation/template.json.tera", "template.json"),
    };
    let text = match format {
        CfnFormat::Yaml => engine.render(template, &view.yaml()?)?,
        CfnFormat::Json => engine.render(template, &view.json()?)?,
    };
    let text = super::tidy(&text);
    let contents = match format {
        CfnFormat::Yaml => super::with_header(text, header),
        // JSON has no comments: the mark is the `Metadata` entry, which a
        // template must keep.
        CfnFormat::Json => {
            if !text.contains(&format!("\"vpcegen\": {}", json_quoted(mark))) {
                return Err(format!(
                    "template `{template}` does not write vpcegen's mark: JSON has no comments, so keep `\"Metadata\": {{ \"vpcegen\": {{{{ generated | json }}}} }}`, without which no later build could replace the file"
                ));
            }
            text
        }
    };
    Ok(vec![File {
        path: file.into(),
        contents,
    }])
}

const CIDR_PATTERN: &str = r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$";

#[cfg(test)]
mod tests {
    use super::super::{Engine, Target};
    use super::CfnFormat;
    use crate::diagnostic::Code;

    /// A case's YAML template, its spec checked for `target` (`None`: by
    /// no backend).
    fn emit(case: &str, target: Option<Target>) -> Result<Vec<super::File>, String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases")
            .join(case)
            .join("spec.toml");
        let c = crate::compile(&[path], target, false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        let engine = Engine::new(None).expect("built-in templates");
        Target::Cloudformation
            .backend()
            .emit(&c.plan(0).expect("a plan"), &engine, CfnFormat::Yaml)
    }

    /// A spec with a `region` carries a rule refusing any other Region;
    /// one without carries none.
    #[test]
    fn a_region_is_guarded_by_a_rule() {
        let text = |case| emit_unchecked(case).expect("renders")[0].contents.clone();
        let guarded = text("region-guard");
        assert!(
            guarded.contains("Rules:\n  DeployRegion:\n    Assertions:\n      - Assert: !Equals [!Ref AWS::Region, \"eu-west-1\"]\n        AssertDescription: \"Region mismatch: the spec's Region is eu-west-1"),
            "{guarded}"
        );
        assert!(!text("aws-provider-5").contains("Rules:"));
    }

    /// checkov reads a skip from the resource's `Metadata`; resources
    /// without one get none.
    #[test]
    fn skipped_checks_are_in_the_resources_metadata() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases/expose-no-principals/spec.toml");
        let c = crate::compile(&[path], Some(Target::Cloudformation), false);
        let engine = Engine::new(None).expect("built-in templates");
        let files = Target::Cloudformation
            .backend()
            .emit(&c.plan(0).expect("a plan"), &engine, CfnFormat::Json)
            .expect("renders");
        let doc: serde_json::Value = serde_json::from_str(&files[0].contents).expect("JSON");
        let resources = &doc["Resources"];
        let skip = &resources["PreviewLoadBalancer"]["Metadata"]["checkov"]["skip"];
        assert_eq!(skip[0]["id"], "CKV_AWS_91");
        assert!(
            skip[0]["comment"]
                .as_str()
                .is_some_and(|c| c.contains("TLS"))
        );
        let skip = &resources["PreviewEndpointService"]["Metadata"]["checkov"]["skip"];
        assert_eq!(skip[0]["id"], "CKV_AWS_123");
        assert!(resources["PreviewListener"].get("Metadata").is_none());
    }

    /// Fixed addresses build for Terraform, and are refused (E076, at the
    /// `ips` table) for CloudFormation rather than dropped.
    #[test]
    fn fixed_ips_are_refused_for_cloudformation() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases/fixed-ips/spec.toml");
        assert!(crate::compile(std::slice::from_ref(&path), Some(Target::Terraform), false).ok());
        let c = crate::compile(&[path], Some(Target::Cloudformation), false);
        let errors: Vec<Code> = c
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .map(|d| d.code)
            .collect();
        assert_eq!(errors, [Code::E076, Code::E076], "kms and sts");
    }

    /// A model the CloudFormation check would refuse, emitted anyway (built
    /// with no target, so no backend checked it): an error, not a panic.
    fn emit_unchecked(case: &str) -> Result<Vec<super::File>, String> {
        emit(case, None)
    }

    /// The text of a case's template, built for CloudFormation.
    fn template(case: &str) -> String {
        let files = emit(case, Some(Target::Cloudformation)).expect("emits");
        files[0].contents.clone()
    }

    #[test]
    fn a_tag_lookup_that_skipped_the_check_is_an_error() {
        let e = emit_unchecked("e2e-lookups").unwrap_err();
        assert!(e.contains(Code::E040.as_str()), "{e}");
    }

    /// Asserts that `t` holds each of `parts`.
    fn holds(t: &str, parts: &[&str]) {
        for p in parts {
            assert!(t.contains(p), "no `{p}` in\n{t}");
        }
    }

    #[test]
    fn a_private_dns_name_is_set_and_its_verification_record_output() {
        holds(
            &template("expose-private-dns-name"),
            &[
                "PrivateDnsName: \"api.payments.example.com\"",
                "!GetAtt ApiEndpointService.PrivateDnsNameConfiguration.Name",
            ],
        );
    }

    /// Terraform's `aws_security_group` allows no outbound traffic unless a
    /// rule says so; CloudFormation's groups are made to match.
    #[test]
    fn created_groups_allow_only_the_outbound_traffic_their_rules_name() {
        holds(
            &template("connect-literal"),
            &[
                "SecurityGroupEgress:\n        - IpProtocol: \"-1\"\n          CidrIp: \"127.0.0.1/32\"",
            ],
        );
        let t = template("expose-created-nlb");
        holds(
            &t,
            &[
                "SecurityGroups: [!GetAtt NlbOrdersSecurityGroup.GroupId]",
                "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: \"on\"",
            ],
        );
        assert!(
            !t.contains("127.0.0.1/32"),
            "the NLB's group reaches its targets: {t}"
        );
    }

    /// Each attribute as the outputs and resources wrote it before [`Ref`].
    #[test]
    fn each_reference_translates_as_before() {
        use super::{Attr, Cfn, Ref, RefOrValue, Value, ref_or_value};
        let get = |id: &str, attr: &str| Cfn::GetAtt(id.into(), attr.into());
        let cases = [
            (Ref::endpoint("s3", Attr::Id), Cfn::Ref("S3Endpoint".into())),
            (
                Ref::endpoint("s3", Attr::DnsNames),
                Cfn::Join(",".into(), Box::new(get("S3Endpoint", "DnsEntries"))),
            ),
            (
                Ref::security_group_id("endpoints"),
                get("EndpointsSecurityGroup", "GroupId"),
            ),
            (
                Ref::security_group_id("connect_b"),
                get("ConnectBSecurityGroup", "GroupId"),
            ),
            (
                Ref::endpoint_service("x", Attr::ServiceName),
                Cfn::Sub("com.amazonaws.vpce.${AWS::Region}.${XEndpointService}".into()),
            ),
            (
                Ref::endpoint_service("x", Attr::Id),
                Cfn::Ref("XEndpointService".into()),
            ),
            (
                Ref::load_balancer("x", Attr::Arn),
                Cfn::Ref("XLoadBalancer".into()),
            ),
            (
                Ref::load_balancer("x", Attr::DnsName),
                get("XLoadBalancer", "DNSName"),
            ),
            (Ref::target_group_arn("x"), Cfn::Ref("XTargetGroup".into())),
        ];
        for (x, want) in cases {
            assert_eq!(ref_or_value(&RefOrValue::Ref(x)), Ok(want));
        }
        let existing = RefOrValue::Given {
            of: Ref::load_balancer("x", Attr::Arn),
            value: Value::Input("reports_nlb_arn".into()),
        };
        assert_eq!(
            ref_or_value(&existing),
            Ok(Cfn::Ref("ReportsNlbArn".into()))
        );
        for (attr, field) in [
            (Attr::PrivateDnsVerificationName, "Name"),
            (Attr::PrivateDnsVerificationValue, "Value"),
        ] {
            assert_eq!(
                ref_or_value(&RefOrValue::Ref(Ref::endpoint_service("x", attr))),
                Ok(get(
                    "XEndpointService",
                    &format!("PrivateDnsNameConfiguration.{field}")
                ))
            );
        }
    }

    /// An alias record reads a part of an endpoint's first DNS entry; any
    /// other reference has no DNS entry to read.
    #[test]
    fn a_dns_entry_part_is_read_only_from_an_endpoints_entries() {
        use super::{Attr, Cfn, DnsEntryPart, Ref, dns_entry};
        let entries = Ref::endpoint("sts", Attr::DnsEntries);
        let first = Cfn::Select(
            0,
            Box::new(Cfn::GetAtt("StsEndpoint".into(), "DnsEntries".into())),
        );
        let split = Box::new(Cfn::Split(":".into(), Box::new(first)));
        assert_eq!(
            dns_entry(&entries, DnsEntryPart::DnsName),
            Ok(Cfn::Select(1, split.clone()))
        );
        assert_eq!(
            dns_entry(&entries, DnsEntryPart::HostedZoneId),
            Ok(Cfn::Select(0, split))
        );
        let not_entries = Ref::endpoint("sts", Attr::DnsNames);
        assert!(dns_entry(&not_entries, DnsEntryPart::DnsName).is_err());
        assert!(dns_entry(&Ref::hosted_zone_id("sts"), DnsEntryPart::DnsName).is_err());
    }

    /// A second entry with a logical ID would replace the first in the
    /// template: an error rather than a template missing a resource.
    #[test]
    fn two_entries_with_one_logical_id_are_an_error() {
        use super::{Cfn, ResourceView, View, parameter, unique_ids};
        let resource = |id: &str| ResourceView {
            logical_id: id.into(),
            kind: "AWS::EC2::VPCEndpoint".into(),
            metadata: None,
            properties: Cfn::Map(Vec::new()),
        };
        let view = |ids: &[&str]| View {
            header: String::new(),
            generated: Cfn::Str("".into()),
            description: Cfn::Str("".into()),
            parameters: vec![parameter("A".into(), "String", "a", None)],
            rules: None,
            resources: ids.iter().map(|id| resource(id)).collect(),
            outputs: Vec::new(),
        };
        assert_eq!(unique_ids(&view(&["B", "C"])), Ok(()));
        assert!(unique_ids(&view(&["B", "B"])).is_err());
        assert!(unique_ids(&view(&["A"])).is_err(), "a Parameter's ID too");
    }

    /// The endpoint attributes outputs read, and the map of every endpoint
    /// as one JSON string once CloudFormation has filled its functions in.
    #[test]
    fn endpoint_outputs_and_their_map() {
        use super::{Attr, Cfn, Ref, json_map, reference};
        let ep = |attr| Ref::endpoint("sts", attr);
        let sub = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-endpoint/${StsEndpoint}";
        assert_eq!(reference(&ep(Attr::Arn)), Ok(Cfn::Sub(sub.into())));
        let get = |a: &str| Cfn::GetAtt("StsEndpoint".into(), a.into());
        let join = |a| Ok(Cfn::Join(",".into(), Box::new(get(a))));
        assert_eq!(reference(&ep(Attr::DnsEntries)), join("DnsEntries"));
        assert_eq!(
            reference(&ep(Attr::NetworkInterfaceIds)),
            join("NetworkInterfaceIds")
        );
        assert!(reference(&ep(Attr::PrefixListId)).is_err());

        let s3 = |attr| Ref::endpoint("s3", attr);
        let entries = vec![
            (
                "s3".to_string(),
                vec![
                    ("id", s3(Attr::Id)),
                    ("prefix_list_id", s3(Attr::PrefixListId)),
                ],
            ),
            (
                "connect.\"x\"".to_string(),
                vec![("id", ep(Attr::Id)), ("dns_entries", ep(Attr::DnsEntries))],
            ),
        ];
        let Ok(Cfn::Join(sep, list)) = json_map(&entries) else {
            panic!("a join");
        };
        let Cfn::List(parts) = *list else {
            panic!("a list");
        };
        assert_eq!(sep, "");
        // What CloudFormation would make of it: each function's value in place.
        let text: String = parts
            .iter()
            .map(|p| match p {
                Cfn::Str(s) => s.to_string(),
                Cfn::Join(sep, _) => format!("Z1:a.example{sep}Z2:b.example"),
                _ => "vpce-1".into(),
            })
            .collect();
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            v,
            serde_json::json!({
                "s3": { "id": "vpce-1" },
                "connect.\"x\"": { "id": "vpce-1", "dns_entries": ["Z1:a.example", "Z2:b.example"] }
            })
        );
    }

    /// 40 interface endpoints fit CloudFormation's 200 Outputs (5 each and
    /// the map would not): past the quota the build says so, not the deploy.
    #[test]
    fn more_outputs_than_cloudformation_allows_is_an_error() {
        // Interface-only services named com.amazonaws.<region>.<suffix>,
        // private DNS on: each adds its ID and DNS names, two Outputs.
        let services: Vec<&str> = crate::catalog::Catalog::get()
            .services
            .iter()
            .filter(|s| s.has_interface() && !s.has_gateway() && s.name_format.is_none())
            .filter(|s| !s.fips && s.supports_private_dns())
            .map(|s| &*s.suffix)
            .take(100)
            .collect();
        assert_eq!(services.len(), 100);
        let built = |n: usize| {
            let dir = tempfile::tempdir().expect("temp dir");
            let list: Vec<String> = services[..n].iter().map(|s| format!("\"{s}\"")).collect();
            let spec = format!(
                "version = 1\nname = \"big\"\n[vpc]\nid = \"vpc-0a1b2c3d4e5f60718\"\nsubnets = [\"subnet-0a1b2c3d4e5f60001\"]\ncidr = \"10.0.0.0/16\"\n[reach]\nservices = [{}]\n",
                list.join(", ")
            );
            let path = dir.path().join("spec.toml");
            std::fs::write(&path, spec).expect("write");
            let c = crate::compile(&[path], Some(Target::Cloudformation), false);
            c.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
        };
        let errors = |codes: Vec<Code>| -> Vec<Code> {
            codes
                .into_iter()
                .filter(|c| c.as_str().starts_with('E'))
                .collect()
        };
        // 2 per endpoint, the shared group's ID and the `endpoints` map.
        assert_eq!(errors(built(99)), Vec::<Code>::new());
        assert_eq!(errors(built(100)), [Code::E070]);
    }

    #[test]
    fn only_supported_azs_is_an_error_at_the_key() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases/only-supported-azs/spec.toml");
        let c = crate::compile(&[path], Some(Target::Cloudformation), false);
        let codes: Vec<Code> = c.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::E074]);
        let report = c.diagnostics.render(&c.sources, false);
        assert!(report.contains("only_supported_azs = true"), "{report}");
    }

    #[test]
    fn the_pipeline_runs_the_check_before_any_emit() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases/e2e-lookups/spec.toml");
        let c = crate::compile(&[path], Some(Target::Cloudformation), false);
        assert!(c.is_empty());
        let report = c.diagnostics.render(&c.sources, true);
        assert!(report.contains(Code::E040.as_str()), "{report}");
    }

    fn input(name: &str) -> crate::model::Input {
        crate::model::Input {
            name: name.into(),
            kind: crate::model::InputKind::SubnetIds,
            description: "test".into(),
            span: None,
        }
    }

    /// What [`super::Names`] says of `name` after `kept`.
    fn refused(name: &str, kept: Option<&str>, adds_vpc_cidr: bool) -> Option<Code> {
        use crate::model::Naming;
        let names = super::Names;
        let kept = kept.map(input);
        names
            .refuse(
                &input(name),
                &names.input(name),
                kept.as_ref(),
                adds_vpc_cidr,
            )
            .map(|d| d.code)
    }

    #[test]
    fn names_that_meet_as_cloudformation_parameters_are_refused() {
        use crate::model::Naming;
        assert_eq!(super::Names.input("subnet__ids"), "SubnetIds");
        assert_eq!(
            refused("subnetIds", Some("subnet_ids"), false),
            Some(Code::E017)
        );
        assert_eq!(refused("subnet_ids", None, false), None);
    }

    #[test]
    fn vpc_cidr_is_reserved_only_when_vpcegen_adds_it() {
        assert_eq!(refused("vpc_cidr", None, false), None);
        assert_eq!(refused("vpc_cidr", None, true), Some(Code::E018));
    }

    /// The codes a CloudFormation build of the one spec `text` reports.
    pub(super) fn codes_of(text: &str) -> Vec<Code> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("spec.toml");
        std::fs::write(&path, text).expect("write spec");
        let c = crate::compile(&[path], Some(Target::Cloudformation), false);
        c.diagnostics.iter().map(|d| d.code).collect()
    }

    /// The Region rule's logical ID is taken, like a resource's.
    #[test]
    fn an_input_named_like_the_region_rule_is_refused() {
        for (region, refused) in [("region = \"eu-west-1\"\n", true), ("", false)] {
            let got = codes_of(&format!(
                "version = 1\nname = \"a\"\n{region}[vpc]\nid = {{ input = \"deploy_region\" }}\n[reach]\nservices = [\"sts\"]\n"
            ));
            assert_eq!(got.contains(&Code::E019), refused, "{region:?}: {got:?}");
        }
    }

    #[test]
    fn endpoints_are_named_by_their_logical_id() {
        use crate::model::Naming;
        assert_eq!(super::Names.endpoint("a_1b"), super::Names.endpoint("a1b"));
        assert_eq!(super::Names.endpoint("ecr_dkr"), "EcrDkrEndpoint");
    }

    #[test]
    fn every_build_refuses_parameter_clashes_whatever_the_target() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/errors/input-names-same-in-pascal-case/spec.toml");
        for target in [None, Some(Target::Terraform), Some(Target::Cloudformation)] {
            let c = crate::compile(std::slice::from_ref(&path), target, false);
            let got: Vec<Code> = c.diagnostics.iter().map(|d| d.code).collect();
            assert_eq!(got, [Code::E017], "{target:?}");
        }
    }
}
