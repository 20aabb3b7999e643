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
    std::fs::write(d.join("x.toml"), spec("x")).unwrap();
    assert!(vpcegen(d, &["build", "x.toml"]).status.success());
    // Move it into the old layout, and add a note of the user's.
    let (flat, tf) = (d.join("out/x"), d.join("out/x/terraform"));
    for e in std::fs::read_dir(&tf).unwrap() {
        let e = e.unwrap();
        std::fs::rename(e.path(), flat.join(e.file_name())).unwrap();
    }
    std::fs::remove_dir(&tf).unwrap();
    std::fs::write(flat.join("notes.md"), "mine\n").unwrap();

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
