//! Reading spec files: TOML syntax, `extends` chains, then the typed [`Spec`].

use super::read::{self, TableReader};
use super::value::{self, Kind, Node, Table};
use super::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
pub use crate::source::io_reason;
use crate::source::{FileId, ReadError, SourceMap, Span, display_path, read_limited, resolve};
use std::path::{Path, PathBuf};

/// Spec files larger than this are refused; no more is ever read.
pub const MAX_SPEC_BYTES: u64 = 4 * 1024 * 1024;
/// How long an `extends` chain may be.
const MAX_EXTENDS_DEPTH: usize = 32;

/// A spec with the file it was loaded from.
#[derive(Debug)]
pub struct Loaded {
    pub file: FileId,
    pub spec: Spec,
}

/// Where a file to load was named.
#[derive(Clone, Copy)]
enum Via<'a> {
    CommandLine,
    /// In an `extends` list.
    Extends(&'a Sp<String>),
    /// As `{ spec = "..." }` in a `connect`.
    Connect(&'a Sp<String>),
}

impl<'a> Via<'a> {
    fn named(self) -> Option<&'a Sp<String>> {
        match self {
            Via::CommandLine => None,
            Via::Extends(s) | Via::Connect(s) => Some(s),
        }
    }

    fn help(self) -> &'static str {
        match self {
            Via::CommandLine => "check the path and that the file is readable",
            Via::Extends(_) => "paths in `extends` are relative to the file that names them",
            Via::Connect(_) => "the path is relative to the file that names it",
        }
    }
}

/// Loads every spec named on the command line, with its baselines. Returns
/// the specs that could be read; diagnostics say what went wrong with the rest.
///
/// A file named twice (`x.toml x.toml`, `x.toml ./x.toml`, or through a
/// link) is one spec, loaded once: building it twice would write the same
/// folder from the same spec, so there is nothing to report, and reporting
/// its `name` as taken by itself would point twice at one line.
pub fn load(paths: &[PathBuf], sources: &mut SourceMap, d: &mut Diagnostics) -> Vec<Loaded> {
    let mut seen = std::collections::HashSet::new();
    let mut memo = Memo::default();
    paths
        .iter()
        // A file that cannot be found keeps its spelling: two spellings of
        // missing files are two errors.
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())))
        .filter_map(|p| load_one(p, Via::CommandLine, sources, d, &mut memo))
        .collect()
}

/// Loads the specs that `connect` references name, each with the string
/// that names it (paths already joined to the naming file's folder, each
/// file once).
pub fn load_referenced(
    refs: &[(PathBuf, &Sp<String>)],
    sources: &mut SourceMap,
    d: &mut Diagnostics,
) -> Vec<Loaded> {
    let mut memo = Memo::default();
    refs.iter()
        .filter_map(|(p, named)| load_one(p, Via::Connect(named), sources, d, &mut memo))
        .collect()
}

fn load_one(
    path: &Path,
    via: Via,
    sources: &mut SourceMap,
    d: &mut Diagnostics,
    memo: &mut Memo,
) -> Option<Loaded> {
    let mut chain = Vec::new();
    let (file, table, _) = load_tree(path, via, sources, d, &mut chain, memo)?;
    let root = sources.get(file);
    let span = crate::source::Span::new(file, 0..root.text.len());
    let spec = read_spec(&table, span, d)?;
    Some(Loaded { file, spec })
}

/// A file with its baselines merged under it, and how many levels of
/// baselines are below it.
type Tree = (FileId, Table, usize);

/// The baselines loaded for the specs loaded together, by canonical path
/// (`None` for one that failed, and was reported), with the values each
/// holds, and how many more values merging may copy.
///
/// Each baseline is read and merged once, however many files extend it:
/// a chain of files each extending the next one twice would otherwise be
/// read 2^32 times, and each of 100,000 specs extending one large baseline
/// would keep its own copy of it. What merging copies is counted, as the
/// `reach` lists accumulate: the same chain could otherwise grow a list to
/// 2^32 entries, and each spec holds what it merged.
struct Memo {
    trees: std::collections::HashMap<PathBuf, Option<(Tree, usize)>>,
    budget: usize,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo {
            trees: std::collections::HashMap::new(),
            budget: MAX_BASELINE_VALUES,
        }
    }
}

/// How many values (keys, items, scalars) the baselines of the specs loaded
/// together may hold in all, counted each time one is merged: twice what
/// the largest spec file can hold (a value takes two bytes at least, as in
/// `[1,1]`), far beyond any real set of baselines.
const MAX_BASELINE_VALUES: usize = MAX_SPEC_BYTES as usize;
/// How many baselines one `extends` may list. With [`MAX_BASELINE_VALUES`]
/// this bounds the work of merging: each merge costs what the tables
/// merged so far hold.
const MAX_EXTENDS_ENTRIES: usize = 32;

/// Reads one file and, depth first, the baselines it extends, merged under
/// it; a baseline loaded before is taken from `memo`.
fn load_tree(
    path: &Path,
    via: Via,
    sources: &mut SourceMap,
    d: &mut Diagnostics,
    chain: &mut Vec<(PathBuf, Option<FileId>)>,
    memo: &mut Memo,
) -> Option<Tree> {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(pos) = chain.iter().position(|(p, _)| *p == canonical) {
        let from = via.named().expect("a cycle needs a referring file");
        let names: Vec<String> = chain[pos..]
            .iter()
            .map(|(_, f)| {
                f.map(|f| sources.get(f).display.clone())
                    .unwrap_or_default()
            })
            .chain(std::iter::once(display_path(path)))
            .collect();
        d.push(
            Diagnostic::new(Code::E012, "`extends` forms a cycle")
                .at(from.span, "this file is already being extended")
                .note(format!("chain: {}", names.join(" → ")))
                .help("remove one of the `extends` entries so that baselines form a tree"),
        );
        return None;
    }
    let too_deep = |d: &mut Diagnostics, label: &str| {
        if let Some(from) = via.named() {
            d.push(
                Diagnostic::new(
                    Code::E006,
                    format!("`extends` is nested more than {MAX_EXTENDS_DEPTH} levels deep"),
                )
                .at(from.span, label),
            );
        }
    };
    // Only baselines are kept: a spec named on the command line is loaded
    // once, and shows no `extends` chain of another spec's.
    let kept = matches!(via, Via::Extends(_));
    let done = match memo.trees.get(&canonical).filter(|_| kept) {
        // Read before for this spec: its errors were reported then.
        Some(None) => return None,
        Some(Some(((file, table, height), values))) => {
            if chain.len() + height >= MAX_EXTENDS_DEPTH {
                too_deep(d, "the baselines under this one nest one level too many");
                return None;
            }
            Some(((*file, table.clone(), *height), *values))
        }
        None => None,
    };
    let (tree, values) = match done {
        Some(done) => done,
        None => {
            if chain.len() >= MAX_EXTENDS_DEPTH {
                too_deep(d, "one level too many");
                return None;
            }
            let tree = load_file(path, &canonical, via, sources, d, chain, memo);
            let tree = tree.map(|t| {
                let values = count(&t.1);
                (t, values)
            });
            if kept {
                memo.trees.insert(canonical, tree.clone());
            }
            tree?
        }
    };
    if let Via::Extends(from) = via {
        if values > memo.budget {
            if memo.budget > 0 {
                d.push(
                    Diagnostic::new(
                        Code::E006,
                        format!("baselines hold more than {MAX_BASELINE_VALUES} values in all"),
                    )
                    .at(from.span, "merging this one goes past the limit")
                    .note("counted over the specs loaded together, at each merge: a baseline is merged once for each `extends` that names it, and `reach` lists add up")
                    .help("extend each baseline from fewer places"),
                );
            }
            memo.budget = 0;
            return None;
        }
        memo.budget -= values;
    }
    Some(tree)
}

