//! What gets published: `cargo package --list` holds every file the build
//! reads (build.rs's `data/*.toml`, the `include_str!`-ed templates and
//! data), and no dependency in `Cargo.lock` needs a newer Rust than our
//! `rust-version` (read offline from the unpacked sources in
//! `~/.cargo/registry/src`, which any build of this crate has filled).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `"../…"` path named by `include_str!` under `src/`, relative to
/// the crate root.
fn included(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("src folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            included(&path, out);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for part in text.split("include_str!(\"").skip(1) {
            let name = part.split('"').next().unwrap_or_default();
            let file = path.parent().expect("parent").join(name);
            let file = file.canonicalize().expect("an included file exists");
            let rel = file.strip_prefix(root().canonicalize().expect("root"));
            out.push(rel.expect("inside the crate").display().to_string());
        }
    }
}

#[test]
fn the_package_holds_what_the_build_reads() {
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--locked",
            "--allow-dirty",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8_lossy(&out.stdout);
    let listed: Vec<&str> = listed.lines().collect();
    let mut needed = vec![
        "build.rs".to_string(),
        "data/aws-privatelink-services.toml".to_string(),
        "data/aws-region-facts.toml".to_string(),
        "LICENSE-MIT".to_string(),
        "LICENSE-APACHE".to_string(),
        "README.md".to_string(),
    ];
    included(&root().join("src"), &mut needed);
    assert!(needed.len() > 10, "include_str! found: {needed:?}");
    for file in &needed {
        assert!(listed.contains(&file.as_str()), "{file} is not packaged");
    }
    assert!(
        !listed.iter().any(|f| f.starts_with("tests/")),
        "tests are not packaged"
    );
}

/// `1.89` or `1.89.0` as (1, 89).
fn minor(version: &str) -> (u32, u32) {
    let mut parts = version.trim().split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn rust_version(manifest: &str) -> Option<String> {
    let doc: toml::Table = toml::from_str(manifest).ok()?;
    let package = doc.get("package")?.as_table()?;
    Some(package.get("rust-version")?.as_str()?.to_string())
}

#[test]
fn no_dependency_needs_a_newer_rust_than_ours() {
    let ours = rust_version(include_str!("../Cargo.toml")).expect("our rust-version");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registries: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .expect("~/.cargo/registry/src (filled by any build)")
        .map(|e| e.expect("entry").path())
        .collect();
    let lock: toml::Table = toml::from_str(include_str!("../Cargo.lock")).expect("Cargo.lock");
    let packages = lock["package"].as_array().expect("packages");
    let (mut checked, mut newer) = (0, Vec::new());
    for p in packages.iter().filter(|p| p.get("source").is_some()) {
        let folder = format!(
            "{}-{}",
            p["name"].as_str().unwrap_or(""),
            p["version"].as_str().unwrap_or("")
        );
        let Some(text) = registries
            .iter()
            .find_map(|r| std::fs::read_to_string(r.join(&folder).join("Cargo.toml")).ok())
        else {
            continue; // not unpacked: not built on this platform
        };
        checked += 1;
        if let Some(theirs) = rust_version(&text).filter(|v| minor(v) > minor(&ours)) {
            newer.push(format!("{folder} needs {theirs}"));
        }
    }
    assert!(checked > 50, "only {checked} dependencies found unpacked");
    assert!(
        newer.is_empty(),
        "rust-version {ours} is too low: {newer:?}"
    );
}
