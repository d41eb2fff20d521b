//! Personas from spreadsheets: a workbook (made here with rust_xlsxwriter), a CSV with
//! its table files, and an ODS render the same documents as the same personas written
//! as TOML; bad cells are errors naming the file, sheet and cell.

use std::path::{Path, PathBuf};

use crate::common::*;
use rust_xlsxwriter::{Format, Workbook};

/// The three personas as TOML files: lists, tables, a photo, media, traits, a journey.
const PERSONAS: [(&str, &str); 3] = [
    (
        "peter",
        "name = \"Peter de Vries\"\nid = \"peter\"\nage = 42\noccupation = \"Installateur\"\n\
         photo = \"../photos/peter.jpg\"\nquote = \"Als ik bel, wil ik meteen iemand.\"\n\
         goals = [\"Klussen op tijd af\", \"Minder papierwerk\"]\nfrustrations = [\"Wachten aan de telefoon\"]\n\
         [communication]\nstyle = \"Direct en zakelijk\"\nchannels = [\"telefoon\", \"WhatsApp\"]\n\
         [[media]]\nchannel = \"WhatsApp\"\nshare = 40\n[[media]]\nchannel = \"E-mail\"\nshare = 25\n\
         [[journey]]\nphase = \"acquisition\"\nstage = \"Oriëntatie\"\ntouchpoints = [\"Google\", \"website\"]\nfeeling = 20\n\
         [[journey]]\nphase = \"loyalty\"\nstage = \"Herhaling\"\nfeeling = -30\n",
    ),
    (
        "anouk",
        "name = \"Anouk Bakker\"\nid = \"anouk\"\nage = 35\ntagline = \"Plant alles vooruit\"\n\
         goals = [\"Overzicht\", \"Rust\", \"Een vaste contactpersoon\"]\n\
         [brief]\nobjective = \"Vertrouwen winnen\"\n\
         [[traits]]\nfrom = \"Spontaan\"\nto = \"Planner\"\nvalue = 80\n",
    ),
    (
        "lars-jansen",
        "name = \"Lars Jansen\"\nquote = \"Gewoon doen.\"\n",
    ),
];

/// A spreadsheet's file name under `data/` and what writes it there.
type Sheet<'a> = (&'a str, &'a dyn Fn(&Path));

