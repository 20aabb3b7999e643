//! The Terraform output for the hashicorp/aws provider 6, checked against
//! that provider's schema, and against the output for provider 5.
//!
//! There is no provider 6 binary here to run `terraform validate` with.
//! `tests/data/aws-provider-6.66.0-schema.json` is the provider 6.66.0
//! schema as the npm package `@cdktn/provider-aws` 25.7.0 publishes it,
//! extracted by `scripts/provider-schema` (docs/provider-schema.md says how).
//! Every scenario under `tests/cases/` is built for provider 6 and each
//! generated `.tf` file parsed: every resource and data source type, every
//! argument and nested block, and every attribute an expression reads
//! (`aws_x.name.attr`, `data.aws_x.name.attr`, `self.attr`) must exist
//! there, and none may be one provider 6 deprecates.
//!
//! Then the provider 5 and provider 6 outputs of every scenario differ in
//! exactly two things: the version constraint and the `data.aws_region`
//! attribute (`name` in 5, `region` in 6).

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, BlockLabel, Body};
use hcl_edit::visit::{self, Visit};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use vpcegen::render::{CfnFormat, Engine, File, Target};
use vpcegen::spec::AwsProvider;

const SCHEMA: &str = include_str!("data/aws-provider-6.66.0-schema.json");

/// Arguments Terraform itself gives every resource and data block.
const META_ARGUMENTS: &[&str] = &["count", "for_each", "depends_on", "provider"];

/// Deprecated in provider 6 but still in its schema (the provider's
/// version 6 upgrade guide): `(kind, type, name)`.
const DEPRECATED: &[(Kind, &str, &str)] = &[
    (Kind::Data, "aws_region", "name"),
    (Kind::Data, "aws_region", "id"),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Resource,
    Data,
}

impl Kind {
    fn of(block: &str) -> Option<Kind> {
        match block {
            "resource" => Some(Kind::Resource),
            "data" => Some(Kind::Data),
            _ => None,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::Data => "data",
        }
    }

    fn section(self) -> &'static str {
        match self {
            Kind::Resource => "resources",
            Kind::Data => "data_sources",
        }
    }
}

fn schema() -> Json {
    serde_json::from_str(SCHEMA).expect("the schema file is JSON")
}

/// The schema of one type, if the provider has it.
fn type_schema<'a>(schema: &'a Json, kind: Kind, ty: &str) -> Option<&'a Json> {
    schema[kind.section()].get(ty)
}

fn names(v: &Json) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

fn deprecated(kind: Kind, ty: &str, name: &str) -> bool {
    DEPRECATED.contains(&(kind, ty, name))
}

/// Every problem in one generated file, each naming the file, the block
/// and the missing name.
fn check_file(schema: &Json, file: &str, text: &str) -> Vec<String> {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(b) => b,
        Err(e) => return vec![format!("{file}: not HCL: {e}")],
    };
    let mut c = Checker {
        schema,
        file,
        current: None,
        problems: Vec::new(),
    };
    c.visit_body(&body);
    c.problems
}

struct Checker<'a> {
    schema: &'a Json,
    file: &'a str,
    /// The resource or data block being read: kind, type and name.
    current: Option<(Kind, String, String)>,
    problems: Vec<String>,
}

fn label(l: &BlockLabel) -> String {
    match l {
        BlockLabel::Ident(i) => i.as_str().to_string(),
        BlockLabel::String(s) => s.as_str().to_string(),
    }
}

