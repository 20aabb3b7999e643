// The mutation engine and the pipeline driver shared by tests/robustness.rs
// (the short smoke run, under proptest) and examples/fuzz.rs (the long run).
// `include!`d, so it is not a test target of its own.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A small, seedable PRNG (xorshift64*): the same seed gives the same input.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Every spec in the repository: `tests/cases`, `tests/errors`,
/// `tests/lints` and `specs`.
pub fn seed_specs(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in ["tests/cases", "tests/errors", "tests/lints", "specs"] {
        walk(&root.join(d), &mut out);
    }
    out
}

/// Pieces that stress a TOML reader and the checks behind it.
const INSERTS: &[&str] = &[
    "[",
    "]",
    "\"",
    "=",
    "{",
    "}",
    ",",
    "\n",
    "'",
    "\\",
    "#",
    ".",
    "[[",
    "]]",
    "\"\"\"",
    "'''",
    "99999999999999999999999999",
    "-9223372036854775809",
    "9223372036854775807",
    "1e999",
    "nan",
    "-inf",
    "0x7fffffffffffffff",
    "1979-05-27T07:32:00Z",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
    "${x}",
    "%{x}",
    "true",
    "[]",
    "{}",
    "\"*\"",
    "\"s3\"",
    "\"vpc-0123456789abcdef0\"",
    "extends = [\"spec.toml\"]\n",
    "policy = \"..\"\n",
    "policy = \"/dev/null\"\n",
    "[expose.x]\nload_balancer = { port = 443 }\n",
    "[connect.x]\nservice_name = { spec = \"spec.toml\", expose = \"x\" }\n",
    "[service.\"a.b\"]\nservice_name = \"com.example.x\"\n",
    "region = \"eu-west-1\"\n",
    // Integers in every notation TOML has, and near the edges of a port.
    "0x1bb",
    "0o17",
    "0b1",
    "0x22",
    "1_000",
    "+443",
    "0x10000",
    "0b",
    "0o777_777",
    "[0x1bb, 0o673, 0b110111011, 4_4_3]",
    "load_balancer = { port = 0x1bb, target_port = 0o17 }\n",
    "ports = [0x50, 0o20773, +8_443]\n",
    // Paths with characters a shell, a URL or a terminal would treat
    // specially, relative and not.
    "extends = [\"../ä b/#?%20.toml\"]\n",
    "extends = [\"./././spec.toml\"]\n",
    "extends = [\"spec.toml/\"]\n",
    "extends = [\"\\u0000x.toml\"]\n",
    "extends = [\"a\\nb.toml\"]\n",
    "policy = \"dir with space/\u{202E}p.json\"\n",
    "policy = \"C:\\\\x\\\\p.json\"\n",
    "policy = \"~/p.json\"\n",
    "policy = \"\\u001b[31mp.json\"\n",
    "[connect.y]\nservice_name = { spec = \"../*/[a].toml\", expose = \"x\" }\n",
    // Control characters: escaped in strings and keys, and raw.
    "\"\\u0007\"",
    "\"a\\nb\"",
    "\"\\u001b[31m\"",
    "\"\\u0085\\u007f\"",
    "[tags]\n\"a\\nb\" = \"x\"\n",
    "[tags]\nk = \"line\\nbreak\\t\\u0000\"\n",
    "\t",
    "\r",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
];

/// Where a TOML integer value is in `data`: digit runs after `=`, `[` or
/// `,` (spaces between) and before a newline, `,`, `]`, `}` or `#`. IDs,
/// CIDRs, ARNs and versions in strings have other neighbours.
pub fn integer_spans(data: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if !data[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < data.len() && data[i].is_ascii_digit() {
            i += 1;
        }
        let before = data[..start].iter().rev().find(|&&b| b != b' ');
        let after = data[i..].iter().find(|&&b| b != b' ');
        let value_start = matches!(before, Some(b'=' | b'[' | b','));
        let value_end = matches!(after, None | Some(b'\n' | b'\r' | b',' | b']' | b'}' | b'#'));
        // A leading zero is not a TOML decimal (and `0` stays as it is).
        if value_start && value_end && data[start] != b'0' {
            out.push(start..i);
        }
    }
    out
}

