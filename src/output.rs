//! Writing generated files: everything is checked and staged before the
//! first rename, files without the generated-by mark on their first line
//! are never touched, and a build leaves the output folder holding either
//! the old build or the new one, whole, even if it is killed.
//!
//! A build runs as a transaction in private folders that it creates
//! itself (`create_dir` fails rather than reuse one), so no name it uses
//! can be a user's file:
//!
//! ```text
//! out/.vpcegen-txn-<pid>-<nonce>/   journal   the spec folders (`<spec>/<target>`, relative
//!                                             to `out`), and which of them and of their
//!                                             parents it creates
//!                                   plan      per spec folder: n create|replace|remove FILE
//!                                             (`flat`: FILE is in the parent, `out/<spec>/`)
//!                                   committed empty; its creation is the commit point
//! out/<spec>/<target>/.vpcegen-txn-<pid>-<nonce>/
//!                                   <n>.new   staged files, <n>.old backups
//! ```
//!
//! Generated files an older vpcegen wrote straight in `out/<spec>/` (the
//! old flat layout) are removed in the same transaction, as stale files
//! are. Names read back from a journal or plan never leave `out`
//! ([`names`]).
//!
//! The journal is written before anything is staged and the plan before
//! the first rename; then old files move to their backups and staged
//! files into place, `committed` is created, and the backups, the plan and
//! the journal are removed. A build killed before `committed` exists is
//! undone by the next build (backups moved back, created files removed),
//! one killed after it is finished (backups removed); `build --check`
//! reports such leftovers. Builds into one `--out` take turns through an
//! advisory lock on the folder itself ([`write_locked`], [`check_locked`]).
//!
//! Files are not flushed to the device (no `fsync`), as `git checkout`,
//! `terraform fmt` and cargo do not: the output is reproducible from the
//! spec and lives in version control, and a flush per file cost more than
//! everything else in a large build. Renames keep every reader from seeing
//! a half-written file; if the machine itself goes down right after a
//! build, `vpcegen build --check` tells whether the folder is intact, and
//! a file left empty by the crash is overwritten like a generated one.

use crate::render::{self, File, MARK};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

#[cfg(test)]
mod layout_tests;
mod names;

/// The files of one spec's output folder. The folders of one write share
/// one parent (`--out`), which holds the transaction.
pub struct Folder {
    pub dir: PathBuf,
    pub files: Vec<File>,
}

/// Where a streamed write or check gets folder `i`'s files (its index in
/// the list of folders): rendered when its turn comes and dropped once
/// staged or compared, so that a build holds a few folders' contents at a
/// time, not the organisation's. A render error is returned as it is.
pub type Produce<'a> = dyn Fn(usize) -> Result<Cow<'a, [File]>, String> + Sync + 'a;

/// What a write changed, for the summary line.
#[derive(Debug, Default)]
pub struct Written {
    /// How many files each folder has, in the folders' order.
    pub files: Vec<usize>,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// What was done about builds that were interrupted before this one,
    /// one sentence each.
    pub recovered: Vec<String>,
    /// Spec folders that held generated files in the old flat layout: the
    /// old folder, the new one, and how many files were removed from the
    /// old one (not counted in `removed`).
    pub flat: Vec<(PathBuf, PathBuf, usize)>,
}

/// How much of a file decides whether vpcegen wrote it.
const HEAD: usize = 4096;

/// Whether a file on disk was written by vpcegen: its first line is the
/// mark, as [`render::carries_mark`] defines it.
pub fn is_generated(path: &Path) -> bool {
    // A FIFO in the output folder would block a plain open.
    let Ok((mut f, _)) = crate::source::open_regular(path) else {
        return false;
    };
    let mut buf = [0u8; HEAD];
    let mut n = 0;
    while n < buf.len() {
        match std::io::Read::read(&mut f, &mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return false,
        }
    }
    is_marked(path, &buf[..n])
}

/// Files on disk larger than this are not compared nor shown by `--check`.
const MAX_COMPARED_BYTES: u64 = 64 * 1024 * 1024;

/// Whether bytes read from `path` carry the mark, as [`is_generated`]
/// checks a file.
fn is_marked(path: &Path, bytes: &[u8]) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    render::carries_mark(
        &name,
        &String::from_utf8_lossy(&bytes[..bytes.len().min(HEAD)]),
    )
}

/// Generated files in `dir` that the new set no longer contains. Names
/// that are not UTF-8 are never vpcegen's to remove.
fn stale(dir: &Path, keep: &[File]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| !n.starts_with(".vpcegen-") && !n.contains('\n'))
        })
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !keep.iter().any(|f| f.path == name) && is_generated(p)
        })
        .collect();
    out.sort();
    out
}

/// Writes every folder, or nothing: finishes or undoes what an interrupted
/// build left, refuses a folder if any file in its way lacks the mark
/// (before staging it; a refusal discards everything staged), stages all
/// files in private folders, and only then moves them into place, keeping
/// the old files until the end so that any failure puts every one of them
/// back. Takes no lock: see [`write_locked`].
pub fn write_all(folders: &[Folder]) -> Result<Written, String> {
    write_all_with(folders, &mut Faults::none())
}

/// Simulated filesystem failures, for tests: the `fail_at`-th filesystem
/// operation of a write (0-based) fails with `kind`.
#[derive(Debug)]
pub struct Faults {
    pub fail_at: Option<usize>,
    pub kind: std::io::ErrorKind,
    /// Operations performed so far (staging runs on several threads).
    count: AtomicUsize,
}

impl Faults {
    pub fn none() -> Faults {
        Faults {
            fail_at: None,
            kind: std::io::ErrorKind::Other,
            count: AtomicUsize::new(0),
        }
    }

    pub fn at(n: usize, kind: std::io::ErrorKind) -> Faults {
        Faults {
            fail_at: Some(n),
            kind,
            count: AtomicUsize::new(0),
        }
    }

    /// Operations performed so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    fn step(&self) -> std::io::Result<()> {
        let n = self.count.fetch_add(1, Ordering::Relaxed);
        if self.fail_at == Some(n) {
            Err(std::io::Error::from(self.kind))
        } else {
            Ok(())
        }
    }
}

