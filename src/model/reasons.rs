//! Why each endpoint is in the plan, as data: `explain` reads the variants
//! (the bundles to expand), and prints them through `Display`.

use serde::{Serialize, Serializer};
use std::fmt;

/// One reason an endpoint is there. A service asked for twice has two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Listed in `reach.services` (the spec's or a baseline's through
    /// `extends`), written at `at` (`file:line`).
    Listed { at: String },
    /// A member of the built-in bundle `name`, asked for at `at`.
    Bundle { name: String, at: String },
    /// The endpoint of `[connect.<key>]`.
    Connect { key: String },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Listed { at } => write!(f, "listed in reach.services ({at})"),
            Reason::Bundle { name, at } => write!(f, "bundle `{name}` ({at})"),
            Reason::Connect { key } => write!(f, "{}", connect_label(key)),
        }
    }
}

/// Serialized as the text it prints, as the model has always been.
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How a connect is named for people (`connect.billing`): its reason, and
/// its name in `explain`.
pub fn connect_label(key: &str) -> String {
    format!("connect.{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_prints_as_explain_shows_it() {
        let listed = Reason::Listed {
            at: "spec.toml:5".into(),
        };
        assert_eq!(listed.to_string(), "listed in reach.services (spec.toml:5)");
        let bundle = Reason::Bundle {
            name: "ecr".into(),
            at: "base.toml:7".into(),
        };
        assert_eq!(bundle.to_string(), "bundle `ecr` (base.toml:7)");
        let connect = Reason::Connect {
            key: "billing".into(),
        };
        assert_eq!(connect.to_string(), "connect.billing");
    }

    #[test]
    fn a_reason_serializes_as_its_text() {
        let r = Reason::Bundle {
            name: "ecr".into(),
            at: "spec.toml:3".into(),
        };
        assert_eq!(
            serde_json::to_value(&r).expect("serializes"),
            serde_json::json!("bundle `ecr` (spec.toml:3)")
        );
    }
}
