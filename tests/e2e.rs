//! End to end, with the real tools: every valid scenario is built for both
//! targets, checked by `terraform fmt`/`validate` and `cfn-lint`, deployed on
//! the moto emulator by Terraform and by CloudFormation, and the endpoints
//! both deployments created are read back through the emulator's EC2 API
//! and compared with each other and with the model.
//!
//! Scenarios, found at run time:
//! - every top-level `specs/**/*.toml` (a spec some other spec `extends` is
//!   a baseline, not a scenario), minus the commented [`SKIP`] list;
//! - every `tests/cases/*/spec.toml`;
//! - every spec a scenario's `connect` references (`{ spec, expose }`), as
//!   the provider it is (`tests/cases/connect-reference/provider.toml`).
//!
//! Needs `terraform`, the hashicorp/aws 5.100.0 provider in a filesystem
//! mirror (`/opt/tf-plugins`, or `VPCEGEN_TF_MIRROR`), `cfn-lint`,
//! `moto_server` and python3 with boto3 and moto, all found through PATH.
//! Ignored by a plain `cargo test`; `scripts/test` installs the Python ones
//! (pinned, into `.venv`, put first on PATH) and runs it. A missing tool
//! fails the test: it never skips.
//!
//! Two moto accounts: the Terraform side in moto's default one, the
//! CloudFormation side (its networks, made by Terraform through a provider
//! alias that assumes a role there, and its stacks) in [`CFN_ACCOUNT`], so
//! names AWS wants unique per account and Region (target groups) do not
//! clash between the two deployments of one spec.
//!
//! PrivateLink: a scenario whose `connect` references another scenario's
//! `expose` is a consumer, deployed in a later *wave* than its provider
//! (wave 0: no references; else one more than its providers' highest).
//!
//! The run, batched so it stays short on two cores:
//! 1. build every scenario: Terraform, CloudFormation YAML and JSON;
//!    `terraform fmt -check -recursive` on the Terraform output;
//! 2. one Terraform root (JSON syntax, generated here) with two provider
//!    aliases per Region (one per account) pointed at moto and, per scenario
//!    and target, a VPC, subnets in distinct AZs, route tables, (when the
//!    spec uses existing ones) security groups, tagged so the spec's tag
//!    lookups match; an internal NLB per existing-NLB input
//!    (`InputKind::LoadBalancerArn`) and per literal NLB ARN; an endpoint
//!    service (on an NLB of its own) per plain service-name input
//!    (`InputKind::ServiceName` that is not a reference); plus one `module`
//!    call per scenario, wired to that network, with
//!    `count = var.deploy_wave >= <its wave> ? 1 : 0`; a consumer's
//!    reference input is `var.service_names["<scenario>/<input>"]`;
//! 3. `terraform init` (once), then a network-only apply
//!    (`deploy_wave=-1`, no `-target`);
//! 4. scenarios whose specs hold literal IDs (`vpc-...`, `subnet-...`,
//!    `rtb-...`, `sg-...`, NLB ARNs) cannot deploy as written: the emulator
//!    never has those IDs. Their spec is copied, with the files it references
//!    (`extends` baselines, policy files, referenced provider specs, same
//!    relative layout), into the temp folder with each literal ID replaced
//!    by the ID of the matching resource the network-only apply created,
//!    and that copy is built and deployed instead (one copy per target,
//!    since each target gets its own VPC). The module folder the root points
//!    at is overwritten in place, so no second `init` is needed;
//! 5. `terraform validate` (no errors, no warnings), `cfn-lint` on every
//!    template (no findings), then one apply per wave (`-var deploy_wave=n`;
//!    after wave 0, `-target` on that wave's modules): after each, the
//!    modules' outputs are read (`terraform output -json`: one `modules_wave_<n>`
//!    output per wave, which a targeted apply updates), and each
//!    consumer of the next wave gets its provider's `<expose>_service_name`
//!    output through `-var service_names=...`;
//! 6. one CloudFormation stack per scenario from the YAML template on the
//!    same emulator, wave by wave, Parameters filled from that scenario's
//!    CloudFormation network (a consumer's service name: its provider's stack
//!    output, or its Terraform output for a Terraform-only provider); then
//!    `DescribeVpcEndpoints` per VPC (with the endpoints' security group
//!    rules), and per expose and target the endpoint service
//!    (`DescribeVpcEndpointServiceConfigurations`, `...Permissions`) and its
//!    load balancers, listeners and target groups (ELBv2);
//! 7. per scenario: the Terraform VPC's endpoints, the CloudFormation VPC's
//!    endpoints and the model's endpoints (connects included, with the
//!    service name each deployment was given) are the same set of (service
//!    name, type, private DNS); each endpoint sits in the scenario's subnets
//!    or route tables (and existing security groups, when given; a connect's
//!    endpoint in a group of its own admitting exactly its ports from the
//!    VPC CIDR). Per expose and target: the endpoint service's name is the
//!    `<expose>_service_name` output, its type Interface, its acceptance
//!    setting and allowed principals the spec's, and it sits on one internal
//!    network load balancer in the scenario's VPC: the NLB passed in, or the
//!    created one (the model's name, the scenario's subnets, one TCP listener
//!    on the spec's port forwarding to the `<expose>_target_group_arn`
//!    target group: TCP, the target port and type). Per consumer: the
//!    endpoint its `<connect>_endpoint_id` output names has the provider's
//!    service name.
//!
//! Scenarios CloudFormation cannot express (tag lookups, E040) are
//! Terraform-only: compared with the model alone, and listed in the log.
//!
//! Created NLBs have deletion protection on by default: nothing here
//! destroys a deployment (the emulator is stopped with everything in it,
//! and each wave's apply only adds modules), so it is left as generated.
//!
//! Emulator gaps worked around here, never in what is deployed:
//! - moto 5.2 has no `Fn::GetAtt <VPCEndpoint>.DnsEntries` (CreateStack
//!   fails with a 500): `tests/e2e/moto_launcher.py` adds the attribute
//!   before starting moto's server;
//! - moto writes tag values into its XML answers raw, so a control character
//!   (tests/cases/hostile-tags has U+0007) makes the body invalid XML and the
//!   AWS provider fails: the same launcher replaces such bytes with `?` in
//!   XML responses (requests, and so what is deployed, are unchanged);
//! - moto's CloudFormation has no `AWS::EC2::VPCEndpointService` nor
//!   `AWS::EC2::VPCEndpointServicePermissions` (skipped with a warning, the
//!   stack still completes): the launcher adds both on moto's own EC2
//!   backend calls;
//! - moto's CloudFormation `AWS::ElasticLoadBalancingV2::LoadBalancer`
//!   drops `Type` (a `network` one becomes an application load balancer):
//!   the launcher passes it on;
//! - moto gives every load balancer an `.../loadbalancer/app/...` ARN, where
//!   AWS gives an NLB `.../loadbalancer/net/...` (which the generated
//!   variable validation and Parameter pattern check): the launcher gives
//!   network load balancers the `net/` form;
//! - moto ignores `Tags` on `AWS::EC2::VPCEndpoint` in CloudFormation, and
//!   `DnsOptions` in both targets: tags and DNS options are not compared;
//! - moto reports `PrivateDnsEnabled = true` for gateway endpoints created
//!   through its EC2 API (it defaults the flag when absent) and leaves it out
//!   for ones created by CloudFormation; AWS has no private DNS on gateway
//!   endpoints, so the flag is compared for interface endpoints only;
//! - moto accepts an interface endpoint to any service name and marks every
//!   endpoint `available` (no pending acceptance): a connect's literal
//!   service name deploys as written, and acceptance is checked on the
//!   endpoint service's setting only;
//! - a VPC's CIDR is /16 to /28 on AWS (and moto): a spec whose `vpc.cidr`
//!   is wider (say 172.16.0.0/12) gets a VPC with the first /16 inside it.
//!
//! Centralized endpoints (a `[share]` hub built with its spokes,
//! `tests/cases/hub-*`) are not scenarios of this run (a hub or spoke found
//! among them fails it). `hub_hosted_zones_on_moto` deploys the hosted-zones
//! case on its own (`tests/e2e/hub_deploy.rs`): networks, the hub, then the
//! spokes with the hub's zone IDs, read back through Route 53 and EC2. Both
//! hub cases are also planned ([`NOT_EMULATED`]): moto 5.2.5 has no VPC
//! association authorizations (the launcher stubs them for the deployment,
//! so only the plan checks them), no Route 53 Profiles and no RAM principal
//! associations (`tests/e2e/share_plan.rs` checks those resources).
//!
//! Set `VPCEGEN_E2E_ONLY` to a comma-separated list of [`NOT_EMULATED`]
//! case folders (`tests/cases/hub-profile,tests/cases/fixed-ips`) to plan
//! only those in [`plan_what_the_emulator_lacks`]; unset, every one is.
//!
//! Set `VPCEGEN_E2E_KEEP=1` to keep the temp folder (it is always kept, and
//! printed, when the test fails).

use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use vpcegen::model::{InputKind, LoadBalancer, Model, SecurityGroups, ServiceName, Value};
use vpcegen::render::Target;
use vpcegen::spec::EndpointType;

/// Top-level specs under `specs/` that are allowed to fail `vpcegen::compile`
/// (they are left out then; one that compiles is tested like any other).
/// Anything else under `specs/` that does not compile fails this test.
const SKIP: &[(&str, &str)] = &[
    // Deliberately invalid: `tests/acceptance.rs` checks their diagnostics.
    ("specs/invalid/", "invalid on purpose"),
];

/// Scenarios that use what the emulator does not have: left out of the
/// deployment here, and checked by [`plan_what_the_emulator_lacks`]
/// instead (terraform fmt, validate and a plan with literal inputs, whose
/// resources are compared with what the spec asks; cfn-lint).
const NOT_EMULATED: &[(&str, &str)] = &[
    (
        "tests/cases/expose-notify/",
        "moto 5.2.5 has no VPC endpoint connection notifications (CreateVpcEndpointConnectionNotification)",
    ),
    (
        "tests/cases/fixed-ips/",
        "moto 5.2 does not read a VPC endpoint's SubnetConfigurations (fixed addresses; checked in moto 5.2.1): a deployment would not show them",
    ),
    (
        "tests/cases/dualstack/",
        "moto 5.2.5's EC2 reads no IpAddressType, DnsOptions.DnsRecordIpType or SupportedIpAddressTypes (checked in its source): a deployment would not show them",
    ),
    (
        "specs/analytics-dualstack/",
        "the README's example of the new kinds: moto 5.2.5's EC2 reads no IpAddressType, ServiceRegion or ResourceConfigurationArn, and treats a GatewayLoadBalancer endpoint as a gateway endpoint",
    ),
    (
        "tests/cases/cross-region-connect/",
        "two specs in two Regions (this suite deploys only single-spec cases); moto 5.2.5's EC2 reads no ServiceRegion",
    ),
    (
        "tests/cases/cross-region-service/",
        "moto 5.2.5's EC2 reads no ServiceRegion (checked in its source): a deployment would not show the endpoint's Region",
    ),
    (
        "tests/cases/ipv6-only/",
        "moto 5.2.5's EC2 reads no IpAddressType or DnsOptions.DnsRecordIpType (checked in its source): a deployment would not show them",
    ),
    (
        "tests/cases/lattice-resource/",
        "moto 5.2's EC2 ignores a VPC endpoint's ResourceConfigurationArn (and has no VPC Lattice resource configurations to reach)",
    ),
    (
        "tests/cases/lattice-service-network/",
        "moto 5.2's EC2 ignores a VPC endpoint's ServiceNetworkArn (and has no VPC Lattice service networks to reach)",
    ),
    (
        "tests/cases/gwlb-connect/",
        "moto 5.2 treats a GatewayLoadBalancer endpoint as a gateway endpoint (no subnet, no ENI): a deployment would not show the one subnet per endpoint (not tried on moto 5.2.5)",
    ),
    (
        "tests/cases/gwlb-connect-input-subnets/",
        "moto 5.2 treats a GatewayLoadBalancer endpoint as a gateway endpoint (no subnet, no ENI): a deployment would not show one endpoint per subnet of the input",
    ),
    (
        "tests/cases/gwlb-expose/",
        "moto 5.2 looks an endpoint service's load balancers up by ARN, and the scenario's literal Gateway Load Balancer ARN exists nowhere (moto's elbv2 does create `gateway` load balancers)",
    ),
    (
        "tests/cases/gwlb-two-specs/",
        "the suite creates Network Load Balancers for load balancer inputs, not the Gateway Load Balancer this provider needs, and moto 5.2 treats a GatewayLoadBalancer endpoint as a gateway endpoint",
    ),
    (
        "tests/cases/hub-hosted-zones/",
        "moto 5.2.5's Route 53 has no CreateVPCAssociationAuthorization (checked in its source), which the hub calls for the VPC of orders, a spoke in another account: the authorizations are checked in this plan; `hub_hosted_zones_on_moto` deploys the case with the launcher's stub of that call and checks the rest",
    ),
    (
        "tests/cases/hub-profile/",
        "moto 5.2.5 has no Route 53 Profiles (no route53profiles backend) and its RAM no AssociateResourceShare (principal associations; checked in its source)",
    ),
    (
        "tests/cases/hub-cfn-same-account/",
        "a hub and spokes built together (the suite deploys single specs; the hosted-zones path is deployed by `hub_hosted_zones_on_moto` on tests/cases/hub-hosted-zones), and a dual-stack endpoint, whose IpAddressType moto 5.2.5's EC2 does not read",
    ),
    (
        "tests/cases/hub-spoke-warnings/",
        "a hub and a spoke built together, the spoke's VPC given as inputs (the suite deploys single specs; the hosted-zones path is deployed by `hub_hosted_zones_on_moto` on tests/cases/hub-hosted-zones)",
    ),
    (
        "specs/org-hub/",
        "the README's organisation: a Route 53 Profile, which moto 5.2.5 lacks (no route53profiles backend), shared through RAM principal associations (no AssociateResourceShare)",
    ),
];

