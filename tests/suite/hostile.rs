//! Hostile and unlucky input that a committed `tests/bad/` case cannot hold (FIFOs,
//! links out of the project, interrupted runs, two runs at once, absurd numbers): each
//! is refused at once with a message naming it, and costs nothing else.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// A project with a good persona (`good`) in a mousepad.
pub(crate) fn project() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("project");
    write(
        &root.join("personapress.toml"),
        "title = \"Hostile\"\npersonas = [\"personas/*.toml\"]\nformats = [\"mousepad\"]\n",
    );
    write(
        &root.join("personas/good.toml"),
        "name = \"Goede Persona\"\n",
    );
    (temp, root)
}

pub(crate) fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// Runs personapress with `args`, killed after `limit`: the output, and whether it ended in time.
fn run_within(args: &[&str], limit: Duration) -> (std::process::Output, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_personapress"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(50));
    }
    let in_time = child.try_wait().unwrap().is_some();
    if !in_time {
        child.kill().unwrap();
    }
    (child.wait_with_output().unwrap(), in_time)
}

#[test]
fn a_fifo_as_photo_or_persona_is_refused_at_once_and_the_good_persona_is_rendered() {
    let (_temp, root) = project();
    write(
        &root.join("personas/piped.toml"),
        "name = \"Pijp\"\nphoto = \"../photos/pipe.jpg\"\n",
    );
    mkfifo(&root.join("photos/pipe.jpg"));
    mkfifo(&root.join("personas/fifo.toml"));
    let (result, in_time) =
        run_within(&["render", root.to_str().unwrap()], Duration::from_secs(60));
    assert!(in_time, "the batch hung on a FIFO: {}", stderr(&result));
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(
        text.contains("pipe.jpg cannot be read (it is a named pipe (FIFO), not a regular file)"),
        "{text}"
    );
    assert!(
        text.contains("fifo.toml (it is a named pipe (FIFO), not a regular file)"),
        "{text}"
    );
    assert!(root.join("dist/good/good.mousepad.pdf").is_file(), "{text}");
}

