//! The VPC, its subnets and route tables: literal values, inputs or tag lookups.

use super::*;

/// The network values a spec's resources are placed in, the inputs they
/// need, and where each was written.
pub(super) struct Network {
    pub vpc_id: Value,
    pub subnets: Option<Value>,
    pub route_tables: Option<Value>,
    pub inputs: Vec<Input>,
    pub vpc_id_span: Option<Span>,
    pub subnets_span: Option<Span>,
    pub route_tables_span: Option<Span>,
}

/// Decides the VPC, subnets (for interface endpoints and load balancers)
/// and route tables (for gateway endpoints). A spec that only puts an
/// endpoint service in front of an existing NLB needs no VPC: then the VPC
/// ID is neither an input nor a lookup (see `Model::uses_vpc`).
/// `shares`: a hub or spoke, whose zone or profile associations read the
/// VPC's ID even without an endpoint.
pub(super) fn network(spec: &Spec, endpoints: &[Endpoint], shares: bool) -> Network {
    let has_interface = endpoints.iter().any(|e| e.kind == EndpointType::Interface);
    let has_gateway = endpoints.iter().any(|e| e.kind == EndpointType::Gateway);
    let creates_nlb = spec
        .expose
        .values()
        .any(|e| matches!(e.load_balancer.value, crate::spec::LoadBalancer::Create(_)));
    let uses_vpc = !endpoints.is_empty() || creates_nlb || !spec.connect.is_empty() || shares;
    let mut inputs = Vec::new();
    let mut unused_inputs = Vec::new();
    let (mut vpc_id_span, mut subnets_span, mut route_tables_span) = (None, None, None);
    let vpc_id = net_value(
        spec.vpc.id.as_ref(),
        "vpc_id",
        InputKind::VpcId,
        "ID of the VPC the endpoints are created in",
        if uses_vpc {
            &mut inputs
        } else {
            &mut unused_inputs
        },
        &mut vpc_id_span,
    );
    if !uses_vpc {
        vpc_id_span = None;
    }
    let subnets = (has_interface || creates_nlb || !spec.connect.is_empty()).then(|| {
        net_list(
            spec.vpc.subnets.as_ref(),
            "subnet_ids",
            InputKind::SubnetIds,
            "Subnets for endpoint network interfaces and load balancers, at most one per Availability Zone",
            &mut inputs,
            &mut subnets_span,
        )
    });
    let route_tables = has_gateway.then(|| {
        net_list(
            spec.vpc.route_tables.as_ref(),
            "route_table_ids",
            InputKind::RouteTableIds,
            "Route tables that get routes to the gateway endpoints",
            &mut inputs,
            &mut route_tables_span,
        )
    });
    Network {
        vpc_id,
        subnets,
        route_tables,
        inputs,
        vpc_id_span,
        subnets_span,
        route_tables_span,
    }
}

/// The VPC's CIDR as security group rules admit it, with the input it needs
/// and where `vpc.cidr` was written.
pub(super) struct VpcCidr {
    pub value: Value,
    pub input: Option<Input>,
    pub span: Option<Span>,
}

/// Decides the VPC's CIDR: `vpc.cidr` as written (a literal or an input;
/// E003 for a lookup), else read from the VPC itself. Called at most once
/// per spec, and only when a security group rule needs it.
pub(super) fn vpc_cidr(spec: &Spec, d: &mut Diagnostics) -> VpcCidr {
    let Some(c) = spec.vpc.cidr.as_ref() else {
        return VpcCidr {
            value: Value::VpcCidr,
            input: None,
            span: None,
        };
    };
    let mut inputs = Vec::new();
    let value = match &c.value {
        Net::Literal(v) => Value::Literal(v.value.to_string()),
        Net::Input(i) => input_value(
            &mut inputs,
            i,
            InputKind::VpcCidr,
            "IPv4 CIDR block of the VPC, admitted by the security groups vpcegen creates",
        ),
        Net::Lookup(_) => {
            d.push(
                Diagnostic::new(Code::E003, "`vpc.cidr` cannot be a tag lookup")
                    .at(c.span, "a CIDR is read from the VPC itself")
                    .help("leave `vpc.cidr` out to read it from the VPC, or give it literally or as an input"),
            );
            Value::VpcCidr
        }
    };
    VpcCidr {
        value,
        input: inputs.pop(),
        span: Some(c.span),
    }
}

