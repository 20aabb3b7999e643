//! Injection property tests: every string a spec can carry into the output,
//! for both targets.
//!
//! For each field, a spec holding a string in that field is compiled and
//! rendered as Terraform and as CloudFormation (YAML and JSON). Then:
//!
//! - a string the field accepts must give output that parses (`hcl-edit`
//!   for every `.tf` file, `yaml_serde` and `serde_json` for the template,
//!   the YAML read back as the same document as the JSON), has exactly the
//!   blocks and resources the model says (no more, no fewer, no duplicate
//!   names), and holds the string, decoded by the parser, unchanged where
//!   the field goes (a plain string literal, never a template);
//! - a string the field refuses must give an error diagnostic with the
//!   field's code (E010 for values, E014 and E017 to E019 for input-name clashes), and no
//!   output.
//!
//! Validated fields (`service_name`, principals, `private_dns_name`, IDs,
//! names) are driven both by strings inside what validation accepts, which
//! must all be accepted, and by arbitrary Unicode, which must be refused
//! or round-trip. Policies are arbitrary JSON documents (Unicode in keys
//! and values, in a `Condition`); the `jsonencode({...})` object in the
//! Terraform module is decoded back to JSON and compared with the file's
//! JSON, as is the template's `PolicyDocument`.
//!
//! The corpus in `support/nasty.rs` runs through every field on every run;
//! `PROPTEST_CASES` overrides the number of generated cases per property
//! (default 64).

use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use proptest::prelude::*;
use serde_json::{Value as J, json};
use std::sync::OnceLock;
use vpcegen::model::{LoadBalancer, Model, SecurityGroups, Value as MValue};
use vpcegen::render::{CfnFormat, Engine, Target};

include!("support/nasty.rs");

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // Shrinking renders hundreds of specs; a failure prints its input anyway.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

/// A TOML basic string holding exactly `s`, every non-ASCII character escaped.
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

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(None).expect("built-in templates parse"))
}

// ---------------------------------------------------------------------------
// Building a spec for both targets

/// A spec file and the files beside it (policies).
struct SpecFiles {
    spec: String,
    extra: Vec<(String, Vec<u8>)>,
    /// The spec's file name.
    file_name: String,
}

impl SpecFiles {
    fn new(spec: String) -> Self {
        SpecFiles {
            spec,
            extra: Vec::new(),
            file_name: "spec.toml".into(),
        }
    }
}

struct Tf {
    model: Model,
    files: Vec<(String, Body)>,
}

struct Cf {
    model: Model,
    /// The JSON template; the YAML one has been checked to be the same document.
    doc: J,
}

enum Built<T> {
    Ok(T),
    /// The error codes the spec got.
    Rejected(Vec<String>),
}

/// Characters that must never reach a file raw (see tests/properties.rs).
fn raw_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
        )
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn no_raw_forbidden(path: &str, contents: &str) -> Result<(), String> {
    match contents.chars().find(|&c| raw_forbidden(c)) {
        Some(c) => Err(format!("{path} holds {c:?} unescaped")),
        None => Ok(()),
    }
}

/// Compiles the spec for `target`; `Err` is a broken output (the bug this
/// file looks for), `Rejected` a spec refused with diagnostics.
fn compile(s: &SpecFiles, target: Target) -> Result<Built<Model>, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(&s.file_name);
    std::fs::write(&path, &s.spec).unwrap();
    for (name, bytes) in &s.extra {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let c = vpcegen::compile(std::slice::from_ref(&path), Some(target), false);
    if !c.ok() {
        if !c.is_empty() {
            return Err("a rejected spec still produced models".into());
        }
        let codes = c
            .diagnostics
            .iter()
            .filter(|d| d.severity == vpcegen::diagnostic::Severity::Error)
            .map(|d| d.code.to_string())
            .collect();
        // The rendered diagnostics must not panic either, and stay readable.
        let text = c.diagnostics.render(&c.sources, false);
        no_raw_forbidden_in_diagnostics(&text)?;
        return Ok(Built::Rejected(codes));
    }
    let mut models = c.models().unwrap();
    if models.len() != 1 {
        return Err(format!("{} models for one spec", models.len()));
    }
    Ok(Built::Ok(models.remove(0)))
}

/// A diagnostic quotes what the user wrote, escaped: no raw control
/// character (that could rewrite the terminal) reaches stderr.
fn no_raw_forbidden_in_diagnostics(text: &str) -> Result<(), String> {
    match text
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        Some(c) => Err(format!(
            "a diagnostic prints {c:?} raw:\n{}",
            text.escape_debug()
        )),
        None => Ok(()),
    }
}

fn terraform(s: &SpecFiles) -> Result<Built<Tf>, String> {
    let model = match compile(s, Target::Terraform)? {
        Built::Ok(m) => m,
        Built::Rejected(c) => return Ok(Built::Rejected(c)),
    };
    let rendered = vpcegen::render_model(&model, engine(), Target::Terraform, CfnFormat::Yaml)
        .map_err(|e| format!("a valid spec failed to render as Terraform: {e}"))?;
    let mut files = Vec::new();
    for f in &rendered {
        no_raw_forbidden(&f.path, &f.contents)?;
        let body = hcl_edit::parser::parse_body(&f.contents)
            .map_err(|e| format!("{} does not parse: {e}\n{}", f.path, f.contents))?;
        files.push((f.path.clone(), body));
    }
    let tf = Tf { model, files };
    terraform_structure(&tf)?;
    Ok(Built::Ok(tf))
}

fn cloudformation(s: &SpecFiles) -> Result<Built<Cf>, String> {
    let model = match compile(s, Target::Cloudformation)? {
        Built::Ok(m) => m,
        Built::Rejected(c) => return Ok(Built::Rejected(c)),
    };
    let one = |format| {
        vpcegen::render_model(&model, engine(), Target::Cloudformation, format)
            .map_err(|e| format!("a valid spec failed to render as CloudFormation: {e}"))
            .map(|mut f| f.remove(0).contents)
    };
    let (yaml, json) = (one(CfnFormat::Yaml)?, one(CfnFormat::Json)?);
    no_raw_forbidden("template.yaml", &yaml)?;
    no_raw_forbidden("template.json", &json)?;
    let y: yaml_serde::Value = yaml_serde::from_str(&yaml)
        .map_err(|e| format!("template.yaml does not parse: {e}\n{yaml}"))?;
    let mut doc: J = serde_json::from_str(&json)
        .map_err(|e| format!("template.json does not parse: {e}\n{json}"))?;
    let mut from_yaml = yaml_to_json(&y)?;
    // The generated-by mark is a comment in YAML and `Metadata` in JSON.
    let meta = doc.as_object_mut().and_then(|o| o.remove("Metadata"));
    if let Some(o) = from_yaml.as_object_mut() {
        o.remove("Metadata");
    }
    if from_yaml != doc {
        return Err(format!(
            "the YAML and JSON templates differ:\n{yaml}\n---\n{json}"
        ));
    }
    if let Some(m) = meta {
        doc.as_object_mut().unwrap().insert("Metadata".into(), m);
    }
    let cf = Cf { model, doc };
    cloudformation_structure(&cf, &json)?;
    Ok(Built::Ok(cf))
}

