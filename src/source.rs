//! Source files and byte spans: every diagnostic points back into one of these.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        Span {
            file,
            start: range.start,
            end: range.end,
        }
    }
}

/// A loaded file: the path as the user should read it, and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown in diagnostics: relative to where the user ran the tool.
    pub display: String,
    /// Path used to open the file and to resolve paths written inside it.
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
    /// Whether diagnostics may quote this file's lines. A file reached by
    /// reference (`extends`, a `connect` spec) that is not valid in its
    /// format may be anything (`/proc/self/environ`, a key file), so
    /// diagnostics give only `file:line:col` and the parser's message.
    pub quotable: bool,
    /// [`portable`] and the resolved path, each found once: both ask the
    /// file system, and a spec is planned more than once.
    portable: std::sync::OnceLock<String>,
    identity: std::sync::OnceLock<PathBuf>,
}

impl SourceFile {
    /// The path headers name the file by: [`portable`], found once.
    pub fn portable(&self) -> &str {
        self.portable.get_or_init(|| portable(&self.path))
    }

    /// The file's resolved path, how another spec naming it is recognised
    /// (`check::identity`), found once.
    pub fn identity(&self) -> &Path {
        self.identity
            .get_or_init(|| crate::check::identity(&self.path))
    }

    /// 1-based line and column (in characters) of a byte offset.
    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&s| s <= offset)
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..floor_char(&self.text, offset)]
            .chars()
            .count();
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Folder that relative paths written in this file resolve against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Every file read during one run, so that spans stay small and `Copy`.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// For a baseline, the file whose `extends` named it.
    extended_by: Vec<Option<FileId>>,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        // Escaped here too (not only when diagnostics are rendered): `validate`
        // and `explain` print this name, and a file name may hold an ESC.
        let display = crate::diagnostic::printable(&display_path(&path)).into_owned();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        self.files.push(SourceFile {
            display,
            path,
            text,
            line_starts,
            quotable: true,
            portable: std::sync::OnceLock::new(),
            identity: std::sync::OnceLock::new(),
        });
        self.extended_by.push(None);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Diagnostics show no line of this file, only positions in it.
    pub fn hide_text(&mut self, file: FileId) {
        self.files[file.0 as usize].quotable = false;
    }

    pub fn set_extended_by(&mut self, base: FileId, by: FileId) {
        self.extended_by[base.0 as usize] = Some(by);
    }

    /// The `extends` chain that led to a baseline, from the spec named on the
    /// command line down to `file`; empty for a file that nothing extends.
    pub fn extends_chain(&self, file: FileId) -> Vec<&str> {
        let mut chain = vec![self.get(file).display.as_str()];
        let mut cur = file;
        while let Some(by) = self.extended_by[cur.0 as usize] {
            if chain.len() > 64 {
                break;
            }
            chain.push(self.get(by).display.as_str());
            cur = by;
        }
        if chain.len() == 1 {
            return Vec::new();
        }
        chain.reverse();
        chain
    }

    /// `file:line` of a span, as explain and notes show origins.
    pub fn location(&self, span: Span) -> String {
        let f = self.get(span.file);
        // The line alone: a column would count the characters of a line
        // that may be megabytes long, once per entry of a long list.
        format!("{}:{}", f.display, f.line_of(span.start))
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }
}

/// Lexically normalised path (`a/./b/../c` → `a/c`), never touching the
/// disk. Not for opening files (see [`resolve`]): only a fallback name for
/// a file that does not exist.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// The path a file names: `written` joined to the folder of the file that
/// names it, with `.` dropped and `..` left for the OS to resolve. Folding
/// `link/../x` to `x` by hand would read another file than the OS (and
/// `cat`) when `link` is a symbolic link to a folder elsewhere.
pub fn resolve(dir: &Path, written: &str) -> PathBuf {
    dir.join(written)
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect()
}

