//! Values as the user wrote them reach the output as they meant them:
//! TOML integers in every notation, duplicated list entries, tag keys
//! AWS accepts (and only those), non-ASCII keys laid out as `terraform fmt`
//! does, and custom templates that forget a filter or the header.

use std::path::{Path, PathBuf};
use std::process::Command;
use vpcegen::model::{LoadBalancer, Model};
use vpcegen::render::{CfnFormat, Engine, Target};

fn spec_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn compile(text: &str) -> (vpcegen::Compiled, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let p = spec_file(dir.path(), "spec.toml", text);
    (vpcegen::compile(&[p], Some(Target::Terraform), false), dir)
}

fn model(text: &str) -> Model {
    let (c, _dir) = compile(text);
    assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, true));
    c.models().unwrap().remove(0)
}

/// (code, message) of every diagnostic.
fn codes(c: &vpcegen::Compiled) -> Vec<(String, String)> {
    c.diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.message.clone()))
        .collect()
}

const NET: &str = "[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\nroute_tables = [\"rtb-0123456789abcdef0\"]\n";

/// A spec with one expose (`port`, `target_port`) and one connect (`ports`).
fn numbers_spec(version: &str, port: &str, target_port: &str, ports: &str) -> String {
    format!(
        "version = {version}\nname = \"nums\"\n{NET}\
         [expose.api]\nload_balancer = {{ port = {port}, target_port = {target_port} }}\n\
         allowed_principals = [\"arn:aws:iam::111122223333:role/x\"]\n\
         [connect.billing]\nservice_name = \"com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0\"\nports = [{ports}]\n"
    )
}

fn read_numbers(m: &Model) -> (u16, u16, Vec<u16>) {
    let LoadBalancer::Create {
        port, target_port, ..
    } = &m.exposes[0].load_balancer
    else {
        panic!("a created NLB")
    };
    (*port, *target_port, m.connects[0].ports.clone())
}

// ---------------------------------------------------------------------------
// Integers: every notation TOML has, in every integer field.

#[test]
fn integers_read_as_toml_defines_them_in_every_field() {
    // (as written, what TOML says it is)
    let cases = [
        ("443", 443),
        ("0x1bb", 443),
        ("0x1BB", 443),
        ("0o673", 443),
        ("0b110111011", 443),
        ("4_4_3", 443),
        ("+443", 443),
        ("0x22", 34),
        ("0o17", 15),
        ("0b1", 1),
        ("0x0_1_b_b", 443),
        ("65_535", 65535),
    ];
    for (written, value) in cases {
        let m = model(&numbers_spec("1", written, written, written));
        assert_eq!(
            read_numbers(&m),
            (value, value, vec![value]),
            "`{written}` is {value} in `port`, `target_port` and `ports`"
        );
    }
    // `version`, the one other integer, in each notation that means 1.
    for one in ["1", "+1", "0x1", "0o1", "0b1", "0x0_1"] {
        let m = model(&numbers_spec(one, "443", "443", "443"));
        assert_eq!(m.name, "nums", "version = {one}");
    }
}

