//! The adoption round trip on moto: endpoints created by boto3
//! (tests/adopt/seed.py), their `describe-vpc-endpoints` JSON through
//! `vpcegen import`, the spec built with `--adopt`, and a Terraform plan
//! against the emulator that imports every endpoint and adds, changes and
//! destroys nothing. `#[ignore]`d by a plain `cargo test`: it needs
//! terraform with its provider mirror and the Python tools of scripts/test.

use serde_json::Value as Json;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

include!("support/moto.rs");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command, what: &str) -> Output {
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        o.status.success(),
        "{what} failed: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn terraform(dir: &Path, cli_config: &Path, args: &[&str]) -> Output {
    let mut c = Command::new("terraform");
    c.arg(format!("-chdir={}", dir.display()))
        .args(args)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN");
    run(&mut c, &format!("terraform {}", args.join(" ")))
}

/// The provider, pointed at moto, and the mirror the module's provider 5
/// comes from (`VPCEGEN_TF_MIRROR`, else /opt/tf-plugins, as tests/e2e.rs).
fn root_files(dir: &Path, moto: &str) -> PathBuf {
    let provider = format!(
        "provider \"aws\" {{\n  region = \"eu-west-1\"\n  access_key = \"test\"\n  secret_key = \"test\"\n  skip_credentials_validation = true\n  skip_metadata_api_check = true\n  skip_requesting_account_id = true\n  skip_region_validation = true\n  endpoints {{\n    ec2 = {moto:?}\n    sts = {moto:?}\n  }}\n}}\n"
    );
    std::fs::write(dir.join("provider.tf"), provider).unwrap();
    let mirror = std::env::var_os("VPCEGEN_TF_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"));
    let rc = dir.join("../terraformrc");
    let text = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = {}\n  }}\n}}\n",
        serde_json::to_string(&mirror.to_string_lossy()).unwrap()
    );
    std::fs::write(&rc, text).unwrap();
    rc
}

#[test]
#[ignore = "needs terraform, its provider mirror, moto and boto3: run scripts/test"]
fn imported_endpoints_are_adopted_with_no_change() {
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path();
    let moto = Moto::start(tmp);
    // 1. Endpoints that exist before vpcegen: a gateway (s3), an interface
    // with private DNS (sts) and one without (logs), sharing a group.
    let seed = run(
        Command::new("python3")
            .arg(root().join("tests/adopt/seed.py"))
            .args([&moto.url, "payments-prod"]),
        "tests/adopt/seed.py (python3 with boto3)",
    );
    let described = tmp.join("endpoints.json");
    std::fs::write(&described, &seed.stdout).unwrap();
    // 2. import, then build with --adopt.
    let bin = env!("CARGO_BIN_EXE_vpcegen");
    let spec = run(
        Command::new(bin)
            .arg("import")
            .arg(&described)
            .args(["--name", "payments-prod"]),
        "vpcegen import",
    );
    let spec_path = tmp.join("payments.toml");
    std::fs::write(&spec_path, &spec.stdout).unwrap();
    let text = String::from_utf8_lossy(&spec.stdout).into_owned();
    assert!(
        !text.contains("# not expressed"),
        "everything seeded is expressible:\n{text}"
    );
    let out = tmp.join("out");
    run(
        Command::new(bin)
            .arg("build")
            .arg(&spec_path)
            .args(["--aws-provider", "5", "--out"])
            .arg(&out)
            .arg("--adopt")
            .arg(&described),
        "vpcegen build --adopt",
    );
    // 3. The module as the root (import blocks live only in a root).
    let dir = out.join("payments-prod/terraform");
    assert!(
        dir.join("imports.tf").is_file(),
        "--adopt writes imports.tf"
    );
    run(
        Command::new("terraform")
            .args(["fmt", "-check", "-diff", "-no-color"])
            .arg(&dir),
        "terraform fmt -check (imports.tf included)",
    );
    let rc = root_files(&dir, &moto.url);
    terraform(&dir, &rc, &["init", "-input=false", "-no-color"]);
    terraform(
        &dir,
        &rc,
        &["plan", "-input=false", "-no-color", "-out=plan"],
    );
    let shown = terraform(&dir, &rc, &["show", "-json", "plan"]);
    let plan: Json = serde_json::from_slice(&shown.stdout).expect("terraform show -json");
    let changes = plan["resource_changes"]
        .as_array()
        .expect("resource_changes");
    let mut imported = Vec::new();
    for c in changes {
        let address = c["address"].as_str().unwrap_or_default();
        let actions = &c["change"]["actions"];
        assert_eq!(
            actions,
            &serde_json::json!(["no-op"]),
            "{address}: the adopted module plans no change:\n{}",
            serde_json::to_string_pretty(&c["change"]).unwrap()
        );
        if c["change"]["importing"].is_object() {
            imported.push(address.to_string());
        }
    }
    assert_eq!(
        imported,
        [
            "aws_vpc_endpoint.logs",
            "aws_vpc_endpoint.s3",
            "aws_vpc_endpoint.sts"
        ],
        "every seeded endpoint is imported"
    );
}