/// The path as diagnostics and headers show it: forward slashes on every
/// platform, `.` dropped, and `x/..` folded where that names the same file
/// as the OS would, that is where `x` is not a symbolic link. Through a
/// link, `..` stays: `link/../base.toml` is not `base.toml`.
pub fn display_path(path: &Path) -> String {
    use std::path::Component;
    let mut out = PathBuf::new();
    // How many components at the end of `out` are names (not `..`, not
    // the root): those a `..` may fold.
    let mut normal = 0usize;
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if normal > 0 => {
                let is_link =
                    std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink());
                if is_link {
                    out.push(c);
                    normal = 0;
                } else {
                    out.pop();
                    normal -= 1;
                }
            }
            Component::ParentDir if out.has_root() && out.parent().is_none() => {}
            Component::Normal(_) => {
                out.push(c);
                normal += 1;
            }
            _ => {
                out.push(c);
                normal = 0;
            }
        }
    }
    if out.as_os_str().is_empty() {
        return ".".into();
    }
    out.to_string_lossy().replace('\\', "/")
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_col_in(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char(text, offset.min(text.len()));
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Why [`read_limited`] read nothing.
#[derive(Debug)]
pub enum ReadError {
    /// The OS refused to open or read it.
    Io(std::io::Error),
    /// It is not a regular file: what it is, as "a folder".
    NotRegular(&'static str),
    /// It has more than `limit` bytes; `size` when the file system says so.
    TooLarge { limit: u64, size: Option<u64> },
    /// It is not UTF-8: the text with U+FFFD for each bad sequence, and the
    /// byte offset (in both) of the first.
    NotUtf8 { lossy: String, offset: usize },
}

impl ReadError {
    /// Why, for "cannot read `x`: {why}"; `what` names such files in the
    /// plural ("specs", "policy files").
    pub fn reason(&self, what: &str) -> String {
        match self {
            ReadError::Io(e) => io_reason(e),
            ReadError::NotRegular("a folder") => "it is a folder, not a file".into(),
            ReadError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
            ReadError::TooLarge {
                limit,
                size: Some(size),
            } => format!("it is {size} bytes; {what} are limited to {limit} bytes"),
            ReadError::TooLarge { limit, size: None } => {
                format!("it is larger than {limit} bytes, the limit for {what}")
            }
            ReadError::NotUtf8 { lossy, offset } => {
                let (line, col) = line_col_in(lossy, *offset);
                format!(
                    "it is not UTF-8 text (the first invalid byte is at line {line}, column {col})"
                )
            }
        }
    }
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// `Ok` for a regular file; else what it is, for messages.
fn regular_only(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let kind = if t.is_dir() {
        "a folder"
    } else {
        special_kind(&t)
    };
    Err(ReadError::NotRegular(kind))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "an unknown kind of file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "an unknown kind of file"
}

/// Reads a regular file of at most `limit` bytes as UTF-8 text: every file
/// vpcegen reads (specs, baselines, referenced specs, policy files) comes
/// through here.
///
/// - Only regular files: a FIFO, a device (`/dev/zero`), a socket or a
///   folder is refused, never read from, so nothing waits for a writer or
///   reads forever.
/// - Never more than `limit + 1` bytes are read (`Read::take`), whatever the
///   file system says of the size: a sparse file of terabytes, a `/proc`
///   file that says 0 bytes, a file that grows while it is read.
///
/// The type is checked twice. Before opening, so that no device or FIFO is
/// even opened in the usual case (opening some devices does something: a
/// tape rewinds, a watchdog starts). Then on the opened descriptor, which
/// is what is read: the path may have been swapped for a FIFO between the
/// two (a race a checked path alone cannot close), and the file is opened
/// with `O_NONBLOCK` so that opening a FIFO returns at once instead of
/// waiting for a writer. On a regular file `O_NONBLOCK` has no effect;
/// `O_NOCTTY` keeps a terminal swapped in from becoming ours.
pub fn read_limited(path: &Path, limit: u64) -> Result<String, ReadError> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge {
            limit,
            size: Some(size),
        });
    }
    read_text_bounded(file, size, limit)
}

/// Opens a regular file for reading, as [`read_limited`] does (the type
/// checked before opening and on the descriptor, opened with `O_NONBLOCK`),
/// with the size the file system gives it.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    regular_only(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    regular_only(&meta)?;
    Ok((file, meta.len()))
}

/// The bytes of a regular file of at most `limit` bytes, read as
/// [`read_limited`] reads (for files that need not be text).
pub fn read_bytes_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge {
            limit,
            size: Some(size),
        });
    }
    read_bounded(file, size, limit)
}

/// Reads at most `limit + 1` bytes of `reader`, refusing more than `limit`.
/// `size` is what the file system says, only a hint for the first
/// allocation: a `/proc` file says 0, a growing file says too little.
fn read_bounded(reader: impl std::io::Read, size: u64, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(size.min(limit) as usize + 1);
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit, size: None });
    }
    Ok(bytes)
}

/// [`read_bounded`], as UTF-8 text.
pub fn read_text_bounded(
    reader: impl std::io::Read,
    size: u64,
    limit: u64,
) -> Result<String, ReadError> {
    String::from_utf8(read_bounded(reader, size, limit)?).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ReadError::NotUtf8 {
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            offset,
        }
    })
}

/// The spec path written into generated files: relative to the root of
/// the git repository that holds it (what a reviewer sees in a pull
/// request), else just the file name. Never absolute, and the same from
/// whatever directory vpcegen runs in.
pub fn portable(path: &Path) -> String {
    let Ok(full) = std::fs::canonicalize(path) else {
        return path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    };
    let root = full
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists());
    match root.and_then(|r| full.strip_prefix(r).ok()) {
        Some(relative) => display_path(relative),
        None => full
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}
