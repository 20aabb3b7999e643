//! The keys a spec wrote but that could not be read. Their mistakes were
//! reported where they were read; every later stage still runs on what
//! could be read, and a check that would only repeat such a mistake as a
//! missing value (`[share]` "without `region`" when `region` was written
//! wrong, "no such expose" for an expose that failed to read) asks here
//! first and says nothing.

use crate::diagnostic::{Diagnostics, Severity};
use std::collections::BTreeSet;

/// Dotted keys: `region`, `account`, `share`, `expose.<name>`,
/// `service.<name>`, `connect.<name>`.
#[derive(Clone, Debug, Default)]
pub struct Unread(BTreeSet<String>);

impl Unread {
    /// Whether `key` was written and could not be read.
    pub fn has(&self, key: &str) -> bool {
        self.0.contains(key)
    }

    /// Whether `[section.<name>]` was written and could not be read (whole
    /// or in part).
    pub fn section(&self, section: &str, name: &str) -> bool {
        !self.0.is_empty() && self.0.contains(&format!("{section}.{name}"))
    }

    pub(super) fn add(&mut self, key: impl Into<String>) {
        self.0.insert(key.into());
    }
}

/// Counts errors around the reading of one key.
pub(super) struct Watch(usize);

impl Watch {
    pub(super) fn start(d: &Diagnostics) -> Watch {
        Watch(d.count(Severity::Error))
    }

    /// Marks `key` unread when reading it reported an error; true when it
    /// read cleanly.
    pub(super) fn end(self, d: &Diagnostics, unread: &mut Unread, key: impl Into<String>) -> bool {
        let failed = d.count(Severity::Error) > self.0;
        if failed {
            unread.add(key);
        }
        !failed
    }
}