/// Keys, items and scalars in a table, at every depth.
fn count(t: &Table) -> usize {
    fn node(n: &Node) -> usize {
        1 + match &n.kind {
            Kind::Array(items) => items.iter().map(node).sum(),
            Kind::Table(t) => count(t),
            _ => 0,
        }
    }
    t.entries.iter().map(|e| node(&e.value)).sum()
}

/// [`load_tree`] for a file not loaded before: read it, parse it, then
/// merge the baselines it extends under it.
fn load_file(
    path: &Path,
    canonical: &Path,
    via: Via,
    sources: &mut SourceMap,
    d: &mut Diagnostics,
    chain: &mut Vec<(PathBuf, Option<FileId>)>,
    memo: &mut Memo,
) -> Option<Tree> {
    let file = read_file(path, via, sources, d)?;
    let table = parse_file(file, path, via, sources, d)?;
    chain.push((canonical.to_path_buf(), Some(file)));
    let merged = merge_extends(file, table, sources, d, chain, memo);
    chain.pop();
    let (table, height) = merged?;
    Some((file, table, height))
}

/// Reads a spec or baseline into the source map: bounded, UTF-8.
fn read_file(
    path: &Path,
    via: Via,
    sources: &mut SourceMap,
    d: &mut Diagnostics,
) -> Option<FileId> {
    let text = match read_limited(path, MAX_SPEC_BYTES) {
        Ok(t) => t,
        Err(ReadError::NotUtf8 { lossy, offset }) => {
            // Pointed at, like a syntax error: line and column, not an offset.
            let end = offset + lossy[offset..].chars().next().map_or(0, char::len_utf8);
            let file = add_file(path, lossy, via, sources);
            if via.named().is_some() {
                // Not text: it may be any file at all (see below).
                sources.hide_text(file);
            }
            let diag = Diagnostic::new(
                Code::E011,
                format!("`{}` is not UTF-8 text", display_path(path)),
            )
            .at(
                Span::new(file, offset..end),
                "the first byte that is not UTF-8",
            );
            d.push(named_here(diag, via, "a spec").help("save the file as UTF-8"));
            return None;
        }
        Err(why) => {
            let diag = Diagnostic::new(
                Code::E011,
                format!(
                    "cannot read `{}`: {}",
                    display_path(path),
                    why.reason("specs")
                ),
            );
            d.push(
                match via.named() {
                    Some(f) => diag.at(f.span, "named here"),
                    None => diag,
                }
                .help(via.help()),
            );
            return None;
        }
    };
    Some(add_file(path, text, via, sources))
}

/// Parses a file's TOML into the span-carrying tree, reporting every
/// syntax error (only the first, unquoted, for a file reached by reference).
fn parse_file(
    file: FileId,
    path: &Path,
    via: Via,
    sources: &mut SourceMap,
    d: &mut Diagnostics,
) -> Option<Table> {
    let src = sources.get(file);
    let (doc, mut errors) = toml::de::DeTable::parse_recoverable(&src.text);
    if !errors.is_empty() {
        let mut spans = place_spanless(&src.text, &errors);
        if via.named().is_some() {
            // Reached by reference, and not TOML: it may be any file at all
            // (`/proc/self/environ`, a key file). Say where it fails and why,
            // quote none of it, and stop at the first error.
            sources.hide_text(file);
            let more = errors.len() - 1;
            // The parser does not report in file order.
            let first = (0..errors.len())
                .min_by_key(|&i| (spans[i].start, spans[i].end))
                .expect("there is an error");
            let message = errors.swap_remove(first).message().trim().to_string();
            let diag = Diagnostic::new(Code::E001, "invalid TOML")
                .at(Span::new(file, spans.swap_remove(first)), message)
                .note(format!(
                    "no line of `{}` is shown: it is not valid TOML, and was reached by reference, so it may not be a spec at all{}",
                    display_path(path),
                    match more {
                        0 => String::new(),
                        1 => "; 1 more syntax error in it is not shown either".into(),
                        n => format!("; {n} more syntax errors in it are not shown either"),
                    }
                ));
            d.push(named_here(diag, via, "a spec"));
            return None;
        }
        for (e, span) in errors.into_iter().zip(spans) {
            let diag = Diagnostic::new(Code::E001, "invalid TOML").at(
                crate::source::Span::new(file, span),
                e.message().trim().to_string(),
            );
            d.push(diag);
        }
        return None;
    }
    let node = value::from_toml(file, doc.get_ref(), doc.span());
    match node.kind {
        Kind::Table(table) => Some(table),
        // A TOML document is always a table.
        _ => None,
    }
}

/// Loads the baselines `table` extends (through [`load_tree`], so each is
/// read once) and merges it over them; returns the merged table and the
/// height of the `extends` chain below it.
fn merge_extends(
    file: FileId,
    mut table: Table,
    sources: &mut SourceMap,
    d: &mut Diagnostics,
    chain: &mut Vec<(PathBuf, Option<FileId>)>,
    memo: &mut Memo,
) -> Option<(Table, usize)> {
    let mut merged: Option<Table> = None;
    let mut height = 0;
    if let Some(entry) = table.get("extends") {
        let mut tmp = Diagnostics::default();
        let bases =
            read::strings(&entry.value, "extends", &mut tmp, read::text).unwrap_or_default();
        let failed = tmp.has_errors();
        // Warnings (a repeated entry) come from reading the spec itself.
        for diag in tmp
            .iter()
            .filter(|x| x.severity == crate::diagnostic::Severity::Error)
        {
            d.push(diag.clone());
        }
        if failed {
            return None;
        }
        if bases.len() > MAX_EXTENDS_ENTRIES {
            d.push(
                Diagnostic::new(
                    Code::E006,
                    format!("`extends` lists more than {MAX_EXTENDS_ENTRIES} baselines"),
                )
                .at(entry.value.span, format!("{} baselines", bases.len()))
                .help("merge baselines into fewer files, or have them extend each other"),
            );
            return None;
        }
        let dir = sources.get(file).dir().to_path_buf();
        for base in &bases {
            let base_path = resolve(&dir, &base.value);
            let (_, base_table, below) =
                load_tree(&base_path, Via::Extends(base), sources, d, chain, memo)?;
            height = height.max(below + 1);
            match &mut merged {
                None => merged = Some(base_table),
                Some(m) => value::merge(m, base_table, &mut Vec::new()),
            }
        }
    }
    if let Some(mut base) = merged {
        // The extending file's own `extends` stays, so the reader still sees
        // it; so does its own `abstract`: a baseline's is not inherited.
        let own = |t: &Table| -> Vec<_> {
            t.entries
                .iter()
                .filter(|e| UNINHERITED.contains(&e.key.as_str()))
                .cloned()
                .collect()
        };
        let own = own(&table);
        value::merge(&mut base, std::mem::take(&mut table), &mut Vec::new());
        base.entries
            .retain(|e| !UNINHERITED.contains(&e.key.as_str()));
        base.entries.extend(own);
        table = base;
    }
    Some((table, height))
}

