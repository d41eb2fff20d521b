//! PDF/X-1a and PDF/X-3 for print shops that refuse PDF/X-4: PDF 1.4, no transparency
//! anywhere (transparent photos, SVG portraits and logos flattened), and for PDF/X-1a
//! nothing but CMYK, grey and spot colours. Checked on the PDF objects and with
//! pdf_oxide's PDF/X validator at the standard's level.

use crate::common::*;
use lopdf::{Document, Object};
use pdf_oxide::compliance::PdfXLevel;

/// A project with a JPEG photo, a grey JPEG, a PNG photo with a transparent background, an SVG
/// portrait with opacity and gradients, and a theme whose SVG logo has a half-
/// transparent mark and live text; rendered as poster-a3 and mousepad with `print`
/// as its `[print]` table.
fn render_standard(print: &str) -> (tempfile::TempDir, std::path::PathBuf, std::process::Output) {
    let (temp, project) = fixture("minimal");
    let photos = project.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let red = image::RgbImage::from_fn(400, 500, |_, _| image::Rgb([220, 30, 30]));
    red.save(photos.join("red.jpg")).unwrap();
    let disc = image::RgbaImage::from_fn(400, 500, |x, y| {
        let inside = (x as i32 - 200).pow(2) + (y as i32 - 250).pow(2) < 180 * 180;
        image::Rgba(if inside {
            [30, 90, 200, 255]
        } else {
            [0, 0, 0, 0]
        })
    });
    disc.save(photos.join("cutout.png")).unwrap();
    let grey = image::GrayImage::from_fn(400, 500, |x, _| image::Luma([(x / 2) as u8]));
    grey.save(photos.join("grey.jpg")).unwrap();
    std::fs::copy(
        repo().join("examples/photos/peter.svg"),
        photos.join("peter.svg"),
    )
    .unwrap();
    for (id, photo) in [
        ("jpeg", "red.jpg"),
        ("png", "cutout.png"),
        ("svg", "peter.svg"),
        ("grey", "grey.jpg"),
    ] {
        let persona = format!(
            "name = \"Mo {id}\"\nphoto = \"../photos/{photo}\"\nquote = \"Print it right.\"\n\
             core_need = \"A file the shop accepts.\"\n"
        );
        write(&project.join(format!("personas/{id}.toml")), &persona);
    }
    std::fs::remove_file(project.join("personas/mo.toml")).unwrap();
    write(
        &project.join("themes/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 80\" width=\"320\" height=\"80\">\
         <circle cx=\"40\" cy=\"40\" r=\"32\" fill=\"#0B3D91\" fill-opacity=\"0.5\"/>\
         <text x=\"86\" y=\"52\" font-family=\"Inter\" font-size=\"38\" font-weight=\"700\" fill=\"#0B3D91\">Mo&amp;Co</text></svg>",
    );
    write(
        &project.join("themes/print.toml"),
        "name = \"Print\"\n[colors]\nprimary = { rgb = \"#0B3D91\", cmyk = [100, 80, 0, 10] }\n\
         secondary = { rgb = \"#E30613\", cmyk = [0, 100, 100, 0], spot = \"PANTONE 485 C\" }\n\
         [logo]\nfile = \"logo.svg\"\n",
    );
    let config = format!(
        "title = \"Standards\"\ntheme = \"themes/print.toml\"\nformats = [\"poster-a3\", \"mousepad\"]\n\
         [print]\nwarn_ppi = 20\nmin_ppi = 10\n{print}"
    );
    write(&project.join("personapress.toml"), &config);
    let result = personapress(&["render", project.to_str().unwrap()]);
    (temp, project.join("dist"), result)
}

/// The print PDFs of a render, each with its report entry; never empty.
fn documents(out: &std::path::Path) -> Vec<(std::path::PathBuf, serde_json::Value)> {
    let report = report(out);
    let documents: Vec<_> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (out.join(e["file"].as_str().unwrap()), e.clone()))
        .collect();
    assert_eq!(documents.len(), 8, "four personas in two formats");
    documents
}