/// Test hook: with `VPCEGEN_TEST_PAUSE_AFTER=<step>` in the environment, a
/// write that reaches `<step>` says `vpcegen: paused after <step>` on
/// stderr and sleeps for good, so that a test can kill it right there.
/// Steps, in order: `journal`, `staged`, `planned`, `rename:<n>` (after
/// the n-th rename of the commit, from 1), `committed`, `cleanup:<n>`
/// (after the n-th spec folder's backups are removed, from 1).
fn pause(step: impl FnOnce() -> String) {
    static AT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let Some(at) = AT.get_or_init(|| std::env::var("VPCEGEN_TEST_PAUSE_AFTER").ok()) else {
        return;
    };
    if *at == step() {
        eprintln!("vpcegen: paused after {at}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// What the commit phase has done, so that a failure can undo it.
enum Done {
    /// `target` was new: remove it.
    Created(PathBuf),
    /// `target` replaced a file now kept at `backup`: move it back.
    Replaced { target: PathBuf, backup: PathBuf },
    /// A stale file moved to `backup`: move it back.
    Removed { target: PathBuf, backup: PathBuf },
}

const TXN_PREFIX: &str = ".vpcegen-txn-";
const JOURNAL: &str = "journal";
const PLAN: &str = "plan";
const COMMITTED: &str = "committed";
/// How the journal and the plan begin (each is one JSON document).
const MAGIC: &str = "{\"vpcegen_transaction\":";

fn txn_name(id: &str) -> String {
    format!("{TXN_PREFIX}{id}")
}

/// The transaction id in a name that [`txn_name`] could have made.
fn txn_id(name: &str) -> Option<&str> {
    let id = name.strip_prefix(TXN_PREFIX)?;
    let (pid, nonce) = id.split_once('-')?;
    let ok = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && !nonce.is_empty()
        && nonce
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    ok.then_some(id)
}

/// The journal: which spec folders (by name, in `--out`) a build stages
/// in, and which of them it creates.
#[derive(Serialize, Deserialize)]
struct Journal {
    vpcegen_transaction: u32,
    folders: Vec<JournalFolder>,
}

#[derive(Serialize, Deserialize)]
struct JournalFolder {
    name: String,
    created: bool,
    /// The folders between `--out` and this one that the build creates,
    /// outermost first (`payments-prod` for `payments-prod/terraform`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    parents: Vec<String>,
}

/// The plan: per spec folder, what happens to each file; an entry's
/// position is its `n` (staged as `<n>.new`, backed up as `<n>.old`).
#[derive(Serialize, Deserialize)]
struct Plan {
    vpcegen_transaction: u32,
    folders: Vec<PlanFolder>,
}

#[derive(Serialize, Deserialize)]
struct PlanFolder {
    name: String,
    entries: Vec<PlanEntry>,
}

#[derive(Serialize, Deserialize)]
struct PlanEntry {
    op: Op,
    file: String,
    /// The file is in the spec folder's parent, where the old flat layout
    /// wrote it (only ever removed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    flat: bool,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Debug)]
#[serde(rename_all = "lowercase")]
enum Op {
    /// The file did not exist.
    Create,
    /// The file existed: it is backed up, then replaced.
    Replace,
    /// A stale generated file: it is backed up.
    Remove,
}

/// The folder that holds every spec folder of a write (`--out`), and the
/// spec folders' names in it, relative to it (`payments-prod/terraform`).
/// Without `root` (a write of folders given one by one), the folders'
/// common parent.
fn layout(root: Option<&Path>, dirs: &[PathBuf]) -> Result<(PathBuf, Vec<String>), String> {
    let root = match root {
        Some(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
        Some(_) => PathBuf::from("."),
        None => common_parent(dirs)?,
    };
    let names = dirs
        .iter()
        .map(|dir| {
            names::relative(&root, dir).ok_or_else(|| {
                format!(
                    "cannot write `{}`: every spec folder of a build must be in one output folder, `{}`",
                    dir.display(),
                    root.display()
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((root, names))
}

/// The one parent of every folder in `dirs`.
fn common_parent(dirs: &[PathBuf]) -> Result<PathBuf, String> {
    let mut root: Option<&Path> = None;
    for dir in dirs {
        let parent = dir.parent();
        let name = dir.file_name().and_then(|n| n.to_str());
        let (Some(parent), Some(name)) = (parent, name) else {
            return Err(format!(
                "cannot write `{}`: not a folder name vpcegen can write",
                dir.display()
            ));
        };
        if name.contains('\n') || root.is_some_and(|r| r != parent) {
            return Err(format!(
                "cannot write `{}`: every spec folder of a build must be in one output folder",
                dir.display()
            ));
        }
        root = Some(parent);
    }
    Ok(match root {
        Some(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// A path that is a symbolic link which cannot be followed.
fn dangling(path: &Path) -> Option<String> {
    if path.as_os_str().is_empty() || !path.is_symlink() {
        return None;
    }
    let err = std::fs::metadata(path).err()?;
    let to = std::fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    Some(if err.kind() == ErrorKind::NotFound {
        format!(
            "`{}` is a symbolic link to `{to}`, which does not exist; create `{to}` (vpcegen writes through the link) or choose another --out",
            path.display()
        )
    } else {
        format!(
            "`{}` is a symbolic link to `{to}` that cannot be followed ({err}); fix the link or choose another --out",
            path.display()
        )
    })
}

/// Refuses before touching anything of a folder: something in the way of
/// it, a file without the mark where a generated one goes, a dangling
/// symbolic link, or a rendered file that would not carry the mark itself
/// (a `--templates` override that moved `{{ header }}`), which a later
/// build could not tell from a hand-written one. Files on disk are looked
/// at only with `on_disk` (under the lock; the rest is checked first).
fn refuse(dir: &Path, files: &[File], on_disk: bool) -> Result<(), String> {
    if let Some(e) = dir.ancestors().find_map(dangling) {
        return Err(e);
    }
    if dir.exists() && !dir.is_dir() {
        return Err(format!("`{}` exists and is not a folder", dir.display()));
    }
    if dir.ancestors().skip(1).any(|a| a.is_file()) {
        return Err(format!(
            "cannot create `{}`: a file is in the way",
            dir.display()
        ));
    }
    for f in files {
        let target = dir.join(&f.path);
        if f.path.contains('\n') || !render::carries_mark(&f.path, &f.contents) {
            return Err(format!(
                "`{}` would not start with the \"{MARK}\" mark (does a --templates override keep `{{{{ header }}}}` on its first line?), so a later build could not tell it from a hand-written file; nothing was written",
                target.display()
            ));
        }
        let Some(meta) = on_disk
            .then(|| std::fs::symlink_metadata(&target).ok())
            .flatten()
        else {
            continue;
        };
        if target.is_dir() {
            return Err(format!(
                "`{}` is a folder; remove it to let vpcegen write the file",
                target.display()
            ));
        }
        if !meta.is_file() && !meta.is_symlink() {
            return Err(format!(
                "`{}` is not a regular file (a named pipe, a socket or a device); vpcegen replaces only files it generated: remove it",
                target.display()
            ));
        }
        let empty = meta.is_file() && meta.len() == 0;
        if !empty && !is_generated(&target) {
            return Err(format!(
                "refusing to overwrite `{}`: its first line is not the \"{MARK}\" mark, so it may be hand-written; move it away or choose another --out",
                target.display()
            ));
        }
    }
    Ok(())
}

/// Why a streamed write stopped, in the order a build that rendered and
/// checked everything before writing reports them: a render error first,
/// then a folder or file refused before the lock (the mark), one refused
/// under it (what is on disk), and last a failure while staging. Within a
/// kind, the first folder's.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Stop {
    Render,
    Mark,
    OnDisk,
    Stage,
}

/// How a write ranks its refusals: [`write_locked`] checks every mark
/// before it locks, [`write_all`] checks each folder whole in turn.
#[derive(Clone, Copy)]
enum Ranks {
    MarksFirst,
    PerFolder,
}

impl Ranks {
    fn of(self, stop: Stop) -> Stop {
        match (self, stop) {
            (Ranks::PerFolder, Stop::OnDisk) => Stop::Mark,
            (_, s) => s,
        }
    }
}

/// Runs `f(i, stopped)` for every `i` below `n`, one worker per core, each
/// taking the next index as it is free (a folder renders and stages
/// whole on one core), and returns the results in index order. `stopped`
/// is set by the first `f` that says so, and seen by every later one.
fn in_order<R: Send>(
    n: usize,
    stopped: &AtomicBool,
    f: impl Fn(usize, bool) -> (R, bool) + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(n)
        .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return done;
            }
            let (r, stop) = f(i, stopped.load(Ordering::Relaxed));
            if stop {
                stopped.store(true, Ordering::Relaxed);
            }
            done.push((i, r));
        }
    };
    let mut results: Vec<(usize, R)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("a worker does not panic"))
                .collect()
        })
    };
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Renders and checks every folder without writing anything: the first
/// error a write that checked everything before locking would report
/// (ranked by `ranks`), among those ranked at most `upto`.
fn precheck(dirs: &[PathBuf], produce: &Produce, ranks: Ranks, upto: Stop) -> Option<String> {
    let stopped = AtomicBool::new(true);
    in_order(dirs.len(), &stopped, |i, _| {
        (visit(&dirs[i], produce, i, None).err(), false)
    })
    .into_iter()
    .enumerate()
    .filter_map(|(i, e)| e.map(|(stop, e, _)| (ranks.of(stop), i, e)))
    .filter(|(rank, _, _)| *rank <= upto)
    .min_by_key(|(rank, i, _)| (*rank, *i))
    .map(|(_, _, e)| e)
}

/// Folder `i`: rendered, checked, and staged when `stage` gives the
/// folder's name, the transaction id and the faults. Its contents are
/// dropped on return.
fn visit(
    dir: &Path,
    produce: &Produce,
    i: usize,
    stage_as: Option<(&str, &str, &Faults)>,
) -> Result<Option<Staged>, (Stop, String, bool)> {
    let files = produce(i).map_err(|e| (Stop::Render, e, true))?;
    refuse(dir, &files, false).map_err(|e| (Stop::Mark, e, true))?;
    refuse(dir, &files, true).map_err(|e| (Stop::OnDisk, e, true))?;
    let Some((name, id, faults)) = stage_as else {
        return Ok(None);
    };
    stage(dir, &files, name, id, faults)
        .map(Some)
        .map_err(|(e, gone)| (Stop::Stage, e, gone))
}

pub fn write_all_with(folders: &[Folder], faults: &mut Faults) -> Result<Written, String> {
    let dirs: Vec<PathBuf> = folders.iter().map(|f| f.dir.clone()).collect();
    // Already rendered: borrowed.
    let produce = |i: usize| Ok(Cow::Borrowed(&folders[i].files[..]));
    write_stream(None, &dirs, &produce, Ranks::PerFolder, faults)
}

/// Writes folder `i` of `dirs` with the files `produce(i)` gives, every
/// folder or nothing, as [`write_all`] does, rendering, checking and
/// staging one folder at a time on each core, so that only the plan is
/// kept for the whole build. An error is the one a write that first
/// rendered and checked everything would report (`ranks`): a failure
/// stops the staging, and the folders not yet seen are still rendered and
/// checked, without writing, to find it.
fn write_stream(
    root: Option<&Path>,
    dirs: &[PathBuf],
    produce: &Produce,
    ranks: Ranks,
    faults: &mut Faults,
) -> Result<Written, String> {
    let mut result = Written::default();
    if dirs.is_empty() {
        return Ok(result);
    }
    // Before the lock, [`write_locked`] has checked every mark.
    let early = |e: String| match ranks {
        Ranks::MarksFirst => precheck(dirs, produce, ranks, Stop::Mark).unwrap_or(e),
        Ranks::PerFolder => e,
    };
    let (root, names) = layout(root, dirs).map_err(early)?;
    // 1. Finish or undo what an interrupted build left (only vpcegen's
    // own files); each folder is refused, if it is, before it is staged.
    result.recovered = recover(&root).map_err(early)?;
    // 2. The output folder (usually just `--out`) is shared, so it is
    // created here, once; each spec folder is its own.
    let missing: Vec<PathBuf> = root
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let refused = |e: String| precheck(dirs, produce, ranks, Stop::OnDisk).unwrap_or(e);
    for dir in missing.iter().rev() {
        if let Err(e) = faults.step().and_then(|_| std::fs::create_dir(dir)) {
            remove_dirs(&created_dirs);
            return Err(refused(io_error("create", dir, &e)));
        }
        created_dirs.push(dir.clone());
    }
    let txn = match Txn::begin(&root, faults) {
        Ok(t) => t,
        Err(e) => {
            remove_dirs(&created_dirs);
            return Err(refused(e));
        }
    };
    match txn.run(dirs, &names, produce, ranks, faults, &mut result) {
        Ok(()) => Ok(result),
        Err(e) => {
            remove_dirs(&created_dirs);
            Err(e)
        }
    }
}
/// One build's transaction: its private folder in `--out`, and the id
/// that names its private folder in each spec folder.
struct Txn {
    root: PathBuf,
    dir: PathBuf,
    id: String,
}

impl Txn {
    /// Creates the transaction's folder under a name no one has used.
    fn begin(root: &Path, faults: &Faults) -> Result<Txn, String> {
        let mut nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        loop {
            let id = format!("{}-{nonce:x}", std::process::id());
            let dir = root.join(txn_name(&id));
            match faults.step().and_then(|_| std::fs::create_dir(&dir)) {
                Ok(()) => {
                    let root = root.to_path_buf();
                    return Ok(Txn { root, dir, id });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => nonce = nonce.wrapping_add(1),
                Err(e) => return Err(io_error("create", &dir, &e)),
            }
        }
    }

    /// Journal, stage, plan, commit, clean up; on failure, everything is
    /// put back and the transaction's folders are gone.
    fn run(
        &self,
        dirs: &[PathBuf],
        names: &[String],
        produce: &Produce,
        ranks: Ranks,
        faults: &Faults,
        result: &mut Written,
    ) -> Result<(), String> {
        let journal = Journal {
            vpcegen_transaction: 1,
            folders: dirs
                .iter()
                .zip(names)
                .map(|(dir, name)| JournalFolder {
                    name: name.clone(),
                    created: !dir.exists(),
                    parents: missing_parents(&self.root, dir),
                })
                .collect(),
        };
        if let Err(e) = self.write(JOURNAL, &journal, faults) {
            self.abandon();
            return Err(e);
        }
        pause(|| "journal".into());

        let staged = match stage_all(dirs, names, produce, ranks, &self.id, faults) {
            Ok(staged) => staged,
            Err((e, clean)) => {
                if clean {
                    self.abandon();
                }
                return Err(e);
            }
        };
        pause(|| "staged".into());
        let plan = Plan {
            vpcegen_transaction: 1,
            folders: staged
                .iter()
                .filter(|s| !s.entries.is_empty())
                .map(|s| PlanFolder {
                    name: s.name.clone(),
                    entries: s
                        .entries
                        .iter()
                        .map(|e| PlanEntry {
                            op: e.op,
                            file: e.file.clone(),
                            flat: e.flat,
                        })
                        .collect(),
                })
                .collect(),
        };
        if let Err(e) = self.write(PLAN, &plan, faults) {
            if discard_all(&staged) {
                self.abandon();
            }
            return Err(e);
        }
        pause(|| "planned".into());

        // Commit, keeping old files as backups until everything is in place.
        let mut done: Vec<Done> = Vec::new();
        let mut renames = 0;
        let mut renamed = || {
            renames += 1;
            pause(|| format!("rename:{renames}"));
        };
        let commit = (|| -> Result<(), String> {
            for s in &staged {
                for (n, e) in s.entries.iter().enumerate() {
                    let (new, old) = (s.new_path(n), s.old_path(n));
                    let target = &e.target;
                    match e.op {
                        Op::Replace => {
                            faults
                                .step()
                                .and_then(|_| std::fs::rename(target, &old))
                                .map_err(|e| io_error("replace", target, &e))?;
                            done.push(Done::Replaced {
                                target: target.clone(),
                                backup: old,
                            });
                            renamed();
                            faults
                                .step()
                                .and_then(|_| std::fs::rename(&new, target))
                                .map_err(|e| io_error("replace", target, &e))?;
                            renamed();
                        }
                        Op::Create => {
                            faults
                                .step()
                                .and_then(|_| std::fs::rename(&new, target))
                                .map_err(|e| io_error("replace", target, &e))?;
                            done.push(Done::Created(target.clone()));
                            renamed();
                        }
                        Op::Remove => {
                            faults
                                .step()
                                .and_then(|_| std::fs::rename(target, &old))
                                .map_err(|e| io_error("remove stale", target, &e))?;
                            done.push(Done::Removed {
                                target: target.clone(),
                                backup: old,
                            });
                            renamed();
                        }
                    }
                }
            }
            // The commit point: from here on, an interrupted build is
            // finished, not undone.
            let committed = self.dir.join(COMMITTED);
            faults
                .step()
                .and_then(|_| std::fs::File::create_new(&committed).map(drop))
                .map_err(|e| io_error("write", &committed, &e))
        })();
        if let Err(e) = commit {
            if undo(done) {
                if discard_all(&staged) {
                    self.abandon();
                }
                return Err(format!("{e}; every file was put back as it was"));
            }
            return Err(format!(
                "{e}; not every file could be put back: run `vpcegen build` again to finish undoing it"
            ));
        }
        pause(|| "committed".into());

        // The transaction's own files go last, and only once every spec
        // folder's part is gone, so that whatever a failure here leaves
        // is finished by the next build.
        let mut clean = true;
        result.files = staged.iter().map(|s| s.files).collect();
        for (i, s) in staged.iter().enumerate() {
            result.unchanged += s.unchanged;
            let mut flat = 0;
            for (n, e) in s.entries.iter().enumerate() {
                match e.op {
                    Op::Create => result.written += 1,
                    Op::Replace => {
                        result.written += 1;
                        let _ = std::fs::remove_file(s.old_path(n));
                    }
                    Op::Remove if e.flat => {
                        flat += 1;
                        let _ = std::fs::remove_file(s.old_path(n));
                    }
                    Op::Remove => {
                        result.removed += 1;
                        let _ = std::fs::remove_file(s.old_path(n));
                    }
                }
            }
            if let (Some(from), true) = (s.up.first(), flat > 0) {
                result.flat.push((from.clone(), s.dir.clone(), flat));
            }
            if let Some(txn) = &s.txn {
                clean &= std::fs::remove_dir(txn).is_ok();
            }
            pause(|| format!("cleanup:{}", i + 1));
        }
        if clean {
            let _ = finish(&self.dir, &[PLAN, JOURNAL, COMMITTED]);
        }
        Ok(())
    }

    /// Writes the journal or the plan, as one JSON document.
    fn write(&self, name: &str, value: &impl Serialize, faults: &Faults) -> Result<(), String> {
        let path = self.dir.join(name);
        let mut text = serde_json::to_vec(value).expect("plans serialize");
        text.push(b'\n');
        faults
            .step()
            .and_then(|_| std::fs::File::create_new(&path))
            .and_then(|mut f| {
                faults.step()?;
                f.write_all(&text)
            })
            .map_err(|e| io_error("write", &path, &e))
    }

    /// Removes the transaction's own folder; only once nothing was
    /// committed and every spec folder's part is gone.
    fn abandon(&self) {
        for name in [PLAN, JOURNAL] {
            let _ = std::fs::remove_file(self.dir.join(name));
        }
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// One spec folder, staged: what the commit does to each file, the
/// staged files being in the folder's private transaction folder.
struct Staged {
    name: String,
    dir: PathBuf,
    /// The folder itself, when this write created it.
    created: bool,
    /// The folders between `--out` and this one, innermost first; the
    /// first is where the old flat layout wrote this spec's files.
    up: Vec<PathBuf>,
    /// Those of `up` this write created, outermost first.
    parents: Vec<PathBuf>,
    /// The private folder, once something had to be staged.
    txn: Option<PathBuf>,
    entries: Vec<Entry>,
    unchanged: usize,
    /// How many files the folder has.
    files: usize,
}

struct Entry {
    op: Op,
    file: String,
    target: PathBuf,
    /// In the old flat layout's folder (`up[0]`).
    flat: bool,
}

impl Staged {
    fn new_path(&self, n: usize) -> PathBuf {
        self.txn.as_ref().expect("staged").join(format!("{n}.new"))
    }

    fn old_path(&self, n: usize) -> PathBuf {
        self.txn.as_ref().expect("staged").join(format!("{n}.old"))
    }

    /// Removes the staged files, the private folder and a folder this
    /// write created. Backups are never removed here. False if the
    /// private folder is still there.
    fn discard(&self) -> bool {
        if let Some(txn) = &self.txn {
            for n in 0..self.entries.len() {
                let _ = std::fs::remove_file(self.new_path(n));
            }
            if std::fs::remove_dir(txn).is_err() {
                return false;
            }
        }
        if self.created {
            let _ = std::fs::remove_dir(&self.dir);
        }
        for p in self.parents.iter().rev() {
            let _ = std::fs::remove_dir(p);
        }
        true
    }
}

/// Discards every staged folder; false if a private folder is left.
fn discard_all(staged: &[Staged]) -> bool {
    // Every one, even after one fails.
    staged
        .iter()
        .map(Staged::discard)
        .filter(|gone| !gone)
        .count()
        == 0
}

/// Renders, checks and stages every folder, one worker per core: with a
/// thousand folders most of a write is the kernel creating inodes (slow
/// on some file systems right after many files were deleted), which runs
/// on every core at once, beside the rendering. Results keep the folders'
/// order. After the first failure no folder is staged any more, but each
/// is still rendered and checked, so that the error reported is the one
/// [`Stop`] ranks first; then every staged file and every folder created
/// here is removed (the flag: whether every private folder is gone).
fn stage_all(
    dirs: &[PathBuf],
    names: &[String],
    produce: &Produce,
    ranks: Ranks,
    id: &str,
    faults: &Faults,
) -> Result<Vec<Staged>, (String, bool)> {
    let stopped = AtomicBool::new(false);
    let results = in_order(dirs.len(), &stopped, |i, stopped| {
        let stage_as = (!stopped).then_some((names[i].as_str(), id, faults));
        let r = visit(&dirs[i], produce, i, stage_as);
        let failed = r.is_err();
        (r, failed)
    });
    let mut staged = Vec::with_capacity(results.len());
    let mut first_error: Option<(Stop, String)> = None;
    let mut clean = true;
    for r in results {
        match r {
            Ok(Some(s)) => staged.push(s),
            Ok(None) => {}
            Err((stop, e, gone)) => {
                clean &= gone;
                let rank = ranks.of(stop);
                if first_error.as_ref().is_none_or(|(r, _)| rank < *r) {
                    first_error = Some((rank, e));
                }
            }
        }
    }
    match first_error {
        None => Ok(staged),
        Some((_, e)) => Err((e, discard_all(&staged) && clean)),
    }
}

/// A staged folder, or the message and whether its private folder is gone.
type StageResult = Result<Staged, (String, bool)>;

/// Stages one folder; on failure, removes what it staged and created.
fn stage(dir: &Path, files: &[File], name: &str, id: &str, faults: &Faults) -> StageResult {
    let depth = name.split('/').count();
    let mut staged = Staged {
        name: name.to_string(),
        dir: dir.to_path_buf(),
        created: false,
        up: dir
            .ancestors()
            .skip(1)
            .take(depth - 1)
            .map(Path::to_path_buf)
            .collect(),
        parents: Vec::new(),
        txn: None,
        entries: Vec::new(),
        unchanged: 0,
        files: files.len(),
    };
    match stage_into(&mut staged, files, id, faults) {
        Ok(()) => Ok(staged),
        Err(e) => Err((e, staged.discard())),
    }
}

fn stage_into(s: &mut Staged, files: &[File], id: &str, faults: &Faults) -> Result<(), String> {
    let dir = &s.dir.clone();
    if !dir.exists() {
        for p in s.up.clone().iter().rev().filter(|p| !p.exists()) {
            faults
                .step()
                .and_then(|_| std::fs::create_dir(p))
                .map_err(|e| io_error("create", p, &e))?;
            s.parents.push(p.clone());
        }
        faults
            .step()
            .and_then(|_| std::fs::create_dir(dir))
            .map_err(|e| io_error("create", dir, &e))?;
        s.created = true;
    }
    let txn_dir = |s: &mut Staged| -> Result<(), String> {
        if s.txn.is_none() {
            let txn = dir.join(txn_name(id));
            faults
                .step()
                .and_then(|_| std::fs::create_dir(&txn))
                .map_err(|e| io_error("write in", dir, &e))?;
            s.txn = Some(txn);
        }
        Ok(())
    };
    let stale = if s.created {
        Vec::new()
    } else {
        stale(dir, files)
    };
    for f in files {
        let target = dir.join(&f.path);
        if !s.created
            && crate::source::read_bytes_limited(&target, f.contents.len() as u64)
                .is_ok_and(|old| old == f.contents.as_bytes())
        {
            s.unchanged += 1;
            continue;
        }
        txn_dir(s)?;
        let op = if std::fs::symlink_metadata(&target).is_ok() {
            Op::Replace
        } else {
            Op::Create
        };
        s.entries.push(Entry {
            op,
            file: f.path.clone(),
            target: target.clone(),
            flat: false,
        });
        let path = s.new_path(s.entries.len() - 1);
        let mut tmp = faults
            .step()
            .and_then(|_| new_file(&path, &target))
            .map_err(|e| io_error("write in", dir, &e))?;
        faults
            .step()
            .and_then(|_| tmp.write_all(f.contents.as_bytes()))
            .map_err(|e| io_error("write", &target, &e))?;
        // Closed once written: a thousand spec folders are six thousand
        // files, far past the usual limit of 1,024 open files, and a
        // growing descriptor table stalls a threaded process for an RCU
        // grace period each time it doubles.
        drop(tmp);
    }
    let flat =
        s.up.first()
            .map(|up| self::stale(up, &[]))
            .unwrap_or_default();
    let stale = stale.into_iter().map(|t| (t, false));
    for (target, flat) in stale.chain(flat.into_iter().map(|t| (t, true))) {
        txn_dir(s)?;
        let file = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        s.entries.push(Entry {
            op: Op::Remove,
            file,
            target,
            flat,
        });
    }
    Ok(())
}

/// The folders between `root` and `dir` that do not exist yet, outermost
/// first, by their names in `root`.
fn missing_parents(root: &Path, dir: &Path) -> Vec<String> {
    let mut missing: Vec<String> = dir
        .ancestors()
        .skip(1)
        .take_while(|a| !a.as_os_str().is_empty() && *a != root && !a.exists())
        .filter_map(|a| names::relative(root, a))
        .collect();
    missing.reverse();
    missing
}

/// A new file at `path` with the mode a plain write would give: the old
/// file's when it replaces one, else read-write for all as the umask
/// allows.
fn new_file(path: &Path, target: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o666);
    }
    let file = options.open(path)?;
    if let Ok(old) = std::fs::metadata(target) {
        file.set_permissions(old.permissions())?;
    }
    Ok(file)
}

/// Undoes the commit, in reverse; false if something could not be put back.
fn undo(done: Vec<Done>) -> bool {
    let mut ok = true;
    for d in done.into_iter().rev() {
        match d {
            Done::Created(target) => {
                let _ = std::fs::remove_file(target);
            }
            Done::Replaced { target, backup } | Done::Removed { target, backup } => {
                ok &= std::fs::rename(backup, target).is_ok();
            }
        }
    }
    ok
}

/// Removes the folders a failed write created, innermost first.
fn remove_dirs(dirs: &[PathBuf]) {
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> String {
    let why = match e.kind() {
        std::io::ErrorKind::StorageFull => "no space left on the device".to_string(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (is the folder read-only?)".to_string()
        }
        std::io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_string(),
        _ => e.to_string(),
    };
    format!("cannot {what} `{}`: {why}", path.display())
}

/// The transaction folders in `root` that are provably vpcegen's: named as
/// [`txn_name`] names them, holding nothing but a journal, a plan and the
/// commit mark, each as vpcegen writes them (or cut short by a kill).
fn transactions(root: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, String)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let id = txn_id(&name)?.to_string();
            Some((e.path(), id))
        })
        .filter(|(dir, _)| {
            std::fs::read_dir(dir).is_ok_and(|mut entries| {
                entries.all(|e| {
                    e.is_ok_and(|e| {
                        let path = e.path();
                        let ours = match e.file_name().to_str() {
                            Some(JOURNAL | PLAN) => std::fs::read(&path).is_ok_and(|t| {
                                t.starts_with(MAGIC.as_bytes()) || MAGIC.as_bytes().starts_with(&t)
                            }),
                            Some(COMMITTED) => {
                                std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == 0)
                            }
                            _ => false,
                        };
                        ours && e.file_type().is_ok_and(|t| t.is_file())
                    })
                })
            })
        })
        .collect();
    out.sort();
    out
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// What an interrupted build left in `root` (`--out`): its transaction
/// folder, then its spec folders' private folders.
pub fn leftovers(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (dir, id) in transactions(root) {
        let journal: Option<Journal> = read_json(&dir.join(JOURNAL));
        out.push(dir);
        let folders = journal.map(|j| j.folders).unwrap_or_default();
        for f in folders.iter().filter(|f| names::is_folder_name(&f.name)) {
            let part = root.join(&f.name).join(txn_name(&id));
            if part.is_dir() {
                out.push(part);
            }
        }
    }
    out
}

/// Finishes or undoes every build that was interrupted while writing into
/// `root` (`--out`), so that it holds one whole build again: a build that
/// reached its commit point is finished (its backups removed), any other
/// is undone (backups moved back, files it created removed, staged files
/// and folders it created removed). Only what is provably vpcegen's is
/// touched: the transaction's own folders, and targets its plan names that
/// carry the mark. Says what it did, one sentence per build. Run it under
/// the lock, as [`write_locked`] does.
pub fn recover(root: &Path) -> Result<Vec<String>, String> {
    transactions(root)
        .into_iter()
        .map(|(dir, id)| recover_one(root, &dir, &id))
        .collect()
}

fn recover_one(root: &Path, dir: &Path, id: &str) -> Result<String, String> {
    let journal: Option<Journal> = read_json(&dir.join(JOURNAL));
    let plan: Option<Plan> = read_json(&dir.join(PLAN));
    let committed = dir.join(COMMITTED).exists();
    let folders = journal.map(|j| j.folders).unwrap_or_default();
    let part = |name: &str| root.join(name).join(txn_name(id));
    let shown = dir.display();
    inside(root, &folders, plan.as_ref(), &shown.to_string())?;
    if committed {
        for f in &folders {
            clear(&part(&f.name), true)?;
        }
        finish(dir, &[PLAN, JOURNAL, COMMITTED])?;
        return Ok(format!(
            "finished the build interrupted after its commit (`{shown}`): its files were all in place; removed its backups"
        ));
    }
    let mut restored = 0;
    if let Some(plan) = &plan {
        for pf in plan.folders.iter().rev() {
            let part = part(&pf.name);
            for (n, e) in pf.entries.iter().enumerate().rev() {
                let folder = root.join(&pf.name);
                let target = match (e.flat, folder.parent()) {
                    (true, Some(up)) => up.join(&e.file),
                    _ => folder.join(&e.file),
                };
                match e.op {
                    Op::Replace | Op::Remove => {
                        let old = part.join(format!("{n}.old"));
                        if std::fs::symlink_metadata(&old).is_err() {
                            continue;
                        }
                        let free = match std::fs::symlink_metadata(&target) {
                            Err(e) => e.kind() == ErrorKind::NotFound,
                            Ok(m) => m.is_file() && (m.len() == 0 || is_generated(&target)),
                        };
                        if !free {
                            return Err(format!(
                                "cannot undo the interrupted build `{shown}`: `{}` changed since and is no longer generated; move it away, and run the build again (the old file is `{}`)",
                                target.display(),
                                old.display()
                            ));
                        }
                        std::fs::rename(&old, &target)
                            .map_err(|e| io_error("put back", &target, &e))?;
                        restored += 1;
                    }
                    Op::Create => {
                        let moved =
                            std::fs::symlink_metadata(part.join(format!("{n}.new"))).is_err();
                        if moved && is_generated(&target) {
                            std::fs::remove_file(&target)
                                .map_err(|e| io_error("remove", &target, &e))?;
                            restored += 1;
                        }
                    }
                }
            }
        }
    }
    for f in &folders {
        clear(&part(&f.name), false)?;
        if f.created {
            let _ = std::fs::remove_dir(root.join(&f.name));
        }
        for p in f.parents.iter().rev() {
            let _ = std::fs::remove_dir(root.join(p));
        }
    }
    finish(dir, &[PLAN, JOURNAL])?;
    Ok(if restored > 0 {
        format!(
            "undid the build interrupted before its commit (`{shown}`): put {restored} file(s) back as they were"
        )
    } else {
        format!(
            "removed what a build interrupted before its commit had staged (`{shown}`); no file had changed"
        )
    })
}

/// Refuses a journal or plan (of the transaction `shown`) that names a
/// folder or file outside `root`, before anything is changed.
fn inside(
    root: &Path,
    folders: &[JournalFolder],
    plan: Option<&Plan>,
    shown: &str,
) -> Result<(), String> {
    for f in folders {
        names::resolve(root, &f.name, shown)?;
        for p in &f.parents {
            names::resolve(root, p, shown)?;
            if !f.name.starts_with(&format!("{p}/")) {
                let what = &format!("a folder around `{}` in", f.name.escape_debug());
                return Err(names::refused(root, p, shown, what));
            }
        }
    }
    for pf in plan.map(|p| &p.folders[..]).unwrap_or_default() {
        names::resolve(root, &pf.name, shown)?;
        for e in &pf.entries {
            let file = if e.flat && !pf.name.contains('/') {
                // The flat folder of a top-level folder would be `root`.
                format!("../{}", e.file)
            } else {
                e.file.clone()
            };
            if !names::is_plain(&file) {
                return Err(format!(
                    "cannot recover the interrupted build `{shown}`: it names the file `{}` in `{}`, which is not a plain file name there; nothing was changed (if `{shown}` is not vpcegen's, move it away)",
                    e.file.escape_debug(),
                    pf.name.escape_debug()
                ));
            }
        }
    }
    Ok(())
}

/// Removes a spec folder's private transaction folder: its staged files,
/// and its backups only when `backups` (the build was committed).
fn clear(part: &Path, backups: bool) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(part) else {
        return Ok(());
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = |suffix: &str| {
            name.strip_suffix(suffix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        if ours(".new") || (backups && ours(".old")) {
            std::fs::remove_file(e.path()).map_err(|err| io_error("remove", &e.path(), &err))?;
        }
    }
    std::fs::remove_dir(part).map_err(|e| io_error("remove", part, &e))
}

/// Removes the transaction's own files, in order, then its folder.
fn finish(dir: &Path, names: &[&str]) -> Result<(), String> {
    for name in names {
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(io_error("remove", &path, &e)),
            _ => {}
        }
    }
    std::fs::remove_dir(dir).map_err(|e| io_error("remove", dir, &e))
}

/// An advisory lock on an output folder, released when dropped (or when
/// the process dies, however it dies).
pub struct Lock {
    _file: Option<std::fs::File>,
}

/// Opens what the lock is taken on. On Unix, the folder itself: `flock`
/// works on a directory, and no file is added to the user's repository.
/// Elsewhere a folder cannot be locked, so a `.vpcegen.lock` file in it
/// is (created if missing, never written to or removed).
fn lock_target(dir: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(".vpcegen.lock"))
    }
}

/// Whether the locked file is still what `dir` names: the folder may have
/// been removed (a failed first build removes the folder it created) or
/// replaced while this process waited.
fn still_there(file: &std::fs::File, dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(dir)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        dir.is_dir()
    }
}

impl Lock {
    /// Locks `dir`, exclusively to write or shared to read, waiting for
    /// another vpcegen that holds it (after saying so through `notice`).
    /// `None` when `dir` is not a folder. Where the file system cannot
    /// lock, says so and goes on without a lock.
    fn take(dir: &Path, exclusive: bool, notice: &mut dyn FnMut(&str)) -> Option<Lock> {
        let mut told = false;
        loop {
            if !dir.is_dir() {
                return None;
            }
            let file = match lock_target(dir) {
                Ok(f) => f,
                Err(e) => {
                    notice(&format!(
                        "warning: cannot lock `{}` ({e}); going on without the lock, so do not run another build into it meanwhile",
                        dir.display()
                    ));
                    return Some(Lock { _file: None });
                }
            };
            let tried = if exclusive {
                file.try_lock()
            } else {
                file.try_lock_shared()
            };
            let locked = match tried {
                Ok(()) => Ok(()),
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !told {
                        notice(&format!(
                            "waiting for another vpcegen process to finish with `{}` (it holds the folder's lock)...",
                            crate::source::display_path(dir)
                        ));
                        told = true;
                    }
                    loop {
                        let r = if exclusive {
                            file.lock()
                        } else {
                            file.lock_shared()
                        };
                        match r {
                            Err(e) if e.kind() == ErrorKind::Interrupted => {}
                            r => break r,
                        }
                    }
                }
                Err(std::fs::TryLockError::Error(e)) => Err(e),
            };
            if let Err(e) = locked {
                notice(&format!(
                    "warning: cannot lock `{}` ({e}); going on without the lock, so do not run another build into it meanwhile",
                    dir.display()
                ));
                return Some(Lock { _file: None });
            }
            if still_there(&file, dir) {
                return Some(Lock { _file: Some(file) });
            }
        }
    }
}

/// `build`: writes folder `i` of `dirs` (each in `out`) with the files
/// `produce(i)` gives, streamed as [`write_stream`] does, under an
/// exclusive lock on `out`, creating `out` first if need be (and removing
/// it again if the build fails). Another
/// vpcegen writing or checking `out` is waited for, after a line through
/// `notice`, which also hears what was done about an interrupted build.
pub fn write_locked(
    out: &Path,
    dirs: &[PathBuf],
    produce: &Produce,
    notice: &mut dyn FnMut(&str),
) -> Result<Written, String> {
    if dirs.is_empty() {
        return Ok(Written::default());
    }
    // A render error or a refused mark comes before any error of the lock.
    let refused = |e: String| precheck(dirs, produce, Ranks::MarksFirst, Stop::Mark).unwrap_or(e);
    let out = if out.as_os_str().is_empty() {
        Path::new(".")
    } else {
        out
    };
    let mut created: Vec<PathBuf> = Vec::new();
    let lock = loop {
        let missing: Vec<PathBuf> = out
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        for dir in missing.iter().rev() {
            match std::fs::create_dir(dir) {
                Ok(()) => created.push(dir.clone()),
                Err(e) if e.kind() == ErrorKind::AlreadyExists && dir.is_dir() => {}
                Err(e) => {
                    remove_dirs(&created);
                    return Err(refused(io_error("create", dir, &e)));
                }
            }
        }
        if !out.is_dir() {
            remove_dirs(&created);
            return Err(refused(format!("`{}` is not a folder", out.display())));
        }
        // `None`: removed while this process waited; create it again.
        if let Some(lock) = Lock::take(out, true, notice) {
            break lock;
        }
    };
    let result = write_stream(
        Some(out),
        dirs,
        produce,
        Ranks::MarksFirst,
        &mut Faults::none(),
    );
    match &result {
        Ok(w) => w
            .recovered
            .iter()
            .for_each(|m| notice(&format!("note: {m}"))),
        Err(_) => remove_dirs(&created),
    }
    drop(lock);
    result
}

/// `build --check`: [`check_all`] under a shared lock on `out`, so that it
/// never reads a folder while a build commits into it. A missing `out` is
/// not created (nothing to lock, everything missing).
pub fn check_locked(
    out: &Path,
    dirs: &[PathBuf],
    produce: &Produce,
    notice: &mut dyn FnMut(&str),
) -> Result<Drift, String> {
    let out = if out.as_os_str().is_empty() {
        Path::new(".")
    } else {
        out
    };
    loop {
        let lock = Lock::take(out, false, notice);
        let drift = check_in(Some(out), dirs, produce)?;
        // Without a lock, only a folder that still does not exist proves
        // that no build ran meanwhile.
        if lock.is_some() || !out.is_dir() {
            return Ok(drift);
        }
    }
}

/// How the folders on disk differ from what the specs produce now.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files whose content differs, with a unified diff (disk → spec).
    pub changed: Vec<(PathBuf, String)>,
    /// Files the specs produce that are not on disk.
    pub missing: Vec<PathBuf>,
    /// Generated files on disk that the specs no longer produce.
    pub extra: Vec<PathBuf>,
    /// Generated files an older vpcegen wrote in the old flat layout,
    /// straight in `--out/<name>/`, which the next build removes.
    pub flat: Vec<PathBuf>,
    /// What an interrupted build left (see [`leftovers`]).
    pub leftovers: Vec<PathBuf>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.flat.is_empty()
            && self.leftovers.is_empty()
    }
}