/// A YAML template as the JSON template it stands for: `!Ref x` is
/// `{"Ref": x}`, `!GetAtt a.b` is `{"Fn::GetAtt": ["a", "b"]}`, and so on.
fn yaml_to_json(v: &yaml_serde::Value) -> Result<J, String> {
    use yaml_serde::Value as Y;
    Ok(match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                return Err(format!("a float in the template: {n:?}"));
            }
        }
        Y::String(s) => J::String(s.clone()),
        Y::Sequence(items) => J::Array(items.iter().map(yaml_to_json).collect::<Result<_, _>>()?),
        Y::Mapping(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                let k = k
                    .as_str()
                    .ok_or_else(|| format!("a non-string key in the YAML template: {k:?}"))?;
                out.insert(k.to_string(), yaml_to_json(v)?);
            }
            J::Object(out)
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let inner = yaml_to_json(&t.value)?;
            match tag.as_str() {
                "!Ref" => json!({ "Ref": inner }),
                "!GetAtt" => {
                    let s = inner.as_str().ok_or("!GetAtt of a non-string")?;
                    let (r, a) = s.split_once('.').ok_or("!GetAtt without a dot")?;
                    json!({ "Fn::GetAtt": [r, a] })
                }
                "!Sub" => json!({ "Fn::Sub": inner }),
                "!Join" => json!({ "Fn::Join": inner }),
                "!Equals" => json!({ "Fn::Equals": inner }),
                other => return Err(format!("an unexpected YAML tag {other}")),
            }
        }
    })
}

// ---------------------------------------------------------------------------
// Structure: exactly what the model says

fn top_blocks(tf: &Tf) -> impl Iterator<Item = &Block> {
    tf.files
        .iter()
        .flat_map(|(_, b)| b.iter().filter_map(Structure::as_block))
}

fn labels(b: &Block) -> Vec<String> {
    b.labels.iter().map(|l| l.as_str().to_string()).collect()
}

fn terraform_structure(tf: &Tf) -> Result<(), String> {
    let m = &tf.model;
    let mut seen = std::collections::BTreeSet::new();
    for b in top_blocks(tf) {
        let key = (b.ident.as_str().to_string(), labels(b));
        if matches!(key.0.as_str(), "resource" | "data" | "variable" | "output")
            && !seen.insert(key.clone())
        {
            return Err(format!("Terraform: two blocks {key:?}"));
        }
    }
    let count = |ident: &str, label: &str| {
        top_blocks(tf)
            .filter(|b| {
                b.ident.as_str() == ident && b.labels.first().is_some_and(|l| l.as_str() == label)
            })
            .count()
    };
    let creates = m
        .exposes
        .iter()
        .filter(|x| matches!(x.load_balancer, LoadBalancer::Create { .. }))
        .count();
    let (group, rules) = match &m.security_groups {
        Some(SecurityGroups::Create { rules, .. }) => (1, rules.len()),
        _ => (0, 0),
    };
    let connect_rules: usize = m
        .connects
        .iter()
        .map(|c| c.own_security_group.as_ref().map_or(0, |g| g.rules.len()))
        .sum();
    // A created NLB's own group: its inbound and outbound rules.
    let (nlb_in, nlb_out) = m
        .exposes
        .iter()
        .filter_map(|x| match &x.load_balancer {
            LoadBalancer::Create { security_group, .. } => Some(security_group),
            LoadBalancer::Existing(_) => None,
        })
        .fold((0, 0), |(i, o), g| (i + g.rules.len(), o + g.egress.len()));
    let want = [
        ("aws_vpc_endpoint", m.endpoints.len() + m.connects.len()),
        ("aws_security_group", group + m.connects.len() + creates),
        (
            "aws_vpc_security_group_ingress_rule",
            rules + connect_rules + nlb_in,
        ),
        ("aws_vpc_security_group_egress_rule", nlb_out),
        ("aws_lb", creates),
        ("aws_lb_target_group", creates),
        ("aws_lb_listener", creates),
        ("aws_vpc_endpoint_service", m.exposes.len()),
    ];
    for (kind, n) in want {
        let got = count("resource", kind);
        if got != n {
            return Err(format!(
                "Terraform: {got} `{kind}` resources, the model says {n}"
            ));
        }
    }
    let resources = top_blocks(tf)
        .filter(|b| b.ident.as_str() == "resource")
        .count();
    let total: usize = want.iter().map(|(_, n)| n).sum();
    if resources != total {
        return Err(format!(
            "Terraform: {resources} resources, the model says {total}"
        ));
    }
    let variables = top_blocks(tf)
        .filter(|b| b.ident.as_str() == "variable")
        .count();
    if variables != m.inputs.len() {
        return Err(format!(
            "Terraform: {variables} variables, the model has {} inputs",
            m.inputs.len()
        ));
    }
    let outputs = top_blocks(tf)
        .filter(|b| b.ident.as_str() == "output")
        .count();
    if outputs != m.outputs.len() {
        return Err(format!(
            "Terraform: {outputs} outputs, the model has {}",
            m.outputs.len()
        ));
    }
    Ok(())
}