#[cfg(unix)]
#[test]
fn a_persona_file_that_links_out_of_the_project_is_refused_but_dots_that_stay_inside_are_fine() {
    let (temp, root) = project();
    let outside = temp.path().join("secret.toml");
    std::fs::write(&outside, "name = \"Geheim\"\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("personas/link.toml")).unwrap();
    let result = personapress(&["check", root.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "`personas/link.toml` (matched by `personas/*.toml`) leads outside the project folder"
        ),
        "{text}"
    );
    assert!(!text.contains("Geheim"), "{text}");

    std::fs::remove_file(root.join("personas/link.toml")).unwrap();
    let config = "title = \"Hostile\"\npersonas = [\"personas/../personas/*.toml\"]\nformats = [\"mousepad\"]\n";
    write(&root.join("personapress.toml"), config);
    let result = personapress(&["check", root.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
}

#[test]
fn numbers_on_the_command_line_are_bounded_before_anything_runs() {
    let (_temp, root) = project();
    let root = root.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["render", root, "--png", "--dpi", "100000"],
            "the resolution must be 1 to 1200 dpi",
        ),
        (
            &["render", root, "--png", "--dpi", "0"],
            "the resolution must be 1 to 1200 dpi",
        ),
        (
            &["preview", "good", "-C", root, "--dpi", "5000"],
            "the resolution must be 1 to 1200 dpi",
        ),
        (
            &["render", root, "-j", "100000"],
            "the number of workers must be 1 to",
        ),
    ];
    for (args, expected) in cases {
        let (result, in_time) = run_within(args, Duration::from_secs(20));
        assert!(in_time, "{args:?} ran on");
        let text = stderr(&result);
        assert_eq!(result.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.contains(expected), "{args:?}: {text}");
    }
}

#[test]
fn leftovers_of_an_interrupted_run_are_removed_and_a_second_run_into_the_folder_waits_its_turn() {
    let (_temp, root) = project();
    let result = personapress(&["render", root.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    let dir = root.join("dist/good");
    // What a killed `render --force` leaves: a half-written PDF and a replaced one.
    let gone = 4_194_999;
    std::fs::write(
        dir.join(format!(".good.mousepad.pdf.{gone}.tmp")),
        b"%PDF-1.6 half",
    )
    .unwrap();
    std::fs::write(
        dir.join(format!(".good.mousepad.pdf.{gone}.0.old")),
        b"%PDF-1.6 old",
    )
    .unwrap();
    std::fs::write(root.join("dist/.personapress.lock"), gone.to_string()).unwrap();
    let result = personapress(&["render", root.to_str().unwrap()]);
    assert!(
        result.status.success(),
        "a dead run's lock is taken over: {}",
        stderr(&result)
    );
    let hidden: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    assert!(
        !root.join("dist/.personapress.lock").exists(),
        "the lock goes with its run"
    );

    // A live process (this test) holding the folder: the second run is refused, clearly.
    std::fs::write(
        root.join("dist/.personapress.lock"),
        std::process::id().to_string(),
    )
    .unwrap();
    let result = personapress(&["render", root.to_str().unwrap(), "--force"]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!(
            "another personapress (process {}) is writing into",
            std::process::id()
        )),
        "{text}"
    );
    assert!(text.contains("hint: wait for it to finish"), "{text}");
}

#[test]
fn an_input_profile_is_refused_as_output_intent() {
    let (_temp, root) = project();
    let mut profile = std::fs::read(repo().join("icc/ISOcoated_v2_eci.icc")).unwrap();
    profile[12..16].copy_from_slice(b"scnr");
    std::fs::write(root.join("scanner.icc"), profile).unwrap();
    let config =
        "title = \"Hostile\"\nformats = [\"mousepad\"]\n[print]\noutput_intent = \"scanner.icc\"\n";
    write(&root.join("personapress.toml"), config);
    let result = personapress(&["check", root.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "scanner.icc is a CMYK profile of class `scnr`, not an output (printer) profile"
        ),
        "{text}"
    );
    assert!(
        text.contains("output_intent"),
        "the error points at the key: {text}"
    );
}

/// `font` with the first range of its format 12 character map made to end at
/// U+19000000: one damaged value, as a bad download or disk gives.
pub(crate) fn damage_character_map(font: &mut [u8]) {
    let be16 = |d: &[u8], at: usize| u16::from_be_bytes([d[at], d[at + 1]]) as usize;
    let be32 =
        |d: &[u8], at: usize| u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]) as usize;
    let cmap = (0..be16(font, 4))
        .map(|i| 12 + 16 * i)
        .find(|at| &font[*at..*at + 4] == b"cmap")
        .map(|at| be32(font, at + 8))
        .expect("the font has a cmap table");
    let subtable = (0..be16(font, cmap + 2))
        .map(|i| cmap + be32(font, cmap + 4 + 8 * i + 4))
        .find(|at| be16(font, *at) == 12)
        .expect("the font has a format 12 character map");
    font[subtable + 20..subtable + 24].copy_from_slice(&0x1900_0000u32.to_be_bytes());
}