/// `build --check`: compares without writing anything, one folder per
/// core at a time, each rendered when its turn comes; the first render
/// error, in folder order, is returned instead. Takes no lock: see
/// [`check_locked`].
pub fn check_all(dirs: &[PathBuf], produce: &Produce) -> Result<Drift, String> {
    check_in(None, dirs, produce)
}

/// [`check_all`] of folders in `root` (`--out`; by default their parent).
fn check_in(root: Option<&Path>, dirs: &[PathBuf], produce: &Produce) -> Result<Drift, String> {
    let mut drift = Drift::default();
    let root = layout(root, dirs).ok().map(|(root, _)| root);
    if let Some(root) = &root {
        drift.leftovers = leftovers(root);
    }
    let stopped = AtomicBool::new(false);
    let parts = in_order(dirs.len(), &stopped, |i, stopped| {
        if stopped {
            return (Ok(Drift::default()), false);
        }
        let r = produce(i).map(|files| {
            let mut drift = compare(&dirs[i], &files);
            let up = root.as_ref().and_then(|r| names::flat_parent(r, &dirs[i]));
            drift.flat = up.map(|up| stale(&up, &[])).unwrap_or_default();
            drift
        });
        let failed = r.is_err();
        (r, failed)
    });
    for part in parts {
        let part = part?;
        drift.changed.extend(part.changed);
        drift.missing.extend(part.missing);
        drift.extra.extend(part.extra);
        drift.flat.extend(part.flat);
    }
    Ok(drift)
}

