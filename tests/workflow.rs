//! The everyday workflow around `build`: the drift check, `explain` with its
//! cost figures, machine-readable diagnostics, editor and shell support.

use std::path::Path;
use std::process::{Command, Output};

fn vpcegen(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn specs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("specs"), dir.path());
    copy_dir(&root().join("schema"), &dir.path().join("../schema_unused"));
    dir
}

const PAYMENTS: &str = "fargate-baseline/payments.toml";

#[test]
fn check_is_clean_right_after_build() {
    let dir = specs();
    assert!(vpcegen(dir.path(), &["build", PAYMENTS]).status.success());
    let o = vpcegen(dir.path(), &["build", PAYMENTS, "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(
        text(&o.stdout),
        "up to date: the generated files match their specs\n"
    );
}

#[test]
fn check_shows_a_hand_edit_as_a_diff_and_writes_nothing() {
    let dir = specs();
    assert!(vpcegen(dir.path(), &["build", PAYMENTS]).status.success());
    let file = dir.path().join("out/payments-prod/terraform/endpoints.tf");
    let edited = std::fs::read_to_string(&file)
        .unwrap()
        .replace("private_dns_enabled = false", "private_dns_enabled = true");
    std::fs::write(&file, &edited).unwrap();
    let o = vpcegen(dir.path(), &["build", PAYMENTS, "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("--- out/payments-prod/terraform/endpoints.tf (on disk)\n+++ out/payments-prod/terraform/endpoints.tf (from the spec)\n"), "{out}");
    assert!(
        out.contains("\n-  private_dns_enabled = true\n+  private_dns_enabled = false\n"),
        "{out}"
    );
    assert!(
        out.contains("out of date: 1 changed, 0 missing, 0 extra"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        edited,
        "--check never writes"
    );
}

#[test]
fn check_lists_missing_and_extra_generated_files() {
    let dir = specs();
    assert!(vpcegen(dir.path(), &["build", PAYMENTS]).status.success());
    let folder = dir.path().join("out/payments-prod/terraform");
    std::fs::remove_file(folder.join("outputs.tf")).unwrap();
    // A generated file no spec produces any more (it carries the mark)...
    std::fs::copy(folder.join("main.tf"), folder.join("retired.tf")).unwrap();
    // ...and a hand-written one, which is none of vpcegen's business.
    std::fs::write(folder.join("notes.md"), "mine\n").unwrap();
    let o = vpcegen(dir.path(), &["build", PAYMENTS, "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("missing: out/payments-prod/terraform/outputs.tf"),
        "{out}"
    );
    assert!(
        out.contains("extra: out/payments-prod/terraform/retired.tf"),
        "{out}"
    );
    assert!(!out.contains("notes.md"), "{out}");
    assert!(out.contains("0 changed, 1 missing, 1 extra"), "{out}");
    assert!(
        !folder.join("outputs.tf").exists() && folder.join("retired.tf").exists(),
        "--check never writes"
    );
}

#[test]
fn check_of_a_folder_never_built_reports_everything_missing() {
    let dir = specs();
    let o = vpcegen(dir.path(), &["build", "eks-private/spec.toml", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("0 changed, 5 missing, 0 extra"),
        "{}",
        text(&o.stdout)
    );
    assert!(!dir.path().join("out").exists());
}

/// The cost figures, checked by hand against data/pricing.toml once:
/// 5 interface endpoints × 3 AZs × 730 h × $0.01 = $109.50; s3 is a free
/// gateway endpoint; 100 GB × $0.01 = $1.00; 3 NAT gateways × 730 h ×
/// $0.045 = $98.55, + 100 GB × $0.045 = $103.05.
#[test]
fn explain_payments_with_costs() {
    let dir = specs();
    let o = vpcegen(dir.path(), &["explain", PAYMENTS, "--gb-per-month", "100"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    for line in [
        "    ecr.api         3 AZ × 730 h × $0.01 = $21.90\n",
        "    s3              free (gateway endpoint)\n",
        "    endpoints: $109.50 a month (5 interface, 1 gateway)\n",
        "    data processed: 100 GB → $1.00 (tiered from $0.01/GB)\n",
        "    total: $110.50 a month\n",
        "    the same through NAT gateways: 3 × 730 h × $0.045 = $98.55 + 100 GB × $0.045 = $103.05 a month\n",
        "      why: bundle `ecr` (fargate-baseline/baseline.toml:12)\n",
        "    ecr = ecr.api + ecr.dkr + s3\n",
        "monthly cost estimate (us-east-1 list prices in USD, 730 h a month):",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    assert!(!out.contains("    sts ("), "sts is dropped by `without`");
    insta::with_settings!({snapshot_path => "../snapshots/workflow", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("explain__payments", out);
    });
}

#[test]
fn explain_a_pair_shows_its_checks() {
    let dir = specs();
    let o = vpcegen(
        dir.path(),
        &[
            "explain",
            "seed-article/service-b.toml",
            "seed-article/service-a.toml",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("check: consumer service-a (seed-article/service-a.toml): account 444455556666 allowed; AZs shared: use1-az2; not served: use1-az4"), "{out}");
    assert!(
        out.contains("check: account 444455556666 is an allowed principal"),
        "{out}"
    );
    insta::with_settings!({snapshot_path => "../snapshots/workflow", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("explain__seed_article", out);
    });
}

/// Address types show only where they are not IPv4 (the other explain
/// tests above show none).
#[test]
fn explain_shows_address_types_that_are_not_ipv4() {
    let o = vpcegen(root(), &["explain", "tests/cases/dualstack/spec.toml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out.matches("addresses: dualstack (DNS records dualstack)")
            .count(),
        2,
        "{out}"
    );
    assert!(out.contains("new internal dualstack NLB"), "{out}");
    assert!(
        out.contains("      consumers connect over: ipv4, ipv6\n"),
        "{out}"
    );
    let o = vpcegen(
        root(),
        &[
            "explain",
            "tests/cases/dualstack/spec.toml",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let eps = v["specs"][0]["endpoints"].as_array().unwrap();
    let types: Vec<&str> = eps
        .iter()
        .filter_map(|e| e["ip_address_type"].as_str())
        .collect();
    assert_eq!(types, ["dualstack", "dualstack"], "kms, logs; not s3, sqs");
}

#[test]
fn explain_json_carries_the_same_figures() {
    let dir = specs();
    let o = vpcegen(
        dir.path(),
        &[
            "explain",
            PAYMENTS,
            "--format",
            "json",
            "--gb-per-month",
            "100",
        ],
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let spec = &v["specs"][0];
    assert_eq!(spec["name"], "payments-prod");
    assert_eq!(spec["cost"]["endpoints_monthly"].as_f64().unwrap(), 109.5);
    assert_eq!(spec["cost"]["nat_total_monthly"].as_f64().unwrap(), 103.05);
    assert_eq!(spec["endpoints"].as_array().unwrap().len(), 6);
    assert_eq!(v["prices"]["region"], "us-east-1");
}

/// The org example's hub and two spokes, checked by hand once: the hub's
/// 6 shared endpoints × 3 AZs × 730 h × $0.01 = $131.40; payments' sqs in
/// 2 AZs $14.60 (s3 free); on their own, payments adds 6 × 2 AZ = $87.60
/// and orders (3 AZ IDs) 6 × 3 AZ = $131.40, the saving.
#[test]
fn explain_compares_a_hub_with_every_vpc_on_its_own() {
    let dir = specs();
    let o = vpcegen(
        dir.path(),
        &[
            "explain",
            "org-hub/network/hub.toml",
            "org-hub/teams/payments.toml",
            "org-hub/teams/orders.toml",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let expected = "
centralized endpoints: hub endpoints-hub and 2 spokes (us-east-1 list prices in USD, 730 h a month):
  endpoints-hub  hub, 3 AZs: its endpoints $131.40 a month, 6 interface endpoints shared
  payments       spoke, 2 AZs: its own endpoints $14.60 a month; on its own + 6 × 2 AZ × 730 h × $0.01 = $87.60
  orders         spoke, 3 AZs: its own endpoints $0.00 a month; on its own + 6 × 3 AZ × 730 h × $0.01 = $131.40
  centralized (the hub's endpoints + the spokes' own): $146.00 a month
  every spoke with its own endpoints instead (no hub): $233.60 a month
  saving: $87.60 a month
  assumed: $0.01 per interface endpoint per AZ per hour, 730 h a month, each VPC in the AZ count shown
  not included: data processed per GB, Transit Gateway attachments and data processing (not in the price file)

prices: ";
    assert!(out.contains(expected), "{out}");
    // Without its spokes, a hub is explained as any spec.
    let o = vpcegen(dir.path(), &["explain", "org-hub/network/hub.toml"]);
    assert!(!text(&o.stdout).contains("centralized endpoints"));
    let o = vpcegen(
        dir.path(),
        &[
            "explain",
            "--format",
            "json",
            "org-hub/network/hub.toml",
            "org-hub/teams/orders.toml",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // One spoke in 3 AZs pays for a hub in 3 AZs exactly: no saving yet.
    assert_eq!(v["hubs"][0]["saving_monthly"].as_f64().unwrap(), 0.0);
    assert_eq!(v["hubs"][0]["separate_monthly"].as_f64().unwrap(), 131.4);
    assert_eq!(v["hubs"][0]["spokes"][0]["az_count"], 3);
    // The README's cross-spec check: a spoke overlapping its hub.
    let o = vpcegen(dir.path(), &["validate", "invalid/spoke-overlaps-hub.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).starts_with("error[E105]: the VPC CIDR 10.255.8.0/22 of `invalid/spoke-overlaps-hub.toml` overlaps its hub's, 10.255.0.0/20\n  --> invalid/spoke-overlaps-hub.toml:11:8\n"), "{}", text(&o.stderr));
}

#[test]
fn interface_data_tiers() {
    let p = vpcegen::explain::Pricing::get();
    assert_eq!(p.interface_data(0.0), 0.0);
    assert!((p.interface_data(1024.0) - 10.24).abs() < 1e-9);
    // 1 PB at $0.01, then 1 PB at $0.006.
    let two_pb = 2.0 * 1_048_576.0;
    assert!((p.interface_data(two_pb) - (1_048_576.0 * 0.01 + 1_048_576.0 * 0.006)).abs() < 1e-6);
}

#[test]
fn json_diagnostics_one_object_per_line() {
    let dir = specs();
    let o = vpcegen(
        dir.path(),
        &[
            "validate",
            "--message-format",
            "json",
            "invalid/typo-service.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&o.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    let d = &lines[0];
    assert_eq!(d["file"], "invalid/typo-service.toml");
    assert_eq!(d["line"], 4);
    assert_eq!(d["column"], 19);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "E020");
    assert!(d["help"].as_str().unwrap().contains("ecr.dkr"));
}

/// Every diagnostic names its code through `diagnostic::Code`, which
/// carries the code's severity and documentation (its own tests check
/// `docs/diagnostics.md`): no code is written as a string in `src/`.
#[test]
fn every_code_in_the_source_comes_from_the_code_enum() {
    let mut found = Vec::new();
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") || p.ends_with("diagnostic/code.rs") {
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            for (i, _) in src.match_indices('"') {
                let code = src.get(i + 1..i + 6).unwrap_or("");
                let is_code = code.ends_with('"')
                    && code.starts_with(['E', 'W', 'I'])
                    && code[1..4].bytes().all(|b| b.is_ascii_digit());
                if is_code {
                    found.push(format!("{} in {}", &code[..4], p.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "diagnostic codes written as strings (use `Diagnostic::new(Code::...)`): {found:?}"
    );
}

#[test]
fn init_writes_a_starter_that_builds_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let o = vpcegen(dir.path(), &["init", "--name", "starter"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(dir.path().join("vpcegen.schema.json").exists());
    let spec = std::fs::read_to_string(dir.path().join("vpcegen.toml")).unwrap();
    assert!(spec.starts_with("#:schema ./vpcegen.schema.json\n"));
    for target in ["terraform", "cloudformation"] {
        let o = vpcegen(
            dir.path(),
            &["build", "vpcegen.toml", "--target", target, "--out", target],
        );
        assert!(o.status.success(), "{target}: {}", text(&o.stderr));
        assert!(o.stderr.is_empty(), "no warnings: {}", text(&o.stderr));
    }
    let again = vpcegen(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2), "never overwrites");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("vpcegen.toml")).unwrap(),
        spec
    );
}

/// `services --ipv6` and `--cross-region` list what a spec may ask IPv6 or
/// another Region of: the same facts E077 and E085 read.
#[test]
fn services_by_ipv6_and_cross_region() {
    let names = |args: &[&str]| -> Vec<String> {
        let o = vpcegen(root(), args);
        assert!(o.status.success());
        text(&o.stdout)
            .lines()
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
            .collect()
    };
    let xr = names(&["services", "--cross-region"]);
    assert!(
        xr.contains(&"s3".to_string()) && xr.contains(&"kms".to_string()),
        "{xr:?}"
    );
    assert!(!xr.contains(&"sqs".to_string()), "{xr:?}");
    let v6 = names(&["services", "--ipv6", "k"]);
    assert!(v6.contains(&"kms".to_string()), "{v6:?}");
    assert!(!v6.contains(&"kms-fips".to_string()), "{v6:?}");
    let v6 = names(&["services", "--ipv6", "sts"]);
    assert!(!v6.contains(&"sts".to_string()), "{v6:?}");
    assert_eq!(
        names(&["services", "--ipv6", "--cross-region", "kms"]),
        ["kms"]
    );
}

/// `services --region`: only what botocore lists in the Region; an unknown
/// Region is E061 with the closest name, and fails.
#[test]
fn services_by_region() {
    let o = vpcegen(root(), &["services", "fips", "--region", "us-east-1"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("\nsts-fips "));
    let o = vpcegen(root(), &["services", "fips", "--region", "eu-west-1"]);
    assert!(o.status.success());
    let out = text(&o.stdout);
    assert!(
        !out.contains("\nsts-fips ") && out.contains("\nkms-fips "),
        "{out}"
    );
    let o = vpcegen(root(), &["services", "--region", "eu-west-9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert_eq!(
        text(&o.stderr),
        "error[E061]: `eu-west-9` is not an AWS Region\n  \
         = note: the Regions vpcegen knows are botocore 1.44.8's (docs/spec.md, \"Region facts\")\n  \
         = help: did you mean `eu-west-1`?\n\n\
         error: 1 error found\n"
    );
    let o = vpcegen(
        root(),
        &[
            "--message-format",
            "json",
            "services",
            "--region",
            "eu-west-9",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_str(text(&o.stderr).trim()).unwrap();
    assert_eq!(line["code"], "E061");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = vpcegen(root(), &["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let out = text(&o.stdout);
        assert!(
            out.contains("explain") && out.contains("target") && out.contains("gb-per-month"),
            "{shell} completion names the commands and options"
        );
    }
}

#[test]
fn committed_man_page_and_schema_are_current() {
    let man = vpcegen(root(), &["man"]);
    assert_eq!(
        text(&man.stdout),
        std::fs::read_to_string(root().join("docs/man/vpcegen.1")).unwrap(),
        "regenerate with `vpcegen man > docs/man/vpcegen.1`"
    );
    let schema = vpcegen(root(), &["schema"]);
    assert_eq!(
        text(&schema.stdout),
        std::fs::read_to_string(root().join("schema/vpcegen.schema.json")).unwrap(),
        "regenerate with `vpcegen schema > schema/vpcegen.schema.json`"
    );
}

/// Every valid scenario and example satisfies the JSON Schema editors use;
/// specs that are wrong in shape (unknown keys, wrong types) do not.
#[test]
fn the_schema_accepts_valid_specs_and_rejects_misshapen_ones() {
    let schema: serde_json::Value = serde_json::from_str(&vpcegen::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let as_json = |path: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(path).unwrap();
        let v: toml::Value = toml::from_str(&text).unwrap();
        serde_json::to_value(v).unwrap()
    };
    let mut checked = 0;
    let mut valid: Vec<std::path::PathBuf> = Vec::new();
    for dir in [
        "tests/cases",
        "specs/eks-private",
        "specs/fargate-baseline",
        "specs/seed-article",
    ] {
        for e in walk(&root().join(dir)) {
            if e.extension().is_some_and(|x| x == "toml") {
                valid.push(e);
            }
        }
    }
    for path in &valid {
        let errors: Vec<String> = validator
            .iter_errors(&as_json(path))
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{} should satisfy the schema: {errors:?}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 20, "checked {checked} valid specs");
    // Invalid by shape: the schema catches them too.
    for name in [
        "unknown-keys-every-level",
        "wrong-types",
        "missing-version-and-name",
        "unknown-key-no-suggestion",
        "security-group-two-forms",
    ] {
        let path = root().join("tests/errors").join(name).join("spec.toml");
        assert!(
            !validator.is_valid(&as_json(&path)),
            "{name} should not satisfy the schema"
        );
    }
    assert!(!validator.is_valid(&as_json(&root().join("specs/invalid/unknown-key.toml"))));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}
