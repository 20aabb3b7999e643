//! vpcegen: a short TOML spec of a VPC's endpoints becomes a Terraform
//! module or a CloudFormation template.
//!
//! The pipeline, one way, each stage named after what it produces:
//!
//! ```text
//! spec.toml ─► spec (typed, spans, extends merged) ─► model (checked, every
//! decision made) ─► render::{terraform, cloudformation} (view model, templates)
//! ─► output (staged, atomic, marked files)
//! ```
//!
//! Each stage reports every problem it finds as [`diagnostic::Diagnostic`]s
//! and the pipeline stops at the stage boundary when any is an error, so a
//! user sees all mistakes at once and no later stage sees invalid input.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod explain;
pub mod model;
pub mod output;
pub mod render;
pub mod source;
pub mod spec;
pub mod stdout;

use cli::{Cli, Command, MessageFormat};
use diagnostic::Diagnostics;
use render::{CfnFormat, Engine, Target};
use source::SourceMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Exit code for invalid specs.
pub const EXIT_INVALID: i32 = 1;
/// Exit code for every other failure (I/O, templates).
pub const EXIT_FAILURE: i32 = 2;

/// The result of checking specs: models for the specs that were valid, and
/// everything that was said about them.
pub struct Compiled {
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
    pub models: Vec<model::Model>,
    /// Specs that `connect` references name but the command line does not:
    /// checked, never built.
    pub referenced: Vec<model::Model>,
}

impl Compiled {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Runs spec → model, with the target's own checks when one is given.
/// Stops at the first stage that found an error.
pub fn compile(paths: &[PathBuf], target: Option<Target>, deny_warnings: bool) -> Compiled {
    compile_timed(paths, target, deny_warnings, &mut Timings::off())
}

/// Durations of the pipeline's stages, for `VPCEGEN_TIMINGS=1` (printed to
/// stderr) and the benchmarks. Recording costs one clock read per stage.
#[derive(Debug)]
pub struct Timings {
    on: bool,
    last: std::time::Instant,
    /// Stage name and duration, in pipeline order; a stage that runs more
    /// than once adds up.
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

impl Timings {
    pub fn off() -> Timings {
        Timings {
            on: false,
            last: std::time::Instant::now(),
            stages: Vec::new(),
        }
    }

    pub fn on() -> Timings {
        Timings {
            on: true,
            ..Timings::off()
        }
    }

    /// Ends stage `name`, which began at the previous lap.
    pub fn lap(&mut self, name: &'static str) {
        if !self.on {
            return;
        }
        let now = std::time::Instant::now();
        let took = now - self.last;
        self.last = now;
        match self.stages.iter_mut().find(|(n, _)| *n == name) {
            Some((_, t)) => *t += took,
            None => self.stages.push((name, took)),
        }
    }

    /// One line per stage: `timing <stage> <milliseconds>`, then the total.
    pub fn report(&self, out: &mut dyn Write) {
        if !self.on {
            return;
        }
        let mut total = std::time::Duration::ZERO;
        for (name, t) in &self.stages {
            total += *t;
            let _ = writeln!(out, "timing {name:<8} {:9.3} ms", t.as_secs_f64() * 1e3);
        }
        let _ = writeln!(
            out,
            "timing {:<8} {:9.3} ms",
            "total",
            total.as_secs_f64() * 1e3
        );
    }
}

/// [`compile`], recording each stage in `t`.
pub fn compile_timed(
    paths: &[PathBuf],
    target: Option<Target>,
    deny_warnings: bool,
    t: &mut Timings,
) -> Compiled {
    let mut sources = SourceMap::default();
    let mut d = Diagnostics::default();
    let specs = spec::load(paths, &mut sources, &mut d);
    // Specs that are only referenced by a `connect`: checked, never built.
    let referenced = load_references(&specs, &mut sources, &mut d);
    t.lap("parse");
    let mut models = Vec::new();
    let mut referenced_models = Vec::new();
    if !d.has_errors() {
        catalog::Catalog::get();
        t.lap("catalog");
        let all: Vec<&spec::Loaded> = specs.iter().chain(&referenced).collect();
        for (lowered, diagnostics) in lower_all(&all, &sources) {
            models.extend(lowered);
            d.append(diagnostics);
        }
        check_names(&specs, &mut d);
        t.lap("lower");
    }
    if !d.has_errors() {
        check::link(&mut models, &mut d);
        referenced_models = models.split_off(specs.len().min(models.len()));
        check::unique_nlb_names(&mut models);
    }
    if !d.has_errors() && target == Some(Target::Cloudformation) {
        for m in &models {
            render::cloudformation::check(m, &mut d);
        }
    }
    t.lap("link");
    if deny_warnings {
        d.deny_warnings();
    }
    d.sort();
    if d.has_errors() {
        models.clear();
        referenced_models.clear();
    }
    Compiled {
        sources,
        diagnostics: d,
        models,
        referenced: referenced_models,
    }
}

/// Lowers specs in parallel, each chunk with its own diagnostics, returned
/// in order so that the result is exactly what lowering one after the
/// other gives.
fn lower_all(
    specs: &[&spec::Loaded],
    sources: &SourceMap,
) -> Vec<(Vec<model::Model>, Diagnostics)> {
    in_chunks(specs, 16, |chunk| {
        let mut d = Diagnostics::default();
        let models = chunk
            .iter()
            .filter_map(|s| model::lower(&s.spec, s.file, sources, &mut d))
            .collect();
        (models, d)
    })
}

/// Runs `f` over contiguous chunks of `items`, one per core, and returns
/// the results in order. A thread must get at least `min_per_thread`
/// items to be worth starting.
fn in_chunks<T: Sync, R: Send>(
    items: &[T],
    min_per_thread: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len() / min_per_thread.max(1))
        .max(1);
    if threads == 1 {
        return vec![f(items)];
    }
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|c| scope.spawn(move || f(c)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker does not panic"))
            .collect()
    })
}