const DEFAULT_REGION: &str = "us-east-1";
/// The moto account the CloudFormation side (its networks and stacks) lives
/// in; the Terraform side uses moto's default account. Names AWS wants
/// unique per account and Region (target groups, load balancers) then do
/// not clash between the two deployments of one spec.
const CFN_ACCOUNT: &str = "222222222222";
const PROVIDER_VERSION: &str = "5.100.0";
/// Every Terraform build here is written for the provider the mirror
/// holds: vpcegen's default is provider 6, which has no binary on this
/// machine (its output is checked against the provider 6 schema instead,
/// `tests/provider_schema.rs`).
const AWS_PROVIDER_ARGS: [&str; 2] = ["--aws-provider", "5"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------- tools

fn on_path(exe: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(exe))
        .find(|p| p.is_file())
}

fn mirror() -> PathBuf {
    std::env::var_os("VPCEGEN_TF_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"))
}

/// Every missing tool, in one message; never a skip.
fn check_tools() {
    let mut missing = Vec::new();
    let runs = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if on_path("terraform").is_none() || !runs("terraform", &["version"]) {
        missing.push("`terraform` is not on PATH (or does not run)".to_string());
    }
    let provider = mirror().join(format!(
        "registry.terraform.io/hashicorp/aws/{PROVIDER_VERSION}"
    ));
    if !provider.is_dir() {
        missing.push(format!(
            "the hashicorp/aws {PROVIDER_VERSION} provider mirror is missing: no {} (set VPCEGEN_TF_MIRROR to the mirror's root)",
            provider.display()
        ));
    }
    if on_path("cfn-lint").is_none() || !runs("cfn-lint", &["--version"]) {
        missing.push("`cfn-lint` is not on PATH".to_string());
    }
    if on_path("moto_server").is_none() {
        missing.push("`moto_server` is not on PATH".to_string());
    }
    if !runs("python3", &["-c", "import boto3, moto.server"]) {
        missing.push("python3 cannot import boto3 and moto.server".to_string());
    }
    if !missing.is_empty() {
        panic!(
            "the e2e test needs tools that are missing:\n  - {}\nrun `bash scripts/test`: it installs the Python ones into .venv and puts .venv/bin first on PATH",
            missing.join("\n  - ")
        );
    }
}

// ---------------------------------------------------------------- guards

/// The temp folder: removed on success, kept (and printed) on failure.
struct Scratch {
    dir: Option<tempfile::TempDir>,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("vpcegen-e2e-")
            .tempdir()
            .expect("a temp folder");
        Scratch { dir: Some(dir) }
    }
    fn path(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let keep = std::thread::panicking() || std::env::var_os("VPCEGEN_E2E_KEEP").is_some();
        if let Some(d) = self.dir.take() {
            if keep {
                eprintln!("e2e: kept {}", d.keep().display());
            }
        }
    }
}

include!("support/moto.rs");

// ---------------------------------------------------------------- running

fn show(o: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn run(cmd: &mut Command, what: &str) -> Output {
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    if !o.status.success() {
        panic!("{what} failed: {}", show(&o));
    }
    o
}

/// `terraform fmt -check -recursive`: generated Terraform is formatted.
fn fmt_check(dir: &Path) {
    let o = Command::new("terraform")
        .args(["fmt", "-check", "-recursive", "-diff", "-no-color"])
        .arg(dir)
        .output()
        .expect("run terraform fmt");
    assert!(
        o.status.success(),
        "terraform fmt -check -recursive: generated Terraform is not formatted: {}",
        show(&o)
    );
}

fn vpcegen(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vpcegen"));
    c.args(args).current_dir(root());
    c
}

struct Terraform {
    dir: PathBuf,
    cli_config: PathBuf,
}

impl Terraform {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("terraform");
        c.arg(format!("-chdir={}", self.dir.display()))
            .args(args)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_PLUGIN_CACHE_DIR")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN");
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        run(
            &mut self.cmd(args),
            &format!("terraform {}", args.join(" ")),
        )
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

include!("support/files.rs");
include!("e2e/share_plan.rs");
include!("e2e/hub_deploy.rs");

// ---------------------------------------------------------------- scenarios

struct Scenario {
    /// `specs-eks-private-spec`, `case-gateway-only`: folder and stack names.
    id: String,
    /// The same, as a Terraform identifier.
    ident: String,
    /// Relative to the crate root, as a user types it.
    spec: PathBuf,
    model: Model,
    /// False when CloudFormation cannot express the spec (E040).
    cfn: bool,
    region: String,
    /// The CIDR of the VPCs created for it.
    cidr: String,
    subnets: usize,
    route_tables: usize,
    security_groups: usize,
    /// Literal IDs in the spec that need swapping for emulator IDs.
    literal: bool,
    /// Inputs naming an existing NLB (an `expose`'s `{ input = ... }`): the
    /// harness creates one per input and target in the network phase.
    lb_inputs: Vec<String>,
    /// Service-name inputs of connects that are not references: the
    /// harness creates an endpoint service per input and target for them.
    plain_services: Vec<String>,
    /// Connects to another scenario's expose.
    refs: Vec<RefInput>,
    /// 0 for specs that reference no other; else one more than the
    /// highest wave among their providers. Deployed in that order.
    wave: usize,
}

/// A connect's `{ spec, expose }`, resolved to the providing scenario.
#[derive(Clone, Debug)]
struct RefInput {
    /// The consumer's input (`service_b_service_name`).
    input: String,
    /// Index of the providing scenario.
    provider: usize,
    /// The expose's identifier (`service_b`): its outputs are
    /// `<expose>_service_name` and so on.
    expose: String,
}

impl Scenario {
    fn net(&self, target: Tgt) -> String {
        format!("{}_{}", self.ident, target.short())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tgt {
    Tf,
    Cfn,
}

impl Tgt {
    fn short(self) -> &'static str {
        match self {
            Tgt::Tf => "tf",
            Tgt::Cfn => "cfn",
        }
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut all = Vec::new();
    files_under(dir, &mut all);
    out.extend(
        all.into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml")),
    );
}

fn read_toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(root().join(path))
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()))
}

