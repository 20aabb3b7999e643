//! vpcegen-orggen, synthetic organisations for benchmarks (`scripts/bench`,
//! `cargo bench`): `cargo run --release --example orggen -- DIR [K...]`.
//!
//! Writes, under DIR (deterministically: the same arguments give the same
//! bytes):
//!
//! - `big.toml`: one spec with 200 interface endpoints, all real catalog
//!   services (listed again in `big-services.txt` for the CDK comparison);
//! - `big-cfn.toml`: the first 99 of them, the most one CloudFormation
//!   template can declare Outputs for (200, E070), for that target;
//! - `typical.toml`: a typical spec, 10 endpoints (2 gateway, 8 interface)
//!   with tags and one policy file;
//! - for each K, `org-K/`: `baseline.toml` (tags, the `s3` and `dynamodb`
//!   gateway endpoints with an organisation policy, the `ecr` bundle, `logs`,
//!   `sts`), `policies/s3-org-buckets.json`, and `specs/team-NNNN.toml`, K
//!   specs that extend the baseline, each with 20 interface endpoints, 2
//!   gateway endpoints, one expose (a created NLB) offered to the two specs
//!   before it, and two connects to the exposes of the two specs after it
//!   (`{ spec = "...", expose = "..." }`), so every cross-spec check runs.
//!   `org-K/specs.txt` lists the spec paths, one a line.
//! - for each `hub-N`, `hub-N/`: `hub.toml`, an endpoints hub (`[share]`,
//!   private hosted zones) sharing 8 interface endpoints, and
//!   `spokes/spoke-NNNN.toml`, N spokes in their own accounts, each with
//!   `reach.via` to the hub, one interface endpoint and the `s3` gateway
//!   endpoint of its own, built together with the hub (which then admits
//!   and authorizes every spoke).
//!
//! Without K, writes K = 1, 10, 100 and 1000.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Interface endpoints per organisation spec (4 from the baseline).
pub const ORG_INTERFACE: usize = 20;
/// Interface endpoints of the large single spec.
pub const BIG_INTERFACE: usize = 200;
/// Interface endpoints of the large single CloudFormation spec: two
/// Outputs each, plus the group's and the `endpoints` map, within 200.
pub const BIG_CFN_INTERFACE: usize = 99;

/// Interface services the baseline brings to every organisation spec.
const BASELINE_INTERFACE: &[&str] = &["ecr.api", "ecr.dkr", "logs", "sts"];

/// The Region every generated spec is for.
const REGION: &str = "us-east-1";

/// Real catalog services that take a plain interface endpoint in one
/// Region: no FIPS variants, no cell-based names, no gateway-only ones,
/// none botocore does not list in [`REGION`], in catalog order.
pub fn interface_services() -> Vec<String> {
    use vpcegen::regions::{Offer, offer};
    let c = vpcegen::catalog::Catalog::get();
    c.services
        .iter()
        .filter(|s| {
            s.has_interface()
                && !s.has_gateway()
                && !s.fips
                && s.name_pattern().is_some()
                && s.supports_private_dns()
                && !matches!(offer(&s.suffix, REGION), Offer::NotOffered { .. })
        })
        .map(|s| s.suffix.to_string())
        .collect()
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deterministic hexadecimal IDs (17 digits), `prefix-` + hex of `n`.
fn hex_id(prefix: &str, n: u64) -> String {
    format!(
        "{prefix}-{:017x}",
        n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 4
    )
}

fn account(i: usize) -> String {
    format!("{:012}", 210_000_000_000u64 + (i as u64) * 7_919)
}

fn team(i: usize) -> String {
    format!("team-{i:04}")
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OrganisationBucketsOnly",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::example-org-*", "arn:aws:s3:::example-org-*/*"],
      "Condition": { "StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }
    },
    {
      "Sid": "EcrLayers",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"
    }
  ]
}
"#;

