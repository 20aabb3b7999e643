//! Files vpcegen is told to read, wherever they are named (the command
//! line, `extends`, `policy`, a `connect` spec):
//!
//! - only regular files are read, and never more than the limit: a FIFO, a
//!   device, a socket, a folder or a sparse file of gigabytes ends in a
//!   diagnostic at the line that names it, at once;
//! - `..` means what it means to the OS, also through a symbolic link;
//! - what reaches the terminal: nothing of a referenced file that is not
//!   TOML, and no control character from any spec, path or parser;
//! - positions: a key nested past the parser's limit and a byte that is not
//!   UTF-8 are reported at their line and column; a spec named twice is one.
//!
//! Every run of the binary has a deadline, so that a regression fails here
//! instead of hanging the suite.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs vpcegen in `dir`, killed if it is still running after 20 seconds.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, Command::new(env!("CARGO_BIN_EXE_vpcegen")).args(args))
}

fn run_with(dir: &Path, cmd: &mut Command) -> Run {
    // Output goes to files: a pipe nobody reads could block the child.
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let mut child = cmd
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("vpcegen {:?} still running after 20 s", cmd.get_args());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |mut f: std::fs::File| {
        use std::io::{Read, Seek};
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Run {
        code: status.code(),
        stdout: read(out),
        stderr: read(err),
    }
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const HEAD: &str = "version = 1\nname = \"files\"\n";

/// Exit 1 and each of `wanted` on stderr.
fn refused(r: &Run, wanted: &[&str]) {
    assert_eq!(r.code, Some(1), "exit code; stderr:\n{}", r.stderr);
    for w in wanted {
        assert!(r.stderr.contains(w), "no `{w}` in:\n{}", r.stderr);
    }
}

// ---------------------------------------------------------------------------
// Class 2: only regular files, never more than the limit.

/// A FIFO, a character device, a socket and a folder, each by a name in
/// `dir`, with what vpcegen should call it.
#[cfg(unix)]
fn special_files(dir: &Path) -> Vec<(&'static str, &'static str)> {
    let fifo = dir.join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.toml")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(dir.join("socket.toml")).unwrap();
    // The socket file stays after the listener is dropped.
    std::fs::create_dir(dir.join("folder.toml")).unwrap();
    vec![
        ("fifo.toml", "a named pipe (FIFO)"),
        ("zero.toml", "a character device"),
        ("socket.toml", "a socket"),
        ("folder.toml", "a folder"),
    ]
}

#[cfg(unix)]
#[test]
fn special_files_on_the_command_line_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    for (file, kind) in special_files(dir.path()) {
        let r = run_in(dir.path(), &["validate", file]);
        if kind == "a folder" {
            // A folder stands for the specs under it: here, none.
            refused(&r, &["[E054]", &format!("no spec in `{file}`")]);
            continue;
        }
        refused(
            &r,
            &["[E011]", &format!("cannot read `{file}`: it is {kind}")],
        );
    }
    // /dev/zero itself, by its own name.
    let r = run_in(dir.path(), &["validate", "/dev/zero"]);
    refused(&r, &["[E011]", "`/dev/zero`: it is a character device"]);
}

#[cfg(unix)]
#[test]
fn special_files_as_baselines_are_refused_where_named() {
    let dir = tempfile::tempdir().unwrap();
    for (file, kind) in special_files(dir.path()) {
        write(
            dir.path(),
            "spec.toml",
            &format!("{HEAD}extends = [\"{file}\"]\n"),
        );
        let r = run_in(dir.path(), &["validate", "spec.toml"]);
        refused(
            &r,
            &["[E011]", &format!("it is {kind}"), "--> spec.toml:3:12"],
        );
    }
}

#[cfg(unix)]
#[test]
fn special_files_as_policies_are_refused_where_named() {
    let dir = tempfile::tempdir().unwrap();
    for (file, kind) in special_files(dir.path()) {
        write(
            dir.path(),
            "spec.toml",
            &format!("{HEAD}[reach]\nservices = [\"s3\"]\npolicy = \"{file}\"\n"),
        );
        let r = run_in(dir.path(), &["validate", "spec.toml"]);
        refused(
            &r,
            &["[E030]", &format!("it is {kind}"), "--> spec.toml:5:10"],
        );
    }
}

#[cfg(unix)]
#[test]
fn special_files_as_connect_specs_are_refused_where_named() {
    let dir = tempfile::tempdir().unwrap();
    for (file, kind) in special_files(dir.path()) {
        write(
            dir.path(),
            "spec.toml",
            &format!(
                "{HEAD}[connect.db]\nservice_name = {{ spec = \"{file}\", expose = \"db\" }}\n"
            ),
        );
        let r = run_in(dir.path(), &["validate", "spec.toml"]);
        refused(&r, &[&format!("it is {kind}"), "--> spec.toml:4:25"]);
    }
}

/// 10 GiB that take no room: read whole, it would take 10 GiB of memory
/// (and here, with the address space limited to 1 GiB, it cannot). The
/// message gives the size in bytes, as it is.
#[cfg(target_os = "linux")]
#[test]
fn a_sparse_10_gib_policy_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("big.json")).unwrap();
    f.set_len(10 << 30).unwrap();
    write(
        dir.path(),
        "spec.toml",
        &format!("{HEAD}[reach]\nservices = [\"s3\"]\npolicy = \"big.json\"\n"),
    );
    let r = run_with(
        dir.path(),
        Command::new("sh").args([
            "-c",
            "ulimit -v 1048576 && exec \"$0\" validate spec.toml",
            env!("CARGO_BIN_EXE_vpcegen"),
        ]),
    );
    refused(
        &r,
        &[
            "[E030]",
            "it is 10737418240 bytes; policy files are limited to 1048576 bytes",
            "--> spec.toml:5:10",
        ],
    );
    assert!(!r.stderr.contains("characters"), "{}", r.stderr);
}

