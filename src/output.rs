//! Writing generated files: everything is checked and staged before the
//! first rename, files without the generated-by mark are never touched,
//! and a failed build leaves the output folder as it was.

use crate::render::{File, MARK};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    let Ok(mut f) = std::fs::File::open(path) else {
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
    /// Operations performed so far.
    pub count: usize,
}

impl Faults {
    pub fn none() -> Faults {
        Faults {
            fail_at: None,
            kind: std::io::ErrorKind::Other,
            count: 0,
        }
    }

    pub fn at(n: usize, kind: std::io::ErrorKind) -> Faults {
        Faults {
            fail_at: Some(n),
            kind,
            count: 0,
        }
    }

    fn step(&mut self) -> std::io::Result<()> {
        let n = self.count;
        self.count += 1;
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
            if target.exists() && !is_generated(&target) {
                return Err(format!(
                    "refusing to overwrite `{}`: it does not carry the \"{MARK}\" mark, so it may be hand-written; move it away or choose another --out",
                    target.display()
                ));
            }
        }
    }

    // 2. Stage every new file beside its target; nothing visible changes yet.
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf)> = Vec::new();
    let mut removals = Vec::new();
    let staging = (|| -> Result<(), String> {
        for folder in folders {
            removals.extend(stale(&folder.dir, &folder.files));
            let missing: Vec<PathBuf> = folder
                .dir
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
            for f in &folder.files {
                let target = folder.dir.join(&f.path);
                if std::fs::read(&target).is_ok_and(|old| old == f.contents.as_bytes()) {
                    result.unchanged += 1;
                    continue;
                }
                let mut tmp = faults
                    .step()
                    .and_then(|_| {
                        tempfile::Builder::new()
                            .prefix(".vpcegen-")
                            .tempfile_in(&folder.dir)
                    })
                    .map_err(|e| io_error("write in", &folder.dir, &e))?;
                faults
                    .step()
                    .and_then(|_| tmp.write_all(f.contents.as_bytes()))
                    .map_err(|e| io_error("write", &target, &e))?;
                staged.push((tmp, target));
            }
        }
        // Every staged file reaches the disk before the first rename.
        sync_all(&staged)
    })();
    if let Err(e) = staging {
        drop(staged);
        remove_dirs(&created_dirs);
        return Err(e);
    }

    // 3. Commit, keeping old files as backups until everything is in place.
    let mut done: Vec<Done> = Vec::new();
    let commit = (|| -> Result<(), String> {
        for (tmp, target) in staged {
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

/// Flushes the staged files to the disk. A flush mostly waits for the
/// device, so a few threads wait at once: with thousands of files that is
/// many times faster than one after the other.
fn sync_all(staged: &[(tempfile::NamedTempFile, PathBuf)]) -> Result<(), String> {
    const THREADS: usize = 8;
    let sync = |chunk: &[(tempfile::NamedTempFile, PathBuf)]| -> Result<(), String> {
        for (tmp, target) in chunk {
            tmp.as_file()
                .sync_all()
                .map_err(|e| io_error("write", target, &e))?;
        }
        Ok(())
    };
    if staged.len() <= 1 {
        return sync(staged);
    }
    let chunk = staged.len().div_ceil(THREADS);
    std::thread::scope(|scope| {
        let workers: Vec<_> = staged
            .chunks(chunk)
            .map(|c| scope.spawn(move || sync(c)))
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().expect("a flush does not panic"))
    })
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
            match std::fs::read(&target) {
                Err(_) => drift.missing.push(target),
                Ok(old) if old == f.contents.as_bytes() => {}
                Ok(old) => {
                    let old = String::from_utf8_lossy(&old);
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
