//! checkov, the security scanner many pipelines run, over everything
//! vpcegen generates: every valid scenario (`tests/cases/*`, a `build`
//! file's specs together) and every top-level example under `specs/`, for
//! Terraform and for CloudFormation (YAML), written into one temp folder
//! and scanned by ONE checkov process (it takes seconds to start). Any
//! failed check fails the test, listed by check ID, file and resource; so
//! does a scan that found no resource, so that it cannot pass vacuously.
//!
//! A check that does not apply, or a deliberate choice, is skipped in the
//! generated code itself with the reason (`model::scanner`, rendered by
//! each backend), so it shows up in checkov's `skipped_checks`, not here.
//!
//! checkov is pinned in `tests/requirements-checkov.txt` and installed by
//! `scripts/test-tools.sh` into `.venv-checkov` (its boto3 pin conflicts with
//! `.venv`'s), which exports its path as `VPCEGEN_CHECKOV`. Ignored by a
//! plain `cargo test`; `scripts/test` runs it. Without `VPCEGEN_CHECKOV`
//! (or if it does not run) the test fails: it never skips.
//!
//! Set `VPCEGEN_SCAN_KEEP=1` to keep the temp folder (it is always kept,
//! and printed, when the test fails).

use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use vpcegen::render::{CfnFormat, Engine, Target};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The pinned checkov, from `VPCEGEN_CHECKOV`; panics (never skips) when
/// it is not set or does not run.
fn checkov() -> PathBuf {
    let Some(path) = std::env::var_os("VPCEGEN_CHECKOV") else {
        panic!(
            "VPCEGEN_CHECKOV is not set: run `bash scripts/test`, which installs the pinned checkov (tests/requirements-checkov.txt) into .venv-checkov and sets it"
        );
    };
    let path = PathBuf::from(path);
    let runs = Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        runs,
        "VPCEGEN_CHECKOV={} does not run (`--version` failed)",
        path.display()
    );
    path
}

include!("support/files.rs");

fn relative(p: &Path) -> PathBuf {
    p.strip_prefix(root()).unwrap_or(p).to_path_buf()
}

/// The specs a `tests/cases` scenario builds together: its `build` file's
/// list, or its `spec.toml`.
fn case_specs(dir: &Path) -> Vec<PathBuf> {
    let build = dir.join("build");
    if !build.is_file() {
        return vec![relative(&dir.join("spec.toml"))];
    }
    let text = std::fs::read_to_string(&build).expect("build file reads");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| relative(&dir.join(l)))
        .collect()
}

/// Each `extends` of a spec, resolved against its folder.
fn extends_of(spec: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(root().join(spec)).expect("spec reads");
    let table: toml::Table = text.parse().unwrap_or_default();
    let dir = spec.parent().expect("a spec's folder");
    let list = table.get("extends").and_then(|v| v.as_array());
    list.into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .filter_map(|s| std::fs::canonicalize(root().join(dir).join(s)).ok())
        .collect()
}

/// Every scenario: (a name for its folder, the specs built together).
/// Under `specs/`, a baseline others extend and `specs/invalid/` are left
/// out.
fn scenarios() -> Vec<(String, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cases"))
        .expect("tests/cases exists")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for dir in cases {
        let name = dir.file_name().expect("a name").to_string_lossy();
        out.push((format!("case-{name}"), case_specs(&dir)));
    }
    let mut examples = Vec::new();
    files_under(&root().join("specs"), &mut examples);
    let examples: Vec<PathBuf> = examples
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| relative(&p))
        .filter(|p| !p.starts_with("specs/invalid"))
        .collect();
    let extended: BTreeSet<PathBuf> = examples.iter().flat_map(|p| extends_of(p)).collect();
    for p in examples {
        let canonical = std::fs::canonicalize(root().join(&p)).expect("exists");
        if extended.contains(&canonical) {
            continue;
        }
        let name = p.to_string_lossy().replace(['/', '\\', '.'], "-");
        out.push((name, vec![p]));
    }
    out
}