fn extends_of(path: &Path, t: &toml::Table) -> Vec<PathBuf> {
    let dir = path.parent().unwrap();
    t.get("extends")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .map(|s| normalize(&dir.join(s)))
                .collect()
        })
        .unwrap_or_default()
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Every scenario, with its model; panics on a spec that should compile
/// and does not.
fn discover() -> (Vec<Scenario>, Vec<String>) {
    let mut notes = Vec::new();
    let mut candidates: Vec<PathBuf> = Vec::new();

    // specs/**: top-level specs only.
    let mut under_specs = Vec::new();
    toml_files(&root().join("specs"), &mut under_specs);
    let under_specs: Vec<PathBuf> = under_specs
        .iter()
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    let mut extended = BTreeSet::new();
    for p in &under_specs {
        extended.extend(extends_of(p, &read_toml(p)));
    }
    for p in &under_specs {
        let is_abstract = read_toml(p).get("abstract") == Some(&toml::Value::Boolean(true));
        if extended.contains(p) || is_abstract {
            notes.push(format!(
                "{}: a baseline other specs extend, not a scenario",
                p.display()
            ));
        } else if let Some((_, why)) = NOT_EMULATED
            .iter()
            .find(|(prefix, _)| p.to_string_lossy().replace('\\', "/").starts_with(prefix))
        {
            notes.push(format!(
                "{}: not deployed ({why}); planned instead",
                p.display()
            ));
        } else {
            candidates.push(p.clone());
        }
    }

    // tests/cases/*/spec.toml
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cases"))
        .expect("tests/cases exists")
        .map(|e| e.unwrap().path().join("spec.toml"))
        .filter(|p| p.is_file())
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    cases.sort();
    for case in cases {
        let shown = case.to_string_lossy().replace('\\', "/");
        match NOT_EMULATED
            .iter()
            .find(|(prefix, _)| shown.starts_with(prefix))
        {
            Some((_, why)) => notes.push(format!("{shown}: not deployed ({why}); planned instead")),
            None => candidates.push(case),
        }
    }

    let mut scenarios = Vec::new();
    let mut failures = Vec::new();
    // A spec another one's `connect` references is a scenario too (it is
    // deployed first, as the provider), whether or not it is found above.
    let mut queue: std::collections::VecDeque<PathBuf> = candidates.into();
    let mut seen: BTreeSet<PathBuf> = queue.iter().map(|p| identity(p)).collect();
    while let Some(spec) = queue.pop_front() {
        let shown = spec.to_string_lossy().replace('\\', "/");
        let compiled =
            vpcegen::compile(std::slice::from_ref(&spec), Some(Target::Terraform), false);
        if !compiled.ok() {
            let text = compiled.diagnostics.render(&compiled.sources, false);
            match SKIP.iter().find(|(prefix, _)| shown.starts_with(prefix)) {
                Some((_, why)) => {
                    notes.push(format!("{shown}: skipped ({why}), it does not compile"));
                    continue;
                }
                None => {
                    failures.push(format!("{shown} does not compile for Terraform:\n{text}"));
                    continue;
                }
            }
        }
        if let Some((_, why)) = SKIP.iter().find(|(prefix, _)| shown.starts_with(prefix)) {
            notes.push(format!(
                "{shown}: on the skip list ({why}) but compiles now, so it is tested; take it off the list"
            ));
        }
        let mut models = compiled.models().unwrap();
        assert_eq!(models.len(), 1, "{shown}: one spec gives one model");
        let model = models.remove(0);
        if let Some(why) = shares(&model) {
            panic!("{shown}: {why}");
        }
        for c in &model.connects {
            if let Some(r) = &c.reference {
                let p = normalize(&r.path);
                let p = p.strip_prefix(root()).map(Path::to_path_buf).unwrap_or(p);
                if seen.insert(identity(&p)) {
                    notes.push(format!(
                        "{}: a scenario, as the provider {shown} connects to",
                        p.display()
                    ));
                    queue.push_back(p);
                }
            }
        }

        let cfn_compiled = vpcegen::compile(
            std::slice::from_ref(&spec),
            Some(Target::Cloudformation),
            false,
        );
        let cfn = cfn_compiled.ok();
        if !cfn {
            // Only what CloudFormation has no way to say may stop it: tag
            // lookups (E040), the AZs a service serves (E074).
            let codes = error_codes(&cfn_compiled);
            if codes.iter().any(|c| !TERRAFORM_ONLY.contains(c)) {
                failures.push(format!(
                    "{shown} compiles for Terraform but not for CloudFormation, and not only for what CloudFormation cannot express ({}):\n{}",
                    TERRAFORM_ONLY.join(", "),
                    cfn_compiled.diagnostics.render(&cfn_compiled.sources, false)
                ));
                continue;
            }
            notes.push(format!(
                "{shown}: Terraform only ({})",
                codes.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }

        let id = slug(
            &shown
                .trim_end_matches(".toml")
                .trim_end_matches("/spec")
                .replace("tests/cases/", "case-"),
        );
        let ident = id.replace('-', "_");
        let region = model
            .region
            .clone()
            .unwrap_or_else(|| DEFAULT_REGION.into());
        let index = scenarios.len();
        let cidr = match &model.vpc_cidr {
            Some(Value::Literal(c)) => vpc_cidr_within(c, &shown),
            _ => format!("10.{}.0.0/16", index + 1),
        };
        let subnets = match &model.subnets {
            Some(Value::LiteralList(xs)) => xs.len(),
            _ => 3,
        };
        let route_tables = match &model.route_tables {
            Some(Value::LiteralList(xs)) => xs.len(),
            _ => 2,
        };
        let security_groups = match &model.security_groups {
            Some(SecurityGroups::Existing(Value::LiteralList(xs))) => xs.len(),
            Some(SecurityGroups::Existing(_)) => 2,
            _ => 0,
        };
        let literal = !literal_ids(&model).is_empty();
        let reference_inputs: BTreeSet<&str> = model
            .connects
            .iter()
            .filter(|c| c.reference.is_some())
            .filter_map(|c| match &c.service_name {
                ServiceName::Input(i) => Some(i.as_str()),
                _ => None,
            })
            .collect();
        let lb_inputs = model
            .inputs
            .iter()
            .filter(|i| i.kind == InputKind::LoadBalancerArn)
            .map(|i| i.name.clone())
            .collect();
        let plain_services = model
            .inputs
            .iter()
            .filter(|i| {
                i.kind == InputKind::ServiceName && !reference_inputs.contains(i.name.as_str())
            })
            .map(|i| i.name.clone())
            .collect();
        scenarios.push(Scenario {
            id,
            ident,
            spec,
            model,
            cfn,
            region,
            cidr,
            subnets,
            route_tables,
            security_groups,
            literal,
            lb_inputs,
            plain_services,
            refs: Vec::new(),
            wave: 0,
        });
    }
    if !failures.is_empty() {
        panic!(
            "scenarios that must compile do not (add a spec under specs/ that is meant to fail to SKIP in tests/e2e.rs, with a comment):\n\n{}",
            failures.join("\n\n")
        );
    }
    assert!(
        index_unique(&scenarios),
        "two scenarios map to one id: {:?}",
        scenarios.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    resolve_references(&mut scenarios);
    (scenarios, notes)
}

fn identity(p: &Path) -> PathBuf {
    let full = root().join(p);
    std::fs::canonicalize(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Each connect's `{ spec, expose }` → the scenario that provides it, and
/// the waves: a consumer deploys after its providers.
fn resolve_references(scenarios: &mut [Scenario]) {
    let by_file: BTreeMap<PathBuf, usize> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| (identity(&s.spec), i))
        .collect();
    for i in 0..scenarios.len() {
        let mut refs = Vec::new();
        for c in &scenarios[i].model.connects {
            let (Some(r), ServiceName::Input(input)) = (&c.reference, &c.service_name) else {
                continue;
            };
            let provider = *by_file.get(&identity(&r.path)).unwrap_or_else(|| {
                panic!(
                    "{}: `connect.{}` references {}, which is not a scenario of this test (a top-level spec under specs/ or a tests/cases/*/spec.toml)",
                    scenarios[i].spec.display(),
                    c.key.name(),
                    r.path.display()
                )
            });
            let x = scenarios[provider]
                .model
                .exposes
                .iter()
                .find(|x| x.key == r.expose.value)
                .expect("references are checked by compile");
            refs.push(RefInput {
                input: input.clone(),
                provider,
                expose: x.ident.clone(),
            });
        }
        scenarios[i].refs = refs;
    }
    for round in 0..=scenarios.len() {
        let mut changed = false;
        for i in 0..scenarios.len() {
            let w = scenarios[i]
                .refs
                .iter()
                .map(|r| scenarios[r.provider].wave + 1)
                .max()
                .unwrap_or(0);
            if w != scenarios[i].wave {
                scenarios[i].wave = w;
                changed = true;
            }
        }
        if !changed {
            return;
        }
        assert!(
            round < scenarios.len(),
            "connect references form a cycle: {:?}",
            scenarios
                .iter()
                .filter(|s| !s.refs.is_empty())
                .map(|s| &s.spec)
                .collect::<Vec<_>>()
        );
    }
}

fn index_unique(s: &[Scenario]) -> bool {
    s.iter().map(|s| &s.id).collect::<BTreeSet<_>>().len() == s.len()
}

/// A VPC CIDR for the spec's literal `vpc.cidr`: itself when AWS accepts it
/// as a VPC block (/16 to /28), else the first /16 inside it.
fn vpc_cidr_within(c: &str, shown: &str) -> String {
    let net: ipnet::Ipv4Net = c
        .parse()
        .unwrap_or_else(|e| panic!("{shown}: vpc.cidr `{c}` is not an IPv4 CIDR: {e}"));
    let net = net.trunc();
    if net.prefix_len() < 16 {
        ipnet::Ipv4Net::new(net.network(), 16).unwrap().to_string()
    } else {
        assert!(
            net.prefix_len() <= 24,
            "{shown}: vpc.cidr `{c}` is too small for test subnets"
        );
        net.to_string()
    }
}

/// The literal network IDs the model uses, by kind, in spec order.
fn literal_ids(m: &Model) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Value::Literal(v) = &m.vpc_id {
        out.push(("vpc", v.clone()));
    }
    if let Some(Value::LiteralList(xs)) = &m.subnets {
        out.extend(xs.iter().map(|x| ("subnet", x.clone())));
    }
    if let Some(Value::LiteralList(xs)) = &m.route_tables {
        out.extend(xs.iter().map(|x| ("rtb", x.clone())));
    }
    if let Some(SecurityGroups::Existing(Value::LiteralList(xs))) = &m.security_groups {
        out.extend(xs.iter().map(|x| ("sg", x.clone())));
    }
    for x in &m.exposes {
        if let LoadBalancer::Existing(Value::Literal(arn)) = &x.load_balancer {
            out.push(("nlb", arn.clone()));
        }
    }
    out
}

// ---------------------------------------------------------------- network

/// What the network-only apply created for one scenario and target.
#[derive(Debug, Clone)]
struct Network {
    vpc_id: String,
    cidr: String,
    subnet_ids: Vec<String>,
    route_table_ids: Vec<String>,
    security_group_ids: Vec<String>,
    /// The harness's NLB per `LoadBalancerArn` input.
    lb_arns: BTreeMap<String, String>,
    /// The harness's NLB per literal NLB ARN, in spec order.
    lb_literal_arns: Vec<String>,
    /// The harness's endpoint service per plain service-name input.
    service_names: BTreeMap<String, String>,
}

fn region_alias(region: &str) -> String {
    region.replace('-', "_")
}

/// The provider alias of a Region and target (the CloudFormation side has
/// its own account).
fn provider_alias(region: &str, t: Tgt) -> String {
    match t {
        Tgt::Tf => region_alias(region),
        Tgt::Cfn => format!("{}_cfn", region_alias(region)),
    }
}

/// A load balancer name (at most 32 characters) for a harness NLB.
fn harness_lb_name(net: &str, input: &str, what: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in format!("{net}\0{input}\0{what}").bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("e2e-{what}-{:012x}", h & 0xffff_ffff_ffff)
}

/// `"${...}"` in Terraform's JSON syntax.
fn tf_ref(r: &str) -> Json {
    Json::String(format!("${{{r}}}"))
}

/// A literal string in Terraform's JSON syntax (where `${` and `%{` start
/// templates).
fn tf_str(s: &str) -> Json {
    Json::String(s.replace("${", "$${").replace("%{", "%%{"))
}

/// Tags that make a tag lookup match: resource `i` gets, for each key, the
/// `i`-th accepted value (round robin), so "any of" is exercised.
fn matching_tags(lookup: &[(String, Vec<String>)], i: usize) -> Vec<(String, String)> {
    lookup
        .iter()
        .map(|(k, vs)| (k.clone(), vs[i % vs.len()].clone()))
        .collect()
}

/// Tags that make the lookup miss: every key but the last matches.
fn decoy_tags(lookup: &[(String, Vec<String>)]) -> Vec<(String, String)> {
    let mut tags = matching_tags(lookup, 0);
    if let Some(last) = tags.last_mut() {
        last.1 = format!("e2e-decoy-not-{}", last.1);
    }
    tags
}

fn tag_map(name: &str, extra: &[(String, String)]) -> Json {
    let mut m = serde_json::Map::new();
    m.insert("Name".into(), tf_str(name));
    for (k, v) in extra {
        m.insert(k.clone(), tf_str(v));
    }
    Json::Object(m)
}

fn lookup_of(v: Option<&Value>) -> Option<&[(String, Vec<String>)]> {
    match v {
        Some(Value::Lookup(tags)) => Some(tags),
        _ => None,
    }
}

fn lookup_matches(lookup: &[(String, Vec<String>)], tags: &BTreeMap<String, String>) -> bool {
    lookup
        .iter()
        .all(|(k, vs)| tags.get(k).is_some_and(|t| vs.contains(t)))
}

struct Root {
    resources: BTreeMap<String, serde_json::Map<String, Json>>,
    modules: serde_json::Map<String, Json>,
    /// Each module's wave.
    waves: BTreeMap<String, usize>,
    networks: serde_json::Map<String, Json>,
    regions: BTreeSet<String>,
}

impl Root {
    fn resource(&mut self, kind: &str, name: &str, body: Json) {
        self.resources
            .entry(kind.into())
            .or_default()
            .insert(name.into(), body);
    }

    /// VPC, subnets (distinct AZs), route tables and security groups for one
    /// scenario and target; lookup tags on the Terraform side only.
    fn network(&mut self, s: &Scenario, t: Tgt) -> BTreeMap<String, String> {
        let net = s.net(t);
        let provider = format!("aws.{}", provider_alias(&s.region, t));
        let azs = format!(
            "data.aws_availability_zones.{}.names",
            region_alias(&s.region)
        );
        let lookups = t == Tgt::Tf;
        let name = format!("e2e-{}-{}", s.id, t.short());
        self.regions.insert(s.region.clone());

        let vpc_lookup = lookups.then(|| lookup_of(Some(&s.model.vpc_id))).flatten();
        let vpc_extra = vpc_lookup.map(|l| matching_tags(l, 0)).unwrap_or_default();
        let mut vpc_tags: BTreeMap<String, String> = vpc_extra.iter().cloned().collect();
        vpc_tags
            .entry("Name".into())
            .or_insert_with(|| name.clone());
        let vpc_name = vpc_tags["Name"].clone();
        self.resource(
            "aws_vpc",
            &net,
            json!({
                "provider": provider,
                "cidr_block": s.cidr,
                "enable_dns_support": true,
                "enable_dns_hostnames": true,
                "tags": tag_map(&vpc_name, &vpc_extra),
            }),
        );
        let vpc_id = format!("aws_vpc.{net}.id");

        let block: ipnet::Ipv4Net = s.cidr.parse().unwrap();
        let new_prefix = (block.prefix_len() + 8).min(28);
        let mut blocks = block.subnets(new_prefix).unwrap();
        let subnet_lookup = lookups
            .then(|| lookup_of(s.model.subnets.as_ref()))
            .flatten();
        let mut subnet_refs = Vec::new();
        for i in 0..s.subnets {
            let extra = subnet_lookup
                .map(|l| matching_tags(l, i))
                .unwrap_or_default();
            let id = format!("{net}_{i}");
            self.resource(
                "aws_subnet",
                &id,
                json!({
                    "provider": provider,
                    "vpc_id": tf_ref(&vpc_id),
                    "cidr_block": blocks.next().unwrap().to_string(),
                    "availability_zone": tf_ref(&format!("{azs}[{i}]")),
                    "tags": tag_map(&format!("{name}-subnet-{i}"), &extra),
                }),
            );
            subnet_refs.push(tf_ref(&format!("aws_subnet.{id}.id")));
        }
        if let Some(l) = subnet_lookup {
            self.resource(
                "aws_subnet",
                &format!("{net}_decoy"),
                json!({
                    "provider": provider,
                    "vpc_id": tf_ref(&vpc_id),
                    "cidr_block": blocks.next().unwrap().to_string(),
                    "availability_zone": tf_ref(&format!("{azs}[0]")),
                    "tags": tag_map(&format!("{name}-subnet-decoy"), &decoy_tags(l)),
                }),
            );
        }

        let rt_lookup = lookups
            .then(|| lookup_of(s.model.route_tables.as_ref()))
            .flatten();
        let mut rt_refs = Vec::new();
        for i in 0..s.route_tables {
            let extra = rt_lookup.map(|l| matching_tags(l, i)).unwrap_or_default();
            let id = format!("{net}_{i}");
            self.resource(
                "aws_route_table",
                &id,
                json!({
                    "provider": provider,
                    "vpc_id": tf_ref(&vpc_id),
                    "tags": tag_map(&format!("{name}-rtb-{i}"), &extra),
                }),
            );
            rt_refs.push(tf_ref(&format!("aws_route_table.{id}.id")));
        }
        if let Some(l) = rt_lookup {
            self.resource(
                "aws_route_table",
                &format!("{net}_decoy"),
                json!({
                    "provider": provider,
                    "vpc_id": tf_ref(&vpc_id),
                    "tags": tag_map(&format!("{name}-rtb-decoy"), &decoy_tags(l)),
                }),
            );
        }

        let mut sg_refs = Vec::new();
        for i in 0..s.security_groups {
            let id = format!("{net}_{i}");
            self.resource(
                "aws_security_group",
                &id,
                json!({
                    "provider": provider,
                    "name": format!("{name}-sg-{i}"),
                    "description": "existing group for the e2e test",
                    "vpc_id": tf_ref(&vpc_id),
                }),
            );
            sg_refs.push(tf_ref(&format!("aws_security_group.{id}.id")));
        }

        // An internal NLB per existing-NLB input; an endpoint service (on
        // an NLB of its own) per plain service-name input.
        let mut lb_arns = serde_json::Map::new();
        for input in &s.lb_inputs {
            let id = format!("{net}_{input}");
            self.resource(
                "aws_lb",
                &id,
                json!({
                    "provider": provider,
                    "name": harness_lb_name(&net, input, "nlb"),
                    "internal": true,
                    "load_balancer_type": "network",
                    "subnets": subnet_refs,
                }),
            );
            lb_arns.insert(input.clone(), tf_ref(&format!("aws_lb.{id}.arn")));
        }
        let mut lb_literal_arns = Vec::new();
        let literal_nlbs = literal_ids(&s.model)
            .into_iter()
            .filter(|(k, _)| *k == "nlb")
            .count();
        for i in 0..literal_nlbs {
            let id = format!("{net}_lit_{i}");
            self.resource(
                "aws_lb",
                &id,
                json!({
                    "provider": provider,
                    "name": harness_lb_name(&net, &i.to_string(), "lit"),
                    "internal": true,
                    "load_balancer_type": "network",
                    "subnets": subnet_refs,
                }),
            );
            lb_literal_arns.push(tf_ref(&format!("aws_lb.{id}.arn")));
        }
        let mut service_names = serde_json::Map::new();
        for input in &s.plain_services {
            let id = format!("{net}_svc_{input}");
            self.resource(
                "aws_lb",
                &id,
                json!({
                    "provider": provider,
                    "name": harness_lb_name(&net, input, "svc"),
                    "internal": true,
                    "load_balancer_type": "network",
                    "subnets": subnet_refs,
                }),
            );
            self.resource(
                "aws_vpc_endpoint_service",
                &id,
                json!({
                    "provider": provider,
                    "acceptance_required": false,
                    "network_load_balancer_arns": [tf_ref(&format!("aws_lb.{id}.arn"))],
                }),
            );
            service_names.insert(
                input.clone(),
                tf_ref(&format!("aws_vpc_endpoint_service.{id}.service_name")),
            );
        }

        self.networks.insert(
            net.clone(),
            json!({
                "vpc_id": tf_ref(&vpc_id),
                "cidr": tf_ref(&format!("aws_vpc.{net}.cidr_block")),
                "subnet_ids": subnet_refs,
                "route_table_ids": rt_refs,
                "security_group_ids": sg_refs,
                "lb_arns": lb_arns,
                "lb_literal_arns": lb_literal_arns,
                "service_names": service_names,
            }),
        );
        vpc_tags
    }

    /// The scenario's module call, wired to its Terraform network.
    fn module(&mut self, s: &Scenario, source: &str) {
        let net = s.net(Tgt::Tf);
        let mut body = serde_json::Map::new();
        body.insert("source".into(), json!(source));
        body.insert(
            "count".into(),
            tf_ref(&format!("var.deploy_wave >= {} ? 1 : 0", s.wave)),
        );
        body.insert(
            "providers".into(),
            json!({ "aws": format!("aws.{}", region_alias(&s.region)) }),
        );
        // Data sources in the module (tag lookups, the VPC's CIDR) must read
        // the network after it exists.
        let mut deps = vec![format!("aws_vpc.{net}")];
        deps.extend((0..s.subnets).map(|i| format!("aws_subnet.{net}_{i}")));
        deps.extend((0..s.route_tables).map(|i| format!("aws_route_table.{net}_{i}")));
        body.insert("depends_on".into(), json!(deps));
        for input in &s.model.inputs {
            let v = match input.kind {
                InputKind::VpcId => tf_ref(&format!("aws_vpc.{net}.id")),
                InputKind::VpcCidr => tf_ref(&format!("aws_vpc.{net}.cidr_block")),
                // Only security group rules read it: any IPv6 block will do.
                InputKind::VpcIpv6Cidr => json!(E2E_IPV6_CIDR),
                InputKind::SubnetIds => json!(
                    (0..s.subnets)
                        .map(|i| tf_ref(&format!("aws_subnet.{net}_{i}.id")))
                        .collect::<Vec<_>>()
                ),
                InputKind::RouteTableIds => json!(
                    (0..s.route_tables)
                        .map(|i| tf_ref(&format!("aws_route_table.{net}_{i}.id")))
                        .collect::<Vec<_>>()
                ),
                InputKind::SecurityGroupIds => json!(
                    (0..s.security_groups)
                        .map(|i| tf_ref(&format!("aws_security_group.{net}_{i}.id")))
                        .collect::<Vec<_>>()
                ),
                InputKind::LoadBalancerArn | InputKind::GatewayLoadBalancerArn => {
                    tf_ref(&format!("aws_lb.{net}_{}.arn", input.name))
                }
                InputKind::ResourceConfigurationArn | InputKind::ServiceNetworkArn => {
                    lattice_arn(input.kind)
                }
                InputKind::HostedZoneId | InputKind::ProfileId => no_hub_output(s, &input.name),
                // A reference: the provider's output, read by the test
                // after the provider's wave and passed with `-var`.
                InputKind::ServiceName if s.refs.iter().any(|r| r.input == input.name) => tf_ref(
                    &format!("var.service_names[\"{}\"]", service_key(s, &input.name)),
                ),
                InputKind::ServiceName => tf_ref(&format!(
                    "aws_vpc_endpoint_service.{net}_svc_{}.service_name",
                    input.name
                )),
            };
            body.insert(input.name.clone(), v);
        }
        self.modules.insert(s.ident.clone(), Json::Object(body));
        self.waves.insert(s.ident.clone(), s.wave);
    }

    fn to_json(&self, moto: &str) -> Json {
        let providers: Vec<Json> = self
            .regions
            .iter()
            .flat_map(|r| [(r, Tgt::Tf), (r, Tgt::Cfn)])
            .map(|(r, t)| {
                let mut p = json!({
                    "alias": provider_alias(r, t),
                    "region": r,
                    "access_key": "test",
                    "secret_key": "test",
                    "skip_credentials_validation": true,
                    "skip_metadata_api_check": true,
                    "skip_requesting_account_id": true,
                    "skip_region_validation": true,
                    "s3_use_path_style": true,
                    "endpoints": {
                        "ec2": moto,
                        "elbv2": moto,
                        "sts": moto,
                        "iam": moto,
                        "cloudformation": moto,
                    },
                });
                if t == Tgt::Cfn {
                    // moto: assuming a role in another account switches to it.
                    p["assume_role"] = json!({
                        "role_arn": format!("arn:aws:iam::{CFN_ACCOUNT}:role/e2e-cloudformation"),
                        "session_name": "e2e",
                    });
                }
                p
            })
            .collect();
        let azs: serde_json::Map<String, Json> = self
            .regions
            .iter()
            .map(|r| {
                (
                    region_alias(r),
                    json!({ "provider": format!("aws.{}", region_alias(r)), "state": "available" }),
                )
            })
            .collect();
        // One output per wave: a targeted apply (waves after the first)
        // updates only outputs that depend on nothing but its targets.
        let mut outputs = serde_json::Map::new();
        outputs.insert("networks".into(), json!({ "value": self.networks }));
        for (k, w) in &self.waves {
            let o = outputs
                .entry(format!("modules_wave_{w}"))
                .or_insert_with(|| json!({ "value": {} }));
            o["value"][k] = tf_ref(&format!("module.{k}"));
        }
        json!({
            "terraform": {
                "required_providers": {
                    "aws": { "source": "hashicorp/aws", "version": PROVIDER_VERSION }
                }
            },
            "variable": {
                "deploy_wave": {
                    "type": "number",
                    "default": -1,
                    "description": "-1: the network only (first apply); n: the network and the modules of waves 0 to n",
                },
                "service_names": {
                    "type": "map(string)",
                    "default": {},
                    "description": "`<consumer>/<input>` → the provider's service name, from its module's outputs",
                },
            },
            "provider": { "aws": providers },
            "data": { "aws_availability_zones": azs },
            "resource": self.resources,
            "module": self.modules,
            "output": outputs,
        })
    }
}

fn str_map(v: &Json) -> BTreeMap<String, String> {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The key of a consumer's reference input in `var.service_names`.
fn service_key(s: &Scenario, input: &str) -> String {
    format!("{}/{input}", s.ident)
}

/// Every module's outputs, by scenario ident (`null` for one not deployed),
/// from the root's `modules_wave_<n>` outputs.
fn read_module_outputs(tf: &Terraform) -> BTreeMap<String, Json> {
    let o = tf.run(&["output", "-json"]);
    let v: Json = serde_json::from_slice(&o.stdout).expect("terraform output -json is JSON");
    let mut out = BTreeMap::new();
    for (name, o) in v.as_object().expect("outputs are an object") {
        if !name.starts_with("modules_wave_") {
            continue;
        }
        for (k, list) in o["value"].as_object().expect("a map of modules") {
            out.insert(k.clone(), list.get(0).cloned().unwrap_or(Json::Null));
        }
    }
    out
}

fn read_networks(tf: &Terraform) -> BTreeMap<String, Network> {
    let o = tf.run(&["output", "-json", "networks"]);
    let v: Json = serde_json::from_slice(&o.stdout).expect("terraform output -json is JSON");
    let strs = |v: &Json| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    v.as_object()
        .expect("networks is an object")
        .iter()
        .map(|(k, n)| {
            (
                k.clone(),
                Network {
                    vpc_id: n["vpc_id"].as_str().unwrap().into(),
                    cidr: n["cidr"].as_str().unwrap().into(),
                    subnet_ids: strs(&n["subnet_ids"]),
                    route_table_ids: strs(&n["route_table_ids"]),
                    security_group_ids: strs(&n["security_group_ids"]),
                    lb_arns: str_map(&n["lb_arns"]),
                    lb_literal_arns: strs(&n["lb_literal_arns"]),
                    service_names: str_map(&n["service_names"]),
                },
            )
        })
        .collect()
}

// ---------------------------------------------------------------- literal IDs

/// The spec and every file it references (`extends`, recursively, and
/// policy files), relative to the crate root.
fn referenced_files(spec: &Path, out: &mut Vec<PathBuf>) {
    if out.contains(&spec.to_path_buf()) {
        return;
    }
    out.push(spec.to_path_buf());
    let t = read_toml(spec);
    let dir = spec.parent().unwrap();
    let mut policies = Vec::new();
    if let Some(p) = t
        .get("reach")
        .and_then(|r| r.get("policy"))
        .and_then(|p| p.as_str())
    {
        policies.push(p.to_string());
    }
    if let Some(services) = t.get("service").and_then(|s| s.as_table()) {
        for s in services.values() {
            if let Some(p) = s.get("policy").and_then(|p| p.as_str()) {
                policies.push(p.to_string());
            }
        }
    }
    for p in policies {
        let full = normalize(&dir.join(p));
        if !out.contains(&full) {
            out.push(full);
        }
    }
    for e in extends_of(spec, &t) {
        referenced_files(&e, out);
    }
    // Specs a `connect` references (`service_name = { spec = ".." }`).
    if let Some(connects) = t.get("connect").and_then(|c| c.as_table()) {
        for c in connects.values() {
            if let Some(p) = c
                .get("service_name")
                .and_then(|n| n.get("spec"))
                .and_then(|p| p.as_str())
            {
                referenced_files(&normalize(&dir.join(p)), out);
            }
        }
    }
}

fn common_dir(paths: &[PathBuf]) -> PathBuf {
    let mut base = paths[0].parent().unwrap().to_path_buf();
    while !paths.iter().all(|p| p.starts_with(&base)) {
        assert!(base.pop(), "no common folder for {paths:?}");
    }
    base
}

/// Copies the spec and what it references under `dest`, keeping the
/// layout, with each literal ID swapped for the network's; returns the
/// copied spec's path.
fn rewrite_literal_spec(spec: &Path, model: &Model, net: &Network, dest: &Path) -> PathBuf {
    let mut swaps: Vec<(String, String)> = Vec::new();
    let mut next = BTreeMap::<&str, usize>::new();
    for (kind, old) in literal_ids(model) {
        let i = next.entry(kind).or_default();
        let pool = match kind {
            "vpc" => std::slice::from_ref(&net.vpc_id),
            "subnet" => &net.subnet_ids[..],
            "rtb" => &net.route_table_ids[..],
            "sg" => &net.security_group_ids[..],
            "nlb" => &net.lb_literal_arns[..],
            _ => unreachable!(),
        };
        swaps.push((old, pool[*i].clone()));
        *i += 1;
    }
    let mut files = Vec::new();
    referenced_files(spec, &mut files);
    let base = common_dir(&files);
    let mut found: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &files {
        let target = dest.join(f.strip_prefix(&base).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        if f.extension().is_some_and(|e| e == "toml") {
            let mut text = std::fs::read_to_string(root().join(f)).unwrap();
            for (old, new) in &swaps {
                for q in ['"', '\''] {
                    let from = format!("{q}{old}{q}");
                    let n = text.matches(&from).count();
                    if n > 0 {
                        *found.entry(old.as_str()).or_default() += n;
                        text = text.replace(&from, &format!("{q}{new}{q}"));
                    }
                }
            }
            std::fs::write(&target, text).unwrap();
        } else {
            std::fs::copy(root().join(f), &target).unwrap();
        }
    }
    for (old, _) in &swaps {
        assert!(
            found.contains_key(old.as_str()),
            "{}: the literal ID `{old}` is in the model but was not found quoted in {files:?}",
            spec.display()
        );
    }
    dest.join(spec.strip_prefix(&base).unwrap())
}

// ---------------------------------------------------------------- comparing

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Ep {
    service: String,
    kind: String,
    /// Interface endpoints only (see the module docs).
    private_dns: Option<bool>,
}

impl std::fmt::Display for Ep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.private_dns {
            Some(d) => write!(f, "{} {} private_dns={d}", self.kind, self.service),
            None => write!(f, "{} {}", self.kind, self.service),
        }
    }
}

/// The model's endpoints, its connects included: a connect's service name
/// is its literal, or what the harness passed for its input (`names`).
fn expected(m: &Model, region: &str, names: &BTreeMap<String, String>) -> Vec<Ep> {
    let mut v: Vec<Ep> = m
        .endpoints
        .iter()
        .chain(&m.connects)
        .map(|e| Ep {
            service: match &e.service_name {
                ServiceName::Literal(n) => n.clone(),
                ServiceName::Regional(p) => p.replace("{region}", region),
                ServiceName::Input(i) => names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("(no value for input {i})")),
            },
            kind: match e.kind {
                EndpointType::Gateway => "Gateway".into(),
                EndpointType::Interface => "Interface".into(),
            },
            private_dns: match e.kind {
                EndpointType::Gateway => None,
                EndpointType::Interface => Some(e.private_dns == Some(true)),
            },
        })
        .collect();
    v.sort();
    v
}

/// Service names that are per deployment (inputs) replaced by `${input}`,
/// so the two targets' endpoint sets compare.
fn relabel(eps: &[Ep], names: &BTreeMap<String, String>) -> Vec<Ep> {
    let mut v: Vec<Ep> = eps
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if let Some((input, _)) = names.iter().find(|(_, n)| **n == e.service) {
                e.service = format!("${{{input}}}");
            }
            e
        })
        .collect();
    v.sort();
    v
}