#[test]
fn integers_out_of_range_in_any_notation_are_refused() {
    for (written, field) in [
        ("0x10000", "port"),
        ("0o200000", "port"),
        ("0b10000000000000000", "port"),
        ("0x0", "port"),
        ("-443", "port"),
        ("65_536", "port"),
        ("0x7FFFFFFFFFFFFFFF", "port"),
        // TOML's grammar allows no empty digits; the parser lets it through.
        ("0x", "port"),
        ("0b", "port"),
    ] {
        for spec in [
            numbers_spec("1", written, "443", "443"),
            numbers_spec("1", "443", written, "443"),
            numbers_spec("1", "443", "443", written),
        ] {
            let (c, _dir) = compile(&spec);
            assert!(!c.ok(), "`{written}` accepted in {spec}");
            let found = codes(&c);
            // Every stage runs on what was read: the sections that read
            // cleanly may warn; the only error is the value's.
            let errors: Vec<_> = found
                .iter()
                .filter(|(code, _)| code.starts_with('E'))
                .collect();
            assert!(
                !errors.is_empty()
                    && errors
                        .iter()
                        .all(|(code, msg)| code == "E003" && msg.contains("between 1 and 65535")),
                "`{written}` ({field}): {found:?}"
            );
        }
    }
    // A hex version is read as its value, so `0x2` is version 2, unsupported.
    let (c, _dir) = compile(&numbers_spec("0x2", "443", "443", "443"));
    assert!(
        codes(&c)
            .iter()
            .any(|(code, msg)| code == "E005" && msg.contains("version 2")),
        "{:?}",
        codes(&c)
    );
    // TOML itself refuses what is not an integer in its grammar.
    for bad in ["0xg1", "1__0", "_1", "0x-1", "+0x1", "-0x0", "08"] {
        let (c, _dir) = compile(&numbers_spec("1", bad, "443", "443"));
        assert!(
            codes(&c).iter().any(|(code, _)| code == "E001"),
            "`{bad}`: {:?}",
            codes(&c)
        );
    }
}

// ---------------------------------------------------------------------------
// `terraform fmt` and keys that are not ASCII.

/// Fails the test unless an outside tool runs. The tests that call it are
/// `#[ignore]`d, so a plain `cargo test` needs no such tool; `scripts/test`
/// installs the tools and runs them.
fn require(name: &str) {
    let runs = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        runs,
        "`{name} --version` does not run (not on PATH?): run scripts/test, which installs the tools"
    );
}