/// Loads the specs that `connect` references name and that are not on the
/// command line. A reference to a missing file is an error at its line.
fn load_references(
    specs: &[spec::Loaded],
    sources: &mut SourceMap,
    d: &mut Diagnostics,
) -> Vec<spec::Loaded> {
    let mut known: std::collections::HashSet<PathBuf> = specs
        .iter()
        .map(|s| check::identity(&sources.get(s.file).path))
        .collect();
    let mut wanted = Vec::new();
    for s in specs {
        for c in s.spec.connect.values() {
            let spec::ServiceRef::Spec { spec: path, .. } = &c.service_name.value else {
                continue;
            };
            // Joined as written: the OS resolves `..` (through links, too).
            let full = source::resolve(sources.get(path.span.file).dir(), &path.value);
            if !full.exists() {
                d.push(
                    diagnostic::Diagnostic::error(
                        "E015",
                        format!("cannot find spec `{}`", source::display_path(&full)),
                    )
                    .at(path.span, "no spec file here")
                    .help("the path is relative to the file that names it"),
                );
                continue;
            }
            // A folder, a FIFO, a device: the loader says what it is, here.
            if known.insert(check::identity(&full)) {
                wanted.push((full, path));
            }
        }
    }
    spec::load_referenced(&wanted, sources, d)
}

/// Two specs with one `name` would write the same folder.
fn check_names(specs: &[spec::Loaded], d: &mut Diagnostics) {
    let mut first: std::collections::HashMap<&str, &spec::Loaded> =
        std::collections::HashMap::with_capacity(specs.len());
    for a in specs {
        if let Some(b) = first.get(a.spec.name.value.as_str()).copied() {
            d.push(
                diagnostic::Diagnostic::error(
                    "E013",
                    format!("two specs are named `{}`", a.spec.name.value),
                )
                .at(a.spec.name.span, "this name is taken")
                .also(b.spec.name.span, "first used here")
                .help("each spec writes the folder named after it; give every spec its own `name`"),
            );
        } else {
            first.insert(a.spec.name.value.as_str(), a);
        }
    }
}

/// Renders one model for a target.
pub fn render_model(
    m: &model::Model,
    engine: &Engine,
    target: Target,
    format: CfnFormat,
) -> Result<Vec<render::File>, String> {
    match target {
        Target::Terraform => render::terraform::render(m, engine),
        Target::Cloudformation => render::cloudformation::render(m, engine, format),
    }
}

/// Renders every model, in order, on as many threads as there are cores
/// (models are independent); the first failure in model order is returned.
pub fn render_models(
    models: &[model::Model],
    engine: &Engine,
    target: Target,
    format: CfnFormat,
) -> Result<Vec<Vec<render::File>>, String> {
    let mut all = Vec::with_capacity(models.len());
    for chunk in in_chunks(models, 1, |ms| {
        ms.iter()
            .map(|m| render_model(m, engine, target, format))
            .collect::<Result<Vec<_>, String>>()
    }) {
        all.extend(chunk?);
    }
    Ok(all)
}

