//! Per-target folders in one `--out`: folders below a spec folder, the
//! old flat layout, and names in a journal that must stay inside `--out`.

use super::*;

fn file(name: &str) -> File {
    File {
        path: name.into(),
        contents: format!("{}\nbody {name}\n", render::header("#", "spec.toml")),
    }
}

/// Every path under `dir`, relative, folders ending in `/`.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.map(Result::unwrap) {
        let name = e.file_name().to_string_lossy().to_string();
        if e.file_type().unwrap().is_dir() {
            out.push(format!("{name}/"));
            out.extend(tree(&e.path()).into_iter().map(|p| format!("{name}/{p}")));
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

fn write(out: &Path, dir: &str, files: &[&str]) -> Result<Written, String> {
    let files: Vec<File> = files.iter().map(|f| file(f)).collect();
    let produce = move |_: usize| Ok(Cow::Owned(files.clone()));
    write_locked(out, &[out.join(dir)], &produce, &mut |_| {})
}

#[test]
fn two_targets_side_by_side_survive_each_others_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write(&out, "x/terraform", &["main.tf", "outputs.tf"]).unwrap();
    write(&out, "x/cloudformation", &["template.yaml"]).unwrap();
    // A rebuild of one target with fewer files removes only its own.
    let w = write(&out, "x/terraform", &["main.tf"]).unwrap();
    assert_eq!(w.removed, 1);
    assert!(w.flat.is_empty());
    assert_eq!(
        tree(&out),
        [
            "x/",
            "x/cloudformation/",
            "x/cloudformation/template.yaml",
            "x/terraform/",
            "x/terraform/main.tf"
        ]
    );
    let w = write(&out, "x/cloudformation", &["other.yaml"]).unwrap();
    assert_eq!(w.removed, 1);
    assert!(out.join("x/terraform/main.tf").is_file());
}

/// Builds paused after staging: a journal, `x/` and `x/terraform/`
/// created, files staged, nothing committed; the next build's recovery
/// undoes it all.
#[test]
fn undoing_a_build_that_created_the_spec_folder_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let dirs = [out.join("x/terraform")];
    let files = vec![file("main.tf")];
    let produce = move |_: usize| Ok(Cow::Owned(files.clone()));
    let (root, names) = layout(Some(&out), &dirs).unwrap();
    assert_eq!(names, ["x/terraform"]);
    let txn = Txn::begin(&root, &Faults::none()).unwrap();
    let journal = Journal {
        vpcegen_transaction: 1,
        folders: vec![JournalFolder {
            name: names[0].clone(),
            created: true,
            parents: missing_parents(&root, &dirs[0]),
        }],
    };
    assert_eq!(journal.folders[0].parents, ["x"]);
    txn.write(JOURNAL, &journal, &Faults::none()).unwrap();
    let staged = stage_all(
        &dirs,
        &names,
        &produce,
        Ranks::PerFolder,
        &txn.id,
        &Faults::none(),
    )
    .map_err(|(e, _)| e)
    .unwrap();
    assert_eq!(staged[0].parents, [out.join("x")]);
    assert!(out.join("x/terraform").join(txn_name(&txn.id)).is_dir());
    // Killed here: the next build finds it and undoes it.
    let notes = recover(&out).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(tree(&out), Vec::<String>::new());
}

/// Writes `main.tf` to `out/x/terraform/`, failing the n-th filesystem
/// step for n = 0, 1, ... until it succeeds: after each failure `out` is
/// as `before`. Returns the successful write and how many failed.
fn fail_each_step(out: &Path, before: &[String]) -> (Written, usize) {
    let files = vec![file("main.tf")];
    let produce = move |_: usize| Ok(Cow::Owned(files.clone()));
    for n in 0..50 {
        let mut faults = Faults::at(n, ErrorKind::StorageFull);
        let dirs = [out.join("x/terraform")];
        match write_stream(Some(out), &dirs, &produce, Ranks::PerFolder, &mut faults) {
            Ok(w) => return (w, n),
            Err(e) => assert_eq!(tree(out), before, "failure at step {n}: {e}"),
        }
    }
    panic!("the write never completed");
}

#[test]
fn a_failed_stage_removes_the_spec_folder_it_created() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (_, failed) = fail_each_step(&out, &[]);
    assert!(failed >= 4, "{failed} steps");
    assert!(out.join("x/terraform/main.tf").is_file());
}

