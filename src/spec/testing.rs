//! Loading spec text through the real loader, for the readers' unit tests.

use super::*;
use crate::diagnostic::Diagnostics;
use crate::source::SourceMap;

/// Loads `toml` as `spec.toml` in a temporary folder: the specs loaded and
/// what loading said.
pub(super) fn load_text(toml: &str) -> (Vec<Loaded>, Diagnostics) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("spec.toml");
    std::fs::write(&path, toml).expect("write spec");
    let mut sources = SourceMap::default();
    let mut d = Diagnostics::default();
    let loaded = load(&[path], &mut sources, &mut d);
    (loaded, d)
}
