//! `vpcegen services`: `--format json` for scripts, and a filter that
//! matches nothing fails (exact stdout, stderr and exit code).

use std::process::Output;

fn vpcegen(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn json_lists_what_the_table_shows() {
    let o = vpcegen(&["services", "sqs-fips", "--format", "json", "--dns"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stderr), "");
    assert_eq!(
        text(&o.stdout),
        r#"{
  "services": [
    {
      "name": "sqs-fips",
      "title": "Amazon SQS",
      "types": [
        "interface"
      ],
      "ports": [
        443
      ],
      "service_name": "com.amazonaws.{region}.sqs-fips",
      "aliases": [],
      "ipv6": false,
      "cross_region": false,
      "private_dns_names": null
    }
  ],
  "bundles": [],
  "total": 484
}
"#
    );
}

#[test]
fn json_follows_the_filters_and_the_region() {
    let o = vpcegen(&[
        "services",
        "--format",
        "json",
        "--region",
        "eu-west-1",
        "ecr",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"ecr.dkr") && names.contains(&"ecr.api"),
        "{names:?}"
    );
    assert_eq!(doc["region"], "eu-west-1");
    assert!(
        doc["bundles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "ecr")
    );
    let table = text(&vpcegen(&["services", "--region", "eu-west-1", "ecr"]).stdout);
    let rows = table.lines().skip(1).take_while(|l| !l.is_empty()).count();
    assert_eq!(rows, names.len(), "the same rows as the table");
}

#[test]
fn a_filter_that_matches_nothing_fails() {
    for format in ["text", "json"] {
        let o = vpcegen(&["services", "ssm-mesages", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        assert_eq!(text(&o.stdout), "", "{format}");
        assert_eq!(
            text(&o.stderr),
            "error: no catalog service or bundle matches `ssm-mesages`; `vpcegen services` lists the whole catalog\n"
        );
    }
    let o = vpcegen(&["services", "sqs-fips", "--ipv6", "--region", "eu-west-1"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), "");
    assert_eq!(
        text(&o.stderr),
        "error: no catalog service or bundle matches `sqs-fips` with --ipv6 in eu-west-1; `vpcegen services` lists the whole catalog\n"
    );
    // A control character in the filter is shown escaped.
    let o = vpcegen(&["services", "\u{1b}[2J"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("`\\u{1b}[2J`"),
        "{}",
        text(&o.stderr)
    );
}
