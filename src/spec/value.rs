//! A TOML document as a tree of nodes that each remember the file and span
//! they came from, so values merged from a baseline still point at the
//! baseline's line.

use crate::source::{FileId, Span};
use toml::de::{DeTable, DeValue};

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Str(String),
    /// The integer TOML reads (`0x1bb` is 443, `1_000` is 1000); `None`
    /// past the 64-bit range. Range-checked where it is read.
    Int(Option<i64>),
    Float,
    Bool(bool),
    Datetime,
    Array(Vec<Node>),
    Table(Table),
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

impl Kind {
    /// How the kind is named in "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Datetime => "a date-time",
            Kind::Array(_) => "an array",
            Kind::Table(_) => "a table",
        }
    }
}

pub fn from_toml(file: FileId, table: &DeTable<'_>, span: std::ops::Range<usize>) -> Node {
    Node {
        kind: Kind::Table(table_from(file, table)),
        span: Span::new(file, span),
    }
}

fn table_from(file: FileId, t: &DeTable<'_>) -> Table {
    Table {
        entries: t
            .iter()
            .map(|(k, v)| Entry {
                key: k.get_ref().to_string(),
                key_span: Span::new(file, k.span()),
                value: node_from(file, v.get_ref(), v.span()),
            })
            .collect(),
    }
}

fn node_from(file: FileId, v: &DeValue<'_>, span: std::ops::Range<usize>) -> Node {
    let kind = match v {
        DeValue::String(s) => Kind::Str(s.to_string()),
        // `as_str` holds the digits without their `0x`/`0o`/`0b` prefix
        // (and without underscores): they mean nothing without `radix`.
        DeValue::Integer(i) => Kind::Int(i64::from_str_radix(i.as_str(), i.radix()).ok()),
        DeValue::Float(_) => Kind::Float,
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(_) => Kind::Datetime,
        DeValue::Array(a) => Kind::Array(
            a.iter()
                .map(|e| node_from(file, e.get_ref(), e.span()))
                .collect(),
        ),
        DeValue::Table(t) => Kind::Table(table_from(file, t)),
    };
    Node {
        kind,
        span: Span::new(file, span),
    }
}

/// Sections whose keys merge one by one when a spec extends a baseline. Any
/// other table (a network input, a policy, a load balancer) is one value and
/// is replaced whole, so a baseline's `{ input = .. }` never mixes with a
/// team's literal list.
fn merges_by_key(path: &[&str]) -> bool {
    matches!(
        path,
        [] | ["tags"]
            | ["vpc"]
            | ["reach"]
            | ["service"]
            | ["service", _]
            | ["expose"]
            | ["expose", _]
            | ["connect"]
            | ["connect", _]
    )
}

/// Lists that accumulate across the extends chain instead of being replaced.
fn accumulates(path: &[&str]) -> bool {
    matches!(
        path,
        ["reach", "services"] | ["reach", "bundles"] | ["reach", "without"]
    )
}

/// Lays `over` on top of `base`: the extending file wins on scalars, sections
/// merge key by key, and the `reach` lists accumulate.
pub fn merge(base: &mut Table, over: Table, path: &mut Vec<String>) {
    // Where each key of `base` is: a table may hold many keys (tags,
    // sections), and looking each one up by a scan would be quadratic.
    let mut index: std::collections::HashMap<String, usize> = base
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.clone(), i))
        .collect();
    for entry in over.entries {
        if path.is_empty() && entry.key == "extends" {
            continue;
        }
        path.push(entry.key.clone());
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let merge_tables = merges_by_key(&p);
        let accumulate = accumulates(&p);
        match index.get(&entry.key).map(|&i| &mut base.entries[i]) {
            Some(existing) => match (&mut existing.value.kind, entry.value.kind) {
                (Kind::Table(b), Kind::Table(o)) if merge_tables => merge(b, o, path),
                (Kind::Array(b), Kind::Array(o)) if accumulate => b.extend(o),
                (_, kind) => {
                    existing.value = Node {
                        kind,
                        span: entry.value.span,
                    };
                    existing.key_span = entry.key_span;
                }
            },
            None => {
                index.insert(entry.key.clone(), base.entries.len());
                base.entries.push(entry);
            }
        }
        path.pop();
    }
}