/// `digits` (a decimal integer) written in another of TOML's notations:
/// hex, octal, binary, with underscores, or with a `+` sign.
pub fn renotate(digits: &str, how: usize) -> String {
    let Ok(v) = digits.parse::<u64>() else {
        return digits.to_string();
    };
    match how % 5 {
        0 => format!("0x{v:x}"),
        1 => format!("0o{v:o}"),
        2 => format!("0b{v:b}"),
        3 => {
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c);
            }
            out
        }
        _ => format!("+{digits}"),
    }
}

/// Every integer value of `data` in notation `how` (see [`renotate`]).
pub fn renotate_all(data: &[u8], how: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut last = 0;
    for r in integer_spans(data) {
        out.extend_from_slice(&data[last..r.start]);
        let digits = std::str::from_utf8(&data[r.clone()]).expect("ASCII digits");
        out.extend_from_slice(renotate(digits, how).as_bytes());
        last = r.end;
    }
    out.extend_from_slice(&data[last..]);
    out
}

/// Applies 1 to 8 random byte or line mutations to `input`; `others` are
/// lines to splice in from other specs.
pub fn mutate(rng: &mut Rng, input: &[u8], others: &[&[u8]]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let mut lines: Vec<Vec<u8>> = data.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        let n = lines.len();
        match rng.below(12) {
            0 if n > 1 => {
                lines.remove(rng.below(n));
            }
            1 => {
                let i = rng.below(n);
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 if n > 1 => {
                let (a, b) = (rng.below(n), rng.below(n));
                lines.swap(a, b);
            }
            3 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
                continue;
            }
            4 | 5 => {
                let piece = INSERTS[rng.below(INSERTS.len())].as_bytes();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, piece.iter().copied());
                continue;
            }
            6 if !data.is_empty() => {
                let at = rng.below(data.len());
                data.truncate(at);
                continue;
            }
            7 if !others.is_empty() => {
                let o = others[rng.below(others.len())];
                let ol: Vec<&[u8]> = o.split(|&b| b == b'\n').collect();
                let line = ol[rng.below(ol.len())].to_vec();
                lines.insert(rng.below(n + 1), line);
            }
            8 if !data.is_empty() => {
                // Replace a byte with a random one (any value, even invalid UTF-8).
                let i = rng.below(data.len());
                data[i] = rng.next_u64() as u8;
                continue;
            }
            10 => {
                // An integer value written in another notation (same value).
                let spans = integer_spans(&data);
                if !spans.is_empty() {
                    let r = spans[rng.below(spans.len())].clone();
                    let digits = String::from_utf8_lossy(&data[r.clone()]).into_owned();
                    let how = rng.below(5);
                    data.splice(r, renotate(&digits, how).into_bytes());
                }
                continue;
            }
            9 => {
                // A value repeated: a long array or string.
                let i = rng.below(n);
                let k = 1 + rng.below(200);
                let l = lines[i].clone();
                lines[i] = l.repeat(k.min(4096 / (l.len() + 1) + 1));
            }
            _ => {
                let at = rng.below(data.len() + 1);
                let k = rng.below(16);
                let bytes: Vec<u8> = (0..k).map(|_| rng.next_u64() as u8).collect();
                data.splice(at..at, bytes);
                continue;
            }
        }
        data = lines.join(&b'\n');
    }
    data
}

/// What one input did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Outcome {
    /// Targets for which the spec was refused with diagnostics.
    pub refused: u32,
    /// Targets for which files were rendered and parsed.
    pub rendered: u32,
}

/// Longest a single input may take through both targets.
pub const TIME_LIMIT: Duration = Duration::from_secs(2);