fn vpc_block(out: &mut String, seed: u64, cidr: &str, az: bool) {
    let subnets: Vec<String> = (0..3).map(|k| hex_id("subnet", seed * 16 + k)).collect();
    let rtbs: Vec<String> = (0..2).map(|k| hex_id("rtb", seed * 16 + 8 + k)).collect();
    let _ = writeln!(out, "[vpc]");
    let _ = writeln!(out, "id = \"{}\"", hex_id("vpc", seed));
    let _ = writeln!(out, "cidr = \"{cidr}\"");
    let _ = writeln!(out, "subnets = [{}]", quoted(&subnets));
    let _ = writeln!(out, "route_tables = [{}]", quoted(&rtbs));
    if az {
        let _ = writeln!(out, "az_ids = [\"use1-az1\", \"use1-az2\", \"use1-az4\"]");
    }
    out.push('\n');
}

/// The single spec with 200 interface endpoints.
pub fn big_spec() -> String {
    large_spec("big", BIG_INTERFACE)
}

/// One spec named `name` with the first `n` interface endpoints.
fn large_spec(name: &str, n: usize) -> String {
    let services = interface_services();
    assert!(
        services.len() >= n,
        "the catalog has {} plain interface services",
        services.len()
    );
    let mut s = String::new();
    s.push_str(&format!(
        "# Generated by vpcegen-orggen: one VPC reaching {n} AWS services.\n"
    ));
    s.push_str(&format!(
        "version = 1\nname = \"{name}\"\nregion = \"{REGION}\"\naccount = \"123456789012\"\n\n"
    ));
    s.push_str(
        "[tags]\nteam = \"platform\"\ncost-center = \"cc-0001\"\nenvironment = \"prod\"\n\n",
    );
    vpc_block(&mut s, 1, "10.0.0.0/16", false);
    let _ = writeln!(
        s,
        "[reach]\nservices = [\n{}]\npolicy = {{ allow_org = \"o-a1b2c3d4e5\" }}",
        services[..n]
            .iter()
            .map(|x| format!("  \"{x}\",\n"))
            .collect::<String>()
    );
    s
}

/// A typical spec: s3 and dynamodb gateways, 8 interface endpoints.
pub fn typical_spec() -> String {
    let mut s = String::new();
    s.push_str("# Generated by vpcegen-orggen: a typical application VPC.\n");
    let _ = writeln!(
        s,
        "version = 1\nname = \"typical\"\nregion = \"{REGION}\"\n"
    );
    s.push_str("[tags]\nteam = \"orders\"\ncost-center = \"cc-4711\"\nenvironment = \"prod\"\n\n");
    vpc_block(&mut s, 2, "10.1.0.0/16", false);
    s.push_str("[reach]\nservices = [\"s3\", \"dynamodb\", \"logs\", \"sts\", \"secretsmanager\", \"sqs\", \"sns\", \"kms\", \"ssm\"]\nbundles = [\"ecr\"]\nwithout = [\"ecr.dkr\"]\npolicy = { allow_org = \"o-a1b2c3d4e5\" }\n\n");
    s.push_str("[service.s3]\npolicy = \"policies/s3-org-buckets.json\"\n");
    s
}

fn baseline() -> String {
    let mut s = String::new();
    s.push_str("# Generated by vpcegen-orggen: the organisation baseline.\n");
    let _ = writeln!(
        s,
        "version = 1\nname = \"org-baseline\"\nregion = \"{REGION}\"\n"
    );
    s.push_str("[tags]\nmanaged-by = \"platform\"\norganisation = \"example-org\"\ndata-classification = \"internal\"\n\n");
    let _ = writeln!(
        s,
        "[reach]\nservices = [\"s3\", \"dynamodb\", \"logs\", \"sts\"]\nbundles = [\"ecr\"]\npolicy = {{ allow_org = \"o-a1b2c3d4e5\" }}\n"
    );
    s.push_str("[service.s3]\npolicy = \"policies/s3-org-buckets.json\"\n");
    s
}

