//! Entries of `reach` that say the same thing twice or contradict each other
//! across lists (W140, W141); repeats within one list are W120, read with
//! the list. Only entries of the same file are compared: extending a
//! baseline's list, or removing what it adds, is what baselines are for.

use super::*;

/// W140 for a service in both `reach.services` and `reach.without`, W141
/// for a service in `reach.services` that a bundle of the same file brings.
pub(super) fn check(spec: &Spec, catalog: &Catalog, d: &mut Diagnostics) {
    for s in &spec.reach.services {
        if let Some(w) = same_file(&spec.reach.without, s) {
            d.push(listed_and_removed(s, w));
        }
        let in_bundle = spec.reach.bundles.iter().find(|b| {
            b.span.file == s.span.file
                && catalog
                    .bundle(&b.value)
                    .is_some_and(|x| x.services.iter().any(|m| **m == *s.value))
        });
        if let Some(b) = in_bundle {
            d.push(listed_and_bundled(s, b));
        }
    }
}

/// The entry of `list` naming what `s` names, written in the same file.
fn same_file<'a>(list: &'a [Sp<String>], s: &Sp<String>) -> Option<&'a Sp<String>> {
    list.iter()
        .find(|w| w.value == s.value && w.span.file == s.span.file)
}

/// W140: `without` wins, so the listing has no effect.
fn listed_and_removed(s: &Sp<String>, w: &Sp<String>) -> Diagnostic {
    let name = s.value.escape_debug();
    Diagnostic::new(
        Code::W140,
        format!("`{name}` is in both `reach.services` and `reach.without`"),
    )
    .at(s.span, "listed here")
    .also(w.span, "and removed here: no endpoint is created")
    .help(format!(
        "remove `{name}` from one of the lists: from `without` to reach it, from `services` if it is not wanted"
    ))
}

/// W141: the bundle already brings the service; it is reached once.
fn listed_and_bundled(s: &Sp<String>, b: &Sp<String>) -> Diagnostic {
    let name = s.value.escape_debug();
    Diagnostic::new(
        Code::W141,
        format!(
            "`{name}` is listed in `reach.services` and brought by the bundle `{}`",
            b.value.escape_debug()
        ),
    )
    .at(s.span, "listed here")
    .also(b.span, "this bundle already includes it")
    .help(format!(
        "remove `{name}` from `reach.services`; `vpcegen explain` shows why each service is reached"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{codes, load};
    use super::*;

    fn said(reach: &str) -> Diagnostics {
        let t = load(
            &format!("version = 1\nname = \"app\"\n[reach]\n{reach}"),
            &[],
        );
        let mut d = Diagnostics::default();
        check(&t.spec, Catalog::get(), &mut d);
        d
    }

    #[test]
    fn a_service_listed_and_removed_points_at_both() {
        let d = said("services = [\"sts\", \"logs\"]\nwithout = [\"logs\"]\n");
        assert_eq!(codes(&d), [Code::W140]);
        let x = d.iter().next().expect("one");
        assert_eq!(x.secondary.len(), 1, "the `without` entry too");
    }

    #[test]
    fn a_bundle_member_listed_again_points_at_the_bundle() {
        let d = said("services = [\"s3\", \"sts\"]\nbundles = [\"ecr\"]\n");
        assert_eq!(codes(&d), [Code::W141]);
        assert_eq!(d.iter().next().expect("one").secondary.len(), 1);
    }

    /// Removing a baseline's service, or listing a member of a baseline's
    /// bundle, is what extending is for.
    #[test]
    fn entries_of_a_baseline_and_of_the_extending_spec_are_not_compared() {
        let baseline = "version = 1\nname = \"base\"\nabstract = true\n[reach]\nservices = [\"logs\"]\nbundles = [\"ecr\"]\n";
        let t = load(
            "version = 1\nname = \"app\"\nextends = [\"base.toml\"]\n[reach]\nservices = [\"s3\"]\nwithout = [\"logs\"]\n",
            &[("base.toml", baseline)],
        );
        let mut d = Diagnostics::default();
        check(&t.spec, Catalog::get(), &mut d);
        assert_eq!(codes(&d), [] as [Code; 0]);
    }

    #[test]
    fn overlapping_bundles_and_removing_a_members_say_nothing() {
        let d = said("bundles = [\"ecr\", \"ecs-fargate\"]\nwithout = [\"logs\"]\n");
        assert_eq!(codes(&d), [] as [Code; 0]);
    }
}
