//! `--message-format sarif`: every log vpcegen writes satisfies the
//! official SARIF 2.1.0 JSON Schema (OASIS, vendored in
//! `tests/data/sarif-schema-2.1.0.json`, see `docs/sarif.md`), and carries
//! what code scanning shows: rules, levels, locations.

use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vpcegen(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

/// Runs `vpcegen --message-format sarif ARGS`, checks the log against the
/// schema, and returns it with the exit code.
fn sarif(args: &[&str]) -> (Option<i32>, Value) {
    let validator = validator();
    let mut all = vec!["--message-format", "sarif"];
    all.extend(args);
    let o = vpcegen(&all);
    let log: Value = serde_json::from_slice(&o.stderr).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{args:?}: {errors:?}\n{log:#}");
    (o.status.code(), log)
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn an_error_is_a_result_with_its_rule_and_region() {
    let (code, log) = sarif(&["validate", "specs/invalid/typo-service.toml"]);
    assert_eq!(code, Some(1), "exit codes are those of the other formats");
    assert_eq!(log["version"], "2.1.0");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "vpcegen");
    assert_eq!(driver["rules"][0]["id"], "E020");
    assert_eq!(driver["rules"][0]["defaultConfiguration"]["level"], "error");
    let r = &results(&log)[0];
    assert_eq!(r["ruleId"], "E020");
    assert_eq!(r["ruleIndex"], 0);
    assert_eq!(r["level"], "error");
    let text = r["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("unknown service `ecr.dkrr`\nhelp: did you mean `ecr.dkr`?"),
        "{text}"
    );
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "specs/invalid/typo-service.toml"
    );
    assert_eq!(
        loc["region"],
        serde_json::json!({ "startLine": 4, "startColumn": 19, "endLine": 4, "endColumn": 29 })
    );
    // The schema does judge: a level SARIF lacks fails. (Draft 4 has no
    // `uri-reference` format: `sarif.rs`'s own tests check the encoding.)
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator().is_valid(&bad));
}

#[test]
fn warnings_errors_and_second_places_in_one_log() {
    let (code, log) = sarif(&["validate", "specs/invalid/open-to-everyone.toml"]);
    assert_eq!(code, Some(1));
    let levels: Vec<(&str, &str)> = results(&log)
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(levels, [("W112", "warning"), ("E050", "error")]);
    let e050 = &results(&log)[1];
    let related = &e050["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 6);
    assert_eq!(
        related["message"]["text"],
        "connections are accepted without review"
    );
    // Rules in code order, each result pointing at its own.
    let rules: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["E050", "W112"]);
    assert_eq!(e050["ruleIndex"], 0);
}

#[test]
fn deny_warnings_raises_the_level_not_the_rule() {
    let (code, log) = sarif(&[
        "--deny-warnings",
        "validate",
        "tests/lints/w204-private-dns-off/spec.toml",
    ]);
    assert_eq!(code, Some(1));
    let r = &results(&log)[0];
    assert_eq!(
        (r["ruleId"].as_str(), r["level"].as_str()),
        (Some("W204"), Some("error"))
    );
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
        "warning"
    );
}

#[test]
fn clean_specs_give_an_empty_run_and_no_location_is_none() {
    let (code, log) = sarif(&["validate", "tests/cases/interface-only/spec.toml"]);
    assert_eq!(code, Some(0));
    assert!(results(&log).is_empty());
    // A diagnostic about no file (an unknown `--region`) has no location.
    let (code, log) = sarif(&["services", "--region", "eu-west-9"]);
    assert_eq!(code, Some(1));
    let r = &results(&log)[0];
    assert_eq!(r["ruleId"], "E061");
    assert!(r.get("locations").is_none());
}

#[test]
fn build_and_explain_speak_sarif_too() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let (code, log) = sarif(&["build", "specs/invalid/typo-service.toml", "--out", o]);
    assert_eq!(code, Some(1));
    assert_eq!(results(&log)[0]["ruleId"], "E020");
    let (code, log) = sarif(&["explain", "specs/invalid/typo-service.toml"]);
    assert_eq!(code, Some(1));
    assert_eq!(results(&log)[0]["ruleId"], "E020");
}