/// Top-level keys that say something of the file itself, never merged
/// from a baseline into the spec that extends it.
const UNINHERITED: &[&str] = &["extends", "abstract"];

/// Adds a file read for `via` to the source map, linked to the file that
/// extends it.
fn add_file(path: &Path, text: String, via: Via, sources: &mut SourceMap) -> FileId {
    let file = sources.add(path.to_path_buf(), text);
    if let Via::Extends(from) = via {
        sources.set_extended_by(file, from.span.file);
    }
    file
}

/// For a diagnostic inside a file reached by reference: where it was named.
/// For a file from the command line there is nothing to add.
fn named_here(diag: Diagnostic, via: Via, what: &str) -> Diagnostic {
    match via {
        Via::CommandLine => diag,
        Via::Extends(from) => diag.also(from.span, "named here as a baseline"),
        Via::Connect(from) => diag.also(from.span, format!("named here as {what}")),
    }
}

/// The span of each syntax error. `toml` reports a key of too many dotted
/// parts (`a.a.a…` past its recursion limit) without a position; such keys
/// are found again here, by running toml's own parser over the text. What
/// cannot be placed points at the start of the file.
fn place_spanless(text: &str, errors: &[toml::de::Error]) -> Vec<std::ops::Range<usize>> {
    let spanless = errors.iter().filter(|e| e.span().is_none()).count();
    let mut deep = if spanless > 0 {
        deepest_keys(text, spanless).into_iter()
    } else {
        Vec::new().into_iter()
    };
    errors
        .iter()
        .map(|e| e.span().or_else(|| deep.next()).unwrap_or(0..0))
        .collect()
}

/// The `n` dotted keys with the most parts, in the order they appear. The
/// keys past `toml`'s limit are exactly the longest ones, so this does not
/// depend on what the limit is.
fn deepest_keys(text: &str, n: usize) -> Vec<std::ops::Range<usize>> {
    use toml_parser::parser::{Event, EventKind, RecursionGuard};
    // (start, end, parts) of each dotted key of two parts or more.
    let mut keys: Vec<(usize, usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize, usize)> = None;
    let mut after_dot = false;
    let mut on_event = |e: Event| match e.kind() {
        EventKind::SimpleKey => {
            let span = e.span();
            current = match current {
                Some((start, _, parts)) if after_dot => Some((start, span.end(), parts + 1)),
                _ => {
                    if let Some(k) = current.take().filter(|k| k.2 > 1) {
                        keys.push(k);
                    }
                    Some((span.start(), span.end(), 1))
                }
            };
            after_dot = false;
        }
        EventKind::KeySep => after_dot = true,
        EventKind::Whitespace => {}
        _ => {
            if let Some(k) = current.take().filter(|k| k.2 > 1) {
                keys.push(k);
            }
            after_dot = false;
        }
    };
    let tokens: Vec<_> = toml_parser::Source::new(text).lex().collect();
    // Guarded as `toml` guards it, so deep arrays do not recurse without end.
    toml_parser::parser::parse_document(
        &tokens,
        &mut RecursionGuard::new(&mut on_event, 80),
        &mut (),
    );
    keys.extend(current.filter(|k| k.2 > 1));
    keys.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    keys.truncate(n);
    keys.sort_by_key(|k| k.0);
    keys.into_iter().map(|(start, end, _)| start..end).collect()
}

// ---------------------------------------------------------------------------
// Typed reading. Each function reads one table, reports every problem in it,
// and returns what it could read.

fn read_spec(t: &Table, span: crate::source::Span, d: &mut Diagnostics) -> Option<Spec> {
    let mut r = TableReader::new(t, span, "");
    let version = r
        .require("version", "1", d)
        .and_then(|n| read::integer(n, "version", 1, i64::MAX, d));
    if let Some(v) = &version {
        if v.value != 1 {
            d.push(
                Diagnostic::new(
                    Code::E005,
                    format!("spec version {} is not supported", v.value),
                )
                .at(v.span, "unknown version")
                .help("this vpcegen reads `version = 1`"),
            );
        }
    }
    let name = r
        .require("name", "\"my-vpc\"", d)
        .and_then(|n| checked(n, "name", d, check_name));
    let mut unread = Unread::default();
    let watch = unread::Watch::start(d);
    let region = r
        .get("region")
        .and_then(|n| parsed(n, "region", d, Region::parse));
    let _ = watch.end(d, &mut unread, "region");
    let watch = unread::Watch::start(d);
    let account = r
        .get("account")
        .and_then(|n| parsed(n, "account", d, AccountId::parse));
    let _ = watch.end(d, &mut unread, "account");
    let extends = r
        .get("extends")
        .and_then(|n| read::strings(n, "extends", d, read::text))
        .unwrap_or_default();
    let is_abstract = r
        .get("abstract")
        .and_then(|n| read::boolean(n, "abstract", d));
    let tags = r
        .get("tags")
        .map(|n| read_tags(n, "tags", d))
        .unwrap_or_default();
    let vpc = r
        .get("vpc")
        .and_then(|n| read_vpc(n, d))
        .unwrap_or_default();
    let reach = r
        .get("reach")
        .and_then(|n| read_reach(n, d))
        .unwrap_or_default();
    let service = r
        .get("service")
        .map(|n| read_services(n, d, &mut unread))
        .unwrap_or_default();
    let expose = r
        .get("expose")
        .map(|n| read_sections(n, "expose", d, read_expose, &mut unread))
        .unwrap_or_default();
    let connect = r
        .get("connect")
        .map(|n| read_sections(n, "connect", d, read_connect, &mut unread))
        .unwrap_or_default();
    let watch = unread::Watch::start(d);
    let share = r.get("share").and_then(|n| share::read_share(n, d));
    // Left out when it has a mistake: its mode is not guessed.
    let share = share.filter(|_| watch.end(d, &mut unread, "share"));
    let terraform = r
        .get("terraform")
        .and_then(|n| read_terraform(n, d))
        .unwrap_or_default();
    r.finish(d);
    Some(Spec {
        version: version?,
        name: name?,
        region,
        account,
        extends,
        is_abstract,
        tags,
        vpc,
        reach,
        service,
        expose,
        connect,
        share,
        terraform,
        unread,
    })
}

fn read_terraform(n: &Node, d: &mut Diagnostics) -> Option<TerraformSettings> {
    let mut r = read::table(n, "terraform", d)?;
    let aws_provider = r.get("aws_provider").and_then(|n| read_aws_provider(n, d));
    r.finish(d);
    Some(TerraformSettings { aws_provider })
}

