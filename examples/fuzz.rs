//! The long fuzz run: mutated specs (and arbitrary bytes) from bytes to
//! rendered, parsed output for both targets, for as long as asked.
//!
//! ```sh
//! cargo run --release --example fuzz -- --seconds 600 [--seed N] [--jobs N] [--save DIR]
//! cargo run --release --example fuzz -- --replay fuzz-failures/*   # re-run saved inputs, timed
//! ```
//!
//! It drives the same engine as the smoke run in `tests/robustness.rs`
//! (`tests/support/mutate.rs`): every spec under `tests/` and `specs/` is a
//! seed; each input gets 1 to 8 line and byte mutations (integers rewritten in
//! hex, octal and binary, paths with special characters, control characters
//! raw and escaped among them). An input fails if
//! the pipeline panics, takes over 2 s (twice in a row), renders output a parser rejects
//! or that holds a raw control character, accepts a tag key with a control
//! character, or prints over 64 KiB of diagnostics. Failing inputs are saved (default
//! `fuzz-failures/`) and the exit code is 1. The seed makes a run
//! repeatable: input `i` of thread `t` is always the same.

#![allow(dead_code)]

include!("../tests/support/mutate.rs");

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

fn main() {
    let mut seconds = 60u64;
    let mut seed = 0u64;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut save = PathBuf::from("fuzz-failures");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match a.as_str() {
            "--seconds" => seconds = value().parse().expect("seconds"),
            "--seed" => seed = value().parse().expect("a seed"),
            "--jobs" => jobs = value().parse().expect("a number of threads"),
            "--save" => save = PathBuf::from(value()),
            "--replay" => {
                // Re-runs saved inputs one by one, with their time.
                let engine = vpcegen::render::Engine::new(None).expect("templates");
                let dir = tempfile::tempdir().expect("a temp dir");
                let mut failed = false;
                for f in std::iter::once(value()).chain(args.by_ref()) {
                    let bytes = std::fs::read(&f).expect("a saved input");
                    let began = Instant::now();
                    let r = drive(dir.path(), "spec.toml", &bytes, &engine);
                    failed |= r.is_err();
                    println!(
                        "{f}: {:?} in {:.1} ms",
                        r,
                        began.elapsed().as_secs_f64() * 1000.0
                    );
                }
                std::process::exit(i32::from(failed));
            }
            other => {
                eprintln!(
                    "unknown argument {other}; usage: fuzz [--seconds N] [--seed N] [--jobs N] [--save DIR] | --replay FILE..."
                );
                std::process::exit(2);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temp dir");
    let seeds = Arc::new(sandbox(root, dir.path()));
    let engine = Arc::new(vpcegen::render::Engine::new(None).expect("templates"));
    // Panics are caught and reported per input, not printed by the hook.
    std::panic::set_hook(Box::new(|_| {}));

    let inputs = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let rendered = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let slowest = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    println!(
        "fuzzing {} seed specs for {seconds} s on {jobs} thread(s), seed {seed}",
        seeds.len()
    );
    let threads: Vec<_> = (0..jobs)
        .map(|t| {
            let (seeds, engine, save) = (seeds.clone(), engine.clone(), save.clone());
            let (inputs, refused, rendered, failures, slowest, stop) = (
                inputs.clone(),
                refused.clone(),
                rendered.clone(),
                failures.clone(),
                slowest.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let others: Vec<&[u8]> = seeds.iter().map(|(_, _, b)| b.as_slice()).collect();
                let mut i = 0u64;
                while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                    let input_seed = seed ^ (t as u64) << 48 ^ i;
                    let mut rng = Rng::new(input_seed);
                    let (dir, name, bytes) = &seeds[rng.below(seeds.len())];
                    let input = if rng.below(10) == 0 {
                        (0..rng.below(2048)).map(|_| rng.next_u64() as u8).collect()
                    } else {
                        mutate(&mut rng, bytes, &others)
                    };
                    let file = format!("fuzz-{t}-{i}.toml");
                    let began = Instant::now();
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        drive(dir, &file, &input, &engine)
                    }));
                    let took = began.elapsed().as_micros() as u64;
                    slowest.fetch_max(took, Ordering::Relaxed);
                    let failure = match result {
                        Ok(Ok(o)) => {
                            refused.fetch_add(o.refused as u64, Ordering::Relaxed);
                            rendered.fetch_add(o.rendered as u64, Ordering::Relaxed);
                            None
                        }
                        // Over the time limit: once more, so that a stall of a
                        // loaded machine is not taken for a slow input.
                        Ok(Err(e)) if e.starts_with("took ") => {
                            match drive(dir, &file, &input, &engine) {
                                Ok(_) => None,
                                Err(again) => Some(format!("{e}; again: {again}")),
                            }
                        }
                        Ok(Err(e)) => Some(e),
                        Err(p) => Some(format!(
                            "panic: {}",
                            p.downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default()
                        )),
                    };
                    let _ = std::fs::remove_file(dir.join(&file));
                    if let Some(e) = failure {
                        let n = failures.fetch_add(1, Ordering::Relaxed);
                        let _ = std::fs::create_dir_all(&save);
                        let out = save.join(format!("seed-{input_seed}-from-{name}"));
                        let _ = std::fs::write(&out, &input);
                        println!(
                            "FAILURE {n}: input seed {input_seed} (from {name}), saved as {}: {}",
                            out.display(),
                            e.lines().next().unwrap_or("")
                        );
                        if n >= 20 {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    inputs.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();
    let mut last = Instant::now();
    while threads.iter().any(|t| !t.is_finished()) {
        std::thread::sleep(Duration::from_millis(200));
        if last.elapsed() >= Duration::from_secs(60) {
            last = Instant::now();
            println!(
                "{:>5} s: {} inputs, {} failures",
                start.elapsed().as_secs(),
                inputs.load(Ordering::Relaxed),
                failures.load(Ordering::Relaxed)
            );
        }
    }
    for t in threads {
        let _ = t.join();
    }
    let elapsed = start.elapsed();
    let n = inputs.load(Ordering::Relaxed);
    println!(
        "ran {n} inputs in {:.1} s ({:.0}/s): {} target builds refused with diagnostics, {} rendered and parsed; slowest input {:.1} ms; {} failure(s)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        refused.load(Ordering::Relaxed),
        rendered.load(Ordering::Relaxed),
        slowest.load(Ordering::Relaxed) as f64 / 1000.0,
        failures.load(Ordering::Relaxed)
    );
    if failures.load(Ordering::Relaxed) > 0 {
        std::process::exit(1);
    }
}
