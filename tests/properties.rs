//! Property tests of escaping: any tag key or value a spec accepts reaches
//! the Terraform module and the CloudFormation template (YAML and JSON)
//! exactly as written, and never changes the structure of the output.
//!
//! Each output is read back with a real parser (`hcl-edit`, `yaml_serde`,
//! `serde_json`), the tag is looked up where it must be, and the output's
//! shape (blocks, attributes, resources, properties) is compared with the
//! shape of the same spec with a harmless tag.
//!
//! `PROPTEST_CASES` overrides the number of generated cases (default 64).

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use proptest::prelude::*;
use std::sync::OnceLock;
use vpcegen::model::{Model, SecurityGroups};
use vpcegen::render::{CfnFormat, Engine, Target};

include!("support/nasty.rs");

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
}

/// A TOML basic string holding exactly `s`: everything but plain ASCII is
/// written as a `\u`/`\U` escape, so the spec's own encoding is not in question.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || " -_.,:;/=+*#@!?()[]{}<>|~^&'`$%".contains(c) {
            out.push(c);
        } else if (c as u32) <= 0xFFFF {
            out.push_str(&format!("\\u{:04X}", c as u32));
        } else {
            out.push_str(&format!("\\U{:08X}", c as u32));
        }
    }
    out.push('"');
    out
}

/// What AWS and vpcegen accept as a tag key: no control character (AWS
/// refuses a newline in any key, and every other one outside EC2).
fn valid_key(k: &str) -> bool {
    let n = k.chars().count();
    (1..=128).contains(&n)
        && !k.starts_with("aws:")
        && k != "Name"
        && !k.chars().any(char::is_control)
}

struct Rendered {
    model: Model,
    terraform: Vec<vpcegen::render::File>,
    yaml: String,
    json: String,
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(None).expect("built-in templates parse"))
}

/// Writes a spec with one tag, and renders it for every target and format.
/// Region-agnostic, one gateway and one interface endpoint, so the output
/// holds string templates (`${...}`, `!Sub`) beside the tag.
fn render(key: &str, value: &str) -> Rendered {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("spec.toml");
    let spec = format!(
        "version = 1\nname = \"prop\"\n\n[tags]\n{} = {}\n\n[reach]\nservices = [\"s3\", \"sqs\"]\n",
        toml_string(key),
        toml_string(value)
    );
    std::fs::write(&path, &spec).unwrap();
    let compile = |target| {
        let c = vpcegen::compile(std::slice::from_ref(&path), Some(target), false);
        assert!(
            c.ok(),
            "spec rejected:\n{spec}\n{}",
            c.diagnostics.render(&c.sources, false)
        );
        c.models().unwrap().into_iter().next().unwrap()
    };
    let model = compile(Target::Terraform);
    let terraform = vpcegen::render_model(&model, engine(), Target::Terraform, CfnFormat::Yaml)
        .expect("terraform renders");
    let cfn = compile(Target::Cloudformation);
    let one = |format| {
        vpcegen::render_model(&cfn, engine(), Target::Cloudformation, format)
            .expect("cloudformation renders")
            .remove(0)
            .contents
    };
    Rendered {
        yaml: one(CfnFormat::Yaml),
        json: one(CfnFormat::Json),
        model,
        terraform,
    }
}

// ---------------------------------------------------------------------------
// Terraform

/// Blocks (type and labels) and attribute names, depth first: what the tag
/// must never change.
fn hcl_shape(body: &Body, depth: usize, out: &mut Vec<String>) {
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => out.push(format!("{depth} {} =", a.key.as_str())),
            Structure::Block(b) => {
                let labels: Vec<String> = b.labels.iter().map(|l| l.as_str().to_string()).collect();
                out.push(format!("{depth} {} {:?}", b.ident.as_str(), labels));
                hcl_shape(&b.body, depth + 1, out);
            }
        }
    }
}

fn hcl_string(e: &Expression) -> Result<String, String> {
    match e {
        Expression::String(s) => Ok(s.value().clone()),
        other => Err(format!("not a plain string literal: {other:?}")),
    }
}

/// The `locals { tags = { ... } }` map, decoded.
fn terraform_tags(main_tf: &Body) -> Result<Vec<(String, String)>, String> {
    let locals = main_tf
        .iter()
        .filter_map(Structure::as_block)
        .find(|b| b.ident.as_str() == "locals")
        .ok_or("no locals block")?;
    let tags = locals
        .body
        .iter()
        .filter_map(Structure::as_attribute)
        .find(|a| a.key.as_str() == "tags")
        .ok_or("no tags in locals")?;
    let Expression::Object(obj) = &tags.value else {
        return Err(format!("local.tags is not an object: {:?}", tags.value));
    };
    obj.iter()
        .map(|(k, v)| {
            let key = match k {
                ObjectKey::Expression(e) => hcl_string(e)?,
                ObjectKey::Ident(i) => i.as_str().to_string(),
            };
            Ok((key, hcl_string(v.expr())?))
        })
        .collect()
}