/// Spec `i` of an organisation of `k`.
pub fn org_spec(i: usize, k: usize, services: &[String]) -> String {
    let own: Vec<String> = services
        .iter()
        .filter(|s| !BASELINE_INTERFACE.contains(&s.as_str()))
        .cycle()
        .skip(i * 7)
        .take(ORG_INTERFACE - BASELINE_INTERFACE.len())
        .cloned()
        .collect();
    let name = team(i);
    let mut s = String::new();
    let _ = writeln!(s, "# Generated by vpcegen-orggen: spec {i} of {k}.");
    let _ = writeln!(
        s,
        "version = 1\nname = \"{name}\"\naccount = \"{}\"\nextends = [\"../baseline.toml\"]\n",
        account(i)
    );
    let _ = writeln!(
        s,
        "[tags]\nteam = \"{name}\"\ncost-center = \"cc-{:04}\"\nenvironment = \"{}\"\nowner = \"{name}@example.com\"\n",
        1000 + i % 97,
        ["prod", "staging", "dev"][i % 3]
    );
    vpc_block(
        &mut s,
        100 + i as u64,
        &format!("10.{}.{}.0/22", 64 + (i / 64) % 128, (i % 64) * 4),
        true,
    );
    let _ = writeln!(s, "[reach]\nservices = [{}]\n", quoted(&own));
    // Offered to the two specs whose connects point here.
    let consumers: Vec<String> = [1, 2]
        .iter()
        .map(|d| {
            format!(
                "arn:aws:iam::{}:role/endpoint-creator",
                account((i + k * 2 - d) % k)
            )
        })
        .collect();
    let mut consumers = consumers;
    consumers.dedup();
    let _ = writeln!(
        s,
        "[expose.api]\nload_balancer = {{ port = 443, target_port = 8443, target_type = \"ip\" }}\nallowed_principals = [{}]\nacceptance_required = true\n",
        quoted(&consumers)
    );
    let mut targets = vec![(i + 1) % k, (i + 2) % k];
    targets.dedup();
    for j in targets {
        let _ = writeln!(
            s,
            "[connect.{}-api]\nservice_name = {{ spec = \"{}.toml\", expose = \"api\" }}\n",
            team(j),
            team(j)
        );
    }
    s
}

/// Services the hub of `hub-N/` shares: all with known private DNS names.
const HUB_SERVICES: &[&str] = &[
    "sts",
    "kms",
    "logs",
    "ecr.api",
    "ecr.dkr",
    "ssm",
    "secretsmanager",
    "monitoring",
];

/// The hub of `hub-N/`, in its own account, its CIDR apart from the spokes'.
pub fn hub_spec() -> String {
    let mut s = String::new();
    s.push_str("# Generated by vpcegen-orggen: the organisation's endpoints hub.\n");
    let _ = writeln!(
        s,
        "version = 1\nname = \"endpoints-hub\"\nregion = \"{REGION}\"\naccount = \"999988887777\"\n"
    );
    vpc_block(&mut s, 7, "10.255.0.0/20", false);
    let services: Vec<String> = HUB_SERVICES.iter().map(|x| x.to_string()).collect();
    let _ = writeln!(s, "[reach]\nservices = [{}]\n", quoted(&services));
    s.push_str("[share]\ndns = \"hosted-zones\"\ningress_cidrs = [\"10.0.0.0/8\"]\n");
    s
}

/// Spoke `i` of `hub-N/`: its own account and /22, the hub's endpoints.
pub fn spoke_spec(i: usize) -> String {
    let name = format!("spoke-{i:04}");
    let mut s = String::new();
    let _ = writeln!(s, "# Generated by vpcegen-orggen: spoke {i}.");
    let _ = writeln!(
        s,
        "version = 1\nname = \"{name}\"\nregion = \"{REGION}\"\naccount = \"{}\"\n",
        account(i)
    );
    s.push_str(&format!("[tags]\nteam = \"{name}\"\n\n"));
    vpc_block(
        &mut s,
        100_000 + i as u64,
        &format!("10.{}.{}.0/22", (i / 64) % 128, (i % 64) * 4),
        true,
    );
    s.push_str("[reach]\nvia = \"../hub.toml\"\nservices = [\"sqs\", \"s3\"]\n");
    s
}

