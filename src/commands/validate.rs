//! `vpcegen validate`: compile, report, and say how many endpoints each
//! valid spec has.

use super::Report;
use crate::EXIT_INVALID;
use crate::pipeline::compile;
use crate::render::Target;
use std::io::Write;
use std::path::PathBuf;

pub(crate) fn run(
    specs: &[PathBuf],
    target: Option<Target>,
    deny_warnings: bool,
    report: Report,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let compiled = compile(specs, target, deny_warnings);
    report.print(&compiled, stderr);
    if !compiled.ok() {
        return EXIT_INVALID;
    }
    for m in &compiled.models {
        let n = m.endpoints.len() + m.connects.len();
        let _ = writeln!(
            stdout,
            "{}: ok ({n} endpoint{})",
            m.spans.shown,
            if n == 1 { "" } else { "s" }
        );
    }
    0
}
