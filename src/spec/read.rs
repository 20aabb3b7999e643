//! Turning a [`Node`] tree into typed values, reporting every problem found
//! instead of stopping at the first, the way serde would.

use super::Sp;
use super::value::{Kind, Node, Table};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::source::{FileId, Span};
use std::collections::HashMap;

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
                Diagnostic::new(Code::E004, format!("missing `{}`", self.field(key)))
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
                Diagnostic::new(Code::E002, format!("unknown key `{}`", self.field(&e.key)))
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
    Diagnostic::new(Code::E003, format!("`{field}` must be {expected}"))
        .at(node.span, format!("found {}", node.kind.describe()))
}

/// A string taken as it is, for [`strings`] of plain text.
pub fn text(s: &str) -> Result<String, String> {
    Ok(s.to_owned())
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
                    Diagnostic::new(
                        Code::E003,
                        format!("`{field}` must be between {min} and {max}"),
                    )
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

/// An array of strings, each read by `parse` (such as [`super::Cidr::parse`],
/// or [`text`]); bad items are reported and dropped, good ones kept, so
/// later checks still see the rest.
///
/// An entry listed again in the same file is dropped with a warning (W120)
/// at the repeat, pointing back at the first: every later pass sees each
/// entry once, so none is quadratic in the repeats. An entry that a list
/// accumulated across `extends` (a baseline's `reach.services` and the
/// team's) is one per file, kept as it is: each file's entry is a reason.
pub fn strings<T>(
    node: &Node,
    field: &str,
    d: &mut Diagnostics,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<Vec<Sp<T>>> {
    let items = array(node, field, d)?;
    let mut out = Vec::new();
    let item_field = format!("{field}[]");
    // Per value and file: the first entry, the first repeat, how many repeats.
    let mut seen: HashMap<(&str, FileId), Repeats> = HashMap::new();
    let mut repeated: Vec<(&str, FileId)> = Vec::new();
    for item in items {
        if let Kind::Str(text) = &item.kind {
            let key = (text.as_str(), item.span.file);
            if let Some(r) = seen.get_mut(&key) {
                if r.again.is_none() {
                    r.again = Some(item.span);
                    repeated.push(key);
                }
                r.times += 1;
                continue;
            }
        }
        if let Some(s) = string(item, &item_field, d) {
            match parse(&s.value) {
                Ok(v) => {
                    if let Kind::Str(text) = &item.kind {
                        seen.insert(
                            (text.as_str(), item.span.file),
                            Repeats {
                                first: item.span,
                                again: None,
                                times: 1,
                            },
                        );
                    }
                    out.push(Sp::new(v, s.span))
                }
                Err(e) => d.push(invalid(item, field, e)),
            }
        }
    }
    for key in repeated {
        let r = &seen[&key];
        d.push(duplicate(field, &format!("`{}`", key.0.escape_debug()), r));
    }
    Some(out)
}

/// An array of integers, each between `min` and `max`; repeats are dropped
/// with a warning, as in [`strings`].
pub fn integers(
    node: &Node,
    field: &str,
    min: i64,
    max: i64,
    d: &mut Diagnostics,
) -> Option<Vec<Sp<i64>>> {
    let items = array(node, field, d)?;
    let item_field = format!("{field}[]");
    let mut out = Vec::new();
    let mut seen: HashMap<(i64, FileId), Repeats> = HashMap::new();
    let mut repeated: Vec<(i64, FileId)> = Vec::new();
    for item in items {
        let Some(v) = integer(item, &item_field, min, max, d) else {
            continue;
        };
        let key = (v.value, item.span.file);
        match seen.get_mut(&key) {
            Some(r) => {
                if r.again.is_none() {
                    r.again = Some(item.span);
                    repeated.push(key);
                }
                r.times += 1;
            }
            None => {
                seen.insert(
                    key,
                    Repeats {
                        first: item.span,
                        again: None,
                        times: 1,
                    },
                );
                out.push(v);
            }
        }
    }
    for key in repeated {
        d.push(duplicate(field, &format!("`{}`", key.0), &seen[&key]));
    }
    Some(out)
}

/// Where an entry of a list was first written, and its repeats.
pub struct Repeats {
    pub first: Span,
    /// The second time it is written.
    pub again: Option<Span>,
    pub times: usize,
}

/// W120: `shown` (already quoted) is listed more than once in `field`.
pub fn duplicate(field: &str, shown: &str, r: &Repeats) -> Diagnostic {
    let again = r.again.expect("a repeated entry has a repeat");
    let mut diag = Diagnostic::new(
        Code::W120,
        format!("`{field}` lists {shown} more than once"),
    )
    .at(again, "listed again here")
    .also(r.first, "first listed here")
    .help("remove the repeated entries; vpcegen uses each entry once");
    if r.times > 2 {
        diag = diag.note(format!("listed {} times in all", r.times));
    }
    diag
}

pub fn invalid(node: &Node, field: &str, help: String) -> Diagnostic {
    let shown = match &node.kind {
        Kind::Str(s) => format!("`{}`", s.escape_debug()),
        _ => "this value".into(),
    };
    Diagnostic::new(Code::E010, format!("{shown} is not a valid `{field}`"))
        .at(node.span, "invalid value")
        .help(help)
}
