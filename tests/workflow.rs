//! The designer and agency workflow: languages, init, preview, schema, completions,
//! the proof page and watch.

mod common;

use common::*;

/// A one-persona project in `language`, with a quote and a core need.
fn project_in(language: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let project = temp.path().join("p");
    write(
        &project.join("personapress.toml"),
        "formats = [\"poster-a3\", \"briefing\"]\n",
    );
    write(
        &project.join("personas/lea.toml"),
        &format!(
            "name = \"Lea Weber\"\nlanguage = \"{language}\"\nquote = \"Ich will \\\"schnell\\\" wissen\"\ncore_need = \"Klarheit\"\ngoals = [\"Zeit sparen\"]\n"
        ),
    );
    (temp, project)
}

#[test]
fn german_and_french_personas_get_their_own_labels_and_quotes() {
    for (language, label, quote) in [
        ("de", "Kernbedürfnis", "„schnell“"),
        ("fr", "Besoin essentiel", "«\u{202F}schnell\u{202F}»"),
    ] {
        let (_temp, project) = project_in(language);
        let out = personapress(&["render", project.to_str().unwrap(), "-q"]);
        assert!(out.status.success(), "{language}: {}", stderr(&out));
        let text = plain_text(&project.join("dist/lea/lea.poster-a3.pdf"));
        assert!(
            text.to_lowercase().contains(&label.to_lowercase()),
            "{language}: {text}"
        );
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let quote: String = quote.replace('\u{202F}', "");
        let squeezed: String = text.replace('\u{202F}', "").replace(' ', "");
        assert!(
            squeezed.contains(&quote.replace(' ', "")),
            "{language}: {text}"
        );
    }
}

#[test]
fn a_language_without_labels_is_refused_with_the_way_to_add_it() {
    let (_temp, project) = project_in("es");
    let out = personapress(&["render", project.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(err.contains("no labels for the language `es`"), "{err}");
    assert!(err.contains("lea.toml:2"), "names the file and line: {err}");
    assert!(err.contains("templates/labels.typ"), "{err}");

    // With its own labels.typ that has Spanish, the project renders in Spanish.
    let labels = std::fs::read_to_string(repo().join("templates/labels.typ")).unwrap();
    write(
        &project.join("templates/labels.typ"),
        &with_language(&labels, "es", "Necesidad clave"),
    );
    let out = personapress(&["render", project.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = plain_text(&project.join("dist/lea/lea.poster-a3.pdf"));
    assert!(text.to_lowercase().contains("necesidad clave"), "{text}");
}

/// The labels file with a new language: English labels, with `core-need` in its words.
fn with_language(labels: &str, code: &str, core_need: &str) -> String {
    let start = labels.find("  en: (").unwrap();
    let end = start + labels[start..].find("\n  ),").unwrap() + "\n  ),".len();
    let block = labels[start..end]
        .replacen("  en: (", &format!("  {code}: ("), 1)
        .replacen(
            "core-need: \"Core need\"",
            &format!("core-need: \"{core_need}\""),
            1,
        );
    format!("{}{block}\n{}", &labels[..end + 1], &labels[end + 1..])
}