#[test]
fn a_damaged_or_garbage_font_is_named_and_skipped_and_costs_no_memory() {
    let (_temp, root) = project();
    let mut font = std::fs::read(repo().join("fonts/inter/Inter-Regular.otf")).unwrap();
    damage_character_map(&mut font);
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::write(root.join("fonts/Unused-Regular.otf"), font).unwrap();
    std::fs::write(
        root.join("fonts/Garbage.ttf"),
        b"\x00\x01\x00\x00not a font at all",
    )
    .unwrap();
    let binary = env!("CARGO_BIN_EXE_personapress");
    let out = root.join("dist");
    // At most 3 GiB of address space: without the check Typst would take gigabytes.
    let command = format!(
        "ulimit -v 3000000; exec {binary} render {} --out {}",
        root.display(),
        out.display()
    );
    let started = Instant::now();
    let result = Command::new("sh").arg("-c").arg(&command).output().unwrap();
    let text = stderr(&result);
    assert!(started.elapsed() < Duration::from_secs(60), "{text}");
    assert_eq!(result.status.code(), Some(0), "{text}");
    for (file, why) in [
        ("Unused-Regular.otf", "is damaged: its character map claims"),
        ("Garbage.ttf", "holds no font Typst can read"),
    ] {
        assert!(
            text.contains(&format!(
                "warning: the font file {}",
                root.join("fonts").join(file).display()
            )),
            "{text}"
        );
        assert!(text.contains(why), "{file}: {text}");
    }
    assert!(
        text.contains("hint: replace it with a fresh copy"),
        "{text}"
    );
    let pdf = std::fs::read(out.join("good/good.mousepad.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "the good persona is rendered");
}

#[test]
fn a_photo_cut_short_fails_its_persona_by_name() {
    let (_temp, root) = project();
    let jpeg = std::fs::read(repo().join("tests/fixtures/lowres/photos/medium.jpg")).unwrap();
    write(
        &root.join("personas/cut.toml"),
        "name = \"Afgebroken\"\nphoto = \"../photos/cut.jpg\"\n",
    );
    write(&root.join("photos/readme.txt"), "photos\n");
    std::fs::write(root.join("photos/cut.jpg"), &jpeg[..jpeg.len() / 3]).unwrap();
    let result = personapress(&["render", root.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(text.contains("cut: the photo"), "{text}");
    assert!(
        text.contains("cut.jpg is cut short: the JPEG data stops before its end"),
        "{text}"
    );
    assert!(root.join("dist/good/good.mousepad.pdf").is_file(), "{text}");
    assert!(
        !root.join("dist/cut").exists(),
        "nothing of the cut photo's persona is written"
    );
}

#[test]
fn the_project_file_is_never_a_persona_even_when_a_glob_matches_it() {
    let (_temp, root) = project();
    let config = "title = \"Hostile\"\npersonas = [\"*.toml\"]\nformats = [\"mousepad\"]\n";
    write(&root.join("personapress.toml"), config);
    write(&root.join("anna.toml"), "name = \"Anna\"\n");
    let result = personapress(&["render", root.to_str().unwrap(), "--json", "-q"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let report: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    let personas: Vec<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["persona"].as_str().unwrap())
        .collect();
    assert_eq!(personas, ["anna"]);
}

#[test]
fn outputs_of_a_deleted_or_renamed_persona_are_removed_unless_changed_since() {
    let (_temp, root) = project();
    write(&root.join("personas/old.toml"), "name = \"Oude Naam\"\n");
    write(&root.join("personas/gone.toml"), "name = \"Weg\"\n");
    let out = root.join("dist");
    let render = |extra: &[&str]| {
        let mut args = vec!["render", root.to_str().unwrap()];
        args.extend_from_slice(extra);
        let result = personapress(&args);
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
        stderr(&result)
    };
    render(&[]);
    assert!(out.join("old/old.mousepad.pdf").is_file());
    assert!(out.join(".thumbnails/old/old.mousepad.png").is_file());
    // `old` renamed to `new`; `gone` deleted, but its PDF was changed by hand since.
    std::fs::rename(
        root.join("personas/old.toml"),
        root.join("personas/new.toml"),
    )
    .unwrap();
    std::fs::remove_file(root.join("personas/gone.toml")).unwrap();
    std::fs::write(
        out.join("gone/gone.mousepad.pdf"),
        b"%PDF-1.7 edited by hand",
    )
    .unwrap();
    // A run of other formats only still knows the files of personas gone from disk.
    let text = render(&["-f", "poster-a3"]);
    assert!(
        text.contains("removed old/old.mousepad.pdf (the project no longer makes it)"),
        "{text}"
    );
    assert!(
        !out.join("old").exists(),
        "the empty folder goes too: {text}"
    );
    assert!(!out.join(".thumbnails/old").exists(), "{text}");
    assert!(
        out.join("gone/gone.mousepad.pdf").is_file(),
        "a changed file is kept"
    );
    assert!(
        out.join("good/good.mousepad.pdf").is_file(),
        "a document not planned is kept"
    );
    let report = report(&out);
    assert_eq!(
        report["removed"],
        serde_json::json!(["old/old.mousepad.pdf"])
    );
    // A cache edited to name a file outside the output folder never removes it.
    let persona = std::fs::read(root.join("personas/good.toml")).unwrap();
    let sha = personapress_sha256(&persona);
    let cache_file = out.join(".personapress-cache.json");
    let mut cache: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    cache.push(serde_json::json!({
        "persona": "evil", "persona_file": "personas/evil.toml", "theme": null,
        "format": "mousepad", "file": "../personas/good.toml", "pages": 1, "bytes": 1,
        "sha256": sha, "fit": 1.0, "warnings": [], "errors": []
    }));
    std::fs::write(&cache_file, serde_json::to_string(&cache).unwrap()).unwrap();
    // A complete run removes the poster-a3 documents the project does not make.
    let text = render(&[]);
    assert!(text.contains("removed good/good.poster-a3.pdf"), "{text}");
    assert!(out.join("new/new.mousepad.pdf").is_file(), "{text}");
    assert!(out.join("good/good.mousepad.pdf").is_file(), "{text}");
    assert!(root.join("personas/good.toml").is_file(), "{text}");
    assert!(!text.contains("removed ../"), "{text}");
}

/// The SHA-256 of `bytes` in hex, as report.json and the cache write it.
fn personapress_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn an_output_folder_that_is_a_file_is_refused_before_anything_is_rendered() {
    let (_temp, root) = project();
    write(&root.join("dist"), "a file where the output folder goes\n");
    let result = personapress(&["render", root.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(2), "{text}");
    assert!(text.contains("the output folder"), "{text}");
    assert!(text.contains("dist is a file, not a folder"), "{text}");
    assert!(
        text.contains("hint: name a folder personapress may make and write into with -o"),
        "{text}"
    );
    assert!(!text.contains("wait for it to finish"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_template_that_links_out_of_the_templates_folder_is_refused() {
    let (temp, root) = project();
    let outside = temp.path().join("elsewhere.typ");
    std::fs::write(&outside, "#let secret = 1\n").unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("templates/extra.typ")).unwrap();
    let config =
        "personas = [\"personas/*.toml\"]\nformats = [\"mousepad\"]\ntemplates = \"templates\"\n";
    write(&root.join("personapress.toml"), config);
    let result = personapress(&["check", root.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(2), "{text}");
    assert!(
        text.contains("extra.typ leads outside the templates folder"),
        "{text}"
    );
    assert!(
        text.contains("hint: copy the file into the templates folder"),
        "{text}"
    );
}

/// The base font names of every font a PDF embeds.
fn font_names(path: &Path) -> Vec<String> {
    let doc = pdf(path);
    let names = doc.objects.values().filter_map(|object| {
        let dict = object.as_dict().ok()?;
        let name = dict.get(b"BaseFont").ok()?.as_name().ok()?;
        Some(String::from_utf8_lossy(name).into_owned())
    });
    names.collect()
}

#[test]
#[ignore = "needs poppler-utils (pdftotext)"]
fn arabic_hebrew_greek_and_cyrillic_print_in_bundled_fonts_on_every_format() {
    let (_temp, root) = project();
    let persona = "name = \"Layla Haddad\"\nquote = \"مرحبا بالعالم\"\ngoals = [\"שלום עולם\", \"Ελένη\", \"Ольга\"]\n";
    write(&root.join("personas/layla.toml"), persona);
    let out = root.join("dist");
    let project = root.to_str().unwrap();
    let result = personapress(&["render", project, "-f", "mousepad,poster-a2,briefing"]);
    assert!(result.status.success(), "{}", stderr(&result));
    for format in ["mousepad", "poster-a2", "briefing"] {
        let path = out.join(format!("layla/layla.{format}.pdf"));
        let fonts = font_names(&path);
        assert!(
            fonts.iter().any(|f| f.ends_with("+NotoSansArabic-Regular")),
            "{format}: {fonts:?}"
        );
        let text = text(&path);
        // pdftotext gives right-to-left text in reading order: shaped and ordered right.
        assert!(text.contains("مرحبا بالعالم"), "{format}: {text}");
        if format != "mousepad" {
            assert!(
                fonts.iter().any(|f| f.contains("NotoSansHebrew")),
                "{format}: {fonts:?}"
            );
            for word in ["שלום עולם", "Ελένη", "Ольга"] {
                assert!(text.contains(word), "{format}: {word} in {text}");
            }
        }
    }
}