fn observed(found: &[Json]) -> Vec<Ep> {
    let mut v: Vec<Ep> = found
        .iter()
        .map(|e| {
            let kind = e["type"].as_str().unwrap_or("(none)").to_string();
            Ep {
                service: e["service_name"].as_str().unwrap().into(),
                private_dns: (kind == "Interface")
                    .then(|| e["private_dns"].as_bool().unwrap_or(false)),
                kind,
            }
        })
        .collect();
    v.sort();
    v
}

fn diff(label_a: &str, a: &[Ep], label_b: &str, b: &[Ep]) -> String {
    let mut out = String::new();
    for e in a.iter().filter(|e| !b.contains(e)) {
        out += &format!("\n      only in {label_a}: {e}");
    }
    for e in b.iter().filter(|e| !a.contains(e)) {
        out += &format!("\n      only in {label_b}: {e}");
    }
    if out.is_empty() {
        out = format!("\n      {label_a}: {a:?}\n      {label_b}: {b:?}");
    }
    out
}

/// Each endpoint sits in the scenario's network: its subnets (interface),
/// route tables (gateway) and, for existing groups, those groups. A
/// connect's endpoint (`connects`: its service name for this deployment →
/// the connect) has its own group instead, admitting exactly its ports
/// from the VPC CIDR (or the spec's CIDRs).
fn placement(
    s: &Scenario,
    net: &Network,
    found: &[Json],
    connects: &BTreeMap<String, &vpcegen::model::Endpoint>,
    problems: &mut Vec<String>,
    what: &str,
) {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let strs = |v: &Json| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    for e in found {
        let svc = e["service_name"].as_str().unwrap_or("?");
        let connect = connects.get(svc);
        match e["type"].as_str() {
            Some("Interface") => {
                if strs(&e["subnet_ids"]) != sorted(&net.subnet_ids) {
                    problems.push(format!(
                        "{}: {what} endpoint {svc} is in subnets {:?}, not the scenario's {:?}",
                        s.spec.display(),
                        strs(&e["subnet_ids"]),
                        sorted(&net.subnet_ids)
                    ));
                }
                if let Some(c) = connect {
                    let groups = strs(&e["group_ids"]);
                    if groups.len() != 1 || net.security_group_ids.contains(&groups[0]) {
                        problems.push(format!(
                            "{}: {what} endpoint of {} has security groups {groups:?}, not one of its own",
                            s.spec.display(),
                            c.key
                        ));
                    }
                    let g = c
                        .own_security_group
                        .as_ref()
                        .expect("a connect has its own group");
                    let mut want: Vec<String> = g
                        .rules
                        .iter()
                        .map(|r| {
                            let cidr = match &r.cidr {
                                Value::Literal(c) => c.clone(),
                                _ => net.cidr.clone(),
                            };
                            format!("tcp:{}-{}:{cidr}", r.port, r.port)
                        })
                        .collect();
                    want.sort();
                    want.dedup();
                    let got = strs(&e["ingress"]);
                    if got != want {
                        problems.push(format!(
                            "{}: {what} endpoint of {}: its security group admits {got:?}, not the connect's {want:?}",
                            s.spec.display(),
                            c.key
                        ));
                    }
                } else if s.security_groups > 0
                    && strs(&e["group_ids"]) != sorted(&net.security_group_ids)
                {
                    problems.push(format!(
                        "{}: {what} endpoint {svc} has security groups {:?}, not the existing {:?}",
                        s.spec.display(),
                        strs(&e["group_ids"]),
                        sorted(&net.security_group_ids)
                    ));
                }
                if strs(&e["group_ids"]).is_empty() {
                    problems.push(format!(
                        "{}: {what} endpoint {svc} has no security group",
                        s.spec.display()
                    ));
                }
            }
            Some("Gateway") => {
                if strs(&e["route_table_ids"]) != sorted(&net.route_table_ids) {
                    problems.push(format!(
                        "{}: {what} endpoint {svc} has route tables {:?}, not the scenario's {:?}",
                        s.spec.display(),
                        strs(&e["route_table_ids"]),
                        sorted(&net.route_table_ids)
                    ));
                }
            }
            other => problems.push(format!(
                "{}: {what} endpoint {svc} has type {other:?}",
                s.spec.display()
            )),
        }
    }
}

