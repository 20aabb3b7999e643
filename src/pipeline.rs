//! The pipeline shared by every command: spec → checked specs and the link
//! table (`compile`), then, one spec at a time, spec → model
//! (`Compiled::plan`) → files (`render_model`), with the per-stage timings
//! and the helper that spreads independent work over the cores.

use crate::diagnostic::{self, Code, Diagnostics};
use crate::render::{self, CfnFormat, Engine, Target};
use crate::source::{self, SourceMap};
use crate::spec::Sp;
use crate::{catalog, check, model, spec};
use std::io::Write;
use std::path::PathBuf;

/// The result of checking specs: the specs that were valid, the cross-spec
/// facts every plan reads, and everything that was said about them. A
/// spec's model is made when it is needed ([`Compiled::plan`]), so a build
/// holds the specs and the link table, not every model at once.
pub struct Compiled {
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
    /// The specs to build, in command-line order; empty when any had an error.
    specs: Vec<spec::Loaded>,
    /// Specs that `connect` references name but the command line does not:
    /// checked, never built.
    referenced: Vec<spec::Loaded>,
    /// What each spec was found to be, in the same order as `specs`.
    facts: Vec<check::Facts>,
    links: check::Links,
    /// In a small build, each spec's model from the check, where the link
    /// changed nothing in it: planning it again would only repeat the work
    /// (see [`KEEP_CHECKED_MODELS`]). Taken by the first [`Compiled::plan`].
    checked: Vec<std::sync::Mutex<Option<model::Model>>>,
    /// `--aws-provider`: replaces every planned model's own choice.
    aws_provider: Option<spec::AwsProvider>,
}

/// Builds of at most this many specs keep the models their check made
/// rather than planning each spec a second time: a one-spec build would
/// otherwise lower twice, and a few models cost no memory worth saving.
const KEEP_CHECKED_MODELS: usize = 16;

impl Compiled {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }

    /// How many specs are built.
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// The `name` of each spec built, which is also its folder.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.specs.iter().map(|s| s.spec.name.value.as_str())
    }

    /// Each spec built: its path as given, and how many endpoints it has.
    pub fn summaries(&self) -> impl Iterator<Item = (&str, usize)> {
        self.facts.iter().map(|f| {
            // Counted before the link, which takes a spoke's shared ones away.
            let replaced = self.links.hub_of(f.file).map_or(0, |h| h.replaced);
            (f.shown.as_str(), f.endpoints.saturating_sub(replaced))
        })
    }

    /// Whether each spec built is marked `abstract = true`, in the same
    /// order as [`Compiled::summaries`].
    pub fn abstracts(&self) -> impl Iterator<Item = bool> {
        self.specs
            .iter()
            .map(|s| s.spec.is_abstract.as_ref().is_some_and(|a| a.value))
    }

    /// The hashicorp/aws major the command line asks for (`--aws-provider`),
    /// which wins over each spec's `[terraform] aws_provider`.
    pub fn with_aws_provider(mut self, major: Option<spec::AwsProvider>) -> Compiled {
        self.aws_provider = major;
        self
    }

    /// Plans spec `i` from its spec and the link table. The spec was
    /// checked, so this fails only if a file it reads changed meanwhile.
    pub fn plan(&self, i: usize) -> Result<model::Model, String> {
        let kept = self
            .checked
            .get(i)
            .and_then(|m| m.lock().ok().and_then(|mut m| m.take()));
        let mut m = match kept {
            Some(m) => m,
            None => plan_one(&self.specs[i], &self.sources, &self.links)?,
        };
        if let Some(major) = self.aws_provider {
            m.aws_provider = major;
        }
        Ok(m)
    }

    /// `build`: a spec marked `abstract = true` is a baseline, only ever
    /// extended, and is not built alone (E053); a folder's were left out
    /// already ([`spec::folders`]), so these were named as files. Nothing
    /// is built when one is.
    pub fn refuse_abstract(&mut self) {
        for s in &self.specs {
            let Some(mark) = s.spec.is_abstract.as_ref().filter(|a| a.value) else {
                continue;
            };
            let shown = &self.sources.get(s.file).display;
            self.diagnostics.push(
                diagnostic::Diagnostic::new(
                    Code::E053,
                    format!("`{shown}` is an abstract baseline: it is only ever extended, never built alone"),
                )
                .at(mark.span, "marked abstract here")
                .help("build the specs that extend it (`extends = [...]`); `vpcegen build DIR` builds every spec under DIR and skips abstract baselines"),
            );
        }
        if self.diagnostics.has_errors() {
            self.diagnostics.sort();
            self.specs.clear();
            self.referenced.clear();
            self.facts.clear();
            self.checked.clear();
        }
    }

    /// Every spec built, planned (for commands and tests that need all).
    pub fn models(&self) -> Result<Vec<model::Model>, String> {
        (0..self.len()).map(|i| self.plan(i)).collect()
    }

    /// The specs only referenced, planned.
    pub fn referenced_models(&self) -> Result<Vec<model::Model>, String> {
        self.referenced
            .iter()
            .map(|s| plan_one(s, &self.sources, &self.links))
            .collect()
    }
}

