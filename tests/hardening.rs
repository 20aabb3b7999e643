//! Faults and determinism: a write interrupted at any step leaves the output
//! as it was; nothing outside `--out` is touched; the same specs give the
//! same bytes whatever the order, directory, home, locale or time zone.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use vpcegen::output::{self, Faults, Folder};
use vpcegen::render::{CfnFormat, Engine, Target};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` with its bytes (hidden ones included, so staged
/// temporaries and backups would show).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(base).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

fn folders(spec: &Path, out: &Path, target: Target) -> Vec<Folder> {
    let compiled = vpcegen::compile(&[spec.to_path_buf()], Some(target), false);
    assert!(
        compiled.ok(),
        "{}",
        compiled.diagnostics.render(&compiled.sources, true)
    );
    let engine = Engine::new(None).unwrap();
    compiled
        .models()
        .unwrap()
        .iter()
        .map(|m| Folder {
            dir: out.join(&m.name),
            files: vpcegen::render_model(m, &engine, target, CfnFormat::Yaml).unwrap(),
        })
        .collect()
}

fn write_spec(dir: &Path, services: &str) -> PathBuf {
    let spec = dir.join("spec.toml");
    std::fs::write(
        &spec,
        format!(
            "version = 1\nname = \"faulty\"\n[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\nroute_tables = [\"rtb-0123456789abcdef0\"]\n[reach]\nservices = [{services}]\n"
        ),
    )
    .unwrap();
    spec
}

/// For every n, fail the n-th filesystem operation of a build that replaces
/// files, creates one and removes a stale one: the folder is either exactly
/// as before or exactly the new build, never in between.
#[test]
fn an_interrupted_write_leaves_the_folder_as_it_was() {
    for kind in [
        ErrorKind::StorageFull,
        ErrorKind::PermissionDenied,
        ErrorKind::Other,
    ] {
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("out");
        // The old build: gateway and interface endpoints, as Terraform...
        let spec = write_spec(work.path(), "\"s3\", \"logs\"");
        output::write_all(&folders(&spec, &out, Target::Terraform)).unwrap();
        let before = tree(&out);
        // ...the new one: a different set of endpoints (endpoints.tf, main.tf
        // and outputs.tf change) and no gateway endpoint.
        let spec = write_spec(work.path(), "\"sqs\", \"sts\"");
        let new = folders(&spec, &out, Target::Terraform);
        let mut n = 0;
        let mut failures = 0;
        loop {
            let mut faults = Faults::at(n, kind);
            match output::write_all_with(&new, &mut faults) {
                Err(e) => {
                    failures += 1;
                    assert_eq!(
                        tree(&out),
                        before,
                        "after a failure at step {n} ({kind:?}): {e}"
                    );
                    assert!(e.contains("cannot"), "{e}");
                    n += 1;
                }
                Ok(_) => {
                    assert!(
                        faults.count() <= n,
                        "succeeded although step {n} was to fail"
                    );
                    break;
                }
            }
            assert!(n < 100, "the write never completed");
        }
        assert!(failures >= 6, "{failures} steps were failed in turn");
        println!(
            "faults: {failures} filesystem steps failed in turn with {kind:?}, each left the folder as it was"
        );
        let after = tree(&out);
        let expected: BTreeMap<String, Vec<u8>> = new[0]
            .files
            .iter()
            .map(|f| {
                (
                    format!("faulty/{}", f.path),
                    f.contents.clone().into_bytes(),
                )
            })
            .collect();
        assert_eq!(
            after, expected,
            "the completed write is exactly the new build"
        );
    }
}

/// Several folders are staged on several threads: a failure at any step,
/// in whichever folder it falls, still leaves every folder as it was.
#[test]
fn an_interrupted_write_of_many_folders_leaves_all_as_they_were() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let specs = |services: &str| -> Vec<Folder> {
        (0..6)
            .flat_map(|i| {
                let dir = work.path().join(format!("s{i}"));
                std::fs::create_dir_all(&dir).unwrap();
                let spec = write_spec(&dir, services);
                let text = std::fs::read_to_string(&spec)
                    .unwrap()
                    .replace("\"faulty\"", &format!("\"faulty-{i}\""));
                std::fs::write(&spec, text).unwrap();
                folders(&spec, &out, Target::Terraform)
            })
            .collect()
    };
    // Four folders exist; the new build changes them and adds two.
    output::write_all(&specs("\"s3\", \"logs\"")[..4]).unwrap();
    let before = tree(&out);
    let new = specs("\"sqs\", \"sts\"");
    let mut n = 0;
    loop {
        let mut faults = Faults::at(n, ErrorKind::StorageFull);
        match output::write_all_with(&new, &mut faults) {
            Err(e) => assert_eq!(tree(&out), before, "after a failure at step {n}: {e}"),
            Ok(_) => break,
        }
        n += 1;
        assert!(n < 400, "the write never completed");
    }
    assert!(n >= 30, "only {n} steps were failed in turn");
    assert_eq!(tree(&out).len(), 6 * 5, "six folders of five files");
}

/// A build into a folder that does not exist yet, failing at every step,
/// leaves nothing behind, not even the folder.
#[test]
fn an_interrupted_first_build_leaves_nothing() {
    let work = tempfile::tempdir().unwrap();
    let spec = write_spec(work.path(), "\"s3\", \"logs\"");
    let out = work.path().join("deep/out");
    let new = folders(&spec, &out, Target::Cloudformation);
    let mut failed = 0;
    for n in 0.. {
        match output::write_all_with(&new, &mut Faults::at(n, ErrorKind::StorageFull)) {
            Err(e) => {
                failed += 1;
                assert!(!work.path().join("deep").exists(), "step {n}: {e}");
                assert!(e.contains("no space left on the device"), "{e}");
            }
            Ok(_) => break,
        }
        assert!(n < 50);
    }
    assert!(out.join("faulty/template.yaml").exists());
    println!(
        "faults: {failed} filesystem steps of a first build failed in turn with StorageFull, each left nothing behind"
    );
}

#[test]
fn an_output_path_that_is_a_file_is_a_clear_error() {
    let work = tempfile::tempdir().unwrap();
    let spec = write_spec(work.path(), "\"s3\"");
    std::fs::write(work.path().join("out"), "not a folder").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(["build", "spec.toml", "--out", "out"])
        .current_dir(work.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("cannot create `out/faulty/terraform`: a file is in the way"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(work.path().join("out")).unwrap(),
        "not a folder"
    );
    let _ = spec;
}

/// Only `--out` changes: the folder around it, the specs and their
/// policies stay byte for byte the same.
#[test]
fn nothing_outside_out_is_written() {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&root().join("specs"), work.path());
    let before = tree(work.path());
    for args in [
        &[
            "build",
            "fargate-baseline/payments.toml",
            "eks-private/spec.toml",
            "--out",
            "gen",
        ][..],
        &[
            "build",
            "seed-article/service-b.toml",
            "seed-article/service-a.toml",
            "--out",
            "gen",
        ][..],
        &[
            "build",
            "eks-private/spec.toml",
            "--target",
            "cloudformation",
            "--out",
            "gen",
        ][..],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
            .args(args)
            .current_dir(work.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut after = tree(work.path());
    after.retain(|k, _| !k.starts_with("gen/"));
    assert_eq!(after, before);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The same specs built in another order, from another directory, with
/// another HOME, locale and time zone give byte-identical output.
#[test]
fn builds_are_byte_identical_whatever_the_environment() {
    let work = tempfile::tempdir().unwrap();
    let specs = work.path().join("repo/specs");
    copy_dir(&root().join("specs"), &specs);
    let names = [
        "fargate-baseline/payments.toml",
        "eks-private/spec.toml",
        "seed-article/service-b.toml",
        "seed-article/service-a.toml",
    ];
    let run = |cwd: &Path, prefix: &str, order: &[&str], out: &Path, env: &[(&str, &str)]| {
        for target in ["terraform", "cloudformation"] {
            let mut args: Vec<String> = vec!["build".into()];
            args.extend(order.iter().map(|n| format!("{prefix}{n}")));
            let specs_for_target: Vec<String> = if target == "cloudformation" {
                // service-b uses tag lookups, which CloudFormation cannot express.
                args.iter()
                    .filter(|a| !a.contains("seed-article"))
                    .cloned()
                    .collect()
            } else {
                args.clone()
            };
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_vpcegen"));
            cmd.args(&specs_for_target)
                .args(["--target", target, "--out"])
                .arg(out.join(target))
                .current_dir(cwd);
            for (k, v) in env {
                cmd.env(k, v);
            }
            let o = cmd.output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        tree(out)
    };
    let a = run(&specs, "", &names, &work.path().join("a"), &[]);
    let reversed: Vec<&str> = names.iter().rev().copied().collect();
    let other_home = work.path().join("home");
    std::fs::create_dir_all(&other_home).unwrap();
    let b = run(
        work.path(),
        "repo/specs/",
        &reversed,
        &work.path().join("b"),
        &[
            ("HOME", other_home.to_str().unwrap()),
            ("LANG", "de_DE.UTF-8"),
            ("LC_ALL", "tr_TR.UTF-8"),
            ("TZ", "Pacific/Chatham"),
        ],
    );
    assert!(a.len() >= 20, "{} files", a.len());
    assert_eq!(a, b);
    for (name, bytes) in &a {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(work.path().to_str().unwrap()),
            "{name} holds an absolute path"
        );
    }
}

/// The process umask, read without changing it (tests share the process).
#[cfg(target_os = "linux")]
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .expect("Linux reports the umask");
    u32::from_str_radix(line.trim(), 8).unwrap()
}

/// New files get the mode a plain write gives (not tempfile's owner-only
/// 0600), and a file that is replaced keeps the mode someone gave it.
#[cfg(target_os = "linux")]
#[test]
fn written_files_get_the_mode_a_plain_write_would() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let spec = write_spec(work.path(), "\"s3\", \"logs\"");
    output::write_all(&folders(&spec, &out, Target::Terraform)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let main = out.join("faulty/main.tf");
    assert_eq!(mode(&main), 0o666 & !umask(), "a new file");
    std::fs::set_permissions(&main, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::read(&main).unwrap();
    let spec = write_spec(work.path(), "\"sqs\", \"sts\"");
    output::write_all(&folders(&spec, &out, Target::Terraform)).unwrap();
    assert_ne!(
        std::fs::read(&main).unwrap(),
        before,
        "main.tf was replaced"
    );
    assert_eq!(mode(&main), 0o640, "a replaced file keeps its mode");
}

/// An empty file where a generated one goes (what a crash right after a
/// build can leave) holds nothing to lose and is overwritten; a file with
/// content but no mark is still refused.
#[test]
fn an_empty_file_in_the_way_is_overwritten() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let spec = write_spec(work.path(), "\"s3\", \"logs\"");
    let new = folders(&spec, &out, Target::Terraform);
    std::fs::create_dir_all(out.join("faulty")).unwrap();
    std::fs::write(out.join("faulty/main.tf"), "").unwrap();
    output::write_all(&new).unwrap();
    let main = std::fs::read_to_string(out.join("faulty/main.tf")).unwrap();
    assert!(main.starts_with("# Generated by vpcegen"), "{main}");

    std::fs::write(out.join("faulty/main.tf"), "\n").unwrap();
    let e = output::write_all(&new).unwrap_err();
    assert!(e.contains("refusing to overwrite"), "{e}");
}

/// Templates rendered side by side (as for one large spec) give exactly
/// what rendering them one after the other gives, in the caller's order,
/// each passed through `finish`; a failing template fails the whole call.
#[test]
fn templates_render_the_same_side_by_side() {
    let work = tempfile::tempdir().unwrap();
    let tpl = work.path().join("terraform");
    std::fs::create_dir_all(&tpl).unwrap();
    let names = [
        "versions.tf",
        "variables.tf",
        "main.tf",
        "endpoints.tf",
        "privatelink.tf",
        "outputs.tf",
    ];
    for (i, name) in names.iter().enumerate() {
        std::fs::write(
            tpl.join(format!("{name}.tera")),
            format!("{i} {{% for x in items %}}{{{{ x }}}},{{% endfor %}}"),
        )
        .unwrap();
    }
    let engine = Engine::new(Some(work.path())).unwrap();
    let templates: Vec<String> = names
        .iter()
        .map(|n| format!("terraform/{n}.tera"))
        .collect();
    let templates: Vec<&str> = templates.iter().map(String::as_str).collect();
    let view = serde_json::json!({ "items": (0..2000).collect::<Vec<_>>() });
    // Which template (its first character) and how long its text is.
    let finish = |t: String| format!("{}:{}", &t[..1], t.len());
    let one_by_one = engine.render_all(&templates, &view, finish, false).unwrap();
    for _ in 0..20 {
        let side_by_side = engine.render_all(&templates, &view, finish, true).unwrap();
        assert_eq!(side_by_side, one_by_one);
    }
    let expected: Vec<String> = (0..names.len())
        .map(|i| format!("{i}:{}", one_by_one[0].len() - 2))
        .collect();
    assert_eq!(one_by_one.len(), names.len());
    assert!(
        one_by_one
            .iter()
            .enumerate()
            .all(|(i, t)| t.starts_with(&format!("{i}:"))),
        "{one_by_one:?} / {expected:?}"
    );

    std::fs::write(tpl.join("main.tf.tera"), "{{ missing.field }}").unwrap();
    let engine = Engine::new(Some(work.path())).unwrap();
    let e = engine
        .render_all(&templates, &view, finish, true)
        .unwrap_err();
    assert!(
        e.contains("template `terraform/main.tf.tera` failed"),
        "{e}"
    );
}

/// Staged files are closed once written: a build of many specs must not
/// need one open file per generated file. Before, 60 specs (300 files)
/// under a limit of 64 open files failed with "Too many open files", and
/// so did any organisation of ~170 specs under the common default of 1,024.
#[cfg(unix)]
#[test]
fn a_build_of_many_specs_stays_within_a_low_open_file_limit() {
    let work = tempfile::tempdir().unwrap();
    let specs: Vec<PathBuf> = (0..60)
        .map(|i| {
            let dir = work.path().join(format!("s{i}"));
            std::fs::create_dir_all(&dir).unwrap();
            let spec = write_spec(&dir, "\"s3\", \"sts\"");
            let text = std::fs::read_to_string(&spec)
                .unwrap()
                .replace("\"faulty\"", &format!("\"team-{i:02}\""));
            std::fs::write(&spec, text).unwrap();
            spec
        })
        .collect();
    let out = work.path().join("out");
    let build = |extra: &str| {
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -n 64 && out=$1 && shift && exec \"$0\" build {extra} --out \"$out\" \"$@\""
            ))
            .arg(env!("CARGO_BIN_EXE_vpcegen"))
            .arg(&out)
            .args(&specs)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "build {extra} under `ulimit -n 64` failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    // A first build creates every file; moved into the old flat layout,
    // a second, for the other target, removes them all; a third puts
    // them back beside it. Each stages far more than 64 files.
    build("");
    let first = tree(&out);
    assert_eq!(first.len(), 60 * 5, "sixty folders of five files");
    for i in 0..60 {
        let spec = out.join(format!("team-{i:02}"));
        for e in std::fs::read_dir(spec.join("terraform")).unwrap() {
            let e = e.unwrap();
            std::fs::rename(e.path(), spec.join(e.file_name())).unwrap();
        }
        std::fs::remove_dir(spec.join("terraform")).unwrap();
    }
    build("--target cloudformation");
    let second = tree(&out);
    assert_eq!(second.len(), 60, "one template per folder");
    assert!(
        second
            .keys()
            .all(|k| k.ends_with("/cloudformation/template.yaml")),
        "{:?}",
        second.keys().next()
    );
    build("");
    let third = tree(&out);
    assert_eq!(third.len(), 60 * 6, "both targets side by side");
    assert!(first.iter().all(|(k, v)| third.get(k) == Some(v)));
}
