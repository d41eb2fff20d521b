//! Every hostile or unlucky persona of `hostile.rs` and `tests/bad/` that fails only
//! itself, in one batch beside a good persona, measured in a subprocess: the batch
//! ends within 60 s and 1.5 GiB, names each one, and still renders the good persona.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;

use crate::common::*;
use crate::hostile::{damage_character_map, mkfifo, project};

/// A PNG of only a header, claiming `width` × `height` RGB pixels of `depth` bits.
fn png_claiming(width: u32, height: u32, depth: u8) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[depth, 2, 0, 0, 0]);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &[]), (b"IEND", &[])] {
        bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let chunk = [kind, data].concat();
        let mut crc = flate2::Crc::new();
        crc.update(&chunk);
        bytes.extend_from_slice(&chunk);
        bytes.extend_from_slice(&crc.sum().to_be_bytes());
    }
    bytes
}

/// An SVG photo around `body`.
fn svg(view_box: &str, body: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="{view_box}">{body}</svg>"#
    )
}

/// An SVG whose one image is `png` in a `data:` URL.
fn svg_embedding(png: &[u8]) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(png);
    svg(
        "0 0 300 400",
        &format!(r#"<image width="300" height="400" xlink:href="data:image/png;base64,{data}"/>"#),
    )
}

/// A persona `id` whose photo is `photo` (a path inside `photos/`) holding `bytes`.
fn persona_with_photo(root: &Path, id: &str, photo: &str, bytes: &[u8]) {
    write(
        &root.join(format!("personas/{id}.toml")),
        &format!("name = \"{id}\"\nphoto = \"../photos/{photo}\"\n"),
    );
    std::fs::create_dir_all(root.join("photos")).unwrap();
    std::fs::write(root.join("photos").join(photo), bytes).unwrap();
}

/// Writes every hostile persona into the project; what each must be named by.
fn hostile_personas(root: &Path) -> Vec<&'static str> {
    let path = format!(r#"<path d="M0 0{}"/>"#, " L1 2".repeat(8_000_000));
    let jpeg = std::fs::read(repo().join("tests/fixtures/lowres/photos/medium.jpg")).unwrap();
    let photos: [(&str, &str, Vec<u8>); 5] = [
        (
            "bomb",
            "bomb.svg",
            svg_embedding(&png_claiming(30_000, 30_000, 8)).into_bytes(),
        ),
        ("deep", "deep.png", png_claiming(10_000, 10_000, 16)),
        ("maze", "maze.svg", svg("0 0 100 100", &path).into_bytes()),
        (
            "far",
            "far.svg",
            svg("0 0 1e30 1e30", "<circle r=\"4e29\"/>").into_bytes(),
        ),
        ("cut", "cut.jpg", jpeg[..jpeg.len() / 3].to_vec()),
    ];
    for (id, photo, bytes) in &photos {
        persona_with_photo(root, id, photo, bytes);
    }
    write(
        &root.join("personas/piped.toml"),
        "name = \"Pijp\"\nphoto = \"../photos/pipe.jpg\"\n",
    );
    mkfifo(&root.join("photos/pipe.jpg"));
    mkfifo(&root.join("personas/fifo.toml"));
    let long = "lang verhaal ".repeat(80_000);
    write(
        &root.join("personas/long.toml"),
        &format!("name = \"Lang\"\nstory = \"{long}\"\n"),
    );
    let metric = "name = \"Getal\"\n[[metrics]]\nlabel = \"NPS\"\nvalue = nan\n";
    write(&root.join("personas/nan.toml"), metric);
    write(
        &root.join("personas/date.toml"),
        "name = \"Datum\"\ntagline = 2026-03-01\n",
    );
    let mut font = std::fs::read(repo().join("fonts/inter/Inter-Regular.otf")).unwrap();
    damage_character_map(&mut font);
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::write(root.join("fonts/Unused-Regular.otf"), font).unwrap();
    let tables =
        std::fs::read(repo().join("tests/fixtures/fuzz/font-table-offset-panic.ttf")).unwrap();
    std::fs::write(root.join("fonts/Tables.ttf"), tables).unwrap();
    let many = std::fs::read(repo().join("tests/fixtures/fuzz/font-collection-of-48-million.ttc"))
        .unwrap();
    std::fs::write(root.join("fonts/Many.ttc"), many).unwrap();
    let hidden = std::fs::read(
        repo().join("tests/fixtures/fuzz/font-character-map-behind-unsorted-records.otf"),
    )
    .unwrap();
    std::fs::write(root.join("fonts/Hidden.otf"), hidden).unwrap();
    vec![
        "bomb.svg embeds an image that claims 30000 × 30000 pixels",
        "deep.png decodes to 572 MiB",
        "maze.svg has 38 MiB of SVG markup",
        "far.svg has the number 1e30 in the `viewBox` of <svg>",
        "cut.jpg is cut short",
        "pipe.jpg cannot be read (it is a named pipe (FIFO)",
        "fifo.toml (it is a named pipe (FIFO)",
        "`story` is 1040000 characters long",
        "the KPI `NPS` has a value a poster cannot show",
        "found a date",
        "Unused-Regular.otf is damaged",
        "Tables.ttf is damaged: its header claims a collection of 1414463500 fonts",
        "Many.ttc is damaged: its header claims a collection of 48565248 fonts",
        "Hidden.otf is damaged: its character map claims",
    ]
}

