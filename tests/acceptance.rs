//! The rows of `specs/ACCEPTANCE.md`, run exactly as written from a copy of
//! `specs/` with the built binary, checking what each row says must hold.
//! (fmt, validate, cfn-lint and the emulator deploy of the same outputs are
//! in `tests/e2e.rs`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn specs_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"),
        dir.path(),
    );
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Runs `vpcegen` with the words of an acceptance row.
fn vpcegen(cwd: &Path, row: &str) -> Output {
    let args: Vec<&str> = row.split_whitespace().skip(1).collect();
    Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(&args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.extend(files_under(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

/// Endpoints of a CloudFormation JSON template: logical ID → properties.
fn cfn_endpoints(template: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::EC2::VPCEndpoint")
        .map(|(k, r)| (k.clone(), r["Properties"].clone()))
        .collect()
}

fn service_suffix(props: &serde_json::Value) -> String {
    let name = &props["ServiceName"];
    let text = name.as_str().or_else(|| name["Fn::Sub"].as_str()).unwrap();
    // com.amazonaws.<region or ${AWS::Region}>.<suffix>
    text.splitn(4, '.').nth(3).unwrap().to_string()
}

fn tag_keys(tags: &serde_json::Value) -> Vec<String> {
    tags.as_array()
        .unwrap()
        .iter()
        .map(|t| t["Key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn baseline_plus_team() {
    let dir = specs_copy();
    let o = vpcegen(
        dir.path(),
        "vpcegen build fargate-baseline/payments.toml --target terraform",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    copy_dir(
        &dir.path().join("out/payments-prod/terraform"),
        &dir.path().join("tf"),
    );
    for row in [
        "vpcegen build fargate-baseline/payments.toml --target cloudformation",
        "vpcegen build fargate-baseline/payments.toml --target cloudformation --format json --out json",
    ] {
        let o = vpcegen(dir.path(), row);
        assert!(o.status.success(), "{row}: {}", stderr(&o));
    }
    // Each target has its own folder: the CloudFormation builds left the
    // Terraform module as it was.
    let kept = dir.path().join("out/payments-prod/terraform");
    assert_eq!(files_under(&kept).len(), 5);
    for copy in files_under(&dir.path().join("tf")) {
        let file = kept.join(copy.file_name().unwrap());
        assert_eq!(std::fs::read(&file).ok(), std::fs::read(&copy).ok());
    }

    // CloudFormation: the endpoints, their types, tags and policies.
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path()
                .join("json/payments-prod/cloudformation/template.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let yaml: serde_json::Value = {
        let text = std::fs::read_to_string(
            dir.path()
                .join("out/payments-prod/cloudformation/template.yaml"),
        )
        .unwrap();
        let v: yaml_serde::Value = yaml_serde::from_str(&text).unwrap();
        serde_json::to_value(&v).unwrap()
    };
    assert_eq!(
        cfn_endpoints(&yaml).len(),
        cfn_endpoints(&json).len(),
        "YAML and JSON agree"
    );
    let mut services: Vec<String> = cfn_endpoints(&json)
        .iter()
        .map(|(_, p)| service_suffix(p))
        .collect();
    services.sort();
    assert_eq!(
        services,
        ["ecr.api", "ecr.dkr", "logs", "s3", "secretsmanager", "sqs"],
        "and no sts"
    );
    let s3_policy_file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path()
                .join("fargate-baseline/policies/s3-own-buckets.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for (id, props) in cfn_endpoints(&json) {
        let service = service_suffix(&props);
        let expected_type = if service == "s3" {
            "Gateway"
        } else {
            "Interface"
        };
        assert_eq!(props["VpcEndpointType"], expected_type, "{id}");
        if service == "s3" {
            assert_eq!(
                props["PolicyDocument"], s3_policy_file,
                "s3 carries the policy file"
            );
        } else {
            assert_eq!(
                props["PolicyDocument"]["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"],
                "o-a1b2c3d4e5",
                "{id}"
            );
        }
        if service == "sqs" {
            assert_eq!(props["PrivateDnsEnabled"], false);
        }
    }
    for (id, r) in json["Resources"].as_object().unwrap() {
        let keys = tag_keys(&r["Properties"]["Tags"]);
        for k in ["managed-by", "team", "cost-center", "Name"] {
            assert!(keys.contains(&k.to_string()), "{id} lacks tag {k}");
        }
    }

    // Terraform: the same endpoints, each tagged through local.tags.
    let tf = std::fs::read_to_string(dir.path().join("tf/endpoints.tf")).unwrap();
    let body = hcl_edit::parser::parse_body(&tf).unwrap();
    let mut labels: Vec<String> = body
        .blocks()
        .filter(|b| b.ident.as_str() == "resource")
        .filter(|b| b.labels[0].as_str() == "aws_vpc_endpoint")
        .map(|b| b.labels[1].as_str().to_string())
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        ["ecr_api", "ecr_dkr", "logs", "s3", "secretsmanager", "sqs"]
    );
    let main = std::fs::read_to_string(dir.path().join("tf/main.tf")).unwrap();
    let main = hcl_edit::parser::parse_body(&main).unwrap();
    let locals = main
        .blocks()
        .find(|b| b.ident.as_str() == "locals")
        .unwrap();
    let tags = locals.body.get_attribute("tags").unwrap().value.to_string();
    for k in ["managed-by", "team", "cost-center"] {
        assert!(
            tags.contains(&format!("\"{k}\"")),
            "local.tags has {k}: {tags}"
        );
    }
    for b in body
        .blocks()
        .chain(main.blocks())
        .filter(|b| b.ident.as_str() == "resource")
    {
        let t = b
            .body
            .get_attribute("tags")
            .map(|a| a.value.to_string())
            .unwrap_or_default();
        assert!(
            t.contains("local.tags") && t.contains("\"Name\""),
            "{} is tagged",
            b.labels[1].as_str()
        );
    }
}

#[test]
fn private_eks_builds_for_both_targets_with_the_same_endpoints() {
    let dir = specs_copy();
    for row in [
        "vpcegen build eks-private/spec.toml --target terraform --out tf",
        "vpcegen build eks-private/spec.toml --target cloudformation --format json --out cfn",
    ] {
        let o = vpcegen(dir.path(), row);
        assert!(o.status.success(), "{row}: {}", stderr(&o));
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path()
                .join("cfn/eks-private/cloudformation/template.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut cfn: Vec<String> = cfn_endpoints(&json)
        .iter()
        .map(|(_, p)| service_suffix(p).replace(['.', '-'], "_"))
        .collect();
    cfn.sort();
    let tf =
        std::fs::read_to_string(dir.path().join("tf/eks-private/terraform/endpoints.tf")).unwrap();
    let body = hcl_edit::parser::parse_body(&tf).unwrap();
    let mut tf: Vec<String> = body
        .blocks()
        .map(|b| b.labels[1].as_str().to_string())
        .collect();
    tf.sort();
    assert_eq!(tf, cfn);
    assert_eq!(
        tf,
        [
            "autoscaling",
            "ec2",
            "ecr_api",
            "ecr_dkr",
            "eks",
            "eks_auth",
            "elasticloadbalancing",
            "kms",
            "logs",
            "s3",
            "sts"
        ]
    );
}

#[test]
fn typo() {
    let dir = specs_copy();
    let o = vpcegen(dir.path(), "vpcegen validate invalid/typo-service.toml");
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("invalid/typo-service.toml:4:"), "{e}");
    assert!(
        e.contains("`ecr.dkrr`") && e.contains("did you mean `ecr.dkr`?"),
        "{e}"
    );
}

#[test]
fn unknown_key() {
    let dir = specs_copy();
    let o = vpcegen(dir.path(), "vpcegen validate invalid/unknown-key.toml");
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("invalid/unknown-key.toml:5:"), "{e}");
    assert!(
        e.contains("privat_dns") && e.contains("did you mean `private_dns`?"),
        "{e}"
    );
}

#[test]
fn seed_article() {
    let dir = specs_copy();
    let o = vpcegen(
        dir.path(),
        "vpcegen build seed-article/service-b.toml seed-article/service-a.toml --target terraform",
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    // Both modules are written, each in the folder of its spec's name.
    for spec in ["service-a", "service-b"] {
        for file in [
            "versions.tf",
            "variables.tf",
            "main.tf",
            "privatelink.tf",
            "outputs.tf",
        ] {
            assert!(
                dir.path()
                    .join("out")
                    .join(spec)
                    .join("terraform")
                    .join(file)
                    .is_file(),
                "out/{spec}/terraform/{file}"
            );
        }
    }
    // The connect module takes the service name as an input, named after
    // the expose it refers to, and uses it for its endpoint.
    let variables =
        std::fs::read_to_string(dir.path().join("out/service-a/terraform/variables.tf")).unwrap();
    assert!(
        variables.contains("variable \"service_b_service_name\" {"),
        "{variables}"
    );
    let privatelink =
        std::fs::read_to_string(dir.path().join("out/service-a/terraform/privatelink.tf")).unwrap();
    assert!(
        privatelink.lines().any(|l| {
            let l = l.split_whitespace().collect::<Vec<_>>();
            l == ["service_name", "=", "var.service_b_service_name"]
        }),
        "{privatelink}"
    );
    // The provider's module says which service name to pass.
    let outputs =
        std::fs::read_to_string(dir.path().join("out/service-b/terraform/outputs.tf")).unwrap();
    assert!(
        outputs.contains("output \"service_b_service_name\" {"),
        "{outputs}"
    );
    // A warning: subnets in use1-az4 cannot reach service-b.
    let warning = e
        .split("\n\n")
        .find(|d| d.starts_with("warning[W111]"))
        .unwrap_or_else(|| panic!("no AZ warning:\n{e}"));
    let headline = warning.lines().next().unwrap();
    assert!(
        headline.contains("subnets in use1-az4 cannot reach") && headline.contains("service-b"),
        "{warning}"
    );
    assert!(!e.contains("error"), "warnings only: {e}");
}

#[test]
fn seed_article_cloudformation() {
    let dir = specs_copy();
    let o = vpcegen(
        dir.path(),
        "vpcegen build seed-article/service-b.toml --target cloudformation",
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing written: {:?}",
        files_under(&dir.path().join("out"))
    );
    let error = e
        .split("\n\n")
        .find(|d| d.starts_with("error[") && d.contains("`vpc.subnets`"))
        .unwrap_or_else(|| panic!("no error names `vpc.subnets`:\n{e}"));
    assert!(
        error.contains("tag lookup") && error.contains("no CloudFormation equivalent"),
        "{error}"
    );
    assert!(error.contains("seed-article/service-b.toml:11:"), "{error}");
    assert!(e.ends_with("nothing was written\n"), "{e}");
}

#[test]
fn open_to_everyone() {
    let dir = specs_copy();
    let o = vpcegen(dir.path(), "vpcegen validate invalid/open-to-everyone.toml");
    assert!(!o.status.success());
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    // Where, and why: `*` without acceptance lets any AWS account connect.
    assert!(e.contains("invalid/open-to-everyone.toml:5:"), "{e}");
    // (W112 may come first: the created NLB lists no `ingress_cidrs`.)
    let first = e.lines().find(|l| l.starts_with("error")).unwrap();
    assert!(
        first.starts_with("error[E050]")
            && first.contains("any AWS account")
            && first.contains("`*`")
            && first.contains("`acceptance_required = false`"),
        "{e}"
    );
    assert!(e.contains("acceptance_required = true"), "the way out: {e}");
}

#[test]
fn az_mismatch() {
    let dir = specs_copy();
    let o = vpcegen(
        dir.path(),
        "vpcegen build invalid/az-mismatch-a.toml invalid/az-mismatch-b.toml",
    );
    let e = stderr(&o);
    assert!(!o.status.success());
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing written: {:?}",
        files_under(&dir.path().join("out"))
    );
    assert!(
        e.contains("the consumer's AZ IDs (use1-az3, use1-az4) share none with the service's (use1-az1, use1-az2)"),
        "{e}"
    );
    assert!(
        e.contains("invalid/az-mismatch-a.toml:5:") && e.contains("invalid/az-mismatch-b.toml:5:"),
        "both sides are shown: {e}"
    );
}

#[test]
fn a_failed_build_writes_nothing() {
    let dir = specs_copy();
    let o = vpcegen(
        dir.path(),
        "vpcegen build invalid/typo-service.toml fargate-baseline/payments.toml",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        files_under(&dir.path().join("out")).is_empty(),
        "nothing written"
    );
}

#[test]
fn hand_written_files_are_never_overwritten() {
    let dir = specs_copy();
    let target = dir.path().join("out/payments-prod/terraform/main.tf");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, "# mine\n").unwrap();
    let o = vpcegen(dir.path(), "vpcegen build fargate-baseline/payments.toml");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("refusing to overwrite"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# mine\n");
    assert_eq!(
        files_under(&dir.path().join("out")).len(),
        1,
        "nothing else written"
    );
}

#[test]
fn stale_generated_files_are_removed_and_others_kept() {
    let dir = specs_copy();
    let o = vpcegen(
        dir.path(),
        "vpcegen build fargate-baseline/payments.toml --target cloudformation",
    );
    assert!(o.status.success());
    let folder = dir.path().join("out/payments-prod/cloudformation");
    std::fs::write(folder.join("notes.md"), "kept\n").unwrap();
    let o = vpcegen(
        dir.path(),
        "vpcegen build fargate-baseline/payments.toml --target cloudformation --format json",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !folder.join("template.yaml").exists(),
        "the old generated template is gone"
    );
    assert!(folder.join("template.json").exists());
    assert!(
        folder.join("notes.md").exists(),
        "a file without the mark stays"
    );
}

/// Builds the EKS spec with `versions.tf.tera` replaced by `template`.
fn build_with_versions_template(template: &str) -> (tempfile::TempDir, Output) {
    let dir = specs_copy();
    let tpl = dir.path().join("tpl/terraform");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(tpl.join("versions.tf.tera"), template).unwrap();
    let o = vpcegen(
        dir.path(),
        "vpcegen build eks-private/spec.toml --templates tpl",
    );
    (dir, o)
}

#[test]
fn templates_can_be_overridden() {
    let (dir, o) = build_with_versions_template("{{ header }}\n# org-approved versions\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let v =
        std::fs::read_to_string(dir.path().join("out/eks-private/terraform/versions.tf")).unwrap();
    assert!(
        v.ends_with("# org-approved versions\n") && v.starts_with("# Generated by vpcegen"),
        "{v}"
    );
}

/// A template override cannot paste a raw spec value into HCL: the `hcl`
/// filter only takes expressions vpcegen escaped, and nothing is written.
#[test]
fn an_override_cannot_bypass_escaping() {
    let (dir, o) = build_with_versions_template("{{ header }}\n# {{ header | hcl }}\n");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("hcl filter: not an HCL expression: found string"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");
}
