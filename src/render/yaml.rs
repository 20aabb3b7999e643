//! CloudFormation values as data, and their YAML and JSON spellings. Every
//! string from a spec reaches a template only through [`Cfn::Str`].

use super::CfnFormat;
use super::pad;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt::Write;
use std::sync::{Arc, OnceLock};

#[derive(Clone, Debug, PartialEq)]
pub enum Cfn {
    /// Keys and most strings are fixed words: borrowed, not allocated.
    Str(Cow<'static, str>),
    Ref(String),
    /// `Fn::Sub` over a string built by vpcegen (never a user string).
    Sub(String),
    GetAtt(String, String),
    Join(String, Box<Cfn>),
    /// `Fn::Equals`, for a rule's assertion.
    Equals(Box<Cfn>, Box<Cfn>),
    /// `Fn::Select`: the item at an index of a list.
    Select(usize, Box<Cfn>),
    /// `Fn::Split`: a string cut at a delimiter, into a list.
    Split(String, Box<Cfn>),
    Bool(bool),
    Int(i64),
    List(Vec<Cfn>),
    Map(Vec<(Cow<'static, str>, Cfn)>),
    /// A value many resources share (a policy document): written out once
    /// per format and copied, re-indented, wherever it appears.
    Shared(Arc<Shared>),
}

#[derive(Debug)]
pub struct Shared {
    value: Cfn,
    yaml: OnceLock<String>,
    /// `None` if it could not be written, which [`super::json`] then says.
    json: OnceLock<Option<Box<serde_json::value::RawValue>>>,
}

impl Shared {
    pub fn value(&self) -> &Cfn {
        &self.value
    }

    /// The value as JSON at indent 0, written the first time it is asked for.
    pub fn json_raw(&self) -> Option<&serde_json::value::RawValue> {
        self.json
            .get_or_init(|| super::json::raw(&self.value))
            .as_deref()
    }
}

impl PartialEq for Shared {
    fn eq(&self, other: &Shared) -> bool {
        self.value == other.value
    }
}

impl Cfn {
    /// The value, to be written out once however often it is used.
    pub fn shared(self) -> Cfn {
        Cfn::Shared(Arc::new(Shared {
            value: self,
            yaml: OnceLock::new(),
            json: OnceLock::new(),
        }))
    }
}

/// First byte of a value written out for a YAML template.
pub const YAML_TAG: u8 = super::YAML_TAG;
/// First byte of a value written out for a JSON template.
pub const JSON_TAG: u8 = super::JSON_TAG;

/// A [`Cfn`] value written out once, at indent 0, for one format: for YAML
/// what follows `Key:`, for JSON the value itself. A template receives it as
/// bytes, which neither a spec string nor a template can produce, so the
/// `yaml` and `json` filters only accept what was escaped here, and only
/// indent it: a value's lines after the first shift by the indent, since
/// quoted strings never hold a raw newline.
pub struct Written(Vec<u8>);

impl Serialize for Written {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl Cfn {
    pub fn written(&self, format: CfnFormat) -> Result<Written, String> {
        let mut text = String::with_capacity(512);
        match format {
            CfnFormat::Yaml => {
                text.push(YAML_TAG as char);
                self.yaml_after_key(0, &mut text);
            }
            CfnFormat::Json => {
                text.push(JSON_TAG as char);
                super::json::write(self, 0, &mut text)?;
            }
        }
        Ok(Written(text.into_bytes()))
    }

    /// A whole template, written out for the JSON template.
    pub fn json_template(&self) -> Result<Written, String> {
        let mut text = String::with_capacity(64 * 1024);
        text.push(JSON_TAG as char);
        super::json::write_template(self, &mut text)?;
        Ok(Written(text.into_bytes()))
    }
}

/// A YAML double-quoted scalar holding exactly `s`.
pub fn yaml_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    yaml_quoted_into(s, &mut out);
    out
}

/// Whether a byte is printable ASCII that needs no escape in a quoted
/// YAML or JSON string: most text is copied in runs of these.
fn plain(b: u8) -> bool {
    matches!(b, b' '..=b'~') && b != b'"' && b != b'\\'
}

fn yaml_quoted_into(s: &str, out: &mut String) {
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest.bytes().position(|b| !plain(b)) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().expect("i is on a char boundary");
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
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

/// A JSON string holding exactly `s`. Like `serde_json`, but DEL, C1
/// controls and invisible separators are escaped too: JSON allows them raw,
/// yet CloudFormation's template parser (and cfn-lint) reject a template
/// containing them, and a reviewer could not see them.
pub fn json_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    json_quoted_into(s, &mut out);
    out
}

fn json_quoted_into(s: &str, out: &mut String) {
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest.bytes().position(|b| !plain(b)) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().expect("i is on a char boundary");
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
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

pub fn yaml_key(k: &str) -> String {
    let mut out = String::with_capacity(k.len() + 2);
    yaml_key_into(k, &mut out);
    out
}

fn yaml_key_into(k: &str, out: &mut String) {
    let plain = !k.is_empty()
        && k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !reads_as_bool_or_null(k);
    if plain {
        out.push_str(k);
    } else {
        yaml_quoted_into(k, out);
    }
}

/// Words a YAML parser reads as a boolean or null when plain (YAML 1.1,
/// which CloudFormation follows, and 1.2): `True`, `null`, `Yes`, `off`, `N`...
fn reads_as_bool_or_null(k: &str) -> bool {
    k.len() <= 5
        && ["y", "n", "yes", "no", "true", "false", "on", "off", "null"]
            .iter()
            .any(|w| k.eq_ignore_ascii_case(w))
}

impl Cfn {
    pub(super) fn is_block(&self) -> bool {
        match self {
            Cfn::Map(m) => !m.is_empty(),
            Cfn::List(l) => l.iter().any(Cfn::is_collection),
            Cfn::Shared(s) => s.value.is_block(),
            _ => false,
        }
    }

    fn is_collection(&self) -> bool {
        match self {
            Cfn::Map(_) | Cfn::List(_) => true,
            Cfn::Shared(s) => s.value.is_collection(),
            _ => false,
        }
    }

    /// Flow style, on one line.
    pub fn yaml_flow(&self, out: &mut String) {
        match self {
            Cfn::Str(s) => yaml_quoted_into(s, out),
            Cfn::Ref(r) => {
                out.push_str("!Ref ");
                // `!Ref Null` would be a reference to null, not to `Null`.
                if reads_as_bool_or_null(r) {
                    yaml_quoted_into(r, out);
                } else {
                    out.push_str(r);
                }
            }
            Cfn::Sub(s) => {
                out.push_str("!Sub ");
                yaml_quoted_into(s, out);
            }
            Cfn::GetAtt(r, a) => {
                let _ = write!(out, "!GetAtt {r}.{a}");
            }
            Cfn::Join(sep, v) => {
                out.push_str("!Join [");
                yaml_quoted_into(sep, out);
                out.push_str(", ");
                v.yaml_flow(out);
                out.push(']');
            }
            Cfn::Equals(a, b) => {
                out.push_str("!Equals [");
                a.yaml_flow(out);
                out.push_str(", ");
                b.yaml_flow(out);
                out.push(']');
            }
            Cfn::Select(i, v) => {
                let _ = write!(out, "!Select [{i}, ");
                v.yaml_flow(out);
                out.push(']');
            }
            Cfn::Split(sep, v) => {
                out.push_str("!Split [");
                yaml_quoted_into(sep, out);
                out.push_str(", ");
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
                    yaml_key_into(k, out);
                    out.push_str(": ");
                    v.yaml_flow(out);
                }
                out.push('}');
            }
            Cfn::Shared(s) => s.value.yaml_flow(out),
        }
    }

    /// The text after `Key:`: ` value` for flow values, or a newline and a
    /// block indented by `indent` spaces for maps and lists of maps.
    pub fn yaml_after_key(&self, indent: usize, out: &mut String) {
        if self.is_block() {
            out.push('\n');
            self.yaml_block(indent, true, out);
        } else {
            out.push(' ');
            self.yaml_flow(out);
        }
    }

    /// Block style, each line indented by `indent`, but the first line not
    /// at all when it follows a list item's dash (`pad_first` false).
    fn yaml_block(&self, indent: usize, pad_first: bool, out: &mut String) {
        match self {
            Cfn::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    if i > 0 || pad_first {
                        pad(indent, out);
                    }
                    yaml_key_into(k, out);
                    out.push(':');
                    v.yaml_after_key(indent + 2, out);
                }
            }
            Cfn::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    if i > 0 || pad_first {
                        pad(indent, out);
                    }
                    out.push_str("- ");
                    if item.is_block() {
                        // The item's first line follows the dash; the rest align with it.
                        item.yaml_block(indent + 2, false, out);
                    } else {
                        item.yaml_flow(out);
                    }
                }
            }
            Cfn::Shared(s) if s.value.is_block() => {
                let text = s.yaml.get_or_init(|| {
                    let mut text = String::new();
                    s.value.yaml_block(0, true, &mut text);
                    text
                });
                // Written at indent 0, every line of a block shifts alike.
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    if i > 0 || pad_first {
                        pad(indent, out);
                    }
                    out.push_str(line);
                }
            }
            other => other.yaml_flow(out),
        }
    }

    pub fn from_json(v: &serde_json::Value) -> Cfn {
        match v {
            serde_json::Value::Null => Cfn::Map(Vec::new()),
            serde_json::Value::Bool(b) => Cfn::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Cfn::Int(i),
                None => Cfn::Str(n.to_string().into()),
            },
            serde_json::Value::String(s) => Cfn::Str(s.clone().into()),
            serde_json::Value::Array(a) => Cfn::List(a.iter().map(Cfn::from_json).collect()),
            serde_json::Value::Object(m) => Cfn::Map(
                m.iter()
                    .map(|(k, v)| (k.clone().into(), Cfn::from_json(v)))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Cfn {
        Cfn::Str(x.to_string().into())
    }

    /// Values of every shape a template gets: flow scalars, maps, lists of
    /// maps, lists of lists, empty ones, strings that need escapes.
    fn shapes() -> Vec<Cfn> {
        let policy = Cfn::Map(vec![
            ("Version".into(), s("2012-10-17")),
            (
                "Statement".into(),
                Cfn::List(vec![Cfn::Map(vec![
                    ("Effect".into(), s("Allow")),
                    (
                        "Action".into(),
                        Cfn::List(vec![s("s3:Get*"), s("a\"b\\c\nd")]),
                    ),
                    (
                        "Condition".into(),
                        Cfn::Map(vec![(
                            "StringEquals".into(),
                            Cfn::Map(vec![("aws:PrincipalOrgID".into(), s("o-1"))]),
                        )]),
                    ),
                ])]),
            ),
        ]);
        vec![
            s("plain"),
            Cfn::Ref("Null".into()),
            Cfn::List(vec![s("a"), s("b")]),
            Cfn::List(vec![Cfn::List(vec![Cfn::Map(vec![("K".into(), s("v"))])])]),
            Cfn::Map(Vec::new()),
            Cfn::List(Vec::new()),
            policy.clone(),
            Cfn::List(vec![policy.clone(), policy]),
        ]
    }

    /// A shared value is written exactly as the value itself would be, in
    /// both formats, at any indent, after a key and as a list item.
    #[test]
    fn a_shared_value_writes_like_the_value() {
        for value in shapes() {
            let shared = value.clone().shared();
            for indent in [0, 2, 6, 40] {
                let (mut a, mut b) = (String::new(), String::new());
                value.yaml_after_key(indent, &mut a);
                shared.yaml_after_key(indent, &mut b);
                assert_eq!(a, b, "YAML after a key, indent {indent}");

                let (mut a, mut b) = (String::new(), String::new());
                Cfn::List(vec![value.clone(), value.clone()]).yaml_after_key(indent, &mut a);
                Cfn::List(vec![shared.clone(), shared.clone()]).yaml_after_key(indent, &mut b);
                assert_eq!(a, b, "YAML list items, indent {indent}");

                let (mut a, mut b) = (String::new(), String::new());
                super::super::json::write(&value, indent, &mut a).unwrap();
                super::super::json::write(&shared, indent, &mut b).unwrap();
                assert_eq!(a, b, "JSON, indent {indent}");
            }
        }
    }

    /// What the `yaml` and `json` filters do with a written value (indent
    /// its lines after the first) is what writing at that indent gives.
    #[test]
    fn written_values_only_need_indenting() {
        for value in shapes() {
            for indent in [0, 4, 6] {
                let mut direct = String::new();
                value.yaml_after_key(indent, &mut direct);
                let written = value.written(CfnFormat::Yaml).unwrap();
                let text = std::str::from_utf8(&written.0[1..]).unwrap();
                assert_eq!(super::super::hcl::indented(text, indent), direct);

                let mut direct = String::new();
                super::super::json::write(&value, indent, &mut direct).unwrap();
                let written = value.written(CfnFormat::Json).unwrap();
                let text = std::str::from_utf8(&written.0[1..]).unwrap();
                assert_eq!(super::super::hcl::indented(text, indent), direct);
            }
        }
    }
}
