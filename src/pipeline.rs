//! The pipeline shared by every command: spec → model (`compile`), then
//! model → files (`render_models`), with the per-stage timings and the
//! helper that spreads independent work over the cores.

use crate::diagnostic::{self, Code, Diagnostics};
use crate::render::{self, CfnFormat, Engine, Target};
use crate::source::{self, SourceMap};
use crate::spec::Sp;
use crate::{catalog, check, model, spec};
use std::io::Write;
use std::path::PathBuf;

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
    let built = specs.len();
    if !d.has_errors() {
        catalog::Catalog::get();
        t.lap("catalog");
        let names: Vec<Sp<String>> = specs.iter().map(|s| s.spec.name.clone()).collect();
        // Each spec is dropped once lowered: a spec and its model are not
        // both held for the whole organisation.
        let all: Vec<spec::Loaded> = specs.into_iter().chain(referenced).collect();
        for (lowered, diagnostics) in lower_all(all, &sources) {
            models.extend(lowered);
            d.append(diagnostics);
        }
        check_names(&names, &mut d);
        t.lap("lower");
    }
    if !d.has_errors() {
        check::link(&mut models, &mut d);
        referenced_models = models.split_off(built.min(models.len()));
        check::unique_nlb_names(&mut models);
    }
    if let (false, Some(target)) = (d.has_errors(), target) {
        let backend = target.backend();
        for m in &models {
            backend.check(m, &mut d);
            backend.names(m, &mut d);
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

/// The names every build keeps distinct: CloudFormation's, the strictest,
/// whatever the target (and for `validate`, which has none), so that a spec
/// one target accepts builds for the other (E017, E018 and E010 for
/// endpoint identifiers that meet in PascalCase).
pub const NAMING: &dyn model::Naming = &render::cloudformation::Names;

/// Lowers specs in parallel, each chunk with its own diagnostics, returned
/// in order so that the result is exactly what lowering one after the
/// other gives.
fn lower_all(
    specs: Vec<spec::Loaded>,
    sources: &SourceMap,
) -> Vec<(Vec<model::Model>, Diagnostics)> {
    // Taken out of its slot by the worker that lowers it, and dropped there.
    let slots: Vec<std::sync::Mutex<Option<spec::Loaded>>> = specs
        .into_iter()
        .map(|s| std::sync::Mutex::new(Some(s)))
        .collect();
    in_chunks(&slots, 16, |chunk| {
        let mut d = Diagnostics::default();
        let models = chunk
            .iter()
            .filter_map(|slot| {
                let s = slot.lock().expect("one worker per slot").take()?;
                model::lower(&s.spec, s.file, sources, NAMING, &mut d)
            })
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
                    diagnostic::Diagnostic::new(
                        Code::E015,
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
fn check_names(names: &[Sp<String>], d: &mut Diagnostics) {
    let mut first: std::collections::HashMap<&str, &Sp<String>> =
        std::collections::HashMap::with_capacity(names.len());
    for a in names {
        if let Some(b) = first.get(a.value.as_str()).copied() {
            d.push(
                diagnostic::Diagnostic::new(
                    Code::E013,
                    format!("two specs are named `{}`", a.value),
                )
                .at(a.span, "this name is taken")
                .also(b.span, "first used here")
                .help("each spec writes the folder named after it; give every spec its own `name`"),
            );
        } else {
            first.insert(a.value.as_str(), a);
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
    target.backend().emit(m, engine, format)
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
