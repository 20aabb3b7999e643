//! Spec values parsed once, when the spec is read: later passes get a
//! [`Cidr`] or a [`Principal`], never a string to check or split again.
//!
//! Each type keeps the text as the user wrote it, which is what generated
//! files and messages show (`as_str`, `Display`), and its `parse` error is
//! the hint shown with E010.

use std::fmt;

/// Implements `as_str`, `Display`, ordering by text and `Serialize` as the
/// text, for a type holding its text in a field.
macro_rules! text_value {
    ($t:ty, $self_:ident => $text:expr) => {
        impl $t {
            /// The value as the user wrote it.
            pub fn as_str(&$self_) -> &str {
                $text
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $t {}

        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        /// By text, so sorted output is what sorting the strings gave.
        impl Ord for $t {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// A CIDR block with no host bits set. The text is kept as written
/// (`fd00:0::/8` stays so), since the output repeats it.
#[derive(Clone, Debug)]
pub struct Cidr {
    net: ipnet::IpNet,
    text: String,
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Cidr, String> {
        match s.parse::<ipnet::IpNet>() {
            Ok(net) if net.network() == net.addr() => Ok(Cidr {
                net,
                text: s.to_owned(),
            }),
            Ok(net) => Err(format!(
                "host bits are set; the network is `{}`",
                net.trunc()
            )),
            Err(_) => Err("write a CIDR block such as `10.0.0.0/16` or `fd00::/8`".into()),
        }
    }

    /// The network itself, for checks that compare addresses.
    pub fn net(&self) -> ipnet::IpNet {
        self.net
    }
}

text_value!(Cidr, self => &self.text);

/// An AZ ID such as `euw1-az1`: the same zone in every account, unlike AZ
/// names, so specs of different accounts can be compared.
#[derive(Clone, Debug)]
pub struct AzId(String);

impl AzId {
    pub fn parse(s: &str) -> Result<AzId, String> {
        let ok = s.split_once("-az").is_some_and(|(region, n)| {
            let letters = region.trim_end_matches(|c: char| c.is_ascii_digit());
            (2..=6).contains(&letters.len())
                && letters.bytes().all(|b| b.is_ascii_lowercase())
                && letters.len() < region.len()
                && !n.is_empty()
                && n.len() <= 2
                && n.bytes().all(|b| b.is_ascii_digit())
        });
        if ok {
            Ok(AzId(s.to_owned()))
        } else {
            Err("AZ IDs look like `use1-az1` or `euw1-az3` (AZ names such as `eu-west-1a` differ between accounts)".into())
        }
    }
}

text_value!(AzId, self => &self.0);

/// A twelve-digit AWS account ID, kept as text: leading zeros matter.
#[derive(Clone, Debug)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(s: &str) -> Result<AccountId, String> {
        if is_account(s) {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(
                "an AWS account ID is 12 digits, written as a string: `account = \"111122223333\"`"
                    .into(),
            )
        }
    }
}

text_value!(AccountId, self => &self.0);

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Who may connect to an exposed service: everyone, or one IAM ARN (an
/// account root, a role or a user) with its account read out of it, so
/// the cross-spec check compares accounts rather than splitting strings.
#[derive(Clone, Debug)]
pub enum Principal {
    /// `*`.
    Everyone,
    Arn {
        arn: String,
        account: AccountId,
    },
}

impl Principal {
    pub fn parse(s: &str) -> Result<Principal, String> {
        if s == "*" {
            return Ok(Principal::Everyone);
        }
        if is_account(s) {
            return Err(format!(
                "principals are ARNs: for the whole account write `arn:aws:iam::{s}:root`, or name a role"
            ));
        }
        let rest = ["arn:aws:iam::", "arn:aws-cn:iam::", "arn:aws-us-gov:iam::"]
            .iter()
            .find_map(|p| s.strip_prefix(p));
        // `get`, not `split_at`: the 12th byte may fall inside a character.
        let account = rest.and_then(|r| {
            let account = r.get(..12)?;
            let what = &r[12..];
            let ok = is_account(account)
                && (what == ":root"
                    || what.strip_prefix(":role/").is_some_and(|n| !n.is_empty())
                    || what.strip_prefix(":user/").is_some_and(|n| !n.is_empty()));
            ok.then(|| AccountId(account.to_owned()))
        });
        match account {
            Some(account) => Ok(Principal::Arn {
                arn: s.to_owned(),
                account,
            }),
            None => Err("an allowed principal is `*`, or an IAM ARN of an account root, a role or a user: `arn:aws:iam::111122223333:root`, `arn:aws:iam::111122223333:role/name`".into()),
        }
    }

    /// Whether this principal lets `account` connect: `*`, the account's
    /// root, or a role or user in it.
    pub fn covers(&self, account: &AccountId) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Arn { account: a, .. } => a == account,
        }
    }
}

text_value!(Principal, self => match self {
    Principal::Everyone => "*",
    Principal::Arn { arn, .. } => arn,
});

/// The name of a module variable or stack Parameter: lowercase, and not
/// one of the names Terraform keeps for module arguments.
#[derive(Clone, Debug)]
pub struct InputName(String);

impl InputName {
    pub fn parse(s: &str) -> Result<InputName, String> {
        const RESERVED: &[&str] = &[
            "source",
            "version",
            "providers",
            "count",
            "for_each",
            "lifecycle",
            "depends_on",
            "locals",
        ];
        let ok = s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            Err("input names are 1 to 64 lowercase letters, digits and underscores, starting with a letter, such as `private_subnet_ids`".into())
        } else if RESERVED.contains(&s) {
            Err(format!(
                "`{s}` is reserved by Terraform for module arguments; choose another name"
            ))
        } else {
            Ok(InputName(s.to_owned()))
        }
    }
}

text_value!(InputName, self => &self.0);

/// An AWS Region code such as `eu-west-1`; service names are built from it.
#[derive(Clone, Debug)]
pub struct Region(String);

impl Region {
    pub fn parse(s: &str) -> Result<Region, String> {
        let parts: Vec<&str> = s.split('-').collect();
        // The first part is 2 letters, or 4 (`eusc-de-east-1`, the European
        // Sovereign Cloud); whether the Region exists is the Region facts'.
        let ok = parts.len() >= 3
            && matches!(parts[0].len(), 2 | 4)
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts[parts.len() - 1].len() == 1
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Region(s.to_owned()))
        } else {
            Err("write a Region code such as `eu-west-1`, or leave `region` out for region-agnostic output".into())
        }
    }
}

