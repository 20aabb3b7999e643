//! HCL values as data, escaped in one place, and the alignment pass that
//! makes rendered files exactly what `terraform fmt` would write.

use super::pad;
use serde::{Serialize, Serializer};
use std::fmt::Write;
use std::sync::Arc;

/// An HCL expression. Strings from the spec only ever reach a file through
/// [`Expr::Str`] (escaped); references are built in Rust from identifiers.
///
/// In a template context an expression is its HCL text at indent 0, written
/// once in Rust (escaped here, and nowhere else) and passed as bytes; the
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
    /// `left == right`, for a condition.
    Equals(Box<Expr>, Box<Expr>),
    /// An expression written out already, at indent 0, for values that
    /// many resources share (a policy document); made by [`Expr::shared`].
    Written(Arc<str>),
    /// A `#` comment, one line (a checkov skip): control and invisible
    /// characters are written as `\uXXXX`, so no text ends it early.
    Comment(String),
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
    // Most values need no escape at all: copy runs of plain ASCII whole.
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let plain = matches!(b, b' '..=b'~') && !matches!(b, b'"' | b'\\' | b'$' | b'%');
        if plain {
            i += 1;
            continue;
        }
        out.push_str(&s[start..i]);
        let c = s[i..].chars().next().expect("i is on a char boundary");
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if bytes.get(i + 1) == Some(&b'{') => {
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
        i += c.len_utf8();
        start = i;
    }
    out.push_str(&s[start..]);
}

