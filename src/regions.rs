//! Region facts: which AWS Regions exist and which Regions offer each
//! catalog service. `scripts/region-facts` writes them from botocore's
//! endpoint data into `data/aws-region-facts.toml` (never by hand);
//! `build.rs` turns that file into the static tables below, so a lookup
//! costs no parsing. botocore lists a service's API endpoints per Region;
//! that an AWS service's PrivateLink endpoint service is in the same
//! Regions is the assumption `docs/spec.md` ("Region facts") states.

use crate::diagnostic::{Code, Diagnostic};

/// One Region of the facts.
#[derive(Debug)]
pub struct RegionInfo {
    pub name: &'static str,
    /// `aws`, `aws-us-gov`, `aws-cn`, ...
    pub partition: &'static str,
    pub description: &'static str,
    /// Whether the facts say which services the Region offers: only for
    /// the partition the catalog describes, and only once botocore lists
    /// endpoints there.
    pub services_known: bool,
}

// `BOTOCORE`, `REGIONS`, `OFFERED`, `DUALSTACK` and `HOSTNAMES`, generated
// by build.rs.
include!(concat!(env!("OUT_DIR"), "/region_facts.rs"));

/// What the facts say about a service in a Region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Offered,
    /// botocore knows the service (by this key) but not in this Region.
    NotOffered {
        botocore: &'static str,
    },
    /// The facts do not say: never a reason to refuse.
    Unknown,
}

/// The Region called `name`, with its index in [`REGIONS`].
pub fn region(name: &str) -> Option<(usize, &'static RegionInfo)> {
    REGIONS.iter().enumerate().find(|(_, r)| r.name == name)
}

/// What the facts say about catalog service `service` in Region `name`.
pub fn offer(service: &str, name: &str) -> Offer {
    let Some((i, _)) = region(name).filter(|(_, r)| r.services_known) else {
        return Offer::Unknown;
    };
    let Some((botocore, bits)) = row(service) else {
        return Offer::Unknown;
    };
    if bits & (1u128 << i) != 0 {
        Offer::Offered
    } else {
        Offer::NotOffered { botocore }
    }
}

/// The botocore key and Region bit set of `service`, if the facts know it.
fn row(service: &str) -> Option<(&'static str, u128)> {
    let i = OFFERED
        .binary_search_by(|(s, _, _)| (*s).cmp(service))
        .ok()?;
    Some((OFFERED[i].1, OFFERED[i].2))
}

/// Whether botocore lists an explicit dualstack variant of catalog service
/// `service`: the generated proxy for "reachable over IPv6 through
/// PrivateLink" (see `scripts/region-facts`).
pub fn dualstack(service: &str) -> bool {
    DUALSTACK.binary_search(&service).is_ok()
}

/// The Regions that offer `service`, in [`REGIONS`] order (empty when the
/// facts do not know it).
pub fn offered_in(service: &str) -> Vec<&'static str> {
    let Some((_, bits)) = row(service) else {
        return Vec::new();
    };
    REGIONS
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1u128 << i) != 0)
        .map(|(_, r)| r.name)
        .collect()
}

/// The private DNS names an interface endpoint of catalog service `service`
/// answers in `region` (pass `"{region}"` to keep the placeholder): its
/// regional API hostname from botocore (a proxy, see `docs/spec.md`), then
/// the catalog's cited extras (`private_dns_names`). `None` when neither is
/// known, or the catalog says the service has no interface endpoint or no
/// private DNS on it.
pub fn private_dns_names(service: &str, region: &str) -> Option<Vec<String>> {
    let extras = crate::catalog::Catalog::get()
        .service(service)
        .filter(|s| s.has_interface() && s.supports_private_dns())
        .map(|s| s.private_dns_names.as_ref())?;
    let host = HOSTNAMES
        .binary_search_by(|(s, _)| (*s).cmp(service))
        .ok()
        .map(|i| HOSTNAMES[i].1);
    let names: Vec<String> = host
        .into_iter()
        .chain(extras.iter().map(|e| e.as_ref()))
        .map(|t| t.replace("{region}", region))
        .collect();
    (!names.is_empty()).then_some(names)
}

