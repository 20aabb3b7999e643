//! The `vpcegen-check` hook of `.pre-commit-hooks.yaml`, run by pre-commit
//! itself (`pre-commit try-repo`) in a temporary git repository that holds
//! a clean spec under `specs/` and its built output under `out/`: the hook
//! passes, then fails once a generated file drifts.
//!
//! The hook is `language: rust`, so pre-commit `cargo install`s this
//! repository (as committed, plus staged and modified tracked files: a new
//! hooks file must be staged) once per run. `CARGO_TARGET_DIR` points at
//! `target/pre-commit`, kept between runs so that only vpcegen itself is
//! recompiled (not `target/`, which the running `cargo test` locks).
//! pre-commit (pinned in `tests/requirements.txt`) and git must be on PATH:
//! `scripts/test` puts `.venv/bin` there. Without them the test fails; it
//! never skips. Ignored by a plain `cargo test`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `program` with `args` in `dir`; panics (naming the tool) when it
/// cannot be started.
fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/pre-commit"))
        .env("CARGO_NET_OFFLINE", "true")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}): it must be on PATH (`scripts/test` puts .venv/bin first)")
        })
}

fn ok(dir: &Path, program: &str, args: &[&str]) {
    let out = run(dir, program, args);
    assert!(out.status.success(), "{program} {args:?}: {}", text(&out));
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A git repository with one clean spec and the output `vpcegen build`
/// writes for it, committed.
fn repo_with_a_built_spec() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).expect("specs folder");
    std::fs::copy(
        root().join("tests/cases/bundle-ecs-ec2/spec.toml"),
        specs.join("app.toml"),
    )
    .expect("copy the spec");
    // In the repository first: the generated headers name the spec
    // relative to it.
    ok(dir.path(), "git", &["init", "-q"]);
    ok(
        dir.path(),
        env!("CARGO_BIN_EXE_vpcegen"),
        &["build", "specs"],
    );
    ok(dir.path(), "git", &["add", "-A"]);
    ok(dir.path(), "git", &["commit", "-qm", "specs and output"]);
    dir
}

fn try_repo(dir: &Path) -> Output {
    let here = root();
    let here = here.to_str().expect("a UTF-8 repository path");
    run(
        dir,
        "pre-commit",
        &[
            "try-repo",
            here,
            "vpcegen-check",
            "--files",
            "specs/app.toml",
        ],
    )
}

#[test]
#[ignore = "needs pre-commit and git: run scripts/test"]
fn the_check_hook_passes_on_built_specs_and_fails_on_drift() {
    let dir = repo_with_a_built_spec();
    let started = std::time::Instant::now();
    let clean = try_repo(dir.path());
    assert!(clean.status.success(), "clean: {}", text(&clean));
    eprintln!("first try-repo (cargo install): {:?}", started.elapsed());

    let tf = dir.path().join("out/ecs-cluster/terraform/endpoints.tf");
    let mut drifted = std::fs::read_to_string(&tf).expect("the built endpoints.tf");
    drifted.push_str("# edited by hand\n");
    std::fs::write(&tf, drifted).expect("drift the output");
    let started = std::time::Instant::now();
    let drift = try_repo(dir.path());
    eprintln!("second try-repo: {:?}", started.elapsed());
    assert!(!drift.status.success(), "drift passed: {}", text(&drift));
    assert!(
        text(&drift).contains("endpoints.tf"),
        "the failure names the drifted file: {}",
        text(&drift)
    );
}