/// Every kind of transparency a PDF carries anywhere: soft masks, constant alpha
/// below 1, blend modes, transparency groups.
fn transparency(doc: &Document) -> Vec<String> {
    let mut found = vec![];
    for (id, object) in &doc.objects {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        for (key, value) in dict.iter() {
            let alpha = value
                .as_float()
                .map(f64::from)
                .or(value.as_i64().map(|i| i as f64));
            let bad = match key.as_slice() {
                b"SMask" => value.as_name().is_err(),
                b"ca" | b"CA" => alpha.is_ok_and(|a| a < 1.0),
                b"BM" => !matches!(value.as_name(), Ok(b"Normal" | b"Compatible")),
                b"Group" => true,
                _ => false,
            };
            if bad {
                found.push(format!("{id:?} {}", String::from_utf8_lossy(key)));
            }
        }
    }
    found
}

/// Every colour space a PDF names that is not CMYK, grey or a spot colour, at any depth.
fn non_cmyk_spaces(doc: &Document) -> Vec<String> {
    fn walk(object: &Object, found: &mut Vec<String>) {
        match object {
            Object::Name(n)
                if [
                    &b"DeviceRGB"[..],
                    b"ICCBased",
                    b"Lab",
                    b"CalRGB",
                    b"CalGray",
                ]
                .contains(&n.as_slice()) =>
            {
                found.push(String::from_utf8_lossy(n).into_owned())
            }
            Object::Array(items) => items.iter().for_each(|o| walk(o, found)),
            Object::Dictionary(d) => d.iter().for_each(|(_, o)| walk(o, found)),
            Object::Stream(s) => s.dict.iter().for_each(|(_, o)| walk(o, found)),
            _ => {}
        }
    }
    let mut found = vec![];
    doc.objects.values().for_each(|o| walk(o, &mut found));
    found
}

/// The colour space of every image XObject, and whether it has a soft mask.
fn image_spaces(doc: &Document) -> Vec<(String, bool)> {
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
        .map(|s| {
            let space = s
                .dict
                .get(b"ColorSpace")
                .map(|c| doc.dereference(c).unwrap().1.clone());
            (format!("{:?}", space.ok()), s.dict.has(b"SMask"))
        })
        .collect()
}

fn info_string(doc: &Document, key: &[u8]) -> String {
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .unwrap();
    let value = doc.get_dictionary(info).unwrap().get(key);
    value
        .map(|v| String::from_utf8_lossy(v.as_str().unwrap()).into_owned())
        .unwrap_or_default()
}

#[test]
fn pdfx_1a_is_pdf_1_4_cmyk_only_without_transparency() {
    let (_temp, out, result) = render_standard("standard = \"PDF/X-1a\"\n");
    assert!(result.status.success(), "{}", stderr(&result));
    for (file, entry) in documents(&out) {
        let name = file.display().to_string();
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.4"), "{name}: PDF 1.4");
        let doc = pdf(&file);
        assert_eq!(transparency(&doc), Vec::<String>::new(), "{name}");
        assert_eq!(non_cmyk_spaces(&doc), Vec::<String>::new(), "{name}");
        let images = image_spaces(&doc);
        assert!(
            !images.is_empty(),
            "{name}: the photo and the logo are images"
        );
        for (space, masked) in images {
            assert!(
                space.contains("DeviceCMYK") || space.contains("DeviceGray"),
                "{name}: {space}"
            );
            assert!(!masked, "{name}: an image with a soft mask");
        }
        let content = crate::print::all_content(&doc);
        assert!(
            !content.split_whitespace().any(|t| t == "rg" || t == "RG"),
            "{name}"
        );
        assert_eq!(info_string(&doc, b"GTS_PDFXVersion"), "PDF/X-1:2003");
        assert_eq!(info_string(&doc, b"GTS_PDFXConformance"), "PDF/X-1a:2003");
        assert_eq!(
            pdfx_validator_errors(&file, PdfXLevel::X1a2003),
            Vec::<String>::new(),
            "{name}"
        );
        // The name and quote over the flattened art are still text.
        let persona = entry["persona"].as_str().unwrap();
        assert!(
            plain_text(&file).contains(&format!("Mo {persona}")),
            "{name}"
        );
        let warnings = entry["warnings"].to_string();
        if entry["format"] == "poster-a3" {
            let logo = warnings.contains("SVG art with transparency was flattened");
            assert!(logo, "{name}: the logo in the footer: {warnings}");
        }
        let photo_flattened = warnings.contains("photo with transparency was flattened");
        assert_eq!(photo_flattened, persona == "png", "{name}: {warnings}");
    }
    // The same project as PDF/X-4 does carry transparency and ICC colour: the checks
    // above can fail.
    let (_temp, x4, result) = render_standard("");
    assert!(result.status.success(), "{}", stderr(&result));
    let doc = pdf(&x4.join("svg/svg.poster-a3.pdf"));
    assert!(!transparency(&doc).is_empty() && !non_cmyk_spaces(&doc).is_empty());
    assert!(
        !pdfx_validator_errors(&x4.join("png/png.mousepad.pdf"), PdfXLevel::X1a2003).is_empty()
    );
}

