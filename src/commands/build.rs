//! `vpcegen build`: compile, then plan, render and write each spec's
//! folder in turn (or, with `--check`, compare it with what is on disk).

use super::{Report, display, fail};
use crate::pipeline::{Timings, compile_timed, render_model};
use crate::render::{CfnFormat, Engine, Target};
use crate::{EXIT_INVALID, output};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The options of `build`, as the command line gave them.
pub(crate) struct Args<'a> {
    pub specs: &'a [PathBuf],
    pub target: Target,
    pub format: CfnFormat,
    pub out: &'a Path,
    pub templates: Option<&'a Path>,
    pub check: bool,
    /// `--aws-provider`, which wins over the specs' own.
    pub aws_provider: Option<crate::spec::AwsProvider>,
    /// `--adopt FILE`: describe-vpc-endpoints JSON of endpoints to take over.
    pub adopt: Option<&'a Path>,
    pub deny_warnings: bool,
}

pub(crate) fn run(a: &Args, report: Report, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let adopted = match a.adopt.map(|f| adopted(f, a.target, report, stderr)) {
        Some(Ok(v)) => Some(v),
        Some(Err(code)) => return code,
        None => None,
    };
    let mut t = if std::env::var_os("VPCEGEN_TIMINGS").is_some_and(|v| v == "1") {
        Timings::on()
    } else {
        Timings::off()
    };
    // Parsing the templates does not depend on the specs: it runs
    // on another core while they compile. A template error still
    // comes first, alone, as if nothing else had run.
    let (engine, compiled) = std::thread::scope(|scope| {
        let engine = scope.spawn(|| Engine::new(a.templates));
        let compiled = compile_timed(a.specs, Some(a.target), a.deny_warnings, &mut t)
            .with_aws_provider(a.aws_provider);
        let engine = engine.join().expect("parsing templates does not panic");
        (engine, compiled)
    });
    let mut compiled = compiled;
    compiled.refuse_abstract();
    let engine = match engine {
        Ok(e) => e,
        Err(e) => return fail(stderr, &e),
    };
    report.print(&compiled, stderr);
    if !compiled.ok() {
        return EXIT_INVALID;
    }
    // Each spec's files are rendered when the writer (or the check) gets
    // to its folder, and dropped once staged (or compared).
    let dirs: Vec<PathBuf> = compiled
        .names()
        .map(|n| a.out.join(n).join(folder(a.target)))
        .collect();
    let produce = |i: usize| {
        let model = compiled.plan(i)?;
        let mut files = render_model(&model, &engine, a.target, a.format)?;
        files.extend(
            adopted
                .as_deref()
                .and_then(|x| crate::adopt::imports_tf::imports_tf(&model, x)),
        );
        Ok(Cow::Owned(files))
    };
    // Builds into one --out take turns; --check waits for a build
    // that is committing.
    let mut notice = |m: &str| {
        let _ = writeln!(stderr, "{m}");
        let _ = stderr.flush();
    };
    if a.check {
        let drift = output::check_locked(a.out, &dirs, &produce, &mut notice);
        t.lap("compare");
        t.report(stderr);
        return match drift {
            Ok(drift) => report_drift(&drift, stdout),
            Err(e) => fail(stderr, &e),
        };
    }
    let written = output::write_locked(a.out, &dirs, &produce, &mut notice);
    t.lap("write");
    t.report(stderr);
    match written {
        Ok(w) => {
            for (dir, &n) in dirs.iter().zip(&w.files) {
                let _ = writeln!(
                    stdout,
                    "wrote {}/ ({} file{})",
                    display(dir),
                    n,
                    if n == 1 { "" } else { "s" }
                );
            }
            for (from, to, n) in &w.flat {
                let _ = writeln!(stderr, "{}", flat_note(from, to, *n));
            }
            if w.removed > 0 {
                let _ = writeln!(
                    stdout,
                    "removed {} generated file(s) the specs no longer produce",
                    w.removed
                );
            }
            0
        }
        Err(e) => fail(stderr, &e),
    }
}

/// The endpoints `--adopt FILE` lists; E110 for a file of another shape,
/// E112 for CloudFormation (its imports need a change set, not a template).
fn adopted(
    file: &Path,
    target: Target,
    report: Report,
    stderr: &mut dyn Write,
) -> Result<Vec<crate::adopt::Existing>, i32> {
    let mut sources = crate::source::SourceMap::default();
    let id = super::import::load(file, &mut sources).map_err(|e| fail(stderr, &e))?;
    let found = if target == Target::Cloudformation {
        Err(Box::new(crate::diagnostic::Diagnostic::new(
            crate::diagnostic::Code::E112,
            "`--adopt` writes Terraform `import` blocks; a CloudFormation stack takes existing endpoints over through an import change set",
        )
        .at(crate::source::Span::new(id, 0..0), "endpoints to adopt")
        .help("build with `--target terraform`, or run `aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import ...` with the endpoints' `VpcEndpointId`s")))
    } else {
        crate::adopt::read(&sources, id)
    };
    found.map_err(|d| {
        let mut all = crate::diagnostic::Diagnostics::default();
        all.push(*d);
        report.print_diagnostics(&all, &sources, stderr);
        EXIT_INVALID
    })
}

/// `build --check`: a unified diff per changed file, then the files that
/// are missing or no longer produced; exit 1 when anything differs.
fn report_drift(drift: &output::Drift, stdout: &mut dyn Write) -> i32 {
    if drift.is_clean() {
        let _ = writeln!(stdout, "up to date: the generated files match their specs");
        return 0;
    }
    for (_, diff) in &drift.changed {
        let _ = write!(stdout, "{diff}");
    }
    for p in &drift.missing {
        let _ = writeln!(
            stdout,
            "missing: {} (the spec produces it; run `vpcegen build`)",
            display(p)
        );
    }
    for p in &drift.extra {
        let _ = writeln!(
            stdout,
            "extra: {} (generated, but no spec produces it any more)",
            display(p)
        );
    }
    for p in &drift.flat {
        let _ = writeln!(
            stdout,
            "extra: {} (generated in the old flat layout, before each target had its own folder; the next `vpcegen build` removes it)",
            display(p)
        );
    }
    for p in &drift.leftovers {
        let _ = writeln!(
            stdout,
            "leftover: {}/ (left by a vpcegen build that was interrupted; the next `vpcegen build` finishes or undoes it)",
            display(p)
        );
    }
    let left = match drift.leftovers.len() {
        0 => String::new(),
        n => format!(", {n} leftover"),
    };
    let _ = writeln!(
        stdout,
        "out of date: {} changed, {} missing, {} extra{left}; run `vpcegen build` with the same arguments without --check",
        drift.changed.len(),
        drift.missing.len(),
        drift.extra.len() + drift.flat.len()
    );
    EXIT_INVALID
}

/// The folder of a target's files in a spec's output folder, so that
/// building one target never touches the other's files.
fn folder(target: Target) -> &'static str {
    match target {
        Target::Terraform => "terraform",
        Target::Cloudformation => "cloudformation",
    }
}

/// The note for a spec folder an older vpcegen wrote in the flat layout:
/// its generated files were removed as the target folder was written.
fn flat_note(from: &Path, to: &Path, n: usize) -> String {
    let target = to
        .file_name()
        .map(|t| t.to_string_lossy())
        .unwrap_or_default();
    format!(
        "note: {}/ used the old flat layout: removed the {n} file(s) vpcegen had generated there; the {target} files are now in {}/",
        display(from),
        display(to)
    )
}
