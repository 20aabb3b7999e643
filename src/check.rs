//! Checks across specs built together: references from `connect` to
//! another spec's `expose`, the pairs they form (principals, AZs), and
//! names that must be unique in one build.

use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::model::{self, LoadBalancer, Model};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How a spec's file is recognised when another spec names it.
pub fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| crate::source::normalize(path))
}

/// Resolves every `{ spec, expose }` reference against the loaded models,
/// fills in what the provider decides (the default port), and checks each
/// pair. `models` holds the specs being built and the ones only referenced.
pub fn link(models: &mut [Model], d: &mut Diagnostics) {
    let by_path: HashMap<PathBuf, usize> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (identity(&m.spans.path), i))
        .collect();
    for consumer in 0..models.len() {
        for c in 0..models[consumer].connects.len() {
            let Some(r) = models[consumer].connects[c].reference.clone() else {
                continue;
            };
            let Some(&provider) = by_path.get(&identity(&r.path)) else {
                // Missing files are reported while loading.
                continue;
            };
            let p = &models[provider];
            let Some(x) = p.exposes.iter().find(|x| x.key == r.expose.value) else {
                let mut diag = Diagnostic::new(
                    Code::E016,
                    format!("`{}` has no `[expose.{}]`", p.spans.shown, r.expose.value),
                )
                .at(r.expose.span, "no such expose in that spec");
                diag = match did_you_mean(&r.expose.value, p.exposes.iter().map(|x| x.key.as_str()))
                {
                    Some(m) => diag.help(format!("did you mean `{m}`?")),
                    None if p.exposes.is_empty() => diag.help("that spec exposes nothing"),
                    None => diag.help(format!(
                        "it exposes {}",
                        p.exposes
                            .iter()
                            .map(|x| format!("`{}`", x.key))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                d.push(diag);
                continue;
            };
            let listener = match &x.load_balancer {
                LoadBalancer::Create { port, .. } => Some(*port),
                LoadBalancer::Existing(_) => None,
            };
            let principals = x.allowed_principals.clone();
            let principals_span = x.spans.principals_list.or(x.spans.key);
            let expose_key = x.key.clone();
            let provider_az: Vec<String> = p.az_ids.clone();
            let provider_az_span = p.spans.az_ids;
            let provider_name = p.name.clone();

            let m = &mut models[consumer];
            if r.default_ports {
                if let Some(port) = listener {
                    let ep = &mut m.connects[c];
                    ep.ports = vec![port];
                    let g = ep
                        .own_security_group
                        .as_ref()
                        .expect("a connect has its own group");
                    let cidr = g
                        .rules
                        .first()
                        .map(|r| r.cidr.clone())
                        .unwrap_or(model::Value::VpcCidr);
                    let key = ep.key.name().to_string();
                    ep.own_security_group = Some(model::connect_group(
                        &m.name,
                        &key,
                        &g.ident.clone(),
                        &[port],
                        &cidr,
                    ));
                }
            }
            if let (Some(account), Some(account_span)) = (&m.account, m.spans.account) {
                if !principals.iter().any(|p| covers(p, account)) {
                    let mut diag = Diagnostic::new(
                        Code::E051,
                        format!("account {account} of `{}` may not connect to `{expose_key}` of `{provider_name}`", m.name),
                    )
                    .at(account_span, "the consumer's account")
                    .help(format!(
                        "add `arn:aws:iam::{account}:root` (or a role in that account) to `allowed_principals` of `[expose.{expose_key}]`"
                    ));
                    if let Some(span) = principals_span {
                        diag = diag.also(span, "not among these allowed principals");
                    }
                    d.push(diag);
                }
            }
            if let (Some(consumer_span), Some(provider_span)) = (m.spans.az_ids, provider_az_span) {
                let ours: Vec<&str> = m.az_ids.iter().map(String::as_str).collect();
                let theirs: Vec<&str> = provider_az.iter().map(String::as_str).collect();
                model::az_check(
                    &format!("`{expose_key}`"),
                    &ours,
                    &theirs,
                    consumer_span,
                    provider_span,
                    d,
                );
            }
        }
    }
}

/// Whether an allowed principal lets an account connect: `*`, the account's
/// root, or a role or user in it.
pub fn covers(principal: &str, account: &str) -> bool {
    principal == "*" || principal.split(':').nth(4) == Some(account)
}

/// Created load balancers need names unique in their account and Region;
/// within one build, two that collide get a hash of their full identity.
pub fn unique_nlb_names(models: &mut [Model]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in models.iter() {
        for x in &m.exposes {
            if let LoadBalancer::Create { name, .. } = &x.load_balancer {
                *seen.entry(name.clone()).or_default() += 1;
            }
        }
    }
    for m in models.iter_mut() {
        let spec = m.name.clone();
        for x in &mut m.exposes {
            if let LoadBalancer::Create { name, .. } = &mut x.load_balancer {
                if seen.get(name.as_str()).copied().unwrap_or(0) > 1 {
                    let hash = model::short_hash(&format!("{spec}\0{}", x.key));
                    let keep = 32 - 1 - hash.len();
                    let prefix: String = name
                        .chars()
                        .take(keep)
                        .collect::<String>()
                        .trim_end_matches('-')
                        .to_string();
                    *name = format!("{prefix}-{hash}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Target;

    #[test]
    fn covers_every_principal_of_the_account() {
        let account = "444455556666";
        for p in [
            "*",
            "arn:aws:iam::444455556666:root",
            "arn:aws:iam::444455556666:role/reader",
            "arn:aws:iam::444455556666:user/auditor",
            "arn:aws-cn:iam::444455556666:root",
            "arn:aws-us-gov:iam::444455556666:role/path/reader",
        ] {
            assert!(covers(p, account), "{p} should cover {account}");
        }
        for p in [
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::444455556660:role/reader",
            "arn:aws:iam::44445555666:root",
            "arn:aws:iam::4444555566667:root",
            "444455556666",
            "",
        ] {
            assert!(!covers(p, account), "{p} should not cover {account}");
        }
    }

    /// Writes a spec with one expose and compiles it on its own.
    fn model(dir: &Path, file: &str, spec: &str, expose: &str) -> Model {
        let path = dir.join(file);
        std::fs::write(
            &path,
            format!(
                "version = 1\nname = \"{spec}\"\n\n[expose.{expose}]\nload_balancer = {{ port = 443 }}\nallowed_principals = [\"arn:aws:iam::444455556666:root\"]\n"
            ),
        )
        .unwrap();
        let mut c = crate::compile(&[path], Some(Target::Terraform), false);
        assert!(c.ok(), "{}", c.diagnostics.render(&c.sources, false));
        c.models.remove(0)
    }

    fn nlb(m: &Model) -> &str {
        match &m.exposes[0].load_balancer {
            LoadBalancer::Create { name, .. } => name,
            LoadBalancer::Existing(_) => panic!("a created NLB"),
        }
    }

    #[test]
    fn colliding_nlb_names_are_made_unique() {
        let tmp = tempfile::tempdir().unwrap();
        let a = model(tmp.path(), "a.toml", "a-b", "c");
        let b = model(tmp.path(), "b.toml", "a", "b-c");
        let other = model(tmp.path(), "c.toml", "shop", "orders");
        assert_eq!(nlb(&a), "a-b-c");
        assert_eq!(nlb(&b), "a-b-c");
        let mut models = [a, b, other];
        unique_nlb_names(&mut models);
        let [a, b, other] = &models;
        assert_ne!(nlb(a), nlb(b));
        for m in [a, b] {
            let name = nlb(m);
            assert!(name.starts_with("a-b-c-") && name.len() <= 32, "{name}");
        }
        assert_eq!(nlb(other), "shop-orders", "names that do not collide stay");

        // Stable: the same models get the same names again.
        let mut again = [
            model(tmp.path(), "a.toml", "a-b", "c"),
            model(tmp.path(), "b.toml", "a", "b-c"),
        ];
        unique_nlb_names(&mut again);
        assert_eq!(nlb(&again[0]), nlb(a));
        assert_eq!(nlb(&again[1]), nlb(b));
    }

    #[test]
    fn a_build_of_colliding_specs_writes_unique_names() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a.toml");
        let b = tmp.path().join("b.toml");
        std::fs::write(&a, "version = 1\nname = \"a-b\"\n\n[expose.c]\nload_balancer = { port = 443 }\nallowed_principals = [\"arn:aws:iam::444455556666:root\"]\n").unwrap();
        std::fs::write(&b, "version = 1\nname = \"a\"\n\n[expose.b-c]\nload_balancer = { port = 443 }\nallowed_principals = [\"arn:aws:iam::444455556666:root\"]\n").unwrap();
        let c = crate::compile(&[a, b], Some(Target::Terraform), false);
        assert!(c.ok());
        assert_eq!(c.models.len(), 2);
        assert_ne!(nlb(&c.models[0]), nlb(&c.models[1]));
    }
}