impl Checker<'_> {
    fn block_name(&self) -> String {
        match &self.current {
            Some((k, t, n)) => format!("{} \"{t}\" \"{n}\"", k.word()),
            None => "a top-level block".into(),
        }
    }

    fn problem(&mut self, what: String) {
        let at = self.block_name();
        self.problems.push(format!("{}: {at}: {what}", self.file));
    }

    /// Arguments and nested blocks of `body` against `s` (a type's or a
    /// nested block's schema); `path` names the nested block for messages.
    fn check_body(&mut self, kind: Kind, ty: &str, s: &Json, body: &Body, path: &str) {
        let args = names(&s["arguments"]);
        for a in body.attributes() {
            let name = a.key.as_str();
            let meta = path.is_empty() && META_ARGUMENTS.contains(&name);
            if !meta && !args.contains(&name) {
                self.problem(format!(
                    "no argument `{path}{name}` in provider 6.66.0's {ty}"
                ));
            } else if path.is_empty() && deprecated(kind, ty, name) {
                self.problem(format!("argument `{name}` is deprecated in provider 6"));
            }
        }
        for b in body.blocks() {
            let name = b.ident.as_str();
            if path.is_empty() && name == "lifecycle" {
                continue;
            }
            match s["blocks"].get(name) {
                Some(inner) => {
                    let inner_path = format!("{path}{name}.");
                    self.check_body(kind, ty, inner, &b.body, &inner_path);
                }
                None => self.problem(format!(
                    "no nested block `{path}{name}` in provider 6.66.0's {ty}"
                )),
            }
        }
    }

    /// A reference to `attr` (then `sub`, after an index, if any) of a
    /// `kind` block of type `ty`.
    fn check_attr(&mut self, kind: Kind, ty: &str, attr: &str, sub: Option<&str>, shown: &str) {
        let Some(s) = type_schema(self.schema, kind, ty) else {
            self.problem(format!(
                "`{shown}` reads a {} type provider 6.66.0 does not have",
                kind.word()
            ));
            return;
        };
        if !names(&s["attributes"]).contains(&attr) {
            self.problem(format!("`{shown}`: no attribute `{attr}` in {ty}"));
        } else if deprecated(kind, ty, attr) {
            self.problem(format!(
                "`{shown}`: attribute `{attr}` of {ty} is deprecated in provider 6"
            ));
        } else if let (Some(sub), Some(inner)) = (sub, s["nested_attributes"].get(attr)) {
            if !names(inner).contains(&sub) {
                self.problem(format!("`{shown}`: no attribute `{attr}[*].{sub}` in {ty}"));
            }
        }
    }
}

/// The attribute names of a traversal's operators, `None` for an index
/// (`a.b[0].c` → `b`, `None`, `c`).
fn steps(ops: &[hcl_edit::Decorated<TraversalOperator>]) -> Vec<Option<String>> {
    ops.iter()
        .map(|op| match op.value() {
            TraversalOperator::GetAttr(i) => Some(i.as_str().to_string()),
            _ => None,
        })
        .collect()
}

impl Visit for Checker<'_> {
    fn visit_block(&mut self, b: &Block) {
        let labels: Vec<String> = b.labels.iter().map(label).collect();
        let (Some(kind), [ty, name]) = (Kind::of(b.ident.as_str()), labels.as_slice()) else {
            return visit::visit_block(self, b);
        };
        let outer = self.current.replace((kind, ty.clone(), name.clone()));
        match type_schema(self.schema, kind, ty) {
            Some(s) => self.check_body(kind, ty, s, &b.body, ""),
            None => self.problem(format!(
                "provider 6.66.0 has no {} type `{ty}`",
                kind.word()
            )),
        }
        visit::visit_block(self, b);
        self.current = outer;
    }

    fn visit_traversal(&mut self, t: &hcl_edit::expr::Traversal) {
        if let Expression::Variable(v) = &t.expr {
            let root = v.as_str();
            let steps = steps(&t.operators);
            let text = |n: usize| {
                let shown: Vec<&str> = steps[..n.min(steps.len())]
                    .iter()
                    .map(|s| s.as_deref().unwrap_or("[…]"))
                    .collect();
                format!("{root}.{}", shown.join("."))
            };
            // The attribute and what is read inside it after an index.
            let read = |from: usize| {
                let attr = steps.get(from).cloned().flatten()?;
                let sub = match (steps.get(from + 1), steps.get(from + 2)) {
                    (Some(None), Some(Some(sub))) => Some(sub.clone()),
                    _ => None,
                };
                Some((attr, sub))
            };
            let target = if root == "data" {
                let ty = steps.first().cloned().flatten();
                ty.zip(read(2)).map(|(ty, r)| (Kind::Data, ty, r, 3))
            } else if root.starts_with("aws_") {
                read(1).map(|r| (Kind::Resource, root.to_string(), r, 2))
            } else if root == "self" {
                let current = self.current.clone();
                current.zip(read(0)).map(|((k, ty, _), r)| (k, ty, r, 1))
            } else {
                None
            };
            if let Some((kind, ty, (attr, sub), n)) = target {
                let shown = text(n + usize::from(sub.is_some()) * 2);
                self.check_attr(kind, &ty, &attr, sub.as_deref(), &shown);
            }
        }
        visit::visit_traversal(self, t);
    }
}