/// One deployment of an expose, checked against the model through what
/// the emulator's EC2 and ELBv2 APIs say (`api`: cfn_deploy.py's record of
/// the endpoint service; `out`: the deployment's outputs by output name).
fn check_expose(
    s: &Scenario,
    x: &vpcegen::model::Expose,
    net: &Network,
    out: &dyn Fn(&str) -> Option<String>,
    api: &Json,
    problems: &mut Vec<String>,
    what: &str,
) {
    let at = format!("{}: {what} expose.{}", s.spec.display(), x.key);
    let mut p = |m: String| problems.push(format!("{at}: {m}"));
    if api["error"].is_string() || !api["config"].is_object() {
        p(format!(
            "no endpoint service in the emulator: {}",
            api["error"]
        ));
        return;
    }
    let c = &api["config"];
    let name = out(&format!("{}_service_name", x.ident));
    if c["ServiceName"].as_str() != name.as_deref() {
        p(format!(
            "the emulator's service is {}, the output {}_service_name says {name:?}",
            c["ServiceName"], x.ident
        ));
    }
    if c["ServiceType"] != json!([{ "ServiceType": "Interface" }]) {
        p(format!("service type {}, not Interface", c["ServiceType"]));
    }
    if c["AcceptanceRequired"] != json!(x.acceptance_required) {
        p(format!(
            "AcceptanceRequired is {}, the spec says {}",
            c["AcceptanceRequired"], x.acceptance_required
        ));
    }
    let mut principals: Vec<String> = api["principals"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    principals.sort();
    let wanted: Vec<&str> = x.allowed_principals.iter().map(|p| p.as_str()).collect();
    if principals != wanted {
        p(format!(
            "allowed principals {principals:?}, the spec says {wanted:?}"
        ));
    }
    let nlb_out = out(&format!("{}_nlb_arn", x.ident));
    let want_nlb = match &x.load_balancer {
        LoadBalancer::Existing(Value::Input(i)) => {
            let arn = net.lb_arns.get(i).cloned();
            if nlb_out != arn {
                p(format!(
                    "output {}_nlb_arn is {nlb_out:?}, not the NLB passed in ({arn:?})",
                    x.ident
                ));
            }
            arn
        }
        _ => nlb_out,
    };
    let arns = c["NetworkLoadBalancerArns"].clone();
    if want_nlb.is_none() || arns != json!([want_nlb]) {
        p(format!(
            "the service is on load balancers {arns}, not {want_nlb:?}"
        ));
        return;
    }
    let lb = &api["load_balancers"][want_nlb.as_deref().unwrap()];
    if !lb.is_object() {
        p(format!(
            "load balancer {want_nlb:?} not found through ELBv2"
        ));
        return;
    }
    if lb["Type"] != json!("network") || lb["Scheme"] != json!("internal") {
        p(format!(
            "the load balancer is {} {}, not an internal network one",
            lb["Scheme"], lb["Type"]
        ));
    }
    if lb["VpcId"].as_str() != Some(net.vpc_id.as_str()) {
        p(format!(
            "the load balancer is in {}, not the scenario's VPC {}",
            lb["VpcId"], net.vpc_id
        ));
    }
    let LoadBalancer::Create {
        name,
        port,
        target_port,
        target_type,
        ..
    } = &x.load_balancer
    else {
        return;
    };
    if lb["LoadBalancerName"].as_str() != Some(name.as_str()) {
        p(format!(
            "the load balancer is named {}, not {name}",
            lb["LoadBalancerName"]
        ));
    }
    let mut subnets: Vec<String> = lb["subnet_ids"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    subnets.sort();
    let mut want_subnets = net.subnet_ids.clone();
    want_subnets.sort();
    if subnets != want_subnets {
        p(format!(
            "the load balancer is in subnets {subnets:?}, not {want_subnets:?}"
        ));
    }
    let listeners = lb["listeners"].as_array().cloned().unwrap_or_default();
    if listeners.len() != 1
        || listeners[0]["Port"] != json!(port)
        || listeners[0]["Protocol"] != json!("TCP")
    {
        p(format!(
            "listeners {listeners:?}, not one TCP listener on {port}"
        ));
        return;
    }
    let actions = &listeners[0]["DefaultActions"];
    let tg_arn = actions[0]["TargetGroupArn"].as_str().unwrap_or_default();
    let tg_out = out(&format!("{}_target_group_arn", x.ident));
    if actions.as_array().map(Vec::len) != Some(1)
        || actions[0]["Type"] != json!("forward")
        || tg_out.as_deref() != Some(tg_arn)
    {
        p(format!(
            "the listener's actions {actions}, not one forward to {tg_out:?}"
        ));
    }
    let tg = &api["target_groups"][tg_arn];
    let tt = match target_type {
        vpcegen::spec::TargetType::Ip => "ip",
        vpcegen::spec::TargetType::Instance => "instance",
        vpcegen::spec::TargetType::Alb => "alb",
    };
    if tg["Port"] != json!(target_port)
        || tg["Protocol"] != json!("TCP")
        || tg["TargetType"] != json!(tt)
        || tg["VpcId"].as_str() != Some(net.vpc_id.as_str())
        || tg["TargetGroupName"].as_str() != Some(name.as_str())
    {
        p(format!(
            "target group {tg}, not TCP {target_port}, {tt} targets, named {name}, in {}",
            net.vpc_id
        ));
    }
}

// ---------------------------------------------------------------- the test

fn phase(start: Instant, what: &str) {
    eprintln!("e2e: [{:>5.1}s] {what}", start.elapsed().as_secs_f64());
}

#[test]
#[ignore = "needs terraform/cfn-lint/moto: run scripts/test"]
fn e2e_terraform_and_cloudformation_on_moto() {
    let start = Instant::now();
    check_tools();
    let (scenarios, notes) = discover();
    for n in &notes {
        eprintln!("e2e: {n}");
    }
    assert!(!scenarios.is_empty(), "no scenarios found");
    // Load balancer and target group names are unique per account and
    // Region: two scenarios creating one would fail for that reason alone.
    let mut lb_names: BTreeMap<(String, String), &Path> = BTreeMap::new();
    for s in &scenarios {
        for x in &s.model.exposes {
            if let LoadBalancer::Create { name, .. } = &x.load_balancer {
                if let Some(other) = lb_names.insert((s.region.clone(), name.clone()), &s.spec) {
                    panic!(
                        "{} and {} both create a load balancer named {name} in {}: give one of them another name or Region",
                        other.display(),
                        s.spec.display(),
                        s.region
                    );
                }
            }
        }
    }
    phase(start, &format!("{} scenarios", scenarios.len()));

    // Fails loudly (rather than picking one) when a VPC tag lookup of one
    // scenario would also match another scenario's VPC in the same Region.
    let scratch = Scratch::new();
    let tmp = scratch.path().to_path_buf();
    let moto = Moto::start(&tmp);
    phase(start, &format!("moto at {}", moto.url));

    // 1. Build everything from the specs as written.
    let rel = |p: &Path| p.to_string_lossy().into_owned();
    for s in &scenarios {
        let spec = rel(&s.spec);
        let tf_out = tmp.join("tf").join(&s.id);
        run(
            &mut vpcegen(&[
                "build",
                &spec,
                "--target",
                "terraform",
                AWS_PROVIDER_ARGS[0],
                AWS_PROVIDER_ARGS[1],
                "--out",
                &rel(&tf_out),
            ]),
            &format!("vpcegen build {spec} --target terraform"),
        );
        if s.cfn {
            for (format, dir) in [("yaml", "cfn-yaml"), ("json", "cfn-json")] {
                let out = tmp.join(dir).join(&s.id);
                run(
                    &mut vpcegen(&[
                        "build",
                        &spec,
                        "--target",
                        "cloudformation",
                        "--format",
                        format,
                        "--out",
                        &rel(&out),
                    ]),
                    &format!("vpcegen build {spec} --target cloudformation --format {format}"),
                );
            }
        }
    }
    fmt_check(&tmp.join("tf"));
    phase(start, "built every scenario; terraform fmt -check passes");

    // 2. The Terraform root.
    let cli_config = tmp.join("terraformrc");
    write(
        &cli_config,
        &format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = {path}\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
            path = serde_json::to_string(&mirror().to_string_lossy()).unwrap()
        ),
    );
    let tf = Terraform {
        dir: tmp.join("root"),
        cli_config,
    };
    let mut r = Root {
        resources: BTreeMap::new(),
        modules: serde_json::Map::new(),
        waves: BTreeMap::new(),
        networks: serde_json::Map::new(),
        regions: BTreeSet::new(),
    };
    let mut vpc_tags: Vec<(&Scenario, BTreeMap<String, String>)> = Vec::new();
    for s in &scenarios {
        vpc_tags.push((s, r.network(s, Tgt::Tf)));
        if s.cfn {
            r.network(s, Tgt::Cfn);
        }
        let source = if s.literal {
            // Overwritten with the build of the rewritten spec after the
            // network-only apply (same path, so `init` stays valid).
            let dir = tmp
                .join("lit")
                .join(&s.id)
                .join("tf")
                .join(&s.model.name)
                .join("terraform");
            copy_dir(
                &tmp.join("tf")
                    .join(&s.id)
                    .join(&s.model.name)
                    .join("terraform"),
                &dir,
            );
            format!("../lit/{}/tf/{}/terraform", s.id, s.model.name)
        } else {
            format!("../tf/{}/{}/terraform", s.id, s.model.name)
        };
        r.module(s, &source);
    }
    for (a, _) in &vpc_tags {
        let Value::Lookup(lookup) = &a.model.vpc_id else {
            continue;
        };
        for (b, tags) in &vpc_tags {
            if a.id != b.id && a.region == b.region && lookup_matches(lookup, tags) {
                panic!(
                    "{}'s VPC lookup {lookup:?} also matches the VPC made for {} in {}: give one of them another Region or other tags",
                    a.spec.display(),
                    b.spec.display(),
                    a.region
                );
            }
        }
    }
    write(
        &tf.dir.join("main.tf.json"),
        &serde_json::to_string_pretty(&r.to_json(&moto.url)).unwrap(),
    );

    // 3. init once, network-only apply.
    tf.run(&["init", "-input=false", "-no-color"]);
    phase(start, "terraform init");
    // Most of the wall time is the provider's waiters (a VPC takes ~10s on
    // moto), so a high parallelism; the module applies do not refresh the
    // network the first apply just created (nothing else touches it).
    // Waves after the first change only their own modules: `-target` keeps
    // Terraform from planning every other module again.
    let apply = |wave: i64, names: &BTreeMap<String, String>| {
        let mut args = vec![
            "apply".to_string(),
            "-auto-approve".into(),
            "-input=false".into(),
            "-no-color".into(),
            "-parallelism=100".into(),
            format!("-refresh={}", wave < 0),
            "-var".into(),
            format!("deploy_wave={wave}"),
            "-var".into(),
            format!("service_names={}", serde_json::to_string(names).unwrap()),
        ];
        if wave > 0 {
            args.extend(
                scenarios
                    .iter()
                    .filter(|s| s.wave as i64 == wave)
                    .map(|s| format!("-target=module.{}", s.ident)),
            );
        }
        tf.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    apply(-1, &BTreeMap::new());
    let networks = read_networks(&tf);
    phase(start, "network-only apply");

    // 4. Literal IDs → the emulator's IDs, one copy per target.
    let mut deployed_models: BTreeMap<(String, &str), Model> = BTreeMap::new();
    let mut cfn_templates: BTreeMap<String, PathBuf> = BTreeMap::new();
    for s in scenarios.iter().filter(|s| s.literal) {
        for t in [Tgt::Tf, Tgt::Cfn] {
            if t == Tgt::Cfn && !s.cfn {
                continue;
            }
            let net = &networks[&s.net(t)];
            let dest = tmp
                .join("lit")
                .join(&s.id)
                .join(format!("spec-{}", t.short()));
            let copy = rewrite_literal_spec(&s.spec, &s.model, net, &dest);
            let target = match t {
                Tgt::Tf => Target::Terraform,
                Tgt::Cfn => Target::Cloudformation,
            };
            let c = vpcegen::compile(std::slice::from_ref(&copy), Some(target), false);
            assert!(
                c.ok(),
                "the copy of {} with emulator IDs does not compile:\n{}",
                s.spec.display(),
                c.diagnostics.render(&c.sources, false)
            );
            let m = c.models().unwrap().into_iter().next().unwrap();
            assert!(
                literal_ids(&m)
                    .iter()
                    .all(|(_, id)| !literal_ids(&s.model).iter().any(|(_, old)| old == id)),
                "{}: the copy still uses a literal ID of the original",
                s.spec.display()
            );
            let out = tmp.join("lit").join(&s.id).join(t.short());
            let (args, what): (Vec<&str>, _) = match t {
                Tgt::Tf => (
                    [["--target", "terraform"], AWS_PROVIDER_ARGS].concat(),
                    "terraform",
                ),
                Tgt::Cfn => (vec!["--target", "cloudformation"], "cloudformation"),
            };
            let copy_s = rel(&copy);
            let out_s = rel(&out);
            let mut argv = vec!["build", copy_s.as_str()];
            argv.extend(args);
            argv.extend(["--out", out_s.as_str()]);
            run(
                &mut vpcegen(&argv),
                &format!(
                    "vpcegen build (copy of {} with emulator IDs) --target {what}",
                    s.spec.display()
                ),
            );
            if t == Tgt::Cfn {
                cfn_templates.insert(
                    s.id.clone(),
                    out.join(&m.name)
                        .join("cloudformation")
                        .join("template.yaml"),
                );
            }
            deployed_models.insert((s.id.clone(), t.short()), m);
        }
    }
    if scenarios.iter().any(|s| s.literal) {
        fmt_check(&tmp.join("lit"));
    }
    phase(start, "rebuilt the literal-ID scenarios with emulator IDs");

    // 5. validate, cfn-lint (in the background), full apply.
    let v = tf.run(&["validate", "-json", "-no-color"]);
    let report: Json = serde_json::from_slice(&v.stdout).expect("validate -json is JSON");
    assert!(
        report["valid"] == json!(true)
            && report["error_count"] == json!(0)
            && report["warning_count"] == json!(0),
        "terraform validate must pass with no warnings:\n{}",
        serde_json::to_string_pretty(&report["diagnostics"]).unwrap()
    );
    phase(start, "terraform validate: valid, no warnings");

    let mut templates = Vec::new();
    for dir in ["cfn-yaml", "cfn-json"] {
        if tmp.join(dir).is_dir() {
            files_under(&tmp.join(dir), &mut templates);
        }
    }
    templates.extend(cfn_templates.values().cloned());
    let lint = (!templates.is_empty()).then(|| {
        Command::new("cfn-lint")
            .arg("--")
            .args(&templates)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run cfn-lint")
    });

    // One apply per wave: providers first; each consumer's reference input
    // is its provider's `<expose>_service_name`, read from the provider
    // module's outputs after the provider's wave.
    let waves = scenarios.iter().map(|s| s.wave).max().unwrap_or(0);
    let mut tf_names: BTreeMap<String, String> = BTreeMap::new();
    let mut module_outputs = BTreeMap::new();
    for wave in 0..=waves {
        for s in scenarios.iter().filter(|s| s.wave == wave) {
            for r in &s.refs {
                let p = &scenarios[r.provider];
                let name = module_outputs
                    .get(&p.ident)
                    .and_then(|o: &Json| o[format!("{}_service_name", r.expose)].as_str())
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: the module of {} has no `{}_service_name` output after its apply",
                            s.spec.display(),
                            p.spec.display(),
                            r.expose
                        )
                    });
                tf_names.insert(service_key(s, &r.input), name.to_string());
            }
        }
        apply(wave as i64, &tf_names);
        module_outputs = read_module_outputs(&tf);
        phase(
            start,
            &format!(
                "terraform apply, wave {wave}: {}",
                scenarios.iter().filter(|s| s.wave == wave).count()
            ),
        );
    }
    if let Some(lint) = lint {
        let o = lint.wait_with_output().unwrap();
        assert!(
            o.status.success() && o.stdout.is_empty() && o.stderr.is_empty(),
            "cfn-lint must report no findings on {} templates: {}",
            templates.len(),
            show(&o)
        );
        phase(
            start,
            &format!("cfn-lint: {} templates, no findings", templates.len()),
        );
    }

    // 6. CloudFormation stacks (in the CloudFormation account, wave by
    // wave), then every VPC's endpoints and every expose's endpoint service.
    let tf_out = |s: &Scenario, name: &str| -> Option<String> {
        module_outputs
            .get(&s.ident)
            .and_then(|o| o[name].as_str())
            .map(String::from)
    };
    let stack_name = |s: &Scenario| format!("e2e-{}", s.id);
    let mut stacks = Vec::new();
    let mut vpcs = Vec::new();
    let mut services = Vec::new();
    for s in &scenarios {
        vpcs.push(json!({
            "key": s.net(Tgt::Tf), "region": s.region, "vpc_id": networks[&s.net(Tgt::Tf)].vpc_id,
        }));
        for x in &s.model.exposes {
            services.push(json!({
                "key": format!("{}/{}", s.net(Tgt::Tf), x.ident),
                "region": s.region,
                "service_id": tf_out(s, &format!("{}_service_id", x.ident)),
            }));
            if s.cfn {
                services.push(json!({
                    "key": format!("{}/{}", s.net(Tgt::Cfn), x.ident),
                    "region": s.region,
                    "account": CFN_ACCOUNT,
                    "service_id": {
                        "stack": stack_name(s),
                        "output": vpcegen::render::pascal(&format!("{}_service_id", x.ident)),
                    },
                }));
            }
        }
        if !s.cfn {
            continue;
        }
        let net = &networks[&s.net(Tgt::Cfn)];
        vpcs.push(json!({
            "key": s.net(Tgt::Cfn), "region": s.region, "vpc_id": net.vpc_id, "account": CFN_ACCOUNT,
        }));
        let m = deployed_models
            .get(&(s.id.clone(), "cfn"))
            .unwrap_or(&s.model);
        let mut params = serde_json::Map::new();
        for input in &m.inputs {
            let v = match input.kind {
                InputKind::VpcId => json!(net.vpc_id),
                InputKind::VpcCidr => json!(net.cidr),
                InputKind::VpcIpv6Cidr => json!(E2E_IPV6_CIDR),
                InputKind::SubnetIds => json!(net.subnet_ids.join(",")),
                InputKind::RouteTableIds => json!(net.route_table_ids.join(",")),
                InputKind::SecurityGroupIds => json!(net.security_group_ids.join(",")),
                InputKind::LoadBalancerArn | InputKind::GatewayLoadBalancerArn => {
                    json!(net.lb_arns[&input.name])
                }
                InputKind::ResourceConfigurationArn | InputKind::ServiceNetworkArn => {
                    lattice_arn(input.kind)
                }
                InputKind::HostedZoneId | InputKind::ProfileId => no_hub_output(s, &input.name),
                InputKind::ServiceName => match s.refs.iter().find(|r| r.input == input.name) {
                    // The provider's stack output when it has a stack, else
                    // its Terraform module's output.
                    Some(r) if scenarios[r.provider].cfn => json!({
                        "stack": stack_name(&scenarios[r.provider]),
                        "output": vpcegen::render::pascal(&format!("{}_service_name", r.expose)),
                    }),
                    Some(r) => json!(tf_names[&service_key(s, &r.input)]),
                    None => json!(net.service_names[&input.name]),
                },
            };
            params.insert(vpcegen::render::pascal(&input.name), v);
        }
        if m.vpc_cidr == Some(Value::VpcCidr) {
            params.insert("VpcCidr".into(), json!(net.cidr));
        }
        let template = cfn_templates.get(&s.id).cloned().unwrap_or_else(|| {
            tmp.join("cfn-yaml")
                .join(&s.id)
                .join(&s.model.name)
                .join("cloudformation")
                .join("template.yaml")
        });
        stacks.push(json!({
            "name": stack_name(s),
            "region": s.region,
            "account": CFN_ACCOUNT,
            "wave": s.wave,
            "template": template,
            "parameters": params,
        }));
    }
    let job = tmp.join("cfn-job.json");
    write(
        &job,
        &serde_json::to_string_pretty(&json!({
            "endpoint": moto.url, "stacks": stacks, "vpcs": vpcs, "services": services,
        }))
        .unwrap(),
    );
    let o = Command::new("python3")
        .arg(root().join("tests/e2e/cfn_deploy.py"))
        .arg(&job)
        .output()
        .expect("run python3 tests/e2e/cfn_deploy.py");
    if !o.status.success() {
        panic!(
            "tests/e2e/cfn_deploy.py failed: {}\n--- moto log ---\n{}",
            show(&o),
            moto.log_tail()
        );
    }
    let result: Json = serde_json::from_slice(&o.stdout).expect("cfn_deploy.py prints JSON");
    phase(
        start,
        &format!(
            "{} CloudFormation stacks; endpoints and endpoint services read back",
            stacks.len()
        ),
    );

    // 7. Compare.
    let mut problems = Vec::new();
    for st in &stacks {
        let name = st["name"].as_str().unwrap();
        let r = &result["stacks"][name];
        if r["status"] != json!("CREATE_COMPLETE") {
            problems.push(format!(
                "stack {name} ({}) is {}: {}\n      {}",
                st["template"].as_str().unwrap(),
                r["status"],
                r["reason"],
                r["failed_events"]
                    .as_array()
                    .map(|a| a
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("\n      "))
                    .unwrap_or_default()
            ));
        }
    }
    let stack_out = |s: &Scenario, name: &str| -> Option<String> {
        result["stacks"][stack_name(s)]["outputs"][vpcegen::render::pascal(name)]
            .as_str()
            .map(String::from)
    };
    // The service name each target's deployment got for each input.
    let names_for = |s: &Scenario, t: Tgt| -> BTreeMap<String, String> {
        let net = &networks[&s.net(t)];
        let mut names = net.service_names.clone();
        for r in &s.refs {
            let p = &scenarios[r.provider];
            let out = format!("{}_service_name", r.expose);
            let v = match t {
                Tgt::Tf => tf_out(p, &out),
                Tgt::Cfn if p.cfn => stack_out(p, &out),
                Tgt::Cfn => tf_out(p, &out),
            };
            names.insert(
                r.input.clone(),
                v.unwrap_or_else(|| format!("(no output {out})")),
            );
        }
        names
    };
    let mut summary = Vec::new();
    for s in &scenarios {
        let tf_names = names_for(s, Tgt::Tf);
        let want = expected(&s.model, &s.region, &tf_names);
        for t in [Tgt::Tf, Tgt::Cfn] {
            if t == Tgt::Cfn && !s.cfn {
                continue;
            }
            if let Some(m) = deployed_models.get(&(s.id.clone(), t.short())) {
                assert_eq!(
                    expected(m, &s.region, &tf_names),
                    want,
                    "{}: the copy with emulator IDs has other endpoints than the spec",
                    s.spec.display()
                );
            }
        }
        let found = |t: Tgt| -> Vec<Json> {
            result["endpoints"][s.net(t)]
                .as_array()
                .cloned()
                .unwrap_or_default()
        };
        let connects_by_name = |names: &BTreeMap<String, String>| {
            let mut by = BTreeMap::new();
            for c in &s.model.connects {
                let n = match &c.service_name {
                    ServiceName::Literal(n) => n.clone(),
                    ServiceName::Input(i) => names.get(i).cloned().unwrap_or_default(),
                    ServiceName::Regional(p) => p.replace("{region}", &s.region),
                };
                by.insert(n, c);
            }
            by
        };
        let tf_found = found(Tgt::Tf);
        let tf_eps = observed(&tf_found);
        if tf_eps != want {
            problems.push(format!(
                "{}: the Terraform deployment's endpoints are not the model's:{}",
                s.spec.display(),
                diff("Terraform", &tf_eps, "model", &want)
            ));
        }
        placement(
            s,
            &networks[&s.net(Tgt::Tf)],
            &tf_found,
            &connects_by_name(&tf_names),
            &mut problems,
            "Terraform",
        );
        let tf_model = deployed_models
            .get(&(s.id.clone(), "tf"))
            .unwrap_or(&s.model);
        for x in &tf_model.exposes {
            check_expose(
                s,
                x,
                &networks[&s.net(Tgt::Tf)],
                &|name| tf_out(s, name),
                &result["services"][format!("{}/{}", s.net(Tgt::Tf), x.ident)],
                &mut problems,
                "Terraform",
            );
        }
        // A consumer's endpoint, by the ID its outputs give, is on the
        // provider's service (whose name the provider's outputs give).
        let consumer_check = |t: Tgt,
                              found: &[Json],
                              names: &BTreeMap<String, String>,
                              problems: &mut Vec<String>| {
            for r in &s.refs {
                let c = s
                    .model
                    .connects
                    .iter()
                    .find(|c| c.service_name == ServiceName::Input(r.input.clone()))
                    .unwrap();
                let id_out = format!("{}_endpoint_id", c.ident);
                let id = match t {
                    Tgt::Tf => tf_out(s, &id_out),
                    Tgt::Cfn => stack_out(s, &id_out),
                };
                let ep = found.iter().find(|e| e["id"].as_str() == id.as_deref());
                let want = &names[&r.input];
                if ep.and_then(|e| e["service_name"].as_str()) != Some(want.as_str()) {
                    problems.push(format!(
                        "{}: {t:?} endpoint {id:?} of {} has service name {:?}, not {}'s {want}",
                        s.spec.display(),
                        c.key,
                        ep.map(|e| &e["service_name"]),
                        scenarios[r.provider].spec.display()
                    ));
                }
            }
        };
        consumer_check(Tgt::Tf, &tf_found, &tf_names, &mut problems);
        if s.cfn {
            let cfn_names = names_for(s, Tgt::Cfn);
            let cfn_want = expected(&s.model, &s.region, &cfn_names);
            let cfn_found = found(Tgt::Cfn);
            let cfn_eps = observed(&cfn_found);
            if relabel(&cfn_eps, &cfn_names) != relabel(&tf_eps, &tf_names) {
                problems.push(format!(
                    "{}: the CloudFormation and Terraform deployments differ (service names from inputs shown as ${{input}}):{}",
                    s.spec.display(),
                    diff(
                        "CloudFormation",
                        &relabel(&cfn_eps, &cfn_names),
                        "Terraform",
                        &relabel(&tf_eps, &tf_names)
                    )
                ));
            }
            if cfn_eps != cfn_want {
                problems.push(format!(
                    "{}: the CloudFormation deployment's endpoints are not the model's:{}",
                    s.spec.display(),
                    diff("CloudFormation", &cfn_eps, "model", &cfn_want)
                ));
            }
            placement(
                s,
                &networks[&s.net(Tgt::Cfn)],
                &cfn_found,
                &connects_by_name(&cfn_names),
                &mut problems,
                "CloudFormation",
            );
            let cfn_model = deployed_models
                .get(&(s.id.clone(), "cfn"))
                .unwrap_or(&s.model);
            for x in &cfn_model.exposes {
                check_expose(
                    s,
                    x,
                    &networks[&s.net(Tgt::Cfn)],
                    &|name| stack_out(s, name),
                    &result["services"][format!("{}/{}", s.net(Tgt::Cfn), x.ident)],
                    &mut problems,
                    "CloudFormation",
                );
            }
            consumer_check(Tgt::Cfn, &cfn_found, &cfn_names, &mut problems);
        }
        summary.push(format!(
            "{:<48} {:<15} {:>2} endpoints {} exposes  {}{}{}",
            s.spec.display(),
            s.region,
            want.len(),
            s.model.exposes.len(),
            if s.cfn {
                "terraform+cloudformation"
            } else {
                "terraform only"
            },
            if s.literal {
                ", literal IDs swapped"
            } else {
                ""
            },
            if s.wave > 0 {
                format!(", wave {}", s.wave)
            } else {
                String::new()
            }
        ));
    }
    eprintln!("e2e: scenarios\n  {}", summary.join("\n  "));
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    );
    phase(
        start,
        "every scenario: Terraform = CloudFormation = model; endpoint services and consumers checked",
    );
    drop(moto);
}

