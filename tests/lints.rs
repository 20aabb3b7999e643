//! The security lints, each on its example in `tests/lints/<name>/`: the
//! folder's name starts with the code that must fire (and nothing else that
//! is an error, except for E033, which is one).
//!
//! ```sh
//! vpcegen validate tests/lints/w201-open-security-group/spec.toml
//! ```

use std::process::Command;

#[test]
fn each_lint_fires_with_its_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("tests/lints"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let codes: Vec<String> = dirs
        .iter()
        .map(|d| d.split('-').next().unwrap().to_uppercase())
        .collect();
    assert_eq!(
        codes,
        ["E033", "I203", "W112", "W201", "W202", "W204", "W205"]
    );
    for (dir, code) in dirs.iter().zip(&codes) {
        let spec = format!("tests/lints/{dir}/spec.toml");
        let o = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
            .args(["validate", &spec, "--message-format", "json"])
            .current_dir(root)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        let found: Vec<(String, String)> = stderr
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| {
                (
                    v["code"].as_str().unwrap_or_default().to_string(),
                    v["severity"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        assert!(
            found.iter().any(|(c, _)| c == code),
            "{spec}: no {code} in {found:?}"
        );
        let is_error = code.starts_with('E');
        assert_eq!(
            o.status.code(),
            Some(if is_error { 1 } else { 0 }),
            "{spec}: {stderr}"
        );
        for (c, severity) in &found {
            assert!(c == code, "{spec}: {c} ({severity}) fires too");
        }
        // A warning lint fails the build under --deny-warnings; info never does.
        if code.starts_with('W') {
            let o = Command::new(env!("CARGO_BIN_EXE_vpcegen"))
                .args(["--deny-warnings", "validate", &spec])
                .current_dir(root)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(1), "{spec} under --deny-warnings");
        }
    }
}