/// A project with `formats`, and either the TOML personas or the spreadsheet `sheet`
/// (a file name under `data/`, written by `write_sheet`).
fn project(sheet: Option<Sheet>) -> (tempfile::TempDir, PathBuf) {
    let (temp, project) = fixture("minimal");
    std::fs::remove_file(project.join("personas/mo.toml")).unwrap();
    std::fs::create_dir_all(project.join("photos")).unwrap();
    let photo = image::RgbImage::from_fn(300, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    photo.save(project.join("photos/peter.jpg")).unwrap();
    let personas = match sheet {
        None => {
            for (id, text) in PERSONAS {
                write(&project.join(format!("personas/{id}.toml")), text);
            }
            "personas/*.toml".to_string()
        }
        Some((name, write_sheet)) => {
            std::fs::create_dir_all(project.join("data")).unwrap();
            write_sheet(&project.join("data").join(name));
            format!("data/{name}")
        }
    };
    let config = format!(
        "title = \"Sheets\"\nformats = [\"poster-a3\", \"journey-a3\"]\npersonas = [\"{personas}\"]\n\
         [print]\nwarn_ppi = 10\nmin_ppi = 5\n"
    );
    write(&project.join("personapress.toml"), &config);
    (temp, project)
}

/// The three personas as a workbook: a `personas` sheet with dotted and list columns,
/// `media` (shares formatted as percentages), `traits` and `journey` sheets.
fn write_xlsx(path: &Path) {
    let mut book = Workbook::new();
    let header = [
        "id",
        "name",
        "age",
        "occupation",
        "tagline",
        "photo",
        "quote",
        "goals",
        "frustrations",
        "communication.style",
        "communication.channels",
        "brief.objective",
    ];
    let rows: [[&str; 12]; 3] = [
        [
            "peter",
            "Peter de Vries",
            "42",
            "Installateur",
            "",
            "../photos/peter.jpg",
            "Als ik bel, wil ik meteen iemand.",
            "Klussen op tijd af\nMinder papierwerk",
            "Wachten aan de telefoon",
            "Direct en zakelijk",
            "telefoon\nWhatsApp",
            "",
        ],
        [
            "anouk",
            "Anouk Bakker",
            "35",
            "",
            "Plant alles vooruit",
            "",
            "",
            "Overzicht\nRust\nEen vaste contactpersoon",
            "",
            "",
            "",
            "Vertrouwen winnen",
        ],
        [
            "",
            "Lars Jansen",
            "",
            "",
            "",
            "",
            "Gewoon doen.",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    let sheet = book.add_worksheet().set_name("personas").unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            let (r, c) = (r as u32 + 1, c as u16);
            match value.parse::<f64>() {
                Ok(n) => sheet.write_number(r, c, n).unwrap(),
                Err(_) => sheet.write_string(r, c, *value).unwrap(),
            };
        }
    }
    let percent = Format::new().set_num_format("0%");
    let media = book.add_worksheet().set_name("media").unwrap();
    media
        .write_row(0, 0, ["persona", "channel", "share"])
        .unwrap();
    for (r, (channel, share)) in [("WhatsApp", 0.4), ("E-mail", 0.25)].iter().enumerate() {
        media
            .write_row(r as u32 + 1, 0, ["peter", channel])
            .unwrap();
        media
            .write_number_with_format(r as u32 + 1, 2, *share, &percent)
            .unwrap();
    }
    let traits = book.add_worksheet().set_name("traits").unwrap();
    traits
        .write_row(0, 0, ["persona", "from", "to", "value"])
        .unwrap();
    traits
        .write_row(1, 0, ["anouk", "Spontaan", "Planner"])
        .unwrap();
    traits.write_number(1, 3, 80).unwrap();
    let journey = book.add_worksheet().set_name("journey").unwrap();
    journey
        .write_row(
            0,
            0,
            ["persona", "phase", "stage", "touchpoints", "feeling"],
        )
        .unwrap();
    journey
        .write_row(
            1,
            0,
            ["peter", "acquisition", "Oriëntatie", "Google\nwebsite"],
        )
        .unwrap();
    journey.write_number(1, 4, 20).unwrap();
    journey
        .write_row(2, 0, ["peter", "loyalty", "Herhaling", ""])
        .unwrap();
    journey.write_number(2, 4, -30).unwrap();
    book.save(path).unwrap();
}

/// The three personas as `leden.csv` with `leden.media.csv`, `.traits.csv` and
/// `.journey.csv` beside it (semicolons, as a Dutch Excel saves CSV; "40 %" as text).
fn write_csv(path: &Path) {
    let personas = "id;name;age;occupation;tagline;photo;quote;goals;frustrations;communication.style;communication.channels;brief.objective\n\
        peter;Peter de Vries;42;Installateur;;../photos/peter.jpg;Als ik bel, wil ik meteen iemand.;\"Klussen op tijd af\nMinder papierwerk\";Wachten aan de telefoon;Direct en zakelijk;\"telefoon\nWhatsApp\";\n\
        anouk;Anouk Bakker;35;;Plant alles vooruit;;;\"Overzicht\nRust\nEen vaste contactpersoon\";;;;Vertrouwen winnen\n\
        ;Lars Jansen;;;;;Gewoon doen.;;;;;\n";
    std::fs::write(path, personas).unwrap();
    let sibling = |table: &str, text: &str| {
        std::fs::write(path.with_file_name(format!("leden.{table}.csv")), text).unwrap()
    };
    sibling(
        "media",
        "persona;channel;share\npeter;WhatsApp;40 %\npeter;E-mail;25%\n",
    );
    sibling(
        "traits",
        "persona;from;to;value\nanouk;Spontaan;Planner;80\n",
    );
    sibling(
        "journey",
        "persona;phase;stage;touchpoints;feeling\npeter;acquisition;Oriëntatie;\"Google\nwebsite\";20\npeter;loyalty;Herhaling;;-30\n",
    );
}

/// The three personas as an OpenDocument spreadsheet (tests/fixtures/sheets/make_ods.py).
fn copy_ods(path: &Path) {
    std::fs::copy(repo().join("tests/fixtures/sheets/leden.ods"), path).unwrap();
}

/// Every PDF of a render, by its path under `dist/`, with its text; never empty.
fn texts(project: &Path) -> Vec<(String, String)> {
    let dist = project.join("dist");
    let mut found = Vec::new();
    for dir in std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
    {
        for file in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            if file.extension().is_some_and(|e| e == "pdf") {
                let name = file
                    .strip_prefix(&dist)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.push((name, plain_text(&file)));
            }
        }
    }
    found.sort();
    assert!(!found.is_empty(), "no PDFs under {}", dist.display());
    found
}

