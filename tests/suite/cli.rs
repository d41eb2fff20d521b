//! The real binary on fixtures of its own: minimal personas, long text, broken files,
//! `check`, exit codes and report.json.

use crate::common::*;

/// Renders the minimal fixture (a persona with only a name) and returns its output folder.
fn minimal_rendered() -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, project) = fixture("minimal");
    let result = personapress(&["render", project.to_str().unwrap(), "-q"]);
    assert!(result.status.success(), "{}", stderr(&result));
    (temp, project.join("dist"))
}

#[test]
fn a_persona_with_only_a_name_gives_clean_documents_in_the_default_theme() {
    let (_temp, out) = minimal_rendered();
    let report = report(&out);
    assert_eq!(report["summary"]["written"], 4);
    for format in ["poster-a2", "poster-a3", "mousepad", "briefing"] {
        let entry = entry(&report, "mo", format);
        assert!(
            entry["warnings"].as_array().unwrap().is_empty(),
            "{format}: {entry}"
        );
        assert_eq!(entry["fit"], 1.0, "{format} needs no shrinking");
        let doc = pdf(&out.join("mo").join(format!("mo.{format}.pdf")));
        assert!(all_fonts_embedded(&doc), "{format}");
        // No photo: a monogram, drawn as text and shapes, and no image at all.
        let images = doc.objects.values().filter(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Subtype").and_then(|v| v.as_name()).ok() == Some(b"Image".as_slice())
            })
        });
        assert_eq!(images.count(), 0, "{format} has no image");
    }
    assert_eq!(
        pdf(&out.join("mo/mo.briefing.pdf")).get_pages().len(),
        1,
        "the cover only: no heading over an empty section"
    );
}

#[test]
#[ignore = "needs poppler-utils (pdftotext)"]
fn a_persona_with_only_a_name_shows_no_empty_sections() {
    let (_temp, out) = minimal_rendered();
    let poster = text(&out.join("mo/mo.poster-a2.pdf"));
    assert!(
        poster.contains("Mo") && poster.contains("M\n"),
        "name and monogram: {poster}"
    );
    assert!(
        poster.contains("Fictional persona"),
        "the footer says what it is: {poster}"
    );
    for label in ["Goals", "CORE NEED", "Customer journey", "KPIs"] {
        assert!(
            !poster.contains(label),
            "empty section {label} disappears: {poster}"
        );
    }
}

