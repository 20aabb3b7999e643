//! Deploy-time inputs: how passes declare them and how duplicates are merged or refused.

use super::*;

pub(super) fn add_input(
    inputs: &mut Vec<Input>,
    name: &str,
    kind: InputKind,
    description: &str,
    span: Option<Span>,
) {
    inputs.push(Input {
        name: name.into(),
        kind,
        description: description.into(),
        span,
    });
}

/// One input per name, and names that stay distinct as CloudFormation
/// Parameters (PascalCase) and from the `VpcCidr` Parameter vpcegen adds.
pub(super) fn dedupe_inputs(
    all: Vec<Input>,
    adds_vpc_cidr: bool,
    d: &mut Diagnostics,
) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    // Index in `out` by name and by CloudFormation Parameter name.
    let mut by_name: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut by_pascal: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for input in all {
        let pascal = crate::render::pascal(&input.name);
        if let Some(prev) = by_name.get(&input.name).map(|&i| &out[i]) {
            if prev.kind != input.kind {
                let mut diag = Diagnostic::new(
                    Code::E014,
                    format!("input `{}` is used for two different values", input.name),
                )
                .help("give each network value its own input name");
                if let Some(span) = input.span.or(prev.span) {
                    diag = diag.at(span, format!("used here as {}", kind_word(input.kind)));
                }
                if let (Some(a), Some(b)) = (prev.span, input.span) {
                    if a != b {
                        diag = diag.also(a, format!("and here as {}", kind_word(prev.kind)));
                    }
                }
                d.push(diag);
            }
            continue;
        }
        if let Some(prev) = by_pascal.get(&pascal).map(|&i| &out[i]) {
            let mut diag = Diagnostic::new(
                Code::E017,
                format!(
                    "inputs `{}` and `{}` would both be the CloudFormation Parameter `{pascal}`",
                    prev.name, input.name
                ),
            )
            .help("rename one of them");
            if let Some(span) = input.span.or(prev.span) {
                diag = diag.at(span, "clashes with another input");
            }
            d.push(diag);
            continue;
        }
        if adds_vpc_cidr && pascal == "VpcCidr" {
            let mut diag = Diagnostic::new(Code::E018, format!("input `{}` clashes with the `VpcCidr` Parameter vpcegen adds for the VPC's CIDR", input.name))
                .help("rename the input, or set `vpc.cidr`");
            if let Some(span) = input.span {
                diag = diag.at(span, "reserved name");
            }
            d.push(diag);
            continue;
        }
        by_name.insert(input.name.clone(), out.len());
        by_pascal.insert(pascal, out.len());
        out.push(input);
    }
    out
}

fn kind_word(k: InputKind) -> &'static str {
    match k {
        InputKind::VpcId => "a VPC ID",
        InputKind::VpcCidr => "a CIDR",
        InputKind::SubnetIds => "subnet IDs",
        InputKind::RouteTableIds => "route table IDs",
        InputKind::SecurityGroupIds => "security group IDs",
        InputKind::ServiceName => "an endpoint service name",
        InputKind::LoadBalancerArn => "a load balancer ARN",
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::codes;
    use super::*;

    fn inputs(list: &[(&str, InputKind)]) -> Vec<Input> {
        let mut out = Vec::new();
        for (name, kind) in list {
            add_input(&mut out, name, *kind, "test", None);
        }
        out
    }

    fn names(inputs: &[Input]) -> Vec<&str> {
        inputs.iter().map(|i| i.name.as_str()).collect()
    }

    #[test]
    fn one_input_per_name_when_the_kinds_agree() {
        let mut d = Diagnostics::default();
        let all = inputs(&[
            ("subnet_ids", InputKind::SubnetIds),
            ("vpc_id", InputKind::VpcId),
            ("subnet_ids", InputKind::SubnetIds),
        ]);
        let out = dedupe_inputs(all, false, &mut d);
        assert_eq!(names(&out), ["subnet_ids", "vpc_id"]);
        assert_eq!(codes(&d), [] as [Code; 0]);
    }

    #[test]
    fn a_name_used_for_two_kinds_is_an_error() {
        let mut d = Diagnostics::default();
        let all = inputs(&[
            ("shared", InputKind::SubnetIds),
            ("shared", InputKind::RouteTableIds),
        ]);
        let out = dedupe_inputs(all, false, &mut d);
        assert_eq!(names(&out), ["shared"]);
        assert_eq!(codes(&d), [Code::E014]);
    }

    #[test]
    fn names_that_meet_as_cloudformation_parameters_are_refused() {
        let mut d = Diagnostics::default();
        let all = inputs(&[
            ("subnet_ids", InputKind::SubnetIds),
            ("subnetIds", InputKind::SubnetIds),
        ]);
        let out = dedupe_inputs(all, false, &mut d);
        assert_eq!(names(&out), ["subnet_ids"]);
        assert_eq!(codes(&d), [Code::E017]);
    }

    #[test]
    fn vpc_cidr_is_reserved_only_when_vpcegen_adds_it() {
        let all = || inputs(&[("vpc_cidr", InputKind::VpcCidr)]);
        let mut d = Diagnostics::default();
        assert_eq!(names(&dedupe_inputs(all(), false, &mut d)), ["vpc_cidr"]);
        assert_eq!(codes(&d), [] as [Code; 0]);
        assert!(dedupe_inputs(all(), true, &mut d).is_empty());
        assert_eq!(codes(&d), [Code::E018]);
    }
}