fn render(project: &Path) -> std::process::Output {
    personapress(&["render", project.to_str().unwrap()])
}

#[test]
fn a_workbook_a_csv_and_an_ods_render_the_same_documents_as_their_personas_in_toml() {
    let (_t, toml) = project(None);
    let result = render(&toml);
    assert!(result.status.success(), "{}", stderr(&result));
    let from_toml = texts(&toml);
    assert_eq!(from_toml.len(), 4, "three posters and Peter's journey map");
    let sheets: [Sheet; 3] = [
        ("leden.xlsx", &write_xlsx),
        ("leden.csv", &write_csv),
        ("leden.ods", &copy_ods),
    ];
    for sheet in sheets {
        let (_t, project) = project(Some(sheet));
        let result = render(&project);
        assert!(result.status.success(), "{}: {}", sheet.0, stderr(&result));
        let from_sheet = texts(&project);
        let names = |t: &[(String, String)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&from_sheet), names(&from_toml), "{}", sheet.0);
        for ((name, sheet_text), (_, toml_text)) in from_sheet.iter().zip(&from_toml) {
            assert_eq!(
                squeezed(sheet_text),
                squeezed(toml_text),
                "{}: {name}",
                sheet.0
            );
        }
        let poster = &from_sheet
            .iter()
            .find(|(n, _)| n == "peter/peter.poster-a3.pdf")
            .unwrap()
            .1;
        assert!(
            squeezed(poster).contains("WhatsApp40%"),
            "{}: {poster}",
            sheet.0
        );
    }
}

#[test]
fn a_bad_row_fails_alone_and_its_error_names_the_cell() {
    let temp = tempfile::tempdir().unwrap();
    let project = temp.path().join("project");
    copy_dir(&repo().join("tests/bad/sheet-xlsx-wrong-type"), &project);
    std::fs::remove_file(project.join("expected.txt")).ok();
    let result = render(&project);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(
        project.join("dist/peter/peter.mousepad.pdf").is_file(),
        "the good row is rendered"
    );
    let report = report(&project.join("dist"));
    let documents = report["documents"].as_array().unwrap();
    let failed: Vec<&serde_json::Value> = documents
        .iter()
        .filter(|d| d["errors"] != serde_json::json!([]))
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(
        failed[0]["persona"], "anouk",
        "the failed row is named by its id"
    );
    let text = failed[0].to_string();
    assert!(
        text.contains("leden.xlsx: sheet personas, cell E3 (age): expected a whole number, found \\\"veertig\\\""),
        "{text}"
    );
}