/// What the emulator cannot deploy ([`NOT_EMULATED`]) is planned instead:
/// each scenario is built for both targets; its Terraform module, called
/// from a root with literal inputs, passes `fmt -check` and `validate` and
/// plans the resources its spec asks for with the expected arguments (the
/// plan makes no AWS call); its templates pass cfn-lint and hold the same
/// resources.
#[test]
#[ignore = "needs terraform and cfn-lint: run scripts/test"]
fn plan_what_the_emulator_lacks() {
    check_tools();
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path();
    let cli_config = mirror_cli_config(tmp);
    for (case, why) in NOT_EMULATED.iter().filter(|(case, _)| selected(case)) {
        eprintln!("{case}: planned, not deployed: {why}");
        let specs = case_specs(case);
        let paths: Vec<PathBuf> = specs.iter().map(|p| root().join(p)).collect();
        let out = tmp.join("out");
        let _ = std::fs::remove_dir_all(&out);
        let out_s = out.to_string_lossy().to_string();
        let mut args = vec!["build", "--out", &out_s];
        args.extend(specs.iter().map(String::as_str));
        run(
            &mut vpcegen(&[&args[..], &AWS_PROVIDER_ARGS[..]].concat()),
            "vpcegen build",
        );
        let cfn = tmp.join("cfn");
        let cfn_s = cfn.to_string_lossy().to_string();
        let cfn_ok = cloudformation_builds(case, &paths);
        if cfn_ok {
            let mut args = vec!["build", "--target", "cloudformation", "--out", &cfn_s];
            args.extend(specs.iter().map(String::as_str));
            run(&mut vpcegen(&args), "vpcegen build --target cloudformation");
        }
        let c = vpcegen::compile(&paths, Some(Target::Terraform), false);
        let build: Vec<Model> = (0..specs.len())
            .map(|i| c.plan(i).expect("the case plans"))
            .collect();
        for model in &build {
            plan_one(case, tmp, &cli_config, &out, model, &build);
            if !cfn_ok {
                eprintln!("{case}: Terraform-only, no template to lint");
                continue;
            }
            lint_one(case, &cfn, model);
        }
    }
}

