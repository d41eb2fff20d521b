//! The checks a print shop or an agency would run, with their own tools:
//! poppler, qpdf, Ghostscript and the `page` PDF/UA validator. Ignored in plain
//! `cargo test`; `.ci/run` installs the tools and runs them with `--include-ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// Renders the examples once (one theme, to keep it quick) and lists the PDFs.
fn rendered() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let examples = repo().join("examples");
        let theme = examples.join("themes/noordzee.toml");
        let args = [
            "render",
            arg(&examples),
            "-q",
            "-o",
            arg(out.path()),
            "--theme",
            arg(&theme),
        ];
        let result = personapress(&args);
        assert!(result.status.success(), "{}", stderr(&result));
        let report = report(out.path());
        let files = report["documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["file"].as_str()) // a note: no file, nothing to check
            .map(|file| out.path().join(file))
            .collect();
        (out, files)
    })
}

pub(crate) fn run(tool: &str, args: &[&str]) -> String {
    require_tool(tool);
    let output = Command::new(tool).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{tool} {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs Ghostscript in batch mode, stopping on the first PDF error.
pub(crate) fn ghostscript(args: &[&str]) {
    let mut all = vec!["-q", "-dNOPAUSE", "-dBATCH", "-dPDFSTOPONERROR"];
    all.extend_from_slice(args);
    run("gs", &all);
}

pub(crate) fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
#[ignore = "needs poppler-utils (pdffonts)"]
fn pdffonts_reports_every_font_embedded() {
    for file in &rendered().1 {
        let listing = run("pdffonts", &[arg(file)]);
        let fonts: Vec<&str> = listing.lines().skip(2).collect();
        assert!(!fonts.is_empty(), "{} has fonts", file.display());
        for line in fonts {
            let columns: Vec<&str> = line.split_whitespace().collect();
            let emb = columns[columns.len() - 5];
            assert_eq!(emb, "yes", "{}: font not embedded: {line}", file.display());
        }
    }
}

#[test]
#[ignore = "needs poppler-utils (pdftotext)"]
fn pdftotext_extracts_names_with_diacritics() {
    let files = &rendered().1;
    let lars = files
        .iter()
        .find(|f| arg(f).ends_with("lars.poster-a2.pdf"))
        .unwrap();
    assert!(run("pdftotext", &[arg(lars), "-"]).contains("Ødegaard"));
    let zoe = files
        .iter()
        .find(|f| arg(f).ends_with("zoe.briefing.pdf"))
        .unwrap();
    assert!(run("pdftotext", &[arg(zoe), "-"]).contains("Zoë Bakker"));
}

#[test]
#[ignore = "needs qpdf"]
fn qpdf_finds_no_structural_problems() {
    for file in &rendered().1 {
        let output = run("qpdf", &["--check", arg(file)]);
        assert!(
            output.contains("No syntax or stream encoding errors"),
            "{}: {output}",
            file.display()
        );
    }
}

#[test]
#[ignore = "needs ghostscript"]
fn ghostscript_renders_every_page_without_error() {
    for file in &rendered().1 {
        ghostscript(&["-sDEVICE=nullpage", arg(file)]);
    }
}

#[test]
#[ignore = "needs python3 with page-validation (pip install page-validation)"]
fn briefings_pass_a_pdf_ua_1_check() {
    let briefings: Vec<&str> = rendered()
        .1
        .iter()
        .map(|f| arg(f))
        .filter(|f| f.ends_with("briefing.pdf"))
        .collect();
    assert_eq!(briefings.len(), 4);
    let script = "import sys, page\n\
        bad = 0\n\
        for f in sys.argv[1:]:\n\
        \x20   r = page.validate_pdf(f, profile='ua1')\n\
        \x20   for x in r.failures: print(f, x.rule_id, x.message)\n\
        \x20   bad += 0 if r.is_compliant else 1\n\
        print('checked', len(sys.argv) - 1, 'failed', bad)\n\
        sys.exit(1 if bad else 0)\n";
    let mut args = vec!["-c", script];
    args.extend(briefings);
    let output = run("python3", &args);
    assert!(output.contains("checked 4 failed 0"), "{output}");
}

#[test]
#[ignore = "needs ghostscript"]
fn ghostscript_separates_a_cut_contour_plate_for_the_mousepad() {
    let mousepad = rendered()
        .1
        .iter()
        .find(|f| arg(f).ends_with("peter.mousepad.pdf"))
        .unwrap();
    let plates = tempfile::tempdir().unwrap();
    let output = plates.path().join("plate.tif");
    let output_arg = format!("-sOutputFile={}", arg(&output));
    ghostscript(&["-r20", "-sDEVICE=tiffsep", &output_arg, arg(mousepad)]);
    let names: Vec<String> = std::fs::read_dir(plates.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.contains("(CutContour)")),
        "plates: {names:?}"
    );
}

/// A box as pdfinfo prints it, e.g. `TrimBox:  8.50  8.50  688.82  575.43`.
fn pdfinfo_box(info: &str, name: &str) -> [f64; 4] {
    let line = info
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("{name} in {info}"));
    let n: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap())
        .collect();
    [n[0], n[1], n[2], n[3]]
}

