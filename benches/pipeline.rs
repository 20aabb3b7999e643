//! Per-stage benchmarks of the pipeline (`cargo bench`), on the synthetic
//! inputs of `examples/orggen.rs`: the 200-endpoint spec, the typical
//! 10-endpoint spec, and an organisation of K = 100 specs.
//!
//! Stages: `parse` (files → typed specs, `extends` merged), `lower` (specs →
//! checked models), `link` (cross-spec references and pair checks),
//! `render` (models → Terraform files), `write` (staged, atomic writes into
//! an empty folder), and `build` (all of them, in process, as `vpcegen
//! build`). `scripts/bench` measures the release binary as a whole process.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use vpcegen::diagnostic::Diagnostics;
use vpcegen::render::{CfnFormat, Engine, Target};
use vpcegen::source::SourceMap;
use vpcegen::{check, model, output, spec};

#[allow(dead_code)]
#[path = "../examples/orggen.rs"]
mod orggen;

struct Input {
    name: &'static str,
    paths: Vec<PathBuf>,
}

fn inputs(dir: &Path) -> Vec<Input> {
    let (big, typical) = orggen::write_singles(dir).expect("write the single specs");
    let org = orggen::write_org(dir, 100).expect("write the organisation");
    vec![
        Input {
            name: "big-200",
            paths: vec![big],
        },
        Input {
            name: "typical-10",
            paths: vec![typical],
        },
        Input {
            name: "org-100",
            paths: org,
        },
    ]
}

fn parse(paths: &[PathBuf]) -> (SourceMap, Vec<spec::Loaded>) {
    let mut sources = SourceMap::default();
    let mut d = Diagnostics::default();
    let specs = spec::load(paths, &mut sources, &mut d);
    assert!(!d.has_errors());
    (sources, specs)
}

fn lower(sources: &SourceMap, specs: &[spec::Loaded]) -> Vec<model::Model> {
    let mut d = Diagnostics::default();
    let models: Vec<model::Model> = specs
        .iter()
        .filter_map(|s| {
            model::lower(
                &s.spec,
                s.file,
                sources,
                &check::Links::default(),
                vpcegen::pipeline::NAMING,
                &mut d,
            )
        })
        .collect();
    assert!(!d.has_errors());
    models
}

fn stages(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let engine = Engine::new(None).expect("built-in templates parse");
    // The catalog is parsed once per process; measure it on its own.
    vpcegen::catalog::Catalog::get();
    for input in inputs(tmp.path()) {
        let mut g = c.benchmark_group(input.name);
        g.sample_size(if input.paths.len() > 1 { 20 } else { 50 });
        g.bench_function("parse", |b| b.iter(|| parse(black_box(&input.paths))));
        let (sources, specs) = parse(&input.paths);
        g.bench_function("lower", |b| b.iter(|| lower(&sources, black_box(&specs))));
        g.bench_function("link", |b| {
            let facts: Vec<check::Facts> = lower(&sources, &specs)
                .iter()
                .zip(&specs)
                .map(|(m, s)| check::Facts::of(m, s.file, &sources, &s.spec))
                .collect();
            b.iter(|| {
                let mut d = Diagnostics::default();
                check::link(black_box(&facts), facts.len(), &mut d)
            })
        });
        let compiled = vpcegen::compile(&input.paths, Some(Target::Terraform), false);
        assert!(compiled.ok());
        // A spec is planned (lowered with the link table) when it is
        // rendered, so `render` includes planning, as a build does.
        let render = || -> Vec<output::Folder> {
            (0..compiled.len())
                .map(|i| {
                    let m = compiled.plan(i).expect("plans");
                    output::Folder {
                        dir: PathBuf::from(&m.name),
                        files: vpcegen::render_model(
                            &m,
                            &engine,
                            Target::Terraform,
                            CfnFormat::Yaml,
                        )
                        .expect("renders"),
                    }
                })
                .collect()
        };
        g.bench_function("render", |b| b.iter(render));
        g.bench_function("render-cloudformation", |b| {
            b.iter(|| {
                for i in 0..compiled.len() {
                    let m = compiled.plan(i).expect("plans");
                    black_box(
                        vpcegen::render_model(&m, &engine, Target::Cloudformation, CfnFormat::Yaml)
                            .expect("renders"),
                    );
                }
            })
        });
        let rendered = render();
        g.bench_function("write", |b| {
            b.iter_batched(
                || {
                    let out = tempfile::tempdir_in(tmp.path()).expect("a folder");
                    let folders: Vec<output::Folder> = rendered
                        .iter()
                        .map(|f| output::Folder {
                            dir: out.path().join(&f.dir),
                            files: f.files.clone(),
                        })
                        .collect();
                    (out, folders)
                },
                |(out, folders)| {
                    output::write_all(&folders).expect("writes");
                    out
                },
                BatchSize::PerIteration,
            )
        });
        g.bench_function("build", |b| {
            b.iter_batched(
                || tempfile::tempdir_in(tmp.path()).expect("a folder"),
                |out| {
                    let mut args = vec![
                        "vpcegen".into(),
                        "build".into(),
                        "--out".into(),
                        out.path().as_os_str().to_owned(),
                    ];
                    args.extend(input.paths.iter().map(|p| p.as_os_str().to_owned()));
                    let cli = <vpcegen::cli::Cli as clap::Parser>::parse_from(args);
                    let code = vpcegen::run(cli, &mut std::io::sink(), &mut std::io::sink());
                    assert_eq!(code, 0);
                    out
                },
                BatchSize::PerIteration,
            )
        });
        g.finish();
    }
}

fn startup(c: &mut Criterion) {
    let mut g = c.benchmark_group("startup");
    g.bench_function("engine", |b| b.iter(|| Engine::new(None).expect("parses")));
    g.finish();
}

criterion_group!(benches, startup, stages);
criterion_main!(benches);
