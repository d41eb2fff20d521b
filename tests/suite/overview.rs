//! The persona-set overview: every persona of the project on one landscape sheet,
//! rendered once per project as OUT/overview-a2.pdf and OUT/overview-a3.pdf.

use crate::common::*;

/// A project with `count` personas, each with a name, tagline, core need and quote.
fn project(count: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("p");
    write(
        &dir.join("personapress.toml"),
        "title = \"Persona set\"\nclient = \"Acme Rail\"\nlanguage = \"en\"\n\
         formats = [\"poster-a3\", \"overview-a2\", \"overview-a3\"]\n",
    );
    for i in 1..=count {
        write(
            &dir.join(format!("personas/p{i}.toml")),
            &format!(
                "name = \"Person{i}\"\ntagline = \"Tag{i}\"\ncore_need = \"Need{i}\"\nquote = \"Quote{i}\"\n"
            ),
        );
    }
    (temp, dir)
}

#[test]
fn one_overview_sheet_per_project_shows_every_persona_for_2_and_6() {
    for count in [2, 6] {
        let (_temp, dir) = project(count);
        let out = personapress(&["render", dir.to_str().unwrap(), "-q"]);
        assert!(out.status.success(), "{count}: {}", stderr(&out));
        for (format, size) in [
            ("overview-a2", (594.0, 420.0)),
            ("overview-a3", (420.0, 297.0)),
        ] {
            let path = dir.join(format!("dist/{format}.pdf"));
            let doc = pdf(&path);
            assert_eq!(doc.get_pages().len(), 1, "{format} of {count}");
            assert_size(box_mm(&doc, b"TrimBox").unwrap(), size, format);
            let text = squeezed(&plain_text(&path));
            assert!(
                text.contains("Personaset") && text.contains("ACMERAIL"),
                "{text}"
            );
            for i in 1..=count {
                for field in ["Person", "Tag", "Need", "Quote"] {
                    assert!(
                        text.contains(&format!("{field}{i}")),
                        "{format} of {count}: no {field}{i}: {text}"
                    );
                }
            }
        }
        let report = report(&dir.join("dist"));
        let sheets: Vec<_> = report["documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["format"].as_str().unwrap().starts_with("overview"))
            .collect();
        assert_eq!(sheets.len(), 2, "once per project, not per persona");
        assert_eq!(report["summary"]["written"], count + 2);
        assert!(!dir.join("dist/p1/p1.overview-a2.pdf").exists());
    }
}

#[test]
fn the_overview_is_rendered_again_only_when_a_persona_changes() {
    let (_temp, dir) = project(2);
    let path = dir.to_str().unwrap();
    personapress(&["render", path, "-q"]);
    let again = stderr(&personapress(&["render", path]));
    assert!(again.contains("wrote 0 of 4"), "{again}");
    write(
        &dir.join("personas/p2.toml"),
        "name = \"Person2\"\ntagline = \"Changed\"\n",
    );
    let changed = stderr(&personapress(&["render", path]));
    assert!(
        changed.contains("rewrote overview-a2.pdf")
            && changed.contains("rewrote p2/p2.poster-a3.pdf"),
        "{changed}"
    );
    assert!(!changed.contains("rewrote p1/"), "{changed}");
}

/// The pixel sizes of every image XObject in a PDF.
fn image_sizes(doc: &lopdf::Document) -> Vec<(i64, i64)> {
    doc.objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image"))
        .map(|s| {
            let side = |key: &[u8]| s.dict.get(key).and_then(|v| v.as_i64()).unwrap();
            (side(b"Width"), side(b"Height"))
        })
        .collect()
}

/// [`project`] with `count` personas that share one 2400 × 3200 JPEG photo.
fn project_with_big_photos(count: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, dir) = project(count);
    let photo = image::RgbImage::from_fn(2400, 3200, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    photo.save(dir.join("photos/big.jpg")).unwrap();
    for i in 1..=count {
        let path = dir.join(format!("personas/p{i}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        write(&path, &format!("{text}photo = \"../photos/big.jpg\"\n"));
    }
    (temp, dir)
}

#[test]
fn the_sheet_embeds_big_photos_at_the_scale_it_prints_them_and_the_poster_in_full() {
    let (_temp, dir) = project_with_big_photos(5);
    let out = personapress(&[
        "render",
        dir.to_str().unwrap(),
        "-q",
        "-f",
        "overview-a2,poster-a3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Five cards on two rows: a photo is at most a quarter of the 420 mm sheet, which
    // needs 1241 px for 300 ppi; half of the 3200 px photo is the smallest scale with that.
    let sheet = image_sizes(&pdf(&dir.join("dist/overview-a2.pdf")));
    assert_eq!(
        sheet,
        vec![(1200, 1600)],
        "reduced, and the same photo embedded once"
    );
    let poster = image_sizes(&pdf(&dir.join("dist/p1/p1.poster-a3.pdf")));
    assert_eq!(poster, vec![(2400, 3200)], "the poster keeps every pixel");
}

#[test]
fn every_themes_sheet_embeds_the_reduced_photos() {
    let (_temp, dir) = project_with_big_photos(5);
    write(&dir.join("themes/sea.toml"), "name = \"Sea\"\n");
    write(&dir.join("themes/clay.toml"), "name = \"Clay\"\n");
    write(
        &dir.join("personapress.toml"),
        "title = \"Persona set\"\nthemes = [\"themes/sea.toml\", \"themes/clay.toml\"]\n\
         formats = [\"overview-a2\"]\n",
    );
    let out = personapress(&["render", dir.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Five cards on two rows: the photo is reduced to half (see the test above), once
    // for both themes' sheets.
    for theme in ["sea", "clay"] {
        let path = dir.join(format!("dist/overview-a2.{theme}.pdf"));
        assert_eq!(image_sizes(&pdf(&path)), vec![(1200, 1600)], "{theme}");
        assert!(squeezed(&plain_text(&path)).contains("Person5"), "{theme}");
    }
}

#[test]
fn thirteen_personas_fill_two_balanced_sheets_of_seven_and_six() {
    let (_temp, dir) = project(13);
    let out = personapress(&["render", dir.to_str().unwrap(), "-q", "-f", "overview-a3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.join("dist/overview-a3.pdf");
    let doc = pdf(&path);
    assert_eq!(doc.get_pages().len(), 2, "a page per sheet");
    assert_size(
        box_mm(&doc, b"TrimBox").unwrap(),
        (420.0, 297.0),
        "overview-a3",
    );
    let text = squeezed(&plain_text(&path));
    let (first, second) = text
        .split_once("13personas·1/2")
        .expect("the first sheet's footer");
    assert!(second.contains("13personas·2/2"), "{text}");
    // Personas come in file-name order (p1, p10, …, p13, p2, p3 | p4 … p9).
    let mut ids: Vec<usize> = (1..=13).collect();
    ids.sort_by_key(|i| format!("p{i}"));
    for (n, i) in ids.into_iter().enumerate() {
        let sheet = if n < 7 { first } else { second };
        let need = format!("Need{i}");
        let on_sheet = sheet
            .match_indices(&need)
            .any(|(at, _)| !sheet[at + need.len()..].starts_with(|c: char| c.is_ascii_digit()));
        assert!(on_sheet, "Person{i} on sheet {}: {text}", 1 + n / 7);
    }
    let report = report(&dir.join("dist"));
    assert_eq!(entry(&report, "*", "overview-a3")["pages"], 2);
    assert!(report["summary"]["warnings"] == 0, "nobody is left out");
}