#[test]
fn pdfx_3_keeps_icc_tagged_rgb_but_no_transparency() {
    let (_temp, out, result) = render_standard("standard = \"PDF/X-3\"\n");
    assert!(result.status.success(), "{}", stderr(&result));
    for (file, entry) in documents(&out) {
        let name = file.display().to_string();
        assert!(
            std::fs::read(&file).unwrap().starts_with(b"%PDF-1.4"),
            "{name}"
        );
        let doc = pdf(&file);
        assert_eq!(transparency(&doc), Vec::<String>::new(), "{name}");
        let spaces = non_cmyk_spaces(&doc);
        assert!(spaces.iter().all(|s| s == "ICCBased"), "{name}: {spaces:?}");
        // Flattened art is CMYK, to meet the CMYK brand colours round it; the
        // opaque JPEG photo stays ICC-tagged RGB.
        let images = image_spaces(&doc);
        let cmyk = images
            .iter()
            .filter(|(s, _)| s.contains("DeviceCMYK"))
            .count();
        let flattened = entry["warnings"]
            .to_string()
            .matches("was flattened")
            .count();
        assert_eq!(cmyk, flattened, "{name}: {images:?}");
        assert_eq!(info_string(&doc, b"GTS_PDFXConformance"), "PDF/X-3:2003");
        assert_eq!(info_string(&doc, b"GTS_PDFXVersion"), "PDF/X-3:2003");
        assert_eq!(
            pdfx_validator_errors(&file, PdfXLevel::X32003),
            Vec::<String>::new(),
            "{name}"
        );
        // PDF 1.4 reads ICC profiles up to version 2: every embedded one is.
        for stream in doc.objects.values().filter_map(|o| o.as_stream().ok()) {
            if stream.dict.has(b"N") && !stream.dict.has(b"Subtype") {
                let profile = stream
                    .decompressed_content()
                    .unwrap_or(stream.content.clone());
                assert_eq!(
                    profile.get(8),
                    Some(&2),
                    "{name}: an ICC profile of version {:?}",
                    profile.get(8)
                );
            }
        }
    }
}

#[test]
fn a_standard_that_cannot_be_met_names_its_key() {
    let (_temp, _out, result) = render_standard("standard = \"PDF/X-1a\"\ncolour = \"rgb\"\n");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    let printed = stderr(&result);
    assert!(
        printed.contains("PDF/X-1a is CMYK only, but colour = \"rgb\""),
        "{printed}"
    );
    assert!(
        printed.contains("personapress.toml:8"),
        "the line of `colour`: {printed}"
    );
    let (_temp, _out, result) = render_standard("standard = \"PDF/X-3\"\npdfx = false\n");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("needs PDF/X, but pdfx = false"),
        "{}",
        stderr(&result)
    );
    let (_temp, _out, result) = render_standard("standard = \"PDF/X-5\"\n");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    let printed = stderr(&result);
    assert!(
        printed.contains("PDF/X-1a") && printed.contains("personapress.toml:7"),
        "{printed}"
    );
}

/// The separations Ghostscript's `tiffsep` makes of a PDF, by name.
fn plates(file: &std::path::Path) -> Vec<String> {
    use crate::print_tools::{arg, ghostscript};
    let plates = tempfile::tempdir().unwrap();
    let output = format!("-sOutputFile={}", arg(&plates.path().join("p.tif")));
    ghostscript(&["-r10", "-sDEVICE=tiffsep", &output, arg(file)]);
    let mut names: Vec<String> = std::fs::read_dir(plates.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| Some(n.split_once('(')?.1.split_once(')')?.0.to_string()))
        .collect();
    names.sort();
    names
}

/// A page as poppler draws it, at 30 dpi.
fn poppler_pixels(file: &std::path::Path) -> image::RgbImage {
    use crate::print_tools::{arg, run};
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("page");
    run(
        "pdftoppm",
        &["-r", "30", "-png", "-singlefile", arg(file), arg(&stem)],
    );
    image::open(stem.with_extension("png")).unwrap().to_rgb8()
}