/// Whether `VPCEGEN_E2E_ONLY` (unset: every case) lists `case`.
fn selected(case: &str) -> bool {
    listed(std::env::var("VPCEGEN_E2E_ONLY").ok().as_deref(), case)
}

/// Whether the comma-separated `only` (none: every case) names the case
/// folder `case` whole, with or without its trailing `/`.
fn listed(only: Option<&str>, case: &str) -> bool {
    let Some(only) = only else { return true };
    only.split(',')
        .map(|c| c.trim().trim_end_matches('/'))
        .any(|c| c == case.trim_end_matches('/'))
}

#[test]
fn e2e_only_names_whole_case_folders() {
    let case = "tests/cases/dualstack/";
    assert!(listed(None, case));
    assert!(listed(
        Some("tests/cases/hub-profile, tests/cases/dualstack"),
        case
    ));
    assert!(listed(Some("tests/cases/dualstack/"), case));
    assert!(!listed(Some("dualstack"), case));
    assert!(!listed(Some("tests/cases/dual"), case));
}

/// Whether the case builds for CloudFormation; a case that does not may
/// fail only for what CloudFormation cannot express ([`TERRAFORM_ONLY`]).
fn cloudformation_builds(case: &str, paths: &[PathBuf]) -> bool {
    let c = vpcegen::compile(paths, Some(Target::Cloudformation), false);
    let codes = error_codes(&c);
    assert!(
        codes.iter().all(|c| TERRAFORM_ONLY.contains(c)),
        "{case} does not build for CloudFormation, and not only for what CloudFormation cannot express ({}):\n{}",
        TERRAFORM_ONLY.join(", "),
        c.diagnostics.render(&c.sources, false)
    );
    c.ok()
}

/// Every `NOT_EMULATED` entry is a case folder with specs to plan: a
/// prefix that named none would leave its scenarios neither deployed nor
/// planned.
#[test]
fn not_emulated_names_case_folders() {
    for (case, _) in NOT_EMULATED {
        for spec in case_specs(case) {
            assert!(root().join(&spec).is_file(), "{spec} does not exist");
        }
    }
}

/// The specs of a case folder: its `spec.toml`, or the files its `build`
/// lists (built together), as paths from the repository root.
fn case_specs(case: &str) -> Vec<String> {
    assert!(
        case.ends_with('/'),
        "{case}: NOT_EMULATED names case folders"
    );
    let single = format!("{case}spec.toml");
    if root().join(&single).is_file() {
        return vec![single];
    }
    let listed = std::fs::read_to_string(root().join(case).join("build"))
        .unwrap_or_else(|e| panic!("{case}: no spec.toml and no build file: {e}"));
    listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("{case}{l}"))
        .collect()
}

/// Plans one spec's module from a root with literal inputs and checks the
/// planned resources against what the model decided.
fn plan_one(case: &str, tmp: &Path, cli_config: &Path, out: &Path, model: &Model, build: &[Model]) {
    let module = out.join(&model.name).join("terraform");
    fmt_check(&module);
    let region = model
        .region
        .clone()
        .unwrap_or_else(|| DEFAULT_REGION.into());
    let dir = tmp.join("root").join(&model.name);
    let tf = literal_root(&dir, cli_config, &module, model, &region);
    tf.run(&["init", "-backend=false", "-no-color"]);
    tf.run(&["validate", "-no-color"]);
    tf.run(&["plan", "-no-color", "-out=plan.out"]);
    let shown = tf.run(&["show", "-json", "plan.out"]);
    let plan: Json = serde_json::from_slice(&shown.stdout).expect("plan JSON");
    let planned: Vec<&Json> = plan["resource_changes"]
        .as_array()
        .expect("resource changes")
        .iter()
        .filter(|r| r["change"]["actions"] == json!(["create"]))
        .collect();
    notifications_planned(case, model, &planned);
    fixed_ips_planned(case, model, &planned);
    address_types_planned(case, model, &planned);
    regions_planned(case, model, &planned);
    kinds_planned(case, model, &planned);
    share_planned(case, model, build, &plan, &planned);
}

/// Each connection notification names its topic, events and the endpoint
/// service created with it.
fn notifications_planned(case: &str, model: &Model, planned: &[&Json]) {
    for x in &model.exposes {
        let Some(n) = &x.notify else { continue };
        let found = planned
            .iter()
            .find(|r| {
                r["type"] == "aws_vpc_endpoint_connection_notification"
                    && r["name"] == x.ident.as_str()
            })
            .unwrap_or_else(|| panic!("{case}: no connection notification planned for {}", x.key));
        let after = &found["change"]["after"];
        assert_eq!(after["connection_notification_arn"], n.topic_arn.as_str());
        let events: Vec<&str> = n.events.iter().map(|e| e.as_str()).collect();
        assert_eq!(after["connection_events"], json!(events));
        assert_eq!(
            found["change"]["after_unknown"]["vpc_endpoint_service_id"], true,
            "{case}: the notification names the endpoint service created with it"
        );
    }
}