/// A journal (or plan) edited to name something outside `--out` is
/// refused before anything is touched.
#[test]
fn a_name_in_a_journal_cannot_escape_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outside = tmp.path().join("victim");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("main.tf"), file("main.tf").contents).unwrap();
    let bad_journals = [
        r#"{"vpcegen_transaction":1,"folders":[{"name":"../victim","created":true}]}"#.to_string(),
        format!(
            r#"{{"vpcegen_transaction":1,"folders":[{{"name":"{}","created":true}}]}}"#,
            outside.display()
        ),
        r#"{"vpcegen_transaction":1,"folders":[{"name":"x","created":false,"parents":["x/.."]}]}"#
            .to_string(),
        r#"{"vpcegen_transaction":1,"folders":[{"name":"x/terraform","created":false,"parents":["y"]}]}"#
            .to_string(),
    ];
    let bad_plans = [
        r#"{"vpcegen_transaction":1,"folders":[{"name":"x/..","entries":[{"op":"create","file":"main.tf"}]}]}"#,
        r#"{"vpcegen_transaction":1,"folders":[{"name":"x","entries":[{"op":"create","file":"../../victim/main.tf"}]}]}"#,
        r#"{"vpcegen_transaction":1,"folders":[{"name":"x","entries":[{"op":"create","file":"main.tf","flat":true}]}]}"#,
    ];
    let ok_journal = r#"{"vpcegen_transaction":1,"folders":[{"name":"x","created":false}]}"#;
    let cases = bad_journals
        .iter()
        .map(|j| (j.as_str(), None))
        .chain(bad_plans.iter().map(|p| (ok_journal, Some(*p))));
    for (journal, plan) in cases {
        let txn = out.join(".vpcegen-txn-1-ab");
        std::fs::create_dir_all(&txn).unwrap();
        std::fs::write(txn.join(JOURNAL), journal).unwrap();
        if let Some(plan) = plan {
            std::fs::write(txn.join(PLAN), plan).unwrap();
        }
        let e = recover(&out).unwrap_err();
        assert!(
            e.starts_with("cannot recover the interrupted build")
                && e.contains("nothing was changed"),
            "{e}"
        );
        assert!(outside.join("main.tf").is_file());
        assert!(txn.join(JOURNAL).is_file(), "left for the user to look at");
        assert!(leftovers(&out).iter().all(|p| p.starts_with(&out)));
        std::fs::remove_dir_all(&txn).unwrap();
    }
}

#[test]
fn the_old_flat_layout_is_removed_in_the_same_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // What an older vpcegen wrote: the files straight in `out/x/`, and a
    // hand-written file beside them.
    write(&out, "x", &["main.tf", "outputs.tf", "versions.tf"]).unwrap();
    std::fs::write(out.join("x/notes.md"), "mine\n").unwrap();
    let files = vec![file("main.tf")];
    let produce = move |_: usize| Ok(Cow::Owned(files.clone()));
    let dirs = [out.join("x/terraform")];
    let drift = check_in(Some(&out), &dirs, &produce).unwrap();
    assert_eq!(drift.flat.len(), 3);
    assert_eq!(drift.missing, [out.join("x/terraform/main.tf")]);
    let w = write_locked(&out, &dirs, &produce, &mut |_| {}).unwrap();
    assert_eq!(w.flat, [(out.join("x"), out.join("x/terraform"), 3)]);
    assert_eq!(w.removed, 0);
    assert_eq!(
        tree(&out),
        ["x/", "x/notes.md", "x/terraform/", "x/terraform/main.tf"]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("x/notes.md")).unwrap(),
        "mine\n"
    );
    assert!(check_in(Some(&out), &dirs, &produce).unwrap().is_clean());
}

/// A write that fails after staging puts the flat layout's files back.
#[test]
fn a_failed_write_puts_the_flat_layout_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write(&out, "x", &["main.tf", "outputs.tf"]).unwrap();
    let (w, failed) = fail_each_step(&out, &tree(&out));
    assert_eq!(w.flat.len(), 1);
    assert!(failed >= 5, "{failed} steps");
    assert_eq!(tree(&out), ["x/", "x/terraform/", "x/terraform/main.tf"]);
}