/// `terraform.aws_provider`: a major vpcegen writes for (E057 otherwise,
/// whatever the value's type, so the help always lists the majors).
fn read_aws_provider(n: &Node, d: &mut Diagnostics) -> Option<Sp<AwsProvider>> {
    let major = match &n.kind {
        Kind::Int(Some(v)) => AwsProvider::from_major(*v),
        _ => None,
    };
    if major.is_none() {
        let label = match &n.kind {
            Kind::Int(Some(v)) => format!("provider {v} is not a major vpcegen writes for"),
            Kind::Str(_) => "a string: write the number without quotes".into(),
            other => format!("found {}", other.describe()),
        };
        d.push(
            Diagnostic::new(
                Code::E057,
                "`terraform.aws_provider` must be the major version 5 or 6",
            )
            .at(n.span, label)
            .help("write `aws_provider = 6` (hashicorp/aws 6.x, the default) or `aws_provider = 5` (5.x)"),
        );
    }
    major.map(|m| Sp::new(m, n.span))
}

/// A string read into a value by `parse`; E010 with its hint if it fails.
pub(super) fn parsed<T>(
    n: &Node,
    field: &str,
    d: &mut Diagnostics,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<Sp<T>> {
    let s = read::string(n, field, d)?;
    match parse(&s.value) {
        Ok(v) => Some(Sp::new(v, s.span)),
        Err(help) => {
            d.push(read::invalid(n, field, help));
            None
        }
    }
}

/// A string that stays text, once `check` accepts its format.
fn checked(
    n: &Node,
    field: &str,
    d: &mut Diagnostics,
    check: fn(&str) -> Result<(), String>,
) -> Option<Sp<String>> {
    parsed(n, field, d, plain(check))
}

/// A format check of plain text, as a parser that keeps the text.
fn plain(check: fn(&str) -> Result<(), String>) -> impl Fn(&str) -> Result<String, String> {
    move |s| check(s).map(|()| s.to_owned())
}

fn read_tags(n: &Node, field: &str, d: &mut Diagnostics) -> Vec<(Sp<String>, Sp<String>)> {
    let key = KeyCheck {
        what: "a valid tag key",
        label: "invalid tag key",
        check: check_tag_key,
    };
    keyed_table(n, field, d, key, |value, field, d| {
        let v = read::string(value, field, d)?;
        if v.value.chars().count() > 256 {
            d.push(read::invalid(
                value,
                field,
                "AWS allows at most 256 characters in a tag value".into(),
            ));
            return None;
        }
        Some(v)
    })
}

/// How the keys of a [`keyed_table`] are checked: E010 saying the key is
/// not `what` where `check` refuses it.
struct KeyCheck {
    what: &'static str,
    label: &'static str,
    check: fn(&str) -> Result<(), String>,
}

/// A table of checked keys to values `value` reads (given the value, its
/// field and the diagnostics); refused entries are reported and left out.
fn keyed_table<T>(
    n: &Node,
    field: &str,
    d: &mut Diagnostics,
    key: KeyCheck,
    mut value: impl FnMut(&Node, &str, &mut Diagnostics) -> Option<Sp<T>>,
) -> Vec<(Sp<String>, Sp<T>)> {
    let Some(r) = read::table(n, field, d) else {
        return Vec::new();
    };
    let Kind::Table(t) = &n.kind else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in &t.entries {
        if !key_ok(e, key.what, key.label, key.check, d) {
            continue;
        }
        if let Some(v) = value(&e.value, &format!("{field}.{}", e.key), d) {
            out.push((Sp::new(e.key.clone(), e.key_span), v));
        }
    }
    drop(r);
    out
}

fn read_vpc(n: &Node, d: &mut Diagnostics) -> Option<Vpc> {
    let mut r = read::table(n, "vpc", d)?;
    let id = r
        .get("id")
        .and_then(|n| read_net(n, "vpc.id", d, |n, f, d| checked(n, f, d, check_vpc_id)));
    let cidr = r
        .get("cidr")
        .and_then(|n| read_net(n, "vpc.cidr", d, |n, f, d| parsed(n, f, d, Cidr::parse)));
    let ipv6_cidr = r.get("ipv6_cidr").and_then(|n| {
        read_net(n, "vpc.ipv6_cidr", d, |n, f, d| {
            parsed(n, f, d, super::types::ipv6_cidr)
        })
    });
    let subnets = r.get("subnets").and_then(|n| {
        read_net(n, "vpc.subnets", d, |n, f, d| {
            id_list(n, f, d, check_subnet_id)
        })
    });
    let route_tables = r.get("route_tables").and_then(|n| {
        read_net(n, "vpc.route_tables", d, |n, f, d| {
            id_list(n, f, d, check_rtb_id)
        })
    });
    let az_node = r.get("az_ids");
    let az_ids = az_node
        .and_then(|n| read::strings(n, "vpc.az_ids", d, AzId::parse))
        .unwrap_or_default();
    r.finish(d);
    Some(Vpc {
        id,
        cidr,
        ipv6_cidr,
        subnets,
        route_tables,
        az_ids,
        az_ids_span: az_node.map(|n| n.span),
    })
}

fn id_list(
    n: &Node,
    field: &str,
    d: &mut Diagnostics,
    check: fn(&str) -> Result<(), String>,
) -> Option<Vec<Sp<String>>> {
    let list = read::strings(n, field, d, plain(check))?;
    // Empty as written, not empty because every ID was invalid (already reported).
    if matches!(&n.kind, Kind::Array(items) if items.is_empty()) {
        d.push(
            Diagnostic::new(Code::E010, format!("`{field}` is empty"))
                .at(n.span, "no IDs")
                .help("give at least one ID, or leave the key out to make it an input"),
        );
    }
    Some(list)
}

/// The three forms of a network input: a literal (read by `literal`),
/// `{ input = ".." }` or `{ tags = { .. } }`.
fn read_net<T>(
    n: &Node,
    field: &str,
    d: &mut Diagnostics,
    literal: impl Fn(&Node, &str, &mut Diagnostics) -> Option<T>,
) -> Option<Sp<Net<T>>> {
    let Kind::Table(t) = &n.kind else {
        return literal(n, field, d).map(|v| Sp::new(Net::Literal(v), n.span));
    };
    let mut r = TableReader::new(t, n.span, field);
    let net = if t.get("input").is_some() {
        let input = r
            .get("input")
            .and_then(|v| parsed(v, &format!("{field}.input"), d, InputName::parse));
        input.map(|input| Net::Input(InputRef { input }))
    } else if t.get("tags").is_some() {
        let tags = read_lookup(r.get("tags")?, &format!("{field}.tags"), d);
        tags.map(|tags| Net::Lookup(TagLookup { tags }))
    } else {
        r.get("input");
        r.get("tags");
        d.push(
            Diagnostic::new(Code::E003, format!("`{field}` must be a literal, `{{ input = \"...\" }}` or `{{ tags = {{ ... }} }}`"))
                .at(n.span, "a table without `input` or `tags`"),
        );
        None
    };
    r.finish(d);
    net.map(|v| Sp::new(v, n.span))
}

fn read_lookup(n: &Node, field: &str, d: &mut Diagnostics) -> Option<Vec<TagValues>> {
    let Kind::Table(t) = &n.kind else {
        d.push(read::type_error(n, field, "a table of tag keys to values"));
        return None;
    };
    if t.entries.is_empty() {
        d.push(
            Diagnostic::new(Code::E010, format!("`{field}` is empty"))
                .at(n.span, "no tags to look up")
                .help("name at least one tag, such as `{ Tier = \"private\" }`"),
        );
        return None;
    }
    let mut out = Vec::new();
    for e in &t.entries {
        let f = format!("{field}.{}", e.key);
        let values = match &e.value.kind {
            Kind::Array(_) => read::strings(&e.value, &f, d, read::text)?,
            _ => vec![read::string(&e.value, &f, d)?],
        };
        if values.is_empty() {
            d.push(
                Diagnostic::new(Code::E010, format!("`{f}` is empty"))
                    .at(e.value.span, "no values")
                    .help("give the tag value to match"),
            );
            continue;
        }
        out.push((Sp::new(e.key.clone(), e.key_span), values));
    }
    Some(out)
}

fn read_reach(n: &Node, d: &mut Diagnostics) -> Option<Reach> {
    let mut r = read::table(n, "reach", d)?;
    let list = |r: &mut TableReader, key: &'static str, d: &mut Diagnostics| {
        r.get(key)
            .and_then(|n| read::strings(n, &format!("reach.{key}"), d, read::text))
            .unwrap_or_default()
    };
    let services = list(&mut r, "services", d);
    let bundles = list(&mut r, "bundles", d);
    let without = list(&mut r, "without", d);
    let private_dns = r
        .get("private_dns")
        .and_then(|n| read::boolean(n, "reach.private_dns", d));
    let security_group = r
        .get("security_group")
        .and_then(|n| read_security_group(n, d));
    let policy = r
        .get("policy")
        .and_then(|n| read_policy(n, "reach.policy", d));
    let only_supported_azs = r
        .get("only_supported_azs")
        .and_then(|n| read::boolean(n, "reach.only_supported_azs", d));
    let ip_address_type = r
        .get("ip_address_type")
        .and_then(|n| parsed(n, "reach.ip_address_type", d, IpAddressType::parse));
    let via = r.get("via").and_then(|n| read::string(n, "reach.via", d));
    r.finish(d);
    Some(Reach {
        services,
        bundles,
        without,
        private_dns,
        security_group,
        policy,
        only_supported_azs,
        ip_address_type,
        via,
    })
}

