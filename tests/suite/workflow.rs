//! The designer and agency workflow: languages, init, preview, schema, completions,
//! the proof page and watch.

use crate::common::*;

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
        // Spacing inside French quotes is up to the extraction: compare without it.
        let squeeze = |s: &str| s.replace(['\u{202F}', ' ', '\n'], "");
        assert!(
            squeeze(&text).contains(&squeeze(quote)),
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

/// The keys of a TOML value, recursively, that its JSON Schema does not list.
fn keys_missing_from_schema(
    value: &toml::Value,
    schema: &serde_json::Value,
    root: &serde_json::Value,
) -> Vec<String> {
    let schema = resolve(schema, root, value.is_table());
    let mut missing = vec![];
    match value {
        toml::Value::Table(table) => {
            for (key, inner) in table {
                match schema.pointer(&format!("/properties/{key}")) {
                    Some(sub) => missing.extend(keys_missing_from_schema(inner, sub, root)),
                    None => missing.push(key.clone()),
                }
            }
        }
        toml::Value::Array(items) => {
            let items_schema = schema.get("items").cloned().unwrap_or_default();
            for item in items {
                missing.extend(keys_missing_from_schema(item, &items_schema, root));
            }
        }
        _ => {}
    }
    missing
}

/// Follows `$ref`s and picks the alternative of an `anyOf`/`oneOf` that fits a table or not.
fn resolve(schema: &serde_json::Value, root: &serde_json::Value, table: bool) -> serde_json::Value {
    if let Some(r) = schema.get("$ref").and_then(|r| r.as_str()) {
        let target = root
            .pointer(r.trim_start_matches('#'))
            .cloned()
            .unwrap_or_default();
        return resolve(&target, root, table);
    }
    if let Some(options) = schema
        .get("anyOf")
        .or(schema.get("oneOf"))
        .and_then(|a| a.as_array())
    {
        let resolved: Vec<_> = options.iter().map(|o| resolve(o, root, table)).collect();
        let fits = |o: &&serde_json::Value| {
            o.get("properties").is_some() == table && o.get("type") != Some(&"null".into())
        };
        return resolved
            .iter()
            .find(fits)
            .or(resolved.first())
            .cloned()
            .unwrap_or_default();
    }
    schema.clone()
}

fn schema(kind: &str) -> serde_json::Value {
    let out = personapress(&["schema", kind]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

#[test]
fn schemas_describe_every_key_the_examples_use_and_refuse_others() {
    for (kind, files) in [
        (
            "persona",
            vec!["peter", "zoe", "anouk", "lars"]
                .into_iter()
                .map(|p| format!("examples/personas/{p}.toml"))
                .collect::<Vec<_>>(),
        ),
        (
            "theme",
            vec![
                "examples/themes/noordzee.toml".to_string(),
                "examples/themes/terracotta.toml".into(),
            ],
        ),
        ("project", vec!["examples/personapress.toml".to_string()]),
    ] {
        let schema = schema(kind);
        assert_eq!(
            schema["additionalProperties"], false,
            "{kind}: unknown keys are flagged"
        );
        for file in files {
            let value: toml::Value =
                toml::from_str(&std::fs::read_to_string(repo().join(&file)).unwrap()).unwrap();
            let missing = keys_missing_from_schema(&value, &schema, &schema);
            assert!(
                missing.is_empty(),
                "{file}: keys not in the {kind} schema: {missing:?}"
            );
        }
    }
    let persona = schema("persona");
    assert_eq!(persona["required"], serde_json::json!(["name"]));
    // The defaults a user relies on are stated in the schema, as the program applies them.
    let project = schema("project");
    let default =
        |def: &str, key: &str| project["$defs"][def]["properties"][key]["default"].clone();
    assert_eq!(default("Print", "crop_marks"), true);
    assert_eq!(default("Print", "pdfx"), true);
    assert_eq!(default("Mousepad", "corner_radius"), "5mm");
    assert_eq!(default("Mousepad", "cut_contour"), "CutContour");
}

#[test]
fn init_makes_a_project_that_renders_at_once_with_schema_lines() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("new");
    let out = personapress(&["init", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (file, kind) in [
        ("personapress.toml", "project"),
        ("personas/peter.toml", "persona"),
        ("personas/zoe.toml", "persona"),
        ("themes/noordzee.toml", "theme"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let first = text.lines().next().unwrap();
        let target = first
            .strip_prefix("#:schema ")
            .expect("a #:schema first line");
        let schema_path = dir.join(file).parent().unwrap().join(target);
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
        assert_eq!(written, schema(kind), "{file} points at the {kind} schema");
    }
    assert!(
        std::fs::read_to_string(dir.join("README.md"))
            .unwrap()
            .contains("personapress render")
    );

    let render = personapress(&["render", dir.to_str().unwrap(), "-q"]);
    assert!(render.status.success(), "{}", stderr(&render));
    let report = report(&dir.join("dist"));
    assert_eq!(
        report["summary"]["written"], 8,
        "two personas in four formats"
    );
    let languages: Vec<String> = ["peter", "zoe"]
        .iter()
        .map(|p| plain_text(&dir.join(format!("dist/{p}/{p}.briefing.pdf"))))
        .collect();
    assert!(
        languages[0].contains("Doelen") && languages[1].contains("Goals"),
        "one Dutch, one English"
    );

    let again = personapress(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("is not empty"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn preview_renders_one_document_to_png_by_id_or_file() {
    let (_temp, project) = fixture("mixed");
    let path = project.to_str().unwrap();
    let file = project.join("personas/good.toml");
    let stem = "good";
    let out = personapress(&[
        "preview",
        stem,
        "-C",
        path,
        "-f",
        "poster-a3",
        "--dpi",
        "50",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let png = project.join(format!("dist/{stem}/{stem}.poster-a3.png"));
    let image = image::open(&png).expect("a PNG");
    assert_eq!(
        (image.width(), image.height()),
        (585, 827),
        "A3 trim at 50 dpi"
    );
    assert!(
        !project
            .join(format!("dist/{stem}/{stem}.poster-a3.pdf"))
            .exists(),
        "no PDF"
    );

    let target = project.join("look.png");
    let by_file = personapress(&[
        "preview",
        file.to_str().unwrap(),
        "-f",
        "mousepad",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert!(by_file.status.success(), "{}", stderr(&by_file));
    assert!(image::open(&target).is_ok());

    let unknown = personapress(&["preview", &format!("{stem}x"), "-C", path]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains(&format!("did you mean `{stem}`")),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn ejected_templates_are_used_and_their_errors_point_at_the_users_file() {
    let (_temp, project) = fixture("minimal");
    let templates = project.join("templates");
    let out = personapress(&["templates", "eject", templates.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in [
        "lib.typ",
        "labels.typ",
        "poster-a2.typ",
        "poster-a3.typ",
        "mousepad.typ",
        "briefing.typ",
    ] {
        assert!(templates.join(name).is_file(), "{name}");
    }
    let a3 = templates.join("poster-a3.typ");
    let text = std::fs::read_to_string(&a3).unwrap();
    std::fs::write(
        &a3,
        format!("{text}\n#text(size: 60pt)[EJECTED AND EDITED]\n#undefined-thing\n"),
    )
    .unwrap();
    let render = personapress(&["render", project.to_str().unwrap(), "-f", "poster-a3"]);
    let err = stderr(&render);
    assert_eq!(render.status.code(), Some(1), "{err}");
    assert!(err.contains("templates/poster-a3.typ:"), "{err}");
    assert!(err.contains("undefined-thing"), "{err}");

    std::fs::write(
        &a3,
        format!("{text}\n#text(size: 60pt)[EJECTED AND EDITED]\n"),
    )
    .unwrap();
    let render = personapress(&["render", project.to_str().unwrap(), "-f", "poster-a3", "-q"]);
    assert!(render.status.success(), "{}", stderr(&render));
    let text = plain_text(&project.join("dist/mo/mo.poster-a3.pdf"));
    assert!(text.contains("EJECTED AND EDITED"), "{text}");
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definitions() {
    let bash = personapress(&["completions", "bash"]);
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(bash.status.success() && script.contains("personapress") && script.contains("preview"));
    let man = personapress(&["man"]);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.status.success() && page.contains(".TH personapress") && page.contains("render"),
        "{page}"
    );
}

/// The `href`s and inlined PNGs of a proof page.
fn links_and_images(html: &str) -> (Vec<String>, Vec<Vec<u8>>) {
    use base64::Engine as _;
    let links = html
        .split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect();
    let images = html
        .split("data:image/png;base64,")
        .skip(1)
        .map(|rest| {
            let data = rest.split('"').next().unwrap();
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap()
        })
        .collect();
    (links, images)
}

#[test]
fn every_render_writes_a_self_contained_proof_page() {
    let (_temp, project) = fixture("mixed");
    personapress(&["render", project.to_str().unwrap(), "-q"]);
    let out = project.join("dist");
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html is written");
    let report = report(&out);
    let documents = report["documents"].as_array().unwrap();
    assert_eq!(html.matches("<article").count(), documents.len());
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network"
    );

    let (links, images) = links_and_images(&html);
    let written: Vec<&str> = documents
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert_eq!(
        links, written,
        "a relative link to each PDF, in report order"
    );
    assert!(links.iter().all(|l| out.join(l).is_file()));
    assert_eq!(
        images.len(),
        written.len(),
        "a thumbnail for each written document"
    );
    for png in &images {
        let image = image::load_from_memory(png).unwrap();
        assert_eq!(image.width(), 240);
    }
    assert!(
        html.contains("class=\"failed\""),
        "the failing persona is on the page"
    );
    assert!(
        html.contains("does not fit") || html.contains("unknown field"),
        "with its error"
    );

    // An unchanged re-run renders nothing and still shows every thumbnail.
    personapress(&["render", project.to_str().unwrap(), "-q"]);
    let again = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(links_and_images(&again).1, images);
}

#[test]
#[ignore = "needs chromium (installed by .ci/run)"]
fn the_proof_page_renders_in_headless_chromium() {
    require_tool("chromium");
    let (temp, project) = fixture("mixed");
    personapress(&["render", project.to_str().unwrap(), "-q"]);
    let index = project.join("dist/index.html");
    let shot = temp.path().join("proof.png");
    let profile = temp.path().join("chromium-profile");
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", index.display()))
        .output()
        .expect("chromium runs");
    assert!(
        shot.is_file(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let image = image::open(&shot).unwrap().to_rgb8();
    assert_eq!((image.width(), image.height()), (1200, 900));
    // The page background, white cards, the thumbnails' own colours and the red
    // border of the failed card are all on screen.
    let has = |rgb: [u8; 3]| {
        image
            .pixels()
            .any(|p| p.0.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) < 6))
    };
    assert!(has([0xf4, 0xf3, 0xef]), "page background");
    assert!(has([0xff, 0xff, 0xff]), "cards");
    assert!(has([0xc8, 0x39, 0x2e]), "the failed card's red border");
    let colours: std::collections::HashSet<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    assert!(
        colours.len() > 200,
        "thumbnails are drawn: {} colours",
        colours.len()
    );
    image.save(project.join("proof-screenshot.png")).unwrap();
}

/// A running `personapress watch`, killed when dropped; its stderr arrives line by line.
pub(crate) struct Watching {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Watching {
    pub(crate) fn start(project: &std::path::Path) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_personapress"))
            .args(["watch", project.to_str().unwrap(), "-f", "poster-a3"])
            .env("NO_COLOR", "1")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("watch starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        Watching { child, lines }
    }

    /// Waits for a line containing `text`; returns everything printed up to it.
    pub(crate) fn wait_for(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut seen = String::new();
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    seen += &line;
                    seen += "\n";
                    if line.contains(text) {
                        return seen;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with `{text}` from watch; it printed:\n{seen}");
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rerenders_what_a_save_touches_and_survives_a_broken_save() {
    let (_temp, project) = fixture("minimal");
    write(
        &project.join("personas/other.toml"),
        "name = \"Other Person\"\ntagline = \"Stays as it is\"\n",
    );
    let watch = Watching::start(&project);
    watch.wait_for("watching");
    let pdf = project.join("dist/mo/mo.poster-a3.pdf");
    let other = project.join("dist/other/other.poster-a3.pdf");
    let other_before = std::fs::read(&other).unwrap();

    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\ntagline = \"Saved while watching\"\n",
    );
    let printed = watch.wait_for("rewrote");
    assert!(printed.contains("mo.poster-a3.pdf"), "{printed}");
    watch.wait_for("wrote 1 of 2 documents");
    assert!(plain_text(&pdf).contains("Saved while watching"));
    assert_eq!(
        std::fs::read(&other).unwrap(),
        other_before,
        "the other persona is untouched"
    );

    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\ntagline = \"unclosed\n",
    );
    let printed = watch.wait_for("mo.toml:2");
    assert!(printed.contains("error: invalid basic string"), "{printed}");

    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\ntagline = \"Fixed again\"\n",
    );
    watch.wait_for("rewrote");
    watch.wait_for("wrote 1 of 2 documents");
    assert!(plain_text(&pdf).contains("Fixed again"));
}

#[test]
fn a_template_of_the_projects_own_adds_a_format_without_rust() {
    let (_temp, project) = fixture("minimal");
    write(
        &project.join("personapress.toml"),
        "title = \"Minimal\"\nformats = [\"poster-a3\", \"desk-card\"]\n\n[format.desk-card]\nsize = \"148x105mm\"\n",
    );
    write(
        &project.join("templates/desk-card.typ"),
        "#import \"lib.typ\": *\n#show: setup\n\
         #set page(width: fmt.width * 1mm, height: fmt.height * 1mm, bleed: fmt.bleed * 1mm, margin: 10mm, fill: background)\n\
         #text(size: 28pt * s, weight: \"bold\", fill: primary, p.name)\n\n#text(size: 12pt * s)[Desk card]\n",
    );
    let out = personapress(&["render", project.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf_path = project.join("dist/mo/mo.desk-card.pdf");
    let doc = pdf(&pdf_path);
    assert_size(box_mm(&doc, b"TrimBox").unwrap(), (148.0, 105.0), "trim");
    assert_size(box_mm(&doc, b"BleedBox").unwrap(), (154.0, 111.0), "bleed");
    assert!(
        doc.catalog().unwrap().has(b"OutputIntents"),
        "a print format is PDF/X"
    );
    assert!(plain_text(&pdf_path).contains("Desk card"));
    let report = report(&project.join("dist"));
    assert_eq!(entry(&report, "mo", "desk-card")["pages"], 1);

    // The format is known to -f and to the next run's incremental check.
    let again = personapress(&["render", project.to_str().unwrap(), "-f", "desk-card"]);
    assert!(
        stderr(&again).contains("wrote 0 of 1"),
        "{}",
        stderr(&again)
    );

    // A run of one format forgets no other: the next full run reuses both.
    let all = personapress(&["render", project.to_str().unwrap()]);
    assert!(stderr(&all).contains("wrote 0 of 2"), "{}", stderr(&all));
    // A format dropped from the project costs the others nothing: the poster is reused.
    let config = std::fs::read_to_string(project.join("personapress.toml")).unwrap();
    write(
        &project.join("personapress.toml"),
        "title = \"Minimal\"\nformats = [\"poster-a3\"]\n",
    );
    let dropped = personapress(&["render", project.to_str().unwrap()]);
    assert!(
        stderr(&dropped).contains("wrote 0 of 1"),
        "{}",
        stderr(&dropped)
    );
    write(&project.join("personapress.toml"), &config);

    // Without its template, the error says where it goes.
    std::fs::remove_file(project.join("templates/desk-card.typ")).unwrap();
    let missing = personapress(&["render", project.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("desk-card.typ in the project's templates folder"),
        "{}",
        stderr(&missing)
    );

    // A built-in name cannot be taken.
    write(
        &project.join("personapress.toml"),
        "[format.mousepad]\nsize = \"100x100mm\"\n",
    );
    let taken = personapress(&["render", project.to_str().unwrap()]);
    assert!(
        stderr(&taken).contains("cannot be the name of a format of your own"),
        "{}",
        stderr(&taken)
    );
}
