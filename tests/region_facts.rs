//! `data/aws-region-facts.toml` stays generated: `scripts/region-facts`,
//! run again with the pinned botocore, writes the same file (all but its
//! `# Generated on` date). Needs the project's `.venv` (scripts/test puts it
//! first on PATH), so a plain `cargo test` skips it.

use std::path::Path;
use std::process::Command;

/// The file without the line that dates it.
fn undated(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("# Generated on "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
#[ignore = "needs the pinned botocore in .venv; run by scripts/test"]
fn the_committed_region_facts_are_what_the_script_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("aws-region-facts.toml");
    let o = Command::new("python3")
        .arg(root.join("scripts/region-facts"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "scripts/region-facts failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let fresh = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(root.join("data/aws-region-facts.toml")).unwrap();
    assert!(
        undated(&fresh) == undated(&committed),
        "data/aws-region-facts.toml differs from what scripts/region-facts writes; \
         never edit it by hand: regenerate it with `.venv/bin/python3 scripts/region-facts` \
         and review the diff"
    );
}
