//! The scenario corpus, snapshotted.
//!
//! - `tests/cases/<scenario>/spec.toml`: valid specs. Snapshots: the expanded
//!   model, every Terraform file, the CloudFormation template in YAML and JSON
//!   (or, for specs CloudFormation cannot express, the diagnostics a user
//!   sees), and the warnings if there are any.
//! - `tests/errors/<scenario>/spec.toml`: invalid specs. Snapshot: exactly
//!   the text `vpcegen build` prints on stderr; the binary must also exit 1
//!   and write nothing.
//!
//! A scenario folder may instead hold a file named `build` listing spec files
//! or folders of specs (one per line, relative to the folder; blank lines
//! and `#` comments ignored): those are built together, in that order, as
//! `vpcegen build a.toml b.toml` would. Each spec's outputs are then
//! snapshotted under its `name` (`<name>__model.snap`), and
//! the warnings or errors of the combined build once for the scenario.
//! In an error scenario, a file named `target` holding `cloudformation`
//! builds for that target, and a file named `deny_warnings` builds with
//! `--deny-warnings`.
//!
//! Snapshots live in the top-level `snapshots/` folder, one subfolder per
//! scenario mirroring `tests/`: `snapshots/cases/<scenario>/model.snap`,
//! `snapshots/cases/<scenario>/terraform__main.tf.snap`,
//! `snapshots/errors/<scenario>/error.snap`. Each test also checks that its
//! folder holds no snapshot that no scenario asserts (insta would not notice).
//! Paths are relative to the crate root (cargo runs tests there), so they
//! read the way a user would see them.
//!
//! Update with `INSTA_UPDATE=always cargo test --test snapshots`, after
//! reading every changed file.

use std::path::{Path, PathBuf};
use std::process::Command;
use vpcegen::render::{CfnFormat, Engine, File, Target};

/// The spec's path relative to the crate root, as a user would type it.
fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    path.strip_prefix(&root)
        .unwrap_or_else(|_| panic!("{} is not under the crate root", path.display()))
        .to_path_buf()
}

fn scenario(path: &Path) -> String {
    path.parent()
        .and_then(Path::file_name)
        .expect("scenario folder")
        .to_string_lossy()
        .into_owned()
}

/// The specs a scenario builds, relative to the crate root: the ones its
/// `build` file lists, in order, or its `spec.toml`. `None` for a
/// `spec.toml` beside a `build` file (the `build` file speaks for the folder).
fn scenario_specs(path: &Path) -> Option<Vec<PathBuf>> {
    let dir = path.parent().expect("scenario folder");
    if path.file_name().is_some_and(|f| f == "build") {
        let text = std::fs::read_to_string(path).expect("build file reads");
        let specs: Vec<PathBuf> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let p = dir.join(l);
                assert!(p.exists(), "{}: `{l}` does not exist", path.display());
                relative(&p)
            })
            .collect();
        assert!(!specs.is_empty(), "{}: lists no spec", path.display());
        Some(specs)
    } else if dir.join("build").is_file() {
        None
    } else {
        Some(vec![relative(path)])
    }
}

/// Snapshots in `snapshots/<kind>/<scenario>/`, named by us rather than by
/// glob's suffix.
fn bound<R>(kind: &str, scenario: &str, f: impl FnOnce() -> R) -> R {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(format!("../snapshots/{kind}/{scenario}"));
    s.set_prepend_module_to_snapshot(false);
    s.remove_snapshot_suffix();
    s.set_omit_expression(true);
    s.bind(f)
}

fn engine() -> Engine {
    Engine::new(None).expect("built-in templates parse")
}

fn render(model: &vpcegen::model::Model, target: Target, format: CfnFormat) -> Vec<File> {
    vpcegen::render_model(model, &engine(), target, format)
        .unwrap_or_else(|e| panic!("rendering {} failed: {e}", model.source))
}

fn snapshot_files(prefix: &str, files: &[File], used: &mut Vec<String>) {
    for f in files {
        let name = format!("{prefix}__{}", f.path);
        insta::assert_snapshot!(name.clone(), &f.contents);
        used.push(name);
    }
}