/// How one folder on disk differs from `files`.
fn compare(dir: &Path, files: &[File]) -> Drift {
    let mut drift = Drift::default();
    for f in files {
        let target = dir.join(&f.path);
        // Regular files only, and bounded: what is on disk may be a
        // FIFO, or a link to `/dev/zero` or to a file of secrets.
        match crate::source::read_bytes_limited(&target, MAX_COMPARED_BYTES) {
            Err(crate::source::ReadError::TooLarge { .. }) => {
                let shown = crate::source::display_path(&target);
                drift.changed.push((
                    target,
                    format!(
                        "{shown}: on disk, larger than {MAX_COMPARED_BYTES} bytes: not shown\n"
                    ),
                ));
            }
            Err(_) => drift.missing.push(target),
            Ok(old) if old == f.contents.as_bytes() => {}
            Ok(old) if !is_marked(&target, &old) => {
                let shown = crate::source::display_path(&target);
                drift.changed.push((
                    target,
                    format!("{shown}: on disk, a file without the \"{MARK}\" mark (not written by vpcegen): not shown\n"),
                ));
            }
            Ok(old) => {
                // A file vpcegen wrote, edited since: shown, with any
                // control character escaped.
                let old = String::from_utf8_lossy(&old);
                let old = crate::diagnostic::printable_lines(&old);
                let shown = crate::source::display_path(&target);
                let diff = similar::TextDiff::from_lines(old.as_ref(), f.contents.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{shown} (on disk)"),
                        &format!("{shown} (from the spec)"),
                    )
                    .to_string();
                drift.changed.push((target, diff));
            }
        }
    }
    drift.extra.extend(stale(dir, files));
    drift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> File {
        File {
            path: name.into(),
            contents: format!("{}\nbody\n", render::header("#", "spec.toml")),
        }
    }

    /// Folders `0..n` in `out`, each with two files, rendered on demand;
    /// folder `bad_render` fails to render and folder `unmarked` has a
    /// file without the mark.
    fn stream(
        out: &Path,
        n: usize,
        bad_render: Option<usize>,
        unmarked: Option<usize>,
    ) -> (Vec<PathBuf>, Box<Produce<'static>>) {
        let dirs = (0..n).map(|i| out.join(format!("s{i}"))).collect();
        let produce = move |i: usize| {
            if Some(i) == bad_render {
                return Err(format!("render {i}"));
            }
            let mut files = vec![file("main.tf"), file("outputs.tf")];
            if Some(i) == unmarked {
                files[1].contents = "no mark\n".into();
            }
            Ok(Cow::Owned(files))
        };
        (dirs, Box::new(produce))
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = walk(dir)
            .into_iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect();
        v.sort();
        v
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            out.push(e.path());
            if e.file_type().unwrap().is_dir() {
                out.extend(walk(&e.path()));
            }
        }
        out
    }

    #[test]
    fn a_streamed_write_counts_each_folders_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let (dirs, produce) = stream(&out, 40, None, None);
        let w = write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap();
        assert_eq!(w.files, vec![2; 40]);
        assert_eq!(w.written, 80);
        assert_eq!(entries(&out).len(), 40 * 3);
        assert!(check_all(&dirs, &produce).unwrap().is_clean());
    }

    #[test]
    fn a_render_error_wins_over_an_earlier_refusal_and_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        // One build in place, to be left exactly as it is.
        let (dirs, produce) = stream(&out, 40, None, None);
        write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap();
        let before = entries(&out);
        // A hand-written file in folder 2 is refused under the lock, a
        // missing mark in folder 20 before it, a render error in folder
        // 35 before anything: the render error is the one reported, as
        // when every folder was rendered before the first was written.
        std::fs::write(out.join("s2/main.tf"), "mine\n").unwrap();
        let (dirs, produce) = stream(&out, 40, Some(35), Some(20));
        let e = write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap_err();
        assert_eq!(e, "render 35");
        assert_eq!(entries(&out), before);
        assert_eq!(check_all(&dirs, &produce).unwrap_err(), "render 35");
        let (dirs, produce) = stream(&out, 40, None, Some(20));
        let e = write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap_err();
        assert!(
            e.contains("s20/outputs.tf") && e.contains("would not start"),
            "{e}"
        );
        let (dirs, produce) = stream(&out, 40, None, None);
        let e = write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap_err();
        assert!(
            e.contains("refusing to overwrite") && e.contains("s2/main.tf"),
            "{e}"
        );
        assert_eq!(entries(&out), before);
        assert_eq!(
            std::fs::read_to_string(out.join("s2/main.tf")).unwrap(),
            "mine\n"
        );
    }

    #[test]
    fn a_render_error_comes_before_an_output_folder_that_cannot_be() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::write(&out, "a file\n").unwrap();
        let (dirs, produce) = stream(&out, 5, Some(3), None);
        let e = write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap_err();
        assert_eq!(e, "render 3");
        let (dirs, produce) = stream(&out, 5, None, None);
        let e = write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap_err();
        assert!(
            e.contains("not a folder") || e.contains("a file is in the way"),
            "{e}"
        );
    }
}
