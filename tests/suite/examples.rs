//! The examples a newcomer renders first: every persona, both themes, all four formats.

use crate::common::*;

const PERSONAS: [&str; 4] = ["anouk", "lars", "peter", "zoe"];
const THEMES: [&str; 2] = ["noordzee", "terracotta"];

/// Renders the examples once into a temporary folder shared by the tests of this file.
fn rendered() -> &'static std::path::Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let examples = repo().join("examples");
        let result = personapress(&[
            "render",
            examples.to_str().unwrap(),
            "-o",
            out.path().to_str().unwrap(),
        ]);
        assert!(
            result.status.success(),
            "render examples failed:\n{}",
            stderr(&result)
        );
        out
    })
    .path()
}

fn file(persona: &str, theme: &str, format: &str) -> std::path::PathBuf {
    rendered()
        .join(persona)
        .join(format!("{persona}.{theme}.{format}.pdf"))
}

#[test]
fn every_persona_theme_and_format_is_written_and_reported() {
    let report = report(rendered());
    // 4 personas x 2 themes x 5 formats, and one overview sheet per theme.
    assert_eq!(report["summary"]["documents"], 42);
    // Anouk and Lars have no journey stages: a note each per theme, no map.
    assert_eq!(report["summary"]["notes"], 4);
    assert_eq!(report["summary"]["written"], 38);
    assert_eq!(report["summary"]["failed"], 0);
    for doc in report["documents"].as_array().unwrap() {
        if doc["note"].is_string() {
            assert!(doc["file"].is_null());
            continue;
        }
        let path = rendered().join(doc["file"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(doc["bytes"], bytes.len() as u64);
        assert_eq!(doc["sha256"].as_str().unwrap().len(), 64);
        assert!(doc["errors"].as_array().unwrap().is_empty());
    }
}

#[test]
fn trim_sizes_and_page_counts_match_the_formats() {
    let expected = [
        ("poster-a2", (420.0, 594.0)),
        ("poster-a3", (297.0, 420.0)),
        ("mousepad", (240.0, 200.0)),
    ];
    for persona in PERSONAS {
        for theme in THEMES {
            for (format, size) in expected {
                let doc = pdf(&file(persona, theme, format));
                assert_eq!(
                    doc.get_pages().len(),
                    1,
                    "{persona} {theme} {format} is one page"
                );
                let trim = box_mm(&doc, b"TrimBox").expect("print formats have a TrimBox");
                assert_size(trim, size, &format!("{persona} {format} TrimBox"));
                let bleed = box_mm(&doc, b"BleedBox").expect("print formats have a BleedBox");
                let what = format!("{persona} {format} BleedBox with 3 mm bleed");
                assert_size(bleed, (size.0 + 6.0, size.1 + 6.0), &what);
                let media = box_mm(&doc, b"MediaBox").unwrap();
                let what = format!("{persona} {format} MediaBox with room for crop marks");
                assert_size(media, (size.0 + 24.0, size.1 + 24.0), &what);
            }
            let briefing = pdf(&file(persona, theme, "briefing"));
            assert!(
                briefing.get_pages().len() >= 3,
                "{persona} briefing has a cover and several pages"
            );
            assert_size(
                box_mm(&briefing, b"MediaBox").unwrap(),
                (210.0, 297.0),
                "briefing is A4",
            );
        }
    }
}

#[test]
fn all_fonts_are_embedded() {
    for persona in PERSONAS {
        for format in ["poster-a2", "poster-a3", "mousepad", "briefing"] {
            let doc = pdf(&file(persona, "terracotta", format));
            assert!(
                all_fonts_embedded(&doc),
                "{persona} {format} embeds every font"
            );
        }
    }
}

#[test]
#[ignore = "needs poppler-utils (pdftotext)"]
fn names_are_text_with_diacritics_intact() {
    // Names wrap on the posters: compare with the line breaks folded into spaces.
    let words = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let zoe = words(text(&file("zoe", "noordzee", "poster-a2")));
    assert!(zoe.contains("Zoë Bakker"), "poster text: {zoe}");
    let lars = text(&file("lars", "noordzee", "poster-a3"));
    assert!(lars.contains("Ødegaard"), "poster text: {lars}");
    // The briefing shows the whole story (a full poster may cut it).
    let peter = words(text(&file("peter", "noordzee", "briefing")));
    assert!(
        peter.contains("’s avonds"),
        "typographic apostrophe: {peter}"
    );
}

#[test]
#[ignore = "needs poppler-utils (pdftotext)"]
fn labels_follow_the_persona_language() {
    // Letter-spaced labels come out of pdftotext with spaces between letters.
    let squash = |text: String| text.split_whitespace().collect::<String>();
    let dutch = squash(text(&file("peter", "noordzee", "poster-a2")));
    assert!(
        dutch.contains("KERNBEHOEFTE") && dutch.contains("Frustraties"),
        "{dutch}"
    );
    let english = squash(text(&file("zoe", "noordzee", "poster-a2")));
    assert!(
        english.contains("CORENEED") && english.contains("Frustrations"),
        "{english}"
    );
}

#[test]
#[ignore = "needs poppler-utils (pdftotext)"]
fn profiles_and_personas_are_labelled_differently() {
    let profile = text(&file("anouk", "noordzee", "poster-a2"));
    assert!(
        profile.contains("PROFIEL") && profile.contains("Datagedreven profiel"),
        "{profile}"
    );
    let persona = text(&file("peter", "noordzee", "poster-a2"));
    assert!(
        persona.contains("PERSONA") && persona.contains("Fictieve persona"),
        "{persona}"
    );
}
