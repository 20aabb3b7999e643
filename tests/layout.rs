//! The output layout: each target in its own folder of the spec's folder,
//! the old flat layout moved out of the way, `abstract` baselines, and
//! folders of specs given to `build`, `validate` and `build --check`.

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

fn spec(name: &str) -> String {
    format!(
        "version = 1\nname = \"{name}\"\n[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\nroute_tables = [\"rtb-0123456789abcdef0\"]\n[reach]\nservices = [\"s3\", \"sts\"]\n"
    )
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                walk(base, &e.path(), out);
            } else {
                let p = e.path();
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn both_targets_are_written_side_by_side() {
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    std::fs::write(d.join("x.toml"), spec("x")).unwrap();
    let o = vpcegen(d, &["build", "x.toml"]);
    assert_eq!(text(&o.stdout), "wrote out/x/terraform/ (5 files)\n");
    let o = vpcegen(d, &["build", "x.toml", "--target", "cloudformation"]);
    assert_eq!(text(&o.stdout), "wrote out/x/cloudformation/ (1 file)\n");
    let o = vpcegen(
        d,
        &[
            "build",
            "x.toml",
            "-t",
            "cloudformation",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        files(&d.join("out")),
        [
            "x/cloudformation/template.json",
            "x/terraform/endpoints.tf",
            "x/terraform/main.tf",
            "x/terraform/outputs.tf",
            "x/terraform/variables.tf",
            "x/terraform/versions.tf",
        ]
    );
    for target in ["terraform", "cloudformation"] {
        let mut args = vec!["build", "x.toml", "--check", "-t", target];
        if target == "cloudformation" {
            args.extend(["--format", "json"]);
        }
        let o = vpcegen(d, &args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    }
}

/// What an older vpcegen wrote straight in `out/x/` is reported by
/// `--check` and removed by the next build, with a note; a hand-written
/// file there stays.
#[test]
fn the_old_flat_layout_is_reported_then_removed() {
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    flat_build(d);
    let flat = d.join("out/x");

    let o = vpcegen(d, &["build", "x.toml", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let report = text(&o.stdout);
    assert!(
        report.contains("extra: out/x/main.tf (generated in the old flat layout, before each target had its own folder; the next `vpcegen build` removes it)\n"),
        "{report}"
    );
    assert!(report.contains("0 changed, 5 missing, 5 extra"), "{report}");
    assert!(!report.contains("notes.md"), "{report}");

    let o = vpcegen(d, &["build", "x.toml", "--target", "cloudformation"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        "note: out/x/ used the old flat layout: removed the 5 file(s) vpcegen had generated there; the cloudformation files are now in out/x/cloudformation/\n"
    );
    assert_eq!(text(&o.stdout), "wrote out/x/cloudformation/ (1 file)\n");
    assert_eq!(
        files(&d.join("out")),
        ["x/cloudformation/template.yaml", "x/notes.md"]
    );
    assert_eq!(
        std::fs::read_to_string(flat.join("notes.md")).unwrap(),
        "mine\n"
    );
    let o = vpcegen(d, &["build", "x.toml"]);
    assert_eq!(text(&o.stderr), "", "no note once the old files are gone");
}

/// A folder of specs: a baseline (abstract), two teams extending it in
/// nested folders, a hidden folder, and a spec named as a file.
fn org(d: &Path) {
    let files = [
        (
            "specs/baseline.toml",
            "version = 1\nname = \"org\"\nabstract = true\n[reach]\nservices = [\"s3\"]\n"
                .to_string(),
        ),
        (
            "specs/teams/b.toml",
            spec("team-b").replace(
                "version = 1\n",
                "version = 1\nextends = [\"../baseline.toml\"]\n",
            ),
        ),
        ("specs/a.toml", spec("team-a")),
        ("specs/teams/deep/c.toml", spec("team-c")),
        ("specs/.drafts/d.toml", spec("team-d")),
        ("specs/notes.md", "not a spec\n".to_string()),
        ("other/x.toml", spec("x")),
    ];
    for (file, text) in files {
        let p = d.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn a_folder_builds_every_spec_under_it_in_sorted_order() {
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    org(d);
    let o = vpcegen(d, &["build", "specs", "other/x.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let wrote = "wrote out/team-a/terraform/ (5 files)\nwrote out/team-b/terraform/ (5 files)\nwrote out/team-c/terraform/ (5 files)\nwrote out/x/terraform/ (5 files)\n";
    assert_eq!(text(&o.stdout), wrote);
    // The same order whatever order the folder lists its files in, and
    // the same files; the baseline is extended, never built.
    let o = vpcegen(d, &["build", "other/x.toml", "specs/"]);
    assert!(text(&o.stdout).starts_with("wrote out/x/terraform/"));
    assert!(!d.join("out/org").exists() && !d.join("out/team-d").exists());
    let o = vpcegen(d, &["build", "--check", "specs", "other/x.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let o = vpcegen(d, &["validate", "specs"]);
    assert_eq!(
        text(&o.stdout),
        "specs/a.toml: ok (2 endpoints)\nspecs/teams/b.toml: ok (2 endpoints)\nspecs/teams/deep/c.toml: ok (2 endpoints)\n"
    );
}

#[test]
fn an_abstract_baseline_is_refused_alone_and_validated_as_such() {
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    org(d);
    let o = vpcegen(d, &["build", "specs/baseline.toml", "specs/a.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert!(
        e.starts_with("error[E053]: `specs/baseline.toml` is an abstract baseline: it is only ever extended, never built alone\n --> specs/baseline.toml:3:12\n"),
        "{e}"
    );
    assert!(
        e.contains("= help: build the specs that extend it (`extends = [...]`); `vpcegen build DIR` builds every spec under DIR and skips abstract baselines"),
        "{e}"
    );
    assert!(!d.join("out").exists(), "nothing is written");
    let o = vpcegen(d, &["validate", "specs/baseline.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "specs/baseline.toml: ok (abstract baseline, 1 endpoint; built only through the specs that extend it)\n"
    );
    // Not inherited: the team that extends it builds.
    let o = vpcegen(d, &["build", "specs/teams/b.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn a_folder_with_no_spec_to_build_is_an_error() {
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    std::fs::create_dir_all(d.join("empty/.git")).unwrap();
    std::fs::write(d.join("empty/.git/x.toml"), spec("x")).unwrap();
    let o = vpcegen(d, &["build", "empty"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).starts_with(
            "error[E054]: no spec in `empty`: no `*.toml` file under it, outside hidden folders\n"
        ),
        "{}",
        text(&o.stderr)
    );
    org(d);
    std::fs::remove_dir_all(d.join("specs/teams")).unwrap();
    std::fs::remove_file(d.join("specs/a.toml")).unwrap();
    let o = vpcegen(d, &["validate", "specs"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).starts_with("error[E054]: no spec to build in `specs`: its 1 `*.toml` file(s) are all baselines marked `abstract = true`\n"),
        "{}",
        text(&o.stderr)
    );
    assert!(!d.join("out").exists());
}

/// Every file under `dir` with its bytes, hidden ones included.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// Builds `x.toml` in `d`, then moves the module into the old flat layout
/// (`out/x/`) beside a note of the user's.
fn flat_build(d: &Path) {
    std::fs::write(d.join("x.toml"), spec("x")).unwrap();
    assert!(vpcegen(d, &["build", "x.toml"]).status.success());
    let (flat, tf) = (d.join("out/x"), d.join("out/x/terraform"));
    for e in std::fs::read_dir(&tf).unwrap() {
        let e = e.unwrap();
        std::fs::rename(e.path(), flat.join(e.file_name())).unwrap();
    }
    std::fs::remove_dir(&tf).unwrap();
    std::fs::write(flat.join("notes.md"), "mine\n").unwrap();
}

/// A build that removes the old flat layout, killed at every step of its
/// write: recovering gives exactly the flat layout (before the commit
/// point) or exactly the new one (after it), and never touches the note.
#[cfg(unix)]
#[test]
fn a_build_leaving_the_flat_layout_killed_at_any_step_is_finished_or_undone() {
    use std::io::BufRead;
    let work = tempfile::tempdir().unwrap();
    let expect = work.path().join("expect");
    std::fs::create_dir(&expect).unwrap();
    flat_build(&expect);
    let before = contents(&expect.join("out"));
    assert!(vpcegen(&expect, &["build", "x.toml"]).status.success());
    let after = contents(&expect.join("out"));
    let mut steps: Vec<String> = ["journal", "staged", "planned", "committed", "cleanup:1"]
        .map(String::from)
        .to_vec();
    steps.extend((1..=12).map(|n| format!("rename:{n}")));
    let mut killed = 0;
    for step in &steps {
        let run = work.path().join(step.replace(':', "-"));
        std::fs::create_dir(&run).unwrap();
        flat_build(&run);
        let mut child = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
            .args(["build", "x.toml"])
            .current_dir(&run)
            .env("VPCEGEN_TEST_PAUSE_AFTER", step)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let paused = stderr
            .lines()
            .map_while(Result::ok)
            .any(|l| l == format!("vpcegen: paused after {step}"));
        let out = run.join("out");
        if !paused {
            assert!(child.wait().unwrap().success(), "{step}");
            assert_eq!(contents(&out), after, "{step}");
            continue;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        killed += 1;
        let notes = vpcegen::output::recover(&out).unwrap();
        assert_eq!(notes.len(), 1, "{step}: {notes:?}");
        let whole = if step == "committed" || step.starts_with("cleanup") {
            &after
        } else {
            &before
        };
        assert_eq!(&contents(&out), whole, "{step}: {notes:?}");
    }
    assert!(killed >= 10, "{killed} kills");
}
