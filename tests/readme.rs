//! Every shell example in README.md is run and must print exactly what the
//! README shows, so the tour cannot drift from the binary.
//!
//! An example is a fenced block whose lines starting with `$ ` are commands,
//! each followed by its output (stdout and stderr together, as a terminal
//! shows them). A line `...` in an output stands for any lines, none
//! included: the README marks every elision. Each block runs in a fresh
//! temporary folder with `specs/` linked in, so the README's paths, which are
//! from the repository root, work and builds write nowhere in the repository.

use std::io::{Read, Seek};
use std::path::Path;
use std::process::Command;

/// One `$ ` command of the README and the output shown under it.
struct Example {
    /// 1-based line of the command in README.md, for the failure message.
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// What an example needs done before it runs, and why: the `--check`
/// example shows the diff of a hand edit, which the README describes in
/// prose rather than as a command.
const PREPARED: &[(&str, &str, &str, &str)] = &[(
    "vpcegen build specs/fargate-baseline/payments.toml --check",
    "out/payments-prod/terraform/endpoints.tf",
    "\"Name\" = \"payments-prod-sqs\"",
    "\"Name\" = \"payments-prod-sqs-edited\"",
)];

/// The fenced blocks of `readme` that hold at least one `$ ` command, each
/// as its examples in order.
fn example_blocks(readme: &str) -> Vec<Vec<Example>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<Example>> = None;
    let mut lines_before_command = false;
    for (i, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            match current.take() {
                Some(block) => {
                    if !block.is_empty() {
                        assert!(
                            !lines_before_command,
                            "README.md:{}: a block with `$ ` commands starts with a line that is not one",
                            block[0].line
                        );
                        blocks.push(block);
                    }
                }
                None => {
                    current = Some(Vec::new());
                    lines_before_command = false;
                }
            }
            continue;
        }
        let Some(block) = current.as_mut() else {
            continue;
        };
        if let Some(command) = line.strip_prefix("$ ") {
            block.push(Example {
                line: i + 1,
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(example) = block.last_mut() {
            example.expected.push(line.to_string());
        } else {
            lines_before_command = true;
        }
    }
    blocks
}

/// Whether `actual` is `expected` with each `...` line standing for any
/// number of lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((gap, rest)) if gap == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(first, tail)| first == line && matches(rest, tail)),
    }
}

/// The arguments of `command` after its program, a `*` in the last part of
/// a path expanded in name order as the shell would.
fn arguments(command: &str, dir: &Path) -> Vec<String> {
    let mut args = Vec::new();
    for word in command.split_whitespace().skip(1) {
        let Some((folder, pattern)) = word.rsplit_once('/').filter(|_| word.contains('*')) else {
            args.push(word.to_string());
            continue;
        };
        let (prefix, suffix) = pattern.split_once('*').expect("a `*`");
        let mut names: Vec<String> = std::fs::read_dir(dir.join(folder))
            .unwrap_or_else(|e| panic!("{folder}: {e}"))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
            .collect();
        names.sort();
        assert!(!names.is_empty(), "`{word}` matches nothing");
        args.extend(names.into_iter().map(|n| format!("{folder}/{n}")));
    }
    args
}

/// What `ls DIR` prints on a terminal: the names in order, two spaces apart.
fn list(dir: &Path, args: &[String]) -> String {
    let [folder] = args else {
        panic!("`ls` takes one folder here, not {args:?}")
    };
    let mut names: Vec<String> = std::fs::read_dir(dir.join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.join("  ") + "\n"
}

/// Runs the binary in `dir` and returns stdout and stderr interleaved as
/// they were written.
fn run_vpcegen(dir: &Path, args: &[String]) -> String {
    let mut log = tempfile::tempfile().unwrap();
    Command::new(env!("CARGO_BIN_EXE_vpcegen"))
        .args(args)
        .current_dir(dir)
        .env_remove("VPCEGEN_TIMINGS")
        .env_remove("VPCEGEN_TEST_PAUSE_AFTER")
        .stdout(log.try_clone().unwrap())
        .stderr(log.try_clone().unwrap())
        .status()
        .unwrap();
    let mut printed = String::new();
    log.rewind().unwrap();
    log.read_to_string(&mut printed).unwrap();
    printed
}

/// Does what [`PREPARED`] lists for `command`, after a build that makes the
/// file to edit.
fn prepare(command: &str, dir: &Path) {
    for (prepared, file, from, to) in PREPARED {
        if command == *prepared {
            let build: Vec<String> = arguments(command, dir)
                .into_iter()
                .filter(|a| a != "--check")
                .collect();
            run_vpcegen(dir, &build);
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from), "{file} has no {from}");
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        }
    }
}

/// Runs one example in `dir` and returns what it printed.
fn run(example: &Example, dir: &Path) -> String {
    prepare(&example.command, dir);
    let args = arguments(&example.command, dir);
    match example.command.split_whitespace().next() {
        Some("vpcegen") => run_vpcegen(dir, &args),
        Some("ls") => list(dir, &args),
        _ => panic!(
            "README.md:{}: `$ {}` is not a command this test runs: show it without `$ `",
            example.line, example.command
        ),
    }
}

#[test]
fn every_readme_example_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = example_blocks(&readme);
    let count: usize = blocks.iter().map(Vec::len).sum();
    assert!(count >= 10, "only {count} examples found in README.md");
    let mut failures = Vec::new();
    for block in &blocks {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(root.join("specs"), dir.path().join("specs")).unwrap();
        for example in block {
            let printed = run(example, dir.path());
            let actual: Vec<&str> = printed.lines().collect();
            if !matches(&example.expected, &actual) {
                failures.push(format!(
                    "README.md:{}: `$ {}` shows\n{}\nbut prints\n{printed}",
                    example.line,
                    example.command,
                    example.expected.join("\n")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_gap_matches_any_lines_and_nothing_else_does() {
    let expected = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(matches(
        &expected(&["a", "...", "d"]),
        &["a", "b", "c", "d"]
    ));
    assert!(matches(&expected(&["a", "...", "b"]), &["a", "b"]));
    assert!(matches(&expected(&["...", "b", "..."]), &["a", "b", "c"]));
    assert!(!matches(&expected(&["a", "b"]), &["a", "x", "b"]));
    assert!(!matches(&expected(&["a"]), &["a", "b"]));
    assert!(!matches(&expected(&["...", "c"]), &["a", "b"]));
}

#[test]
fn examples_are_read_from_dollar_lines_only() {
    let text = "```sh\ncargo build\n```\n\n```\n$ vpcegen x\nout\n...\n$ ls y\n```\n";
    let blocks = example_blocks(text);
    assert_eq!(blocks.len(), 1);
    let commands: Vec<&str> = blocks[0].iter().map(|e| e.command.as_str()).collect();
    assert_eq!(commands, ["vpcegen x", "ls y"]);
    assert_eq!(blocks[0][0].expected, ["out", "..."]);
    assert_eq!(blocks[0][0].line, 6);
}