#[test]
#[ignore = "needs poppler-utils (pdfinfo)"]
fn pdfinfo_shows_nested_trim_bleed_and_media_boxes_in_millimetres() {
    let sizes = [
        ("poster-a2.pdf", (420.0, 594.0)),
        ("poster-a3.pdf", (297.0, 420.0)),
        ("mousepad.pdf", (240.0, 200.0)),
    ];
    for (suffix, size) in sizes {
        for file in rendered().1.iter().filter(|f| arg(f).ends_with(suffix)) {
            let info = run("pdfinfo", &["-box", arg(file)]);
            assert!(info.contains("Pages:           1"), "{info}");
            let [media, bleed, trim] =
                ["MediaBox:", "BleedBox:", "TrimBox:"].map(|name| pdfinfo_box(&info, name));
            let mm = |b: [f64; 4]| ((b[2] - b[0]) / PT_PER_MM, (b[3] - b[1]) / PT_PER_MM);
            assert_size(mm(trim), size, "TrimBox");
            assert_size(mm(bleed), (size.0 + 6.0, size.1 + 6.0), "BleedBox");
            assert_size(mm(media), (size.0 + 24.0, size.1 + 24.0), "MediaBox");
            assert!(
                media[0] < bleed[0]
                    && bleed[0] < trim[0]
                    && trim[2] < bleed[2]
                    && bleed[2] < media[2]
            );
        }
    }
}

#[test]
#[ignore = "needs poppler-utils (pdfinfo, pdftoppm)"]
fn the_slug_is_paper_white_but_for_the_marks() {
    // The whole MediaBox at 20 dpi: outside the BleedBox no colour may show, only white
    // paper and the registration-black crop marks; a band or tint placed too far (the
    // Noordzee blue, the warm tints) would.
    let files: Vec<&PathBuf> = rendered()
        .1
        .iter()
        .filter(|f| {
            ["poster-a2.pdf", "poster-a3.pdf", "mousepad.pdf"]
                .iter()
                .any(|s| arg(f).ends_with(s))
        })
        .collect();
    assert!(!files.is_empty());
    let dpi = 20.0;
    for file in files {
        let info = run("pdfinfo", &["-box", arg(file)]);
        let [media, bleed] = ["MediaBox:", "BleedBox:"].map(|name| pdfinfo_box(&info, name));
        let png = tempfile::NamedTempFile::new().unwrap();
        let stem = png.path().to_str().unwrap().to_string();
        run(
            "pdftoppm",
            &["-r", "20", "-png", "-singlefile", arg(file), &stem],
        );
        let image = image::open(format!("{stem}.png")).unwrap().to_rgb8();
        let px = |pt: f64| (pt / 72.0 * dpi) as u32;
        let (bx0, by0) = (px(bleed[0] - media[0]), px(media[3] - bleed[3]));
        let (bx1, by1) = (px(bleed[2] - media[0]), px(media[3] - bleed[1]));
        let coloured = image
            .enumerate_pixels()
            .filter(|(x, y, _)| *x + 1 < bx0 || *x > bx1 + 1 || *y + 1 < by0 || *y > by1 + 1)
            .filter(|(_, _, p)| {
                let [r, g, b] = p.0;
                let grey = r.abs_diff(g) < 24 && g.abs_diff(b) < 24 && r.abs_diff(b) < 24;
                !grey
            })
            .count();
        assert_eq!(
            coloured,
            0,
            "{}: {coloured} coloured pixels in the slug",
            file.display()
        );
        std::fs::remove_file(format!("{stem}.png")).ok();
    }
}