fn cloudformation_structure(cf: &Cf, json: &str) -> Result<(), String> {
    let m = &cf.model;
    let section = |name: &str| {
        cf.doc
            .get(name)
            .and_then(J::as_object)
            .map_or(0, |o| o.len())
    };
    let creates = m
        .exposes
        .iter()
        .filter(|x| matches!(x.load_balancer, LoadBalancer::Create { .. }))
        .count();
    let permissions = m
        .exposes
        .iter()
        .filter(|x| !x.allowed_principals.is_empty())
        .count();
    let group = usize::from(matches!(
        m.security_groups,
        Some(SecurityGroups::Create { .. })
    ));
    let resources = group
        + m.endpoints.len()
        + 2 * m.connects.len()
        + m.exposes.len()
        + 4 * creates
        + permissions;
    let parameters = m.inputs.len() + usize::from(m.vpc_cidr == Some(MValue::VpcCidr));
    // An endpoint's ARN, DNS entries, network interfaces and prefix list
    // are only fields of the `endpoints` map in CloudFormation.
    let details = m.outputs.iter().filter(|o| o.detail).count();
    for (name, n) in [
        ("Resources", resources),
        ("Parameters", parameters),
        ("Outputs", m.outputs.len() - details),
    ] {
        // A duplicate key is kept once by serde_json: count the keys as written too.
        if section(name) != n {
            return Err(format!(
                "CloudFormation: {} {name}, the model says {n}\n{json}",
                section(name)
            ));
        }
    }
    // Parameters and resources share one namespace.
    let params = cf.doc.get("Parameters").and_then(J::as_object);
    let res = cf.doc.get("Resources").and_then(J::as_object);
    if let (Some(p), Some(r)) = (params, res) {
        if let Some(k) = p.keys().find(|k| r.contains_key(*k)) {
            return Err(format!(
                "CloudFormation: `{k}` is both a Parameter and a resource"
            ));
        }
    }
    // Second-level keys, as written (4 spaces in) and as parsed.
    let keys_written = json.lines().filter(|l| l.starts_with("    \"")).count();
    if section("Rules") != usize::from(m.region.is_some()) {
        return Err(format!(
            "CloudFormation: {} Rules, one Region guard for a spec with a `region`\n{json}",
            section("Rules")
        ));
    }
    let keys_parsed: usize = ["Metadata", "Parameters", "Rules", "Resources", "Outputs"]
        .iter()
        .map(|s| section(s))
        .sum();
    if keys_written != keys_parsed {
        return Err(format!(
            "CloudFormation: {keys_written} logical IDs written, {keys_parsed} distinct"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Reading values back

fn block<'a>(tf: &'a Tf, ident: &str, want: &[&str]) -> Result<&'a Block, String> {
    top_blocks(tf)
        .find(|b| b.ident.as_str() == ident && labels(b) == want)
        .ok_or_else(|| format!("Terraform: no {ident} {want:?}"))
}

fn attr<'a>(body: &'a Body, name: &str) -> Result<&'a Expression, String> {
    body.iter()
        .filter_map(Structure::as_attribute)
        .find(|a| a.key.as_str() == name)
        .map(|a| &a.value)
        .ok_or_else(|| format!("Terraform: no attribute `{name}`"))
}

/// A plain string literal, decoded by the parser (`$${` is `${`): never a
/// template with interpolations or directives.
fn hcl_str(e: &Expression) -> Result<String, String> {
    match e {
        Expression::String(s) => Ok(s.value().clone()),
        other => Err(format!("Terraform: not a plain string literal: {other:?}")),
    }
}

fn hcl_strs(e: &Expression) -> Result<Vec<String>, String> {
    match e {
        Expression::Array(a) => a.iter().map(hcl_str).collect(),
        other => Err(format!("Terraform: not a list: {other:?}")),
    }
}

/// An HCL value as the JSON `jsonencode` makes of it.
fn hcl_to_json(e: &Expression) -> Result<J, String> {
    Ok(match e {
        Expression::String(s) => J::String(s.value().clone()),
        Expression::Bool(b) => J::Bool(*b.value()),
        Expression::Null(_) => J::Null,
        Expression::Number(n) => {
            let n = n.value();
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                return Err(format!("a float: {n:?}"));
            }
        }
        Expression::UnaryOp(u) if *u.operator.value() == UnaryOperator::Neg => {
            match hcl_to_json(&u.expr)? {
                J::Number(n) if n.as_i64().is_some() => json!(-n.as_i64().unwrap()),
                other => return Err(format!("`-` before {other}")),
            }
        }
        Expression::Array(a) => J::Array(a.iter().map(hcl_to_json).collect::<Result<_, _>>()?),
        Expression::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, v) in o.iter() {
                let k = match k {
                    ObjectKey::Expression(e) => hcl_str(e)?,
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                };
                if out.insert(k.clone(), hcl_to_json(v.expr())?).is_some() {
                    return Err(format!("Terraform: key {k:?} twice in one object"));
                }
            }
            J::Object(out)
        }
        other => return Err(format!("Terraform: not a JSON-like value: {other:?}")),
    })
}

fn resource<'a>(cf: &'a Cf, id: &str) -> Result<&'a J, String> {
    cf.doc
        .pointer(&format!("/Resources/{id}/Properties"))
        .ok_or_else(|| format!("CloudFormation: no resource {id}"))
}

fn cfn_str(v: Option<&J>) -> Result<String, String> {
    v.and_then(J::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("CloudFormation: not a plain string: {v:?}"))
}

fn cfn_strs(v: Option<&J>) -> Result<Vec<String>, String> {
    v.and_then(J::as_array)
        .ok_or_else(|| format!("CloudFormation: not a list: {v:?}"))?
        .iter()
        .map(|x| cfn_str(Some(x)))
        .collect()
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

// ---------------------------------------------------------------------------
// The fields

/// How a field treats a string: `Ok(true)` accepted (and checked to round
/// trip), `Ok(false)` refused with the field's code, `Err` broken.
type Check = fn(&str) -> Result<bool, String>;

/// What a refused string must get: only errors with these codes, at least one.
fn refused(codes: &[String], allowed: &[&str]) -> Result<bool, String> {
    if !codes.is_empty() && codes.iter().all(|c| allowed.contains(&c.as_str())) {
        Ok(false)
    } else {
        Err(format!("refused with {codes:?}, expected only {allowed:?}"))
    }
}

/// Both targets accept or both refuse with `allowed` codes.
fn both<A, B>(
    tf: Built<A>,
    cf: Built<B>,
    allowed: &[&str],
    check_tf: impl FnOnce(&A) -> Result<(), String>,
    check_cf: impl FnOnce(&B) -> Result<(), String>,
) -> Result<bool, String> {
    match (tf, cf) {
        (Built::Ok(t), Built::Ok(c)) => {
            check_tf(&t)?;
            check_cf(&c)?;
            Ok(true)
        }
        (Built::Rejected(a), Built::Rejected(b)) => {
            refused(&a, allowed)?;
            refused(&b, allowed)
        }
        (Built::Ok(t), Built::Rejected(b)) => {
            // Only a CloudFormation-specific clash may refuse one target:
            // a Parameter named like a resource.
            check_tf(&t)?;
            refused(&b, &["E019"])
        }
        (Built::Rejected(a), Built::Ok(_)) => {
            Err(format!("Terraform refused {a:?}, CloudFormation accepted"))
        }
    }
}

const BASE_VPC: &str = "[vpc]\nid = \"vpc-0123456789abcdef0\"\ncidr = \"10.0.0.0/16\"\nsubnets = [\"subnet-0123456789abcdef0\"]\nroute_tables = [\"rtb-0123456789abcdef0\"]\n";

fn spec_with(body: &str) -> SpecFiles {
    SpecFiles::new(format!("version = 1\nname = \"inj\"\n{body}"))
}

/// `[service.sqs] service_name`, for a service the catalog knows.
fn field_service_name(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "{BASE_VPC}[reach]\nservices = [\"sqs\", \"s3\"]\n[service.sqs]\nservice_name = {}\n",
        toml_string(s)
    ));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            expect_eq(
                "service_name",
                hcl_str(attr(
                    &block(t, "resource", &["aws_vpc_endpoint", "sqs"])?.body,
                    "service_name",
                )?)?,
                s.to_string(),
            )
        },
        |c| {
            expect_eq(
                "ServiceName",
                cfn_str(resource(c, "SqsEndpoint")?.get("ServiceName"))?,
                s.to_string(),
            )
        },
    )
}

