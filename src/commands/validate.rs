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
    for ((shown, n), base) in compiled.summaries().zip(compiled.abstracts()) {
        let s = if n == 1 { "" } else { "s" };
        let _ = if base {
            // Checked as any spec is; `build` refuses it alone.
            writeln!(
                stdout,
                "{shown}: ok (abstract baseline, {n} endpoint{s}; built only through the specs that extend it)"
            )
        } else {
            writeln!(stdout, "{shown}: ok ({n} endpoint{s})")
        };
    }
    0
}