text_value!(Region, self => &self.0);

/// The ARN of the SNS topic an endpoint service notifies of connections:
/// `arn:<partition>:sns:<region>:<account>:<topic>`.
#[derive(Clone, Debug)]
pub struct SnsTopicArn(String);

impl SnsTopicArn {
    pub fn parse(s: &str) -> Result<SnsTopicArn, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let topic_ok = |t: &str| {
            let name = t.strip_suffix(".fifo").unwrap_or(t);
            (1..=256).contains(&t.len())
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let ok = parts.len() == 6
            && parts[0] == "arn"
            && parts[1].starts_with("aws")
            && parts[2] == "sns"
            && !parts[3].is_empty()
            && is_account(parts[4])
            && topic_ok(parts[5]);
        if ok {
            Ok(SnsTopicArn(s.to_owned()))
        } else {
            Err("an SNS topic ARN: `arn:aws:sns:eu-west-1:111122223333:endpoint-events`".into())
        }
    }
}

text_value!(SnsTopicArn, self => &self.0);

/// What a VPC Lattice endpoint reaches: a resource configuration
/// (`vpc_endpoint_type = "Resource"`) or a service network
/// (`"ServiceNetwork"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum LatticeKind {
    Resource,
    ServiceNetwork,
}

impl LatticeKind {
    /// The ARN's resource type and its ID prefix.
    fn resource(self) -> (&'static str, &'static str) {
        match self {
            LatticeKind::Resource => ("resourceconfiguration", "rcfg-"),
            LatticeKind::ServiceNetwork => ("servicenetwork", "sn-"),
        }
    }