/// `[connect.<name>] service_name` given literally.
fn field_connect_service_name(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "{BASE_VPC}[connect.orders]\nservice_name = {}\n",
        toml_string(s)
    ));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            expect_eq(
                "service_name",
                hcl_str(attr(
                    &block(t, "resource", &["aws_vpc_endpoint", "connect_orders"])?.body,
                    "service_name",
                )?)?,
                s.to_string(),
            )
        },
        |c| {
            expect_eq(
                "ServiceName",
                cfn_str(resource(c, "ConnectOrdersEndpoint")?.get("ServiceName"))?,
                s.to_string(),
            )
        },
    )
}

fn expose_spec(extra: &str) -> SpecFiles {
    spec_with(&format!(
        "{BASE_VPC}[expose.api]\nload_balancer = {{ port = 443 }}\nacceptance_required = true\n{extra}"
    ))
}

/// `[expose.<name>] allowed_principals`.
fn field_principal(s: &str) -> Result<bool, String> {
    let f = expose_spec(&format!(
        "allowed_principals = [{}, \"arn:aws:iam::111122223333:role/x\"]\n",
        toml_string(s)
    ));
    // The model sorts principals (and drops duplicates).
    let mut want = vec![
        s.to_string(),
        "arn:aws:iam::111122223333:role/x".to_string(),
    ];
    want.sort();
    want.dedup();
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            expect_eq(
                "allowed_principals",
                hcl_strs(attr(
                    &block(t, "resource", &["aws_vpc_endpoint_service", "api"])?.body,
                    "allowed_principals",
                )?)?,
                want.clone(),
            )
        },
        |c| {
            expect_eq(
                "AllowedPrincipals",
                cfn_strs(resource(c, "ApiPermissions")?.get("AllowedPrincipals"))?,
                want.clone(),
            )
        },
    )
}

/// `[expose.<name>] private_dns_name`: both targets set it.
fn field_private_dns_name(s: &str) -> Result<bool, String> {
    let f = expose_spec(&format!("private_dns_name = {}\n", toml_string(s)));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            expect_eq(
                "private_dns_name",
                hcl_str(attr(
                    &block(t, "resource", &["aws_vpc_endpoint_service", "api"])?.body,
                    "private_dns_name",
                )?)?,
                s.to_string(),
            )
        },
        |c| {
            expect_eq(
                "PrivateDnsName",
                cfn_str(resource(c, "ApiEndpointService")?.get("PrivateDnsName"))?,
                s.to_string(),
            )
        },
    )
}

/// `[expose.<name>] load_balancer` given as an NLB ARN.
fn field_nlb_arn(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "[expose.api]\nload_balancer = {}\nacceptance_required = true\nallowed_principals = [\"*\"]\n",
        toml_string(s)
    ));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            let svc = &block(t, "resource", &["aws_vpc_endpoint_service", "api"])?.body;
            expect_eq(
                "network_load_balancer_arns",
                hcl_strs(attr(svc, "network_load_balancer_arns")?)?,
                vec![s.to_string()],
            )?;
            expect_eq(
                "output api_nlb_arn",
                hcl_str(attr(&block(t, "output", &["api_nlb_arn"])?.body, "value")?)?,
                s.to_string(),
            )
        },
        |c| {
            expect_eq(
                "NetworkLoadBalancerArns",
                cfn_strs(resource(c, "ApiEndpointService")?.get("NetworkLoadBalancerArns"))?,
                vec![s.to_string()],
            )?;
            expect_eq(
                "ApiNlbArn",
                cfn_str(c.doc.pointer("/Outputs/ApiNlbArn/Value"))?,
                s.to_string(),
            )
        },
    )
}

/// A tag lookup (Terraform only): the key and the value of
/// `subnets = { tags = { K = "v" } }`.
fn lookup(key: &str, value: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "[vpc]\nid = \"vpc-0123456789abcdef0\"\ncidr = \"10.0.0.0/16\"\nsubnets = {{ tags = {{ {} = {} }} }}\n[reach]\nservices = [\"sqs\"]\n",
        toml_string(key),
        toml_string(value)
    ));
    let t = match terraform(&f)? {
        Built::Ok(t) => t,
        Built::Rejected(c) => return Err(format!("a tag lookup was refused: {c:?}")),
    };
    match compile(&f, Target::Cloudformation)? {
        Built::Rejected(c) => refused(&c, &["E040"])?,
        Built::Ok(_) => return Err("CloudFormation accepted a tag lookup".into()),
    };
    let data = &block(&t, "data", &["aws_subnets", "this"])?.body;
    let filters: Vec<(String, Vec<String>)> = data
        .iter()
        .filter_map(Structure::as_block)
        .filter(|b| b.ident.as_str() == "filter")
        .map(|b| {
            Ok((
                hcl_str(attr(&b.body, "name")?)?,
                match attr(&b.body, "values")? {
                    Expression::Array(a)
                        if a.iter().all(|e| matches!(e, Expression::String(_))) =>
                    {
                        hcl_strs(attr(&b.body, "values")?)?
                    }
                    _ => vec!["<reference>".to_string()],
                },
            ))
        })
        .collect::<Result<_, String>>()?;
    expect_eq(
        "aws_subnets filters",
        filters,
        vec![
            ("vpc-id".to_string(), vec!["<reference>".to_string()]),
            (format!("tag:{key}"), vec![value.to_string()]),
        ],
    )?;
    Ok(true)
}

fn field_lookup_key(s: &str) -> Result<bool, String> {
    lookup(s, "private")
}

fn field_lookup_value(s: &str) -> Result<bool, String> {
    lookup("Tier", s)
}

