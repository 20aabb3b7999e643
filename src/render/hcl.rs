//! HCL values as data, escaped in one place, and the alignment pass that
//! makes rendered files exactly what `terraform fmt` would write.

use serde::{Serialize, Serializer, ser::SerializeStruct};
use std::fmt::Write;

/// An HCL expression. Strings from the spec only ever reach a file through
/// [`Expr::Str`] (escaped); references are built in Rust from identifiers.
///
/// In a template context an expression is `{ t = "hcl", v = <its HCL text at
/// indent 0> }`, written once in Rust (escaped here, and nowhere else); the
/// `hcl` filter only indents it. Its lines after the first are exactly
/// shifted by the indent: quoted strings never hold a raw newline.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Str(String),
    /// A reference such as `var.vpc_id`: written as is.
    Ref(String),
    /// A quoted template: literal parts escaped, references interpolated.
    Template(Vec<Part>),
    Bool(bool),
    Num(i64),
    List(Vec<Expr>),
    /// An object constructor with quoted keys, one entry per line.
    Map(Vec<(String, Expr)>),
    /// A function call whose arguments are written in order.
    Call(String, Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Lit(String),
    Ref(String),
}

/// Escapes text for the inside of an HCL quoted template: quotes and
/// backslashes, control characters, and the `${` / `%{` introducers, so the
/// deployed value is exactly the input.
pub fn escape(s: &str, out: &mut String) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control()
                || is_invisible_separator(c)
                || c == '\u{FFFE}'
                || c == '\u{FFFF}' =>
            {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Characters that break lines or hide text in editors and diffs; written
/// as escapes so a reviewer sees them.
pub fn is_invisible_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape(s, &mut out);
    out.push('"');
    out
}

/// The tag of an expression written out in a template context.
pub const TAG: &str = "hcl";

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = String::new();
        self.write(0, &mut text);
        let mut m = serializer.serialize_struct("Expr", 2)?;
        m.serialize_field("t", TAG)?;
        m.serialize_field("v", &text)?;
        m.end()
    }
}

/// HCL text written at indent 0, as if written at `indent`.
pub fn indented(text: &str, indent: usize) -> String {
    if indent == 0 || !text.contains('\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            pad(indent, &mut out);
        }
        out.push_str(line);
    }
    out
}

impl Expr {
    /// Renders the expression; `indent` is the column of the line it starts on.
    pub fn write(&self, indent: usize, out: &mut String) {
        match self {
            Expr::Str(s) => {
                out.push('"');
                escape(s, out);
                out.push('"');
            }
            Expr::Ref(r) => out.push_str(r),
            Expr::Template(parts) => {
                out.push('"');
                for p in parts {
                    match p {
                        Part::Lit(s) => escape(s, out),
                        Part::Ref(r) => {
                            let _ = write!(out, "${{{r}}}");
                        }
                    }
                }
                out.push('"');
            }
            Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Expr::Num(n) => {
                let _ = write!(out, "{n}");
            }
            Expr::List(items) if items.iter().all(Expr::is_flat) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(indent, out);
                }
                out.push(']');
            }
            Expr::List(items) => {
                out.push_str("[\n");
                for item in items {
                    pad(indent + 2, out);
                    item.write(indent + 2, out);
                    out.push_str(",\n");
                }
                pad(indent, out);
                out.push(']');
            }
            Expr::Map(entries) if entries.is_empty() => out.push_str("{}"),
            Expr::Map(entries) => {
                out.push_str("{\n");
                for (k, v) in entries {
                    pad(indent + 2, out);
                    out.push('"');
                    escape(k, out);
                    out.push('"');
                    out.push_str(" = ");
                    v.write(indent + 2, out);
                    out.push('\n');
                }
                pad(indent, out);
                out.push('}');
            }
            Expr::Call(f, args) => {
                out.push_str(f);
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.write(indent, out);
                }
                out.push(')');
            }
        }
    }

    fn is_flat(&self) -> bool {
        !matches!(self, Expr::List(_) | Expr::Map(_) | Expr::Call(..))
    }

    /// A JSON document as the HCL object `jsonencode` turns back into it.
    pub fn from_json(v: &serde_json::Value) -> Expr {
        match v {
            serde_json::Value::Null => Expr::Ref("null".into()),
            serde_json::Value::Bool(b) => Expr::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Expr::Num(i),
                None => Expr::Ref(n.to_string()),
            },
            serde_json::Value::String(s) => Expr::Str(s.clone()),
            serde_json::Value::Array(items) => {
                Expr::List(items.iter().map(Expr::from_json).collect())
            }
            serde_json::Value::Object(map) => Expr::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Expr::from_json(v)))
                    .collect(),
            ),
        }
    }
}

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Aligns the `=` of consecutive one-line attributes at the same depth, as
/// `terraform fmt` does. A line that opens a multi-line value, a blank line,
/// a comment or a block header ends a run.
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    // Each line is looked at once; runs are aligned from these.
    let attrs: Vec<Option<(usize, usize, bool)>> = lines.iter().map(|l| attribute(l)).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut i = 0;
    while i < lines.len() {
        let indent = match attrs[i] {
            Some((indent, _, true)) => indent,
            _ => {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(lines[i]);
                i += 1;
                continue;
            }
        };
        let mut j = i;
        let mut width = 0;
        while let Some(&Some((ind, kl, true))) = attrs.get(j) {
            if ind != indent {
                break;
            }
            width = width.max(kl);
            j += 1;
        }
        for k in i..j {
            let line = lines[k];
            let (ind, kl, _) = attrs[k].expect("matched above");
            let rest = line[ind + kl..].trim_start();
            let rest = rest
                .strip_prefix('=')
                .expect("an attribute has =")
                .trim_start();
            if k > 0 {
                out.push('\n');
            }
            out.push_str(&line[..ind + kl]);
            pad(width - kl, &mut out);
            out.push_str(" = ");
            out.push_str(rest);
        }
        i = j;
    }
    out
}

/// For `  key = value`: indentation, key length, and whether the value ends
/// on this line. `None` for anything that is not an attribute.
fn attribute(line: &str) -> Option<(usize, usize, bool)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let key_len = if let Some(q) = rest.strip_prefix('"') {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in q.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i + 2);
                    break;
                }
                _ => {}
            }
        }
        end?
    } else {
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        if n == 0 || rest.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        n
    };
    let after = rest[key_len..].trim_start_matches(' ');
    let value = after.strip_prefix('=')?;
    if value.starts_with('=') {
        return None;
    }
    Some((indent, key_len, balanced(value)))
}

/// Whether brackets opened in `s` (outside strings) close again in `s`.
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_str = false;
    let mut escaped = false;
    let mut interp = 0i32;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' if interp == 0 => in_str = false,
                // `$${` is an escaped, literal `${`, not an interpolation.
                b'{' if i > 0 && bytes[i - 1] == b'$' && !(i > 1 && bytes[i - 2] == b'$') => {
                    interp += 1
                }
                b'}' if interp > 0 => interp -= 1,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}
