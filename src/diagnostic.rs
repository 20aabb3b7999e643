//! Diagnostics as data: every stage pushes these, and only this module knows
//! how they look on a terminal, as JSON or as SARIF (`sarif.rs`).

mod code;
mod sarif;

pub use code::{Code, markdown_table};

use crate::source::{SourceMap, Span};
use std::borrow::Cow;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A span with the short text drawn under it.
#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The code's severity; `--deny-warnings` makes a warning an error.
    pub severity: Severity,
    /// Stable code, documented in `docs/diagnostics.md` (generated from
    /// [`Code`]).
    pub code: Code,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with the severity its code has.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            text: label.into(),
        });
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: label.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// Everything one stage found. A stage pushes all it finds, and the pipeline
/// stops at the stage boundary if any of it is an error.
/// At most this many diagnostics are kept and shown; the rest are only
/// counted. A hostile spec (a million wrong values on one line) would
/// otherwise take hours to report and print gigabytes.
pub const MAX_SHOWN: usize = 100;

#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Diagnostics past [`MAX_SHOWN`], by severity (error, warning, info).
    omitted: [usize; 3],
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        if self.items.len() < MAX_SHOWN {
            self.items.push(d);
        } else {
            self.omitted[d.severity as usize] += 1;
        }
    }

    /// Adds another collection's diagnostics after these, as if they had
    /// been pushed here in their order.
    pub fn append(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
        for (mine, theirs) in self.omitted.iter_mut().zip(other.omitted) {
            *mine += theirs;
        }
    }

    /// Whether further diagnostics are only counted: skip costly hints then.
    pub fn is_full(&self) -> bool {
        self.items.len() >= MAX_SHOWN
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
            + self.omitted[severity as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Turns warnings into errors, for `--deny-warnings`.
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
        self.omitted[Severity::Error as usize] +=
            std::mem::take(&mut self.omitted[Severity::Warning as usize]);
    }

    /// Orders diagnostics by where they point (file order, then position), so
    /// output is the same however the checks were scheduled.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| {
            d.primary
                .as_ref()
                .map(|l| (l.span.file, l.span.start, l.span.end))
        });
    }

    /// Human-readable report, in the style of rustc: header, location, the
    /// source line with the span underlined, then help and notes.
    pub fn render(&self, sources: &SourceMap, building: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            render_one(&mut out, d, sources);
            out.push('\n');
        }
        let omitted: usize = self.omitted.iter().sum();
        if omitted > 0 {
            let _ = writeln!(
                out,
                "note: {omitted} more diagnostic{} not shown (only the first {MAX_SHOWN} are)\n",
                plural(omitted)
            );
        }
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        if errors > 0 {
            let _ = write!(out, "error: {} error{}", errors, plural(errors));
            if warnings > 0 {
                let _ = write!(out, " and {} warning{}", warnings, plural(warnings));
            }
            out.push_str(if building {
                " found; nothing was written\n"
            } else {
                " found\n"
            });
        }
        out
    }

    /// One JSON object per line, for CI annotations.
    pub fn render_json(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for d in &self.items {
            let (file, line, column) = match &d.primary {
                Some(l) => {
                    let f = sources.get(l.span.file);
                    let (line, col) = f.line_col(l.span.start);
                    (Some(printable(&f.display)), Some(line), Some(col))
                }
                None => (None, None, None),
            };
            // JSON escapes C0 controls itself, but not C1 controls or
            // bidirectional overrides: the same escaping as for humans.
            let notes: Vec<Cow<str>> = d.notes.iter().map(|n| printable(n)).collect();
            let v = serde_json::json!({
                "severity": d.severity,
                "code": d.code,
                "message": printable(&d.message),
                "file": file,
                "line": line,
                "column": column,
                "label": d.primary.as_ref().map(|l| printable(&l.text)),
                "help": d.help.as_deref().map(printable),
                "notes": notes,
            });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Text from specs, file names and parsers as it may reach a terminal:
/// control characters (C0 such as ESC, DEL, C1 such as CSI, line breaks)
/// and the invisible marks that reorder text (bidirectional overrides,
/// isolates, line and paragraph separators) are written as `\u{1b}`, `\n`,
/// so a spec cannot colour, move, clear or rewrite what the user reads.
/// Every string a diagnostic shows goes through this, in both formats.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unprintable) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unprintable(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`printable`] for text of several lines (a file shown in a diff): line
/// breaks and tabs stay, every other control and bidirectional mark is
/// escaped.
pub fn printable_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && c != '\t' && unprintable(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if unprintable(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters, and the format characters that change how the
/// text around them is laid out.
fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
                | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &SourceMap) {
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        d.severity.word(),
        d.code,
        printable(&d.message)
    );
    let labels: Vec<&Label> = d.primary.iter().chain(d.secondary.iter()).collect();
    let width = labels
        .iter()
        .map(|l| {
            let f = sources.get(l.span.file);
            let (line, _) = f.line_col(l.span.end.max(l.span.start + 1) - 1);
            line.to_string().len()
        })
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    for (i, label) in labels.iter().enumerate() {
        let f = sources.get(label.span.file);
        let (line, col) = f.line_col(label.span.start);
        let arrow = if i == 0 { "-->" } else { ":::" };
        let label_text = printable(&label.text);
        let _ = writeln!(out, "{pad}{arrow} {}:{line}:{col}", printable(&f.display));
        if !f.quotable {
            // Only where, and what the parser said: none of the file's text.
            let _ = writeln!(out, "{pad} | {label_text}");
            continue;
        }
        let _ = writeln!(out, "{pad} |");
        // One character for one, so that the underline stays in place.
        let text: Vec<char> = f
            .line_text(line)
            .chars()
            .map(|c| if unprintable(c) { ' ' } else { c })
            .collect();
        // Underline to the end of the span or the end of the line, whichever comes first.
        let (end_line, end_col) = f.line_col(label.span.end);
        let stop = if end_line == line {
            end_col
        } else {
            text.len() + 1
        };
        let len = stop.saturating_sub(col).max(1);
        // Long lines (minified or generated specs) show a window around the span.
        let (shown, col, len) = window(&text, col, len);
        let _ = writeln!(out, "{:>width$} | {}", line, shown);
        let mark = if i == 0 { '^' } else { '-' };
        let underline: String = std::iter::repeat_n(mark, len).collect();
        let sep = if label.text.is_empty() { "" } else { " " };
        let _ = writeln!(
            out,
            "{pad} | {}{underline}{sep}{label_text}",
            " ".repeat(col - 1),
        );
    }
    let in_baseline = d
        .primary
        .as_ref()
        .is_some_and(|p| !sources.extends_chain(p.span.file).is_empty());
    if !labels.is_empty() && (d.help.is_some() || !d.notes.is_empty() || in_baseline) {
        let _ = writeln!(out, "{pad} |");
    }
    if let Some(p) = &d.primary {
        let chain = sources.extends_chain(p.span.file);
        if !chain.is_empty() && !d.notes.iter().any(|n| n.starts_with("chain:")) {
            let chain = printable(&chain.join(" → ")).into_owned();
            let _ = writeln!(out, "{pad} = note: extends chain: {chain}");
        }
    }
    for n in &d.notes {
        let _ = writeln!(out, "{pad} = note: {}", printable(n));
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "{pad} = help: {}", printable(h));
    }
}

/// At most [`SNIPPET_WIDTH`] characters of a line around a span starting at
/// 1-based `col`, with `…` where text was cut; returns the text and the
/// span's column and length within it.
fn window(text: &[char], col: usize, len: usize) -> (String, usize, usize) {
    if text.len() <= SNIPPET_WIDTH {
        return (text.iter().collect(), col, len);
    }
    let span_start = col - 1;
    let start = span_start
        .saturating_sub(SNIPPET_WIDTH / 3)
        .min(text.len() - SNIPPET_WIDTH);
    let end = start + SNIPPET_WIDTH;
    let marker = usize::from(start > 0);
    let mut shown: String = if start > 0 {
        "…".into()
    } else {
        String::new()
    };
    shown.extend(&text[start..end]);
    if end < text.len() {
        shown.push('…');
    }
    let visible = (span_start + len)
        .min(end)
        .saturating_sub(span_start)
        .max(1);
    (shown, span_start - start + 1 + marker, visible)
}

const SNIPPET_WIDTH: usize = 120;

/// Closest candidate by edit distance, for did-you-mean hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        let dist = strsim::damerau_levenshtein(word, c);
        let close = dist <= (word.len().max(3) / 3).max(1) || score > 0.9;
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