/// Fails on any file under `snapshots/<kind>/` that is not one of `used`
/// (`<scenario>/<name>`): insta itself only sees the snapshots asserted.
/// Skipped under `INSTA_GLOB_FILTER`, which asserts only some scenarios.
fn no_orphans(kind: &str, used: &[String]) {
    if std::env::var_os("INSTA_GLOB_FILTER").is_some() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(kind);
    let used: std::collections::BTreeSet<String> =
        used.iter().map(|u| format!("{u}.snap")).collect();
    let mut orphans = Vec::new();
    for scenario in std::fs::read_dir(&dir).unwrap() {
        let scenario = scenario.unwrap().path();
        let entries: Vec<PathBuf> = if scenario.is_dir() {
            std::fs::read_dir(&scenario)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect()
        } else {
            vec![scenario.clone()]
        };
        for p in entries {
            let rel = p
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // insta's own pending files, gitignored.
            if rel.ends_with(".snap.new") || rel.ends_with(".pending-snap") {
                continue;
            }
            if !used.contains(&rel) {
                orphans.push(format!("snapshots/{kind}/{rel}"));
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots no scenario asserts (remove them, or the scenario lost an output):\n  {}",
        orphans.join("\n  ")
    );
}

/// The Terraform files a model renders to, in order.
fn terraform_files(model: &vpcegen::model::Model) -> Vec<&'static str> {
    let mut names = vec!["versions.tf", "variables.tf", "main.tf"];
    if !model.endpoints.is_empty() {
        names.push("endpoints.tf");
    }
    if !model.exposes.is_empty() || !model.connects.is_empty() || !model.gwlb_endpoints.is_empty() {
        names.push("privatelink.tf");
    }
    if model.hub.is_some() || model.spoke.is_some() {
        names.push("share.tf");
    }
    names.push("outputs.tf");
    names
}

#[test]
fn valid_cases() {
    // `<scenario>/<snapshot name>` of every snapshot asserted.
    let mut used: Vec<String> = Vec::new();
    insta::glob!("cases/*/{spec.toml,build}", |path| {
        let Some(specs) = scenario_specs(path) else {
            return;
        };
        let name = scenario(path);
        // `e2e-*` cases belong to tests/e2e.rs, which deploys them.
        if name.starts_with("e2e-") {
            return;
        }
        // One spec keeps the scenario's own names; several are told apart
        // by their `name`.
        let prefix = |model: &vpcegen::model::Model, what: &str| {
            if specs.len() == 1 {
                what.to_string()
            } else {
                format!("{}__{what}", model.name)
            }
        };
        let mut mine: Vec<String> = Vec::new();
        bound("cases", &name, || {
            // Terraform: model, warnings, every file.
            let tf = vpcegen::compile(&specs, Some(Target::Terraform), false);
            let report = tf.diagnostics.render(&tf.sources, true);
            assert!(tf.ok(), "{name} should be valid:\n{report}");
            assert_eq!(
                tf.models().unwrap().len(),
                specs.len(),
                "{name}: one model per spec"
            );
            for (model, spec) in tf.models().unwrap().iter().zip(&specs) {
                assert_eq!(model.source, spec.to_string_lossy().replace('\\', "/"));
            }
            if !tf.diagnostics.is_empty() {
                insta::assert_snapshot!("warnings", report);
                mine.push("warnings".into());
            }
            for model in &tf.models().unwrap() {
                let snap = prefix(model, "model");
                insta::assert_snapshot!(
                    snap.clone(),
                    serde_json::to_string_pretty(model).expect("models serialize")
                );
                mine.push(snap);
                let files = render(model, Target::Terraform, CfnFormat::Yaml);
                let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
                assert_eq!(names, terraform_files(model), "{name}");
                for f in &files {
                    assert!(
                        f.contents
                            .starts_with(&format!("# Generated by vpcegen from {}.", model.source)),
                        "{} has no generated mark",
                        f.path
                    );
                }
                snapshot_files(&prefix(model, "terraform"), &files, &mut mine);
            }

            // CloudFormation: both formats, or the reason it cannot be built.
            let cfn = vpcegen::compile(&specs, Some(Target::Cloudformation), false);
            if cfn.ok() {
                assert_eq!(
                    cfn.models().unwrap().len(),
                    specs.len(),
                    "{name}: one model per spec"
                );
                for model in &cfn.models().unwrap() {
                    for format in [CfnFormat::Yaml, CfnFormat::Json] {
                        let files = render(model, Target::Cloudformation, format);
                        assert_eq!(files.len(), 1);
                        match format {
                            CfnFormat::Yaml => {
                                yaml_serde::from_str::<yaml_serde::Value>(&files[0].contents)
                                    .unwrap_or_else(|e| panic!("{name}: YAML does not parse: {e}"));
                            }
                            CfnFormat::Json => {
                                serde_json::from_str::<serde_json::Value>(&files[0].contents)
                                    .unwrap_or_else(|e| panic!("{name}: JSON does not parse: {e}"));
                            }
                        }
                        snapshot_files(&prefix(model, "cloudformation"), &files, &mut mine);
                    }
                }
            } else {
                // Only the target's own checks may fail a spec Terraform
                // accepts: tag lookups (E040), the AZs a service serves (E074),
                // fixed addresses (E076), a GWLB endpoint per subnet given at
                // deploy time (E093), a hub's zones it cannot associate (E106).
                for d in cfn.diagnostics.iter() {
                    if d.severity == vpcegen::diagnostic::Severity::Error {
                        assert!(
                            ["E040", "E074", "E076", "E093", "E106"].contains(&d.code.as_str()),
                            "{name}: unexpected CloudFormation error {}",
                            d.code
                        );
                    }
                }
                insta::assert_snapshot!(
                    "cloudformation__diagnostics",
                    cfn.diagnostics.render(&cfn.sources, true)
                );
                mine.push("cloudformation__diagnostics".into());
            }
        });
        used.extend(mine.into_iter().map(|m| format!("{name}/{m}")));
    });
    no_orphans("cases", &used);
}

#[test]
fn error_cases() {
    // Problems are collected, not raised at once, so one broken scenario does
    // not hide the others.
    let mut problems: Vec<String> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    insta::glob!("errors/*/{spec.toml,build}", |path| {
        let Some(specs) = scenario_specs(path) else {
            return;
        };
        let name = scenario(path);
        // A scenario for one target's own checks says so in a `target` file.
        let target = match std::fs::read_to_string(path.with_file_name("target")) {
            Ok(t) if t.trim() == "cloudformation" => Target::Cloudformation,
            Ok(t) => panic!("{name}: unknown target `{}`", t.trim()),
            Err(_) => Target::Terraform,
        };
        let target_arg = match target {
            Target::Terraform => "terraform",
            Target::Cloudformation => "cloudformation",
        };
        // A scenario about `--deny-warnings` has a `deny_warnings` file.
        let deny_warnings = path.with_file_name("deny_warnings").is_file();
        used.push(format!("{name}/error"));
        bound("errors", &name, || {
            let mut compiled = vpcegen::compile(&specs, Some(target), deny_warnings);
            // As `build` does: an abstract baseline named alone is refused.
            compiled.refuse_abstract();
            let text = compiled.diagnostics.render(&compiled.sources, true);
            let mut problem = |p: String| {
                eprintln!("{name}: {p}");
                problems.push(format!("{name}: {p}"));
            };
            if compiled.ok() || !compiled.is_empty() {
                problem(format!("accepted; it should be invalid:\n{text}"));
            }
            if !text.ends_with("found; nothing was written\n") {
                problem(format!(
                    "the report does not end with the summary line:\n{text}"
                ));
            }
            insta::assert_snapshot!("error", &text);

            // What a user sees: the same text, exit 1, nothing written.
            let tmp = tempfile::tempdir().expect("temp dir");
            let out = tmp.path().join("out");
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_vpcegen"));
            cmd.arg("build")
                .args(&specs)
                .args(["--target", target_arg, "--out"])
                .arg(&out);
            if deny_warnings {
                cmd.arg("--deny-warnings");
            }
            let run = cmd.output().expect("vpcegen runs");
            if run.status.code() != Some(1) {
                problem(format!("exit code {:?}, not 1", run.status.code()));
            }
            if String::from_utf8_lossy(&run.stderr) != text {
                problem(format!(
                    "stderr differs from the library's report:\n{}",
                    String::from_utf8_lossy(&run.stderr)
                ));
            }
            if !run.stdout.is_empty() {
                problem(format!(
                    "stdout is not empty: {}",
                    String::from_utf8_lossy(&run.stdout)
                ));
            }
            if out.exists() || std::fs::read_dir(tmp.path()).unwrap().count() != 0 {
                problem(format!(
                    "something was written under {}",
                    tmp.path().display()
                ));
            }
        });
    });
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    no_orphans("errors", &used);
}

/// Every file under `dir`, relative path to bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn build(spec: &Path, out: &Path, extra: &[&str]) {
    let run = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .arg("build")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("vpcegen runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}: {}",
        spec.display(),
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The same spec built twice gives byte-identical files, and those are the
/// files the snapshots show (the binary writes what the library renders).
#[test]
fn builds_are_deterministic_and_match_the_library() {
    let specs = [
        "tests/cases/extends-baseline/spec.toml",
        "tests/cases/hostile-tags/spec.toml",
        "tests/cases/policy-file-and-org/spec.toml",
        "tests/cases/non-443-ports/spec.toml",
        "tests/cases/name-formats-agnostic/spec.toml",
    ];
    let targets: [(&[&str], Target, CfnFormat); 3] = [
        (
            &["--target", "terraform"],
            Target::Terraform,
            CfnFormat::Yaml,
        ),
        (
            &["--target", "cloudformation"],
            Target::Cloudformation,
            CfnFormat::Yaml,
        ),
        (
            &["--target", "cloudformation", "--format", "json"],
            Target::Cloudformation,
            CfnFormat::Json,
        ),
    ];
    for spec in specs {
        let spec = Path::new(spec);
        for (args, target, format) in targets {
            let a = tempfile::tempdir().unwrap();
            let b = tempfile::tempdir().unwrap();
            build(spec, a.path(), args);
            build(spec, b.path(), args);
            let ta = tree(a.path());
            let tb = tree(b.path());
            assert!(!ta.is_empty());
            assert_eq!(ta, tb, "{}: two builds differ ({args:?})", spec.display());

            let compiled = vpcegen::compile(&[spec.to_path_buf()], Some(target), false);
            assert!(compiled.ok());
            let models = compiled.models().unwrap();
            let model = &models[0];
            let expected: Vec<(String, Vec<u8>)> = {
                let mut v: Vec<_> = render(model, target, format)
                    .into_iter()
                    .map(|f| {
                        (
                            format!("{}/{}/{}", model.name, target_folder(target), f.path),
                            f.contents.into_bytes(),
                        )
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(
                ta,
                expected,
                "{}: binary output differs from the library's",
                spec.display()
            );
        }
    }
}

/// Compiling twice in one process gives the same model and files.
#[test]
fn library_renders_are_deterministic() {
    let root = Path::new("tests/cases");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    folders.sort();
    assert!(folders.len() >= 16);
    for folder in &folders {
        // The specs a scenario builds together (see the module docs).
        let specs: Vec<PathBuf> = match std::fs::read_to_string(folder.join("build")) {
            Ok(list) => list
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| folder.join(l))
                .collect(),
            Err(_) => vec![folder.join("spec.toml")],
        };
        let render_all = || {
            let c = vpcegen::compile(&specs, Some(Target::Terraform), false);
            assert!(c.ok());
            let mut all = String::new();
            for m in &c.models().unwrap() {
                all.push_str(&serde_json::to_string(m).unwrap());
                for f in render(m, Target::Terraform, CfnFormat::Yaml) {
                    all.push_str(&f.contents);
                }
            }
            all
        };
        assert_eq!(render_all(), render_all(), "{}", folder.display());
    }
}

/// Listing services, bundles and tags in another order changes nothing but
/// the tags' order (which follows the spec).
#[test]
fn service_order_does_not_matter() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |file: &str, services: &str| {
        let p = tmp.path().join(file);
        std::fs::write(
            &p,
            format!("version = 1\nname = \"order\"\n\n[reach]\nservices = [{services}]\nbundles = [\"ssm\", \"ecr\"]\n"),
        )
        .unwrap();
        p
    };
    let a = write("a.toml", r#""sts", "s3", "logs", "kms""#);
    let b = write("b.toml", r#""kms", "logs", "s3", "sts""#);
    let files = |p: &Path| {
        let c = vpcegen::compile(&[p.to_path_buf()], Some(Target::Terraform), false);
        assert!(c.ok());
        let models = c.models().unwrap();
        let m = &models[0];
        render(m, Target::Terraform, CfnFormat::Yaml)
            .into_iter()
            .map(|f| f.contents.replace(&m.source, "SPEC"))
            .collect::<Vec<_>>()
    };
    assert_eq!(files(&a), files(&b));
}

/// `snapshots/` mirrors `tests/`: `cases/` and `errors/` (checked file by
/// file by the two tests above) and `workflow/`, whose every snapshot
/// `tests/workflow.rs` names; nothing else.
#[test]
fn snapshots_folder_mirrors_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut top: Vec<String> = std::fs::read_dir(root.join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["cases", "errors", "workflow"]);
    let source = std::fs::read_to_string(root.join("tests/workflow.rs")).unwrap();
    let mut seen = 0;
    for e in std::fs::read_dir(root.join("snapshots/workflow")).unwrap() {
        let file = e.unwrap().file_name().to_string_lossy().into_owned();
        if file.ends_with(".snap.new") || file.ends_with(".pending-snap") {
            continue;
        }
        let name = file
            .strip_suffix(".snap")
            .unwrap_or_else(|| panic!("snapshots/workflow/{file} is not a snapshot"));
        assert!(
            source.contains(&format!("assert_snapshot!(\"{name}\"")),
            "snapshots/workflow/{file}: tests/workflow.rs asserts no snapshot `{name}`"
        );
        seen += 1;
    }
    assert!(seen > 0, "snapshots/workflow/ is empty");
}

/// Where a build writes a target's files in a spec's folder.
fn target_folder(target: Target) -> &'static str {
    match target {
        Target::Terraform => "terraform",
        Target::Cloudformation => "cloudformation",
    }
}