/// E061 for a `region` that is no Region the facts know, with the closest
/// Region name; the caller adds where it was written, if anywhere.
pub fn unknown_region(name: &str) -> Diagnostic {
    let d = Diagnostic::new(
        Code::E061,
        format!("`{}` is not an AWS Region", name.escape_debug()),
    );
    let closest = crate::diagnostic::did_you_mean(name, REGIONS.iter().map(|r| r.name));
    let d = match closest {
        Some(m) => d.help(format!("did you mean `{m}`?")),
        None => d.help("write a Region code such as `eu-west-1`, or leave `region` out for region-agnostic output"),
    };
    d.note(format!(
        "the Regions vpcegen knows are botocore {BOTOCORE}'s (docs/spec.md, \"Region facts\")"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dualstack_services_are_sorted_offered_ones_from_the_facts() {
        assert!(
            DUALSTACK.windows(2).all(|w| w[0] < w[1]),
            "binary search needs order"
        );
        assert!(DUALSTACK.iter().all(|s| row(s).is_some()));
        assert!(dualstack("sqs") && dualstack("s3") && dualstack("events-fips"));
        assert!(!dualstack("sts") && !dualstack("kms") && !dualstack("no-such-service"));
    }

    #[test]
    fn regions_of_every_partition_are_known_but_only_aws_has_service_facts() {
        let (_, r) = region("eu-west-1").expect("eu-west-1");
        assert_eq!((r.partition, r.services_known), ("aws", true));
        let (_, gov) = region("us-gov-west-1").expect("GovCloud is a Region");
        assert_eq!((gov.partition, gov.services_known), ("aws-us-gov", false));
        assert!(region("cn-north-1").is_some());
        assert!(region("eu-west-9").is_none());
        assert!(region("aws-global").is_none(), "a pseudo-Region");
        assert!(REGIONS.len() <= 128);
        for r in REGIONS {
            assert!(crate::spec::Region::parse(r.name).is_ok(), "{}", r.name);
        }
    }

    #[test]
    fn offers_are_yes_no_or_unknown() {
        assert_eq!(offer("sqs", "eu-west-1"), Offer::Offered);
        assert_eq!(offer("ecr.dkr", "eu-west-1"), Offer::Offered);
        assert_eq!(
            offer("kms-fips", "ap-east-2"),
            Offer::NotOffered { botocore: "kms" }
        );
        assert_eq!(
            offer("sts-fips", "eu-west-1"),
            Offer::NotOffered { botocore: "sts" }
        );
        assert_eq!(offer("sts-fips", "us-east-1"), Offer::Offered);
        // Not known to botocore, a global service, another partition, an unknown Region.
        assert_eq!(offer("ssmmessages", "eu-west-1"), Offer::Unknown);
        assert_eq!(offer("iam", "eu-west-1"), Offer::Unknown);
        assert_eq!(offer("sts-fips", "us-gov-west-1"), Offer::Unknown);
        assert_eq!(offer("sqs", "eu-west-9"), Offer::Unknown);
        assert!(offered_in("sts-fips").contains(&"us-east-2"));
        assert!(offered_in("no-such-service").is_empty());
    }

    #[test]
    fn every_fact_names_a_catalog_service() {
        let c = crate::catalog::Catalog::get();
        for (name, _, _) in OFFERED {
            assert!(c.service(name).is_some(), "{name} is not in the catalog");
        }
        assert!(OFFERED.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
    }

    #[test]
    fn private_dns_names_are_api_hostnames_and_cited_extras() {
        // botocore's API hostnames, then extras the catalog cites where
        // botocore's hostname is another endpoint's (`ecr.dkr`, `execute-api`).
        let cases = [
            ("sqs", "eu-west-1", "sqs.eu-west-1.amazonaws.com"),
            ("ecr.api", "eu-west-1", "api.ecr.eu-west-1.amazonaws.com"),
            ("logs", "{region}", "logs.{region}.amazonaws.com"),
            ("ecr.dkr", "eu-west-1", "*.dkr.ecr.eu-west-1.amazonaws.com"),
            (
                "execute-api",
                "{region}",
                "*.execute-api.{region}.amazonaws.com",
            ),
        ];
        for (service, region, name) in cases {
            assert_eq!(
                private_dns_names(service, region),
                Some(vec![name.to_string()])
            );
        }
        // A global service, FIPS (not recorded), gateway only, no private DNS
        // (botocore has dynamodb's hostname), unknown to botocore or the catalog.
        for service in [
            "iam",
            "sqs-fips",
            "s3express",
            "dynamodb",
            "no-such-service",
        ] {
            assert_eq!(private_dns_names(service, "us-east-1"), None, "{service}");
        }
        assert!(HOSTNAMES.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        assert!(HOSTNAMES.iter().all(|(s, _)| row(s).is_some()));
    }

    #[test]
    fn an_unknown_region_gets_the_closest_name() {
        let d = unknown_region("eu-west-9");
        assert_eq!(d.code, Code::E061);
        assert_eq!(d.help.as_deref(), Some("did you mean `eu-west-1`?"));
        let d = unknown_region("atlantis");
        assert!(d.help.is_some_and(|h| h.starts_with("write a Region code")));
    }
}