fn read_security_group(n: &Node, d: &mut Diagnostics) -> Option<Sp<SecurityGroup>> {
    let field = "reach.security_group";
    let mut r = read::table(n, field, d)?;
    let forms = ["ingress_cidrs", "ids", "input"];
    let present: Vec<&str> = forms
        .iter()
        .copied()
        .filter(|k| r.key_span(k).is_some())
        .collect();
    let sg = match present.as_slice() {
        ["ingress_cidrs"] => {
            let cidrs = read::strings(
                r.get("ingress_cidrs")?,
                "reach.security_group.ingress_cidrs",
                d,
                Cidr::parse,
            )?;
            Some(SecurityGroup::Create {
                ingress_cidrs: cidrs,
            })
        }
        ["ids"] => {
            let ids = id_list(r.get("ids")?, "reach.security_group.ids", d, check_sg_id)?;
            Some(SecurityGroup::Ids { ids })
        }
        ["input"] => {
            let input = parsed(
                r.get("input")?,
                "reach.security_group.input",
                d,
                InputName::parse,
            )?;
            Some(SecurityGroup::Input { input })
        }
        _ => {
            for k in forms {
                r.get(k);
            }
            // `{ ingres_cidrs = [...] }`: the unknown key's did-you-mean says it all.
            let only_unknown_keys =
                present.is_empty() && matches!(&n.kind, Kind::Table(t) if !t.entries.is_empty());
            if !only_unknown_keys {
                d.push(
                    Diagnostic::new(
                        Code::E003,
                        format!("`{field}` takes exactly one of `ingress_cidrs`, `ids` or `input`"),
                    )
                    .at(
                        n.span,
                        if present.is_empty() {
                            "none of them given"
                        } else {
                            "more than one given"
                        },
                    ),
                );
            }
            None
        }
    };
    r.finish(d);
    sg.map(|v| Sp::new(v, n.span))
}

fn read_policy(n: &Node, field: &str, d: &mut Diagnostics) -> Option<Sp<Policy>> {
    match &n.kind {
        Kind::Str(s) => {
            if s.is_empty() {
                d.push(read::invalid(
                    n,
                    field,
                    "give the path of a JSON policy file, relative to the spec".into(),
                ));
                return None;
            }
            Some(Sp::new(Policy::File(Sp::new(s.clone(), n.span)), n.span))
        }
        Kind::Table(t) => {
            let mut r = TableReader::new(t, n.span, field);
            let org = r
                .require("allow_org", "\"o-...\"", d)
                .and_then(|v| checked(v, &format!("{field}.allow_org"), d, check_org_id));
            r.finish(d);
            org.map(|allow_org| Sp::new(Policy::AllowOrg { allow_org }, n.span))
        }
        _ => {
            d.push(read::type_error(
                n,
                field,
                "a file path or `{ allow_org = \"o-...\" }`",
            ));
            None
        }
    }
}

fn read_services(
    n: &Node,
    d: &mut Diagnostics,
    unread: &mut Unread,
) -> IndexMap<String, ServiceSettings> {
    let mut out = IndexMap::new();
    let Kind::Table(t) = &n.kind else {
        d.push(read::type_error(
            n,
            "service",
            "a table of `[service.<name>]` sections",
        ));
        return out;
    };
    for e in &t.entries {
        let field = format!("service.{}", e.key);
        let watch = unread::Watch::start(d);
        let mut read = IndexMap::new();
        read_service(e, &field, d, &mut read);
        // Left out whole when it has a mistake, as `read_sections` does.
        if watch.end(d, unread, field) {
            out.extend(read);
        }
    }
    out
}

/// One `[service.<name>]` into `out`, unless it is not a table.
fn read_service(
    e: &value::Entry,
    field: &str,
    d: &mut Diagnostics,
    out: &mut IndexMap<String, ServiceSettings>,
) {
    let Some(mut r) = read::table(&e.value, field, d) else {
        return;
    };
    let kind = r.get("type").and_then(|n| {
        let s = read::string(n, &format!("{field}.type"), d)?;
        match s.value.as_str() {
            "gateway" => Some(Sp::new(EndpointType::Gateway, n.span)),
            "interface" => Some(Sp::new(EndpointType::Interface, n.span)),
            _ => {
                d.push(read::invalid(
                    n,
                    &format!("{field}.type"),
                    "use \"gateway\" or \"interface\"".into(),
                ));
                None
            }
        }
    });
    let private_dns = r
        .get("private_dns")
        .and_then(|n| read::boolean(n, &format!("{field}.private_dns"), d));
    let policy = r
        .get("policy")
        .and_then(|n| read_policy(n, &format!("{field}.policy"), d));
    let service_name = r
        .get("service_name")
        .and_then(|n| checked(n, &format!("{field}.service_name"), d, check_service_name));
    let ips_node = r.get("ips");
    let ips = ips_node.map_or_else(Vec::new, |n| read_ips(n, &format!("{field}.ips"), d));
    let ip_address_type = r.get("ip_address_type").and_then(|n| {
        parsed(
            n,
            &format!("{field}.ip_address_type"),
            d,
            IpAddressType::parse,
        )
    });
    let region = r
        .get("region")
        .and_then(|n| parsed(n, &format!("{field}.region"), d, Region::parse));
    r.finish(d);
    out.insert(
        e.key.clone(),
        ServiceSettings {
            key_span: e.key_span,
            kind,
            private_dns,
            policy,
            service_name,
            ips,
            ips_span: ips_node.map(|n| n.span),
            ip_address_type,
            region,
        },
    );
}