/// A literal ID: `vpc.id`, and each list of IDs.
fn field_ids(s: &str) -> Result<bool, String> {
    let mut accepted = Vec::new();
    for (key, value, tf_attr, cfn_prop) in [
        ("id", toml_string(s), "vpc_id", "VpcId"),
        (
            "subnets",
            format!("[{}]", toml_string(s)),
            "subnet_ids",
            "SubnetIds",
        ),
        (
            "route_tables",
            format!("[{}]", toml_string(s)),
            "route_table_ids",
            "RouteTableIds",
        ),
    ] {
        let mut vpc = String::from("[vpc]\ncidr = \"10.0.0.0/16\"\n");
        for (k, v) in [
            ("id", "\"vpc-0123456789abcdef0\""),
            ("subnets", "[\"subnet-0123456789abcdef0\"]"),
            ("route_tables", "[\"rtb-0123456789abcdef0\"]"),
        ] {
            vpc.push_str(&format!(
                "{k} = {}\n",
                if k == key { value.as_str() } else { v }
            ));
        }
        let f = spec_with(&format!("{vpc}[reach]\nservices = [\"sqs\", \"s3\"]\n"));
        let list = key != "id";
        let ok = both(
            terraform(&f)?,
            cloudformation(&f)?,
            &["E010"],
            |t| {
                let locals = &block(t, "locals", &[])?.body;
                let e = attr(locals, tf_attr)?;
                if list {
                    expect_eq(tf_attr, hcl_strs(e)?, vec![s.to_string()])
                } else {
                    expect_eq(tf_attr, hcl_str(e)?, s.to_string())
                }
            },
            |c| {
                let ep = if key == "route_tables" {
                    "S3Endpoint"
                } else {
                    "SqsEndpoint"
                };
                let p = resource(c, ep)?.get(cfn_prop);
                if list {
                    expect_eq(cfn_prop, cfn_strs(p)?, vec![s.to_string()])
                } else {
                    expect_eq(cfn_prop, cfn_str(p)?, s.to_string())
                }
            },
        )?;
        accepted.push(ok);
    }
    // The security group IDs.
    let f = spec_with(&format!(
        "{BASE_VPC}[reach]\nservices = [\"sqs\"]\nsecurity_group = {{ ids = [{}] }}\n",
        toml_string(s)
    ));
    accepted.push(both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            expect_eq(
                "security_group_ids",
                hcl_strs(attr(
                    &block(t, "resource", &["aws_vpc_endpoint", "sqs"])?.body,
                    "security_group_ids",
                )?)?,
                vec![s.to_string()],
            )
        },
        |c| {
            expect_eq(
                "SecurityGroupIds",
                cfn_strs(resource(c, "SqsEndpoint")?.get("SecurityGroupIds"))?,
                vec![s.to_string()],
            )
        },
    )?);
    Ok(accepted.contains(&true))
}

/// `vpc.cidr` and `reach.security_group.ingress_cidrs`.
fn field_cidr(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "[vpc]\nid = \"vpc-0123456789abcdef0\"\nsubnets = [\"subnet-0123456789abcdef0\"]\n[reach]\nservices = [\"sqs\"]\nsecurity_group = {{ ingress_cidrs = [{}] }}\n",
        toml_string(s)
    ));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            let rule = top_blocks(t)
                .find(|b| {
                    b.ident.as_str() == "resource"
                        && labels(b).first().map(String::as_str)
                            == Some("aws_vpc_security_group_ingress_rule")
                })
                .ok_or("no ingress rule")?;
            let e = attr(&rule.body, "cidr_ipv4").or_else(|_| attr(&rule.body, "cidr_ipv6"))?;
            expect_eq("cidr", hcl_str(e)?, s.to_string())
        },
        |c| {
            let rule = resource(c, "EndpointsSecurityGroup")?
                .pointer("/SecurityGroupIngress/0")
                .ok_or("no ingress")?;
            let got = cfn_str(rule.get("CidrIp").or(rule.get("CidrIpv6")))?;
            expect_eq("CidrIp", got, s.to_string())
        },
    )
}

/// An input name, where a network value is `{ input = "..." }`.
fn field_input_name(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "[vpc]\nid = {{ input = {} }}\ncidr = \"10.0.0.0/16\"\nsubnets = [\"subnet-0123456789abcdef0\"]\n[reach]\nservices = [\"sqs\"]\n",
        toml_string(s)
    ));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010", "E014", "E017", "E018", "E019"],
        |t| {
            block(t, "variable", &[s])?;
            let locals = &block(t, "locals", &[])?.body;
            let e = attr(locals, "vpc_id")?;
            expect_eq(
                "vpc_id",
                e.to_string().trim().to_string(),
                format!("var.{s}"),
            )
        },
        |c| {
            let id = vpcegen::render::pascal(s);
            if c.doc.pointer(&format!("/Parameters/{id}")).is_none() {
                return Err(format!("no Parameter {id}"));
            }
            expect_eq(
                "VpcId",
                resource(c, "SqsEndpoint")?.get("VpcId").cloned(),
                Some(json!({ "Ref": id })),
            )
        },
    )
}

/// The spec's `name`: the output folder and the prefix of every AWS name.
fn field_name(s: &str) -> Result<bool, String> {
    let f = SpecFiles::new(format!(
        "version = 1\nname = {}\n{BASE_VPC}[reach]\nservices = [\"sqs\"]\n[expose.api]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"arn:aws:iam::111122223333:root\"]\n",
        toml_string(s)
    ));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            expect_eq("model name", t.model.name.clone(), s.to_string())?;
            let sg = &block(t, "resource", &["aws_security_group", "endpoints"])?.body;
            expect_eq(
                "group name",
                hcl_str(attr(sg, "name")?)?,
                format!("{s}-endpoints"),
            )?;
            let lb = &block(t, "resource", &["aws_lb", "api"])?.body;
            let name = hcl_str(attr(lb, "name")?)?;
            if name.len() > 32 || name.starts_with("internal-") || name.is_empty() {
                return Err(format!("NLB name {name:?}"));
            }
            Ok(())
        },
        |c| {
            let tags = resource(c, "EndpointsSecurityGroup")?
                .get("Tags")
                .and_then(J::as_array)
                .ok_or("no Tags")?;
            let name = tags
                .iter()
                .find(|t| t["Key"] == "Name")
                .ok_or("no Name tag")?;
            expect_eq(
                "Name tag",
                cfn_str(name.get("Value"))?,
                format!("{s}-endpoints"),
            )
        },
    )
}

/// `[expose.<name>]` and `[connect.<name>]` section names.
fn field_section_name(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "{BASE_VPC}[expose.{k}]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"arn:aws:iam::111122223333:root\"]\n[connect.{k}]\nservice_name = \"com.example.orders\"\n",
        k = toml_string(s)
    ));
    let ident = vpcegen::model::ident_of(s);
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| {
            block(t, "resource", &["aws_vpc_endpoint_service", &ident])?;
            block(
                t,
                "resource",
                &["aws_vpc_endpoint", &format!("connect_{ident}")],
            )?;
            Ok(())
        },
        |c| {
            let base = vpcegen::render::pascal(&ident);
            resource(c, &format!("{base}EndpointService"))?;
            resource(c, &format!("Connect{base}Endpoint"))?;
            Ok(())
        },
    )
}

