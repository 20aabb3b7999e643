//! Writing generated files: everything is checked and staged before the
//! first rename, files without the generated-by mark are never touched,
//! and a failed build leaves the output folder as it was.
//!
//! Files are not flushed to the device (no `fsync`), as `git checkout`,
//! `terraform fmt` and cargo do not: the output is reproducible from the
//! spec and lives in version control, and a flush per file cost more than
//! everything else in a large build. Renames keep every reader from seeing
//! a half-written file; if the machine itself goes down right after a
//! build, `vpcegen build --check` tells whether the folder is intact, and
//! a file left empty by the crash is overwritten like a generated one.

use crate::render::{File, MARK};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The files of one spec's output folder.
pub struct Folder {
    pub dir: PathBuf,
    pub files: Vec<File>,
}

/// What a write changed, for the summary line.
#[derive(Debug, Default)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Whether a file on disk was written by vpcegen (the mark is near the top).
pub fn is_generated(path: &Path) -> bool {
    // A FIFO in the output folder would block a plain open.
    let Ok((mut f, _)) = crate::source::open_regular(path) else {
        return false;
    };
    let mut buf = [0u8; 1024];
    let mut n = 0;
    while n < buf.len() {
        match std::io::Read::read(&mut f, &mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return false,
        }
    }
    String::from_utf8_lossy(&buf[..n]).contains(MARK)
}

/// Files on disk larger than this are not compared nor shown by `--check`.
const MAX_COMPARED_BYTES: u64 = 64 * 1024 * 1024;

/// Whether bytes read from disk carry the mark near the top, as
/// [`is_generated`] checks a file.
fn is_marked(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).contains(MARK)
}

/// Generated files in `dir` that the new set no longer contains.
fn stale(dir: &Path, keep: &[File]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.starts_with(".vpcegen-")
                && !keep.iter().any(|f| f.path == name)
                && is_generated(p)
        })
        .collect();
    out.sort();
    out
}

/// Writes every folder, or nothing: refuses first if any file in the way
/// lacks the mark, then stages all files as temporary files beside their
/// targets, and only then moves them into place, keeping the old files
/// until the end so that any failure puts every one of them back.
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

/// What the commit phase has done, so that a failure can undo it.
enum Done {
    /// `target` was new: remove it.
    Created(PathBuf),
    /// `target` replaced a file now kept at `backup`: move it back.
    Replaced { target: PathBuf, backup: PathBuf },
    /// A stale file moved to `backup`: move it back.
    Removed { target: PathBuf, backup: PathBuf },
}

fn backup_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".vpcegen-backup-{name}"))
}

pub fn write_all_with(folders: &[Folder], faults: &mut Faults) -> Result<Written, String> {
    let mut result = Written::default();
    // 1. Refuse before touching anything.
    for folder in folders {
        if folder.dir.exists() && !folder.dir.is_dir() {
            return Err(format!(
                "`{}` exists and is not a folder",
                folder.dir.display()
            ));
        }
        if folder.dir.ancestors().skip(1).any(|a| a.is_file()) {
            return Err(format!(
                "cannot create `{}`: a file is in the way",
                folder.dir.display()
            ));
        }
        for f in &folder.files {
            let target = folder.dir.join(&f.path);
            if target.is_dir() {
                return Err(format!(
                    "`{}` is a folder; remove it to let vpcegen write the file",
                    target.display()
                ));
            }
            let empty = std::fs::metadata(&target).is_ok_and(|m| m.len() == 0);
            if target.exists() && !empty && !is_generated(&target) {
                return Err(format!(
                    "refusing to overwrite `{}`: it does not carry the \"{MARK}\" mark, so it may be hand-written; move it away or choose another --out",
                    target.display()
                ));
            }
        }
    }

    // 2. Stage every new file beside its target; nothing visible changes yet.
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let staging = (|| -> Result<Vec<Staged>, String> {
        // Folders above the spec folders (usually just `--out`) are shared,
        // so they are created here, once; each spec folder is its own.
        for folder in folders {
            let Some(parent) = folder.dir.parent() else {
                continue;
            };
            let missing: Vec<PathBuf> = parent
                .ancestors()
                .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
                .map(Path::to_path_buf)
                .collect();
            for dir in missing.iter().rev() {
                faults
                    .step()
                    .and_then(|_| std::fs::create_dir(dir))
                    .map_err(|e| io_error("create", dir, &e))?;
                created_dirs.push(dir.clone());
            }
        }
        stage_all(folders, faults)
    })();
    let staged = match staging {
        Ok(staged) => staged,
        Err(e) => {
            remove_dirs(&created_dirs);
            return Err(e);
        }
    };
    let mut removals = Vec::new();
    let mut files = Vec::new();
    for s in staged {
        result.unchanged += s.unchanged;
        removals.extend(s.stale);
        files.extend(s.files);
        created_dirs.extend(s.created);
    }

    // 3. Commit, keeping old files as backups until everything is in place.
    let mut done: Vec<Done> = Vec::new();
    let commit = (|| -> Result<(), String> {
        for (tmp, target) in files {
            if target.exists() {
                let backup = backup_path(&target);
                faults
                    .step()
                    .and_then(|_| std::fs::rename(&target, &backup))
                    .map_err(|e| io_error("replace", &target, &e))?;
                done.push(Done::Replaced {
                    target: target.clone(),
                    backup,
                });
            } else {
                done.push(Done::Created(target.clone()));
            }
            faults
                .step()
                .map_err(|e| io_error("replace", &target, &e))?;
            tmp.persist(&target)
                .map_err(|e| io_error("replace", &target, &e.error))?;
        }
        for target in &removals {
            let backup = backup_path(target);
            faults
                .step()
                .and_then(|_| std::fs::rename(target, &backup))
                .map_err(|e| io_error("remove stale", target, &e))?;
            done.push(Done::Removed {
                target: target.clone(),
                backup,
            });
        }
        Ok(())
    })();
    if let Err(e) = commit {
        undo(done);
        remove_dirs(&created_dirs);
        return Err(format!("{e}; every file was put back as it was"));
    }
    for d in done {
        match d {
            Done::Created(_) => result.written += 1,
            Done::Replaced { backup, .. } => {
                result.written += 1;
                let _ = std::fs::remove_file(backup);
            }
            Done::Removed { backup, .. } => {
                result.removed += 1;
                let _ = std::fs::remove_file(backup);
            }
        }
    }
    Ok(result)
}