/// Writes `bytes` as `dir/name` and runs the pipeline from bytes to parsed
/// output for both targets. `Err` says what broke (a panic is left to
/// propagate, for the caller to catch).
pub fn drive(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    engine: &vpcegen::render::Engine,
) -> Result<Outcome, String> {
    use vpcegen::render::{CfnFormat, Target};
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write the input: {e}"))?;
    let start = Instant::now();
    let mut outcome = Outcome::default();
    let result = (|| {
        for target in [Target::Terraform, Target::Cloudformation] {
            let c = vpcegen::compile(std::slice::from_ref(&path), Some(target), false);
            // Both renderings of the diagnostics, as the binary would print them.
            let human = c.diagnostics.render(&c.sources, true);
            let json = c.diagnostics.render_json(&c.sources);
            if human.len() > 64 * 1024 || json.len() > 256 * 1024 {
                return Err(format!("{} bytes of diagnostics", human.len()));
            }
            for line in json.lines() {
                serde_json::from_str::<serde_json::Value>(line)
                    .map_err(|e| format!("a JSON diagnostic does not parse: {e}: {line}"))?;
            }
            if !c.ok() {
                if !c.is_empty() {
                    return Err("refused, yet models were produced".into());
                }
                outcome.refused += 1;
                continue;
            }
            for m in &c.models().map_err(|e| e.to_string())? {
                // AWS refuses a tag key with a control character: it is
                // refused at the key, never carried into the output.
                if let Some((k, _)) = m
                    .tags
                    .iter()
                    .find(|(k, _)| k.chars().any(char::is_control))
                {
                    return Err(format!("a tag key with a control character was accepted: {k:?}"));
                }
                let formats: &[CfnFormat] = match target {
                    Target::Terraform => &[CfnFormat::Yaml],
                    Target::Cloudformation => &[CfnFormat::Yaml, CfnFormat::Json],
                };
                for &format in formats {
                    let files = vpcegen::render_model(m, engine, target, format)
                        .map_err(|e| format!("a valid spec does not render ({target:?}): {e}"))?;
                    for f in files {
                        parse_output(&f.path, &f.contents)?;
                        // Every control character of a value is escaped; a
                        // raw one (a value's tag byte, say) is a leak.
                        if let Some(c) = f.contents.chars().find(|&c| c.is_control() && c != '\n') {
                            return Err(format!(
                                "{} holds a raw control character {c:?}:\n{}",
                                f.path, f.contents
                            ));
                        }
                    }
                }
            }
            outcome.rendered += 1;
        }
        Ok(outcome)
    })();
    let _ = std::fs::remove_file(&path);
    let elapsed = start.elapsed();
    if elapsed > TIME_LIMIT {
        return Err(format!("took {elapsed:?}, over {TIME_LIMIT:?}"));
    }
    result
}

/// Every output parses with a real parser for its language.
pub fn parse_output(path: &str, contents: &str) -> Result<(), String> {
    if path.ends_with(".tf") {
        hcl_edit::parser::parse_body(contents)
            .map(|_| ())
            .map_err(|e| format!("{path} does not parse: {e}\n{contents}"))
    } else if path.ends_with(".yaml") {
        yaml_serde::from_str::<yaml_serde::Value>(contents)
            .map(|_| ())
            .map_err(|e| format!("{path} does not parse: {e}\n{contents}"))
    } else if path.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(contents)
            .map(|_| ())
            .map_err(|e| format!("{path} does not parse: {e}\n{contents}"))
    } else {
        Err(format!("an unexpected output file {path}"))
    }
}

/// A copy of the seed specs' folders in `sandbox`, so that mutated specs
/// sit beside the baselines, policies and specs they name. Returns each
/// seed's folder in the sandbox, its file name and bytes.
pub fn sandbox(root: &Path, sandbox: &Path) -> Vec<(PathBuf, String, Vec<u8>)> {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let t = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &t);
            } else {
                std::fs::copy(e.path(), &t).unwrap();
            }
        }
    }
    for d in ["tests/cases", "tests/errors", "tests/lints", "specs"] {
        if root.join(d).is_dir() {
            copy(&root.join(d), &sandbox.join(d));
        }
    }
    seed_specs(root)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap();
            let bytes = std::fs::read(&p).unwrap();
            (
                sandbox.join(rel.parent().unwrap()),
                rel.file_name().unwrap().to_string_lossy().into_owned(),
                bytes,
            )
        })
        .collect()
}