/// A reader that never ends and says it is empty (as `/proc` files do) is
/// read to one byte past the limit, and no further.
#[test]
fn reading_stops_one_byte_past_the_limit() {
    struct Endless(u64);
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b'#');
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
    }
    let mut endless = Endless(0);
    let limit = 4 * 1024 * 1024;
    let r = vpcegen::source::read_text_bounded(&mut endless, 0, limit);
    assert!(
        matches!(
            r,
            Err(vpcegen::source::ReadError::TooLarge {
                limit: 4194304,
                size: None
            })
        ),
        "{r:?}"
    );
    assert_eq!(endless.0, limit + 1);
}

/// Files 0 to `levels`, each extending the next one twice; the last holds
/// `last`. Read as a tree, file 0 reads the last one 2^levels times.
fn diamond(dir: &Path, levels: usize, last: &str) {
    for i in 0..levels {
        let n = i + 1;
        write(
            dir,
            &format!("b{i}.toml"),
            &format!(
                "extends = [\"b{n}.toml\", \"./b{n}.toml\"]\nversion = 1\nname = \"level-{i}\"\n"
            ),
        );
    }
    write(
        dir,
        &format!("b{levels}.toml"),
        &format!("version = 1\nname = \"last\"\n{last}"),
    );
}

#[test]
fn a_baseline_extended_from_many_places_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    diamond(dir.path(), 30, "");
    let r = run_in(dir.path(), &["validate", "b0.toml"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// `reach` lists add up across baselines: doubled at each level, the list
/// would have 2^30 entries. Refused at the level where it passes the limit.
#[test]
fn reach_lists_that_double_at_each_level_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    diamond(dir.path(), 30, "[reach]\nservices = [\"s3\", \"sqs\"]\n");
    let r = run_in(dir.path(), &["validate", "b0.toml"]);
    refused(
        &r,
        &["[E006]", "baselines hold more than 4194304 values in all"],
    );
}

/// Each spec keeps what it merged: many specs extending one large baseline
/// would each hold a copy. Counted over the specs loaded together.
#[test]
fn specs_extending_one_large_baseline_are_counted_together() {
    let dir = tempfile::tempdir().unwrap();
    let items = vec!["1"; 1_500_000].join(",");
    write(dir.path(), "base.toml", &format!("x = [{items}]\n"));
    let mut args = vec!["validate".to_string()];
    for i in 0..3 {
        let spec = format!("s{i}.toml");
        write(
            dir.path(),
            &spec,
            &format!("extends = [\"base.toml\"]\nversion = 1\nname = \"s{i}\"\n"),
        );
        args.push(spec);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run_in(dir.path(), &args);
    refused(&r, &["[E006]", "--> s2.toml:1:12"]);
}

#[test]
fn an_extends_list_of_more_than_32_baselines_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "base.toml", "[tags]\nTeam = \"x\"\n");
    // Distinct entries: a repeated one is used once (W120), and `./` makes
    // each name another entry for the same file.
    let list = (0..1_000)
        .map(|i| format!("\"{}base.toml\"", "./".repeat(i)))
        .collect::<Vec<_>>()
        .join(", ");
    write(
        dir.path(),
        "spec.toml",
        &format!("{HEAD}extends = [{list}]\n"),
    );
    let r = run_in(dir.path(), &["validate", "spec.toml"]);
    refused(
        &r,
        &["[E006]", "more than 32 baselines", "--> spec.toml:3:11"],
    );
}