/// A single network value (the VPC ID): literal, input, tag lookup, or the
/// default input.
fn net_value(
    v: Option<&Sp<Net<Sp<String>>>>,
    default: &str,
    kind: InputKind,
    desc: &str,
    inputs: &mut Vec<Input>,
    span: &mut Option<Span>,
) -> Value {
    *span = v.map(|v| v.span);
    match v.map(|v| &v.value) {
        Some(Net::Literal(s)) => Value::Literal(s.value.clone()),
        Some(Net::Input(i)) => input_value(inputs, i, kind, desc),
        Some(Net::Lookup(l)) => Value::Lookup(lookup(&l.tags)),
        None => {
            add_input(inputs, default, kind, desc, None);
            Value::Input(default.into())
        }
    }
}

/// A list of network values (subnets, route tables), like [`net_value`].
fn net_list(
    v: Option<&Sp<Net<Vec<Sp<String>>>>>,
    default: &str,
    kind: InputKind,
    desc: &str,
    inputs: &mut Vec<Input>,
    span: &mut Option<Span>,
) -> Value {
    *span = v.map(|v| v.span);
    match v.map(|v| &v.value) {
        Some(Net::Literal(list)) => {
            Value::LiteralList(list.iter().map(|s| s.value.clone()).collect())
        }
        Some(Net::Input(i)) => input_value(inputs, i, kind, desc),
        Some(Net::Lookup(l)) => Value::Lookup(lookup(&l.tags)),
        None => {
            add_input(inputs, default, kind, desc, None);
            Value::Input(default.into())
        }
    }
}

/// `{ input = "..." }`: the input declared, and the value that refers to it.
fn input_value(
    inputs: &mut Vec<Input>,
    i: &crate::spec::InputRef,
    kind: InputKind,
    desc: &str,
) -> Value {
    add_input(
        inputs,
        i.input.value.as_str(),
        kind,
        desc,
        Some(i.input.span),
    );
    Value::Input(i.input.value.to_string())
}

fn lookup(tags: &[(Sp<String>, Vec<Sp<String>>)]) -> Vec<(String, Vec<String>)> {
    tags.iter()
        .map(|(k, vs)| {
            (
                k.value.clone(),
                vs.iter().map(|v| v.value.clone()).collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::model;
    use super::*;

    fn input_names(m: &Model) -> Vec<&str> {
        m.inputs.iter().map(|i| i.name.as_str()).collect()
    }

    #[test]
    fn gateway_endpoints_need_route_tables_not_subnets() {
        let m = model("version = 1\nname = \"app\"\n[reach]\nservices = [\"s3\"]\n");
        assert_eq!(m.vpc_id, Value::Input("vpc_id".into()));
        assert_eq!(m.subnets, None);
        assert_eq!(m.route_tables, Some(Value::Input("route_table_ids".into())));
        assert_eq!(input_names(&m), ["vpc_id", "route_table_ids"]);
    }

    #[test]
    fn literal_values_need_no_inputs() {
        let m = model(
            r#"version = 1
name = "app"
[vpc]
id = "vpc-0123456789abcdef0"
subnets = ["subnet-0123456789abcdef0"]
[reach]
services = ["sts"]
"#,
        );
        assert_eq!(m.vpc_id, Value::Literal("vpc-0123456789abcdef0".into()));
        assert_eq!(
            m.subnets,
            Some(Value::LiteralList(vec!["subnet-0123456789abcdef0".into()]))
        );
        assert!(m.inputs.is_empty(), "{:?}", input_names(&m));
    }

    #[test]
    fn an_endpoint_service_on_an_existing_nlb_needs_no_vpc() {
        let m = model(
            r#"version = 1
name = "app"
[expose.api]
load_balancer = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/api/0123456789abcdef"
allowed_principals = ["arn:aws:iam::444455556666:root"]
"#,
        );
        assert!(!m.uses_vpc());
        assert!(input_names(&m).is_empty(), "{:?}", input_names(&m));
    }
}
