//! CloudFormation values as data, and their YAML and JSON spellings. Every
//! string from a spec reaches a template only through [`Cfn::Str`].

use serde::{Deserialize, Serialize};
use std::fmt::Write;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cfn {
    Str(String),
    Ref(String),
    /// `Fn::Sub` over a string built by vpcegen (never a user string).
    Sub(String),
    GetAtt(String, String),
    Join(String, Box<Cfn>),
    Bool(bool),
    Int(i64),
    List(Vec<Cfn>),
    Map(Vec<(String, Cfn)>),
}

/// A YAML double-quoted scalar holding exactly `s`.
pub fn yaml_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || ((c as u32) >= 0x7F && (c as u32) <= 0x9F) => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c if super::hcl::is_invisible_separator(c) || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON string holding exactly `s`. Like `serde_json`, but DEL, C1
/// controls and invisible separators are escaped too: JSON allows them raw,
/// yet CloudFormation's template parser (and cfn-lint) reject a template
/// containing them, and a reviewer could not see them.
pub fn json_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || super::hcl::is_invisible_separator(c)
                || c == '\u{FFFE}'
                || c == '\u{FFFF}' =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn yaml_key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !reads_as_bool_or_null(k);
    if plain { k.to_string() } else { yaml_quoted(k) }
}

/// Words a YAML parser reads as a boolean or null when plain (YAML 1.1,
/// which CloudFormation follows, and 1.2): `True`, `null`, `Yes`, `off`, `N`...
fn reads_as_bool_or_null(k: &str) -> bool {
    matches!(
        k.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
    )
}

impl Cfn {
    fn is_block(&self) -> bool {
        match self {
            Cfn::Map(m) => !m.is_empty(),
            Cfn::List(l) => l.iter().any(|i| matches!(i, Cfn::Map(_) | Cfn::List(_))),
            _ => false,
        }
    }

    /// Flow style, on one line.
    pub fn yaml_flow(&self, out: &mut String) {
        match self {
            Cfn::Str(s) => out.push_str(&yaml_quoted(s)),
            Cfn::Ref(r) => {
                // `!Ref Null` would be a reference to null, not to `Null`.
                if reads_as_bool_or_null(r) {
                    let _ = write!(out, "!Ref {}", yaml_quoted(r));
                } else {
                    let _ = write!(out, "!Ref {r}");
                }
            }
            Cfn::Sub(s) => {
                let _ = write!(out, "!Sub {}", yaml_quoted(s));
            }
            Cfn::GetAtt(r, a) => {
                let _ = write!(out, "!GetAtt {r}.{a}");
            }
            Cfn::Join(sep, v) => {
                let _ = write!(out, "!Join [{}, ", yaml_quoted(sep));
                v.yaml_flow(out);
                out.push(']');
            }
            Cfn::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Cfn::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Cfn::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.yaml_flow(out);
                }
                out.push(']');
            }
            Cfn::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&yaml_key(k));
                    out.push_str(": ");
                    v.yaml_flow(out);
                }
                out.push('}');
            }
        }
    }

    /// The text after `Key:`: ` value` for flow values, or a newline and a
    /// block indented by `indent` spaces for maps and lists of maps.
    pub fn yaml_after_key(&self, indent: usize, out: &mut String) {
        if self.is_block() {
            out.push('\n');
            self.yaml_block(indent, out);
        } else {
            out.push(' ');
            self.yaml_flow(out);
        }
    }

    fn yaml_block(&self, indent: usize, out: &mut String) {
        match self {
            Cfn::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    pad(indent, out);
                    out.push_str(&yaml_key(k));
                    out.push(':');
                    v.yaml_after_key(indent + 2, out);
                }
            }
            Cfn::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    pad(indent, out);
                    out.push_str("- ");
                    if item.is_block() {
                        // The item's first line follows the dash; the rest align with it.
                        let mut inner = String::new();
                        item.yaml_block(indent + 2, &mut inner);
                        out.push_str(inner.trim_start_matches(' '));
                    } else {
                        item.yaml_flow(out);
                    }
                }
            }
            other => other.yaml_flow(out),
        }
    }

    /// JSON, pretty-printed with nested lines indented from `indent`.
    pub fn json(&self, indent: usize, out: &mut String) {
        match self {
            Cfn::Str(s) => out.push_str(&json_quoted(s)),
            Cfn::Ref(r) => {
                let _ = write!(out, "{{ \"Ref\": {} }}", json_quoted(r));
            }
            Cfn::Sub(s) => {
                let _ = write!(out, "{{ \"Fn::Sub\": {} }}", json_quoted(s));
            }
            Cfn::GetAtt(r, a) => {
                let _ = write!(
                    out,
                    "{{ \"Fn::GetAtt\": [{}, {}] }}",
                    json_quoted(r),
                    json_quoted(a)
                );
            }
            Cfn::Join(sep, v) => {
                let _ = write!(out, "{{ \"Fn::Join\": [{}, ", json_quoted(sep));
                v.json(indent, out);
                out.push_str("] }");
            }
            Cfn::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Cfn::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Cfn::List(items) if items.is_empty() => out.push_str("[]"),
            Cfn::List(items) if !self.is_block() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.json(indent, out);
                }
                out.push(']');
            }
            Cfn::List(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(indent + 2, out);
                    item.json(indent + 2, out);
                    if i + 1 < items.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                pad(indent, out);
                out.push(']');
            }
            Cfn::Map(entries) if entries.is_empty() => out.push_str("{}"),
            Cfn::Map(entries) => {
                out.push_str("{\n");
                for (i, (k, v)) in entries.iter().enumerate() {
                    pad(indent + 2, out);
                    out.push_str(&json_quoted(k));
                    out.push_str(": ");
                    v.json(indent + 2, out);
                    if i + 1 < entries.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                pad(indent, out);
                out.push('}');
            }
        }
    }

    pub fn from_json(v: &serde_json::Value) -> Cfn {
        match v {
            serde_json::Value::Null => Cfn::Map(Vec::new()),
            serde_json::Value::Bool(b) => Cfn::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Cfn::Int(i),
                None => Cfn::Str(n.to_string()),
            },
            serde_json::Value::String(s) => Cfn::Str(s.clone()),
            serde_json::Value::Array(a) => Cfn::List(a.iter().map(Cfn::from_json).collect()),
            serde_json::Value::Object(m) => Cfn::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), Cfn::from_json(v)))
                    .collect(),
            ),
        }
    }
}

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}