#[test]
#[ignore = "needs ghostscript and poppler-utils (pdftoppm)"]
fn pdfx_1a_separates_into_process_plates_spots_and_the_cut_and_looks_as_before() {
    let (_temp, out, result) = render_standard("standard = \"PDF/X-1a\"\n");
    assert!(result.status.success(), "{}", stderr(&result));
    let (_temp, x4, result) = render_standard("colour = \"cmyk\"\n");
    assert!(result.status.success(), "{}", stderr(&result));
    for (file, entry) in documents(&out) {
        let name = file.display().to_string();
        let plates = plates(&file);
        let allowed = [
            "Black",
            "Cyan",
            "CutContour",
            "Magenta",
            "PANTONE 485 C",
            "Yellow",
        ];
        assert!(
            plates.iter().all(|p| allowed.contains(&p.as_str())),
            "{name}: {plates:?}"
        );
        for process in ["Black", "Cyan", "Magenta", "Yellow"] {
            assert!(plates.iter().any(|p| p == process), "{name}: {plates:?}");
        }
        let mousepad = entry["format"] == "mousepad";
        assert_eq!(
            plates.iter().any(|p| p == "CutContour"),
            mousepad,
            "{name}: {plates:?}"
        );
        // Flattened, the page looks as the PDF/X-4 CMYK one does: wherever both are
        // flat, they agree within 4 levels, so the art meets what lies around it
        // without a visible box (an SVG's half-transparent shapes blend in sRGB here,
        // in CMYK there: a few levels apart).
        let before = poppler_pixels(&x4.join(entry["file"].as_str().unwrap()));
        let after = poppler_pixels(&file);
        assert_eq!(before.dimensions(), after.dimensions(), "{name}");
        let (mismatched, flat) = flat_mismatches(&before, &after);
        assert!(flat > 10_000, "{name}: {flat} flat pixels");
        // (With the backdrop converted as a photo, 1.6 % of them differ.)
        assert!(
            mismatched * 100 < flat,
            "{name}: {mismatched} of {flat} flat pixels differ"
        );
    }
}

/// Of the pixels where both pages are flat (each 3 × 3 neighbourhood within 4 levels
/// in every channel: no edge, whose anti-aliasing differs between vector and image),
/// how many differ by more than 4 levels; and how many are flat.
fn flat_mismatches(before: &image::RgbImage, after: &image::RgbImage) -> (usize, usize) {
    let even = |page: &image::RgbImage, x: u32, y: u32| {
        let centre = page.get_pixel(x, y).0;
        (0..9).all(|i| {
            let p = page.get_pixel(x + i % 3 - 1, y + i / 3 - 1).0;
            p.iter().zip(centre).all(|(a, b)| a.abs_diff(b) <= 4)
        })
    };
    let (w, h) = before.dimensions();
    let (mut mismatched, mut flat) = (0, 0);
    for (x, y) in (1..h - 1).flat_map(|y| (1..w - 1).map(move |x| (x, y))) {
        if even(before, x, y) && even(after, x, y) {
            flat += 1;
            let (a, b) = (before.get_pixel(x, y).0, after.get_pixel(x, y).0);
            mismatched += usize::from(a.iter().zip(b).any(|(a, b)| a.abs_diff(b) > 4));
        }
    }
    (mismatched, flat)
}

/// The difference in millimetres between two page boxes of page 1 (width, height).
fn margin_mm(doc: &Document, outer: &[u8], inner: &[u8]) -> (f64, f64) {
    let (o, i) = (box_mm(doc, outer).unwrap(), box_mm(doc, inner).unwrap());
    (o.0 - i.0, o.1 - i.1)
}

