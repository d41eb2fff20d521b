//! Print-shop readiness of the print formats: boxes, crop marks, PDF/X-4 output
//! intent and keys, CMYK, the die-cut contour, and a second opinion from an
//! independent PDF/X-4 validator.

use crate::common::*;
use lopdf::{Document, Object};

/// Renders the minimal fixture with a theme that has exact CMYK values.
fn render_with(project_toml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, project) = fixture("minimal");
    write(&project.join("personapress.toml"), project_toml);
    write(
        &project.join("themes/print.toml"),
        "name = \"Print\"\n[colors]\nprimary = { rgb = \"#FFCC00\", cmyk = [0, 20, 100, 0] }\n\
         secondary = { rgb = \"#E30613\", cmyk = [0, 100, 100, 0], spot = \"PANTONE 485 C\" }\n\
         accent = { rgb = \"#0B3D91\", cmyk = [100, 80, 0, 10] }\n",
    );
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo Print\"\ncore_need = \"Colour that is right.\"\n",
    );
    let result = personapress(&["render", project.to_str().unwrap(), "-q"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let out = project.join("dist");
    (temp, out)
}

fn catalog(doc: &Document) -> &lopdf::Dictionary {
    doc.catalog().expect("a catalog")
}

fn output_intents(doc: &Document) -> Vec<&lopdf::Dictionary> {
    let intents = catalog(doc)
        .get(b"OutputIntents")
        .and_then(Object::as_array);
    intents
        .map(|list| {
            list.iter()
                .filter_map(|o| doc.dereference(o).ok()?.1.as_dict().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn info(doc: &Document) -> &lopdf::Dictionary {
    let id = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .expect("an Info dictionary");
    doc.get_dictionary(id).unwrap()
}

fn string(dict: &lopdf::Dictionary, key: &[u8]) -> String {
    match dict.get(key) {
        Ok(Object::String(bytes, _)) if bytes.starts_with(&[0xFE, 0xFF]) => {
            let units: Vec<u16> = bytes[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Ok(Object::String(bytes, _)) => String::from_utf8_lossy(bytes).into_owned(),
        Ok(Object::Name(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        other => panic!("{} is {other:?}", String::from_utf8_lossy(key)),
    }
}

/// One category (`ColorSpace`, `ExtGState`, …) of page 1's resources.
fn page_resources<'a>(doc: &'a Document, category: &[u8]) -> &'a lopdf::Dictionary {
    let page = doc.get_dictionary(doc.get_pages()[&1]).unwrap();
    let resources = doc
        .dereference(page.get(b"Resources").unwrap())
        .unwrap()
        .1
        .as_dict()
        .unwrap();
    doc.dereference(resources.get(category).unwrap())
        .unwrap()
        .1
        .as_dict()
        .unwrap()
}

/// All content of page 1, decompressed, as text.
fn page_content(doc: &Document) -> String {
    let page = doc.get_pages()[&1];
    let content = doc.get_page_content(page);
    assert!(!content.is_empty(), "page 1 has content lopdf can read");
    String::from_utf8_lossy(&content).into_owned()
}

#[test]
fn print_formats_have_bleed_trim_and_crop_mark_boxes_in_millimetres() {
    let (_temp, out) = render_with("theme = \"themes/print.toml\"\n");
    for (format, size) in [
        ("poster-a2", (420.0, 594.0)),
        ("poster-a3", (297.0, 420.0)),
        ("mousepad", (240.0, 200.0)),
    ] {
        let doc = pdf(&out.join(format!("mo/mo.{format}.pdf")));
        assert_size(box_mm(&doc, b"TrimBox").unwrap(), size, "TrimBox");
        assert_size(
            box_mm(&doc, b"BleedBox").unwrap(),
            (size.0 + 6.0, size.1 + 6.0),
            "BleedBox",
        );
        assert_size(
            box_mm(&doc, b"MediaBox").unwrap(),
            (size.0 + 24.0, size.1 + 24.0),
            "MediaBox",
        );
        let content = page_content(&doc);
        assert!(
            content.contains("/PPRegistration CS 1 SCN 0.25 w"),
            "{format}: crop marks in registration colour"
        );
    }
    let briefing = pdf(&out.join("mo/mo.briefing.pdf"));
    assert!(
        box_mm(&briefing, b"BleedBox").is_none(),
        "the briefing is an office document"
    );
    assert!(output_intents(&briefing).is_empty());
}

#[test]
fn crop_marks_can_be_switched_off() {
    let (_temp, out) = render_with(
        "theme = \"themes/print.toml\"\n[print]\ncrop_marks = false\nbleed = \"5mm\"\n",
    );
    let doc = pdf(&out.join("mo/mo.poster-a3.pdf"));
    assert_size(
        box_mm(&doc, b"MediaBox").unwrap(),
        (307.0, 430.0),
        "MediaBox equals the BleedBox",
    );
    assert_size(
        box_mm(&doc, b"BleedBox").unwrap(),
        (307.0, 430.0),
        "BleedBox with 5 mm bleed",
    );
    assert!(!page_content(&doc).contains("PPRegistration"));
}

#[test]
fn pdfx_4_output_intent_and_keys_are_present() {
    let (_temp, out) = render_with("theme = \"themes/print.toml\"\n");
    let doc = pdf(&out.join("mo/mo.poster-a2.pdf"));
    let intents = output_intents(&doc);
    assert_eq!(intents.len(), 1, "exactly one output intent");
    let intent = intents[0];
    assert_eq!(string(intent, b"S"), "GTS_PDFX");
    assert_eq!(string(intent, b"OutputConditionIdentifier"), "FOGRA39");
    let profile = intent
        .get(b"DestOutputProfile")
        .and_then(Object::as_reference)
        .unwrap();
    let profile = doc.get_object(profile).unwrap().as_stream().unwrap();
    assert_eq!(
        profile.dict.get(b"N").unwrap().as_i64().unwrap(),
        4,
        "a CMYK profile"
    );
    let info = info(&doc);
    assert_eq!(string(info, b"GTS_PDFXVersion"), "PDF/X-4");
    assert_eq!(string(info, b"Trapped"), "False");
    assert!(string(info, b"Title").contains("Mo Print"));
    for key in [b"CreationDate".as_slice(), b"ModDate"] {
        assert!(info.has(key), "{}", String::from_utf8_lossy(key));
    }
    assert!(doc.trailer.has(b"ID"), "a document ID");
    assert!(!doc.trailer.has(b"Encrypt"));
    let metadata = catalog(&doc)
        .get(b"Metadata")
        .and_then(Object::as_reference)
        .unwrap();
    let xmp = doc.get_object(metadata).unwrap().as_stream().unwrap();
    let xmp = String::from_utf8_lossy(&xmp.decompressed_content().unwrap_or(xmp.content.clone()))
        .into_owned();
    assert!(
        xmp.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdf:Trapped>False</pdf:Trapped>"), "{xmp}");
    assert!(
        xmp.contains("<xmpMM:RenditionClass>default</xmpMM:RenditionClass>"),
        "{xmp}"
    );
    assert!(
        xmp.contains("<xmpMM:VersionID>1</xmpMM:VersionID>"),
        "{xmp}"
    );
    assert!(
        xmp.contains("<pdf:PDFVersion>1.6</pdf:PDFVersion>"),
        "{xmp}"
    );
    assert_eq!(doc.version, "1.6", "PDF/X-4 is based on PDF 1.6");
}

#[test]
fn the_profile_opens_every_print_pdf_and_report_checksums_match_the_files() {
    use sha2::{Digest, Sha256};
    let (_temp, out) = render_with("theme = \"themes/print.toml\"\n");
    let report = report(&out);
    let documents = report["documents"].as_array().unwrap();
    assert!(documents.len() >= 3, "{report}");
    for document in documents {
        let bytes = std::fs::read(out.join(document["file"].as_str().unwrap())).unwrap();
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(document["sha256"].as_str().unwrap(), sha, "{document}");
    }
    // The profile is object 1, so every print PDF starts with the same 1.4 MB, which
    // the batch hashes once.
    let poster = std::fs::read(out.join("mo/mo.poster-a2.pdf")).unwrap();
    let mousepad = std::fs::read(out.join("mo/mo.mousepad.pdf")).unwrap();
    let shared = poster
        .iter()
        .zip(&mousepad)
        .take_while(|(a, b)| a == b)
        .count();
    assert!(
        shared > 1_300_000,
        "the print PDFs share only {shared} leading bytes"
    );
    let doc = pdf(&out.join("mo/mo.poster-a2.pdf"));
    let intent = output_intents(&doc)[0];
    let profile = intent.get(b"DestOutputProfile").unwrap();
    assert_eq!(profile.as_reference().unwrap(), (1, 0));
    let profile = doc.get_object((1, 0)).unwrap().as_stream().unwrap();
    assert_eq!(
        profile.decompressed_content().unwrap(),
        personapress::print::FOGRA39_ICC
    );
}

#[test]
fn pdfx_can_be_switched_off() {
    let (_temp, out) = render_with("theme = \"themes/print.toml\"\n[print]\npdfx = false\n");
    let doc = pdf(&out.join("mo/mo.poster-a2.pdf"));
    assert!(output_intents(&doc).is_empty());
    assert!(!info(&doc).has(b"GTS_PDFXVersion"));
}

#[test]
fn the_mousepad_has_an_overprinting_cut_contour_spot_colour() {
    let (_temp, out) = render_with(
        "theme = \"themes/print.toml\"\n[mousepad]\ncut_contour = \"DieCut\"\ncorner_radius = \"8mm\"\n",
    );
    let doc = pdf(&out.join("mo/mo.mousepad.pdf"));
    let content = page_content(&doc);
    let cut = content
        .rfind("/PPCut CS 1 SCN")
        .expect("the cut contour is stroked");
    assert!(
        content[cut..].contains(" c\n") && content[cut..].trim_end().ends_with("S Q"),
        "a closed rounded path on top"
    );
    let spaces = page_resources(&doc, b"ColorSpace");
    let cut_space = spaces.get(b"PPCut").unwrap().as_array().unwrap();
    assert_eq!(cut_space[0].as_name().unwrap(), b"Separation");
    assert_eq!(cut_space[1].as_name().unwrap(), b"DieCut");
    let states = page_resources(&doc, b"ExtGState");
    let overprint = states.get(b"PPOverprint").unwrap().as_dict().unwrap();
    assert!(overprint.get(b"OP").unwrap().as_bool().unwrap());
}

#[test]
fn the_same_inputs_give_byte_identical_print_pdfs() {
    let (_temp, first) = render_with("theme = \"themes/print.toml\"\n");
    let (_temp2, second) = render_with("theme = \"themes/print.toml\"\n");
    for format in ["poster-a2", "mousepad"] {
        let a = std::fs::read(first.join(format!("mo/mo.{format}.pdf"))).unwrap();
        let b = std::fs::read(second.join(format!("mo/mo.{format}.pdf"))).unwrap();
        assert!(a == b, "{format} differs between runs");
    }
}

#[test]
fn an_independent_pdfx_4_validator_finds_no_errors() {
    let (_temp, out) = render_with("theme = \"themes/print.toml\"\n");
    for format in ["poster-a2", "poster-a3", "mousepad"] {
        assert_eq!(
            pdfx_errors(&out.join(format!("mo/mo.{format}.pdf"))),
            Vec::<String>::new(),
            "{format}"
        );
    }
    // The examples too: SVG portraits and logos, two themes, low-resolution-free photos.
    let examples = tempfile::tempdir().unwrap();
    let args = [
        "render",
        "-q",
        "-f",
        "poster-a2,poster-a3,mousepad",
        "-o",
        examples.path().to_str().unwrap(),
    ];
    let examples_dir = repo().join("examples");
    let result =
        personapress(&[&args[..1], &[examples_dir.to_str().unwrap()], &args[1..]].concat());
    assert!(result.status.success(), "{}", stderr(&result));
    for entry in report(examples.path())["documents"].as_array().unwrap() {
        let file = examples.path().join(entry["file"].as_str().unwrap());
        assert_eq!(
            pdfx_errors(&file),
            Vec::<String>::new(),
            "{}",
            file.display()
        );
    }
    // The validator does fail a PDF without the PDF/X parts: the checks above can fail.
    let (_temp, plain) = render_with("theme = \"themes/print.toml\"\n[print]\npdfx = false\n");
    assert!(
        !pdfx_errors(&plain.join("mo/mo.poster-a2.pdf")).is_empty(),
        "a plain PDF is not PDF/X-4"
    );
}

/// The errors pdf_oxide's PDF/X-4 validator reports for a file.
fn pdfx_errors(path: &std::path::Path) -> Vec<String> {
    pdfx_validator_errors(path, pdf_oxide::compliance::PdfXLevel::X4)
}

#[test]
fn low_resolution_photos_are_flagged_at_their_printed_size() {
    let (_temp, project) = fixture("lowres");
    let result = personapress(&["render", project.to_str().unwrap()]);
    assert_eq!(
        result.status.code(),
        Some(1),
        "the tiny photo fails its documents"
    );
    let report = report(&project.join("dist"));
    let warning = entry(&report, "medium", "poster-a2")["warnings"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        warning.contains("900 × 1170 px prints at 184 ppi")
            && warning.contains("recommended 200 ppi"),
        "{warning}"
    );
    let a3 = entry(&report, "medium", "poster-a3")["warnings"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        a3.contains("recommended 300 ppi"),
        "A3 uses the stricter limit: {a3}"
    );
    assert!(
        entry(&report, "medium", "mousepad")["warnings"]
            .as_array()
            .unwrap()
            .is_empty(),
        "317 ppi is fine"
    );
    let error = entry(&report, "tiny", "poster-a2")["errors"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("49 ppi") && error.contains("minimum of 100 ppi"),
        "{error}"
    );
    assert!(
        project.join("dist/medium/medium.poster-a2.pdf").is_file(),
        "a warning never fails a document"
    );
    assert!(
        !project.join("dist/tiny/tiny.poster-a2.pdf").exists(),
        "an error does"
    );
}

#[test]
fn strict_turns_warnings_into_failure_and_limits_are_configurable() {
    let (_temp, project) = fixture("lowres");
    std::fs::remove_file(project.join("personas/tiny.toml")).unwrap();
    let path = project.to_str().unwrap();
    assert_eq!(personapress(&["check", path, "-q"]).status.code(), Some(0));
    assert_eq!(
        personapress(&["check", path, "-q", "--strict"])
            .status
            .code(),
        Some(1)
    );
    write(
        &project.join("personapress.toml"),
        "formats = [\"poster-a2\"]\n[print]\nwarn_ppi = 150\nmin_ppi = 100\n",
    );
    assert_eq!(
        personapress(&["check", path, "-q", "--strict"])
            .status
            .code(),
        Some(0),
        "184 ppi passes a 150 ppi limit"
    );
}

/// Every content stream of the document (pages and forms), decompressed, as text.
pub(crate) fn all_content(doc: &Document) -> String {
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| !s.dict.has(b"N") && !s.dict.has(b"Length1"))
        .map(|s| {
            String::from_utf8_lossy(
                &s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone()),
            )
            .into_owned()
        })
        .collect()
}

#[test]
fn theme_cmyk_values_are_painted_exactly_and_spot_colours_as_separations() {
    let (_temp, out) = render_with("theme = \"themes/print.toml\"\n");
    let doc = pdf(&out.join("mo/mo.poster-a2.pdf"));
    let content = all_content(&doc);
    assert!(
        content.contains("0 0.2 1 0 k"),
        "primary 0/20/100/0 as DeviceCMYK"
    );
    assert!(
        content.contains("1 0.8 0 0.1 k"),
        "accent 100/80/0/10 exactly, not Typst's 8-bit 0.10196"
    );
    assert!(!content.contains("0.101960786"), "no rounded CMYK left");
    let separations: Vec<&Vec<Object>> = doc
        .objects
        .values()
        .filter_map(|o| o.as_array().ok())
        .filter(|a| a.first().and_then(|n| n.as_name().ok()) == Some(b"Separation".as_slice()))
        .collect();
    let pantone = separations
        .iter()
        .find(|a| a[1].as_name().ok() == Some(b"PANTONE 485 C".as_slice()));
    let pantone = pantone.expect("the spot colour is a Separation");
    assert_eq!(
        pantone[2].as_name().unwrap(),
        b"DeviceCMYK",
        "with its CMYK alternate"
    );
    let briefing = all_content(&pdf(&out.join("mo/mo.briefing.pdf")));
    assert!(
        !briefing.contains("0 0.2 1 0 k"),
        "office documents stay RGB"
    );
}

#[test]
fn every_ink_of_the_theme_is_exact_and_a_logo_prints_in_brand_cmyk_and_black() {
    let (_temp, project) = fixture("minimal");
    write(
        &project.join("personapress.toml"),
        "theme = \"themes/ink.toml\"\n",
    );
    write(
        &project.join("themes/ink.toml"),
        "name = \"Ink\"\n[logo]\nfile = \"logo.svg\"\n[colors]\n\
         primary = { rgb = \"#0B3D91\", cmyk = [100, 70, 0, 10] }\n\
         secondary = { rgb = \"#F28C28\", cmyk = [0, 55, 90, 0] }\n\
         text = { rgb = \"#1E1E1E\", cmyk = [70, 60, 50, 90] }\n",
    );
    write(
        &project.join("themes/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 60\" width=\"300\" height=\"60\">\
         <circle cx=\"30\" cy=\"30\" r=\"28\" fill=\"#0B3D91\"/>\
         <rect x=\"70\" y=\"10\" width=\"150\" height=\"40\" fill=\"#1A1A1A\"/>\
         <rect x=\"230\" y=\"10\" width=\"60\" height=\"40\" fill=\"#6B6B6B\"/></svg>",
    );
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo Print\"\ncore_need = \"Colour that is right.\"\n",
    );
    let result = personapress(&["render", project.to_str().unwrap(), "-q"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let content = all_content(&pdf(&project.join("dist/mo/mo.poster-a2.pdf")))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for ink in ["1 0.7 0 0.1 k", "0 0.55 0.9 0 k", "0.7 0.6 0.5 0.9 k"] {
        assert!(content.contains(ink), "{ink} exactly");
    }
    for rounded in ["0.7019608", "0.9019608", "0.5019608", "0.4509804"] {
        assert!(
            !content.contains(rounded),
            "no 8-bit rounding {rounded} left"
        );
    }
    for srgb in [
        "0.043137256 0.23921569 0.5686275 scn",
        "0.101960786 scn",
        "0.41960785 scn",
    ] {
        assert!(
            !content.contains(srgb),
            "the logo's {srgb} is not left in sRGB"
        );
    }
    assert!(
        content.contains("0 0 0 1 k") && content.contains("0 0 0 0.699 k"),
        "the logo's near-black prints as solid K, its grey as a K tint"
    );
}

#[test]
fn black_text_is_pure_k_and_overprints() {
    let (_temp, out) = render_with("theme = \"themes/print.toml\"\n");
    let doc = pdf(&out.join("mo/mo.poster-a2.pdf"));
    let content = all_content(&doc)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        content.contains("0 0 0 1 k /PPOpFill gs"),
        "100 % K text overprints"
    );
    assert!(
        !content.contains("0 0 0 0 k /PPOpFill"),
        "white never overprints"
    );
    let states = page_resources(&doc, b"ExtGState");
    let fill = states.get(b"PPOpFill").unwrap().as_dict().unwrap();
    assert!(fill.get(b"op").unwrap().as_bool().unwrap());
}

/// Renders the minimal fixture with `[print] colour = COLOUR`: a JPEG and a PNG photo
/// of solid sRGB red, and the gradients of the examples' SVG portraits.
fn render_in(
    colour: &str,
    extra: &str,
) -> (tempfile::TempDir, std::path::PathBuf, std::process::Output) {
    let (temp, project) = fixture("minimal");
    std::fs::create_dir_all(project.join("photos")).unwrap();
    // Solid red, with a black band at the foot: FOGRA39's black is more than 300 % ink.
    let red = image::RgbImage::from_fn(400, 500, |_, y| {
        image::Rgb(if y < 400 { [255, 0, 0] } else { [0, 0, 0] })
    });
    red.save(project.join("photos/red.jpg")).unwrap();
    red.save(project.join("photos/red.png")).unwrap();
    std::fs::copy(
        repo().join("examples/photos/peter.svg"),
        project.join("photos/peter.svg"),
    )
    .unwrap();
    for (id, photo) in [
        ("jpeg", "red.jpg"),
        ("png", "red.png"),
        ("svg", "peter.svg"),
    ] {
        let persona =
            format!("name = \"Mo {id}\"\nphoto = \"../photos/{photo}\"\nquote = \"Colour.\"\n");
        write(&project.join(format!("personas/{id}.toml")), &persona);
    }
    std::fs::remove_file(project.join("personas/mo.toml")).unwrap();
    let config = format!(
        "title = \"CMYK\"\nformats = [\"poster-a3\", \"mousepad\"]\n\
         [print]\ncolour = \"{colour}\"\nwarn_ppi = 20\nmin_ppi = 10\n{extra}"
    );
    write(&project.join("personapress.toml"), &config);
    let result = personapress(&["render", project.to_str().unwrap()]);
    (temp, project.join("dist"), result)
}

/// The RGB a PDF still paints: `rg`/`RG`, `sc`/`scn` with three values, RGB images,
/// gradients and transparency groups.
fn rgb_left(doc: &Document) -> Vec<String> {
    let mut left = vec![];
    let content = all_content(doc);
    let tokens: Vec<&str> = content.split_whitespace().collect();
    for (i, token) in tokens.iter().enumerate() {
        let numbers = tokens[..i]
            .iter()
            .rev()
            .take_while(|t| t.parse::<f64>().is_ok())
            .count();
        let rgb = matches!(*token, "rg" | "RG")
            || (matches!(*token, "sc" | "scn" | "SC" | "SCN") && numbers == 3);
        if rgb {
            left.push(tokens[i.saturating_sub(4)..=i].join(" "));
        }
    }
    for (id, object) in &doc.objects {
        let Some(dict) = object
            .as_stream()
            .map(|s| &s.dict)
            .ok()
            .or_else(|| object.as_dict().ok())
        else {
            continue;
        };
        let space = dict
            .get(b"ColorSpace")
            .ok()
            .map(|s| doc.dereference(s).unwrap().1);
        let named = |o: &Object, n: &[u8]| o.as_name().ok() == Some(n);
        let image = dict.get(b"Subtype").is_ok_and(|s| named(s, b"Image"));
        if (image || dict.has(b"ShadingType"))
            && !space.is_some_and(|s| named(s, b"DeviceCMYK") || named(s, b"DeviceGray"))
        {
            left.push(format!("object {id:?}: {:?}", space));
        }
        if let Ok(Object::Dictionary(group)) = dict.get(b"Group")
            && !group
                .get(b"CS")
                .is_ok_and(|s| named(s, b"DeviceCMYK") || named(s, b"DeviceGray"))
        {
            left.push(format!("group of {id:?}: {:?}", group.get(b"CS")));
        }
    }
    left
}

#[test]
fn colour_cmyk_leaves_no_rgb_in_a_print_pdf_and_it_is_still_pdfx_4() {
    let (_temp, out, result) = render_in("cmyk", "");
    assert!(result.status.success(), "{}", stderr(&result));
    let report = report(&out);
    let documents = report["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 6);
    for entry in documents {
        let file = out.join(entry["file"].as_str().unwrap());
        let doc = pdf(&file);
        let images = doc.objects.values().filter(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .is_ok_and(|t| t.as_name().ok() == Some(b"Image".as_slice()))
            })
        });
        if !file.to_string_lossy().contains("svg") {
            assert!(
                images.count() >= 1,
                "{}: the photo is an image",
                file.display()
            );
        }
        assert_eq!(rgb_left(&doc), Vec::<String>::new(), "{}", file.display());
        assert_eq!(
            pdfx_errors(&file),
            Vec::<String>::new(),
            "{}",
            file.display()
        );
    }
    // The photos' black was held to the ink limit, and the report says so.
    let printed = stderr(&result);
    assert!(
        printed.contains("its shadows were held to 300 % ([print] max_ink)"),
        "{printed}"
    );
    assert!(
        !printed.contains("still RGB"),
        "preflight finds no RGB: {printed}"
    );
    let svg = entry(&report, "svg", "poster-a3")["warnings"].to_string();
    assert!(
        !svg.contains("max_ink"),
        "vector art is not ink-limited: {svg}"
    );
    // The same project in RGB does paint RGB: the check above can fail.
    let (_temp, rgb_out, _) = render_in("rgb", "");
    assert!(!rgb_left(&pdf(&rgb_out.join("jpeg/jpeg.poster-a3.pdf"))).is_empty());
}

#[test]
fn an_ink_limit_out_of_range_names_the_key() {
    let (_temp, _out, result) = render_in("cmyk", "max_ink = 500\n");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    let printed = stderr(&result);
    assert!(
        printed.contains("max_ink = 500 is not between 200 and 400"),
        "{printed}"
    );
    assert!(printed.contains("personapress.toml:"), "{printed}");
}

/// The share of a page's pixels, rendered by poppler, that are a strong red.
fn red_share(pdf_path: &std::path::Path) -> f64 {
    require_tool("pdftoppm");
    let prefix = pdf_path.with_extension("");
    let status = std::process::Command::new("pdftoppm")
        .args([
            "-r",
            "20",
            "-png",
            "-singlefile",
            pdf_path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let page = image::open(format!("{}.png", prefix.display()))
        .unwrap()
        .to_rgb8();
    let red = page
        .pixels()
        .filter(|p| p[0] > 180 && p[1] < 90 && p[2] < 90)
        .count();
    red as f64 / f64::from(page.width() * page.height())
}

#[test]
#[ignore = "needs poppler-utils (pdftoppm)"]
fn a_photo_converted_to_cmyk_still_looks_like_itself() {
    let (_temp, out, result) = render_in("cmyk", "");
    assert!(result.status.success(), "{}", stderr(&result));
    let (_temp, rgb, _) = render_in("rgb", "");
    for photo in ["jpeg", "png"] {
        let file = format!("{photo}/{photo}.poster-a3.pdf");
        let (before, after) = (red_share(&rgb.join(&file)), red_share(&out.join(&file)));
        assert!(
            before > 0.03,
            "{photo}: the red photo shows in RGB ({before})"
        );
        assert!(
            (after - before).abs() < 0.3 * before,
            "{photo}: {before} red in RGB, {after} in CMYK"
        );
    }
}

#[test]
fn small_text_in_rich_black_gets_a_warning_and_plain_black_none() {
    let (temp, project) = fixture("minimal");
    let theme = |text: &str| {
        format!(
            "name = \"Rich\"\n[colors]\nprimary = {{ rgb = \"#0B3D91\", cmyk = [100, 80, 0, 10] }}\ntext = {{ rgb = \"#101010\", cmyk = {text} }}\n"
        )
    };
    // A card of the project's own with 9 pt text in the theme's text colour.
    let config = "title = \"Rich\"\ntheme = \"themes/rich.toml\"\nformats = [\"card\"]\n\
                  [format.card]\nsize = \"85x55mm\"\n";
    write(&project.join("personapress.toml"), config);
    write(
        &project.join("templates/card.typ"),
        "#import \"lib.typ\": *\n#show: setup\n\
         #set page(width: fmt.width * 1mm, height: fmt.height * 1mm, bleed: fmt.bleed * 1mm, margin: 8mm)\n\
         #text(size: 9pt, fill: ink, p.name)\n",
    );
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo Rich\"\ngoals = [\"Small text\"]\n",
    );
    write(
        &project.join("themes/rich.toml"),
        &theme("[60, 40, 40, 100]"),
    );
    let rich = personapress(&["render", project.to_str().unwrap()]);
    assert!(rich.status.success(), "{}", stderr(&rich));
    assert!(
        stderr(&rich).contains("is set in rich black (60/40/40/100)"),
        "{}",
        stderr(&rich)
    );
    write(&project.join("themes/rich.toml"), &theme("[0, 0, 0, 100]"));
    let plain = personapress(&["render", project.to_str().unwrap()]);
    assert!(!stderr(&plain).contains("rich black"), "{}", stderr(&plain));
    drop(temp);
}

/// The image XObjects of a PDF's first page: (width, height, filter, stream bytes).
fn page_images(doc: &Document) -> Vec<(i64, i64, String, Vec<u8>)> {
    let mut found = Vec::new();
    for (_, object) in doc.objects.iter() {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        let dict = &stream.dict;
        if dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Image".as_slice()) {
            continue;
        }
        let number = |key: &[u8]| dict.get(key).and_then(|v| v.as_i64()).unwrap_or(0);
        let filter = dict
            .get(b"Filter")
            .and_then(|f| f.as_name())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        found.push((
            number(b"Width"),
            number(b"Height"),
            filter,
            stream.content.clone(),
        ));
    }
    found
}

#[test]
fn photos_far_above_the_print_resolution_are_resampled_when_the_project_asks() {
    let (_temp, project) = fixture("minimal");
    let photo = project.join("photos/big.jpg");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    let pixels = image::RgbImage::from_fn(3000, 4000, |x, y| {
        image::Rgb([(x / 12) as u8, (y / 16) as u8, 128])
    });
    pixels.save(&photo).unwrap();
    let original = std::fs::read(&photo).unwrap();
    write(
        &project.join("personas/mo.toml"),
        "name = \"Mo\"\nphoto = \"../photos/big.jpg\"\n",
    );
    let settings = "title = \"Minimal\"\nformats = [\"mousepad\", \"briefing\"]\n";
    write(
        &project.join("personapress.toml"),
        &format!("{settings}[print]\nmax_ppi = 450\n"),
    );
    let out = personapress(&["render", project.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = report(&project.join("dist"));
    let resampled = &entry(&report, "mo", "mousepad")["resampled"][0];
    assert_eq!(resampled["from"], serde_json::json!([3000, 4000]));
    assert!(
        resampled["from_ppi"].as_f64().unwrap() > 450.0,
        "{resampled}"
    );
    let to = (
        resampled["to"][0].as_i64().unwrap(),
        resampled["to"][1].as_i64().unwrap(),
    );
    let ppi = resampled["from_ppi"].as_f64().unwrap();
    assert!(
        (to.0 as f64 - 3000.0 * 300.0 / ppi).abs() <= 1.0,
        "brought to 300 ppi: {to:?}"
    );
    let images = page_images(&pdf(&project.join("dist/mo/mo.mousepad.pdf")));
    assert!(!images.is_empty());
    assert!(
        images
            .iter()
            .all(|(w, h, filter, _)| (*w, *h) == to && filter == "DCTDecode"),
        "{:?}",
        images.iter().map(|i| (i.0, i.1, &i.2)).collect::<Vec<_>>()
    );
    assert!(
        entry(&report, "mo", "briefing").get("resampled").is_none(),
        "office formats keep their photos"
    );

    // Without the setting, the photo is embedded as given, byte for byte.
    write(&project.join("personapress.toml"), settings);
    let out = personapress(&["render", project.to_str().unwrap(), "-q", "-f", "mousepad"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let images = page_images(&pdf(&project.join("dist/mo/mo.mousepad.pdf")));
    assert!(
        images
            .iter()
            .any(|(w, _, _, bytes)| *w == 3000 && *bytes == original)
    );

    write(
        &project.join("personapress.toml"),
        &format!("{settings}[print]\nmax_ppi = 200\n"),
    );
    let refused = personapress(&["check", project.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("max_ppi = 200 is below the 300 ppi"),
        "{}",
        stderr(&refused)
    );
}