/// Runs personapress with `args`: the exit code, its stderr, the time it took and
/// its peak resident memory in KiB (the kernel's high-water mark, read until it ends).
fn run_measured(args: &[&str], log: &Path) -> (Option<i32>, String, Duration, u64) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_personapress"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let status = std::fs::read_to_string(&status_file).unwrap_or_default();
        peak_kib = peak_kib.max(high_water_kib(&status));
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = std::fs::read_to_string(log).unwrap();
    (status.code(), text, started.elapsed(), peak_kib)
}

/// `VmHWM` of a `/proc/PID/status`: the most resident memory the process has had.
fn high_water_kib(status: &str) -> u64 {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"));
    let number = line.and_then(|line| line.split_whitespace().nth(1));
    number.and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn a_batch_of_every_hostile_persona_beside_a_good_one_ends_in_time_and_memory() {
    let (temp, root) = project();
    let expected = hostile_personas(&root);
    let args = ["render", root.to_str().unwrap(), "-j", "2"];
    let (code, text, took, peak_kib) = run_measured(&args, &temp.path().join("stderr.txt"));
    assert_eq!(code, Some(1), "{text}");
    for message in &expected {
        assert!(text.contains(message), "not named: {message}\n{text}");
    }
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(peak_kib > 0, "the peak memory was read");
    assert!(peak_kib < 1536 * 1024, "peak {} MiB", peak_kib / 1024);
    let good = std::fs::read(root.join("dist/good/good.mousepad.pdf")).unwrap();
    assert!(good.starts_with(b"%PDF-"), "{text}");
    eprintln!(
        "hostile batch: {:.1} s, peak {} MiB",
        took.as_secs_f64(),
        peak_kib / 1024
    );
}

/// Every file below `dir` whose name starts with a dot, other than personapress's
/// own bookkeeping (cache, digests, thumbnails).
fn hidden_files(dir: &Path) -> Vec<PathBuf> {
    let kept = [
        ".personapress-cache.json",
        ".personapress-digests.json",
        ".thumbnails",
    ];
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != ".thumbnails" {
            found.extend(hidden_files(&path));
        } else if name.starts_with('.') && !kept.contains(&name.as_str()) {
            found.push(path);
        }
    }
    found
}

/// Every PDF below `dir`.
fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        match path.is_dir() {
            true => found.extend(pdfs(&path)),
            false if path.extension().is_some_and(|e| e == "pdf") => found.push(path),
            false => {}
        }
    }
    found
}

#[cfg(unix)]
#[test]
fn a_force_render_killed_midway_and_a_normal_one_after_leave_no_hidden_files_and_whole_pdfs() {
    let (_temp, root) = project();
    for n in 0..40 {
        write(
            &root.join(format!("personas/p{n:02}.toml")),
            &format!("name = \"Persona {n}\"\n"),
        );
    }
    let config = "title = \"Hostile\"\npersonas = [\"personas/*.toml\"]\nformats = [\"mousepad\", \"poster-a3\"]\n";
    write(&root.join("personapress.toml"), config);
    let project = root.to_str().unwrap();
    assert!(personapress(&["render", project, "-q"]).status.success());
    let out = root.join("dist");
    // A forced render of these 82 documents takes about half a second here.
    for (signal, after_ms) in [("-KILL", 50), ("-INT", 150), ("-KILL", 300)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_personapress"))
            .args(["render", project, "--force", "-q"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(after_ms));
        let sent = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        assert!(sent.unwrap().success() || child.try_wait().unwrap().is_some());
        child.wait().unwrap();
        let result = personapress(&["render", project, "-q"]);
        assert!(
            result.status.success(),
            "after kill {signal} at {after_ms} ms: {}",
            stderr(&result)
        );
        assert_eq!(
            hidden_files(&out),
            Vec::<PathBuf>::new(),
            "after kill {signal} at {after_ms} ms"
        );
        let written = pdfs(&out);
        assert_eq!(written.len(), 82, "{written:?}");
        for pdf in written {
            let parsed = lopdf::Document::load(&pdf);
            assert!(
                parsed.is_ok_and(|doc| doc.get_pages().len() == 1),
                "{}",
                pdf.display()
            );
        }
    }
}

/// report.json's documents as (persona, errors, skipped), sorted by persona.
fn report_documents(root: &Path) -> Vec<(String, Vec<String>, bool)> {
    let report = std::fs::read(root.join("dist/report.json")).expect("report.json is written");
    let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
    let mut documents: Vec<_> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let errors = d["errors"].as_array().unwrap().iter();
            let errors = errors.map(|e| e.as_str().unwrap().to_string()).collect();
            let persona = d["persona"].as_str().unwrap().to_string();
            (persona, errors, d["skipped"].as_bool().unwrap())
        })
        .collect();
    documents.sort();
    documents
}