// ---------------------------------------------------------------------------
// The scenarios, built for a provider major.

/// Every scenario under `tests/cases/`: the specs its `build` file lists,
/// or its `spec.toml`.
fn scenarios() -> Vec<(String, Vec<PathBuf>)> {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut out: Vec<(String, Vec<PathBuf>)> = std::fs::read_dir(&cases)
        .expect("tests/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|dir| {
            let specs = match std::fs::read_to_string(dir.join("build")) {
                Ok(list) => list
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(|l| dir.join(l))
                    .collect(),
                Err(_) => vec![dir.join("spec.toml")],
            };
            let name = dir
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, specs)
        })
        .collect();
    out.sort();
    out
}

/// Each spec's Terraform files for provider `major`, by spec name.
fn build(specs: &[PathBuf], major: AwsProvider) -> Vec<(String, Vec<File>)> {
    let c = vpcegen::compile(specs, Some(Target::Terraform), false).with_aws_provider(Some(major));
    assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
    let engine = Engine::new(None).expect("built-in templates");
    c.models()
        .expect("plans")
        .iter()
        .map(|m| {
            let files = vpcegen::render_model(m, &engine, Target::Terraform, CfnFormat::Yaml)
                .expect("renders");
            (m.name.clone(), files)
        })
        .collect()
}

