//! Robust parsing: hostile bytes never panic, never hang, and end either in
//! diagnostics or in output that parses.
//!
//! - A proptest over arbitrary bytes and over mutated valid specs (every spec
//!   under `tests/` and `specs/`, with lines deleted, duplicated, swapped,
//!   bytes flipped, `[`, `"`, `=`, huge numbers inserted...), driven from
//!   bytes to rendered output for both targets through the library: this is
//!   the short smoke run of the fuzzer in `examples/fuzz.rs`, which drives
//!   the same engine (`support/mutate.rs`) for as long as it is told.
//! - Explicit hostile files through the binary: each gets exit code 1, a
//!   diagnostic naming the file, and stderr under 64 KiB.
//!
//! `PROPTEST_CASES` overrides the number of generated cases (default 64
//! for arbitrary bytes, 4 × that for mutated specs).

#![allow(dead_code)]

use proptest::prelude::*;

use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

include!("support/mutate.rs");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
}

fn engine() -> &'static vpcegen::render::Engine {
    static E: OnceLock<vpcegen::render::Engine> = OnceLock::new();
    E.get_or_init(|| vpcegen::render::Engine::new(None).unwrap())
}

struct Sandbox {
    _dir: tempfile::TempDir,
    seeds: Vec<(std::path::PathBuf, String, Vec<u8>)>,
}

fn sandboxed() -> &'static Sandbox {
    static S: OnceLock<Sandbox> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let seeds = sandbox(root(), dir.path());
        assert!(seeds.len() >= 50, "{} seed specs", seeds.len());
        Sandbox { _dir: dir, seeds }
    })
}

/// A file name no other input uses at the same time.
fn fresh_name() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "fuzz-{}-{}.toml",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let dir = tempfile::tempdir().unwrap();
        drive(dir.path(), "spec.toml", &bytes, engine()).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn arbitrary_text(text in "(\\PC|[\\[\\]\"={}\n.,#])*") {
        let dir = tempfile::tempdir().unwrap();
        drive(dir.path(), "spec.toml", text.as_bytes(), engine()).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases() * 4, max_shrink_iters: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs(pick in any::<prop::sample::Index>(), seed in any::<u64>()) {
        let s = sandboxed();
        let (dir, _, bytes) = &s.seeds[pick.index(s.seeds.len())];
        let others: Vec<&[u8]> = s.seeds.iter().map(|(_, _, b)| b.as_slice()).collect();
        let input = mutate(&mut Rng::new(seed), bytes, &others);
        drive(dir, &fresh_name(), &input, engine())
            .map_err(|e| TestCaseError::fail(format!("{e}\ninput:\n{}", String::from_utf8_lossy(&input))))?;
    }
}

/// Every seed spec, unmutated, goes through the driver too.
#[test]
fn every_seed_spec_drives_cleanly() {
    let s = sandboxed();
    let mut rendered = 0;
    for (dir, name, bytes) in &s.seeds {
        let o = drive(dir, &format!("copy-{name}"), bytes, engine())
            .unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()));
        rendered += o.rendered;
    }
    assert!(rendered >= 40, "{rendered} renderings");
}

// ---------------------------------------------------------------------------
// Explicit hostile files, through the binary

struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: std::time::Duration,
}

