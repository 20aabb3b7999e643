//! Every diagnostic code, with its severity and its documentation: the
//! one list that call sites, the renderers and `docs/diagnostics.md` read.
//! A code names one problem; a new check gets a new code.

use super::Severity;

/// Codes no check emits any more, kept (documented as retired) so that a
/// code never comes to name another problem.
const RETIRED: &[Code] = &[Code::E041];

impl Code {
    /// Whether this code is retired: documented, never emitted.
    pub fn is_retired(self) -> bool {
        RETIRED.contains(&self)
    }
}

/// Declares [`Code`] and its tables from one list, so that a code cannot
/// exist without its severity and its two lines of documentation.
macro_rules! codes {
    ($($code:ident $severity:ident $meaning:literal => $what_to_do:literal;)*) => {
        /// A stable diagnostic code. Codes never change meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in the order of the documentation's table.
            pub const ALL: &[Code] = &[$(Code::$code,)*];

            /// The code as printed: `E014`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// The severity every diagnostic with this code has (before
            /// `--deny-warnings`).
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$code => Severity::$severity,)*
                }
            }

            /// What the code means, one line of the documentation's table.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$code => $meaning,)*
                }
            }

            /// What to do about it, one line of the documentation's table.
            pub fn what_to_do(self) -> &'static str {
                match self {
                    $(Code::$code => $what_to_do,)*
                }
            }
        }
    };
}

