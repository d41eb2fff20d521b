//! Customer journey maps: landscape A3 and A2, one column per stage, 1 to 12 stages;
//! a persona without stages gets a note instead of a map.

use crate::common::*;

/// A project whose persona `p` has `stages` journey stages (none: no `[[journey]]`).
/// Cells hold short unique words (`S3q`, `D3q`, …) that no column is too narrow for.
fn project(stages: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("p");
    write(
        &dir.join("personapress.toml"),
        "formats = [\"journey-a3\", \"journey-a2\"]\nlanguage = \"en\"\n",
    );
    let phases = ["acquisition", "experience", "loyalty"];
    let mut toml = String::from("name = \"Jo Journey\"\ncore_need = \"Getting there\"\n");
    for i in 0..stages {
        toml += &format!(
            "\n[[journey]]\nphase = \"{}\"\nstage = \"S{}q\"\ntouchpoints = [\"app\", \"desk\"]\n\
             doing = \"D{}q\"\nthinking = \"T{}q\"\nfeeling = {}\nopportunity = \"O{}q\"\n",
            phases[i * 3 / stages.max(1)],
            i + 1,
            i + 1,
            i + 1,
            (i as i64 * 37 % 200) - 100,
            i + 1
        );
    }
    write(&dir.join("personas/jo.toml"), &toml);
    (temp, dir)
}

#[test]
fn journey_maps_have_a_column_per_stage_for_1_3_and_12_stages() {
    for stages in [1, 3, 12] {
        let (_temp, dir) = project(stages);
        let out = personapress(&["render", dir.to_str().unwrap(), "-q"]);
        assert!(out.status.success(), "{stages} stages: {}", stderr(&out));
        for (format, size) in [
            ("journey-a3", (420.0, 297.0)),
            ("journey-a2", (594.0, 420.0)),
        ] {
            let path = dir.join(format!("dist/jo/jo.{format}.pdf"));
            let doc = pdf(&path);
            assert_eq!(doc.get_pages().len(), 1, "{format}, {stages} stages");
            assert_size(box_mm(&doc, b"TrimBox").unwrap(), size, format);
            let text = squeezed(&plain_text(&path));
            for i in 1..=stages {
                for cell in ["S", "D", "T", "O"].map(|row| format!("{row}{i}q")) {
                    assert!(
                        text.contains(&cell),
                        "{format}, {stages} stages: no {cell} in {text}"
                    );
                }
            }
            assert!(
                text.contains("JoJourney") && text.contains("Gettingthere"),
                "side panel"
            );
            assert!(text.contains("ACQUISITION"), "phase header");
            let fit = entry(&report(&dir.join("dist")), "jo", format)["fit"]
                .as_f64()
                .unwrap();
            assert!(fit >= 0.7, "{format}, {stages} stages: fit {fit}");
        }
    }
}

#[test]
fn a_persona_without_stages_gets_a_note_not_a_map_and_not_an_error() {
    let (_temp, dir) = project(0);
    let out = personapress(&["render", dir.to_str().unwrap(), "--strict"]);
    let err = stderr(&out);
    assert!(
        out.status.success(),
        "a note is not a failure, even with --strict: {err}"
    );
    assert!(
        err.contains("note: jo has no [[journey]] stages, so no journey-a3 was made"),
        "{err}"
    );
    assert!(!dir.join("dist/jo/jo.journey-a3.pdf").exists());
    let report = report(&dir.join("dist"));
    assert_eq!(report["summary"]["notes"], 2);
    assert_eq!(report["summary"]["failed"], 0);
    assert!(
        entry(&report, "jo", "journey-a2")["note"]
            .as_str()
            .unwrap()
            .contains("no [[journey]]")
    );
}