/// Whether `check` accepts a table key; if not, E010 at the key saying it
/// is not `what`.
fn key_ok(
    e: &value::Entry,
    what: &str,
    label: &str,
    check: fn(&str) -> Result<(), String>,
    d: &mut Diagnostics,
) -> bool {
    let Err(help) = check(&e.key) else {
        return true;
    };
    d.push(
        Diagnostic::new(
            Code::E010,
            format!("`{}` is not {what}", e.key.escape_debug()),
        )
        .at(e.key_span, label)
        .help(help),
    );
    false
}

/// `ips = { "subnet-..." = "10.0.1.10" }`: each key a subnet ID, each value
/// an IPv4 address, parsed once here; whether they fit the VPC is decided
/// by the model.
fn read_ips(n: &Node, field: &str, d: &mut Diagnostics) -> Vec<FixedIp> {
    let key = KeyCheck {
        what: "a subnet ID",
        label: "invalid subnet ID",
        check: check_subnet_id,
    };
    keyed_table(n, field, d, key, |value, field, d| {
        parsed(value, field, d, |s| {
            s.parse::<std::net::Ipv4Addr>()
                .map_err(|_| "write an IPv4 address such as `10.0.1.10`".to_owned())
        })
    })
}

// ---------------------------------------------------------------------------
// Value checks for values that stay text (the typed ones are parsed in
// `types`): each returns the hint shown to the user.

fn check_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen (it names the output folder and prefixes every resource name)".into())
    }
}

fn hex_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        (h.len() == 8 || h.len() == 17)
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn id_check(s: &str, prefix: &str, what: &str) -> Result<(), String> {
    if hex_id(s, prefix) {
        Ok(())
    } else {
        Err(format!(
            "{what} IDs look like `{prefix}` followed by 8 or 17 hexadecimal digits, such as `{prefix}0123456789abcdef0`"
        ))
    }
}

fn check_vpc_id(s: &str) -> Result<(), String> {
    id_check(s, "vpc-", "VPC")
}
fn check_subnet_id(s: &str) -> Result<(), String> {
    id_check(s, "subnet-", "subnet")
}
fn check_rtb_id(s: &str) -> Result<(), String> {
    id_check(s, "rtb-", "route table")
}
fn check_sg_id(s: &str) -> Result<(), String> {
    id_check(s, "sg-", "security group")
}

fn check_org_id(s: &str) -> Result<(), String> {
    let ok = s.strip_prefix("o-").is_some_and(|r| {
        (10..=32).contains(&r.len())
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if ok {
        Ok(())
    } else {
        Err("an AWS Organizations ID looks like `o-a1b2c3d4e5` (`o-` and 10 to 32 lowercase letters or digits)".into())
    }
}

fn check_tag_key(s: &str) -> Result<(), String> {
    if s.is_empty() || s.chars().count() > 128 {
        Err("tag keys are 1 to 128 characters".into())
    } else if s.starts_with("aws:") {
        Err("the `aws:` prefix is reserved for AWS".into())
    } else if s == "Name" {
        Err("vpcegen sets `Name` itself from the spec's name".into())
    } else if let Some(c) = s.chars().find(|c| c.is_control()) {
        Err(format!(
            "a tag key cannot hold a control character (here `{}`): AWS refuses it; keys are letters, digits, spaces and `_ . : / = + - @`",
            c.escape_debug()
        ))
    } else {
        Ok(())
    }
}

fn check_service_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 255
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_'
        })
        && s.contains('.');
    if ok {
        Ok(())
    } else {
        Err("a full endpoint service name such as `com.amazonaws.eu-west-1.newservice` or `com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0`".into())
    }
}

// ---------------------------------------------------------------------------
// `[expose.<name>]` and `[connect.<name>]`.

/// Reads `[section.<name>]` tables; names become identifiers and AWS names,
/// so they are checked like the spec's own name.
fn read_sections<T>(
    n: &Node,
    section: &str,
    d: &mut Diagnostics,
    read_one: fn(&Node, &str, Span, &mut Diagnostics) -> Option<T>,
    unread: &mut Unread,
) -> IndexMap<String, T> {
    let mut out = IndexMap::new();
    let Kind::Table(t) = &n.kind else {
        d.push(read::type_error(
            n,
            section,
            &format!("a table of `[{section}.<name>]` sections"),
        ));
        return out;
    };
    for e in &t.entries {
        let field = format!("{section}.{}", e.key);
        let what = format!("a valid {section} name");
        if !key_ok(e, &what, "invalid name", check_section_name, d) {
            continue;
        }
        let watch = unread::Watch::start(d);
        let read = read_one(&e.value, &field, e.key_span, d);
        // A section with a mistake is left out whole: what it would say
        // with the failed key missing (no principals, no ingress CIDRs)
        // would only repeat the mistake.
        if let (true, Some(v)) = (watch.end(d, unread, field), read) {
            out.insert(e.key.clone(), v);
        }
    }
    out
}

fn read_expose(n: &Node, field: &str, key_span: Span, d: &mut Diagnostics) -> Option<Expose> {
    let mut r = read::table(n, field, d)?;
    let lb_field = format!("{field}.load_balancer");
    let lb_node = r.require("load_balancer", "{ port = 443 }", d);
    let load_balancer = lb_node.and_then(|n| read_load_balancer(n, &lb_field, d));
    let gateway = lb_node.and_then(|n| super::gateway_lb::gateway_span(n, &lb_field, d));
    let principals_node = r.get("allowed_principals");
    let allowed_principals = principals_node
        .and_then(|n| {
            read::strings(
                n,
                &format!("{field}.allowed_principals"),
                d,
                Principal::parse,
            )
        })
        .unwrap_or_default();
    let acceptance_required = r
        .get("acceptance_required")
        .and_then(|n| read::boolean(n, &format!("{field}.acceptance_required"), d));
    let private_dns_name = r
        .get("private_dns_name")
        .and_then(|n| checked(n, &format!("{field}.private_dns_name"), d, check_domain));
    let notify = r
        .get("notify")
        .and_then(|n| read_notify(n, &format!("{field}.notify"), d));
    let types_node = r.get("ip_address_types");
    let ip_address_types = types_node
        .and_then(|n| read_ip_families(n, &format!("{field}.ip_address_types"), d))
        .unwrap_or_default();
    let regions_node = r.get("regions");
    let regions = regions_node
        .and_then(|n| read::strings(n, &format!("{field}.regions"), d, Region::parse))
        .unwrap_or_default();
    r.finish(d);
    super::gateway_lb::refuse_private_dns(gateway, private_dns_name.as_ref(), field, d);
    Some(Expose {
        gateway,
        key_span,
        load_balancer: load_balancer?,
        allowed_principals,
        allowed_principals_span: principals_node.map(|n| n.span),
        acceptance_required,
        private_dns_name,
        notify,
        ip_address_types,
        ip_address_types_span: types_node.map(|n| n.span),
        regions,
        regions_span: regions_node.map(|n| n.span),
    })
}

