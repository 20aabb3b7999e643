//! One module per subcommand; this one picks the module and holds what
//! they share: printing a compile's diagnostics and plain errors.

pub mod build;
pub mod completions;
pub mod explain;
pub mod import;
pub mod init;
pub mod man;
pub mod schema;
pub mod services;
pub mod validate;

use crate::EXIT_FAILURE;
use crate::cli::{Cli, Command, MessageFormat};
use crate::pipeline::Compiled;
use std::io::Write;
use std::path::Path;

/// Runs the command `cli` names and returns its exit code.
pub(crate) fn dispatch(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let report = Report {
        format: cli.message_format,
        building: matches!(cli.command, Command::Build { .. }),
    };
    match &cli.command {
        Command::Build {
            specs,
            target,
            format,
            out,
            templates,
            check,
            aws_provider,
            adopt,
        } => build::run(
            &build::Args {
                specs,
                target: *target,
                format: *format,
                out,
                templates: templates.as_deref(),
                check: *check,
                aws_provider: *aws_provider,
                adopt: adopt.as_deref(),
                deny_warnings: cli.deny_warnings,
            },
            report,
            stdout,
            stderr,
        ),
        Command::Validate { specs, target } => {
            validate::run(specs, *target, cli.deny_warnings, report, stdout, stderr)
        }
        Command::Explain {
            specs,
            gb_per_month,
            format,
        } => explain::run(
            specs,
            *gb_per_month,
            *format,
            cli.deny_warnings,
            report,
            stdout,
            stderr,
        ),
        Command::Import { file, name } => import::run(file, name, report, stdout, stderr),
        Command::Init { path, name } => init::run(path, name, stdout, stderr),
        Command::Completions { shell } => completions::run(*shell, stdout),
        Command::Man => man::run(stdout),
        Command::Schema => schema::run(stdout),
        Command::Services {
            filter,
            region,
            ipv6,
            cross_region,
            dns,
            format,
        } => {
            let only = services::Only {
                region: region.as_deref(),
                ipv6: *ipv6,
                cross_region: *cross_region,
                dns: *dns,
            };
            services::run(filter.as_deref(), only, *format, report, stdout, stderr)
        }
    }
}

/// How a command that compiles prints what the compile said.
#[derive(Clone, Copy)]
pub(crate) struct Report {
    format: MessageFormat,
    /// `build` ends a human report with what it did not write.
    building: bool,
}

impl Report {
    pub(crate) fn print(self, c: &Compiled, stderr: &mut dyn Write) {
        self.print_diagnostics(&c.diagnostics, &c.sources, stderr);
    }

    /// Diagnostics that need not come from a compile (`services --region`).
    pub(crate) fn print_diagnostics(
        self,
        d: &crate::diagnostic::Diagnostics,
        sources: &crate::source::SourceMap,
        stderr: &mut dyn Write,
    ) {
        let text = match self.format {
            MessageFormat::Human => d.render(sources, self.building),
            MessageFormat::Json => d.render_json(sources),
            MessageFormat::Sarif => d.render_sarif(sources),
        };
        let _ = stderr.write_all(text.as_bytes());
    }
}

/// Prints a plain error. Messages quote paths and values the user gave,
/// so control characters are shown escaped, never sent to the terminal.
fn fail(stderr: &mut dyn Write, message: &str) -> i32 {
    let _ = writeln!(stderr, "error: {}", escape_controls(message));
    EXIT_FAILURE
}

/// `text` with every control character written as `\u{..}`, so that a
/// value can neither move the cursor nor recolour the terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

fn display(p: &Path) -> String {
    crate::source::display_path(p)
}