fn parse_terraform(r: &Rendered) -> Result<Vec<(String, Body)>, String> {
    r.terraform
        .iter()
        .map(|f| {
            hcl_edit::parser::parse_body(&f.contents)
                .map(|b| (f.path.clone(), b))
                .map_err(|e| format!("{} does not parse: {e}\n{}", f.path, f.contents))
        })
        .collect()
}

fn terraform_shape(files: &[(String, Body)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, body) in files {
        out.push(path.clone());
        hcl_shape(body, 0, &mut out);
    }
    out
}

fn count_blocks(files: &[(String, Body)], ident: &str, label: &str) -> usize {
    files
        .iter()
        .flat_map(|(_, b)| b.iter().filter_map(Structure::as_block))
        .filter(|b| {
            b.ident.as_str() == ident && b.labels.first().is_some_and(|l| l.as_str() == label)
        })
        .count()
}

// ---------------------------------------------------------------------------
// CloudFormation

fn yaml_shape(v: &yaml_serde::Value, depth: usize, out: &mut Vec<String>) {
    use yaml_serde::Value as Y;
    match v {
        Y::Mapping(m) => {
            for (k, v) in m {
                out.push(format!(
                    "{depth} {}",
                    k.as_str().unwrap_or("<non-string key>")
                ));
                // Below Tags only the tag itself differs.
                if k.as_str() != Some("Tags") {
                    yaml_shape(v, depth + 1, out);
                }
            }
        }
        Y::Sequence(s) => {
            out.push(format!("{depth} [{}]", s.len()));
            for v in s {
                yaml_shape(v, depth + 1, out);
            }
        }
        Y::Tagged(t) => {
            out.push(format!("{depth} {}", t.tag));
            yaml_shape(&t.value, depth + 1, out);
        }
        _ => {}
    }
}