/// `ip_address_types`: at least one of `ipv4` and `ipv6` (an empty list
/// would let no consumer connect; repeats are W120, as in every list).
fn read_ip_families(n: &Node, field: &str, d: &mut Diagnostics) -> Option<Vec<Sp<IpFamily>>> {
    let families = read::strings(n, field, d, IpFamily::parse)?;
    if matches!(&n.kind, Kind::Array(items) if items.is_empty()) {
        d.push(
            Diagnostic::new(
                Code::E078,
                format!("`{field}` is empty: no consumer could connect"),
            )
            .at(n.span, "no address type")
            .help("list `\"ipv4\"`, `\"ipv6\"` or both, or remove the key for IPv4 only"),
        );
        return None;
    }
    Some(families)
}

/// `notify = { sns_topic = "...", events = [...] }`: both keys, and at
/// least one event.
fn read_notify(n: &Node, field: &str, d: &mut Diagnostics) -> Option<Notify> {
    let mut r = read::table(n, field, d)?;
    let sns_topic = r
        .require(
            "sns_topic",
            "\"arn:aws:sns:eu-west-1:111122223333:endpoint-events\"",
            d,
        )
        .and_then(|v| parsed(v, &format!("{field}.sns_topic"), d, SnsTopicArn::parse));
    let events_field = format!("{field}.events");
    let events = r
        .require("events", "[\"Connect\", \"Accept\", \"Reject\", \"Delete\"]", d)
        .and_then(|v| {
            let events = read::strings(v, &events_field, d, ConnectionEvent::parse)?;
            if events.is_empty() {
                d.push(read::invalid(
                    v,
                    &events_field,
                    "list at least one of \"Accept\", \"Connect\", \"Delete\" and \"Reject\", or remove `notify`".into(),
                ));
                return None;
            }
            Some(events)
        });
    r.finish(d);
    Some(Notify {
        sns_topic: sns_topic?,
        events: events?,
    })
}

fn read_load_balancer(n: &Node, field: &str, d: &mut Diagnostics) -> Option<Sp<LoadBalancer>> {
    let lb = match &n.kind {
        Kind::Str(_) => LoadBalancer::Arn(checked(n, field, d, check_nlb_arn)?),
        Kind::Table(t) if t.get("input").is_some() => {
            existing_lb_settings(t, field, d);
            LoadBalancer::Input(read_input(t, n, field, EXISTING_LB_REPORTED, d)?)
        }
        Kind::Table(t) => {
            let mut r = TableReader::new(t, n.span, field);
            let port = r
                .require("port", "443", d)
                .and_then(|v| read::integer(v, &format!("{field}.port"), 1, 65535, d));
            let target_port = r
                .get("target_port")
                .and_then(|v| read::integer(v, &format!("{field}.target_port"), 1, 65535, d));
            let target_type = r.get("target_type").and_then(|v| {
                let s = read::string(v, &format!("{field}.target_type"), d)?;
                let t = match s.value.as_str() {
                    "ip" => TargetType::Ip,
                    "instance" => TargetType::Instance,
                    "alb" => TargetType::Alb,
                    _ => {
                        d.push(read::invalid(
                            v,
                            &format!("{field}.target_type"),
                            "use \"ip\", \"instance\" or \"alb\"".into(),
                        ));
                        return None;
                    }
                };
                Some(Sp::new(t, v.span))
            });
            let ingress_cidrs = r
                .get("ingress_cidrs")
                .and_then(|v| read_lb_ingress(v, &format!("{field}.ingress_cidrs"), d))
                .unwrap_or_default();
            let deletion_protection = r
                .get("deletion_protection")
                .and_then(|v| read::boolean(v, &format!("{field}.deletion_protection"), d));
            r.get("input");
            r.get("type"); // `gateway_lb::gateway_span` reads it
            r.finish(d);
            LoadBalancer::Create(CreateLoadBalancer {
                port: port?,
                target_port,
                target_type,
                ingress_cidrs,
                deletion_protection,
            })
        }
        _ => {
            d.push(read::type_error(
                n,
                field,
                "a table such as `{ port = 443 }`, an NLB ARN, or `{ input = \"...\" }`",
            ));
            return None;
        }
    };
    Some(Sp::new(lb, n.span))
}

/// Settings of a load balancer vpcegen creates, given with `input` (an
/// existing one): E066 each, rather than E002, which would not say why.
/// They are then left out of the table `read_input` reads.
fn existing_lb_settings(t: &Table, field: &str, d: &mut Diagnostics) {
    for e in t
        .entries
        .iter()
        .filter(|e| CREATED_LB_ONLY.contains(&e.key.as_str()))
    {
        d.push(
            Diagnostic::new(
                Code::E066,
                format!(
                    "`{field}.{}` applies only to a load balancer vpcegen creates",
                    e.key
                ),
            )
            .at(e.key_span, "given with `input`, an existing load balancer")
            .help(format!(
                "an existing NLB keeps the security groups and attributes its owner gave it: remove `{}`, or drop `input` and give `port` to have vpcegen create the NLB",
                e.key
            )),
        );
    }
}

/// Keys of a created load balancer that say how vpcegen makes it.
const CREATED_LB_ONLY: &[&str] = &["ingress_cidrs", "deletion_protection"];

/// Keys of `{ input = ... }` that have a diagnostic, or a reader, of their
/// own (`type`: `gateway_lb.rs`).
const EXISTING_LB_REPORTED: &[&str] = &["ingress_cidrs", "deletion_protection", "type"];

/// `load_balancer.ingress_cidrs`: at least one CIDR (an empty list would
/// admit nothing; leaving the key out admits the VPC's CIDR).
fn read_lb_ingress(n: &Node, field: &str, d: &mut Diagnostics) -> Option<Vec<Sp<Cidr>>> {
    let cidrs = read::strings(n, field, d, Cidr::parse)?;
    if matches!(&n.kind, Kind::Array(items) if items.is_empty()) {
        d.push(
            Diagnostic::new(Code::E067, format!("`{field}` is empty: the load balancer would admit no traffic"))
                .at(n.span, "no CIDR")
                .help("list the CIDRs your consumers connect from (PrivateLink traffic is checked against the consumers' own addresses), or remove the key to admit the VPC's CIDR"),
        );
        return None;
    }
    Some(cidrs)
}

fn read_connect(n: &Node, field: &str, key_span: Span, d: &mut Diagnostics) -> Option<Connect> {
    let mut r = read::table(n, field, d)?;
    let target = super::connect_target::read_target(&mut r, field, key_span, d);
    let az_node = r.get("az_ids");
    let az_ids = az_node
        .and_then(|n| read::strings(n, &format!("{field}.az_ids"), d, AzId::parse))
        .unwrap_or_default();
    let ports = r
        .get("ports")
        .and_then(|n| read::integers(n, &format!("{field}.ports"), 1, 65535, d))
        .unwrap_or_default();
    let private_dns = r
        .get("private_dns")
        .and_then(|n| read::boolean(n, &format!("{field}.private_dns"), d));
    let region = r
        .get("region")
        .and_then(|n| parsed(n, &format!("{field}.region"), d, Region::parse));
    r.finish(d);
    Some(Connect {
        key_span,
        target: target?,
        az_ids,
        az_ids_span: az_node.map(|n| n.span),
        ports,
        private_dns,
        region,
    })
}

