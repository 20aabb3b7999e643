//! Turning a [`Node`] tree into typed values, reporting every problem found
//! instead of stopping at the first, the way serde would.

use super::Sp;
use super::value::{Kind, Node, Table};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::source::Span;

/// Reads the keys of one table and remembers which keys were expected, so
/// that [`TableReader::finish`] can flag the rest with a did-you-mean.
pub struct TableReader<'t> {
    table: &'t Table,
    pub span: Span,
    /// Dotted path of this table in the spec, for messages (`reach`, `vpc`).
    pub path: String,
    known: Vec<&'static str>,
}

impl<'t> TableReader<'t> {
    pub fn new(table: &'t Table, span: Span, path: impl Into<String>) -> Self {
        TableReader {
            table,
            span,
            path: path.into(),
            known: Vec::new(),
        }
    }

    pub fn get(&mut self, key: &'static str) -> Option<&'t Node> {
        self.known.push(key);
        self.table.get(key).map(|e| &e.value)
    }

    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.table.get(key).map(|e| e.key_span)
    }

    /// A required key: reports it missing at the table's own span.
    pub fn require(
        &mut self,
        key: &'static str,
        what: &str,
        d: &mut Diagnostics,
    ) -> Option<&'t Node> {
        let v = self.get(key);
        if v.is_none() {
            d.push(
                Diagnostic::error("E004", format!("missing `{}`", self.field(key)))
                    .at(self.span, format!("this table needs `{key}`"))
                    .help(format!("add `{key} = {what}`")),
            );
        }
        v
    }

    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    pub fn finish(self, d: &mut Diagnostics) {
        for e in &self.table.entries {
            if self.known.contains(&e.key.as_str()) {
                continue;
            }
            let mut diag =
                Diagnostic::error("E002", format!("unknown key `{}`", self.field(&e.key)))
                    .at(e.key_span, "not a key vpcegen knows here");
            diag = match did_you_mean(&e.key, self.known.iter().copied()) {
                Some(s) => diag.help(format!("did you mean `{s}`?")),
                None => diag.help(format!(
                    "keys allowed in {}: {}",
                    if self.path.is_empty() {
                        "the top level".to_string()
                    } else {
                        format!("`[{}]`", self.path)
                    },
                    self.known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            d.push(diag);
        }
    }
}

pub fn type_error(node: &Node, field: &str, expected: &str) -> Diagnostic {
    Diagnostic::error("E003", format!("`{field}` must be {expected}"))
        .at(node.span, format!("found {}", node.kind.describe()))
}

pub fn string(node: &Node, field: &str, d: &mut Diagnostics) -> Option<Sp<String>> {
    match &node.kind {
        Kind::Str(s) => Some(Sp::new(s.clone(), node.span)),
        _ => {
            d.push(type_error(node, field, "a string"));
            None
        }
    }
}

pub fn boolean(node: &Node, field: &str, d: &mut Diagnostics) -> Option<Sp<bool>> {
    match &node.kind {
        Kind::Bool(b) => Some(Sp::new(*b, node.span)),
        _ => {
            d.push(type_error(node, field, "`true` or `false`"));
            None
        }
    }
}

pub fn integer(
    node: &Node,
    field: &str,
    min: i64,
    max: i64,
    d: &mut Diagnostics,
) -> Option<Sp<i64>> {
    match &node.kind {
        Kind::Int(v) => match *v {
            Some(v) if (min..=max).contains(&v) => Some(Sp::new(v, node.span)),
            v => {
                d.push(
                    Diagnostic::error("E003", format!("`{field}` must be between {min} and {max}"))
                        .at(
                            node.span,
                            if v.is_some() {
                                "out of range"
                            } else {
                                "not an integer TOML can read (no digits, or past 64 bits)"
                            },
                        ),
                );
                None
            }
        },
        _ => {
            d.push(type_error(node, field, "an integer"));
            None
        }
    }
}

pub fn array<'n>(node: &'n Node, field: &str, d: &mut Diagnostics) -> Option<&'n [Node]> {
    match &node.kind {
        Kind::Array(items) => Some(items),
        _ => {
            d.push(type_error(node, field, "an array"));
            None
        }
    }
}

pub fn table<'n>(node: &'n Node, field: &str, d: &mut Diagnostics) -> Option<TableReader<'n>> {
    match &node.kind {
        Kind::Table(t) => Some(TableReader::new(t, node.span, field)),
        _ => {
            d.push(type_error(node, field, "a table"));
            None
        }
    }
}

/// An array of strings, each checked by `check`; bad items are reported and
/// dropped, good ones kept, so later checks still see the rest.
pub fn strings(
    node: &Node,
    field: &str,
    d: &mut Diagnostics,
    check: impl Fn(&str) -> Result<(), String>,
) -> Option<Vec<Sp<String>>> {
    let items = array(node, field, d)?;
    let mut out = Vec::new();
    for item in items {
        if let Some(s) = string(item, &format!("{field}[]"), d) {
            match check(&s.value) {
                Ok(()) => out.push(s),
                Err(e) => d.push(invalid(item, field, e)),
            }
        }
    }
    Some(out)
}

pub fn invalid(node: &Node, field: &str, help: String) -> Diagnostic {
    let shown = match &node.kind {
        Kind::Str(s) => format!("`{}`", s.escape_debug()),
        _ => "this value".into(),
    };
    Diagnostic::error("E010", format!("{shown} is not a valid `{field}`"))
        .at(node.span, "invalid value")
        .help(help)
}