#[test]
fn a_print_shop_preset_sets_bleed_marks_standard_and_colour_at_once() {
    // Offset: crop marks and PDF/X-1a.
    let (_temp, out, result) = render_standard("preset = \"offset\"\n");
    assert!(result.status.success(), "{}", stderr(&result));
    let file = out.join("jpeg/jpeg.poster-a3.pdf");
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF-1.4"));
    let doc = pdf(&file);
    assert_eq!(info_string(&doc, b"GTS_PDFXConformance"), "PDF/X-1a:2003");
    assert!(
        margin_mm(&doc, b"MediaBox", b"BleedBox").0 > 10.0,
        "crop marks"
    );
    assert_eq!(non_cmyk_spaces(&doc), Vec::<String>::new());
    // Online: no marks (MediaBox = BleedBox), PDF/X-4, CMYK only.
    let (_temp, out, result) = render_standard("preset = \"online\"\n");
    assert!(result.status.success(), "{}", stderr(&result));
    let doc = pdf(&out.join("png/png.mousepad.pdf"));
    assert_size(
        margin_mm(&doc, b"MediaBox", b"BleedBox"),
        (0.0, 0.0),
        "no slug",
    );
    assert_eq!(info_string(&doc, b"GTS_PDFXVersion"), "PDF/X-4");
    let images = image_spaces(&doc);
    // The photo in CMYK, its transparency (PDF/X-4 keeps it) a grey soft mask.
    let cmyk_or_mask =
        |(s, _): &(String, bool)| s.contains("DeviceCMYK") || s.contains("DeviceGray");
    assert!(images.iter().all(cmyk_or_mask), "{images:?}");
    assert!(
        images
            .iter()
            .any(|(s, masked)| s.contains("DeviceCMYK") && *masked),
        "{images:?}"
    );
    // Large format: 5 mm bleed, no marks.
    let (_temp, out, result) = render_standard("preset = \"large-format\"\n");
    assert!(result.status.success(), "{}", stderr(&result));
    let doc = pdf(&out.join("jpeg/jpeg.poster-a3.pdf"));
    assert_size(
        margin_mm(&doc, b"BleedBox", b"TrimBox"),
        (10.0, 10.0),
        "5 mm each side",
    );
    assert_size(
        margin_mm(&doc, b"MediaBox", b"BleedBox"),
        (0.0, 0.0),
        "no slug",
    );
}

#[test]
fn a_project_preset_is_used_and_print_keys_win_over_it() {
    let own = "preset = \"shop\"\ncrop_marks = true\noverprint_black = false\n\
               [preset.shop]\ndescription = \"our shop\"\ncrop_marks = false\nstandard = \"PDF/X-3\"\nbleed = \"2mm\"\n";
    let (_temp, out, result) = render_standard(own);
    assert!(result.status.success(), "{}", stderr(&result));
    let doc = pdf(&out.join("jpeg/jpeg.poster-a3.pdf"));
    assert_eq!(
        info_string(&doc, b"GTS_PDFXVersion"),
        "PDF/X-3:2003",
        "from the preset"
    );
    assert_size(
        margin_mm(&doc, b"BleedBox", b"TrimBox"),
        (4.0, 4.0),
        "2 mm bleed from the preset",
    );
    assert!(
        margin_mm(&doc, b"MediaBox", b"BleedBox").0 > 10.0,
        "[print] crop_marks = true wins"
    );
    let content = crate::print::all_content(&doc);
    assert!(
        !content.contains("PPOpFill"),
        "overprint_black = false: black knocks out"
    );
    // Black does overprint by default: the check above can fail.
    let (_temp, out, _) = render_standard("");
    assert!(
        crate::print::all_content(&pdf(&out.join("jpeg/jpeg.poster-a3.pdf"))).contains("PPOpFill")
    );
    // An unknown preset names the key and the presets there are.
    let (_temp, _out, result) = render_standard("preset = \"rollup\"\n");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    let printed = stderr(&result);
    assert!(
        printed.contains("there is no print preset `rollup`"),
        "{printed}"
    );
    assert!(
        printed.contains("personapress.toml:7") && printed.contains("online, offset, large-format"),
        "{printed}"
    );
}