/// `[service.<key>]` with `service_name`, for a service the catalog does
/// not know: the key names the endpoint's resources.
fn field_custom_service_key(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "{BASE_VPC}[reach]\nservices = [{k}, \"sqs\", \"s3\"]\n[service.{k}]\nservice_name = \"com.example.custom\"\n[connect.orders]\nservice_name = \"com.example.orders\"\n",
        k = toml_string(s)
    ));
    let ident = vpcegen::model::ident_of(s);
    // A catalog key (`sqs`, `ecr.dkr`) is a setting, not a new service.
    let catalog = vpcegen::catalog::Catalog::get().service(s).is_some();
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        // E020: a key TOML reads differently is unknown (not possible here, kept for clarity).
        &["E010", "E020"],
        |t| {
            let ep = &block(t, "resource", &["aws_vpc_endpoint", &ident])?.body;
            if !catalog {
                expect_eq(
                    "service_name",
                    hcl_str(attr(ep, "service_name")?)?,
                    "com.example.custom".to_string(),
                )?;
            }
            Ok(())
        },
        |c| {
            let id = format!("{}Endpoint", vpcegen::render::pascal(&ident));
            let props = resource(c, &id)?;
            if !catalog {
                expect_eq(
                    "ServiceName",
                    cfn_str(props.get("ServiceName"))?,
                    "com.example.custom".to_string(),
                )?;
            }
            Ok(())
        },
    )
}

/// `region`: part of every service name; a well-formed name that is no
/// Region is refused (E061).
fn field_region(s: &str) -> Result<bool, String> {
    // `region` comes before the tables.
    let f = spec_with(&format!(
        "region = {}\n{BASE_VPC}[reach]\nservices = [\"sqs\"]\n",
        toml_string(s)
    ));
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010", "E061"],
        |t| {
            expect_eq(
                "service_name",
                hcl_str(attr(
                    &block(t, "resource", &["aws_vpc_endpoint", "sqs"])?.body,
                    "service_name",
                )?)?,
                format!("com.amazonaws.{s}.sqs"),
            )
        },
        |c| {
            expect_eq(
                "ServiceName",
                cfn_str(resource(c, "SqsEndpoint")?.get("ServiceName"))?,
                format!("com.amazonaws.{s}.sqs"),
            )
        },
    )
}

/// `reach.policy = { allow_org = "..." }`: the organisation ID in the policy.
fn field_allow_org(s: &str) -> Result<bool, String> {
    let f = spec_with(&format!(
        "{BASE_VPC}[reach]\nservices = [\"sqs\"]\npolicy = {{ allow_org = {} }}\n",
        toml_string(s)
    ));
    let want = vpcegen::model::org_policy(s);
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E010"],
        |t| expect_eq("policy", tf_policy(t, "sqs")?, want.clone()),
        |c| {
            expect_eq(
                "PolicyDocument",
                resource(c, "SqsEndpoint")?.get("PolicyDocument").cloned(),
                Some(want.clone()),
            )
        },
    )
}

/// `account` and `vpc.az_ids` reach no file; they are checked or refused.
fn field_account_and_az(s: &str) -> Result<bool, String> {
    let mut any = false;
    for spec in [
        format!(
            "version = 1\nname = \"inj\"\naccount = {}\n{BASE_VPC}[reach]\nservices = [\"sqs\"]\n",
            toml_string(s)
        ),
        format!(
            "version = 1\nname = \"inj\"\n{BASE_VPC}az_ids = [{}]\n[reach]\nservices = [\"sqs\"]\n",
            toml_string(s)
        ),
    ] {
        let f = SpecFiles::new(spec);
        any |= both(
            terraform(&f)?,
            cloudformation(&f)?,
            &["E010"],
            |_| Ok(()),
            |_| Ok(()),
        )?;
    }
    Ok(any)
}

/// The spec's file name reaches every file's generated-by mark.
fn field_file_name(s: &str) -> Result<bool, String> {
    // What a file system holds: no `/`, no NUL, at most 255 bytes.
    let name: String = s.chars().filter(|&c| c != '/' && c != '\0').collect();
    let mut name = format!("{name}.toml");
    while name.len() > 255 {
        name.remove(0);
    }
    if name == "." || name == ".." {
        return Ok(false);
    }
    let mut f = spec_with(&format!("{BASE_VPC}[reach]\nservices = [\"sqs\"]\n"));
    f.file_name = name.clone();
    let shown: String = name
        .chars()
        .map(|c| {
            if c.is_control()
                || vpcegen::render::hcl::is_invisible_separator(c)
                || c == '\u{FFFE}'
                || c == '\u{FFFF}'
            {
                '?'
            } else {
                c
            }
        })
        .collect();
    let mark = format!("Generated by vpcegen from {shown}. Do not edit");
    both(
        terraform(&f)?,
        cloudformation(&f)?,
        &[],
        |t| {
            // Each file parsed, so the mark stayed one comment line.
            if t.files.is_empty() {
                return Err("no files".into());
            }
            Ok(())
        },
        |c| {
            let m = serde_json::to_string(&c.doc["Metadata"]).unwrap();
            let got = cfn_str(c.doc.pointer("/Metadata/vpcegen"))
                .map_err(|_| format!("no Metadata mark: {m}"))?;
            if got.starts_with(&mark) {
                Ok(())
            } else {
                Err(format!("mark {got:?}, want it to start with {mark:?}"))
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Policies

fn tf_policy(t: &Tf, ident: &str) -> Result<J, String> {
    let ep = &block(t, "resource", &["aws_vpc_endpoint", ident])?.body;
    match attr(ep, "policy")? {
        Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
            let args: Vec<&Expression> = call.args.iter().collect();
            if args.len() != 1 {
                return Err("jsonencode with other than one argument".into());
            }
            hcl_to_json(args[0])
        }
        other => Err(format!("policy is not jsonencode(...): {other:?}")),
    }
}

/// A policy file (written as `text`) round-trips through both targets.
fn policy_round_trip(text: &str) -> Result<bool, String> {
    let want: J = serde_json::from_str(text).expect("the test writes valid JSON");
    let mut f = spec_with(&format!(
        "{BASE_VPC}[reach]\nservices = [\"sqs\", \"s3\"]\n[service.s3]\npolicy = \"policies/p.json\"\n"
    ));
    f.extra
        .push(("policies/p.json".into(), text.as_bytes().to_vec()));
    let too_long =
        serde_json::to_string(&want).unwrap().chars().count() > vpcegen::model::MAX_POLICY_CHARS;
    let r = both(
        terraform(&f)?,
        cloudformation(&f)?,
        &["E033"],
        |t| expect_eq("policy", tf_policy(t, "s3")?, want.clone()),
        |c| {
            expect_eq(
                "PolicyDocument",
                resource(c, "S3Endpoint")?.get("PolicyDocument").cloned(),
                Some(want.clone()),
            )
        },
    )?;
    if r == too_long {
        return Err(format!(
            "a policy of {} characters was {}",
            serde_json::to_string(&want).unwrap().chars().count(),
            if r { "accepted" } else { "refused" }
        ));
    }
    Ok(r)
}

/// A policy whose `Condition` has `s` as a key and a value, and as a
/// `Sid`, a resource and a nested key.
fn policy_with(s: &str) -> String {
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": s,
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject", s],
            "Resource": format!("arn:aws:s3:::{s}/*"),
            "Condition": { "StringEquals": { s: s, "aws:PrincipalOrgID": [s, "o-a1b2c3d4e5"] }, s: { "k": s } }
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap()
}

// ---------------------------------------------------------------------------
// Generators

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<char>().prop_map(String::from),
        1 => prop::sample::select(NASTY).prop_map(String::from),
        1 => prop::sample::select(&["${", "%{", "$${", "%%{", "\"", "\\", "\n", "\u{2028}", "\u{feff}", "}"][..]).prop_map(String::from),
    ]
}

fn text(max_pieces: usize, max_chars: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max_pieces)
        .prop_map(move |v| v.concat().chars().take(max_chars).collect::<String>())
}

