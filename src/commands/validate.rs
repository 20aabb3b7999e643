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
    for (shown, n) in compiled.summaries() {
        let _ = writeln!(
            stdout,
            "{shown}: ok ({n} endpoint{})",
            if n == 1 { "" } else { "s" }
        );
    }
    0
}