/// Merging looked each key up by a search: two tables of 100,000 tags took
/// minutes. The time is the benchmark's to measure; this checks that such
/// a merge finishes and keeps every key (the 20 s guard of `run_in` fails
/// it long before the old minutes).
#[test]
fn merging_wide_tables_keeps_every_key() {
    let dir = tempfile::tempdir().unwrap();
    let tags = |prefix: &str| -> String {
        (0..100_000)
            .map(|i| format!("{prefix}{i} = \"v\"\n"))
            .collect()
    };
    write(dir.path(), "base.toml", &format!("[tags]\n{}", tags("k")));
    write(
        dir.path(),
        "spec.toml",
        &format!("extends = [\"base.toml\"]\n{HEAD}[tags]\n{}", tags("j")),
    );
    let r = run_in(dir.path(), &["validate", "spec.toml"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stderr, "", "no diagnostics");
}

// ---------------------------------------------------------------------------
// Class 8: `..` as the OS resolves it.

/// `link -> real/sub`: from `link/`, `../x` is `real/x` to the OS. A
/// different `x` at the lexical place (`./x`) must not be read.
#[cfg(unix)]
#[test]
fn dot_dot_through_a_symlinked_folder_is_resolved_by_the_os() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("real/sub")).unwrap();
    std::os::unix::fs::symlink("real/sub", d.join("link")).unwrap();
    // Baselines: the right one names the spec.
    write(d, "real/base.toml", "version = 1\nname = \"from-real\"\n");
    write(d, "base.toml", "version = 1\nname = \"lexical\"\n");
    write(
        d,
        "real/sub/spec.toml",
        "extends = [\"../base.toml\"]\n[reach]\nservices = [\"s3\"]\n",
    );
    let r = run_in(d, &["explain", "link/spec.toml"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("from-real"), "{}", r.stdout);
    assert!(!r.stdout.contains("lexical"), "{}", r.stdout);

    // Policies: the right one is a policy, the lexical one is not JSON.
    write(d, "real/p.json", "{\"Statement\": []}\n");
    write(d, "p.json", "not json\n");
    write(
        d,
        "real/sub/policy.toml",
        &format!("{HEAD}[reach]\nservices = [\"s3\"]\npolicy = \"../p.json\"\n"),
    );
    let r = run_in(d, &["validate", "link/policy.toml"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    // `connect` specs: the right one exposes `db`, the lexical one does not.
    write(
        d,
        "real/provider.toml",
        "version = 1\nname = \"provider\"\n[expose.db]\nload_balancer = { port = 5432 }\nallowed_principals = [\"arn:aws:iam::111122223333:root\"]\n",
    );
    write(d, "provider.toml", "version = 1\nname = \"provider\"\n");
    write(
        d,
        "real/sub/consumer.toml",
        "version = 1\nname = \"consumer\"\n[connect.db]\nservice_name = { spec = \"../provider.toml\", expose = \"db\" }\n",
    );
    let r = run_in(d, &["validate", "link/consumer.toml"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    // Diagnostics name the path as the OS reads it: the `..` stays.
    write(
        d,
        "real/sub/missing.toml",
        &format!("{HEAD}extends = [\"../nowhere.toml\"]\n"),
    );
    let r = run_in(d, &["validate", "link/missing.toml"]);
    refused(&r, &["cannot read `link/../nowhere.toml`: no such file"]);
}

// ---------------------------------------------------------------------------
// Class 11: what reaches the terminal.

/// A file reached by reference that is not TOML may be anything: nothing
/// of it is shown, only where it fails and the parser's message.
#[test]
fn a_referenced_file_that_is_not_toml_is_not_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "secrets.env",
        "API_TOKEN=first-secret-value\n# comment\nDB_PASSWORD=second-secret-value\n",
    );
    write(
        d,
        "extends.toml",
        &format!("{HEAD}extends = [\"secrets.env\"]\n"),
    );
    write(
        d,
        "connect.toml",
        &format!(
            "{HEAD}[connect.db]\nservice_name = {{ spec = \"secrets.env\", expose = \"db\" }}\n"
        ),
    );
    for spec in ["extends.toml", "connect.toml"] {
        let r = run_in(d, &["validate", spec]);
        refused(
            &r,
            &[
                "[E001]",
                "--> secrets.env:1:11",
                "no line of `secrets.env` is shown",
            ],
        );
        assert!(!r.stderr.contains("secret-value"), "{}", r.stderr);
        let r = run_in(d, &["--message-format", "json", "validate", spec]);
        assert!(!r.stderr.contains("secret-value"), "{}", r.stderr);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn proc_self_environ_as_a_baseline_shows_no_variable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "spec.toml",
        &format!("extends = [\"/proc/self/environ\"]\n{HEAD}"),
    );
    let r = run_with(
        dir.path(),
        Command::new(env!("CARGO_BIN_EXE_vpcegen"))
            .args(["validate", "spec.toml"])
            // Alone, so that it is on the line a parser error points at.
            .env_clear()
            .env("VPCEGEN_TEST_SECRET", "s3cr3t-in-the-environment"),
    );
    refused(&r, &["[E001]", "--> /proc/self/environ:1:"]);
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.stderr);
}

/// Not a fix (serde_json's messages quote nothing): kept so it stays so.
#[test]
fn a_policy_that_is_not_json_is_not_quoted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.json",
        "TOKEN=abc\n\nPASSWORD=second-secret-value\n",
    );
    write(
        dir.path(),
        "spec.toml",
        &format!("{HEAD}[reach]\nservices = [\"s3\"]\npolicy = \"p.json\"\n"),
    );
    let r = run_in(dir.path(), &["validate", "spec.toml"]);
    refused(&r, &["[E031]", "p.json:1:1"]);
    assert!(!r.stderr.contains("secret") && !r.stderr.contains("abc"));
}