#[test]
fn a_table_row_missing_a_key_is_named_in_its_own_csv_file() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let toml = "title = \"t\"\npersonas = [\"data/leden.csv\"]\nformats = [\"mousepad\"]\n";
    std::fs::write(temp.path().join("personapress.toml"), toml).unwrap();
    std::fs::write(
        data.join("leden.csv"),
        "id,name\npeter,Peter\nanouk,Anouk\n",
    )
    .unwrap();
    let journey = "persona,phase,stage\nanouk,acquisition,Zoeken\npeter,acquisition,\n";
    std::fs::write(data.join("leden.journey.csv"), journey).unwrap();
    let result = render(temp.path());
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let report = report(&temp.path().join("dist"));
    let failed: Vec<&serde_json::Value> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["errors"] != serde_json::json!([]))
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["persona"], "peter");
    let text = failed[0]["errors"][0].as_str().unwrap_or_default();
    assert!(
        text.contains("leden.journey.csv: row 3: missing field `stage`"),
        "{text}"
    );
    assert!(temp.path().join("dist/anouk/anouk.mousepad.pdf").is_file());
}

/// The examples project copied to a new folder (its `dist` left out).
fn examples_copy() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let project = temp.path().join("examples");
    copy_dir(&repo().join("examples"), &project);
    std::fs::remove_dir_all(project.join("dist")).ok();
    (temp, project)
}

fn run_in(dir: &Path, args: &[&str]) {
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_personapress"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(result.status.success(), "{args:?}: {}", stderr(&result));
}

fn render_formats(project: &Path) -> Vec<(String, String)> {
    let result = personapress(&[
        "render",
        project.to_str().unwrap(),
        "-f",
        "poster-a3,briefing,journey-a3",
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    texts(project)
}

#[test]
fn the_examples_round_trip_through_a_workbook_and_import() {
    let (_t1, original) = examples_copy();
    run_in(&original, &["sheet", ".", "-o", "data/personas.xlsx"]);
    let workbook = original.join("data/personas.xlsx");
    let (_t2, from_sheet) = examples_copy();
    std::fs::create_dir_all(from_sheet.join("data")).unwrap();
    std::fs::copy(&workbook, from_sheet.join("data/personas.xlsx")).unwrap();
    let config = std::fs::read_to_string(from_sheet.join("personapress.toml")).unwrap();
    let config = config.replace("personas/*.toml", "data/personas.xlsx");
    write(&from_sheet.join("personapress.toml"), &config);
    std::fs::remove_dir_all(from_sheet.join("personas")).unwrap();
    let (_t3, imported) = examples_copy();
    std::fs::remove_dir_all(imported.join("personas")).unwrap();
    std::fs::create_dir_all(imported.join("data")).unwrap();
    std::fs::copy(&workbook, imported.join("data/personas.xlsx")).unwrap();
    run_in(
        &imported,
        &["import", "data/personas.xlsx", "-o", "personas"],
    );
    let peter = std::fs::read_to_string(imported.join("personas/peter.toml")).unwrap();
    assert!(
        peter.starts_with("#:schema ../.personapress/schema/persona.json\n"),
        "{peter}"
    );
    assert!(
        peter.contains("story = \"\"\"\n"),
        "a story is written as a multi-line string"
    );
    assert!(imported.join(".personapress/schema/persona.json").is_file());
    let expected = render_formats(&original);
    assert!(expected.len() >= 16, "{} documents", expected.len());
    for project in [&from_sheet, &imported] {
        let actual = render_formats(project);
        let names = |t: &[(String, String)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&actual), names(&expected));
        for ((name, got), (_, want)) in actual.iter().zip(&expected) {
            assert_eq!(
                squeezed(got),
                squeezed(want),
                "{}: {name}",
                project.display()
            );
        }
    }
}

/// A workbook of two personas, the second with `tagline`.
fn two_personas(path: &Path, tagline: &str) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("personas").unwrap();
    sheet.write_row(0, 0, ["id", "name", "tagline"]).unwrap();
    sheet
        .write_row(1, 0, ["mo", "Mo", "Stays as it is"])
        .unwrap();
    sheet.write_row(2, 0, ["zo", "Zo", tagline]).unwrap();
    book.save(path).unwrap();
}

