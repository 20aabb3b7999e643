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

/// One input per name, and names that stay distinct as `naming` writes
/// them (a target may also reserve some).
pub(super) fn dedupe_inputs(
    all: Vec<Input>,
    adds_vpc_cidr: bool,
    naming: &dyn Naming,
    d: &mut Diagnostics,
) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    // Index in `out` by name and by written name.
    let mut by_name: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut by_written: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for input in all {
        if let Some(prev) = by_name.get(&input.name).map(|&i| &out[i]) {
            if prev.kind != input.kind {
                d.push(two_kinds(prev, &input));
            }
            continue;
        }
        let written = naming.input(&input.name);
        let kept = by_written.get(&written).map(|&i| &out[i]);
        if let Some(diag) = naming.refuse(&input, &written, kept, adds_vpc_cidr) {
            d.push(diag);
            continue;
        }
        by_name.insert(input.name.clone(), out.len());
        by_written.insert(written, out.len());
        out.push(input);
    }
    out
}

/// E014: one input name for two kinds of value.
fn two_kinds(prev: &Input, input: &Input) -> Diagnostic {
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
    diag
}

fn kind_word(k: InputKind) -> &'static str {
    match k {
        InputKind::VpcId => "a VPC ID",
        InputKind::VpcCidr => "a CIDR",
        InputKind::VpcIpv6Cidr => "an IPv6 CIDR",
        InputKind::SubnetIds => "subnet IDs",
        InputKind::RouteTableIds => "route table IDs",
        InputKind::SecurityGroupIds => "security group IDs",
        InputKind::ServiceName => "an endpoint service name",
        InputKind::LoadBalancerArn => "a load balancer ARN",
        InputKind::ResourceConfigurationArn => "a resource configuration ARN",
        InputKind::HostedZoneId => "a hosted zone ID",
        InputKind::ProfileId => "a Route 53 Profile ID",
        InputKind::ServiceNetworkArn => "a service network ARN",
        InputKind::GatewayLoadBalancerArn => "a Gateway Load Balancer ARN",
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
        let out = dedupe_inputs(all, false, &SnakeCase, &mut d);
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
        let out = dedupe_inputs(all, false, &SnakeCase, &mut d);
        assert_eq!(names(&out), ["shared"]);
        assert_eq!(codes(&d), [Code::E014]);
    }

    /// Writes names in upper case and reserves `VPC_CIDR` when it adds one.
    struct Upper;

    impl Naming for Upper {
        fn input(&self, name: &str) -> String {
            name.to_uppercase()
        }

        fn endpoint(&self, ident: &str) -> String {
            ident.to_uppercase()
        }

        fn refuse(
            &self,
            input: &Input,
            written: &str,
            kept: Option<&Input>,
            adds_vpc_cidr: bool,
        ) -> Option<Diagnostic> {
            let clash = kept.is_some() || (adds_vpc_cidr && written == "VPC_CIDR");
            clash.then(|| Diagnostic::new(Code::E017, input.name.clone()))
        }
    }

    #[test]
    fn names_that_meet_as_written_are_refused_by_the_naming() {
        let all = || {
            inputs(&[
                ("subnet_ids", InputKind::SubnetIds),
                ("SUBNET_IDS", InputKind::SubnetIds),
            ])
        };
        let mut d = Diagnostics::default();
        assert_eq!(
            names(&dedupe_inputs(all(), false, &SnakeCase, &mut d)).len(),
            2
        );
        assert_eq!(codes(&d), [] as [Code; 0]);
        let out = dedupe_inputs(all(), false, &Upper, &mut d);
        assert_eq!(names(&out), ["subnet_ids"]);
        assert_eq!(codes(&d), [Code::E017]);
    }

    #[test]
    fn the_naming_is_told_whether_the_vpc_cidr_is_added() {
        let all = || inputs(&[("vpc_cidr", InputKind::VpcCidr)]);
        let mut d = Diagnostics::default();
        assert_eq!(
            names(&dedupe_inputs(all(), false, &Upper, &mut d)),
            ["vpc_cidr"]
        );
        assert!(dedupe_inputs(all(), true, &Upper, &mut d).is_empty());
        assert_eq!(codes(&d), [Code::E017]);
    }
}