fn json_shape(v: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                out.push(format!("{depth} {k}"));
                if k != "Tags" {
                    json_shape(v, depth + 1, out);
                }
            }
        }
        serde_json::Value::Array(a) => {
            out.push(format!("{depth} [{}]", a.len()));
            for v in a {
                json_shape(v, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Each resource's Tags as (key, value) pairs, by logical ID.
type ResourceTags = Vec<(String, Vec<(String, String)>)>;

fn yaml_tags(doc: &yaml_serde::Value) -> Result<ResourceTags, String> {
    let resources = doc
        .get("Resources")
        .and_then(|r| r.as_mapping())
        .ok_or("no Resources mapping")?;
    let mut out = Vec::new();
    for (id, res) in resources {
        let id = id.as_str().ok_or("non-string logical ID")?.to_string();
        let tags = res
            .get("Properties")
            .and_then(|p| p.get("Tags"))
            .and_then(|t| t.as_sequence())
            .ok_or(format!("{id} has no Tags list"))?;
        let mut pairs = Vec::new();
        for t in tags {
            let k = t
                .get("Key")
                .and_then(|v| v.as_str())
                .ok_or(format!("{id}: tag without a string Key: {t:?}"))?;
            let v = t
                .get("Value")
                .and_then(|v| v.as_str())
                .ok_or(format!("{id}: tag without a string Value: {t:?}"))?;
            pairs.push((k.to_string(), v.to_string()));
        }
        out.push((id, pairs));
    }
    Ok(out)
}

fn json_tags(doc: &serde_json::Value) -> Result<ResourceTags, String> {
    let resources = doc
        .get("Resources")
        .and_then(|r| r.as_object())
        .ok_or("no Resources object")?;
    let mut out = Vec::new();
    for (id, res) in resources {
        let tags = res
            .pointer("/Properties/Tags")
            .and_then(|t| t.as_array())
            .ok_or(format!("{id} has no Tags list"))?;
        let mut pairs = Vec::new();
        for t in tags {
            let k = t
                .get("Key")
                .and_then(|v| v.as_str())
                .ok_or(format!("{id}: tag without a string Key"))?;
            let v = t
                .get("Value")
                .and_then(|v| v.as_str())
                .ok_or(format!("{id}: tag without a string Value"))?;
            pairs.push((k.to_string(), v.to_string()));
        }
        out.push((id.clone(), pairs));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The property

struct Shapes {
    terraform: Vec<String>,
    yaml: Vec<String>,
    json: Vec<String>,
}

fn shapes_of(r: &Rendered) -> Result<Shapes, String> {
    let tf = parse_terraform(r)?;
    let y: yaml_serde::Value = yaml_serde::from_str(&r.yaml)
        .map_err(|e| format!("YAML does not parse: {e}\n{}", r.yaml))?;
    let j: serde_json::Value = serde_json::from_str(&r.json)
        .map_err(|e| format!("JSON does not parse: {e}\n{}", r.json))?;
    let mut shapes = Shapes {
        terraform: terraform_shape(&tf),
        yaml: Vec::new(),
        json: Vec::new(),
    };
    yaml_shape(&y, 0, &mut shapes.yaml);
    json_shape(&j, 0, &mut shapes.json);
    Ok(shapes)
}

/// The shapes with a harmless tag, to compare every other render against.
fn reference() -> &'static Shapes {
    static S: OnceLock<Shapes> = OnceLock::new();
    S.get_or_init(|| shapes_of(&render("probe", "plain")).expect("the reference renders"))
}

/// The whole check for one tag; an `Err` says what broke.
fn round_trip(key: &str, value: &str) -> Result<(), String> {
    let r = render(key, value);
    let m = &r.model;
    let want = vec![(key.to_string(), value.to_string())];
    assert_eq!(m.tags, want, "the spec reader changed the tag");
    let endpoints = m.endpoints.len();
    let groups = usize::from(matches!(
        m.security_groups,
        Some(SecurityGroups::Create { .. })
    ));

    // Nothing invisible or rejected by a parser reaches a file raw:
    // control characters (JSON allows DEL and C1 raw, CloudFormation and
    // cfn-lint do not), separators that break or hide lines, non-characters.
    let files = r
        .terraform
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .chain([
            ("template.yaml", r.yaml.as_str()),
            ("template.json", r.json.as_str()),
        ]);
    for (path, contents) in files {
        if let Some(c) = contents.chars().find(|&c| raw_forbidden(c)) {
            return Err(format!("{path} holds {c:?} unescaped"));
        }
    }

    // Terraform.
    let tf = parse_terraform(&r)?;
    let main = &tf
        .iter()
        .find(|(p, _)| p == "main.tf")
        .ok_or("no main.tf")?
        .1;
    let got = terraform_tags(main)?;
    if got != want {
        return Err(format!("Terraform tags: got {got:?}, want {want:?}"));
    }
    if count_blocks(&tf, "resource", "aws_vpc_endpoint") != endpoints {
        return Err("Terraform: wrong number of aws_vpc_endpoint blocks".into());
    }
    if count_blocks(&tf, "resource", "aws_security_group") != groups {
        return Err("Terraform: wrong number of aws_security_group blocks".into());
    }
    let shapes = shapes_of(&r)?;
    let reference = reference();
    if shapes.terraform != reference.terraform {
        return Err(format!(
            "Terraform structure changed:\n{:#?}\nvs\n{:#?}",
            shapes.terraform, reference.terraform
        ));
    }

    // CloudFormation, both formats.
    let y: yaml_serde::Value = yaml_serde::from_str(&r.yaml).map_err(|e| e.to_string())?;
    let j: serde_json::Value = serde_json::from_str(&r.json).map_err(|e| e.to_string())?;
    for (format, resources) in [("YAML", yaml_tags(&y)?), ("JSON", json_tags(&j)?)] {
        if resources.len() != endpoints + groups {
            return Err(format!(
                "{format}: {} resources, the model has {endpoints} endpoints and {groups} group(s)",
                resources.len()
            ));
        }
        for (id, tags) in &resources {
            let own: Vec<&(String, String)> = tags.iter().filter(|(k, _)| k != "Name").collect();
            let names = tags.iter().filter(|(k, _)| k == "Name").count();
            if own.len() != 1 || *own[0] != want[0] || names != 1 {
                return Err(format!(
                    "{format}: {id} has tags {tags:?}, want {want:?} and Name"
                ));
            }
        }
    }
    if shapes.yaml != reference.yaml {
        return Err(format!("YAML structure changed:\n{}", r.yaml));
    }
    if shapes.json != reference.json {
        return Err(format!("JSON structure changed:\n{}", r.json));
    }
    Ok(())
}

fn raw_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
        )
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One character or one of the nasty strings at a time, so generated text
/// mixes both.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<char>().prop_map(String::from),
        1 => prop::sample::select(NASTY).prop_map(String::from),
    ]
}

fn text(max_pieces: usize, max_chars: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max_pieces)
        .prop_map(move |v| v.concat().chars().take(max_chars).collect::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn tag_values_round_trip(value in text(24, 256)) {
        if let Err(e) = round_trip("probe", &value) {
            prop_assert!(false, "value {value:?}: {e}");
        }
    }

    #[test]
    fn tag_keys_round_trip(key in text(16, 128).prop_filter("a valid tag key", |k| valid_key(k))) {
        if let Err(e) = round_trip(&key, "value") {
            prop_assert!(false, "key {key:?}: {e}");
        }
    }
}

/// The fixed corpus, on every run: each string as a value, and as a key
/// where it is a valid one.
#[test]
fn nasty_strings_round_trip() {
    assert!(NASTY.len() >= 40);
    let mut failures = Vec::new();
    for s in NASTY {
        if let Err(e) = round_trip("probe", s) {
            failures.push(format!("value {s:?}: {e}"));
        }
        if valid_key(s) {
            if let Err(e) = round_trip(s, "value") {
                failures.push(format!("key {s:?}: {e}"));
            }
        }
    }
    // Every nasty string at once, as one value.
    let all: String = NASTY.concat().chars().take(256).collect();
    if let Err(e) = round_trip("probe", &all) {
        failures.push(format!("all at once: {e}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The TOML writer above is itself right: what it writes reads back.
#[test]
fn toml_string_is_exact() {
    for s in NASTY {
        let doc = format!("v = {}", toml_string(s));
        let t: toml::Table = doc.parse().expect("valid TOML");
        assert_eq!(t["v"].as_str(), Some(*s));
    }
}
