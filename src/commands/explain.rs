//! `vpcegen explain`: compile without a target, then print what a build
//! would create and why (the explanation itself is `crate::explain`).

use super::Report;
use crate::cli::ExplainFormat;
use crate::pipeline::compile;
use crate::{EXIT_INVALID, model};
use std::io::Write;
use std::path::PathBuf;

pub(crate) fn run(
    specs: &[PathBuf],
    gb_per_month: Option<f64>,
    format: ExplainFormat,
    deny_warnings: bool,
    report: Report,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let compiled = compile(specs, None, deny_warnings);
    report.print(&compiled, stderr);
    if !compiled.ok() {
        return EXIT_INVALID;
    }
    let (models, referenced) = match (compiled.models(), compiled.referenced_models()) {
        (Ok(m), Ok(r)) => (m, r),
        (Err(e), _) | (_, Err(e)) => return super::fail(stderr, &e),
    };
    let all: Vec<&model::Model> = models.iter().chain(&referenced).collect();
    let e = crate::explain::explain(&models, &all, gb_per_month);
    let text = match format {
        ExplainFormat::Text => crate::explain::render_text(&e),
        ExplainFormat::Json => {
            serde_json::to_string_pretty(&e).expect("explanations serialize") + "\n"
        }
    };
    let _ = stdout.write_all(text.as_bytes());
    0
}