#[test]
fn a_batch_goes_on_past_broken_personas_and_exits_1() {
    let (_temp, project) = fixture("mixed");
    let result = personapress(&["render", project.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let err = stderr(&result);
    assert!(
        err.contains("typo.toml:2:1"),
        "names file, line and column: {err}"
    );
    assert!(
        err.contains("did you mean `frustrations`?"),
        "suggests the key: {err}"
    );
    let out = project.join("dist");
    let report = report(&out);
    assert_eq!(
        report["summary"]["written"], 4,
        "both good personas' documents, the long one's cut to fit"
    );
    let overflow = entry(&report, "overflow", "poster-a2");
    assert!(
        overflow["warnings"]
            .to_string()
            .contains("the story was left out"),
        "the cut is named: {overflow}"
    );
    assert!(out.join("overflow/overflow.poster-a2.pdf").is_file());
    assert!(out.join("good/good.poster-a2.pdf").is_file());
    assert!(out.join("good/good.mousepad.pdf").is_file());
    let typo = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["persona"] == "typo")
        .unwrap();
    assert!(
        typo["errors"][0]
            .as_str()
            .unwrap()
            .contains("unknown field `frustation`")
    );
}

#[test]
fn content_a_format_has_no_room_for_is_named_in_a_warning() {
    let (_temp, project) = fixture("mixed");
    personapress(&["render", project.to_str().unwrap(), "-q"]);
    let report = report(&project.join("dist"));
    let poster = entry(&report, "good", "poster-a2");
    let warnings = poster["warnings"].to_string();
    assert!(
        warnings.contains("poster-a2 shows 5 of 7 goals"),
        "{warnings}"
    );
    let mousepad = entry(&report, "good", "mousepad");
    assert!(
        mousepad["warnings"]
            .to_string()
            .contains("mousepad shows 3 of 4 do's"),
        "{mousepad}"
    );
    assert_eq!(mousepad["pages"], 1);
}

#[test]
fn a_long_story_is_cut_to_its_first_sentences_to_stay_on_one_page() {
    let (_temp, project) = fixture("minimal");
    let story = "A sentence that fills the poster with a longer story than designed. ".repeat(80);
    let persona = format!("name = \"Mo\"\nstory = \"\"\"\n{story}\n\"\"\"\n");
    write(&project.join("personas/mo.toml"), &persona);
    let result = personapress(&["render", project.to_str().unwrap(), "-f", "poster-a2"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let report = report(&project.join("dist"));
    let entry = entry(&report, "mo", "poster-a2");
    assert_eq!(entry["pages"], 1);
    assert_eq!(
        entry["fit"], 1.0,
        "the content is edited, not the type shrunk"
    );
    assert!(
        entry["warnings"]
            .to_string()
            .contains("the story was cut to its first two sentences"),
        "the cut is named: {entry}"
    );
    assert_eq!(
        pdf(&project.join("dist/mo/mo.poster-a2.pdf"))
            .get_pages()
            .len(),
        1
    );
}

#[test]
fn check_lays_out_everything_and_writes_nothing() {
    let (_temp, project) = fixture("minimal");
    let result = personapress(&["check", project.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("checked 4 documents"),
        "{}",
        stderr(&result)
    );
    assert!(!project.join("dist").exists(), "check writes nothing");
}

#[test]
fn a_project_that_cannot_be_loaded_exits_2() {
    let (_temp, project) = fixture("minimal");
    write(
        &project.join("personapress.toml"),
        "title = \"x\"\nformats = [\"poster-a4\"]\n",
    );
    let result = personapress(&["render", project.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    let err = stderr(&result);
    assert!(
        err.contains("personapress.toml:2:1") && err.contains("did you mean `poster-a"),
        "{err}"
    );

    let missing = personapress(&["render", "/nonexistent/project"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no project found"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_theme_font_that_is_not_available_is_named_with_the_alternatives() {
    let (_temp, project) = fixture("minimal");
    write(
        &project.join("themes/t.toml"),
        "name = \"T\"\n[fonts]\nheading = \"Comic Serif\"\n",
    );
    write(
        &project.join("personapress.toml"),
        "theme = \"themes/t.toml\"\n",
    );
    let result = personapress(&["check", project.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    let err = stderr(&result);
    assert!(
        err.contains("`Comic Serif`") && err.contains("Inter") && err.contains("t.toml:3:1"),
        "{err}"
    );
}

#[test]
fn paths_in_persona_files_stay_inside_the_project() {
    let (_temp, project) = fixture("minimal");
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\nphoto = \"../../../../etc/passwd\"\n",
    );
    let result = personapress(&["check", project.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        stderr(&result).contains("outside the project folder"),
        "{}",
        stderr(&result)
    );
}

#[test]
fn the_same_inputs_give_identical_pdfs() {
    let (_temp, project) = fixture("minimal");
    let path = project.to_str().unwrap();
    personapress(&[
        "render",
        path,
        "-q",
        "-o",
        project.join("a").to_str().unwrap(),
    ]);
    personapress(&[
        "render",
        path,
        "-q",
        "-o",
        project.join("b").to_str().unwrap(),
    ]);
    for format in ["poster-a2", "briefing"] {
        let a = std::fs::read(project.join(format!("a/mo/mo.{format}.pdf"))).unwrap();
        let b = std::fs::read(project.join(format!("b/mo/mo.{format}.pdf"))).unwrap();
        assert!(a == b, "{format} is byte-identical run after run");
    }
}

/// Every file under `dir` whose name starts with a dot.
fn hidden_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(hidden_files(&path));
        } else if path.file_name().unwrap().to_string_lossy().starts_with('.') {
            found.push(path);
        }
    }
    found
}

#[test]
fn rendering_over_earlier_output_leaves_no_temporary_or_replaced_files() {
    let (_temp, out) = minimal_rendered();
    let project = out.parent().unwrap().to_str().unwrap().to_string();
    let before = std::fs::read(out.join("mo/mo.poster-a2.pdf")).unwrap();
    let again = personapress(&["render", &project, "-q", "--force"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        std::fs::read(out.join("mo/mo.poster-a2.pdf")).unwrap(),
        before
    );
    let report = report(&out);
    assert!(report["documents"].as_array().unwrap().len() >= 3);
    assert!(out.join("index.html").is_file());
    let mut hidden = hidden_files(&out);
    hidden.sort();
    let kept = [".personapress-cache.json", ".personapress-digests.json"].map(|f| out.join(f));
    assert_eq!(hidden, kept, "only the cache and the digests are hidden");
}

#[test]
fn a_symlink_pointing_out_of_the_project_is_refused() {
    let (_temp, project) = fixture("minimal");
    std::fs::create_dir_all(project.join("photos")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", project.join("photos/mo.jpg")).unwrap();
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\nphoto = \"../photos/mo.jpg\"\n",
    );
    let result = personapress(&["check", project.to_str().unwrap(), "-q"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        stderr(&result).contains("points outside the project folder"),
        "{}",
        stderr(&result)
    );
}

#[test]
fn huge_files_are_refused_before_they_are_read() {
    let (_temp, project) = fixture("minimal");
    let toml = std::fs::File::create(project.join("personas/big.toml")).unwrap();
    toml.set_len(50 * 1024 * 1024).unwrap();
    std::fs::create_dir_all(project.join("photos")).unwrap();
    let photo = std::fs::File::create(project.join("photos/big.jpg")).unwrap();
    photo.set_len(200 * 1024 * 1024).unwrap();
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\nphoto = \"../photos/big.jpg\"\n",
    );
    let result = personapress(&["check", project.to_str().unwrap(), "-q"]);
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(err.contains("big.toml is too large (50 MiB"), "{err}");
    assert!(err.contains("big.jpg is too large (200 MiB"), "{err}");
}

#[test]
fn a_failed_render_keeps_the_earlier_good_pdf() {
    let (_temp, project) = fixture("minimal");
    let path = project.to_str().unwrap();
    assert!(
        personapress(&["render", path, "-q", "-f", "poster-a3"])
            .status
            .success()
    );
    let pdf = project.join("dist/mo/mo.poster-a3.pdf");
    let before = std::fs::read(&pdf).unwrap();
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\nage = \"not a number\"\n",
    );
    assert_eq!(
        personapress(&["render", path, "-q", "-f", "poster-a3"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        before,
        "the earlier output is untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(project.join("dist/mo"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files: {leftovers:?}");
}

#[test]
fn unchanged_documents_are_not_rendered_again() {
    let (_temp, project) = fixture("minimal");
    let path = project.to_str().unwrap();
    assert!(personapress(&["render", path, "-q"]).status.success());
    let pdf = project.join("dist/mo/mo.poster-a2.pdf");
    let first_modified = std::fs::metadata(&pdf).unwrap().modified().unwrap();

    let again = personapress(&["render", path]);
    assert!(
        stderr(&again).contains("wrote 0 of 4 documents") && stderr(&again).contains("4 unchanged"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::metadata(&pdf).unwrap().modified().unwrap(),
        first_modified,
        "not rewritten"
    );
    let report = report(&project.join("dist"));
    assert_eq!(report["summary"]["skipped"], 4);
    assert_eq!(report["summary"]["written"], 4, "the report stays complete");
    assert!(
        entry(&report, "mo", "poster-a2")["sha256"]
            .as_str()
            .is_some()
    );

    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\ntagline = \"Changed one line\"\n",
    );
    let changed = personapress(&["render", path]);
    assert!(
        stderr(&changed).contains("wrote 4 of 4 documents"),
        "{}",
        stderr(&changed)
    );

    let forced = personapress(&["render", path, "--force"]);
    assert!(
        stderr(&forced).contains("wrote 4 of 4 documents"),
        "{}",
        stderr(&forced)
    );
}

#[test]
fn png_previews_show_the_trim_area_at_the_asked_resolution() {
    let (_temp, project) = fixture("minimal");
    let result = personapress(&[
        "render",
        project.to_str().unwrap(),
        "-q",
        "--png",
        "--dpi",
        "50",
        "--json",
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let printed: serde_json::Value =
        serde_json::from_slice(&result.stdout).expect("--json prints the report");
    assert_eq!(printed["summary"]["written"], 4);
    let png = |format: &str| {
        image::image_dimensions(project.join(format!("dist/mo/mo.{format}.png"))).unwrap()
    };
    assert_eq!(
        png("poster-a3"),
        (585, 827),
        "A3 at 50 dpi, without bleed or marks"
    );
    assert_eq!(png("mousepad"), (472, 394));
}

#[test]
fn an_unchanged_document_is_rendered_again_for_a_missing_png_or_thumbnail() {
    let (_temp, project) = fixture("minimal");
    let path = project.to_str().unwrap();
    assert!(personapress(&["render", path, "-q"]).status.success());
    let png = project.join("dist/mo/mo.poster-a3.png");
    assert!(!png.exists(), "no PNG unless asked");

    let with_png = personapress(&["render", path, "--png"]);
    assert!(
        stderr(&with_png).contains("wrote 4 of 4 documents"),
        "{}",
        stderr(&with_png)
    );
    assert!(
        png.is_file(),
        "--png on an unchanged project still writes the PNGs"
    );
    let at_50 = || stderr(&personapress(&["render", path, "--png", "--dpi", "50"]));
    let other_dpi = at_50();
    assert!(other_dpi.contains("wrote 4 of 4 documents"), "{other_dpi}");
    assert_eq!(image::image_dimensions(&png).unwrap(), (585, 827));
    let again = at_50();
    assert!(again.contains("wrote 0 of 4 documents"), "{again}");

    std::fs::remove_dir_all(project.join("dist/.thumbnails")).unwrap();
    let again = personapress(&["render", path]);
    assert!(
        stderr(&again).contains("wrote 4 of 4 documents"),
        "{}",
        stderr(&again)
    );
    let thumbnail = project.join("dist/.thumbnails/mo/mo.poster-a3.png");
    assert!(
        thumbnail.is_file(),
        "the proof page gets its thumbnails back"
    );
    let page = std::fs::read_to_string(project.join("dist/index.html")).unwrap();
    assert!(!page.contains("no thumbnail"), "every card has its picture");
}

#[test]
fn a_rerun_notices_changed_photos_and_pdfs_by_their_digests() {
    let (_temp, project) = fixture("lowres");
    let path = project.to_str().unwrap();
    // Both personas with a photo good enough to print, each its own file.
    let photos = project.join("photos");
    std::fs::copy(photos.join("medium.jpg"), photos.join("other.jpg")).unwrap();
    write(
        &project.join("personas/tiny.toml"),
        "name = \"Tim Tiny\"\nphoto = \"../photos/other.jpg\"\n",
    );
    let render = || stderr(&personapress(&["render", path, "-f", "poster-a3"]));
    assert!(render().contains("wrote 2 of 2"));
    let digests = std::fs::read_to_string(project.join("dist/.personapress-digests.json"))
        .expect("the digests are kept for the next run");
    assert!(digests.contains("medium.jpg") && digests.contains("medium.poster-a3.pdf"));

    // Saved again with the same bytes: re-hashed, found unchanged, not rendered.
    let photo = project.join("photos/medium.jpg");
    let bytes = std::fs::read(&photo).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&photo, &bytes).unwrap();
    let resaved = render();
    assert!(resaved.contains("wrote 0 of 2"), "{resaved}");

    // Other bytes: the persona's documents are rendered again, the other persona's not.
    let mut changed = bytes.clone();
    let last = changed.len() - 3;
    changed[last] ^= 0x55;
    std::fs::write(&photo, &changed).unwrap();
    let rerendered = render();
    assert!(rerendered.contains("wrote 1 of 2"), "{rerendered}");

    // A PDF changed behind our back is rendered again.
    let pdf = project.join("dist/tiny/tiny.poster-a3.pdf");
    let good = std::fs::read(&pdf).unwrap();
    std::fs::write(&pdf, b"%PDF-1.7 not the one we wrote").unwrap();
    let repaired = render();
    assert!(repaired.contains("wrote 1 of 2"), "{repaired}");
    assert_eq!(std::fs::read(&pdf).unwrap(), good);
}

#[test]
fn source_date_epoch_dates_every_document_and_a_malformed_one_is_refused() {
    let (_temp, project) = fixture("minimal");
    let dir = project.to_str().unwrap();
    let run = |epoch: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_personapress"))
            .args(["render", dir, "-q", "--force", "-f", "poster-a3"])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap()
    };
    assert!(run("1772366400").status.success());
    let pdf = std::fs::read(project.join("dist/mo/mo.poster-a3.pdf")).unwrap();
    assert!(
        pdf.windows(16).any(|w| w == b"D:20260301120000"),
        "dated by SOURCE_DATE_EPOCH (2026-03-01 12:00 UTC)"
    );
    let html = std::fs::read_to_string(project.join("dist/index.html")).unwrap();
    assert!(html.contains("2026-03-01 12:00 UTC"), "the proof page too");
    let refused = run("yesterday");
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("yesterday"),
        "{}",
        stderr(&refused)
    );
}
