//! The proof page: `OUT/index.html`, one page (no network) with a thumbnail of every
//! document, its size, pages, findings and a link to its PDF, so an agency sees a
//! whole run at a glance. Up to [`PAGE_SIZE`] documents it is one self-contained file
//! (thumbnails inlined); above, pages of that many read their thumbnails from
//! `.thumbnails/`, so that a run of thousands of documents still opens at once.

use std::fmt::Write as _;
use std::path::Path;

use base64::Engine as _;

use crate::batch::report::{Entry, Report};
use crate::batch::thumbnail_path;
use crate::spec::format::Formats;
use crate::spec::workspace::Workspace;

/// The most documents on one page: a project with more gets `index.html`,
/// `index-2.html`, …, each page's thumbnails read from `.thumbnails/` as they scroll
/// into view, so that no page loads more than this many.
pub(crate) const PAGE_SIZE: usize = 200;

/// The proof pages for a run, as (file name, HTML): one self-contained `index.html`
/// (thumbnails inlined) up to [`PAGE_SIZE`] documents, else pages of that many.
pub(crate) fn pages(report: &Report, ws: &Workspace, date: &str) -> Vec<(String, String)> {
    let chunks: Vec<&[Entry]> = match report.documents.is_empty() {
        true => vec![&[]],
        false => report.documents.chunks(PAGE_SIZE).collect(),
    };
    let inline = chunks.len() == 1;
    (0..chunks.len())
        .map(|i| {
            let mut html = head(report, ws, date) + &navigation(i, chunks.len());
            html += "<main>\n";
            for entry in chunks[i] {
                html += &card(entry, &ws.format_table, ws.out.as_path(), inline);
            }
            html += "</main>\n";
            (
                page_name(i),
                html + &navigation(i, chunks.len()) + &footer(&ws.project),
            )
        })
        .collect()
}

/// `index.html` for the first page, `index-2.html` for the second, ….
pub(crate) fn page_name(index: usize) -> String {
    match index {
        0 => "index.html".into(),
        i => format!("index-{}.html", i + 1),
    }
}

/// The page's head and header: title, client and the whole run's numbers.
fn head(report: &Report, ws: &Workspace, date: &str) -> String {
    let title = report.title.as_deref().unwrap_or("personapress");
    let client = ws.project.client.as_deref().unwrap_or("");
    let s = &report.summary;
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} — proof</title><style>{STYLE}</style></head><body>\n\
         <header><h1>{t}</h1><p class=\"client\">{c}</p>\
         <p class=\"summary\">{docs} documents · {written} written · {failed} failed · \
         {warnings} warnings · {errors} errors · {date}</p></header>\n",
        t = escape(title),
        c = escape(client),
        docs = s.documents,
        written = s.written,
        failed = s.failed,
        warnings = s.warnings,
        errors = s.errors,
        date = escape(date),
    )
}

/// Links to the other pages, when there are several.
fn navigation(current: usize, count: usize) -> String {
    if count < 2 {
        return String::new();
    }
    let mut html = format!("<nav>Page {} of {count}:", current + 1);
    for i in 0..count {
        let _ = match i == current {
            true => write!(html, " <b>{}</b>", i + 1),
            false => write!(html, " <a href=\"{}\">{}</a>", page_name(i), i + 1),
        };
    }
    html + "</nav>\n"
}

/// The page's footer: what the thumbnails show.
fn footer(project: &crate::spec::project::Project) -> String {
    let profile = project.print.output_intent.as_deref().unwrap_or("FOGRA39");
    let soft = match project.print.soft_proof {
        true => format!(
            " The print formats are shown as they will print ({}): a soft proof through the output profile.",
            escape(profile)
        ),
        false => String::new(),
    };
    format!(
        "<footer>Made by personapress. Thumbnails show the trim area; \
         the PDFs carry bleed and crop marks.{soft}</footer>\n</body></html>\n"
    )
}

/// One document's card.
fn card(entry: &Entry, formats: &Formats, out: &Path, inline: bool) -> String {
    let status = match (entry.errors.is_empty(), entry.warnings.is_empty()) {
        (false, _) => "failed",
        (true, false) => "warned",
        (true, true) => "ok",
    };
    let mut html = format!(
        "<article class=\"{status}\">{picture}<h2>{persona}</h2><p class=\"meta\">{meta}</p>",
        picture = picture(entry, out, inline),
        persona = escape(&entry.persona),
        meta = meta_line(entry, formats),
    );
    if let Some(note) = &entry.note {
        let _ = write!(html, "<p class=\"note\">{}</p>", escape(note));
    }
    for (class, lines) in [("error", &entry.errors), ("warning", &entry.warnings)] {
        for line in lines {
            let _ = write!(html, "<p class=\"{class}\">{}</p>", escape(line));
        }
    }
    html + "</article>\n"
}

/// `poster-a2 · Noordzee · 420 × 594 mm · 1 page · 1.8 MB`.
fn meta_line(entry: &Entry, formats: &Formats) -> String {
    let format = entry.format.as_deref().unwrap_or("—");
    let known = entry.format.as_deref().and_then(|name| formats.find(name));
    let size = known.map_or(String::new(), |f| {
        format!("{:.0} × {:.0} mm", f.trim_mm.0, f.trim_mm.1)
    });
    let theme = entry
        .theme
        .as_deref()
        .map_or(String::new(), |t| format!(" · {}", escape(t)));
    let pages = match entry.pages {
        1 => "1 page".to_string(),
        n => format!("{n} pages"),
    };
    let size_of_file = match entry.bytes {
        0 => "no file".to_string(),
        b => format!("{:.1} MB", b as f64 / 1_000_000.0),
    };
    format!("{format}{theme} · {size} · {pages} · {size_of_file}")
}