fn build(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// Tag keys of every width `terraform fmt` distinguishes: accented letters
/// precomposed and combining, CJK, emoji sequences, flags, Hangul jamo.
const WIDE_KEYS: &[&str] = &[
    "équipe",
    "e\u{301}quipe",
    "東京",
    "👨\u{200D}👩\u{200D}👧",
    "🇫🇷",
    "a\u{301}\u{302}",
    "\u{1100}\u{1161}\u{11A8}",
    "क्ष",
    "Team",
];

/// Builds a spec with [`WIDE_KEYS`] as tags into `<dir>/out` and checks
/// each key is written quoted.
fn build_wide_keys() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tags: String = WIDE_KEYS
        .iter()
        .enumerate()
        .map(|(i, k)| format!("\"{k}\" = \"v{i}\"\n"))
        .collect();
    let spec = spec_file(
        dir.path(),
        "spec.toml",
        &format!(
            "version = 1\nname = \"wide\"\n[tags]\n{tags}{NET}[reach]\nservices = [\"s3\", \"logs\"]\n"
        ),
    );
    let o = build(
        &["build", spec.to_str().unwrap(), "--out", "out"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let main = std::fs::read_to_string(dir.path().join("out/wide/terraform/main.tf")).unwrap();
    for k in WIDE_KEYS {
        let written = vpcegen::render::hcl::quoted(k);
        assert!(main.contains(&written), "{written} in {main}");
    }
    dir
}

#[test]
fn non_ascii_tag_keys_are_written_quoted() {
    build_wide_keys();
}

#[test]
#[ignore = "needs terraform/cfn-lint/moto: run scripts/test"]
fn non_ascii_tag_keys_pass_terraform_fmt_check() {
    require("terraform");
    let dir = build_wide_keys();
    let o = Command::new("terraform")
        .args(["fmt", "-check", "-diff", "-recursive", "out"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "terraform fmt would change the output:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

// ---------------------------------------------------------------------------
// Tag keys and values AWS accepts.

/// (code, line of the primary label, line of each secondary label).
fn located(c: &vpcegen::Compiled) -> Vec<(String, String, Vec<String>)> {
    let line = |s| {
        let at = c.sources.location(s);
        at.rsplit(':').next().unwrap().to_string()
    };
    c.diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.primary.as_ref().map(|l| line(l.span)).unwrap_or_default(),
                d.secondary.iter().map(|l| line(l.span)).collect(),
            )
        })
        .collect()
}

#[test]
fn a_tag_key_with_a_control_character_is_refused_at_the_key() {
    for key in [
        "x\\ny",
        "x\\r",
        "tab\\tkey",
        "bell\\u0007",
        "del\\u007F",
        "nel\\u0085",
        "\\u0000",
    ] {
        let spec = format!(
            "version = 1\nname = \"ctl\"\n\n[tags]\nTeam = \"a\"\n\"{key}\" = \"v\"\n\n{NET}[reach]\nservices = [\"sqs\"]\n"
        );
        for target in [Target::Terraform, Target::Cloudformation] {
            let dir = tempfile::tempdir().unwrap();
            let p = spec_file(dir.path(), "spec.toml", &spec);
            let c = vpcegen::compile(&[p], Some(target), false);
            assert_eq!(
                located(&c),
                [("E010".to_string(), "6".to_string(), vec![])],
                "{key}: {}",
                c.diagnostics.render(&c.sources, false)
            );
            let text = c.diagnostics.render(&c.sources, false);
            assert!(text.contains("control character"), "{text}");
        }
    }
}

/// Letters of any script, digits, spaces and `_ . : / = + - @`: what every
/// AWS service takes, load balancers included.
const AWS_TAGS: &[(&str, &str)] = &[
    ("équipe", "données"),
    ("東京", "本番"),
    ("Ünïcödé key", "ÄÖÜ ß"),
    ("cost-center/id", "a_b.c:d/e=f+g-h@i"),
    ("Ελληνικά", "ⅫⅢ ٣"),
];

/// Builds a spec with [`AWS_TAGS`] and a created load balancer for both
/// targets, into `<dir>/terraform` and `<dir>/cloudformation`.
fn build_aws_tags() -> tempfile::TempDir {
    let tags: String = AWS_TAGS
        .iter()
        .map(|(k, v)| format!("\"{k}\" = \"{v}\"\n"))
        .collect();
    let spec = format!(
        "version = 1\nname = \"elb\"\nregion = \"eu-west-1\"\n[tags]\n{tags}{NET}[reach]\nservices = [\"sqs\"]\n\
         [expose.api]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"arn:aws:iam::111122223333:role/x\"]\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = spec_file(dir.path(), "spec.toml", &spec);
    for target in ["terraform", "cloudformation"] {
        let o = build(
            &[
                "build",
                p.to_str().unwrap(),
                "--target",
                target,
                "--out",
                target,
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    dir
}

#[test]
fn tags_every_aws_service_accepts_build_with_load_balancers() {
    build_aws_tags();
}

#[test]
#[ignore = "needs terraform/cfn-lint/moto: run scripts/test"]
fn tags_every_aws_service_accepts_pass_with_load_balancers() {
    require("cfn-lint");
    let dir = build_aws_tags();
    let o = Command::new("cfn-lint")
        .arg("cloudformation/elb/cloudformation/template.yaml")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn tags_a_load_balancer_refuses_are_refused_when_one_is_created() {
    // EC2 takes them, so without a created load balancer they pass.
    for (key, value) in [
        ("a😀", "v"),
        ("e\\u0301", "v"),
        ("k", "line\\nbreak"),
        ("k", "comma, hash#"),
        ("k", "tab\\there"),
    ] {
        let tags = format!("[tags]\n\"{key}\" = \"{value}\"\n");
        let plain =
            format!("version = 1\nname = \"elb\"\n{tags}{NET}[reach]\nservices = [\"sqs\"]\n");
        let (c, _dir) = compile(&plain);
        assert!(
            c.ok(),
            "{key}={value}: {}",
            c.diagnostics.render(&c.sources, false)
        );
        let with_nlb = format!(
            "{plain}[expose.api]\nload_balancer = {{ port = 443, ingress_cidrs = [\"10.0.0.0/8\"] }}\nallowed_principals = [\"arn:aws:iam::111122223333:role/x\"]\n"
        );
        for target in [Target::Terraform, Target::Cloudformation] {
            let dir = tempfile::tempdir().unwrap();
            let p = spec_file(dir.path(), "spec.toml", &with_nlb);
            let c = vpcegen::compile(&[p], Some(target), false);
            assert_eq!(
                located(&c),
                [("E010".to_string(), "4".to_string(), vec!["11".to_string()])],
                "{key}={value}: {}",
                c.diagnostics.render(&c.sources, false)
            );
        }
    }
    // An existing load balancer is not vpcegen's to tag.
    let spec = format!(
        "version = 1\nname = \"elb\"\n[tags]\n\"a😀\" = \"v\"\n{NET}[reach]\nservices = [\"sqs\"]\n\
         [expose.api]\nload_balancer = {{ input = \"nlb_arn\" }}\nallowed_principals = [\"arn:aws:iam::111122223333:role/x\"]\n"
    );
    let (c, _dir) = compile(&spec);
    assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
}

// ---------------------------------------------------------------------------
// `--templates`: values without their filter, files without the header.

/// A spec with a string that needs escaping in every target (`"`, `\`,
/// `${`, `%{`): a role name, on one line in every output.
const ESCAPES_SPEC: &str = "version = 1\nname = \"tpl\"\nregion = \"eu-west-1\"\n[tags]\nTeam = \"a\\\"b\"\n\
[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\nroute_tables = [\"rtb-0123456789abcdef0\"]\n\
[reach]\nservices = [\"s3\", \"sqs\"]\n\
[expose.api]\nload_balancer = { input = \"nlb_arn\" }\nallowed_principals = [\"arn:aws:iam::111122223333:role/q\\\"${x}%{y}\\\\z\"]\n";

fn header_of(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Writes `files` (name under the templates folder, text) and builds.
fn build_with(
    templates: &[(&str, &str)],
    extra: &[&str],
) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    spec_file(dir.path(), "spec.toml", ESCAPES_SPEC);
    for (name, text) in templates {
        let p = dir.path().join("tpl").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut args = vec!["build", "spec.toml", "--templates", "tpl", "--out", "out"];
    args.extend_from_slice(extra);
    let o = build(&args, dir.path());
    (dir, o)
}

fn no_tag_bytes(text: &str) {
    assert!(
        !text.bytes().any(|b| b < 0x20 && b != b'\n'),
        "a control byte in the output:\n{text:?}"
    );
}

#[test]
fn a_custom_terraform_template_without_filters_or_header_writes_escaped_marked_files() {
    let endpoints = "{%- for ep in endpoints %}\nresource \"aws_vpc_endpoint\" \"{{ ep.ident }}\" {\n  vpc_id = local.vpc_id\n  service_name = {{ ep.service_name }}\n  vpc_endpoint_type = {{ ep.kind }}\n}\n{%- endfor %}\n";
    let privatelink = "{%- for x in exposes %}\nresource \"aws_vpc_endpoint_service\" \"{{ x.ident }}\" {\n  acceptance_required = {{ x.acceptance_required }}\n  network_load_balancer_arns = [{{ x.nlb_arn }}]\n  allowed_principals = {{ x.allowed_principals }}\n}\n{%- endfor %}\n";
    let versions = "terraform {\n  required_version = \">= 1.5.0\"\n}\n";
    let (dir, o) = build_with(
        &[
            ("terraform/endpoints.tf.tera", endpoints),
            ("terraform/privatelink.tf.tera", privatelink),
            ("terraform/versions.tf.tera", versions),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = dir.path().join("out/tpl/terraform");
    let header = "# Generated by vpcegen from spec.toml. Do not edit: change the spec and run `vpcegen build`.";
    for f in [
        "versions.tf",
        "variables.tf",
        "main.tf",
        "endpoints.tf",
        "privatelink.tf",
        "outputs.tf",
    ] {
        let text = std::fs::read_to_string(folder.join(f)).unwrap();
        assert_eq!(header_of(&text), header, "{f}");
        assert_eq!(
            text.matches("Generated by vpcegen").count(),
            1,
            "{f}: {text}"
        );
        no_tag_bytes(&text);
    }
    let endpoints = std::fs::read_to_string(folder.join("endpoints.tf")).unwrap();
    assert!(
        endpoints.contains("  service_name      = \"com.amazonaws.eu-west-1.sqs\"\n"),
        "{endpoints}"
    );
    let privatelink = std::fs::read_to_string(folder.join("privatelink.tf")).unwrap();
    assert!(
        privatelink.contains(
            r#"allowed_principals         = ["arn:aws:iam::111122223333:role/q\"$${x}%%{y}\\z"]"#
        ),
        "{privatelink}"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("versions.tf")).unwrap(),
        format!("{header}\n\nterraform {{\n  required_version = \">= 1.5.0\"\n}}\n")
    );
    // The folder is vpcegen's: the same build again replaces its files.
    let o = build(
        &["build", "spec.toml", "--templates", "tpl", "--out", "out"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = build(&["build", "spec.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_custom_yaml_template_without_filters_or_header_writes_a_marked_template() {
    let yaml = "AWSTemplateFormatVersion: \"2010-09-09\"\nDescription:{{ description }}\nResources:\n{%- for r in resources %}\n  {{ r.logical_id }}:\n    Type: {{ r.kind }}\n    Properties:{{ r.properties | yaml(indent=6) }}\n{%- endfor %}\n";
    let (dir, o) = build_with(
        &[("cloudformation/template.yaml.tera", yaml)],
        &["--target", "cloudformation"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text =
        std::fs::read_to_string(dir.path().join("out/tpl/cloudformation/template.yaml")).unwrap();
    assert_eq!(
        header_of(&text),
        "# Generated by vpcegen from spec.toml. Do not edit: change the spec and run `vpcegen build`."
    );
    no_tag_bytes(&text);
    assert!(
        text.contains("Description: \"VPC endpoints of tpl (generated by vpcegen)\"\n"),
        "{text}"
    );
    let doc: yaml_serde::Value = yaml_serde::from_str(&text).unwrap();
    assert!(doc.get("Resources").is_some());
    let o = build(
        &[
            "build",
            "spec.toml",
            "--target",
            "cloudformation",
            "--templates",
            "tpl",
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// What cannot be made right is refused, naming the template, and nothing
/// is written: a value of several lines without its filter (its indent is
/// unknown), a value passed through another filter or joined to a string
/// (not escaped for the target), a JSON template without the mark.
#[test]
fn custom_templates_that_would_write_unescaped_values_are_refused() {
    let cases: &[(&str, &str, &[&str], &str)] = &[
        (
            "terraform/main.tf.tera",
            "locals {\n  tags = {{ tags }}\n}\n",
            &[],
            "template `terraform/main.tf.tera` failed: a value of several lines",
        ),
        (
            "terraform/main.tf.tera",
            "locals {\n  a = {{ vpc_id | safe }}\n}\n",
            &[],
            "template `terraform/main.tf.tera` wrote a value that skipped the `hcl` filter",
        ),
        (
            "terraform/main.tf.tera",
            "locals {\n  a = \"{{ \"x\" ~ vpc_id }}\"\n}\n",
            &[],
            "template `terraform/main.tf.tera` wrote a value that skipped the `hcl` filter",
        ),
        (
            "cloudformation/template.yaml.tera",
            "Resources:\n{%- for r in resources %}\n  {{ r.logical_id }}:\n    Properties:{{ r.properties }}\n{%- endfor %}\n",
            &["--target", "cloudformation"],
            "template `cloudformation/template.yaml.tera` failed: a value of several lines",
        ),
        (
            "cloudformation/template.json.tera",
            "{ \"Description\": {{ description }} }\n",
            &["--target", "cloudformation", "--format", "json"],
            "template `cloudformation/template.json.tera` does not write vpcegen's mark",
        ),
    ];
    for (name, text, extra, want) in cases {
        let (dir, o) = build_with(&[(name, text)], extra);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
        no_tag_bytes(&err);
        assert!(
            !dir.path().join("out").exists(),
            "{name}: nothing is written"
        );
    }
}

// ---------------------------------------------------------------------------
// The same entry twice in one list: a warning at both places, and the
// output of the spec without the repeat. (Linearity is in the benchmark.)

/// 1-based line of the line holding `marker`.
fn line_with(text: &str, marker: &str) -> String {
    (text.lines().position(|l| l.contains(marker)).expect(marker) + 1).to_string()
}

/// Every file each target writes for the spec at `path`, with the
/// diagnostics other than W120.
fn outputs(path: &Path, targets: &[Target]) -> (Vec<String>, Vec<(String, String)>) {
    let engine = Engine::new(None).unwrap();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for &target in targets {
        let c = vpcegen::compile(&[path.to_path_buf()], Some(target), false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        diags.extend(codes(&c).into_iter().filter(|(code, _)| code != "W120"));
        for m in &c.models().unwrap() {
            let formats: &[CfnFormat] = match target {
                Target::Terraform => &[CfnFormat::Yaml],
                Target::Cloudformation => &[CfnFormat::Yaml, CfnFormat::Json],
            };
            for &f in formats {
                for file in vpcegen::render_model(m, &engine, target, f).unwrap() {
                    files.push(format!("{}:\n{}", file.path, file.contents));
                }
            }
            files.push(format!("{:?}", serde_json::to_string(m).unwrap()));
        }
    }
    (files, diags)
}

#[test]
fn a_repeated_list_entry_warns_at_both_places_and_changes_nothing() {
    let vpc = "[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\nroute_tables = [\"rtb-0123456789abcdef0\"]\n";
    let both = [Target::Terraform, Target::Cloudformation];
    let tf = [Target::Terraform];
    let head = "version = 1\nname = \"dup\"\nregion = \"eu-west-1\"\naccount = \"111122223333\"\n";
    let connect =
        "[connect.x]\nservice_name = \"com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0\"\n";
    let expose = "[expose.api]\nload_balancer = { port = 443 }\nacceptance_required = true\n";
    // (list, spec: the first entry marked `# first`, its repeat `# again`)
    let cases: Vec<(&str, String, &[Target])> = vec![
        (
            "reach.services",
            format!(
                "{head}{vpc}[reach]\nservices = [\n  \"s3\", # first\n  \"sqs\",\n  \"s3\", # again\n  \"s3\",\n]\n"
            ),
            &both,
        ),
        (
            "reach.bundles",
            format!(
                "{head}{vpc}[reach]\nservices = [\"ecr.api\"]\nbundles = [\n  \"ecr\", # first\n  \"ecr\", # again\n]\n"
            ),
            &both,
        ),
        (
            "reach.without",
            format!(
                "{head}{vpc}[reach]\nservices = [\"s3\", \"sqs\", \"sns\"]\nwithout = [\n  \"s3\", # first\n  \"sns\",\n  \"s3\", # again\n]\n"
            ),
            &both,
        ),
        (
            "vpc.subnets",
            format!(
                "{head}[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\n  \"subnet-0123456789abcdef0\", # first\n  \"subnet-0123456789abcdef1\",\n  \"subnet-0123456789abcdef0\", # again\n]\n[reach]\nservices = [\"sqs\"]\n"
            ),
            &both,
        ),
        (
            "vpc.route_tables",
            format!(
                "{head}[vpc]\nid = \"vpc-0123456789abcdef0\"\nroute_tables = [\n  \"rtb-0123456789abcdef0\", # first\n  \"rtb-0123456789abcdef0\", # again\n]\n[reach]\nservices = [\"s3\"]\n"
            ),
            &both,
        ),
        (
            "vpc.az_ids",
            format!(
                "{head}{vpc}az_ids = [\n  \"euw1-az1\", # first\n  \"euw1-az2\",\n  \"euw1-az1\", # again\n]\n[reach]\nservices = [\"sqs\"]\n{connect}az_ids = [\"euw1-az1\", \"euw1-az2\"]\n"
            ),
            &both,
        ),
        (
            "reach.security_group.ids",
            format!(
                "{head}{vpc}[reach]\nservices = [\"sqs\"]\nsecurity_group = {{ ids = [\n  \"sg-0123456789abcdef0\", # first\n  \"sg-0123456789abcdef0\", # again\n] }}\n"
            ),
            &both,
        ),
        (
            "reach.security_group.ingress_cidrs",
            format!(
                "{head}{vpc}[reach]\nservices = [\"sqs\", \"sns\"]\nsecurity_group = {{ ingress_cidrs = [\n  \"10.0.0.0/16\", # first\n  \"10.1.0.0/16\",\n  \"10.0.0.0/16\", # again\n] }}\n"
            ),
            &both,
        ),
        (
            "expose.api.allowed_principals",
            format!(
                "{head}{vpc}{expose}allowed_principals = [\n  \"arn:aws:iam::444455556666:role/a\", # first\n  \"*\",\n  \"arn:aws:iam::444455556666:role/a\", # again\n]\n"
            ),
            &both,
        ),
        (
            "connect.x.ports",
            format!(
                "{head}{vpc}{connect}ports = [\n  443, # first\n  8443,\n  0x1bb, # again\n]\n"
            ),
            &both,
        ),
        (
            "connect.x.az_ids",
            format!(
                "{head}{vpc}az_ids = [\"euw1-az1\"]\n{connect}az_ids = [\n  \"euw1-az1\", # first\n  \"euw1-az1\", # again\n]\n"
            ),
            &both,
        ),
        (
            "vpc.subnets.tags.Tier",
            format!(
                "{head}[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = {{ tags = {{ Tier = [\n  \"private\", # first\n  \"app\",\n  \"private\", # again\n] }} }}\n[reach]\nservices = [\"sqs\"]\n"
            ),
            &tf,
        ),
        (
            "extends",
            format!(
                "extends = [\n  \"base.toml\", # first\n  \"base.toml\", # again\n]\n{head}{vpc}"
            ),
            &both,
        ),
    ];
    for (field, dup, targets) in cases {
        let dir = tempfile::tempdir().unwrap();
        spec_file(
            dir.path(),
            "base.toml",
            "[reach]\nservices = [\"sqs\", \"s3\"]\n[tags]\nTeam = \"a\"\n",
        );
        let path = spec_file(dir.path(), "spec.toml", &dup);
        let c = vpcegen::compile(std::slice::from_ref(&path), None, false);
        let w120: Vec<_> = located(&c)
            .into_iter()
            .filter(|(code, ..)| code == "W120")
            .collect();
        assert_eq!(
            w120,
            [(
                "W120".to_string(),
                line_with(&dup, "# again"),
                vec![line_with(&dup, "# first")]
            )],
            "{field}: {}",
            c.diagnostics.render(&c.sources, false)
        );
        let text = c.diagnostics.render(&c.sources, false);
        assert!(text.contains(&format!("`{field}` lists")), "{text}");
        assert!(
            text.contains("listed again here") && text.contains("first listed here"),
            "{text}"
        );
        let with_repeat = outputs(&path, targets);
        // The repeat's line emptied, so that every other line keeps its number.
        let once: String = dup
            .lines()
            .map(|l| {
                if l.contains("# again") {
                    "# (removed)\n".to_string()
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(&path, &once).unwrap();
        let without_repeat = outputs(&path, targets);
        assert_eq!(
            with_repeat.1, without_repeat.1,
            "{field}: other diagnostics"
        );
        assert_eq!(with_repeat.0.len(), without_repeat.0.len(), "{field}");
        for (a, b) in with_repeat.0.iter().zip(&without_repeat.0) {
            assert!(
                a == b,
                "{field}: the repeat changed the output:\n{a}\n---\n{b}"
            );
        }
    }
}

/// A bundle and one of its members, or a baseline's service listed again
/// by the spec that extends it, are not repeats of one entry.
#[test]
fn overlaps_that_are_not_repeats_say_nothing() {
    let dir = tempfile::tempdir().unwrap();
    spec_file(
        dir.path(),
        "base.toml",
        "[reach]\nservices = [\"sqs\", \"s3\"]\n",
    );
    for spec in [
        "version = 1\nname = \"o\"\n[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\n[reach]\nservices = [\"ecr.api\", \"ecr.dkr\"]\nbundles = [\"ecr\"]\n",
        "extends = [\"base.toml\"]\nversion = 1\nname = \"o\"\n[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\nroute_tables = [\"rtb-0123456789abcdef0\"]\n[reach]\nservices = [\"sqs\"]\n",
    ] {
        let path = spec_file(dir.path(), "spec.toml", spec);
        let c = vpcegen::compile(&[path], None, false);
        assert!(
            c.diagnostics.iter().all(|d| d.code != "W120"),
            "{}",
            c.diagnostics.render(&c.sources, false)
        );
    }
}

// ---------------------------------------------------------------------------
// Every repository spec, its integers rewritten in each of TOML's notations,
// builds to the same bytes (the fuzzer mutates with the same rewriting).

#[allow(dead_code)]
mod mutate {
    include!("support/mutate.rs");
}

#[test]
fn integers_in_any_notation_give_the_same_output_for_every_seed_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let seeds = mutate::sandbox(root, dir.path());
    let engine = Engine::new(None).unwrap();
    let render = |path: &Path| -> Option<Vec<String>> {
        let mut out = Vec::new();
        for target in [Target::Terraform, Target::Cloudformation] {
            let c = vpcegen::compile(&[path.to_path_buf()], Some(target), false);
            if !c.ok() {
                out.push(format!("refused: {:?}", codes(&c)));
                continue;
            }
            for m in &c.models().unwrap() {
                for f in vpcegen::render_model(m, &engine, target, CfnFormat::Yaml).unwrap() {
                    out.push(f.contents);
                }
            }
        }
        Some(out)
    };
    let mut rewritten = 0;
    for (folder, name, bytes) in &seeds {
        if mutate::integer_spans(bytes).is_empty() {
            continue;
        }
        let path = folder.join(name);
        let want = render(&path).unwrap();
        for how in 0..5 {
            let other = mutate::renotate_all(bytes, how);
            std::fs::write(&path, &other).unwrap();
            let got = render(&path).unwrap();
            assert!(
                got == want,
                "{}: integers as {} change the output",
                path.display(),
                mutate::renotate("443", how)
            );
            rewritten += 1;
        }
        std::fs::write(&path, bytes).unwrap();
    }
    assert!(rewritten >= 50, "{rewritten} rewritten specs");
}

/// Each kind of input-name clash has its own code (they were all E014),
/// and each code keeps its severity in both message formats.
#[test]
fn each_input_name_clash_has_its_own_code() {
    let cases = [
        (
            "E014",
            Target::Terraform,
            "id = { input = \"net\" }\nsubnets = { input = \"net\" }\n[reach]\nservices = [\"sqs\"]\n",
        ),
        (
            "E017",
            Target::Terraform,
            "subnets = { input = \"subnet_ids\" }\nroute_tables = { input = \"subnet__ids\" }\n[reach]\nservices = [\"sqs\", \"s3\"]\n",
        ),
        (
            "E018",
            Target::Terraform,
            "subnets = { input = \"vpc_cidr\" }\n[reach]\nservices = [\"sqs\"]\n",
        ),
        (
            "E019",
            Target::Cloudformation,
            "id = { input = \"sqs_endpoint\" }\ncidr = \"10.0.0.0/16\"\nsubnets = [\"subnet-0123456789abcdef0\"]\n[reach]\nservices = [\"sqs\"]\n",
        ),
    ];
    // Each case: the code, the target, and the spec from `[vpc]` on.
    for (code, target, rest) in cases {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("version = 1\nname = \"clash\"\n[vpc]\n{rest}");
        let p = spec_file(dir.path(), "spec.toml", &text);
        let c = vpcegen::compile(&[p], Some(target), false);
        let got: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(got, [code], "{text}");
        let d = c.diagnostics.iter().next().unwrap();
        assert_eq!(d.severity, vpcegen::diagnostic::Severity::Error);
        let json = c.diagnostics.render_json(&c.sources);
        assert!(
            json.starts_with(&format!("{{\"severity\":\"error\",\"code\":\"{code}\",")),
            "{json}"
        );
    }
}