fn validate(dir: &Path, spec: &str) -> Run {
    let start = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(["validate", spec])
        .current_dir(dir)
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// Exit 1, the code, the file named, stderr under 64 KiB, within `secs`.
fn assert_refused(r: &Run, code: &str, file: &str, secs: u64) {
    assert_eq!(
        r.code,
        Some(1),
        "exit code; stderr:\n{}",
        &r.stderr[..r.stderr.len().min(4000)]
    );
    assert!(
        r.stderr.len() < 64 * 1024,
        "{} bytes on stderr",
        r.stderr.len()
    );
    assert!(
        r.stderr.contains(&format!("[{code}]")),
        "no {code}:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains(file), "{file} not named:\n{}", r.stderr);
    assert!(r.elapsed.as_secs() < secs, "took {:?}", r.elapsed);
}

fn head() -> String {
    "version = 1\nname = \"hostile\"\n".into()
}

#[test]
fn arrays_nested_100k_deep() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let spec = format!("{}x = {}{}\n", head(), "[".repeat(n), "]".repeat(n));
    std::fs::write(dir.path().join("deep.toml"), spec).unwrap();
    assert_refused(&validate(dir.path(), "deep.toml"), "E001", "deep.toml", 10);
    // Unclosed, too.
    std::fs::write(
        dir.path().join("open.toml"),
        format!("{}x = {}\n", head(), "[".repeat(n)),
    )
    .unwrap();
    assert_refused(&validate(dir.path(), "open.toml"), "E001", "open.toml", 10);
}

#[test]
fn inline_tables_nested_100k_deep() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let spec = format!("{}x = {}1{}\n", head(), "{ a = ".repeat(n), " }".repeat(n));
    std::fs::write(dir.path().join("deep.toml"), spec).unwrap();
    assert_refused(&validate(dir.path(), "deep.toml"), "E001", "deep.toml", 10);
    // As dotted keys and table headers.
    let dotted = format!("{}[{}]\n", head(), vec!["a"; 50_000].join("."));
    std::fs::write(dir.path().join("dotted.toml"), dotted).unwrap();
    let r = validate(dir.path(), "dotted.toml");
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.len() < 64 * 1024 && r.elapsed.as_secs() < 10);
}

/// A million elements on one line, each wrong: every one is counted, the
/// first 100 shown, in seconds. A million copies of one wrong name are one
/// entry listed again (W120) and one error.
#[test]
fn a_million_element_array() {
    let dir = tempfile::tempdir().unwrap();
    for (file, item, code) in [("ints.toml", "1", "E003"), ("names.toml", "\"z\"", "E020")] {
        let items = vec![item; 1_000_000].join(",");
        let spec = format!("{}[reach]\nservices = [{items}]\n", head());
        assert!(spec.len() < 4 * 1024 * 1024);
        std::fs::write(dir.path().join(file), spec).unwrap();
        let r = validate(dir.path(), file);
        assert_refused(&r, code, file, 60);
        let tail = &r.stderr[r.stderr.len().saturating_sub(500)..];
        if code == "E003" {
            assert!(r.stderr.contains("1000000 errors found"), "{tail}");
            assert!(r.stderr.contains("more diagnostics not shown"));
        } else {
            assert!(r.stderr.contains("1 error and 1 warning found"), "{tail}");
            assert!(
                r.stderr.contains("[W120]") && r.stderr.contains("listed 1000000 times in all")
            );
        }
    }
}

#[test]
fn a_10_mb_file_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = head();
    spec.push_str(&format!("# {}\n", "x".repeat(10 * 1024 * 1024)));
    std::fs::write(dir.path().join("big.toml"), spec).unwrap();
    let r = validate(dir.path(), "big.toml");
    assert_refused(&r, "E011", "big.toml", 5);
    assert!(r.stderr.contains("4194304"), "{}", r.stderr);
}

#[test]
fn invalid_utf8_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = head().into_bytes();
    spec.extend_from_slice(b"[tags]\nTeam = \"\xff\xfe\xc3\x28\"\n");
    std::fs::write(dir.path().join("bytes.toml"), spec).unwrap();
    let r = validate(dir.path(), "bytes.toml");
    assert_refused(&r, "E011", "bytes.toml", 5);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
}

#[test]
fn nul_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (file, spec) in [
        (
            "nul-string.toml",
            format!("{}[tags]\nTeam = \"a\0b\"\n", head()),
        ),
        (
            "nul-key.toml",
            format!("{}[tags]\n\"a\0b\" = \"x\"\n", head()),
        ),
        ("nul-bare.toml", format!("{}\0\n", head())),
    ] {
        std::fs::write(dir.path().join(file), spec).unwrap();
        let r = validate(dir.path(), file);
        assert_refused(&r, "E001", file, 5);
        assert!(!r.stderr.contains('\0'), "a raw NUL on stderr");
    }
}