pub(super) fn read_service_ref(
    n: &Node,
    field: &str,
    d: &mut Diagnostics,
) -> Option<Sp<ServiceRef>> {
    let v = match &n.kind {
        Kind::Str(_) => ServiceRef::Literal(checked(n, field, d, check_service_name)?),
        Kind::Table(t) if t.get("input").is_some() => {
            ServiceRef::Input(read_input(t, n, field, &[], d)?)
        }
        // Neither form: say which forms there are, not that `spec` and
        // `expose` are missing (the user may not have meant a reference).
        Kind::Table(t) if t.get("spec").is_none() && t.get("expose").is_none() => {
            let mut r = TableReader::new(t, n.span, field);
            r.get("input");
            r.get("spec");
            r.get("expose");
            d.push(
                Diagnostic::new(Code::E003, format!("`{field}` must be a service name, `{{ input = \"...\" }}` or `{{ spec = \"...\", expose = \"...\" }}`"))
                    .at(n.span, "a table without `input`, or `spec` and `expose`"),
            );
            r.finish(d);
            return None;
        }
        Kind::Table(t) => {
            let mut r = TableReader::new(t, n.span, field);
            let spec = r
                .require("spec", "\"../other/spec.toml\"", d)
                .and_then(|v| read::string(v, &format!("{field}.spec"), d));
            let expose = r
                .require("expose", "\"name\"", d)
                .and_then(|v| read::string(v, &format!("{field}.expose"), d));
            r.get("input");
            r.finish(d);
            ServiceRef::Spec {
                spec: spec?,
                expose: expose?,
            }
        }
        _ => {
            d.push(read::type_error(
                n,
                field,
                "a service name, `{ input = \"...\" }` or `{ spec = \"...\", expose = \"...\" }`",
            ));
            return None;
        }
    };
    Some(Sp::new(v, n.span))
}

/// `{ input = "name" }`: a checked input name, and no other key.
/// `{ input = "..." }`; keys in `reported` have a diagnostic of their own.
pub(super) fn read_input(
    t: &Table,
    n: &Node,
    field: &str,
    reported: &[&'static str],
    d: &mut Diagnostics,
) -> Option<Sp<InputName>> {
    let mut r = TableReader::new(t, n.span, field);
    let input = r
        .get("input")
        .and_then(|v| parsed(v, &format!("{field}.input"), d, InputName::parse));
    for k in reported {
        r.get(k);
    }
    r.finish(d);
    input
}

fn check_section_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("use 1 to 32 lowercase letters, digits and hyphens, not starting or ending with a hyphen".into())
    }
}

fn check_nlb_arn(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let shape = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "elasticloadbalancing"
        && parts[4].len() == 12;
    if shape
        && (parts[5].starts_with("loadbalancer/net/") || parts[5].starts_with("loadbalancer/gwy/"))
    {
        Ok(())
    } else if shape && parts[5].starts_with("loadbalancer/app/") {
        Err("this is an Application Load Balancer; an endpoint service needs a Network Load Balancer (put the ALB behind one with `target_type = \"alb\"`)".into())
    } else {
        Err("give the ARN of a Network Load Balancer (`arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>`), `{ input = \"...\" }`, or a table such as `{ port = 443 }` to create one".into())
    }
}

fn check_domain(s: &str) -> Result<(), String> {
    let ok = s.len() <= 253
        && s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err("a lowercase domain name such as `orders.internal.example.com`".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes loading `toml` reports.
    fn codes(toml: &str) -> Vec<Code> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("spec.toml");
        std::fs::write(&path, toml).expect("write spec");
        let mut sources = SourceMap::default();
        let mut d = Diagnostics::default();
        load(&[path], &mut sources, &mut d);
        d.iter().map(|x| x.code).collect()
    }

    fn expose(load_balancer: &str) -> String {
        format!("version = 1\nname = \"a\"\n[expose.x]\nload_balancer = {load_balancer}\n")
    }

    #[test]
    fn created_nlb_settings_with_an_existing_nlb_say_why_they_do_not_apply() {
        let existing =
            r#"{ input = "nlb", ingress_cidrs = ["10.0.0.0/8"], deletion_protection = false }"#;
        assert_eq!(codes(&expose(existing)), [Code::E066, Code::E066]);
        // Any other key is still unknown.
        assert_eq!(
            codes(&expose(r#"{ input = "nlb", ports = 1 }"#)),
            [Code::E002]
        );
        let created =
            r#"{ port = 443, ingress_cidrs = ["10.0.0.0/8"], deletion_protection = false }"#;
        assert_eq!(codes(&expose(created)), [] as [Code; 0]);
    }

    #[test]
    fn an_empty_ingress_list_is_refused_and_each_cidr_parsed() {
        assert_eq!(
            codes(&expose("{ port = 443, ingress_cidrs = [] }")),
            [Code::E067]
        );
        let bad = codes(&expose(r#"{ port = 443, ingress_cidrs = ["10.0.0.1/8"] }"#));
        assert_eq!(bad.len(), 1);
        assert_ne!(bad, [Code::E067]);
    }

    #[test]
    fn ipv6_keys_refuse_ipv4_cidrs_bad_types_and_empty_lists() {
        let spec = |body: &str| format!("version = 1\nname = \"a\"\n{body}");
        assert_eq!(
            codes(&spec("[vpc]\nipv6_cidr = \"10.0.0.0/16\"\n")),
            [Code::E010]
        );
        assert!(codes(&spec("[vpc]\nipv6_cidr = \"fd00::/8\"\n")).is_empty());
        assert_eq!(
            codes(&spec("[reach]\nip_address_type = \"v6\"\n")),
            [Code::E010]
        );
        let types = |list: &str| {
            let x = format!(
                "[expose.x]\nload_balancer = {{ port = 443 }}\nip_address_types = {list}\n"
            );
            codes(&spec(&x))
        };
        assert_eq!(types("[]"), [Code::E078]);
        assert_eq!(types("[\"ipv4\", \"dualstack\"]"), [Code::E010]);
        assert_eq!(types("[\"ipv6\", \"ipv6\"]"), [Code::W120]);
    }

    #[test]
    fn fixed_ips_need_subnet_id_keys_and_ipv4_values() {
        let spec = |ips: &str| format!("version = 1\nname = \"a\"\n[service.kms]\nips = {ips}\n");
        assert_eq!(
            codes(&spec(r#"{ "subnet-0a1b2c3d4e5f60001" = "10.0.1.10" }"#)),
            [] as [Code; 0]
        );
        for bad in [
            r#"{ "sg-0a1b2c3d4e5f60001" = "10.0.1.10" }"#,
            r#"{ "subnet-0a1b2c3d4e5f60001" = "10.0.1.300" }"#,
            r#"{ "subnet-0a1b2c3d4e5f60001" = "fd00::1" }"#,
            r#"{ "subnet-0a1b2c3d4e5f60001" = 10 }"#,
        ] {
            assert_eq!(codes(&spec(bad)).len(), 1, "{bad}");
        }
        assert_eq!(codes(&spec(r#"["10.0.1.10"]"#)).len(), 1, "not a table");
    }
}