/// Builds one scenario for both targets under `dir/<name>/`; returns a
/// note when CloudFormation cannot express it.
fn build(dir: &Path, name: &str, specs: &[PathBuf], engine: &Engine) -> Option<String> {
    let mut note = None;
    for target in [Target::Terraform, Target::Cloudformation] {
        let c = vpcegen::compile(specs, Some(target), false);
        if !c.ok() {
            let codes = error_codes(&c);
            let report = c.diagnostics.render(&c.sources, false);
            assert!(
                target == Target::Cloudformation
                    && codes.iter().all(|c| TERRAFORM_ONLY.contains(c)),
                "{name} ({specs:?}) does not build for {target:?}:\n{report}"
            );
            note = Some(format!("{name}: Terraform only ({codes:?})"));
            continue;
        }
        for model in c.models().expect("models") {
            let out = dir.join(name).join(&model.name).join(match target {
                Target::Terraform => "terraform",
                Target::Cloudformation => "cloudformation",
            });
            std::fs::create_dir_all(&out).expect("a folder");
            let files = vpcegen::render_model(&model, engine, target, CfnFormat::Yaml)
                .unwrap_or_else(|e| panic!("{name}: rendering {target:?} failed: {e}"));
            for f in files {
                std::fs::write(out.join(&f.path), f.contents).expect("write");
            }
        }
    }
    note
}

/// One failed check, as the report lists it.
fn failure(check: &Json) -> String {
    let field = |k: &str| check.get(k).and_then(Json::as_str).unwrap_or("?");
    format!(
        "{} {} ({}): {}",
        field("check_id"),
        field("file_path"),
        field("resource"),
        field("check_name")
    )
}

/// checkov's JSON: one report per framework (an object when only one
/// framework found files, else a list of them).
fn reports(stdout: &str) -> Vec<Json> {
    let json: Json = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("checkov's output is not JSON ({e}):\n{stdout}"));
    match json {
        Json::Array(list) => list,
        one => vec![one],
    }
}

#[test]
#[ignore = "needs checkov: run scripts/test"]
fn checkov_finds_no_failed_check() {
    let checkov = checkov();
    let tmp = tempfile::Builder::new()
        .prefix("vpcegen-checkov-")
        .tempdir()
        .expect("a temp folder");
    let engine = Engine::new(None).expect("built-in templates");
    for (name, specs) in scenarios() {
        if let Some(note) = build(tmp.path(), &name, &specs, &engine) {
            eprintln!("{note}");
        }
    }
    let out = Command::new(&checkov)
        .arg("-d")
        .arg(tmp.path())
        .args(["--framework", "terraform", "cloudformation"])
        // Not `--quiet`: it would leave the skipped checks out of the report.
        .args(["-o", "json", "--compact", "--skip-download"])
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .expect("checkov starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // 0: nothing failed; 1: something failed. Anything else is checkov's own.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "checkov failed to run ({}):\n{}\n{stdout}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut failed = Vec::new();
    let mut resources = 0;
    let mut skipped = 0;
    for report in reports(&stdout) {
        let summary = &report["summary"];
        resources += summary["resource_count"].as_u64().unwrap_or(0);
        let results = &report["results"];
        skipped += results["skipped_checks"].as_array().map_or(0, Vec::len);
        for check in results["failed_checks"].as_array().into_iter().flatten() {
            failed.push(failure(check));
        }
    }
    let keep = || {
        let path = tmp.path().to_path_buf();
        std::mem::forget(tmp);
        path.display().to_string()
    };
    if !failed.is_empty() || resources == 0 || skipped == 0 {
        let kept = keep();
        assert!(
            resources > 0,
            "checkov scanned no resource in {kept}: the scan would pass vacuously"
        );
        // The scenarios have exposes, whose skips checkov must have read.
        assert!(
            !failed.is_empty() || skipped > 0,
            "checkov reported no skipped check in {kept}: it no longer reads vpcegen's skip comments"
        );
        panic!(
            "checkov: {} failed checks (output kept in {kept}):\n  {}",
            failed.len(),
            failed.join("\n  ")
        );
    }
    eprintln!("checkov: {resources} resources, no failed check, {skipped} skipped with a reason");
    if std::env::var_os("VPCEGEN_SCAN_KEEP").is_some() {
        eprintln!("kept in {}", keep());
    }
}
