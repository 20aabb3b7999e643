//! Folders on the command line: `vpcegen build specs/` builds every spec
//! under `specs/`, so a repository of specs needs no list kept by hand.
//! A folder stands for the `*.toml` files under it, at any depth, in
//! sorted order (the same build on every machine), leaving out hidden
//! files and folders (`.git`, `.terraform`) and the baselines marked
//! `abstract = true`, which are only ever extended.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{display_path, read_limited};
use std::path::{Path, PathBuf};

/// The spec files `paths` stand for: a file as it is, a folder replaced by
/// the specs under it. A folder with none is an error (E054).
pub fn expand(paths: &[PathBuf], d: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        walk(path, &mut found, d);
        found.sort();
        let total = found.len();
        found.retain(|p| !is_abstract(p));
        if found.is_empty() {
            d.push(nothing_in(path, total));
        }
        out.extend(found);
    }
    out
}

/// E054 for a folder whose `total` spec files are all abstract, or that
/// has none.
fn nothing_in(dir: &Path, total: usize) -> Diagnostic {
    let shown = display_path(dir);
    let (message, help) = if total == 0 {
        (
            format!("no spec in `{shown}`: no `*.toml` file under it, outside hidden folders"),
            "check the folder, or name the spec files".to_string(),
        )
    } else {
        (
            format!(
                "no spec to build in `{shown}`: its {total} `*.toml` file(s) are all baselines marked `abstract = true`"
            ),
            "add the specs that extend them, or name a baseline's file to validate it".to_string(),
        )
    };
    Diagnostic::new(Code::E054, message).help(help)
}

/// Collects the `*.toml` files under `dir`. Symbolic links to folders are
/// not followed (no cycles); an unreadable folder is an error (E011).
fn walk(dir: &Path, found: &mut Vec<PathBuf>, d: &mut Diagnostics) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            d.push(Diagnostic::new(
                Code::E011,
                format!(
                    "cannot read the folder `{}`: {}",
                    display_path(dir),
                    crate::source::io_reason(&e)
                ),
            ));
            return;
        }
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let hidden = name.to_str().is_none_or(|n| n.starts_with('.'));
        let Ok(kind) = e.file_type() else { continue };
        if hidden {
            continue;
        }
        let path = e.path();
        if kind.is_dir() {
            walk(&path, found, d);
        } else if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
            found.push(path);
        }
    }
}

/// Whether a spec file says `abstract = true` at its top level. One that
/// cannot be read or parsed is not: loading it reports why.
fn is_abstract(path: &Path) -> bool {
    let Ok(text) = read_limited(path, super::load::MAX_SPEC_BYTES) else {
        return false;
    };
    toml::from_str::<toml::Table>(&text)
        .is_ok_and(|t| t.get("abstract") == Some(&toml::Value::Boolean(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(base: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.strip_prefix(base).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn a_folder_stands_for_its_specs_sorted_without_hidden_or_abstract_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let d0 = tmp.path();
        for (file, text) in [
            ("b.toml", "name = \"b\"\n"),
            ("a/z.toml", "name = \"z\"\n"),
            ("a/c.toml", "name = \"c\"\n"),
            ("a/base.toml", "abstract = true\n"),
            ("a/not-abstract.toml", "abstract = false\n"),
            ("notes.md", "no\n"),
            (".git/x.toml", "name = \"x\"\n"),
            ("a/.hidden.toml", "name = \"h\"\n"),
            ("broken.toml", "abstract = [\n"),
        ] {
            let p = d0.join(file);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let mut d = Diagnostics::default();
        let got = expand(&[d0.to_path_buf(), d0.join("a/base.toml")], &mut d);
        assert!(!d.has_errors());
        assert_eq!(
            names(d0, &got),
            [
                "a/c.toml",
                "a/not-abstract.toml",
                "a/z.toml",
                "b.toml",
                "broken.toml",
                "a/base.toml"
            ]
        );
    }

    #[test]
    fn a_folder_without_a_spec_to_build_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = Diagnostics::default();
        assert!(expand(&[tmp.path().to_path_buf()], &mut d).is_empty());
        assert!(d.iter().any(|x| x.code == Code::E054));
        std::fs::write(tmp.path().join("base.toml"), "abstract = true\n").unwrap();
        let mut d = Diagnostics::default();
        assert!(expand(&[tmp.path().to_path_buf()], &mut d).is_empty());
        assert!(
            d.iter().any(|x| x.code == Code::E054
                && x.message.contains("1 `*.toml` file(s) are all baselines"))
        );
    }
}