/// Fixed addresses plan as one `subnet_configuration` per subnet.
fn fixed_ips_planned(case: &str, model: &Model, planned: &[&Json]) {
    for e in model.endpoints.iter().filter(|e| !e.fixed_ips.is_empty()) {
        let found = planned
            .iter()
            .find(|r| r["type"] == "aws_vpc_endpoint" && r["name"] == e.ident.as_str())
            .unwrap_or_else(|| panic!("{case}: no endpoint planned for {}", e.key));
        let configs: Vec<(&str, &str)> = found["change"]["after"]["subnet_configuration"]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: {} plans no subnet_configuration", e.key))
            .iter()
            .map(|c| {
                (
                    c["subnet_id"].as_str().unwrap_or_default(),
                    c["ipv4"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        let mut configs = configs;
        configs.sort_unstable();
        let wanted: Vec<(&str, &str)> = e
            .fixed_ips
            .iter()
            .map(|(s, ip)| (s.as_str(), ip.as_str()))
            .collect();
        assert_eq!(configs, wanted, "{case}: {}'s fixed addresses", e.key);
    }
}

/// The templates pass cfn-lint and hold one notification per expose that
/// asks.
fn lint_one(case: &str, cfn: &Path, model: &Model) {
    let template = cfn
        .join(&model.name)
        .join("cloudformation")
        .join("template.yaml");
    run(
        Command::new("cfn-lint").arg("--").arg(&template),
        "cfn-lint",
    );
    let text = std::fs::read_to_string(&template).unwrap();
    let notifications = model.exposes.iter().filter(|x| x.notify.is_some()).count();
    assert_eq!(
        text.matches("Type: AWS::EC2::VPCEndpointConnectionNotification")
            .count(),
        notifications,
        "{case}: one notification resource per expose that asks"
    );
    share_in_template(case, model, &text);
}

/// VPC Lattice endpoints plan their type and the ARN they reach, without
/// private DNS; each GWLB endpoint its type, one subnet and no security
/// group; a GWLB endpoint service its load balancers and no NLB.
fn kinds_planned(case: &str, model: &Model, planned: &[&Json]) {
    let all = |kind: &str, name: &str| -> Vec<&Json> {
        planned
            .iter()
            .filter(|r| r["type"] == kind && r["name"] == name)
            .map(|r| &r["change"]["after"])
            .collect()
    };
    for e in &model.endpoints {
        let Some(kind) = e.lattice else { continue };
        let found = all("aws_vpc_endpoint", &e.ident);
        let a = found
            .first()
            .unwrap_or_else(|| panic!("{case}: {} not planned", e.key));
        let (type_name, arg) = match kind {
            vpcegen::spec::LatticeKind::Resource => ("Resource", "resource_configuration_arn"),
            vpcegen::spec::LatticeKind::ServiceNetwork => ("ServiceNetwork", "service_network_arn"),
        };
        assert_eq!(a["vpc_endpoint_type"], type_name, "{case}: {}", e.key);
        let arn = a[arg].as_str().unwrap_or_default();
        match &e.service_name {
            vpcegen::model::ServiceName::Literal(l) => assert_eq!(arn, l, "{case}: {}", e.key),
            _ => assert!(
                arn.starts_with("arn:aws:vpc-lattice:"),
                "{case}: {}: {arn}",
                e.key
            ),
        }
        assert_ne!(a["private_dns_enabled"], true, "{case}: {}", e.key);
    }
    let subnets = match &model.subnets {
        Some(vpcegen::model::Value::LiteralList(ids)) => ids.len(),
        _ => 2, // the literal input: two subnets
    };
    let mut gwlb_keys: Vec<&str> = model
        .gwlb_endpoints
        .iter()
        .map(|g| g.key.as_str())
        .collect();
    gwlb_keys.dedup();
    for key in gwlb_keys {
        let found: Vec<&Json> = model
            .gwlb_endpoints
            .iter()
            .filter(|g| g.key == key)
            .flat_map(|g| all("aws_vpc_endpoint", &g.ident))
            .collect();
        assert_eq!(
            found.len(),
            subnets,
            "{case}: `{key}`: one GWLB endpoint per subnet"
        );
        for a in found {
            assert_eq!(
                a["vpc_endpoint_type"], "GatewayLoadBalancer",
                "{case}: {key}"
            );
            assert_eq!(
                a["subnet_ids"].as_array().map(Vec::len),
                Some(1),
                "{case}: {key}: one subnet"
            );
            let groups = a["security_group_ids"].as_array().map_or(0, Vec::len);
            assert_eq!(groups, 0, "{case}: {key}: no security group");
        }
    }
    for x in model.exposes.iter().filter(|x| x.gateway) {
        let found = all("aws_vpc_endpoint_service", &x.ident);
        let a = found
            .first()
            .unwrap_or_else(|| panic!("{case}: {} not planned", x.key));
        assert_eq!(
            a["gateway_load_balancer_arns"].as_array().map(Vec::len),
            Some(1),
            "{case}: {}",
            x.key
        );
        let nlbs = a["network_load_balancer_arns"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(nlbs, 0, "{case}: {}: no NLB", x.key);
        assert!(
            all("aws_lb", &x.ident).is_empty(),
            "{case}: {} creates no NLB",
            x.key
        );
    }
}

/// A CLI config that installs providers from the mirror only.
fn mirror_cli_config(tmp: &Path) -> PathBuf {
    let cli_config = tmp.join("terraformrc");
    write(
        &cli_config,
        &format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n  }}\n}}\n",
            serde_json::to_string(&mirror().to_string_lossy()).unwrap()
        ),
    );
    cli_config
}

/// A root module in `dir` calling `module` with a literal value for each
/// input, through a provider configured for `region` that makes no AWS
/// call: what a plan of `model`'s module needs.
fn literal_root(
    dir: &Path,
    cli_config: &Path,
    module: &Path,
    model: &Model,
    region: &str,
) -> Terraform {
    let inputs: serde_json::Map<String, Json> = model
        .inputs
        .iter()
        .map(|i| (i.name.clone(), literal_input(i.kind)))
        .collect();
    let mut call = serde_json::Map::new();
    call.insert(
        "source".into(),
        Json::String(module.to_string_lossy().into()),
    );
    call.extend(inputs);
    let root_module = json!({
        "provider": { "aws": {
            "region": region, "access_key": "planned", "secret_key": "planned",
            "skip_credentials_validation": true, "skip_requesting_account_id": true,
            "skip_metadata_api_check": true, "skip_region_validation": true,
        }},
        "module": { "case": call },
    });
    write(&dir.join("main.tf.json"), &root_module.to_string());
    Terraform {
        dir: dir.to_path_buf(),
        cli_config: cli_config.to_path_buf(),
    }
}

/// A module built for one Region refuses to plan with a provider in
/// another: the guard on `data.aws_region.current` fails the plan with its
/// message (a `check` block would only warn). With the spec's own Region
/// the same root plans.
#[test]
#[ignore = "needs terraform and its provider mirror: run scripts/test"]
fn a_region_mismatch_fails_the_plan() {
    check_tools();
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path();
    let cli_config = mirror_cli_config(tmp);
    let spec = "tests/cases/region-guard/spec.toml";
    let out = tmp.join("out");
    let out_s = out.to_string_lossy().to_string();
    run(
        &mut vpcegen(&[&["build", "--out", &out_s, spec], &AWS_PROVIDER_ARGS[..]].concat()),
        "vpcegen build",
    );
    let c = vpcegen::compile(&[root().join(spec)], Some(Target::Terraform), false);
    let model = c.plan(0).expect("the case plans");
    let spec_region = model.region.clone().expect("the case names a Region");
    assert_ne!(
        spec_region, DEFAULT_REGION,
        "the case plans in another Region"
    );
    let module = out.join(&model.name).join("terraform");
    let matching = literal_root(
        &tmp.join("same"),
        &cli_config,
        &module,
        &model,
        &spec_region,
    );
    matching.run(&["init", "-backend=false", "-no-color"]);
    matching.run(&["plan", "-no-color"]);
    let other = literal_root(
        &tmp.join("other"),
        &cli_config,
        &module,
        &model,
        DEFAULT_REGION,
    );
    other.run(&["init", "-backend=false", "-no-color"]);
    let o = other
        .cmd(&["plan", "-no-color"])
        .output()
        .expect("run terraform plan");
    let said = show(&o);
    assert!(
        !o.status.success(),
        "the plan in {DEFAULT_REGION} must fail:\n{said}"
    );
    // Terraform wraps long messages in a box (`│ ` before each line):
    // compare without either.
    let flat = said
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for want in [
        "Resource postcondition failed".to_string(),
        format!("Region mismatch: the spec's Region is {spec_region}"),
        format!("the provider's Region is {DEFAULT_REGION}"),
    ] {
        assert!(
            flat.contains(&want),
            "the failed plan says {want:?}:\n{said}"
        );
    }
}

/// What the plan creates for `kind.name` (the first instance).
fn planned_after<'a>(case: &str, planned: &[&'a Json], kind: &str, name: &str) -> &'a Json {
    let found = planned
        .iter()
        .find(|r| r["type"] == kind && r["name"] == name);
    &found.unwrap_or_else(|| panic!("{case}: no {kind}.{name} planned"))["change"]["after"]
}

/// The plan carries each address type the model decided: an interface
/// endpoint's and its DNS record type, an endpoint service's families, a
/// created NLB's dualstack.
fn address_types_planned(case: &str, model: &vpcegen::model::Model, planned: &[&Json]) {
    let after = |kind: &str, name: &str| planned_after(case, planned, kind, name);
    for e in model
        .endpoints
        .iter()
        .filter(|e| !e.ip_address_type.is_default())
    {
        let a = after("aws_vpc_endpoint", &e.ident);
        let t = e.ip_address_type.as_str();
        assert_eq!(a["ip_address_type"], t, "{case}: {}", e.key);
        assert_eq!(
            a["dns_options"][0]["dns_record_ip_type"], t,
            "{case}: {}",
            e.key
        );
    }
    for x in model.exposes.iter().filter(|x| x.writes_ip_address_types()) {
        let a = after("aws_vpc_endpoint_service", &x.ident);
        let types: Vec<&str> = x.ip_address_types.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            a["supported_ip_address_types"],
            json!(types),
            "{case}: {}",
            x.key
        );
        if matches!(x.load_balancer, vpcegen::model::LoadBalancer::Create { .. }) {
            assert_eq!(after("aws_lb", &x.ident)["ip_address_type"], "dualstack");
        }
    }
}

/// Cross-Region endpoints plan their service Region, and endpoint
/// services the Regions their consumers may be in.
fn regions_planned(case: &str, model: &vpcegen::model::Model, planned: &[&Json]) {
    let after = |kind: &str, name: &str| planned_after(case, planned, kind, name);
    for e in &model.endpoints {
        let Some(region) = &e.service_region else {
            continue;
        };
        let a = after("aws_vpc_endpoint", &e.ident);
        assert_eq!(a["service_region"], region.as_str(), "{case}: {}", e.key);
        assert_eq!(a["vpc_endpoint_type"], "Interface", "{case}: {}", e.key);
        let name = a["service_name"].as_str().unwrap_or_default();
        assert!(
            name.contains(&format!(".{region}.")),
            "{case}: {} names the service in {region}: {name}",
            e.key
        );
    }
    for x in model
        .exposes
        .iter()
        .filter(|x| !x.supported_regions.is_empty())
    {
        let a = after("aws_vpc_endpoint_service", &x.ident);
        let mut planned: Vec<&str> = a["supported_regions"]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: {} plans no supported_regions", x.key))
            .iter()
            .filter_map(Json::as_str)
            .collect();
        planned.sort_unstable();
        let mut wanted: Vec<&str> = x.supported_regions.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        assert_eq!(planned, wanted, "{case}: {}'s Regions (a set)", x.key);
    }
}

/// The `vpc.ipv6_cidr` input's value: the test networks have no IPv6 block,
/// and only security group rules read it.
const E2E_IPV6_CIDR: &str = "2600:1f18:abcd:1200::/56";

/// A VPC Lattice ARN of the kind an input asks for (those scenarios are
/// planned, never deployed: `NOT_EMULATED`).
fn lattice_arn(kind: InputKind) -> Json {
    let arn = match kind {
        InputKind::ServiceNetworkArn => "servicenetwork/sn-0123456789abcdef0",
        _ => "resourceconfiguration/rcfg-0123456789abcdef0",
    };
    Json::String(format!("arn:aws:vpc-lattice:us-east-1:111122223333:{arn}"))
}

/// A literal value of each input kind, for a plan that makes no AWS call.
fn literal_input(kind: InputKind) -> Json {
    let s = |v: &str| Json::String(v.into());
    match kind {
        InputKind::VpcId => s("vpc-0123456789abcdef0"),
        InputKind::VpcCidr => s("10.0.0.0/16"),
        InputKind::VpcIpv6Cidr => s(E2E_IPV6_CIDR),
        InputKind::SubnetIds => json!(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]),
        InputKind::RouteTableIds => json!(["rtb-0123456789abcdef0"]),
        InputKind::SecurityGroupIds => json!(["sg-0123456789abcdef0"]),
        InputKind::ServiceName => s("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"),
        InputKind::LoadBalancerArn => s(
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/planned/0123456789abcdef",
        ),
        InputKind::ResourceConfigurationArn | InputKind::ServiceNetworkArn => lattice_arn(kind),
        InputKind::GatewayLoadBalancerArn => s(
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/gwy/planned/0123456789abcdef",
        ),
        InputKind::HostedZoneId => s("Z0123456789ABCDEFGHIJ"),
        InputKind::ProfileId => s("rp-0123456789abcdef"),
    }
}
