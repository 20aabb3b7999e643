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
/// targets, and only then renames them into place.
pub fn write_all(folders: &[Folder]) -> Result<Written, String> {
    let mut result = Written::default();
    // 1. Refuse before touching anything.
    for folder in folders {
        if folder.dir.exists() && !folder.dir.is_dir() {
            return Err(format!(
                "`{}` exists and is not a folder",
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
    // 2. Stage.
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf)> = Vec::new();
    let mut removals = Vec::new();
    for folder in folders {
        removals.extend(stale(&folder.dir, &folder.files));
        std::fs::create_dir_all(&folder.dir)
            .map_err(|e| format!("cannot create `{}`: {e}", folder.dir.display()))?;
        for f in &folder.files {
            let target = folder.dir.join(&f.path);
            if std::fs::read(&target).is_ok_and(|old| old == f.contents.as_bytes()) {
                result.unchanged += 1;
                continue;
            }
            let mut tmp = tempfile::Builder::new()
                .prefix(".vpcegen-")
                .tempfile_in(&folder.dir)
                .map_err(|e| format!("cannot write in `{}`: {e}", folder.dir.display()))?;
            tmp.write_all(f.contents.as_bytes())
                .and_then(|_| tmp.as_file().sync_all())
                .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
            staged.push((tmp, target));
        }
    }
    // 3. Commit. Temporary files left unrenamed are deleted on drop.
    for (tmp, target) in staged {
        tmp.persist(&target)
            .map_err(|e| format!("cannot replace `{}`: {}", target.display(), e.error))?;
        result.written += 1;
    }
    for p in removals {
        std::fs::remove_file(&p)
            .map_err(|e| format!("cannot remove stale `{}`: {e}", p.display()))?;
        result.removed += 1;
    }
    Ok(result)
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