    /// What it reaches, in words.
    pub fn what(self) -> &'static str {
        match self {
            LatticeKind::Resource => "resource configuration",
            LatticeKind::ServiceNetwork => "service network",
        }
    }

    /// The `[connect.*]` key that asks for it.
    pub fn key(self) -> &'static str {
        match self {
            LatticeKind::Resource => "resource_configuration",
            LatticeKind::ServiceNetwork => "service_network",
        }
    }
}

/// A VPC Lattice ARN of the given kind:
/// `arn:<partition>:vpc-lattice:<region>:<account>:resourceconfiguration/rcfg-...`
/// or `...:servicenetwork/sn-...`.
#[derive(Clone, Debug)]
pub struct LatticeArn(String);

impl LatticeArn {
    pub fn parse(kind: LatticeKind, s: &str) -> Result<LatticeArn, String> {
        let (resource, prefix) = kind.resource();
        let parts: Vec<&str> = s.split(':').collect();
        let id_ok = |r: &str| {
            r.strip_prefix(resource)
                .and_then(|r| r.strip_prefix('/'))
                .and_then(|r| r.strip_prefix(prefix))
                .is_some_and(|id| {
                    !id.is_empty()
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
                })
        };
        let ok = parts.len() == 6
            && parts[0] == "arn"
            && parts[1].starts_with("aws")
            && parts[2] == "vpc-lattice"
            && !parts[3].is_empty()
            && is_account(parts[4])
            && id_ok(parts[5]);
        if ok {
            Ok(LatticeArn(s.to_owned()))
        } else {
            Err(format!(
                "a VPC Lattice {} ARN: `arn:aws:vpc-lattice:eu-west-1:111122223333:{resource}/{prefix}0123456789abcdef0`",
                kind.what()
            ))
        }
    }
}

text_value!(LatticeArn, self => &self.0);

/// What happened to a connection to an endpoint service, as AWS names it
/// in a connection notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConnectionEvent {
    Accept,
    Connect,
    Delete,
    Reject,
}

impl ConnectionEvent {
    pub fn parse(s: &str) -> Result<ConnectionEvent, String> {
        Ok(match s {
            "Accept" => ConnectionEvent::Accept,
            "Connect" => ConnectionEvent::Connect,
            "Delete" => ConnectionEvent::Delete,
            "Reject" => ConnectionEvent::Reject,
            _ => return Err("use \"Accept\", \"Connect\", \"Delete\" or \"Reject\"".into()),
        })
    }

    /// The name AWS uses, also in both targets' output.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionEvent::Accept => "Accept",
            ConnectionEvent::Connect => "Connect",
            ConnectionEvent::Delete => "Delete",
            ConnectionEvent::Reject => "Reject",
        }
    }
}

impl serde::Serialize for ConnectionEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How an interface endpoint is addressed (`reach.ip_address_type`,
/// `service.<name>.ip_address_type`), as AWS names it in both targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum IpAddressType {
    #[default]
    Ipv4,
    Dualstack,
    Ipv6,
}

impl IpAddressType {
    pub fn parse(s: &str) -> Result<IpAddressType, String> {
        Ok(match s {
            "ipv4" => IpAddressType::Ipv4,
            "dualstack" => IpAddressType::Dualstack,
            "ipv6" => IpAddressType::Ipv6,
            _ => return Err("use \"ipv4\", \"dualstack\" or \"ipv6\"".into()),
        })
    }

    /// The name AWS uses, also for the DNS record type that matches it.
    pub fn as_str(self) -> &'static str {
        match self {
            IpAddressType::Ipv4 => "ipv4",
            IpAddressType::Dualstack => "dualstack",
            IpAddressType::Ipv6 => "ipv6",
        }
    }

    /// Whether IPv6 clients are served (the service must support IPv6).
    pub fn uses_ipv6(self) -> bool {
        self != IpAddressType::Ipv4
    }

    /// For `skip_serializing_if`: the default leaves the model as it was.
    pub fn is_default(&self) -> bool {
        *self == IpAddressType::Ipv4
    }
}

