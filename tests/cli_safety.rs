//! Commands that print never panic and never exit 0 when what they printed
//! was lost; arguments that would print nonsense are refused; `init` never
//! writes through a link or a name that breaks its own starter.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn vpcegen() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vpcegen"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every command that prints to standard output, with arguments that make
/// it print something.
const PRINTERS: &[&[&str]] = &[
    &["completions", "bash"],
    &["completions", "zsh"],
    &["schema"],
    &["man"],
    &["services"],
    &["services", "--region", "eu-west-1"],
    &["explain", "specs/seed-article/service-a.toml"],
    &["validate", "specs/seed-article/service-a.toml"],
    &["--help"],
];

fn run_into(args: &[&str], stdout: impl Into<Stdio>) -> Output {
    vpcegen()
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_full_disk_on_stdout_is_an_error_never_a_panic_nor_success() {
    for args in PRINTERS {
        if args == &["--help"] {
            continue; // clap prints help itself, before vpcegen runs
        }
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = run_into(args, full);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            err.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_a_failing_exit_code() {
    for args in PRINTERS {
        if args == &["--help"] {
            continue;
        }
        // The reading end is closed before vpcegen starts, so every write
        // fails with EPIPE however small the output.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = run_into(args, writer);
        let err = text(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            !err.contains("cannot write"),
            "{args:?}: a closed pipe is not worth a message: {err}"
        );
    }
}

#[test]
fn gb_per_month_must_be_a_finite_amount() {
    for bad in ["NaN", "inf", "-inf", "-1", "-0.5"] {
        let flag = format!("--gb-per-month={bad}");
        let o = run_into(
            &["explain", "specs/seed-article/service-a.toml", &flag],
            Stdio::piped(),
        );
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad}: {err}");
        assert!(o.stdout.is_empty(), "{bad}: nothing printed");
        assert!(err.contains("--gb-per-month"), "{bad}: {err}");
        assert!(
            err.contains("0 or more") || err.contains("not a number"),
            "{err}"
        );
    }
    let o = run_into(
        &[
            "explain",
            "specs/seed-article/service-a.toml",
            "--gb-per-month",
            "100",
        ],
        Stdio::piped(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!out.contains("$-") && !out.contains("$inf") && !out.contains("$NaN"));
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere.toml");
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("vpcegen.toml")).unwrap();
    let o = vpcegen()
        .current_dir(dir.path())
        .args(["init"])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("`vpcegen.toml` exists"), "{err}");
    assert!(!elsewhere.exists(), "nothing written through the link");
    // The schema beside it: a dangling link by that name is left alone too.
    let dir = tempfile::tempdir().unwrap();
    let schema_target = dir.path().join("schema-elsewhere.json");
    std::os::unix::fs::symlink(&schema_target, dir.path().join("vpcegen.schema.json")).unwrap();
    let o = vpcegen()
        .current_dir(dir.path())
        .args(["init"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!schema_target.exists(), "nothing written through the link");
}

#[test]
fn init_refuses_a_file_name_that_would_break_the_starter() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "a\nname = \"evil\"\n.toml",
        "tab\there.toml",
        "esc\x1b[31m.toml",
    ] {
        let o = vpcegen()
            .current_dir(dir.path())
            .args(["init", name])
            .output()
            .unwrap();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name:?}: {err}");
        assert!(err.contains("control character"), "{err}");
        assert!(!err.contains('\x1b'), "no raw escape reaches the terminal");
        assert!(!Path::new(&dir.path().join(name)).exists());
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn plain_errors_show_control_characters_escaped() {
    let o = vpcegen()
        .args([
            "init",
            "/nonexistent-dir/x.toml",
            "--name",
            "bad\x1b[2Jname",
        ])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(err.contains("bad\\u{1b}[2Jname"), "{err:?}");
}