/// No control character, C1 control or bidirectional override reaches
/// stderr raw, from any diagnostic, in either format.
#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = ["\\u001b[31m", "\\u009b2J", "\\u202e", "\\u0007", "\\r"];
    let raw = ['\u{1b}', '\u{9b}', '\u{202e}', '\u{7}', '\r'];
    for h in hostile {
        let cases = [
            ("E011", format!("extends = [\"{h}base.toml\"]\n{HEAD}")),
            (
                "E015",
                format!(
                    "{HEAD}[connect.db]\nservice_name = {{ spec = \"{h}p.toml\", expose = \"db\" }}\n"
                ),
            ),
            (
                "E030",
                format!("{HEAD}[reach]\nservices = [\"s3\"]\npolicy = \"{h}p.json\"\n"),
            ),
            // A source line quoted as it is, with the control in it.
            ("E001", format!("{HEAD}x = \"{h}\" junk\n")),
        ];
        for (code, spec) in cases {
            write(dir.path(), "spec.toml", &spec);
            for format in ["human", "json"] {
                let r = run_in(
                    dir.path(),
                    &["--message-format", format, "validate", "spec.toml"],
                );
                assert_eq!(r.code, Some(1), "{code} {h}: {}", r.stderr);
                assert!(r.stderr.contains(code), "{code} {h}: {}", r.stderr);
                assert!(
                    !r.stderr.contains(raw),
                    "{code} {h} {format}: a raw control on stderr: {:?}",
                    r.stderr
                );
            }
        }
    }
}

