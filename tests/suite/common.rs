//! Helpers shared by the integration tests: run the real binary, read PDFs and reports.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lopdf::{Document, Object};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs personapress with `args`; a fixed SOURCE_DATE_EPOCH keeps PDFs reproducible.
pub fn personapress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_personapress"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1772366400")
        .env("NO_COLOR", "1")
        .output()
        .expect("the personapress binary runs")
}

/// The text the command printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Copies a fixture project folder into a fresh temporary folder and returns both.
pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let dest = temp.path().join(name);
    copy_dir(&repo().join("tests/fixtures").join(name), &dest);
    (temp, dest)
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Writes a file, creating its folder.
pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A parsed report.json.
pub fn report(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json is written");
    serde_json::from_str(&text).unwrap()
}

/// The report entry of one persona and format.
pub fn entry<'a>(
    report: &'a serde_json::Value,
    persona: &str,
    format: &str,
) -> &'a serde_json::Value {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["persona"] == persona && d["format"] == format)
        .unwrap_or_else(|| panic!("no report entry for {persona} {format}"))
}

/// Points per millimetre.
pub const PT_PER_MM: f64 = 72.0 / 25.4;

/// A page box of page 1 (`MediaBox`, `TrimBox`, …) as (width, height) in millimetres.
pub fn box_mm(doc: &Document, name: &[u8]) -> Option<(f64, f64)> {
    let page_id = *doc.get_pages().get(&1)?;
    let page = doc.get_dictionary(page_id).ok()?;
    let array = page.get(name).ok()?.as_array().ok()?;
    let n: Vec<f64> = array.iter().map(number).collect();
    Some(((n[2] - n[0]) / PT_PER_MM, (n[3] - n[1]) / PT_PER_MM))
}

fn number(object: &Object) -> f64 {
    match object {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => *r as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// Asserts two millimetre sizes agree within 0.1 mm.
pub fn assert_size(actual: (f64, f64), expected: (f64, f64), what: &str) {
    let close = (actual.0 - expected.0).abs() < 0.1 && (actual.1 - expected.1).abs() < 0.1;
    assert!(close, "{what}: {actual:?} mm, expected {expected:?} mm");
}

/// Loads a PDF.
pub fn pdf(path: &Path) -> Document {
    Document::load(path)
        .unwrap_or_else(|e| panic!("{} is a PDF lopdf can read: {e}", path.display()))
}

/// All text of a PDF as poppler's pdftotext extracts it (lopdf cannot parse the
/// ToUnicode maps Typst writes). Tests that call this are ignored without poppler.
pub fn text(path: &Path) -> String {
    require_tool("pdftotext");
    let output = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        output.status.success(),
        "pdftotext {} failed",
        path.display()
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Whether every font in the document has an embedded font program.
pub fn all_fonts_embedded(doc: &Document) -> bool {
    let mut fonts = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        fonts += 1;
        let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| dict.has(k));
        if !embedded {
            return false;
        }
    }
    fonts > 0
}

/// Whether a command-line tool is on the PATH; a required one missing fails the test.
pub fn require_tool(name: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success());
    assert!(
        found.unwrap_or(false),
        "{name} is required for this test (see .ci/run for how it is installed)"
    );
}

/// All text of a PDF as pdf_oxide extracts it: no system tools needed.
pub fn plain_text(path: &Path) -> String {
    let document = pdf_oxide::PdfDocument::open(path)
        .unwrap_or_else(|e| panic!("{} opens in pdf_oxide: {e}", path.display()));
    document
        .extract_all_text()
        .unwrap_or_else(|e| panic!("text of {}: {e}", path.display()))
}

/// Text without any whitespace: letter-spaced labels and wrapped cells come out of
/// extraction with spaces and line breaks in them.
pub fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The errors pdf_oxide's PDF/X validator reports for a file at `level`.
pub fn pdfx_validator_errors(path: &Path, level: pdf_oxide::compliance::PdfXLevel) -> Vec<String> {
    let mut document = pdf_oxide::PdfDocument::open(path).unwrap();
    let result = pdf_oxide::compliance::PdfXValidator::new(level)
        .validate(&mut document)
        .unwrap();
    let mut errors: Vec<String> = result
        .errors
        .iter()
        .map(|e| format!("{:?}: {}", e.code, e.message))
        .collect();
    if !result.is_compliant && errors.is_empty() {
        errors.push("not compliant".into());
    }
    errors
}