/// A valid string with one hostile piece inserted somewhere: mostly
/// refused, sometimes still valid.
fn near(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (valid, piece(), any::<prop::sample::Index>()).prop_map(|(v, p, i)| {
        let chars: Vec<char> = v.chars().collect();
        let at = i.index(chars.len() + 1);
        let mut out: String = chars[..at].iter().collect();
        out.push_str(&p);
        out.extend(&chars[at..]);
        out
    })
}

fn hostile(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop_oneof![2 => text(16, 96), 1 => near(valid)]
}

fn valid_service_name() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{1,20}(\\.[a-z0-9_-]{1,20}){1,4}"
}

fn valid_principal() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        "[0-9]{12}".prop_map(|a| format!("arn:aws:iam::{a}:root")),
        (
            "(aws|aws-cn|aws-us-gov)",
            "[0-9]{12}",
            "(role|user)",
            text(12, 64).prop_filter("non-empty", |s| !s.is_empty())
        )
            .prop_map(|(p, a, k, n)| format!("arn:{p}:iam::{a}:{k}/{n}")),
    ]
}

fn valid_domain() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?){1,4}"
}

fn valid_nlb_arn() -> impl Strategy<Value = String> {
    (text(6, 24), text(6, 24), "[0-9]{12}", text(12, 96)).prop_map(|(p, r, a, rest)| {
        let p: String = p.chars().filter(|&c| c != ':').collect();
        let r: String = r.chars().filter(|&c| c != ':').collect();
        format!("arn:{p}:elasticloadbalancing:{r}:{a}:loadbalancer/net/{rest}")
    })
}

fn valid_id() -> impl Strategy<Value = String> {
    prop_oneof!["[0-9a-f]{8}", "[0-9a-f]{17}"]
}

fn valid_cidr() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<u32>(), 0u8..=32).prop_map(|(a, n)| {
            let net = ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(a), n)
                .unwrap()
                .trunc();
            net.to_string()
        }),
        (any::<u128>(), 0u8..=128).prop_map(|(a, n)| {
            ipnet::Ipv6Net::new(std::net::Ipv6Addr::from(a), n)
                .unwrap()
                .trunc()
                .to_string()
        }),
    ]
}

fn valid_input_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,40}"
}

fn valid_name() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?"
}

fn valid_section_name() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?"
}

fn valid_custom_key() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9._-]{0,30}"
}

/// A real Region: any other is refused (E061) since the Region facts.
fn valid_region() -> impl Strategy<Value = String> {
    let names: Vec<String> = vpcegen::regions::REGIONS
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    prop::sample::select(names)
}

fn valid_org() -> impl Strategy<Value = String> {
    "o-[a-z0-9]{10,32}"
}

/// Arbitrary JSON for inside a policy: Unicode keys and strings, integers,
/// booleans, arrays and objects (no `null` or floats: CloudFormation has no
/// spelling for them that round-trips).
fn json_value() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        4 => text(8, 48).prop_map(J::String),
        1 => any::<i64>().prop_map(|i| json!(i)),
        1 => any::<bool>().prop_map(J::Bool),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(J::Array),
            prop::collection::vec((text(6, 32), inner), 0..5)
                .prop_map(|kv| J::Object(kv.into_iter().collect())),
        ]
    })
}

fn policy_doc() -> impl Strategy<Value = String> {
    (
        text(8, 32),
        prop::collection::vec((text(6, 32), json_value()), 0..5),
        json_value(),
        any::<bool>(),
    )
        .prop_map(|(sid, condition, extra, pretty)| {
            let doc = json!({
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": sid,
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "*",
                        "Condition": J::Object(condition.into_iter().collect()),
                    },
                    extra,
                ]
            });
            if pretty {
                serde_json::to_string_pretty(&doc).unwrap()
            } else {
                serde_json::to_string(&doc).unwrap()
            }
        })
}

// ---------------------------------------------------------------------------
// The properties

/// Every field, for the corpus.
const FIELDS: &[(&str, Check)] = &[
    ("service_name", field_service_name),
    ("connect.service_name", field_connect_service_name),
    ("allowed_principals", field_principal),
    ("private_dns_name", field_private_dns_name),
    ("load_balancer (NLB ARN)", field_nlb_arn),
    ("tag lookup key", field_lookup_key),
    ("tag lookup value", field_lookup_value),
    ("literal IDs", field_ids),
    ("CIDRs", field_cidr),
    ("input name", field_input_name),
    ("name", field_name),
    ("expose/connect name", field_section_name),
    (
        "[service.<key>] of an unknown service",
        field_custom_service_key,
    ),
    ("region", field_region),
    ("allow_org", field_allow_org),
    ("account, az_ids", field_account_and_az),
    ("spec file name", field_file_name),
];

fn run(field: &str, check: Check, s: &str) -> Result<bool, TestCaseError> {
    check(s).map_err(|e| TestCaseError::fail(format!("{field} {s:?}: {e}")))
}