/// The files in `dir` and below whose names say an interrupted write left them.
fn debris(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            found.extend(debris(&path));
        } else if name.ends_with(".tmp") || name.ends_with(".old") {
            found.push(path);
        }
    }
    found
}

/// A project of five personas whose mousepad template adds `runaway` to two of them
/// (those whose name starts with "Runaway"); the other three rendered once without it.
fn runaway_project(runaway: &str) -> (tempfile::TempDir, PathBuf) {
    let (temp, root) = project();
    for (id, name) in [("runaway", "Runaway"), ("runaway-too", "Runaway Too")] {
        write(
            &root.join(format!("personas/{id}.toml")),
            &format!("name = \"{name}\"\n"),
        );
    }
    write(
        &root.join("personas/zoe.toml"),
        "name = \"Zoë Zuiderwijk\"\n",
    );
    write(
        &root.join("personas/anna.toml"),
        "name = \"Anna de Vries\"\n",
    );
    let builtin = std::fs::read_to_string(repo().join("templates/mousepad.typ")).unwrap();
    let config =
        "personas = [\"personas/*.toml\"]\nformats = [\"mousepad\"]\ntemplates = \"templates\"\n";
    write(&root.join("personapress.toml"), config);
    let project = root.to_str().unwrap();
    write(&root.join("templates/mousepad.typ"), &builtin);
    assert!(personapress(&["render", project, "-q"]).status.success());
    let guarded = format!("\n#if p.name.starts-with(\"Runaway\") {{\n{runaway}\n}}\n");
    write(&root.join("templates/mousepad.typ"), &(builtin + &guarded));
    (temp, root)
}

/// After a run in which the two runaways were stopped: every other persona's mousepad
/// is made afresh, the report lists each, and no interrupted write is left.
fn assert_the_batch_went_on(root: &Path, stopped: &str, text: &str) {
    let documents = report_documents(root);
    let personas: Vec<&str> = documents.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(
        personas,
        ["anna", "good", "runaway", "runaway-too", "zoe"],
        "{text}"
    );
    for (persona, errors, skipped) in &documents {
        match persona.starts_with("runaway") {
            true => assert!(
                errors.len() == 1 && errors[0].contains(stopped),
                "{persona}: {errors:?}\n{text}"
            ),
            false => {
                assert!(
                    errors.is_empty() && !skipped,
                    "{persona}: {errors:?}\n{text}"
                );
                let pdf = root.join(format!("dist/{persona}/{persona}.mousepad.pdf"));
                assert!(std::fs::read(pdf).unwrap().starts_with(b"%PDF-"));
            }
        }
    }
    assert!(
        text.contains("runaway mousepad:") && text.contains("runaway-too mousepad:"),
        "{text}"
    );
    assert!(
        text.contains("hint: Typst cannot stop a template or input that runs away"),
        "{text}"
    );
    assert_eq!(debris(&root.join("dist")), Vec::<PathBuf>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn templates_that_run_away_on_two_personas_are_stopped_by_name_and_the_batch_goes_on() {
    // Doubling a string 40 times asks for a terabyte: Typst has no way to stop it.
    let (temp, root) =
        runaway_project("  let s = \"ab\"\n  for i in range(40) { s = s + s }\n  s.len()");
    let project = root.to_str().unwrap();
    let args = [
        "render",
        project,
        "-j",
        "2",
        "--max-memory",
        "1024",
        "--max-seconds",
        "60",
    ];
    let (code, text, took, peak_kib) = run_measured(&args, &temp.path().join("stderr.txt"));
    assert_eq!(code, Some(1), "{text}");
    let stopped = "laying this document out was stopped: it took";
    assert!(
        text.contains("MiB of memory (the budget is 1024 MiB)"),
        "{text}"
    );
    assert_the_batch_went_on(&root, stopped, &text);
    assert!(took < Duration::from_secs(90), "took {took:?}");
    assert!(peak_kib < 1536 * 1024, "peak {} MiB", peak_kib / 1024);
}

#[cfg(target_os = "linux")]
#[test]
fn templates_that_run_on_for_ever_are_stopped_after_the_time_budget_and_the_batch_goes_on() {
    let (temp, root) = runaway_project("  let n = 0\n  for i in range(200000000) { n += 1 }");
    let project = root.to_str().unwrap();
    let args = ["render", project, "-j", "2", "--max-seconds", "3"];
    let (code, text, took, _) = run_measured(&args, &temp.path().join("stderr.txt"));
    assert_eq!(code, Some(1), "{text}");
    let stopped = "stopped: it spent 3 s on one document (the budget is 3 s)";
    assert_the_batch_went_on(&root, stopped, &text);
    assert!(took < Duration::from_secs(40), "took {took:?}");
}