/// Writes `hub-N/` under `dir`: the hub and N spokes (at most 8,192, the
/// /22s of 10.0.0.0/9 below the hub's 10.255.0.0/20).
pub fn write_hub(dir: &Path, n: usize) -> std::io::Result<Vec<PathBuf>> {
    assert!(n <= 8192, "at most 8,192 spokes");
    let root = dir.join(format!("hub-{n}"));
    let hub = root.join("hub.toml");
    write(&hub, &hub_spec())?;
    let mut paths = vec![hub];
    for i in 0..n {
        let p = root.join("spokes").join(format!("spoke-{i:04}.toml"));
        write(&p, &spoke_spec(i))?;
        paths.push(p);
    }
    Ok(paths)
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

/// Writes `org-K/` under `dir`; returns the spec paths in order.
pub fn write_org(dir: &Path, k: usize) -> std::io::Result<Vec<PathBuf>> {
    let services = interface_services();
    let root = dir.join(format!("org-{k}"));
    write(&root.join("baseline.toml"), &baseline())?;
    write(&root.join("policies/s3-org-buckets.json"), POLICY)?;
    let mut paths = Vec::new();
    let mut list = String::new();
    for i in 0..k {
        let p = root.join("specs").join(format!("{}.toml", team(i)));
        write(&p, &org_spec(i, k, &services))?;
        let _ = writeln!(list, "{}", p.display());
        paths.push(p);
    }
    write(&root.join("specs.txt"), &list)?;
    Ok(paths)
}

/// Writes `big.toml`, `typical.toml` and its policy under `dir`.
pub fn write_singles(dir: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
    let big = dir.join("big.toml");
    write(&big, &big_spec())?;
    write(
        &dir.join("big-cfn.toml"),
        &large_spec("big-cfn", BIG_CFN_INTERFACE),
    )?;
    // The same services, one a line, for the AWS CDK app of scripts/bench.
    let mut list = interface_services();
    list.truncate(BIG_INTERFACE);
    write(&dir.join("big-services.txt"), &(list.join("\n") + "\n"))?;
    let typical = dir.join("typical.toml");
    write(&typical, &typical_spec())?;
    write(&dir.join("policies/s3-org-buckets.json"), POLICY)?;
    Ok((big, typical))
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!(
            "usage: orggen DIR [K... hub-N...]   (writes big.toml, typical.toml, org-K/ for each K and hub-N/ for each hub-N; default K = 1 10 100 1000)"
        );
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let hubs: Vec<usize> = args[1..]
        .iter()
        .filter_map(|a| a.strip_prefix("hub-"))
        .map(|n| n.parse().expect("hub-N: N is a number"))
        .collect();
    let ks: Vec<usize> = if args.len() > 1 {
        args[1..]
            .iter()
            .filter(|a| !a.starts_with("hub-"))
            .map(|a| a.parse().expect("K is a positive number"))
            .collect()
    } else {
        vec![1, 10, 100, 1000]
    };
    let run = || -> std::io::Result<()> {
        write_singles(&dir)?;
        for &k in &ks {
            assert!(k > 0, "K is a positive number");
            write_org(&dir, k)?;
        }
        for &n in &hubs {
            write_hub(&dir, n)?;
        }
        Ok(())
    };
    if let Err(e) = run() {
        eprintln!("orggen: {e}");
        std::process::exit(1);
    }
    println!(
        "wrote {}/big.toml, typical.toml, org-{{{}}}/ and hub-{{{}}}/",
        dir.display(),
        ks.iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(","),
        hubs.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
}
