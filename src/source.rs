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
}

impl SourceFile {
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
        let display = display_path(&path);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        self.files.push(SourceFile {
            display,
            path,
            text,
            line_starts,
        });
        self.extended_by.push(None);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
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

/// Lexically normalised path (`a/./b/../c` → `a/c`), never touching the disk,
/// so diagnostics and generated headers show the path the way the user wrote it.
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

/// Forward slashes on every platform, so snapshots and headers agree.
pub fn display_path(path: &Path) -> String {
    normalize(path).to_string_lossy().replace('\\', "/")
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
