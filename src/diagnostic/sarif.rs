//! `--message-format sarif`: SARIF 2.1.0, what GitHub code scanning and
//! other CI dashboards read. One run; a rule per code the diagnostics use,
//! documented from [`Code`]; a result per diagnostic. Built as a
//! `serde_json` value, so every string is escaped by the JSON writer (and,
//! as in the other formats, shown through [`printable`]).

use super::{Code, Diagnostic, Diagnostics, Label, MAX_SHOWN, Severity, printable};
use crate::source::{SourceMap, display_path};
use serde_json::{Value, json};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// `repository` of Cargo.toml, the driver's `informationUri` when set.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

impl Diagnostics {
    /// The whole log, one JSON document, also when there is nothing to say
    /// (an empty run tells a dashboard that the specs are clean).
    pub fn render_sarif(&self, sources: &SourceMap) -> String {
        let mut codes: Vec<Code> = self.items.iter().map(|d| d.code).collect();
        codes.sort();
        codes.dedup();
        let results: Vec<Value> = self
            .items
            .iter()
            .map(|d| result(d, &codes, sources))
            .collect();
        let mut driver = json!({
            "name": "vpcegen",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": codes.iter().map(|c| rule(*c)).collect::<Vec<_>>(),
        });
        if !REPOSITORY.is_empty() {
            driver["informationUri"] = json!(REPOSITORY);
        }
        let mut run = json!({
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
        });
        let omitted: usize = self.omitted.iter().sum();
        if omitted > 0 {
            run["invocations"] = json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": [{
                    "level": "note",
                    "message": { "text": format!(
                        "{omitted} more diagnostics not shown (only the first {MAX_SHOWN} are)"
                    )},
                }],
            }]);
        }
        let log = json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] });
        let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// A code as a SARIF rule: its meaning and what to do, from `code.rs`.
fn rule(code: Code) -> Value {
    json!({
        "id": code.as_str(),
        "shortDescription": { "text": code.meaning() },
        "fullDescription": { "text": code.meaning() },
        "help": { "text": code.what_to_do() },
        "defaultConfiguration": { "level": level(code.severity()) },
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// One diagnostic: its level as reported (after `--deny-warnings`), the
/// message with its notes and help, the primary span and the others.
fn result(d: &Diagnostic, codes: &[Code], sources: &SourceMap) -> Value {
    let mut text = printable(&d.message).into_owned();
    for n in &d.notes {
        text.push_str(&format!("\nnote: {}", printable(n)));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {}", printable(h)));
    }
    let mut r = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": codes.binary_search(&d.code).unwrap_or_default(),
        "level": level(d.severity),
        "message": { "text": text },
    });
    if let Some(p) = &d.primary {
        r["locations"] = json!([location(p, None, sources)]);
    }
    if !d.secondary.is_empty() {
        let related: Vec<Value> = (0..)
            .zip(&d.secondary)
            .map(|(id, l)| location(l, Some(id), sources))
            .collect();
        r["relatedLocations"] = Value::Array(related);
    }
    r
}

/// Where a label points: the file as a URI reference and the span as a
/// region (1-based; the end column is the one after the span).
fn location(label: &Label, id: Option<u32>, sources: &SourceMap) -> Value {
    let f = sources.get(label.span.file);
    let (start_line, start_column) = f.line_col(label.span.start);
    let (end_line, end_column) = f.line_col(label.span.end.max(label.span.start));
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&display_path(&f.path)) },
            "region": {
                "startLine": start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            },
        },
    });
    if let Some(id) = id {
        loc["id"] = json!(id);
    }
    if !label.text.is_empty() {
        loc["message"] = json!({ "text": printable(&label.text) });
    }
    loc
}

/// A path (forward slashes) as a URI reference: relative paths stay
/// relative (dashboards resolve them against the checkout), absolute ones
/// become `file://` URIs; every byte but the unreserved ones and `/` is
/// percent-encoded, so spaces, `%`, `#`, `:` and controls cannot change
/// what the reference means.
pub(super) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    } else if cfg!(windows) && path.as_bytes().get(1) == Some(&b':') {
        // A Windows drive: `C:/x` is `file:///C:/x`, the colon kept.
        out.push_str("file:///");
        out.push_str(&path[..2]);
        return out + &encode(&path[2..]);
    }
    out + &encode(path)
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_uri_references() {
        assert_eq!(uri("specs/a b/x#1%.toml"), "specs/a%20b/x%231%25.toml");
        // A colon would read as a scheme; a control as nothing at all.
        assert_eq!(uri("c:d/\u{1b}.toml"), "c%3Ad/%1B.toml");
        assert_eq!(uri("東.toml"), "%E6%9D%B1.toml");
        assert_eq!(uri("/tmp/x.toml"), "file:///tmp/x.toml");
    }

    #[test]
    fn levels_follow_severities() {
        assert_eq!(level(Severity::Error), "error");
        assert_eq!(level(Severity::Warning), "warning");
        assert_eq!(level(Severity::Info), "note");
        let r = rule(Code::E020);
        assert_eq!(r["id"], Code::E020.as_str());
        assert_eq!(r["shortDescription"]["text"], Code::E020.meaning());
        assert_eq!(r["help"]["text"], Code::E020.what_to_do());
    }

    #[test]
    fn an_empty_log_is_one_run_without_results() {
        let log: Value =
            serde_json::from_str(&Diagnostics::default().render_sarif(&SourceMap::default()))
                .expect("JSON");
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
        assert!(
            log["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .is_some_and(Vec::is_empty)
        );
    }
}