/// A file name is text from a repository, too: `validate` prints it.
#[cfg(unix)]
#[test]
fn a_file_name_with_an_escape_is_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[2J.toml";
    write(dir.path(), name, HEAD);
    let r = run_in(dir.path(), &["validate", name]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("evil\\u{1b}[2J.toml: ok"),
        "{:?}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
}

// ---------------------------------------------------------------------------
// Class 12: positions, and a spec named twice.

/// `toml` reports a key of thousands of dotted parts without a position:
/// it is found again, at its line.
#[test]
fn a_key_nested_past_the_recursion_limit_points_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let key = vec!["a"; 5000].join(".");
    write(dir.path(), "dotted.toml", &format!("{HEAD}\n  {key} = 1\n"));
    let r = run_in(dir.path(), &["validate", "dotted.toml"]);
    refused(&r, &["[E001]", "--> dotted.toml:4:3", "recursion limit"]);
    // In a table header, after another error, and twice.
    write(
        dir.path(),
        "header.toml",
        &format!("{HEAD}x = = 1\n[{key}]\ny = {{ {key} = 1 }}\n"),
    );
    let r = run_in(dir.path(), &["validate", "header.toml"]);
    refused(&r, &["--> header.toml:4:2", "--> header.toml:5:7"]);
    assert!(!r.stderr.contains("header.toml:1:1"), "{}", r.stderr);
}

#[test]
fn a_file_that_is_not_utf8_reports_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"[tags]\nTeam = \"\xc3\xa9\xff\"\n");
    std::fs::write(dir.path().join("bytes.toml"), &bytes).unwrap();
    let r = run_in(dir.path(), &["validate", "bytes.toml"]);
    refused(
        &r,
        &[
            "[E011]",
            "`bytes.toml` is not UTF-8 text",
            "--> bytes.toml:4:10",
        ],
    );
    assert!(!r.stderr.contains("offset"), "{}", r.stderr);
    // As a baseline, pointed at likewise (its text not shown).
    write(
        dir.path(),
        "spec.toml",
        &format!("{HEAD}extends = [\"bytes.toml\"]\n"),
    );
    let r = run_in(dir.path(), &["validate", "spec.toml"]);
    refused(&r, &["--> bytes.toml:4:10", "::: spec.toml:3:12"]);
    assert!(!r.stderr.contains("Team"), "{}", r.stderr);
    // As a policy: in the note.
    std::fs::write(
        dir.path().join("p.json"),
        b"{\n  \"Statement\": \"\xff\"\n}\n",
    )
    .unwrap();
    write(
        dir.path(),
        "policy.toml",
        &format!("{HEAD}[reach]\nservices = [\"s3\"]\npolicy = \"p.json\"\n"),
    );
    let r = run_in(dir.path(), &["validate", "policy.toml"]);
    refused(&r, &["[E031]", "line 2, column 17"]);
}