/// One spec's model with the link's facts applied.
fn plan_one(
    s: &spec::Loaded,
    sources: &SourceMap,
    links: &check::Links,
) -> Result<model::Model, String> {
    let mut d = Diagnostics::default();
    model::lower(&s.spec, s.file, sources, links, NAMING, &mut d).ok_or_else(|| {
        format!(
            "`{}` no longer checks: a file it reads changed during the build; run it again",
            sources.get(s.file).display
        )
    })
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
///
/// Each spec is lowered once to check it (and what the target cannot
/// express), keeping only its [`check::Facts`]; the link then resolves
/// what specs decide for each other into one table. Models are made again,
/// one spec at a time, when they are rendered ([`Compiled::plan`]).
pub fn compile_timed(
    paths: &[PathBuf],
    target: Option<Target>,
    deny_warnings: bool,
    t: &mut Timings,
) -> Compiled {
    let mut sources = SourceMap::default();
    let mut d = Diagnostics::default();
    let paths = spec::folders::expand(paths, &mut d);
    let mut specs = spec::load(&paths, &mut sources, &mut d);
    // Specs that are only referenced by a `connect`: checked, never built.
    let mut referenced = load_references(&specs, &mut sources, &mut d);
    t.lap("parse");
    // Every stage runs on what the earlier ones could read, so that one run
    // shows every independent mistake: a key that failed to read is left
    // out downstream (and a check that would report it missing asks
    // `Spec::unread`), never guessed; a spec whose model failed takes no
    // part in the link.
    catalog::Catalog::get();
    t.lap("catalog");
    let backend = target.map(Target::backend);
    let keep = specs.len() <= KEEP_CHECKED_MODELS;
    let (mut facts, built, kept, mut target_said) =
        check_all(&specs, &referenced, &sources, backend, keep, &mut d);
    let names: Vec<&Sp<String>> = specs.iter().map(|s| &s.spec.name).collect();
    check_names(&names, &mut d);
    t.lap("lower");
    let links = check::link(&facts, built, &mut d);
    if target == Some(Target::Cloudformation) {
        check::share::cloudformation_spokes(&facts[..built], &links, &mut target_said);
    }
    // What the target cannot express comes after the link's errors.
    d.append(target_said);
    facts.truncate(built);
    // A model the link would change is planned again, from the table.
    let mut checked: Vec<_> = kept
        .into_iter()
        .zip(&facts)
        .map(|(m, f)| std::sync::Mutex::new(m.filter(|_| !links.changes(f))))
        .collect();
    t.lap("link");
    if deny_warnings {
        d.deny_warnings();
    }
    d.sort();
    if d.has_errors() {
        specs.clear();
        referenced.clear();
        facts.clear();
        checked.clear();
    }
    Compiled {
        sources,
        diagnostics: d,
        specs,
        referenced,
        facts,
        links,
        checked,
        aws_provider: None,
    }
}

/// The names every build keeps distinct: CloudFormation's, the strictest,
/// whatever the target (and for `validate`, which has none), so that a spec
/// one target accepts builds for the other (E017, E018 and E010 for
/// endpoint identifiers that meet in PascalCase).
pub const NAMING: &dyn model::Naming = &render::cloudformation::Names;

/// Lowers every spec (built, then referenced) in parallel to check it,
/// keeping only its facts (the built specs' first, and how many they are)
/// and, with `keep`, the models of the specs built; the target's checks
/// run on the specs built. Diagnostics come back in spec order, exactly as
/// one thread gives them; the target's come separately, to follow the
/// link's. A spec whose model failed has no facts.
fn check_all(
    built: &[spec::Loaded],
    referenced: &[spec::Loaded],
    sources: &SourceMap,
    backend: Option<&dyn render::Backend>,
    keep: bool,
    d: &mut Diagnostics,
) -> (
    Vec<check::Facts>,
    usize,
    Vec<Option<model::Model>>,
    Diagnostics,
) {
    let all: Vec<(&spec::Loaded, bool)> = built
        .iter()
        .map(|s| (s, true))
        .chain(referenced.iter().map(|s| (s, false)))
        .collect();
    let unlinked = check::Links::default();
    let mut facts = Vec::with_capacity(all.len());
    let mut models = Vec::new();
    let mut target_said = Diagnostics::default();
    let mut built = 0;
    for (found, found_built, kept, lowering, target) in in_chunks(&all, 16, |chunk| {
        let mut d = Diagnostics::default();
        let mut target_d = Diagnostics::default();
        let mut facts = Vec::with_capacity(chunk.len());
        let mut built = 0;
        let mut kept = Vec::new();
        for &(s, is_built) in chunk {
            let Some(m) = model::lower(&s.spec, s.file, sources, &unlinked, NAMING, &mut d) else {
                continue;
            };
            if let (true, Some(b)) = (is_built, backend) {
                b.check(&m, &mut target_d);
                b.names(&m, &mut target_d);
            }
            facts.push(check::Facts::of(&m, s.file, sources, &s.spec));
            built += usize::from(is_built);
            // Otherwise the model is dropped here: only its facts are kept.
            if keep && is_built {
                kept.push(Some(m));
            }
        }
        (facts, built, kept, d, target_d)
    }) {
        facts.extend(found);
        built += found_built;
        models.extend(kept);
        d.append(lowering);
        target_said.append(target);
    }
    (facts, built, models, target_said)
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

/// Loads the specs that `connect` references and `reach.via` name and that
/// are not on the command line. A reference to a missing file is an error at its line.
fn load_references(
    specs: &[spec::Loaded],
    sources: &mut SourceMap,
    d: &mut Diagnostics,
) -> Vec<spec::Loaded> {
    let mut known: std::collections::HashSet<PathBuf> = specs
        .iter()
        .map(|s| sources.get(s.file).identity().to_path_buf())
        .collect();
    let mut wanted = Vec::new();
    for s in specs {
        let connects = s
            .spec
            .connect
            .values()
            .filter_map(|c| match &c.target.value {
                spec::ConnectTarget::Service(spec::ServiceRef::Spec { spec: path, .. })
                | spec::ConnectTarget::GatewayLoadBalancer(spec::ServiceRef::Spec {
                    spec: path,
                    ..
                }) => Some(path),
                _ => None,
            });
        // A spoke's hub is read like a connect's provider.
        for path in connects.chain(s.spec.reach.via.as_ref()) {
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
fn check_names(names: &[&Sp<String>], d: &mut Diagnostics) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `--aws-provider` wins over the spec's `[terraform] aws_provider`,
    /// for a model kept from the check and one planned again alike.
    #[test]
    fn the_command_lines_provider_major_wins_over_the_specs() {
        use crate::spec::AwsProvider;
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/aws-provider-5");
        let c = compile(&scenario(&dir), Some(Target::Terraform), false);
        assert_eq!(
            c.plan(0).unwrap().aws_provider,
            AwsProvider::V5,
            "the spec's"
        );
        let c = compile(&scenario(&dir), Some(Target::Terraform), false)
            .with_aws_provider(Some(AwsProvider::V6));
        assert_eq!(c.plan(0).unwrap().aws_provider, AwsProvider::V6, "kept");
        assert_eq!(c.plan(0).unwrap().aws_provider, AwsProvider::V6, "planned");
    }

    /// The specs a scenario builds: its `build` file's list, else `spec.toml`.
    fn scenario(dir: &std::path::Path) -> Vec<PathBuf> {
        match std::fs::read_to_string(dir.join("build")) {
            Ok(list) => list.lines().map(|l| dir.join(l.trim())).collect(),
            Err(_) => vec![dir.join("spec.toml")],
        }
    }

    /// A model kept from the check is the model planning again gives, for
    /// every scenario (those whose link changes a spec plan it again).
    #[test]
    fn kept_models_are_the_models_planning_gives() {
        let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
        let mut kept = 0;
        for entry in std::fs::read_dir(cases).unwrap() {
            let paths = scenario(&entry.unwrap().path());
            let c = compile(&paths, Some(Target::Terraform), false);
            assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
            for i in 0..c.len() {
                kept += usize::from(c.checked[i].lock().unwrap().is_some());
                let first = c.plan(i).unwrap();
                assert!(c.checked[i].lock().unwrap().is_none(), "taken once");
                let again = c.plan(i).unwrap();
                assert_eq!(
                    serde_json::to_string(&first).unwrap(),
                    serde_json::to_string(&again).unwrap(),
                    "{paths:?}"
                );
                assert_eq!(first.origins, again.origins);
            }
        }
        assert!(kept > 10, "small builds keep their models ({kept} kept)");
    }

    /// A model the link changes is never kept: a connect's port comes from
    /// the provider's listener.
    #[test]
    fn a_model_the_link_changes_is_planned_again() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/connect-two-specs");
        let c = compile(&scenario(&dir), Some(Target::Terraform), false);
        assert!(c.ok());
        let kept: Vec<bool> = (0..c.len())
            .map(|i| c.checked[i].lock().unwrap().is_some())
            .collect();
        assert!(
            kept.contains(&false),
            "the consumer is planned again: {kept:?}"
        );
    }
}
