//! `vpcegen import` and `build --adopt` through the binary: the spec an
//! import writes builds, `--adopt` writes one `import` block per endpoint
//! that exists, and bad input says where and writes nothing.

use std::path::Path;
use std::process::{Command, Output};

const FIXTURE: &str = "tests/data/adopt/describe-vpc-endpoints.json";

fn vpcegen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run vpcegen")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn an_imported_spec_builds_with_an_import_block_per_existing_endpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    std::fs::copy(&fixture, tmp.path().join("d.json")).unwrap();
    let o = vpcegen(&["import", "d.json", "--name", "payments-prod"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::write(tmp.path().join("p.toml"), &o.stdout).unwrap();
    let o = vpcegen(&["build", "p.toml", "--adopt", "d.json"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let imports =
        std::fs::read_to_string(tmp.path().join("out/payments-prod/terraform/imports.tf")).unwrap();
    let blocks: Vec<&str> = imports
        .split("import {")
        .skip(1)
        .map(|b| b.split('}').next().unwrap_or("").trim())
        .collect();
    assert_eq!(
        blocks,
        [
            "to = aws_vpc_endpoint.dynamodb\n  id = \"vpce-0aaaaaaaaaaaaaaa6\"",
            "to = aws_vpc_endpoint.ecr_dkr\n  id = \"vpce-0aaaaaaaaaaaaaaa2\"",
            "to = aws_vpc_endpoint.logs\n  id = \"vpce-0aaaaaaaaaaaaaaa3\"",
            "to = aws_vpc_endpoint.new_thing\n  id = \"vpce-0aaaaaaaaaaaaaaa8\"",
            "to = aws_vpc_endpoint.s3\n  id = \"vpce-0aaaaaaaaaaaaaaa1\"",
            "to = aws_vpc_endpoint.connect_vpce_svc_0123456789abcdef0\n  id = \"vpce-0aaaaaaaaaaaaaaa4\"",
        ]
    );
    assert!(imports.contains("# vpce-0aaaaaaaaaaaaaaa7 is another endpoint of this service"));
    // Built again without --adopt, the import blocks are gone.
    let o = vpcegen(&["build", "p.toml"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        !tmp.path()
            .join("out/payments-prod/terraform/imports.tf")
            .exists()
    );
    // CloudFormation adopts through a change set, not a template.
    let o = vpcegen(
        &[
            "build",
            "p.toml",
            "-t",
            "cloudformation",
            "--adopt",
            "d.json",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("error[E112]"),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stderr).contains("--change-set-type IMPORT"));
    assert!(!tmp.path().join("out/payments-prod/cloudformation").exists());
}

#[test]
fn bad_input_names_the_file_and_position_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for (json, code, at) in [
        (
            "{\"VpcEndpoints\": [\n  {\"VpcEndpointId\": 3}\n]}",
            "E110",
            "d.json:2:",
        ),
        ("{ not json", "E110", "d.json:1:"),
        ("{\"Endpoints\": []}", "E110", "d.json:1:"),
        (
            r#"{"VpcEndpoints": [
  {"VpcEndpointId": "vpce-1", "VpcId": "vpc-a", "ServiceName": "com.amazonaws.eu-west-1.s3", "VpcEndpointType": "Gateway"},
  {"VpcEndpointId": "vpce-2", "VpcId": "vpc-b", "ServiceName": "com.amazonaws.eu-west-1.s3", "VpcEndpointType": "Gateway"}]}"#,
            "E111",
            "d.json:1:1",
        ),
    ] {
        std::fs::write(tmp.path().join("d.json"), json).unwrap();
        let o = vpcegen(&["import", "d.json", "--name", "x"], tmp.path());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{json}: {err}");
        assert!(o.stdout.is_empty(), "{json}: nothing on stdout");
        assert!(err.contains(&format!("error[{code}]")), "{json}: {err}");
        assert!(err.contains(at), "{json}: {err}");
    }
    let o = vpcegen(&["import", "d.json", "--name", "Bad_Name"], tmp.path());
    assert!(!o.status.success() && o.stdout.is_empty());
}