/// One file named twice is one spec: nothing is taken by itself.
#[cfg(unix)]
#[test]
fn the_same_spec_named_twice_is_one_spec() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "x.toml", HEAD);
    std::os::unix::fs::symlink("x.toml", d.join("y.toml")).unwrap();
    for args in [
        ["validate", "x.toml", "x.toml"],
        ["validate", "x.toml", "./x.toml"],
        ["validate", "x.toml", "y.toml"],
    ] {
        let r = run_in(d, &args);
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout.matches(": ok").count(), 1, "{}", r.stdout);
    }
    let r = run_in(d, &["build", "x.toml", "./x.toml", "--out", "out"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(d.join("out/files").is_dir());
}

/// Errors outside diagnostics (a template that does not parse quotes it).
#[test]
fn a_template_error_is_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "spec.toml", HEAD);
    write(
        dir.path(),
        "t/terraform/main.tf.tera",
        "{% if \u{1b}[31m %}\n",
    );
    let r = run_in(dir.path(), &["build", "spec.toml", "--templates", "t"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("\\u{1b}[31m"), "{:?}", r.stderr);
    assert!(!r.stderr.contains('\u{1b}'), "{:?}", r.stderr);
}

/// A template override is read as bounded as a spec.
#[cfg(target_os = "linux")]
#[test]
fn a_sparse_10_gib_template_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "spec.toml", HEAD);
    write(dir.path(), "t/terraform/main.tf.tera", "");
    let f = std::fs::File::options()
        .write(true)
        .open(dir.path().join("t/terraform/main.tf.tera"))
        .unwrap();
    f.set_len(10 << 30).unwrap();
    let r = run_with(
        dir.path(),
        Command::new("sh").args([
            "-c",
            "ulimit -v 1048576 && exec \"$0\" build spec.toml --templates t",
            env!("CARGO_BIN_EXE_vpcegen"),
        ]),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("it is 10737418240 bytes; templates are limited to 4194304 bytes"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------
// The output folder holds files from the repository, too.

/// `out/files/main.tf` replaced by a FIFO: neither `build` nor `--check`
/// waits on it.
#[cfg(unix)]
#[test]
fn a_fifo_in_the_output_folder_is_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "spec.toml", HEAD);
    let r = run_in(d, &["build", "spec.toml", "--out", "out"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let target = d.join("out/files/terraform/main.tf");
    std::fs::remove_file(&target).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(&target)
            .status()
            .unwrap()
            .success()
    );
    let r = run_in(d, &["build", "spec.toml", "--out", "out", "--check"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("out/files/terraform/main.tf"),
        "{}",
        r.stdout
    );
    // A FIFO is nobody's generated file: refused, not waited on, left alone.
    let r = run_in(d, &["build", "spec.toml", "--out", "out"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is not a regular file"), "{}", r.stderr);
    assert!(!std::fs::metadata(&target).unwrap().is_file());
}

/// A generated file replaced by a link to a file of secrets: `--check` says
/// it differs and shows none of it; an edited generated file is shown with
/// its control characters escaped.
#[cfg(unix)]
#[test]
fn check_shows_no_file_that_vpcegen_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "spec.toml", HEAD);
    let r = run_in(d, &["build", "spec.toml", "--out", "out"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    write(d, "secrets.txt", "DB_PASSWORD=second-secret-value\n");
    let target = d.join("out/files/terraform/main.tf");
    let generated = std::fs::read_to_string(&target).unwrap();
    std::fs::remove_file(&target).unwrap();
    std::os::unix::fs::symlink(d.join("secrets.txt"), &target).unwrap();
    let r = run_in(d, &["build", "spec.toml", "--out", "out", "--check"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("main.tf: on disk, a file without"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("secret-value"), "{}", r.stdout);
    // Edited, with the mark kept and an escape sequence added.
    std::fs::remove_file(&target).unwrap();
    std::fs::write(&target, format!("{generated}# \u{1b}[2J\n")).unwrap();
    let r = run_in(d, &["build", "spec.toml", "--out", "out", "--check"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("-# \\u{1b}[2J"), "{}", r.stdout);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
}