/// One spec folder, staged: temporary files beside their targets, and what
/// else the commit has to do.
#[derive(Default)]
struct Staged {
    /// The folder itself, when this write created it.
    created: Option<PathBuf>,
    /// Staged files are closed once written: a thousand spec folders are
    /// six thousand files, far past the usual limit of 1,024 open files,
    /// and a growing descriptor table stalls a threaded process for an RCU
    /// grace period each time it doubles. The path still deletes the file
    /// when dropped.
    files: Vec<(tempfile::TempPath, PathBuf)>,
    stale: Vec<PathBuf>,
    unchanged: usize,
}

/// Stages every folder, one worker per core: with a thousand folders most
/// of a write is the kernel creating inodes (slow on some file systems
/// right after many files were deleted), which runs on every core at once.
/// Results keep the folders' order; on any failure every staged file is
/// dropped, which deletes it, and the folders created here are removed.
fn stage_all(folders: &[Folder], faults: &Faults) -> Result<Vec<Staged>, String> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(folders.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(folder) = folders.get(i) else {
                return done;
            };
            done.push((i, stage(folder, faults)));
        }
    };
    let mut results: Vec<(usize, Staging)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("staging does not panic"))
                .collect()
        })
    };
    results.sort_by_key(|(i, _)| *i);
    let mut staged = Vec::with_capacity(results.len());
    let mut first_error = None;
    let mut created = Vec::new();
    for (_, r) in results {
        match r {
            Ok(s) => {
                created.extend(s.created.clone());
                staged.push(s);
            }
            Err((dir, e)) => {
                created.extend(dir);
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        None => Ok(staged),
        Some(e) => {
            drop(staged);
            remove_dirs(&created);
            Err(e)
        }
    }
}

/// One folder's staging: on failure, the folder it created, if any, and
/// the message.
type Staging = Result<Staged, (Option<PathBuf>, String)>;

/// Stages one folder; on failure, says which folder it created, if any,
/// so that the caller removes it once its staged files are gone.
fn stage(folder: &Folder, faults: &Faults) -> Staging {
    let mut staged = Staged::default();
    let dir = &folder.dir;
    if !dir.exists() {
        faults
            .step()
            .and_then(|_| std::fs::create_dir(dir))
            .map_err(|e| (None, io_error("create", dir, &e)))?;
        staged.created = Some(dir.clone());
    } else {
        staged.stale = stale(dir, &folder.files);
    }
    let created = staged.created.clone();
    let fail = |e: String| (created.clone(), e);
    for f in &folder.files {
        let target = dir.join(&f.path);
        if staged.created.is_none()
            && crate::source::read_bytes_limited(&target, f.contents.len() as u64)
                .is_ok_and(|old| old == f.contents.as_bytes())
        {
            staged.unchanged += 1;
            continue;
        }
        let mut tmp = faults
            .step()
            .and_then(|_| new_file(dir, &target))
            .map_err(|e| fail(io_error("write in", dir, &e)))?;
        faults
            .step()
            .and_then(|_| tmp.write_all(f.contents.as_bytes()))
            .map_err(|e| fail(io_error("write", &target, &e)))?;
        staged.files.push((tmp.into_temp_path(), target));
    }
    Ok(staged)
}

/// A temporary file beside `target` with the mode a plain write would
/// give: the old file's when it replaces one, else read-write for all as
/// the umask allows (tempfile's own default, owner-only, would surprise
/// whoever shares the checkout).
fn new_file(dir: &Path, target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".vpcegen-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir)?;
    if let Ok(old) = std::fs::metadata(target) {
        tmp.as_file().set_permissions(old.permissions())?;
    }
    Ok(tmp)
}

fn undo(done: Vec<Done>) {
    for d in done.into_iter().rev() {
        match d {
            Done::Created(target) => {
                let _ = std::fs::remove_file(target);
            }
            Done::Replaced { target, backup } | Done::Removed { target, backup } => {
                let _ = std::fs::rename(backup, target);
            }
        }
    }
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

/// How the folders on disk differ from what the specs produce now.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files whose content differs, with a unified diff (disk → spec).
    pub changed: Vec<(PathBuf, String)>,
    /// Files the specs produce that are not on disk.
    pub missing: Vec<PathBuf>,
    /// Generated files on disk that the specs no longer produce.
    pub extra: Vec<PathBuf>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// `build --check`: compares without writing anything.
pub fn check_all(folders: &[Folder]) -> Drift {
    let mut drift = Drift::default();
    for folder in folders {
        for f in &folder.files {
            let target = folder.dir.join(&f.path);
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
                Ok(old) if !is_marked(&old) => {
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
        drift.extra.extend(stale(&folder.dir, &folder.files));
    }
    drift
}
