//! vpcegen: a short TOML spec of a VPC's endpoints becomes a Terraform
//! module or a CloudFormation template.
//!
//! The pipeline, one way, each stage named after what it produces:
//!
//! ```text
//! spec.toml ─► spec (typed, spans, extends merged) ─► model (checked, every
//! decision made) ─► check (across specs) ─► render::Backend per target
//! (check, names, then emit: view model, templates) ─► output (staged,
//! atomic, marked files)
//! ```
//!
//! Each stage reports every problem it finds as [`diagnostic::Diagnostic`]s
//! and the pipeline stops at the stage boundary when any is an error, so a
//! user sees all mistakes at once and no later stage sees invalid input.
//!
//! `pipeline` runs those stages for every command; `commands` has one
//! module per subcommand.

pub mod adopt;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod explain;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod regions;
pub mod render;
pub mod source;
pub mod spec;
pub mod stdout;

pub use commands::escape_controls;
pub use commands::{init::starter, man::man_page, schema::schema, services::services_table};
pub use pipeline::{Compiled, Timings, compile, compile_timed, render_model};

use std::io::Write;

/// Exit code for invalid specs.
pub const EXIT_INVALID: i32 = 1;
/// Exit code for every other failure (I/O, templates).
pub const EXIT_FAILURE: i32 = 2;

/// The whole program behind `main`: returns the process exit code. A
/// failed write to `stdout` (a full disk, a closed pipe) fails the run, so
/// output that was lost never exits 0; a closed pipe fails quietly, as
/// other Unix tools do, since its reader chose to stop.
pub fn run(cli: cli::Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let mut out = stdout::Checked::new(stdout);
    let code = commands::dispatch(cli, &mut out, stderr);
    match out.finish() {
        Ok(()) => code,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                let _ = writeln!(stderr, "error: cannot write to standard output: {e}");
            }
            if code == 0 { EXIT_FAILURE } else { code }
        }
    }
}