#[test]
fn watch_rerenders_only_the_persona_of_the_row_a_saved_workbook_changed() {
    let (_temp, project) = fixture("minimal");
    std::fs::remove_file(project.join("personas/mo.toml")).unwrap();
    let workbook = project.join("leden.xlsx");
    two_personas(&workbook, "Before the save");
    write(
        &project.join("personapress.toml"),
        "title = \"Watch\"\npersonas = [\"*.xlsx\"]\n",
    );
    let watch = crate::workflow::Watching::start(&project);
    watch.wait_for("watching");
    let mo = project.join("dist/mo/mo.poster-a3.pdf");
    let mo_before = std::fs::read(&mo).unwrap();
    // Excel's lock file beside an open workbook is no persona source.
    std::fs::write(project.join("~$leden.xlsx"), b"owner").unwrap();
    two_personas(&workbook, "Saved in Excel");
    let printed = watch.wait_for("wrote 1 of 2 documents");
    assert!(printed.contains("zo.poster-a3.pdf"), "{printed}");
    assert!(!printed.contains("error:"), "{printed}");
    assert!(plain_text(&project.join("dist/zo/zo.poster-a3.pdf")).contains("Saved in Excel"));
    assert_eq!(
        std::fs::read(&mo).unwrap(),
        mo_before,
        "the other row's persona is untouched"
    );
}

#[test]
fn preview_of_a_row_is_the_preview_of_its_persona_file() {
    let (_t1, toml) = project(None);
    let (_t2, xlsx) = project(Some(("leden.xlsx", &write_xlsx)));
    let mut pngs = Vec::new();
    for project in [&toml, &xlsx] {
        let png = project.join("anouk.png");
        let args = [
            "preview",
            "anouk",
            "-f",
            "poster-a3",
            "-o",
            png.to_str().unwrap(),
        ];
        let result = std::process::Command::new(env!("CARGO_BIN_EXE_personapress"))
            .current_dir(project)
            .args(args)
            .output()
            .unwrap();
        assert!(result.status.success(), "{}", stderr(&result));
        pngs.push(image::open(&png).unwrap().to_rgb8());
    }
    assert!(pngs[0].width() > 100);
    assert!(
        pngs[0] == pngs[1],
        "the same pixels from the workbook's row"
    );
}

#[test]
fn init_with_a_sheet_starts_a_project_that_renders_as_the_toml_one() {
    let temp = tempfile::tempdir().unwrap();
    let (files, sheet) = (temp.path().join("files"), temp.path().join("sheet"));
    for (dir, extra) in [(&files, None), (&sheet, Some("--sheet"))] {
        let mut args = vec!["init", dir.to_str().unwrap()];
        args.extend(extra);
        let result = personapress(&args);
        assert!(result.status.success(), "{}", stderr(&result));
    }
    assert!(sheet.join("data/personas.xlsx").is_file());
    assert!(
        !sheet.join("personas").exists(),
        "no TOML personas beside the workbook"
    );
    let config = std::fs::read_to_string(sheet.join("personapress.toml")).unwrap();
    assert!(
        config.contains("personas = [\"data/personas.xlsx\"]"),
        "{config}"
    );
    let readme = std::fs::read_to_string(sheet.join("README.md")).unwrap();
    assert!(
        readme.contains("data/personas.xlsx") && !readme.contains("personas/"),
        "the README describes the workbook: {readme}"
    );
    let (expected, actual) = (render_formats(&files), render_formats(&sheet));
    assert_eq!(expected.len(), actual.len());
    assert!(expected.len() >= 4);
    for ((name, got), (_, want)) in actual.iter().zip(&expected) {
        assert_eq!(squeezed(got), squeezed(want), "{name}");
    }
}