/// Every string of a valid generator must be accepted.
fn accepted(field: &str, check: Check, s: &str) -> Result<(), TestCaseError> {
    if run(field, check, s)? {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "{field}: the valid {s:?} was refused"
        )))
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn service_names(valid in valid_service_name(), any in hostile(valid_service_name())) {
        accepted("service_name", field_service_name, &valid)?;
        accepted("connect.service_name", field_connect_service_name, &valid)?;
        run("service_name", field_service_name, &any)?;
        run("connect.service_name", field_connect_service_name, &any)?;
    }

    #[test]
    fn principals(valid in valid_principal(), any in hostile(valid_principal())) {
        accepted("allowed_principals", field_principal, &valid)?;
        run("allowed_principals", field_principal, &any)?;
    }

    #[test]
    fn private_dns_names(valid in valid_domain(), any in hostile(valid_domain())) {
        accepted("private_dns_name", field_private_dns_name, &valid)?;
        run("private_dns_name", field_private_dns_name, &any)?;
    }

    #[test]
    fn nlb_arns(valid in valid_nlb_arn(), any in hostile(valid_nlb_arn())) {
        accepted("load_balancer", field_nlb_arn, &valid)?;
        run("load_balancer", field_nlb_arn, &any)?;
    }

    #[test]
    fn tag_lookups(key in text(16, 96), value in text(16, 96)) {
        accepted("tag lookup key", field_lookup_key, &key)?;
        accepted("tag lookup value", field_lookup_value, &value)?;
    }

    #[test]
    fn literal_ids(hex in valid_id(), any in hostile(valid_id())) {
        for prefix in ["vpc-", "subnet-", "rtb-", "sg-"] {
            run("literal IDs", field_ids, &format!("{prefix}{hex}"))?;
        }
        run("literal IDs", field_ids, &any)?;
    }

    #[test]
    fn cidrs(valid in valid_cidr(), any in hostile(valid_cidr())) {
        accepted("CIDRs", field_cidr, &valid)?;
        run("CIDRs", field_cidr, &any)?;
    }

    #[test]
    fn identifiers(
        input in valid_input_name(), name in valid_name(), section in valid_section_name(), key in valid_custom_key(),
        any in text(12, 64), near_input in near(valid_input_name()), near_name in near(valid_name()),
    ) {
        // Valid forms are accepted unless they clash with a name vpcegen uses (E014, E017 to E019) or with a catalog key.
        run("input name", field_input_name, &input)?;
        accepted("name", field_name, &name)?;
        accepted("expose/connect name", field_section_name, &section)?;
        run("[service.<key>]", field_custom_service_key, &key)?;
        for s in [&any, &near_input, &near_name] {
            run("input name", field_input_name, s)?;
            run("name", field_name, s)?;
            run("expose/connect name", field_section_name, s)?;
            run("[service.<key>]", field_custom_service_key, s)?;
        }
    }

    #[test]
    fn regions_orgs_accounts(region in valid_region(), org in valid_org(), any in text(12, 64)) {
        accepted("region", field_region, &region)?;
        accepted("allow_org", field_allow_org, &org)?;
        for s in [&any, &region, &org] {
            run("region", field_region, s)?;
            run("allow_org", field_allow_org, s)?;
            run("account, az_ids", field_account_and_az, s)?;
        }
    }

    #[test]
    fn spec_file_names(name in text(12, 64)) {
        run("spec file name", field_file_name, &name)?;
    }

    #[test]
    fn policies(doc in policy_doc()) {
        policy_round_trip(&doc).map_err(|e| TestCaseError::fail(format!("policy {doc}: {e}")))?;
    }

    #[test]
    fn policies_with_one_string(s in text(24, 256)) {
        if !policy_round_trip(&policy_with(&s)).map_err(|e| TestCaseError::fail(format!("policy with {s:?}: {e}")))? {
            return Err(TestCaseError::fail("a short policy was refused"));
        }
    }
}

/// The corpus through every field, on every run; and through a policy.
#[test]
fn nasty_strings_through_every_field() {
    assert!(NASTY.len() >= 40);
    let mut failures = Vec::new();
    let mut accepted = 0;
    let mut runs = 0;
    for s in NASTY {
        for (field, check) in FIELDS {
            runs += 1;
            match check(s) {
                Ok(true) => accepted += 1,
                Ok(false) => {}
                Err(e) => failures.push(format!("{field} {s:?}: {e}")),
            }
        }
        match policy_round_trip(&policy_with(s)) {
            Ok(true) => accepted += 1,
            Ok(false) => failures.push(format!("policy with {s:?}: refused")),
            Err(e) => failures.push(format!("policy with {s:?}: {e}")),
        }
        runs += 1;
    }
    println!(
        "corpus: {} strings × {} fields (and a policy): {runs} round trips, {accepted} accepted",
        NASTY.len(),
        FIELDS.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Strings that sit just inside the validated fields: accepted, and whole
/// in the output.
#[test]
fn hostile_text_inside_valid_forms() {
    let mut failures = Vec::new();
    for s in NASTY.iter().filter(|s| !s.is_empty()) {
        for (field, check, v) in [
            (
                "allowed_principals",
                field_principal as Check,
                format!("arn:aws:iam::111122223333:role/{s}"),
            ),
            (
                "load_balancer",
                field_nlb_arn,
                format!("arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/{s}"),
            ),
        ] {
            match check(&v) {
                Ok(true) => {}
                Ok(false) => failures.push(format!("{field} {v:?}: refused")),
                Err(e) => failures.push(format!("{field} {v:?}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Identifiers that would collide are refused, not rendered twice.
#[test]
fn colliding_service_keys_are_refused() {
    for (keys, connect) in [
        (&["a.b", "a_b"][..], ""),
        (&["a.b", "a-b"][..], ""),
        (&["a..b", "a.b"][..], ""),
        (&["a.1", "a1"][..], ""),
        (
            &["connect.x"][..],
            "[connect.x]\nservice_name = \"com.example.x\"\n",
        ),
    ] {
        let mut spec = format!(
            "{BASE_VPC}[reach]\nservices = [{}]\n",
            keys.iter()
                .map(|k| toml_string(k))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for k in keys {
            spec.push_str(&format!(
                "[service.{}]\nservice_name = \"com.example.svc\"\n",
                toml_string(k)
            ));
        }
        spec.push_str(connect);
        let f = spec_with(&spec);
        for target in [Target::Terraform, Target::Cloudformation] {
            match compile(&f, target).unwrap() {
                Built::Rejected(codes) => {
                    assert!(codes.iter().all(|c| c == "E010"), "{keys:?}: {codes:?}")
                }
                Built::Ok(_) => {
                    panic!("{keys:?} {connect}: accepted, would render one identifier twice")
                }
            }
        }
    }
}