/// The thumbnail (inlined, or read lazily from its file), linked to the PDF; a
/// placeholder when there is none.
fn picture(entry: &Entry, out: &Path, inline: bool) -> String {
    let Some(file) = &entry.file else {
        return match entry.note {
            Some(_) => "<div class=\"thumb\">not made</div>".into(),
            None => "<div class=\"thumb missing\">not written</div>".into(),
        };
    };
    let thumbnail = thumbnail_path(out, &out.join(file));
    let image = match (inline, thumbnail.is_file()) {
        (_, false) => "<span>no thumbnail</span>".into(),
        (true, true) => format!(
            "<img src=\"data:image/png;base64,{}\" alt=\"{}\">",
            base64::engine::general_purpose::STANDARD
                .encode(std::fs::read(&thumbnail).unwrap_or_default()),
            escape(file)
        ),
        (false, true) => {
            let relative = thumbnail.strip_prefix(out).unwrap_or(&thumbnail);
            format!(
                "<img loading=\"lazy\" src=\"{}\" alt=\"{}\">",
                escape(&link(&relative.to_string_lossy())),
                escape(file)
            )
        }
    };
    format!(
        "<a class=\"thumb\" href=\"{}\">{image}</a>",
        escape(&link(file))
    )
}

/// A relative link to a file in the output folder, each path segment percent-encoded.
fn link(file: &str) -> String {
    file.split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Text made safe for HTML content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "\
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;background:#f4f3ef}\
header{padding:32px 40px 8px}h1{margin:0;font-size:28px}.client{margin:2px 0;color:#5b6472}\
.summary{margin:8px 0 0;color:#5b6472;font-size:13px}\
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:20px;padding:20px 40px 40px}\
article{background:#fff;border-radius:10px;padding:10px 10px 14px;box-shadow:0 1px 3px rgba(0,0,0,.08);border-top:4px solid #2f9e6f}\
article.warned{border-top-color:#e0a526}article.failed{border-top-color:#c8392e}\
.thumb{display:flex;align-items:center;justify-content:center;height:320px;background:#ebe9e3;border-radius:6px;overflow:hidden}\
.thumb img{max-width:100%;max-height:100%;box-shadow:0 1px 4px rgba(0,0,0,.25)}\
.thumb.missing{color:#c8392e;font-weight:600}\
h2{margin:10px 2px 0;font-size:16px}.meta{margin:2px;color:#5b6472;font-size:12px}\
.error,.warning{margin:6px 2px 0;font-size:12px;overflow-wrap:anywhere}.error{color:#c8392e}.note{margin:6px 2px 0;font-size:12px;color:#5b6472}.warning{color:#8a5a00}\
nav{padding:4px 40px;color:#5b6472;font-size:13px}nav a,nav b{margin-left:4px}\
footer{padding:0 40px 32px;color:#8a919c;font-size:12px}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_and_encoded() {
        assert_eq!(
            link("zoë/zoë.poster-a2.pdf"),
            "zo%C3%AB/zo%C3%AB.poster-a2.pdf"
        );
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }

    #[test]
    fn a_thumbnail_sits_in_the_hidden_folder_beside_its_pdf_path() {
        let out = Path::new("/o");
        assert_eq!(
            thumbnail_path(out, Path::new("/o/peter/peter.mousepad.pdf")),
            Path::new("/o/.thumbnails/peter/peter.mousepad.png")
        );
    }

    #[test]
    fn thumbnails_are_inlined_or_read_lazily_from_their_file() {
        let out = tempfile::tempdir().unwrap();
        let png = out.path().join(".thumbnails/zoë/zoë.mousepad.png");
        std::fs::create_dir_all(png.parent().unwrap()).unwrap();
        std::fs::write(&png, b"\x89PNG thumbnail").unwrap();
        let entry: Entry = serde_json::from_value(serde_json::json!({
            "persona": "zoë", "persona_file": "personas/zoë.toml", "theme": null,
            "format": "mousepad", "file": "zoë/zoë.mousepad.pdf", "pages": 1, "bytes": 10,
            "sha256": null, "fit": 1.0, "warnings": [], "errors": []
        }))
        .unwrap();
        let inlined = picture(&entry, out.path(), true);
        assert!(
            inlined.contains("src=\"data:image/png;base64,"),
            "{inlined}"
        );
        let lazy = picture(&entry, out.path(), false);
        assert!(
            lazy.contains("loading=\"lazy\" src=\".thumbnails/zo%C3%AB/zo%C3%AB.mousepad.png\""),
            "{lazy}"
        );
        assert!(!lazy.contains("base64"), "{lazy}");
    }

    #[test]
    fn pages_link_to_each_other_by_number() {
        assert_eq!(page_name(0), "index.html");
        assert_eq!(page_name(19), "index-20.html");
        let nav = navigation(1, 3);
        assert_eq!(
            nav,
            "<nav>Page 2 of 3: <a href=\"index.html\">1</a> <b>2</b> <a href=\"index-3.html\">3</a></nav>\n"
        );
        assert_eq!(navigation(0, 1), "", "one page needs no links");
    }
}