#[test]
fn every_scenario_uses_only_what_provider_6_has() {
    let schema = schema();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (case, specs) in scenarios() {
        for (name, files) in build(&specs, AwsProvider::V6) {
            for f in files.iter().filter(|f| f.path.ends_with(".tf")) {
                let shown = format!("tests/cases/{case} ({name}/{})", f.path);
                problems.extend(check_file(&schema, &shown, &f.contents));
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} files checked");
    assert!(
        problems.is_empty(),
        "the provider 6 output uses what provider 6.66.0 does not have:\n{}",
        problems.join("\n")
    );
}

/// The check finds what provider 6 lacks: a type, an argument, a nested
/// block, an attribute read, one inside a nested attribute, and a
/// deprecated attribute.
#[test]
fn the_schema_check_names_file_block_and_missing_name() {
    let schema = schema();
    let tf = r#"
resource "aws_lb" "api" {
  name          = "api"
  bogus_setting = true

  access_logs {
    bucket     = "logs"
    not_a_knob = 1
  }

  nonsense_block {}
}

data "aws_nothing" "x" {}

data "aws_region" "current" {
  lifecycle {
    postcondition {
      condition     = self.nickname == "eu-west-1"
      error_message = "${self.region}"
    }
  }
}

output "o" {
  value = [aws_lb.api.arn, aws_lb.api.made_up, data.aws_region.current.name, try(aws_vpc_endpoint_service.s.private_dns_name_configuration[0].invented, null)]
}
"#;
    let found = check_file(&schema, "main.tf", tf);
    let expect = [
        "main.tf: resource \"aws_lb\" \"api\": no argument `bogus_setting`",
        "main.tf: resource \"aws_lb\" \"api\": no argument `access_logs.not_a_knob`",
        "main.tf: resource \"aws_lb\" \"api\": no nested block `nonsense_block`",
        "main.tf: data \"aws_nothing\" \"x\": provider 6.66.0 has no data type `aws_nothing`",
        "main.tf: data \"aws_region\" \"current\": `self.nickname`: no attribute `nickname`",
        "main.tf: a top-level block: `aws_lb.api.made_up`: no attribute `made_up` in aws_lb",
        "main.tf: a top-level block: `data.aws_region.current.name`: attribute `name` of aws_region is deprecated",
        "`aws_vpc_endpoint_service.s.private_dns_name_configuration.[…].invented`: no attribute `private_dns_name_configuration[*].invented`",
    ];
    for want in expect {
        assert!(
            found.iter().any(|p| p.contains(want)),
            "{want:?} is reported; found:\n{}",
            found.join("\n")
        );
    }
    assert_eq!(found.len(), expect.len(), "nothing else: {found:#?}");
}

/// What a valid file reads passes: meta-arguments, `lifecycle`, nested
/// attributes after an index, `self` in a postcondition.
#[test]
fn the_schema_check_accepts_what_provider_6_has() {
    let tf = r#"
data "aws_region" "current" {
  lifecycle {
    postcondition {
      condition     = self.region == "eu-west-1"
      error_message = "${self.region}"
    }
  }
}

resource "aws_vpc_endpoint" "s3" {
  count        = 1
  depends_on   = []
  service_name = "com.amazonaws.${data.aws_region.current.region}.s3"
  vpc_id       = "vpc-1"

  dns_options {
    dns_record_ip_type = "ipv4"
  }
}

output "dns" {
  value = [for e in aws_vpc_endpoint.s3[0].dns_entry : e.dns_name]
}
"#;
    let found = check_file(&schema(), "ok.tf", tf);
    assert!(found.is_empty(), "{found:#?}");
}

// ---------------------------------------------------------------------------
// Provider 5 against provider 6.

/// Why two lines of the same file may differ between the majors, if they may.
fn allowed_difference(v5: &str, v6: &str) -> bool {
    let constraint = |l: &str, major: AwsProvider| {
        l.trim() == format!("version = \"{}\"", major.version_constraint())
    };
    // Fixed endpoint addresses (`subnet_configuration`) need 5.85.
    let raised = v5.trim() == "version = \">= 5.85, < 6.0\"";
    if (constraint(v5, AwsProvider::V5) || raised) && constraint(v6, AwsProvider::V6) {
        return true;
    }
    let as_6 = v5
        .replace(
            "data.aws_region.current.name",
            "data.aws_region.current.region",
        )
        .replace("self.name ", "self.region ")
        .replace("${self.name}", "${self.region}");
    as_6 == v6
}

#[test]
fn provider_5_and_6_outputs_differ_only_in_the_constraint_and_the_region_attribute() {
    let (mut constraints, mut region_reads) = (0, 0);
    for (case, specs) in scenarios() {
        let v5 = build(&specs, AwsProvider::V5);
        let v6 = build(&specs, AwsProvider::V6);
        for ((name, f5), (_, f6)) in v5.iter().zip(&v6) {
            let paths = |fs: &[File]| fs.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
            assert_eq!(paths(f5), paths(f6), "{case}/{name}: the same files");
            for (a, b) in f5.iter().zip(f6) {
                let (la, lb): (Vec<&str>, Vec<&str>) =
                    (a.contents.lines().collect(), b.contents.lines().collect());
                assert_eq!(
                    la.len(),
                    lb.len(),
                    "{case}/{name}/{}: as many lines",
                    a.path
                );
                for (i, (x, y)) in la.iter().zip(&lb).enumerate().filter(|(_, (x, y))| x != y) {
                    assert!(
                        allowed_difference(x, y),
                        "{case}/{name}/{} line {}: provider 5 and 6 differ beyond the constraint and the region attribute:\n  5: {x}\n  6: {y}",
                        a.path,
                        i + 1
                    );
                    if x.contains("version") {
                        constraints += 1;
                    } else {
                        region_reads += 1;
                    }
                }
            }
        }
    }
    assert!(
        constraints > 40,
        "every module pins its major ({constraints})"
    );
    assert!(
        region_reads > 5,
        "the region attribute differs somewhere ({region_reads})"
    );
}

#[test]
fn a_difference_beyond_the_two_is_not_allowed() {
    assert!(allowed_difference(
        r#"      version = ">= 5.0, < 6.0""#,
        r#"      version = ">= 6.0, < 7.0""#
    ));
    assert!(allowed_difference(
        "  service_name = \"com.amazonaws.${data.aws_region.current.name}.sts\"",
        "  service_name = \"com.amazonaws.${data.aws_region.current.region}.sts\""
    ));
    assert!(!allowed_difference("  name = \"a\"", "  name = \"b\""));
    assert!(!allowed_difference(
        r#"      version = ">= 5.0""#,
        r#"      version = ">= 6.0, < 7.0""#
    ));
}