#[test]
fn a_spec_that_extends_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("self.toml"),
        format!("extends = [\"self.toml\"]\n{}", head()),
    )
    .unwrap();
    assert_refused(&validate(dir.path(), "self.toml"), "E012", "self.toml", 5);
    // And through another spelling of its path.
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/self.toml"),
        format!("extends = [\"../sub/./self.toml\"]\n{}", head()),
    )
    .unwrap();
    assert_refused(
        &validate(dir.path(), "sub/self.toml"),
        "E012",
        "self.toml",
        5,
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_extends() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // a.toml extends loop-a.toml → loop-b.toml → loop-a.toml (symlinks).
    symlink("loop-b.toml", d.join("loop-a.toml")).unwrap();
    symlink("loop-a.toml", d.join("loop-b.toml")).unwrap();
    symlink("me.toml", d.join("me.toml")).unwrap();
    std::fs::write(
        d.join("a.toml"),
        format!("extends = [\"loop-a.toml\"]\n{}", head()),
    )
    .unwrap();
    std::fs::write(
        d.join("b.toml"),
        format!("extends = [\"me.toml\"]\n{}", head()),
    )
    .unwrap();
    for (spec, named) in [("a.toml", "loop-a.toml"), ("b.toml", "me.toml")] {
        let r = validate(d, spec);
        assert_refused(&r, "E011", named, 5);
    }
    // On the command line, too.
    assert_refused(&validate(d, "me.toml"), "E011", "me.toml", 5);
    // Two specs that extend each other through symlinked names: a cycle.
    std::fs::write(
        d.join("x.toml"),
        format!("extends = [\"y-link.toml\"]\n{}", head()),
    )
    .unwrap();
    std::fs::write(
        d.join("y.toml"),
        format!("extends = [\"x-link.toml\"]\n{}", head()),
    )
    .unwrap();
    symlink("x.toml", d.join("x-link.toml")).unwrap();
    symlink("y.toml", d.join("y-link.toml")).unwrap();
    assert_refused(&validate(d, "x.toml"), "E012", "x.toml", 5);
}

#[test]
fn an_extends_chain_40_deep() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        let extends = if i < 39 {
            format!("extends = [\"b{}.toml\"]\n", i + 1)
        } else {
            String::new()
        };
        std::fs::write(
            dir.path().join(format!("b{i}.toml")),
            format!("{extends}version = 1\nname = \"level-{i}\"\n"),
        )
        .unwrap();
    }
    let r = validate(dir.path(), "b0.toml");
    assert_refused(&r, "E006", "b31.toml", 5);
    assert!(r.stderr.contains("32 levels"), "{}", r.stderr);
}

#[test]
fn a_policy_that_is_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policy.json")).unwrap();
    std::fs::write(
        dir.path().join("spec.toml"),
        format!(
            "{}[reach]\nservices = [\"s3\"]\npolicy = \"policy.json\"\n",
            head()
        ),
    )
    .unwrap();
    assert_refused(&validate(dir.path(), "spec.toml"), "E030", "spec.toml", 5);
}

/// Found by the fuzzer: a principal whose 12th byte after `arn:aws:iam::`
/// falls inside a character panicked (`split_at` off a char boundary).
#[test]
fn a_principal_with_a_multibyte_account_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("spec.toml"),
        format!(
            "{}[expose.api]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"arn:aws:iam::4444555566\\uFEFF66:root\", \"arn:aws:iam::\\u00E9\\u00E9\\u00E9\\u00E9\\u00E9\\u00E9:root\"]\n",
            head()
        ),
    )
    .unwrap();
    assert_refused(&validate(dir.path(), "spec.toml"), "E010", "spec.toml", 5);
}

/// Found by the fuzzer: a spec whose VPC is a tag lookup but that creates
/// nothing in the VPC panicked when built for CloudFormation.
#[test]
fn an_unused_vpc_lookup_builds_for_cloudformation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("spec.toml"),
        format!("{}[vpc]\nid = {{ tags = {{ Name = \"x\" }} }}\n", head()),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(["build", "spec.toml", "--target", "cloudformation"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let yaml = std::fs::read_to_string(dir.path().join("out/hostile/cloudformation/template.yaml"))
        .unwrap();
    parse_output("template.yaml", &yaml).unwrap();
}
