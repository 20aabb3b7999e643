//! `vpcegen init`: a starter spec and, beside it, the JSON Schema; never
//! over anything that exists.

use super::schema::schema;
use super::{display, fail};
use std::io::Write;
use std::path::Path;

/// The starter spec `vpcegen init` writes.
pub fn starter(file: &str, name: &str) -> String {
    include_str!("../../templates/starter.toml")
        .replace("{{FILE}}", file)
        .replace("{{NAME}}", name)
}

/// A spec `name` (`init --name`, `import --name`): `[a-z0-9-]`, at most 63.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid spec name: use lowercase letters, digits and hyphens"
        ))
    }
}

pub(crate) fn run(path: &Path, name: &str, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    if let Err(e) = check_name(name) {
        return fail(stderr, &e);
    }
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vpcegen.toml".into());
    // The file name is written into the starter's comments: a line break
    // there would end the comment and break the TOML.
    if file.chars().any(char::is_control) {
        return fail(
            stderr,
            "the file name holds a control character (a line break, a tab, an escape); choose a plain name such as vpcegen.toml",
        );
    }
    if let Err(e) = create_new(path, starter(&file, name).as_bytes()) {
        return fail(stderr, &e);
    }
    let _ = writeln!(stdout, "wrote {}", display(path));
    let schema_path = path
        .parent()
        .unwrap_or(Path::new(""))
        .join("vpcegen.schema.json");
    // An existing schema (or anything else by that name) is left alone.
    if std::fs::symlink_metadata(&schema_path).is_err() {
        if let Err(e) = create_new(&schema_path, (schema() + "\n").as_bytes()) {
            return fail(stderr, &e);
        }
        let _ = writeln!(stdout, "wrote {}", display(&schema_path));
    }
    0
}

/// Writes a file that must not exist yet. `create_new` fails on anything
/// in the way, a dangling symbolic link included, so init never writes
/// through a link to somewhere else nor over a file made meanwhile.
fn create_new(path: &Path, contents: &[u8]) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "`{}` exists (a file, a folder or a symbolic link); vpcegen init never overwrites anything",
                display(path)
            ),
            _ => format!("cannot write `{}`: {e}", display(path)),
        })?;
    f.write_all(contents).map_err(|e| {
        let _ = std::fs::remove_file(path);
        format!("cannot write `{}`: {e}", display(path))
    })
}