#[test]
fn svg_text_in_a_missing_font_or_past_the_edge_gets_a_warning() {
    let (_temp, out, result) = render_standard("");
    assert!(result.status.success(), "{}", stderr(&result));
    let clean = entry(&report(&out), "jpeg", "poster-a3")["warnings"].to_string();
    assert!(
        !clean.contains("SVG text"),
        "the logo's Inter is there: {clean}"
    );
    // The same logo with a font the project lacks and a name too long for it.
    let project = out.parent().unwrap();
    write(
        &project.join("themes/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 80\" width=\"200\" height=\"80\">\
         <text x=\"10\" y=\"52\" font-family=\"Nonexistent Sans\" font-size=\"38\">Mo&amp;Co Holding</text></svg>",
    );
    let result = personapress(&["render", project.to_str().unwrap(), "-f", "poster-a3"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let warnings = entry(&report(&out), "jpeg", "poster-a3")["warnings"].to_string();
    assert!(
        warnings.contains("asks for the font Nonexistent Sans"),
        "{warnings}"
    );
    assert!(
        warnings.contains("“Mo&Co Holding” runs past the SVG's edge"),
        "{warnings}"
    );
}

#[test]
fn art_that_ends_on_the_trim_without_bleed_gets_a_warning() {
    let (_temp, project) = fixture("minimal");
    let config = "title = \"Bleed\"\nformats = [\"card\"]\n[format.card]\nsize = \"85x55mm\"\n";
    write(&project.join("personapress.toml"), config);
    // A band placed in the page's body from the top-left trim corner to the right
    // trim edge: it touches the trim on three sides and bleeds on none.
    let card = |band: &str| {
        format!(
            "#import \"lib.typ\": *\n#show: setup\n\
             #set page(width: fmt.width * 1mm, height: fmt.height * 1mm, bleed: fmt.bleed * 1mm, margin: 8mm{band})\n\
             #text(size: 9pt, p.name)\n"
        )
    };
    let band = ", background: place(dx: fmt.bleed * 1mm, dy: fmt.bleed * 1mm, rect(width: 85mm, height: 20mm, fill: primary))";
    write(&project.join("templates/card.typ"), &card(band));
    let result = personapress(&["render", project.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    let printed = stderr(&result);
    for edge in ["left", "top", "right"] {
        assert!(
            printed.contains(&format!("art ends on the {edge} trim edge without bleed")),
            "{edge}: {printed}"
        );
    }
    assert!(!printed.contains("bottom trim edge"), "{printed}");
    // The same band from the bleed's corner, a bleed wider on each side: no warning.
    let bled = ", background: rect(width: 85mm + 2 * fmt.bleed * 1mm, height: 20mm, fill: primary)";
    write(&project.join("templates/card.typ"), &card(bled));
    let result = personapress(&["render", project.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        !stderr(&result).contains("without bleed"),
        "{}",
        stderr(&result)
    );
}

#[test]
fn a_soft_proof_shows_what_the_press_cannot_print() {
    let (_temp, project) = fixture("minimal");
    write(
        &project.join("personapress.toml"),
        "title = \"Proof\"\ntheme = \"themes/vivid.toml\"\n[print]\nsoft_proof = true\n",
    );
    write(
        &project.join("themes/vivid.toml"),
        "name = \"Vivid\"\n[colors]\nprimary = \"#00FF40\"\n",
    );
    let png = project.join("proof.png");
    let args = [
        "preview",
        "mo",
        "-C",
        project.to_str().unwrap(),
        "-f",
        "poster-a3",
        "--dpi",
        "20",
    ];
    let result = personapress(&[&args[..], &["--proof", "-o", png.to_str().unwrap()]].concat());
    assert!(result.status.success(), "{}", stderr(&result));
    let printed = stderr(&result);
    let share: f64 = printed
        .split("soft proof for FOGRA39: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("{printed}"));
    assert!(
        share > 5.0,
        "the vivid green band is beyond offset inks: {printed}"
    );
    let pixels = image::open(&png).unwrap().to_rgb8();
    let striped = pixels.pixels().filter(|p| p.0 == [0, 200, 0]).count();
    assert!(
        striped * 100 > pixels.len() / 3 * 2,
        "{striped} striped of {}",
        pixels.len() / 3
    );
    // With `soft_proof`, the proof page's thumbnails of print formats are soft proofs,
    // without stripes:
    // the vivid band as the press prints it; the office briefing as designed.
    let result = personapress(&[
        "render",
        project.to_str().unwrap(),
        "-f",
        "poster-a3,briefing",
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let thumbnail = |format: &str| {
        let path = project.join(format!("dist/.thumbnails/mo/mo.{format}.png"));
        image::open(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .to_rgb8()
    };
    let vivid = |p: &&image::Rgb<u8>| p.0[1] > 240 && p.0[0] < 20;
    let poster = thumbnail("poster-a3");
    assert_eq!(
        poster.pixels().filter(vivid).count(),
        0,
        "the band is soft-proofed"
    );
    assert!(
        !poster.pixels().any(|p| p.0 == [0, 200, 0]),
        "no stripes on the proof page"
    );
    assert!(
        thumbnail("briefing").pixels().filter(vivid).count() > 0,
        "office formats as designed"
    );
    // Without --proof: the page as designed, no stripes, no note.
    let plain = project.join("plain.png");
    let result = personapress(&[&args[..], &["-o", plain.to_str().unwrap()]].concat());
    assert!(!stderr(&result).contains("soft proof"));
    let pixels = image::open(&plain).unwrap().to_rgb8();
    assert!(!pixels.pixels().any(|p| p.0 == [0, 200, 0]));
}