/// The whole program behind `main`: returns the process exit code. A
/// failed write to `stdout` (a full disk, a closed pipe) fails the run, so
/// output that was lost never exits 0; a closed pipe fails quietly, as
/// other Unix tools do, since its reader chose to stop.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let mut out = stdout::Checked::new(stdout);
    let code = run_command(cli, &mut out, stderr);
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

fn run_command(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let report = |c: &Compiled, stderr: &mut dyn Write| {
        let text = match cli.message_format {
            MessageFormat::Human => c
                .diagnostics
                .render(&c.sources, matches!(cli.command, Command::Build { .. })),
            MessageFormat::Json => c.diagnostics.render_json(&c.sources),
        };
        let _ = stderr.write_all(text.as_bytes());
    };
    match &cli.command {
        Command::Build {
            specs,
            target,
            format,
            out,
            templates,
            check,
        } => {
            let mut t = if std::env::var_os("VPCEGEN_TIMINGS").is_some_and(|v| v == "1") {
                Timings::on()
            } else {
                Timings::off()
            };
            // Parsing the templates does not depend on the specs: it runs
            // on another core while they compile. A template error still
            // comes first, alone, as if nothing else had run.
            let (engine, compiled) = std::thread::scope(|scope| {
                let engine = scope.spawn(|| Engine::new(templates.as_deref()));
                let compiled = compile_timed(specs, Some(*target), cli.deny_warnings, &mut t);
                let engine = engine.join().expect("parsing templates does not panic");
                (engine, compiled)
            });
            let engine = match engine {
                Ok(e) => e,
                Err(e) => return fail(stderr, &e),
            };
            report(&compiled, stderr);
            if !compiled.ok() {
                return EXIT_INVALID;
            }
            let folders = match render_models(&compiled.models, &engine, *target, *format) {
                Ok(rendered) => compiled
                    .models
                    .iter()
                    .zip(rendered)
                    .map(|(m, files)| output::Folder {
                        dir: out.join(&m.name),
                        files,
                    })
                    .collect::<Vec<_>>(),
                Err(e) => return fail(stderr, &e),
            };
            t.lap("render");
            // Builds into one --out take turns; --check waits for a build
            // that is committing.
            let mut notice = |m: &str| {
                let _ = writeln!(stderr, "{m}");
                let _ = stderr.flush();
            };
            if *check {
                let drift = output::check_locked(out, &folders, &mut notice);
                t.lap("compare");
                t.report(stderr);
                return report_drift(&drift, stdout);
            }
            let written = output::write_locked(out, &folders, &mut notice);
            t.lap("write");
            t.report(stderr);
            match written {
                Ok(w) => {
                    for f in &folders {
                        let _ = writeln!(
                            stdout,
                            "wrote {}/ ({} file{})",
                            display(&f.dir),
                            f.files.len(),
                            if f.files.len() == 1 { "" } else { "s" }
                        );
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
        Command::Validate { specs, target } => {
            let compiled = compile(specs, *target, cli.deny_warnings);
            report(&compiled, stderr);
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
        Command::Explain {
            specs,
            gb_per_month,
            format,
        } => {
            let compiled = compile(specs, None, cli.deny_warnings);
            report(&compiled, stderr);
            if !compiled.ok() {
                return EXIT_INVALID;
            }
            let all: Vec<&model::Model> =
                compiled.models.iter().chain(&compiled.referenced).collect();
            let e = explain::explain(&compiled.models, &all, *gb_per_month);
            let text = match format {
                cli::ExplainFormat::Text => explain::render_text(&e),
                cli::ExplainFormat::Json => {
                    serde_json::to_string_pretty(&e).expect("explanations serialize") + "\n"
                }
            };
            let _ = stdout.write_all(text.as_bytes());
            0
        }
        Command::Init { path, name } => init(path, name, stdout, stderr),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "vpcegen", stdout);
            0
        }
        Command::Man => {
            let _ = stdout.write_all(&man_page());
            0
        }
        Command::Schema => {
            let _ = writeln!(stdout, "{}", schema());
            0
        }
        Command::Services { filter } => {
            let _ = stdout.write_all(services_table(filter.as_deref()).as_bytes());
            0
        }
    }
}

/// The JSON Schema of the spec format. Optional keys are simply not
/// required (TOML has no null), so editors do not offer `null`.
pub fn schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<spec::Spec>();
    let mut value = schema.to_value();
    strip_null(&mut value);
    serde_json::to_string_pretty(&value).expect("schemas serialize")
}

fn strip_null(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(obj) => {
            if let Some(serde_json::Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    obj.insert("type".into(), only);
                }
            }
            if let Some(serde_json::Value::Array(any)) = obj.get_mut("anyOf") {
                any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if any.len() == 1 {
                    let only = any.remove(0);
                    obj.remove("anyOf");
                    if let serde_json::Value::Object(inner) = only {
                        for (k, val) in inner {
                            obj.entry(k).or_insert(val);
                        }
                    }
                }
            }
            obj.values_mut().for_each(strip_null);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
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
        drift.extra.len()
    );
    EXIT_INVALID
}

/// The manual page, from the same clap definition as `--help`.
pub fn man_page() -> Vec<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
        .render(&mut out)
        .expect("rendering to memory does not fail");
    out
}

