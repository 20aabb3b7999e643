//! Names and identifiers of endpoints, and the checks that keep custom service keys identifier-safe.

use super::*;

/// Who would get each CloudFormation identifier: the endpoints of a spec
/// (by key, in order), then its connects. Built once per spec, so that
/// checking every custom key stays linear.
pub(super) type Identifiers<'a> = std::collections::HashMap<String, Vec<(Option<&'a str>, String)>>;

pub(super) fn identifiers<'a, T>(wanted: &'a BTreeMap<String, T>, spec: &Spec) -> Identifiers<'a> {
    let mut ids: Identifiers = std::collections::HashMap::new();
    for k in wanted.keys() {
        ids.entry(crate::render::pascal(&ident_of(k)))
            .or_default()
            .push((Some(k.as_str()), format!("`{k}`")));
    }
    for c in spec.connect.keys() {
        ids.entry(crate::render::pascal(&format!("connect_{}", ident_of(c))))
            .or_default()
            .push((None, format!("`[connect.{c}]`")));
    }
    ids
}

/// A `[service.<key>]` the catalog does not know names its endpoint's
/// resources, logical IDs and outputs, which cannot be escaped: the key must
/// be identifier-safe and must not give another endpoint's (or a connect's)
/// identifier in either target.
pub(super) fn custom_key_problem(key: &str, ids: &Identifiers) -> Option<String> {
    let safe = key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    if !safe {
        return Some("name it with 1 to 64 lowercase letters, digits, `.`, `-` and `_`, starting with a letter, such as `example.orders`".into());
    }
    let id = crate::render::pascal(&ident_of(key));
    let clash = ids.get(&id).and_then(|owners| {
        owners
            .iter()
            .find(|(k, _)| *k != Some(key))
            .map(|(_, label)| label.clone())
    });
    clash.map(|other| {
        format!(
            "`{key}` and {other} would get the same identifier (`{}`, `{id}Endpoint`); rename one",
            ident_of(key)
        )
    })
}

pub(super) fn type_word(t: EndpointType) -> &'static str {
    match t {
        EndpointType::Gateway => "gateway",
        EndpointType::Interface => "interface",
    }
}

/// `ecr.dkr` → `ecr_dkr`: an identifier in HCL, and the base of CloudFormation logical IDs.
pub fn ident_of(key: &str) -> String {
    let mut s: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}
