//! The names a transaction records: spec folders as paths relative to
//! `--out` (`payments-prod/terraform`), files as plain names. A journal or
//! plan is read back from disk, where anyone may have edited it, so every
//! name is checked before it is joined to `--out`: none may leave it.

use std::path::{Component, Path, PathBuf};

/// Whether `name` is a relative path of plain folder names joined by `/`:
/// no `..`, no `.`, no empty part, no root, no drive, no backslash, no
/// line break.
pub(super) fn is_folder_name(name: &str) -> bool {
    !name.is_empty() && name.split('/').all(is_plain) && is_relative(name)
}

/// Whether `name` is one plain file or folder name.
pub(super) fn is_plain(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\n', '\0', ':'])
}

fn is_relative(name: &str) -> bool {
    Path::new(name)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

/// `dir`'s name relative to `root`, as the journal records it; `None` when
/// `dir` is not inside `root` or a part of it is not a plain name.
pub(super) fn relative(root: &Path, dir: &Path) -> Option<String> {
    // `--out .` names its folders `x/terraform` as often as `./x/terraform`.
    let rest = match dir.strip_prefix(root) {
        Ok(rest) => rest,
        Err(_) if root == Path::new(".") && dir.is_relative() => dir,
        Err(_) => return None,
    };
    let parts: Option<Vec<&str>> = rest
        .components()
        .map(|c| match c {
            Component::Normal(n) => n.to_str().filter(|n| is_plain(n)),
            _ => None,
        })
        .collect();
    let name = parts?.join("/");
    is_folder_name(&name).then_some(name)
}

/// The folder a recorded name stands for, or an error naming the
/// transaction (`shown`) that recorded it.
pub(super) fn resolve(root: &Path, name: &str, shown: &str) -> Result<PathBuf, String> {
    if is_folder_name(name) {
        Ok(root.join(name))
    } else {
        Err(refused(root, name, shown, "a folder inside"))
    }
}

/// Why the transaction `shown` is not recovered: it names `name`, which
/// is not `what` `root`.
pub(super) fn refused(root: &Path, name: &str, shown: &str, what: &str) -> String {
    format!(
        "cannot recover the interrupted build `{shown}`: it names `{}`, which is not {what} `{}`; nothing was changed (if `{shown}` is not vpcegen's, move it away)",
        name.escape_debug(),
        root.display()
    )
}

/// The folder that held a spec's files in the old flat layout: the spec
/// folder's parent, unless that is `--out` itself.
pub(super) fn flat_parent(root: &Path, dir: &Path) -> Option<PathBuf> {
    dir.parent()
        .filter(|p| *p != root && p.starts_with(root))
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_output_folder() {
        for ok in ["a", "payments-prod/terraform", "a.b/c_d"] {
            assert!(is_folder_name(ok), "{ok}");
        }
        for bad in [
            "",
            "..",
            ".",
            "../x",
            "a/../../x",
            "a/..",
            "/etc",
            "/",
            "a//b",
            "a/",
            "./a",
            "a\\..\\b",
            "C:x",
            "a\nb",
            "a\0b",
        ] {
            assert!(!is_folder_name(bad), "{bad:?}");
        }
        assert!(!is_plain("a/b"));
        assert!(!is_plain(".."));
        let root = Path::new("/tmp/out");
        assert_eq!(
            relative(root, Path::new("/tmp/out/x/terraform")).as_deref(),
            Some("x/terraform")
        );
        assert_eq!(relative(root, Path::new("/tmp/other/x")), None);
        assert_eq!(relative(root, root), None);
        assert!(resolve(root, "../x", "t").is_err());
        assert!(resolve(root, "/x", "t").is_err());
        assert_eq!(resolve(root, "x/y", "t").unwrap(), root.join("x/y"));
    }

    #[test]
    fn the_flat_folder_is_never_the_output_folder() {
        let root = Path::new("out");
        assert_eq!(flat_parent(root, Path::new("out/x")), None);
        assert_eq!(
            flat_parent(root, Path::new("out/x/terraform")),
            Some(PathBuf::from("out/x"))
        );
    }
}