/// The starter spec `vpcegen init` writes.
pub fn starter(file: &str, name: &str) -> String {
    include_str!("../templates/starter.toml")
        .replace("{{FILE}}", file)
        .replace("{{NAME}}", name)
}

fn init(path: &Path, name: &str, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let valid = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !valid {
        return fail(
            stderr,
            &format!(
                "`{name}` is not a valid spec name: use lowercase letters, digits and hyphens"
            ),
        );
    }
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vpcegen.toml".into());
    // The file name is written into the starter's comments: a line break
    // there would end the comment and break the TOML.
    if file.chars().any(char::is_control) {
        return fail(
            stderr,
            "the file name holds a control character (a line break, a tab, an escape); choose a plain name such as vpcegen.toml",
        );
    }
    if let Err(e) = create_new(path, starter(&file, name).as_bytes()) {
        return fail(stderr, &e);
    }
    let _ = writeln!(stdout, "wrote {}", display(path));
    let schema_path = path
        .parent()
        .unwrap_or(Path::new(""))
        .join("vpcegen.schema.json");
    // An existing schema (or anything else by that name) is left alone.
    if std::fs::symlink_metadata(&schema_path).is_err() {
        if let Err(e) = create_new(&schema_path, (schema() + "\n").as_bytes()) {
            return fail(stderr, &e);
        }
        let _ = writeln!(stdout, "wrote {}", display(&schema_path));
    }
    0
}

/// Writes a file that must not exist yet. `create_new` fails on anything
/// in the way, a dangling symbolic link included, so init never writes
/// through a link to somewhere else nor over a file made meanwhile.
fn create_new(path: &Path, contents: &[u8]) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "`{}` exists (a file, a folder or a symbolic link); vpcegen init never overwrites anything",
                display(path)
            ),
            _ => format!("cannot write `{}`: {e}", display(path)),
        })?;
    f.write_all(contents).map_err(|e| {
        let _ = std::fs::remove_file(path);
        format!("cannot write `{}`: {e}", display(path))
    })
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
    source::display_path(p)
}

/// `vpcegen services`: the catalog as a table, then the bundles.
pub fn services_table(filter: Option<&str>) -> String {
    use std::fmt::Write as _;
    let c = catalog::Catalog::get();
    let matches = |s: &catalog::Service| {
        filter.is_none_or(|f| {
            let f = f.to_lowercase();
            s.suffix.contains(&f)
                || s.title.to_lowercase().contains(&f)
                || s.aliases.iter().any(|a| a.contains(&f))
        })
    };
    let rows: Vec<&catalog::Service> = c.services.iter().filter(|s| matches(s)).collect();
    let width = rows
        .iter()
        .map(|s| s.suffix.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:<17}  {:<11}  ENDPOINT SERVICE NAME / TITLE",
        "NAME", "TYPES", "PORTS"
    );
    for s in &rows {
        let ports: Vec<String> = s.ports().iter().map(u16::to_string).collect();
        let name = s.name_format.as_ref().map_or_else(
            || format!("com.amazonaws.{{region}}.{}", s.suffix),
            |f| f.to_string(),
        );
        let _ = writeln!(
            out,
            "{:<width$}  {:<17}  {:<11}  {} ({})",
            s.suffix,
            s.types.join(", ").to_lowercase(),
            ports.join(","),
            name,
            s.title
        );
    }
    let bundles: Vec<&catalog::Bundle> = c
        .bundles
        .iter()
        .filter(|b| {
            filter.is_none_or(|f| b.name.contains(f) || b.services.iter().any(|s| s.contains(f)))
        })
        .collect();
    if !bundles.is_empty() {
        let _ = writeln!(out, "\nBUNDLES");
        for b in bundles {
            let _ = writeln!(out, "{:<width$}  {}", b.name, b.services.join(", "));
        }
    }
    let _ = writeln!(out, "\n{} of {} services", rows.len(), c.services.len());
    out
}