codes! {
    E001 Error
        r#"the file is not valid TOML. For a file reached by reference (`extends`, a `connect` spec), only the first error, with its position and the parser's message: no line of the file is shown, as it may not be a spec at all"#
        => r#"fix the syntax at the position shown"#;
    E002 Error
        r#"a key vpcegen does not know (with a did-you-mean when one is close)"#
        => r#"rename or remove it"#;
    E003 Error
        r#"a value of the wrong type or shape (`private_dns = "yes"`, a network table without `input` or `tags`, a `service_name` table with neither `input` nor `spec` and `expose`, two `security_group` forms, a port outside 1 to 65535)"#
        => r#"use the type the message names"#;
    E004 Error
        r#"a required key is missing (`version`, `name`, `allow_org`)"#
        => r#"add it"#;
    E005 Error
        r#"`version` other than 1"#
        => r#"write `version = 1`"#;
    E006 Error
        r#"`extends` goes past a limit: it nests deeper than 32 files, lists more than 32 baselines, or baselines hold more than 4,194,304 values in all (counted at each merge, over the specs loaded together: `reach` lists add up)"#
        => r#"flatten the chain, merge baselines into fewer files, or extend each baseline from fewer places"#;
    E010 Error
        r#"a value of the right type but not a valid one: names, IDs (`vpc-`, `subnet-`, `rtb-`, `sg-`), CIDRs, Regions, account IDs, AZ IDs, organisation IDs, input names, tag keys (1 to 128 characters, no `aws:` prefix, no `Name`, no control character such as a newline or tab), tags (keys and values) that Elastic Load Balancing refuses when the spec creates a load balancer (anything but letters, digits, spaces and `_ . : / = + - @`: emoji, combining accents, commas, control characters), service names, expose and connect names, allowed principals (a bare account ID gets the root ARN to write), load balancer ARNs (an ALB's is refused), `target_type`, `private_dns_name`, `notify` (an SNS topic ARN, and at least one of the events `Accept`, `Connect`, `Delete`, `Reject`); a `[service.<key>]` with `service_name` for a service the catalog does not know whose key is not 1 to 64 of `[a-z0-9._-]` starting with a letter, or would give the same identifier as another endpoint or a connect (`a.b` and `a_b`, `connect.x` and `[connect.x]`)"#
        => r#"the help line gives the expected form"#;
    E011 Error
        r#"a spec, `extends` or `connect` spec file cannot be read: missing, not a regular file (a folder, a FIFO, a device, a socket), over 4 MiB (4,194,304 bytes), or not UTF-8 (pointed at the first invalid byte)"#
        => r#"check the path; `extends` and `connect` paths are relative to the file naming them, and `..` is resolved by the OS (through symbolic links)"#;
    E012 Error
        r#"`extends` forms a cycle: a file extends itself, directly or through other baselines (also through another spelling of its path or a symbolic link)"#
        => r#"remove one of the `extends` entries so that baselines form a tree"#;
    E013 Error
        r#"two specs built together have the same `name` (they would write one folder); one file named twice on the command line is one spec"#
        => r#"rename one"#;
    E014 Error
        r#"one input name used for two different values (a VPC ID and subnet IDs)"#
        => r#"give each value its own input name"#;
    E015 Error
        r#"a `connect` names `{ spec = "..." }` and no spec file is there"#
        => r#"fix the path, relative to the file that names it"#;
    E016 Error
        r#"the referenced spec has no `[expose.<name>]` of that name (with a did-you-mean when one is close)"#
        => r#"use the expose name the message suggests or lists"#;
    E017 Error
        r#"two inputs that are one CloudFormation Parameter in PascalCase (`subnet_ids` and `subnet__ids` are both `SubnetIds`)"#
        => r#"rename one of them"#;
    E018 Error
        r#"an input named like the `VpcCidr` Parameter vpcegen adds for the VPC's CIDR (`vpc_cidr`, when the security group needs the CIDR and the spec gives no `vpc.cidr`)"#
        => r#"rename the input, or set `vpc.cidr`"#;
    E019 Error
        r#"(CloudFormation) an input whose Parameter is also a resource's logical ID (`s3_endpoint` and the `S3Endpoint` resource)"#
        => r#"rename the input"#;
    E020 Error
        r#"a service that is not in the catalog"#
        => r#"use the suggested name, see `vpcegen services`, or set `[service.<name>] service_name`"#;
    E021 Error
        r#"a bundle that does not exist"#
        => r#"use the suggested bundle"#;
    E022 Error
        r#"an endpoint type the service does not offer (`type = "gateway"` for `logs`)"#
        => r#"use a type the message lists"#;
    E023 Error
        r#"a service whose endpoint name is account-specific (Timestream cells)"#
        => r#"set `service_name`"#;
    E024 Error
        r#"private DNS asked where it cannot exist (gateway endpoints; services such as `dynamodb-streams`)"#
        => r#"remove `private_dns` or change the type"#;
    E030 Error
        r#"a policy file cannot be read: missing, not a regular file, or over 1 MiB (1,048,576 bytes)"#
        => r#"check the path, relative to the spec naming it"#;
    E031 Error
        r#"a policy file is not UTF-8 or not JSON (the note gives line and column), or not a policy document"#
        => r#"fix the JSON"#;
    E032 Error
        r#"a policy for a service that does not accept endpoint policies"#
        => r#"remove it"#;
    E033 Error
        r#"a policy over AWS's 20,480-character limit"#
        => r#"shorten it"#;
    E040 Error
        r#"a tag lookup in a CloudFormation build (no CloudFormation equivalent)"#
        => r#"give IDs or an input, or build for Terraform"#;
    E041 Error
        r#"retired: was `expose.<name>.private_dns_name` in a CloudFormation build, which now sets `PrivateDnsName`; never emitted"#
        => r#"nothing: the code stays reserved so that it never names another problem"#;
    E050 Error
        r#"an expose allows `*` with `acceptance_required = false`: any AWS account could connect, unreviewed"#
        => r#"name the accounts or roles, or set `acceptance_required = true`"#;
    E051 Error
        r#"specs built together (or a spec and the one it references): the consumer's `account` is not among the provider's `allowed_principals`"#
        => r#"add `arn:aws:iam::<account>:root` or a role in that account to `allowed_principals`"#;
    E052 Error
        r#"no AZ ID in common between the consumer's `vpc.az_ids` and the service's (the provider's `vpc.az_ids`, or `connect.<name>.az_ids`)"#
        => r#"put subnets in an AZ the service serves, or offer the service there"#;
    E053 Error
        r#"`vpcegen build` of a spec marked `abstract = true`: a baseline, only ever extended, is not built alone"#
        => r#"build the specs that extend it; `vpcegen build DIR` builds every spec under DIR and skips abstract baselines"#;
    E054 Error
        r#"a folder given on the command line holds no spec to build: no `*.toml` outside hidden folders, or only abstract baselines"#
        => r#"check the folder, or name the spec files"#;
    E057 Error
        r#"`[terraform] aws_provider` is not `5` or `6` (the hashicorp/aws majors vpcegen writes modules for)"#
        => r#"write `aws_provider = 6` (the default) or `aws_provider = 5`, or leave it out"#;
    E061 Error
        r#"`region` is not an AWS Region (a did-you-mean gives the closest one); the Regions are those of every partition in botocore's endpoint data (`data/aws-region-facts.toml`). Also `vpcegen services --region` with such a name"#
        => r#"write the Region's code, such as `eu-west-1`"#;
    E062 Error
        r#"a service in `reach.services` that botocore's endpoint data does not list in the spec's `region` (services botocore does not know, and those with their own `service_name`, are never refused)"#
        => r#"remove it, or build for a Region that offers it (`vpcegen services --region <region>` lists them)"#;
    E063 Error
        r#"a bundle in `reach.bundles` includes a service botocore's endpoint data does not list in the spec's `region`; the error points at the bundle"#
        => r#"add the service to `reach.without`, or list the bundle's other members instead"#;
    E064 Error
        r#"a FIPS variant (`kms-fips`, ...) used in a `region` where botocore's endpoint data lists no FIPS endpoint of that service (the note lists the Regions that have one)"#
        => r#"use the standard endpoint, or deploy in a Region with FIPS endpoints"#;
    E066 Error
        r#"`load_balancer.ingress_cidrs` or `deletion_protection` with `input`: they apply only to a load balancer vpcegen creates"#
        => r#"remove the key (the existing NLB keeps its owner's settings), or give `port` instead of `input` to create one"#;
    E067 Error
        r#"`load_balancer.ingress_cidrs = []`: the created load balancer would admit no traffic"#
        => r#"list the CIDRs consumers' traffic comes from, or remove the key to admit the VPC's CIDR"#;
    E070 Error
        r#"a CloudFormation build whose template would declare more Outputs than CloudFormation's 200"#
        => r#"split the endpoints over two specs (one stack each), or build for Terraform"#;
    E071 Error
        r#"an `ips` key that is not a subnet of the endpoint: not one of `vpc.subnets`, `vpc.subnets` not a literal list of IDs, or a gateway endpoint (no subnets)"#
        => r#"key `ips` by the subnet IDs listed literally in `vpc.subnets`, on an interface endpoint"#;
    E072 Error
        r#"an `ips` address outside `vpc.cidr`, or `vpc.cidr` not given literally (nothing to check the address against, so it is refused)"#
        => r#"give `vpc.cidr` literally and an address inside it (and inside its subnet)"#;
    E073 Error
        r#"the same address twice in `ips`, in one service or two: the error points at both"#
        => r#"give each endpoint network interface its own address"#;
    E074 Error
        r#"`reach.only_supported_azs = true` in a CloudFormation build: CloudFormation cannot look up, at deploy time, which AZs a service serves"#
        => r#"remove the key (every subnet gets the endpoints), list only subnets in AZs the services serve, or build for Terraform"#;
    E076 Error
        r#"`ips` in a CloudFormation build (`AWS::EC2::VPCEndpoint` has no fixed addresses)"#
        => r#"remove `ips`, or build for Terraform"#;
    E077 Error
        r#"`ip_address_type = "dualstack"` or `"ipv6"` (in `[reach]` or `[service.<name>]`) for a service the catalog does not know to support IPv6 (botocore lists no dualstack endpoint for it and the catalog cites no source); the error points at the key that asked"#
        => r#"set `[service.<name>] ip_address_type = "ipv4"`; if AWS does offer it over IPv6 (`aws ec2 describe-vpc-endpoint-services --service-names <name> --query 'ServiceDetails[].SupportedIpAddressTypes'`), give `service.<name>.service_name`, which is not checked"#;
    E078 Error
        r#"`expose.<name>.ip_address_types = []`: no consumer could connect"#
        => r#"list `"ipv4"`, `"ipv6"` or both, or remove the key (IPv4 only)"#;
    E085 Error
        r#"`[service.<name>] region` for a service AWS does not offer across Regions (PrivateLink Guide, "Cross-region enabled AWS services")"#
        => r#"remove `region` and reach the service in this VPC's Region, or deploy a VPC in the service's Region"#;
    E086 Error
        r#"`[service.<name>] region` with `type = "gateway"`: only interface endpoints reach another Region"#
        => r#"remove `type` (a cross-Region endpoint is an interface endpoint) or remove `region`"#;
    E087 Error
        r#"`[connect.<name>] region` differs from the `region` of the spec it connects to (built together, that spec decides the service's Region)"#
        => r#"remove the connect's `region`, or correct it"#;
    E088 Error
        r#"built together, a consumer in another Region connects to an expose whose `regions` do not list the consumer's Region"#
        => r#"add the consumer's Region to the provider's `expose.<name>.regions`"#;
    E089 Error
        r#"`expose.<name>.regions` in a spec without `region`: the service's own Region must be known"#
        => r#"set the spec's `region`"#;
    E090 Error
        r#"a `[connect.*]` with none of `service_name`, `resource_configuration`, `service_network`, `gateway_load_balancer`: it reaches nothing"#
        => r#"give the one key that names what the endpoint reaches"#;
    E091 Error
        r#"a `[connect.*]` with more than one of `service_name`, `resource_configuration`, `service_network`, `gateway_load_balancer`: an endpoint reaches one target"#
        => r#"keep one key, and add a `[connect.*]` section for each other target"#;
    E092 Error
        r#"`private_dns` on a `resource_configuration` or `service_network` connect: vpcegen leaves a VPC Lattice endpoint's private DNS to AWS's default"#
        => r#"remove `private_dns`"#;
    E093 Error
        r#"a `gateway_load_balancer` connect in a CloudFormation build whose `vpc.subnets` is not a literal list: a GWLB endpoint sits in one subnet, and CloudFormation cannot make one per subnet of a list it only gets at deploy time"#
        => r#"list the subnet IDs in `vpc.subnets`, or build for Terraform (one endpoint per subnet with `for_each`)"#;
    E094 Error
        r#"`gateway_load_balancer = { spec, expose }` naming an expose in front of a Network Load Balancer: only interface endpoints reach it"#
        => r#"connect with `service_name = { spec, expose }`, or name an expose in front of a Gateway Load Balancer"#;
    E095 Error
        r#"`ports` or `private_dns` on a `gateway_load_balancer` connect: a GWLB endpoint has no security group and no private DNS"#
        => r#"remove the key"#;
    E096 Error
        r#"`load_balancer.type = "gateway"` on a load balancer vpcegen would create: it creates Network Load Balancers only"#
        => r#"give an existing Gateway Load Balancer (its ARN, or `{ input = "...", type = "gateway" }`), or remove `type`"#;
    E097 Error
        r#"`private_dns_name` on an expose in front of a Gateway Load Balancer: GWLB endpoint services have no private DNS"#
        => r#"remove `private_dns_name`"#;
    E098 Error
        r#"`service_name = { spec, expose }` naming an expose in front of a Gateway Load Balancer: only Gateway Load Balancer endpoints reach it"#
        => r#"connect with `gateway_load_balancer = "<service name>"`, or name an expose in front of a Network Load Balancer"#;
    E099 Error
        r#"`connect.<name>.region` on a `resource_configuration`, `service_network` or `gateway_load_balancer` connect: only `service_name` connects reach another Region"#
        => r#"remove `region`"#;
    E100 Error
        r#"a literal `connect.<name>` service name (`com.amazonaws.vpce.<region>.vpce-svc-...`) names another Region than the one the endpoint reaches (the connect's `region`, else the spec's): AWS would not find the service"#
        => r#"set `connect.<name>.region` to the service's Region (cross-Region), or correct the service name"#;
    E101 Error
        r#"`reach.via` names a spec that has no `[share]`: it shares no endpoints"#
        => r#"name the endpoints hub's spec, or add `[share]` to it"#;
    E102 Error
        r#"a spoke (`reach.via`) in another Region than its hub, or without `region`: interface endpoints serve their own Region"#
        => r#"set the spoke's `region` to the hub's, or use a hub in the spoke's Region"#;
    E103 Error
        r#"`[share]` without `region`: the names the hub's zones take (and its Route 53 Profile's) are per Region"#
        => r#"set `region`"#;
    E104 Error
        r#"a spoke without `account` whose hub gives its `account`: vpcegen cannot tell whether the hub must authorize the spoke's VPC (or share its profile with the spoke's account)"#
        => r#"set the spoke's `account`"#;
    E105 Error
        r#"a spoke's `vpc.cidr` overlaps its hub's: a Transit Gateway or peering cannot route between them"#
        => r#"give the VPCs disjoint ranges"#;
    E106 Error
        r#"CloudFormation: a spoke of a `hosted-zones` hub whose zones the hub's template cannot associate with the spoke's VPC (CloudFormation has no resource that associates another stack's hosted zone; the hub's zones list the spoke's VPC only for a spoke of the hub's account built with it, with a literal `vpc.id`)"#
        => r#"build the hub with the spoke (same account, literal `vpc.id`), use `[share] dns = "profile"`, or `--target terraform`"#;
    E107 Error
        r#"a spec with both `[share]` and `reach.via`: a hub serves its own endpoints"#
        => r#"remove `reach.via` or `[share]`"#;
    E110 Error
        r#"the file given to `vpcegen import` or `build --adopt` is not the JSON of `aws ec2 describe-vpc-endpoints` (not JSON, or without a `VpcEndpoints` list whose entries have `VpcEndpointId`, `VpcId`, `ServiceName` and `VpcEndpointType`)"#
        => r#"give the output of `aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=<vpc-id>` as it is"#;
    E111 Error
        r#"the file given to `vpcegen import` holds endpoints of several VPCs: a spec describes one VPC"#
        => r#"describe one VPC's endpoints: `aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=<vpc-id>`"#;
    E112 Error
        r#"`build --adopt` with `--target cloudformation`: CloudFormation takes existing resources over only through an import change set (`ResourcesToImport`), not through the template"#
        => r#"build for Terraform, or import the endpoints with `aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import ...`"#;
    W101 Warning
        r#"a service not in the catalog, used through `service_name` as written"#
        => r#"check the name with `aws ec2 describe-vpc-endpoint-services`"#;
    W102 Warning
        r#"`[service.<name>]` settings for a service the spec does not reach"#
        => r#"add it to `reach.services` or remove the settings"#;
    W103 Warning
        r#"`reach.without` names a service nothing adds"#
        => r#"remove it"#;
    W104 Warning
        r#"interface endpoints with `ip_address_type = "ipv6"`: AWS needs every subnet of such an endpoint to be IPv6-only, which vpcegen cannot check; it assumes so"#
        => r#"make sure every subnet in `vpc.subnets` is IPv6-only, or use `"dualstack"`"#;
    W105 Warning
        r#"interface endpoints or an expose's created NLB serve IPv6, but the security group vpcegen creates for them admits no IPv6 CIDR (no `vpc.ipv6_cidr` where it admits the VPC's CIDR, or `ingress_cidrs` all IPv4)"#
        => r#"set `vpc.ipv6_cidr` (literally or `{ input = "..." }`), or list the IPv6 CIDRs in `ingress_cidrs`"#;
    W110 Warning
        r#"an expose with no `allowed_principals`: no other account can connect yet"#
        => r#"list the consumers' accounts or roles"#;
    W111 Warning
        r#"some of the consumer's AZ IDs are not served by the service: subnets there cannot reach it in their own AZ"#
        => r#"offer the service in those AZs, or accept cross-AZ traffic"#;
    W112 Warning
        r#"an expose that creates its NLB and lets other accounts connect, without `load_balancer.ingress_cidrs`: the NLB's group admits only the VPC's own CIDR, and on PrivateLink traffic AWS checks the consumers' private addresses, so consumers in other VPCs are refused"#
        => r#"list the CIDRs of the consumers' VPCs in `load_balancer.ingress_cidrs`"#;
    W113 Warning
        r#"`service.<name>.ip_address_type = "dualstack"` or `"ipv6"` on a gateway endpoint: vpcegen writes no address type on gateway endpoints, so it has no effect"#
        => r#"remove it, or set `type = "interface"` for an endpoint with IPv6 addresses"#;
    W120 Warning
        r#"the same entry twice in one list (`reach.services`, `bundles`, `without`, `vpc.subnets`, `vpc.route_tables`, `vpc.az_ids`, security group `ids` and `ingress_cidrs`, `allowed_principals`, `connect.<name>.az_ids` and `ports`, `expose.<name>.regions`, tag lookup values, `extends`): the warning points at the repeat and at the first entry; each entry is used once (a baseline's entry and the extending spec's are not repeats and say nothing; a bundle and one of its members are W141)"#
        => r#"remove the repeat"#;
    W121 Warning
        r#"a `region` of a service or connect, or an entry of `expose.<name>.regions`, names the spec's own `region`: nothing crosses Regions"#
        => r#"remove it"#;
    W122 Warning
        r#"a cross-Region endpoint in a spec whose `vpc.az_ids` include an AZ where AWS does not offer cross-Region endpoints (use1-az3, usw1-az2, apne1-az3, apne2-az2, apne2-az4)"#
        => r#"put the endpoint's subnets in other AZs"#;
    W123 Warning
        r#"a spoke lists in `reach.services` a service its hub shares: the spoke uses the hub's endpoint and creates none"#
        => r#"remove the service from the spoke's `reach.services`"#;
    W124 Warning
        r#"a hub reaches a service whose private DNS names vpcegen does not know: it is not shared (the hub keeps its own endpoint, with private DNS)"#
        => r#"list the service in the spokes that need it; `vpcegen services --dns` shows the names vpcegen knows"#;
    W125 Warning
        r#"a spoke built with its hub gives `vpc.cidr` (or, in another account with `hosted-zones`, `vpc.id`) as an input or lookup: the hub cannot admit its CIDR (or authorize its VPC)"#
        => r#"give the value literally, or list the spoke's range in `share.ingress_cidrs` (and authorize the VPC by hand)"#;
    W140 Warning
        r#"a service in both `reach.services` and `reach.without` of the same file: `without` wins and no endpoint is created (a baseline's service removed by the extending spec says nothing: that is what `without` is for)"#
        => r#"remove it from one of the two lists"#;
    W141 Warning
        r#"a service in `reach.services` that a bundle in `reach.bundles` of the same file already brings: it is reached once (overlapping bundles, or a member listed by the extending spec of a baseline's bundle, say nothing)"#
        => r#"remove it from `reach.services`"#;
    W201 Warning
        r#"security lint: the endpoints' security group admits `0.0.0.0/0` or `::/0`"#
        => r#"admit the VPC CIDR or your own ranges"#;
    W202 Warning
        r#"security lint: a hand-written policy allows `*` actions on `*` resources to `*` principals with no condition (it restricts nothing)"#
        => r#"narrow it, add a condition, or use `allow_org`"#;
    I203 Info
        r#"security lint: an allowed principal is a whole account (`:root`) where a role might do"#
        => r#"name the role that connects"#;
    W204 Warning
        r#"security lint: an interface endpoint for an AWS service with private DNS off: SDK calls still go to the public name, through NAT"#
        => r#"turn private DNS on, or configure clients with the endpoint's DNS names"#;
    W205 Warning
        r#"more interface endpoints in one VPC than the default quota of 50"#
        => r#"request a quota increase first, or split the services"#;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The table of `docs/diagnostics.md`, generated from [`Code::ALL`].
pub fn markdown_table() -> String {
    let mut out =
        String::from("| code | severity | what it means | what to do |\n|---|---|---|---|\n");
    for c in Code::ALL {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.as_str(),
            c.severity().word(),
            c.meaning(),
            c.what_to_do()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Code, markdown_table};
    use crate::diagnostic::Severity;
    use std::path::Path;

    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} is declared twice");
            let letter = match c.severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
                Severity::Info => 'I',
            };
            assert!(
                s.len() == 4 && s.starts_with(letter) && s[1..].bytes().all(|b| b.is_ascii_digit()),
                "{s}: a code is its severity's letter and three digits"
            );
            assert!(!c.meaning().trim().is_empty(), "{s} says what it means");
            assert!(!c.what_to_do().trim().is_empty(), "{s} says what to do");
            assert!(
                !format!("{}{}", c.meaning(), c.what_to_do()).contains(['|', '\n']),
                "{s}: a table cell holds no `|` and no line break"
            );
        }
    }

    /// A code nothing emits would document a check that does not exist;
    /// a retired code must stay unemitted.
    #[test]
    fn every_code_is_emitted_somewhere() {
        let mut text = String::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("code.rs") {
                    text += &std::fs::read_to_string(&p).unwrap();
                }
            }
        }
        for c in Code::ALL {
            let emitted = text.contains(&format!("Code::{}", c.as_str()));
            if c.is_retired() {
                assert!(!emitted, "{c} is retired but still emitted");
                assert!(
                    c.meaning().starts_with("retired: "),
                    "{c} says it is retired"
                );
            } else {
                assert!(emitted, "{c} is declared but no check emits it");
            }
        }
    }

    /// `docs/diagnostics.md`'s table is generated from [`Code`]. With
    /// `VPCEGEN_BLESS=1` this test rewrites the table in place.
    #[test]
    fn docs_table_is_generated_from_the_codes() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
        let doc = std::fs::read_to_string(&path).unwrap();
        let start = doc
            .find("| code |")
            .expect("the table starts with `| code |`");
        let end = doc[start..]
            .find("\n\n")
            .map_or(doc.len(), |i| start + i + 1);
        let table = markdown_table();
        if doc[start..end] == table {
            return;
        }
        if std::env::var_os("VPCEGEN_BLESS").is_some_and(|v| v == "1") {
            let blessed = format!("{}{table}{}", &doc[..start], &doc[end..]);
            std::fs::write(&path, blessed).unwrap();
            return;
        }
        panic!(
            "docs/diagnostics.md's table differs from the codes in src/diagnostic/code.rs; \
             regenerate it with `VPCEGEN_BLESS=1 cargo test --lib docs_table_is_generated` \
             and review the diff"
        );
    }
}
