//! Endpoint policies: policy files read once per spec, and the organisation preset.

use super::*;
use crate::catalog::Service;
use crate::spec::ServiceSettings;

/// Documents already resolved for one spec, by shown file path (or preset),
/// so that endpoints sharing a document share one `Arc` and a file is read once.
pub(super) type Cache = BTreeMap<String, Option<Arc<serde_json::Value>>>;

/// An endpoint's policy and where it came from: its own, else the spec's
/// default; none for a service that accepts none (E032 when it was its own).
pub(super) fn endpoint_policy(
    spec: &Spec,
    key: &str,
    settings: Option<&ServiceSettings>,
    entry: Option<&Service>,
    sources: &SourceMap,
    cache: &mut Cache,
    d: &mut Diagnostics,
) -> (Option<Arc<serde_json::Value>>, Option<String>) {
    let (policy, from_default) = match settings.and_then(|s| s.policy.as_ref()) {
        Some(p) => (p, false),
        None => match spec.reach.policy.as_ref() {
            Some(p) => (p, true),
            None => return (None, None),
        },
    };
    if entry.is_some_and(|e| !e.supports_policy()) {
        if !from_default {
            d.push(
                Diagnostic::new(
                    Code::E032,
                    format!("`{key}` does not accept endpoint policies"),
                )
                .at(policy.span, "AWS rejects a policy here")
                .help("remove the policy for this service"),
            );
        }
        return (None, None);
    }
    let (doc, source) = resolve_policy(policy, sources, d, cache);
    (doc, Some(source))
}

/// Reads a policy file (relative to the spec that names it) or builds the
/// organisation preset. Each file is read once per spec.
pub(super) fn resolve_policy(
    p: &Sp<Policy>,
    sources: &SourceMap,
    d: &mut Diagnostics,
    cache: &mut Cache,
) -> (Option<Arc<serde_json::Value>>, String) {
    match &p.value {
        Policy::AllowOrg { allow_org } => {
            let shown = format!("allow_org {}", allow_org.value);
            // Keyed apart from file paths, which cannot hold a NUL.
            let doc = cache
                .entry(format!("\0{shown}"))
                .or_insert_with(|| Some(Arc::new(org_policy(&allow_org.value))));
            (doc.clone(), shown)
        }
        Policy::File(path) => {
            let dir = sources.get(path.span.file).dir();
            let full = crate::source::resolve(dir, &path.value);
            let shown = crate::source::display_path(&full);
            if let Some(doc) = cache.get(&shown) {
                return (doc.clone(), shown);
            }
            let doc = read_policy_file(&full, &shown, path.span, d);
            lints::permissive_policy(&shown, path.span, doc.as_ref(), d);
            let doc = doc.map(Arc::new);
            cache.insert(shown.clone(), doc.clone());
            (doc, shown)
        }
    }
}

/// Reads and checks one policy file: readable, UTF-8, a JSON policy
/// document, within AWS's length limit.
fn read_policy_file(
    full: &std::path::Path,
    shown: &str,
    span: Span,
    d: &mut Diagnostics,
) -> Option<serde_json::Value> {
    use crate::source::ReadError;
    let text = match crate::source::read_limited(full, MAX_POLICY_FILE_BYTES) {
        Ok(t) => t,
        Err(e @ ReadError::NotUtf8 { .. }) => {
            d.push(
                Diagnostic::new(
                    Code::E031,
                    format!("policy file `{shown}` is not UTF-8 text"),
                )
                .at(span, "named here")
                .note(format!("{shown}: {}", e.reason("policy files"))),
            );
            return None;
        }
        Err(e) => {
            d.push(
                Diagnostic::new(
                    Code::E030,
                    format!(
                        "cannot read policy file `{shown}`: {}",
                        e.reason("policy files")
                    ),
                )
                .at(span, "named here")
                .help("policy paths are relative to the spec file that names them"),
            );
            return None;
        }
    };
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            d.push(
                Diagnostic::new(Code::E031, format!("policy file `{shown}` is not valid JSON"))
                    .at(span, "named here")
                    .note(format!("{shown}:{}:{}: {e}", e.line(), e.column()))
                    .help("an endpoint policy is a JSON IAM policy document with `Version` and `Statement`"),
            );
            return None;
        }
    };
    if !doc.as_object().is_some_and(|o| o.contains_key("Statement")) {
        d.push(
            Diagnostic::new(
                Code::E031,
                format!("policy file `{shown}` is not a policy document"),
            )
            .at(span, "named here")
            .help("an endpoint policy is a JSON object with `Version` and `Statement`"),
        );
        return None;
    }
    let compact = serde_json::to_string(&doc)
        .map(|s| s.chars().count())
        .unwrap_or(0);
    if compact > MAX_POLICY_CHARS {
        d.push(policy_too_long(span, compact));
        return None;
    }
    Some(doc)
}

fn policy_too_long(span: Span, chars: usize) -> Diagnostic {
    Diagnostic::new(Code::E033, format!("endpoint policy is {chars} characters; AWS accepts at most {MAX_POLICY_CHARS}"))
        .at(span, "too long for an endpoint policy")
        .help("shorten the policy (wildcards in resources, fewer statements), or move the restriction to bucket or key policies")
}

/// The `allow_org` preset: everything, for principals of one organisation.
/// An Allow with a condition, never a Deny-only policy (which denies nothing
/// it does not name and allows nothing at all).
pub fn org_policy(org: &str) -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowOrganization",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": { "StringEquals": { "aws:PrincipalOrgID": org } }
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, lowered};
    use super::*;

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#;

    #[test]
    fn endpoints_naming_one_file_share_one_document() {
        let (m, _) = lowered(
            "version = 1\nname = \"app\"\n[reach]\nservices = [\"sts\", \"logs\"]\npolicy = \"p.json\"\n",
            &[("p.json", POLICY)],
        );
        let m = m.expect("a model");
        let (a, b) = (&m.endpoints[0], &m.endpoints[1]);
        let (pa, pb) = (a.policy.as_ref().unwrap(), b.policy.as_ref().unwrap());
        assert!(Arc::ptr_eq(pa, pb), "read and parsed once");
        assert!(a.policy_source.as_deref().unwrap().ends_with("p.json"));
    }

    #[test]
    fn a_json_file_that_is_no_policy_document_is_refused() {
        let (m, d) = lowered(
            "version = 1\nname = \"app\"\n[reach]\nservices = [\"sts\"]\npolicy = \"p.json\"\n",
            &[("p.json", r#"{"Version": "2012-10-17"}"#)],
        );
        assert!(m.is_none());
        assert_eq!(codes(&d), [Code::E031]);
    }

    #[test]
    fn the_organisation_preset_admits_only_that_organisation() {
        let doc = org_policy("o-a1b2c3d4e5");
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"],
            "o-a1b2c3d4e5"
        );
        assert_eq!(doc["Statement"].as_array().map(Vec::len), Some(1));
    }
}
