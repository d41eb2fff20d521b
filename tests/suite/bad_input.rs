//! The corpus of broken inputs under `tests/bad/`: each folder is a small project
//! with one mistake, and `expected.txt` pins what `personapress check` says about
//! it (exit status and messages, with the project's path written as `$PROJECT`).
//!
//! Regenerate the snapshots after a deliberate change of wording with
//! `UPDATE_SNAPSHOTS=1 cargo test --test suite bad_input`, then read the diff.

use std::path::Path;

use crate::common::*;

/// What `check` printed for a case, normalised so it does not depend on where it ran.
fn observe(case: &Path) -> String {
    let temp = tempfile::tempdir().unwrap();
    let project = temp.path().join("project");
    copy_dir(case, &project);
    std::fs::remove_file(project.join("expected.txt")).ok();
    let result = personapress(&["check", project.to_str().unwrap(), "-q"]);
    let stderr = stderr(&result).replace(project.to_str().unwrap(), "$PROJECT");
    let stderr = stderr.replace(
        std::fs::canonicalize(&project).unwrap().to_str().unwrap(),
        "$PROJECT",
    );
    let lines: Vec<&str> = stderr.lines().map(str::trim_end).collect();
    format!(
        "exit: {}\n{}\n",
        result.status.code().unwrap_or(-1),
        lines.join("\n").trim_end()
    )
}

#[test]
fn every_broken_input_gets_its_pinned_message() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(repo().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus is there");
    let mut mismatches = Vec::new();
    for case in &cases {
        let actual = observe(case);
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            mismatches.push(format!(
                "--- {}\nexpected:\n{expected}\nactual:\n{actual}",
                case.display()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} cases differ (UPDATE_SNAPSHOTS=1 regenerates):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn every_case_fails_cleanly_with_a_location_and_never_panics() {
    for entry in std::fs::read_dir(repo().join("tests/bad")).unwrap() {
        let case = entry.unwrap().path();
        let observed = observe(&case);
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            observed.starts_with("exit: 1\n") || observed.starts_with("exit: 2\n"),
            "{name}: {observed}"
        );
        assert!(
            !observed.contains("panicked") && !observed.contains("internal error"),
            "{name}: {observed}"
        );
        assert!(observed.contains("error: "), "{name}: {observed}");
        assert!(
            observed.contains("$PROJECT") || name == "missing-font",
            "{name} names the file: {observed}"
        );
    }
}