impl serde::Serialize for IpAddressType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An address family an endpoint service accepts consumers over
/// (`expose.<name>.ip_address_types`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpFamily {
    Ipv4,
    Ipv6,
}

impl IpFamily {
    pub fn parse(s: &str) -> Result<IpFamily, String> {
        match s {
            "ipv4" => Ok(IpFamily::Ipv4),
            "ipv6" => Ok(IpFamily::Ipv6),
            _ => Err("use \"ipv4\" or \"ipv6\"".into()),
        }
    }

    /// The name AWS uses in `SupportedIpAddressTypes`.
    pub fn as_str(self) -> &'static str {
        match self {
            IpFamily::Ipv4 => "ipv4",
            IpFamily::Ipv6 => "ipv6",
        }
    }
}

impl serde::Serialize for IpFamily {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `vpc.ipv6_cidr`: a CIDR block that must be IPv6.
pub fn ipv6_cidr(s: &str) -> Result<Cidr, String> {
    let c = Cidr::parse(s)?;
    match c.net() {
        ipnet::IpNet::V6(_) => Ok(c),
        ipnet::IpNet::V4(_) => Err(
            "this is an IPv4 CIDR: give the VPC's IPv4 block in `vpc.cidr`, and here its IPv6 block, such as `2600:1f18:abcd:1200::/56`".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse` keeps the text of what it accepts.
    fn accepts<T: fmt::Display>(parse: fn(&str) -> Result<T, String>, ok: &[&str]) {
        for s in ok {
            match parse(s) {
                Ok(v) => assert_eq!(v.to_string(), *s),
                Err(e) => panic!("{s:?} refused: {e}"),
            }
        }
    }

    /// `parse` refuses each value with its message.
    fn refuses<T: fmt::Debug>(parse: fn(&str) -> Result<T, String>, bad: &[(&str, &str)]) {
        for (s, message) in bad {
            assert_eq!(parse(s).unwrap_err(), *message, "{s:?}");
        }
    }

    #[test]
    fn cidrs_keep_their_text_and_refuse_host_bits() {
        accepts(
            Cidr::parse,
            &["10.0.0.0/16", "0.0.0.0/0", "::/0", "fd00::/8", "fd00:0::/8"],
        );
        assert_eq!(
            Cidr::parse("fd00:0::/8").unwrap().net().to_string(),
            "fd00::/8"
        );
        let shape = "write a CIDR block such as `10.0.0.0/16` or `fd00::/8`";
        refuses(
            Cidr::parse,
            &[
                (
                    "10.0.0.1/16",
                    "host bits are set; the network is `10.0.0.0/16`",
                ),
                ("fd00::1/8", "host bits are set; the network is `fd00::/8`"),
                ("10.0.0.0", shape),
                ("10.0.0.0/33", shape),
                (" 10.0.0.0/16", shape),
                ("", shape),
            ],
        );
    }

    #[test]
    fn az_ids_are_ids_not_names() {
        accepts(
            AzId::parse,
            &["use1-az1", "euw1-az3", "apne1-az12", "usgw1-az1"],
        );
        let m = "AZ IDs look like `use1-az1` or `euw1-az3` (AZ names such as `eu-west-1a` differ between accounts)";
        refuses(
            AzId::parse,
            &[
                ("eu-west-1a", m),
                ("use-az1", m),
                ("use1-az", m),
                ("use1-az123", m),
                ("USE1-az1", m),
                ("u1-az1", m),
                ("", m),
            ],
        );
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        accepts(AccountId::parse, &["111122223333", "000000000001"]);
        let m = "an AWS account ID is 12 digits, written as a string: `account = \"111122223333\"`";
        refuses(
            AccountId::parse,
            &[
                ("11112222333", m),
                ("1111222233334", m),
                ("11112222333a", m),
                ("", m),
            ],
        );
    }

    #[test]
    fn principals_are_everyone_or_iam_arns() {
        accepts(
            Principal::parse,
            &[
                "*",
                "arn:aws:iam::111122223333:root",
                "arn:aws:iam::111122223333:role/name",
                "arn:aws-cn:iam::111122223333:user/u",
                "arn:aws-us-gov:iam::111122223333:role/path/name",
            ],
        );
        let m = "an allowed principal is `*`, or an IAM ARN of an account root, a role or a user: `arn:aws:iam::111122223333:root`, `arn:aws:iam::111122223333:role/name`";
        refuses(
            Principal::parse,
            &[
                (
                    "111122223333",
                    "principals are ARNs: for the whole account write `arn:aws:iam::111122223333:root`, or name a role",
                ),
                ("arn:aws:iam::111122223333:role/", m),
                ("arn:aws:iam::111122223333:group/g", m),
                ("arn:aws:iam::11112222333:root", m),
                ("arn:aws:sts::111122223333:root", m),
                // The 12th byte inside a character.
                ("arn:aws:iam::11111111111é:root", m),
                ("**", m),
                ("", m),
            ],
        );
    }

    #[test]
    fn covers_every_principal_of_the_account() {
        let account = AccountId::parse("444455556666").unwrap();
        for p in [
            "*",
            "arn:aws:iam::444455556666:root",
            "arn:aws:iam::444455556666:role/reader",
            "arn:aws:iam::444455556666:user/auditor",
            "arn:aws-cn:iam::444455556666:root",
            "arn:aws-us-gov:iam::444455556666:role/path/reader",
        ] {
            let p = Principal::parse(p).unwrap();
            assert!(p.covers(&account), "{p} should cover {account}");
        }
        for p in [
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::444455556660:role/reader",
        ] {
            let p = Principal::parse(p).unwrap();
            assert!(!p.covers(&account), "{p} should not cover {account}");
        }
        // Not principals at all: refused when read, so they cover nothing.
        for p in [
            "arn:aws:iam::44445555666:root",
            "arn:aws:iam::4444555566667:root",
            "444455556666",
            "",
        ] {
            assert!(Principal::parse(p).is_err(), "{p} should be refused");
        }
    }

    #[test]
    fn input_names_are_lowercase_and_not_reserved() {
        accepts(InputName::parse, &["vpc_id", "a", "private_subnet_ids2"]);
        let m = "input names are 1 to 64 lowercase letters, digits and underscores, starting with a letter, such as `private_subnet_ids`";
        refuses(
            InputName::parse,
            &[
                ("", m),
                ("_x", m),
                ("1x", m),
                ("VpcId", m),
                ("vpc-id", m),
                (&"a".repeat(65), m),
                (
                    "count",
                    "`count` is reserved by Terraform for module arguments; choose another name",
                ),
            ],
        );
        assert!(InputName::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn regions_are_codes() {
        accepts(
            Region::parse,
            &[
                "eu-west-1",
                "us-gov-west-1",
                "ap-southeast-2",
                "eusc-de-east-1",
            ],
        );
        let m = "write a Region code such as `eu-west-1`, or leave `region` out for region-agnostic output";
        refuses(
            Region::parse,
            &[
                ("eu-west", m),
                ("euw1", m),
                ("eu-west-12", m),
                ("EU-west-1", m),
                ("eu--1", m),
                ("", m),
            ],
        );
    }

    #[test]
    fn values_sort_and_serialize_as_their_text() {
        let mut p: Vec<Principal> = ["arn:aws:iam::222222222222:root", "*"]
            .iter()
            .map(|s| Principal::parse(s).unwrap())
            .collect();
        p.sort();
        assert_eq!(p[0].as_str(), "*");
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"["*","arn:aws:iam::222222222222:root"]"#
        );
    }

    #[test]
    fn sns_topic_arns() {
        for ok in [
            "arn:aws:sns:eu-west-1:111122223333:endpoint-events",
            "arn:aws-us-gov:sns:us-gov-west-1:111122223333:a_b",
            "arn:aws:sns:us-east-1:111122223333:events.fifo",
        ] {
            assert_eq!(SnsTopicArn::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "endpoint-events",
            "arn:aws:sqs:eu-west-1:111122223333:q",
            "arn:aws:sns:eu-west-1:11112222333:t",
            "arn:aws:sns::111122223333:t",
            "arn:aws:sns:eu-west-1:111122223333:",
            "arn:aws:sns:eu-west-1:111122223333:a b",
            "arn:aws:sns:eu-west-1:111122223333:.fifo",
            "arn:aws:sns:eu-west-1:111122223333:t:extra",
        ] {
            assert!(
                SnsTopicArn::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn address_types_round_trip_and_ipv6_cidrs_refuse_ipv4() {
        for t in ["ipv4", "dualstack", "ipv6"] {
            assert_eq!(IpAddressType::parse(t).unwrap().as_str(), t);
        }
        assert!(IpAddressType::parse("IPv6").is_err());
        assert!(IpFamily::parse("dualstack").is_err());
        assert_eq!(IpFamily::parse("ipv6").unwrap().as_str(), "ipv6");
        assert!(ipv6_cidr("2600:1f18:abcd:1200::/56").is_ok());
        assert!(ipv6_cidr("10.0.0.0/16").unwrap_err().contains("IPv4 CIDR"));
    }

    #[test]
    fn connection_events_round_trip() {
        for e in ["Accept", "Connect", "Delete", "Reject"] {
            assert_eq!(ConnectionEvent::parse(e).unwrap().as_str(), e);
        }
        assert!(ConnectionEvent::parse("accept").is_err());
        assert!(ConnectionEvent::parse("").is_err());
    }
}

/// The major version of the hashicorp/aws provider a Terraform module is
/// written for (`[terraform] aws_provider`, `--aws-provider`). Decided once,
/// in the plan ([`crate::model::Model::aws_provider`]); the renderer reads
/// what each major needs from here, so no template decides it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AwsProvider {
    /// hashicorp/aws 5.x.
    V5,
    /// hashicorp/aws 6.x, the default.
    #[default]
    V6,
}

/// As the spec writes it: the major, a number.
impl serde::Serialize for AwsProvider {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.major())
    }
}

impl AwsProvider {
    /// The majors vpcegen writes for, as written in a spec.
    pub const MAJORS: [i64; 2] = [5, 6];

    pub fn from_major(major: i64) -> Option<AwsProvider> {
        match major {
            5 => Some(AwsProvider::V5),
            6 => Some(AwsProvider::V6),
            _ => None,
        }
    }

    pub fn major(self) -> i64 {
        match self {
            AwsProvider::V5 => 5,
            AwsProvider::V6 => 6,
        }
    }

    /// The `required_providers` constraint: this major, and no other.
    pub fn version_constraint(self) -> String {
        let m = self.major();
        format!(">= {m}.0, < {}.0", m + 1)
    }

    /// The attribute of `data.aws_region` holding the Region's code:
    /// provider 6 deprecates `name` (and `id`) in favour of `region`,
    /// which provider 5 does not have.
    pub fn region_attribute(self) -> &'static str {
        match self {
            AwsProvider::V5 => "name",
            AwsProvider::V6 => "region",
        }
    }

    pub fn is_default(&self) -> bool {
        *self == AwsProvider::default()
    }
}

#[cfg(test)]
mod aws_provider_tests {
    use super::AwsProvider;

    #[test]
    fn each_major_pins_itself_and_reads_its_region_attribute() {
        assert_eq!(AwsProvider::default(), AwsProvider::V6);
        assert_eq!(AwsProvider::V6.version_constraint(), ">= 6.0, < 7.0");
        assert_eq!(AwsProvider::V5.version_constraint(), ">= 5.0, < 6.0");
        assert_eq!(AwsProvider::V6.region_attribute(), "region");
        assert_eq!(AwsProvider::V5.region_attribute(), "name");
        for m in AwsProvider::MAJORS {
            assert_eq!(AwsProvider::from_major(m).map(AwsProvider::major), Some(m));
        }
        assert_eq!(AwsProvider::from_major(7), None);
        assert_eq!(AwsProvider::from_major(4), None);
    }
}