/// A one-line `#` comment: every character that could end the line or hide
/// text in a diff is written as `\uXXXX`.
fn comment(text: &str, out: &mut String) {
    out.push('#');
    for c in text.chars() {
        if c.is_control() || is_invisible_separator(c) || c == '\u{FFFE}' || c == '\u{FFFF}' {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            out.push(c);
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

/// First byte of an expression written out in a template context.
pub const TAG: u8 = super::HCL_TAG;

/// Written out once, as bytes: the one kind of template value that neither
/// a spec string nor a template can produce, so the `hcl` filter knows that
/// what it is given was escaped here. Bytes are also far cheaper in a tera
/// context than a tagged map.
impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = String::from(TAG as char);
        self.write(0, &mut text);
        serializer.serialize_bytes(text.as_bytes())
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
    /// The expression, written out once to be shared.
    pub fn shared(&self) -> Expr {
        let mut text = String::new();
        self.write(0, &mut text);
        Expr::Written(text.into())
    }

    /// Renders the expression; `indent` is the column of the line it starts on.
    pub fn write(&self, indent: usize, out: &mut String) {
        match self {
            Expr::Str(s) => {
                out.push('"');
                escape(s, out);
                out.push('"');
            }
            Expr::Ref(r) => out.push_str(r),
            Expr::Comment(text) => comment(text, out),
            Expr::Written(text) => out.push_str(&indented(text, indent)),
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
            Expr::Equals(left, right) => {
                left.write(indent, out);
                out.push_str(" == ");
                right.write(indent, out);
            }
        }
    }

    fn is_flat(&self) -> bool {
        match self {
            Expr::List(_) | Expr::Map(_) | Expr::Call(..) => false,
            Expr::Written(text) => !text.contains('\n'),
            _ => true,
        }
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

/// Lays a rendered file out as `terraform fmt` would, in one pass: the `=`
/// of consecutive one-line attributes at the same depth aligned (a blank
/// line, a comment, a block header or a line that opens a multi-line value
/// ends a run), no trailing spaces, no runs of blank lines, none right
/// after an opening line or before a closing brace, one final newline.
pub fn format(text: &str) -> String {
    let lines: Vec<_> = super::trimmed_lines(text)
        .map(|l| (l, attribute(l)))
        .collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut blank = false;
    let mut i = 0;
    while i < lines.len() {
        let (line, attr) = lines[i];
        if line.is_empty() {
            blank = true;
            i += 1;
            continue;
        }
        // A blank line separates, so never right after an opening line
        // (`data "aws_vpc" "this" {`) nor before a closing one.
        if blank && !out.is_empty() && !out.ends_with("{\n") && !line.starts_with('}') {
            out.push('\n');
        }
        blank = false;
        let indent = match attr {
            Some((indent, _, true)) => indent,
            _ => {
                out.push_str(line);
                out.push('\n');
                i += 1;
                continue;
            }
        };
        let run = lines[i..]
            .iter()
            .take_while(|(_, a)| matches!(a, Some((ind, _, true)) if *ind == indent))
            .count();
        let width = lines[i..i + run]
            .iter()
            .filter_map(|(l, a)| a.map(|(ind, kl, _)| columns(&l[ind..ind + kl])))
            .max()
            .unwrap_or(0);
        for &(line, attr) in &lines[i..i + run] {
            let (ind, kl, _) = attr.expect("matched above");
            let rest = line[ind + kl..]
                .trim_start()
                .strip_prefix('=')
                .expect("an attribute has =")
                .trim_start();
            out.push_str(&line[..ind + kl]);
            pad(width - columns(&line[ind..ind + kl]), &mut out);
            out.push_str(if rest.is_empty() { " =" } else { " = " });
            out.push_str(rest);
            out.push('\n');
        }
        i += run;
    }
    out
}

/// How wide `terraform fmt` takes a key to be when it aligns the `=` after
/// it: hclwrite counts grapheme clusters (`é` written as `e` and a combining
/// accent is one, a flag or a family emoji is one, `東京` is two), not
/// bytes, characters or display width.
pub fn columns(key: &str) -> usize {
    if key.is_ascii() {
        key.len()
    } else {
        unicode_segmentation::UnicodeSegmentation::graphemes(key, true).count()
    }
}

/// For `  key = value`: indentation, key length in bytes, and whether the value ends
/// on this line. `None` for anything that is not an attribute.
fn attribute(line: &str) -> Option<(usize, usize, bool)> {
    let bytes = line.as_bytes();
    let indent = bytes.iter().take_while(|&&b| b == b' ').count();
    let rest = &bytes[indent..];
    let key_len = match *rest.first()? {
        b'"' => {
            let mut i = 1;
            loop {
                match *rest.get(i)? {
                    b'\\' => i += 2,
                    b'"' => break i + 1,
                    _ => i += 1,
                }
            }
        }
        b if b.is_ascii_digit() => return None,
        _ => rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
            .count(),
    };
    if key_len == 0 {
        return None;
    }
    let after = &rest[key_len..];
    let spaces = after.iter().take_while(|&&b| b == b' ').count();
    let value = after[spaces..].strip_prefix(b"=")?;
    if value.first() == Some(&b'=') {
        return None;
    }
    Some((indent, key_len, balanced(value)))
}

/// Whether brackets opened in `s` (outside strings) close again in `s`.
fn balanced(bytes: &[u8]) -> bool {
    /// The bytes that can change the answer; all others are skipped.
    const SPECIAL: [bool; 256] = {
        const SET: &[u8] = b"\"\\()[]{}$";
        let mut t = [false; 256];
        let mut i = 0;
        while i < SET.len() {
            t[SET[i] as usize] = true;
            i += 1;
        }
        t
    };
    let mut depth = 0i32;
    let mut in_str = false;
    let mut escaped = false;
    let mut interp = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !SPECIAL[b as usize] {
            escaped = false;
            i += 1;
            continue;
        }
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
        } else {
            match b {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            }
        }
        i += 1;
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A comment stays one line whatever its text holds, so a reason can
    /// never end the skip early and write HCL after it.
    #[test]
    fn a_comment_is_one_line() {
        let mut out = String::new();
        Expr::Comment("checkov:skip=X:a\nname = 1\u{2028}b".into()).write(2, &mut out);
        assert_eq!(out, "#checkov:skip=X:a\\u000Aname = 1\\u2028b");
    }

    /// Keys are as wide as terraform counts them, so the `=` of a run line
    /// up in its columns (checked against `terraform fmt` 1.11).
    #[test]
    fn keys_align_by_grapheme_clusters() {
        assert_eq!(columns("\"a\""), 3);
        assert_eq!(columns("\"équipe\""), 8);
        assert_eq!(columns("\"e\u{301}quipe\""), 8);
        assert_eq!(columns("\"東京\""), 4);
        assert_eq!(columns("\"👨\u{200D}👩\u{200D}👧\""), 3);
        assert_eq!(columns("\"🇫🇷\""), 3);
        assert_eq!(columns("\"a\u{301}\u{302}\""), 3);
        assert_eq!(columns("\"\u{1100}\u{1161}\u{11A8}\""), 3);
        // Unicode 15.0, as hclwrite: a virama does not join the conjunct.
        assert_eq!(columns("\"क्ष\""), 4);
        let text = "locals {\n  tags = {\n    \"a\" = 1\n    \"東京\" = 2\n    \"e\u{301}\" = 3\n    \"équipe\" = 4\n  }\n}\n";
        assert_eq!(
            format(text),
            "locals {\n  tags = {\n    \"a\"      = 1\n    \"東京\"     = 2\n    \"e\u{301}\"      = 3\n    \"équipe\" = 4\n  }\n}\n"
        );
    }

    /// A shared expression is written exactly as the expression itself,
    /// alone or nested in lists and objects at any depth.
    #[test]
    fn a_shared_expression_writes_like_the_expression() {
        let doc = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": ["s3:Get*", "a\"${x}\\"],
                            "Condition": { "StringEquals": { "k": "v" } } }],
        });
        let expr = Expr::Call("jsonencode".into(), vec![Expr::from_json(&doc)]);
        let shared = expr.shared();
        let wraps: [fn(Expr) -> Expr; 3] = [
            |e| e,
            |e| Expr::List(vec![e.clone(), e]),
            |e| Expr::Map(vec![("a".into(), Expr::Map(vec![("b".into(), e)]))]),
        ];
        for wrap in wraps {
            for indent in [0, 2, 6] {
                let (mut a, mut b) = (String::new(), String::new());
                wrap(expr.clone()).write(indent, &mut a);
                wrap(shared.clone()).write(indent, &mut b);
                assert_eq!(a, b, "indent {indent}");
            }
        }
    }
}
